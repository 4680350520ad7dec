/* assemble_entry.c - unpack a store entry's artifacts in staging, layer the
 * kernel headers into a sysroot, commit. */
#include <dirent.h>
#include <errno.h>
#include <strings.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "install.h"
#include "store.h"
#include "unpack.h"
#include "util.h"

/* Reading a download while it arrives.  The worker hashes every byte it
 * reads and, at the end, compares the digest with the recipe's: nothing is
 * committed from bytes that were not the verified ones.  If the file it
 * follows is truncated, replaced or deleted (a restarted or failed download),
 * it gives up with -ESTALE and the entry is built again from the final,
 * verified file. */
struct follow {
	gotc_t *h;
	double last; /* last progress event */
	const struct artifact *a;
	const char *final;
	int fd;
	uint64_t off;
	struct hasher *hs;
	bool stale;
};

static int follow_open(gotc_t *h, struct follow *f, const struct artifact *a, bool final_only)
{
	char *part = str_printf("%s.part", a->cache_path);
	if (!part)
		return gotc_fail(h, -ENOMEM, "out of memory");
	memset(f, 0, sizeof(*f));
	f->h = h;
	f->a = a;
	f->final = a->cache_path;
	f->fd = -1;
	f->hs = hasher_new(a->src->sha256 ? HASH_SHA256 : HASH_SHA512);
	/* until the download starts (the main process ends this worker if it fails) */
	/* open_regular: a FIFO in the cache never blocks (the download replaces it) */
	while (f->hs && (f->fd = open_regular(a->cache_path)) < 0 &&
	       (final_only || (f->fd = open_regular(part)) < 0))
		usleep(5000);
	free(part);
	return f->hs ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
}

/* Unpack progress: archive bytes read of the declared size, ten times a second. */
static void follow_progress(struct follow *f)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (t - f->last < 0.1)
		return;
	f->last = t;
	struct gotc_event ev = {.type = GOTC_EV_UNPACK_PROGRESS, .name = f->a->src->name,
				.now = f->off, .total = f->a->src->size};
	gotc_emit(f->h, &ev);
}

static long follow_read(void *ctx, void *buf, size_t len)
{
	struct follow *f = ctx;
	for (;;) {
		ssize_t n = read(f->fd, buf, len);
		if (n > 0) {
			hasher_update(f->hs, buf, (size_t)n);
			f->off += (uint64_t)n;
			follow_progress(f);
			return (long)n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		struct stat fs, ds;
		if (n < 0 || fstat(f->fd, &fs) < 0 || (uint64_t)fs.st_size < f->off)
			break; /* an error, or truncated: a restarted download */
		if (stat(f->final, &ds) == 0) {
			if (ds.st_dev != fs.st_dev || ds.st_ino != fs.st_ino)
				break; /* another file took its place */
			if ((uint64_t)fs.st_size == f->off)
				return 0; /* verified and renamed into place: the end */
			continue;
		}
		if (fs.st_nlink == 0)
			break; /* deleted: the download failed */
		usleep(5000);
	}
	f->stale = true;
	return -ESTALE;
}

/* Read what the unpacker left, then compare the digest. */
static int follow_finish(gotc_t *h, struct follow *f)
{
	char buf[65536], got[129];
	long n;
	while ((n = follow_read(f, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		return -ESTALE;
	hasher_final(f->hs, got);
	f->hs = NULL;
	const char *want = f->a->src->sha256 ? f->a->src->sha256 : f->a->src->sha512;
	if (strcasecmp(got, want) != 0) {
		gotc_info(h, "%s: read %s, expected %s: reading it again", f->final, got, want);
		return -ESTALE;
	}
	return 0;
}

static void follow_close(struct follow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	hasher_free(f->hs);
}

static int unpack_into(gotc_t *h, const struct artifact *a, const char *dir, bool fix_abs,
		       bool final_only, struct buf *notes)
{
	char *dest = a->subdir[0] ? path_join(dir, a->subdir) : strdup(dir);
	struct follow f = {.fd = -1};
	if (!dest)
		return gotc_fail(h, -ENOMEM, "out of memory");
	int rc = mkdir_p(dest, 0755);
	if (rc) {
		rc = gotc_fail(h, rc, "mkdir %s: %s", dest, strerror(-rc));
	} else if (!(rc = follow_open(h, &f, a, final_only || !a->src->size))) {
		/* the declared size, else (an unsized source is not followed while
		 * it downloads: it is unpacked once whole and verified) the file's,
		 * so its limit never depends on how far the download had got */
		struct stat st;
		uint64_t asize = a->src->size ? a->src->size
				 : stat(a->cache_path, &st) == 0 ? (uint64_t)st.st_size
								 : 0;
		struct unpack_opts o = {
			.max_bytes = unpack_limit(h, asize),
			.include = a->src->include,
			.strip = a->src->strip,
			.fix_abs_symlinks = fix_abs,
			.exclusive = true,
			.read_fn = follow_read,
			.read_ctx = &f,
			.read_fd = f.fd,
			.file_hashed = store_hash_note,
			.hash_ctx = notes,
		};
		struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = a->src->name, .msg = "unpack"};
		gotc_emit(h, &ev);
		rc = unpack_archive(h, a->cache_path, dest, &o);
		if (f.stale)
			rc = -ESTALE;
		else if (!rc)
			rc = follow_finish(h, &f);
		else if (follow_finish(h, &f) == -ESTALE)
			rc = -ESTALE; /* the archive looked bad because its bytes were not the real ones */
		if (!rc) {
			struct gotc_event done = {.type = GOTC_EV_STEP_DONE, .name = a->src->name,
						  .msg = "unpack", .now = o.written};
			gotc_emit(h, &done);
		}
	}
	follow_close(&f);
	free(dest);
	return rc;
}

int run_logged(gotc_t *h, const char *log, char *const argv[], int (*prep)(gotc_t *, void *),
	       void *ctx, char **text)
{
	int st;
	*text = NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return gotc_fail(h, -errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		FILE *f = freopen(log, "w", stdout);
		if (!f || dup2(fileno(f), 2) < 0 || (prep && prep(h, ctx)))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return gotc_fail(h, -errno, "waitpid: %s", strerror(errno));
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (code && read_file(log, text, NULL) < 0)
		*text = NULL; /* no log to show: the caller gives the status alone */
	return code;
}

/* Run `make headers_install` in a kernel source tree; headers land in out/include. */
static int headers_install(gotc_t *h, const char *src, const char *karch, const char *out)
{
	char *arch = str_printf("ARCH=%s", karch);
	char *hdr = str_printf("INSTALL_HDR_PATH=%s", out);
	char *log = str_printf("%s.log", out), *text = NULL;
	int rc = 0;
	if (!arch || !hdr || !log) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	gotc_info(h, "make -C %s headers_install %s %s", src, arch, hdr);
	char *argv[] = {"make", "-s", "-C", (char *)src, "headers_install", arch, hdr, NULL};
	int st = run_logged(h, log, argv, NULL, NULL, &text);
	if (st < 0)
		rc = st;
	else if (st)
		rc = gotc_fail(h, GOTC_EASSEMBLE,
			       "make headers_install ARCH=%s failed in %s%s (needs make, rsync and a host C "
			       "compiler: apt-get install make rsync gcc)%s%.600s",
			       karch, src, st == 127 ? ": make not found" : "", text ? ":\n" : "",
			       text ? text : "");
out:
	free(text);
	free(arch);
	free(hdr);
	free(log);
	return rc;
}

/* Move every top-level entry of from/ into to/, replacing what is there. */
static int layer_dir(gotc_t *h, const char *from, const char *to)
{
	int rc = mkdir_p(to, 0755);
	if (rc)
		return gotc_fail(h, rc, "mkdir %s: %s", to, strerror(-rc));
	DIR *d = opendir(from);
	if (!d)
		return gotc_fail(h, GOTC_EASSEMBLE, "kernel headers: %s: %s (check the recipe's include key)",
				 from, strerror(errno));
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *s = path_join(from, de->d_name), *t = path_join(to, de->d_name);
		if (!s || !t)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		else if ((rc = rm_rf(t)))
			rc = gotc_fail(h, rc, "rm %s: %s", t, strerror(-rc));
		else if (rename(s, t) < 0)
			rc = gotc_fail(h, -errno, "rename %s -> %s: %s", s, t, strerror(errno));
		free(s);
		free(t);
	}
	closedir(d);
	return rc;
}

/* Where artifact a of e unpacks inside the stage.  A sysroot carried inside
 * a toolchain archive is unpacked aside (tmp) and only its sysroot directory
 * kept; kernel sources go to kernel/. */
static bool from_toolchain(const struct entry *e)
{
	return e->role == ER_SYSROOT && e->recipe->kind == RK_TOOLCHAIN;
}

int entry_stage(gotc_t *h, const struct entry *e, char **stage)
{
	int rc = store_stage(h, e->name, stage);
	if (rc)
		return rc;
	static const char *const sub[] = {"root", "tmp", "kernel"};
	for (size_t i = 0; i < 3 && !rc; i++) {
		if (i == 0 && from_toolchain(e))
			continue; /* root/ is the toolchain's sysroot, renamed in */
		char *d = path_join(*stage, sub[i]);
		if (!d || mkdir(d, 0755) < 0)
			rc = gotc_fail(h, d ? -errno : -ENOMEM, "mkdir %s: %s", d ? d : *stage, strerror(errno));
		free(d);
	}
	if (rc) {
		rm_rf(*stage);
		free(*stage);
		*stage = NULL;
	}
	return rc;
}

int entry_unpack(gotc_t *h, const struct entry *e, size_t i, const char *stage, bool final_only)
{
	const struct artifact *a = &e->arts[i];
	const char *sub = a->is_kernel ? "kernel" : from_toolchain(e) ? "tmp" : "root";
	char *dir = path_join(stage, sub);
	/* the hashes of the files as they were written, for the commit */
	char *notes = str_printf("%s/" STORE_HASHES "%zu", stage, i);
	struct buf b;
	buf_init(&b);
	int rc = dir && notes ? unpack_into(h, a, dir, a->is_kernel || e->role == ER_SYSROOT ||
							       e->role == ER_PACKAGES,
					    final_only, &b)
			      : gotc_fail(h, -ENOMEM, "out of memory");
	if (!rc && !b.oom && b.len && (rc = write_file_atomic(notes, b.s, b.len, 0644)))
		rc = gotc_fail(h, rc, "cannot write %s: %s", notes, strerror(-rc));
	buf_free(&b);
	free(notes);
	free(dir);
	return rc;
}

int entry_finish(gotc_t *h, const char *kernel_arch, const struct entry *e, const char *stage)
{
	char *root = NULL, *tmp = NULL, *ktmp = NULL, *dest = NULL, *info = NULL, *hinfo = NULL;
	const struct recipe *r = e->recipe;
	int rc = 0;
	root = path_join(stage, "root");
	tmp = path_join(stage, "tmp");
	ktmp = path_join(stage, "kernel");
	dest = str_printf("%s/store/%s", h->home, e->name);
	if (!root || !tmp || !ktmp || !dest) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (from_toolchain(e)) {
		char *sys = path_join(tmp, r->sysroot_dir);
		struct stat sst;
		if (!sys || lstat(sys, &sst) < 0 || !S_ISDIR(sst.st_mode)) {
			rc = gotc_fail(h, GOTC_EASSEMBLE, "%s: sysroot '%s' is not a directory in the toolchain's files",
				       r->path, r->sysroot_dir);
			free(sys);
			goto out;
		}
		if (rename(sys, root) < 0)
			rc = gotc_fail(h, -errno, "rename %s: %s", sys, strerror(errno));
		free(sys);
		if (rc)
			goto out;
	}
	if (e->kernel) {
		const struct recipe *k = e->kernel;
		const char *sysinc_rel = r->include ? r->include : "usr/include";
		char *kinc = NULL, *sysinc = path_join(root, sysinc_rel);
		if (strcmp(k->method, "headers_install") == 0) {
			char *out = path_join(stage, "khdr");
			rc = !kernel_arch ? gotc_fail(h, GOTC_EASSEMBLE, "%s: make headers_install needs the target's arch", k->path)
			     : out ? headers_install(h, ktmp, kernel_arch, out)
				   : gotc_fail(h, -ENOMEM, "out of memory");
			kinc = out ? path_join(out, "include") : NULL;
			free(out);
		} else {
			kinc = path_join(ktmp, k->include);
		}
		if (!rc)
			rc = (kinc && sysinc) ? layer_dir(h, kinc, sysinc) : gotc_fail(h, -ENOMEM, "out of memory");
		free(kinc);
		free(sysinc);
		if (rc)
			goto out;
	}
	rm_rf(tmp);
	rm_rf(ktmp);
	if ((e->role == ER_SYSROOT || e->role == ER_PACKAGES) && (rc = sysroot_fix_scripts(h, root, NULL)))
		goto out;
	if (e->role == ER_TOOLCHAIN && (rc = toolchain_host_need(h, r, root, &hinfo)))
		goto out;
	info = str_printf("name %s\nrole %s\nrecipe %s\nversion %s\nkey %s\n%s%s%s%s", e->name,
			  e->role == ER_GO ? "go" : e->role == ER_TOOLCHAIN ? "toolchain"
			  : e->role == ER_PACKAGES ? "packages" : "sysroot",
			  r->name, r->version, e->key, e->kernel ? "kernel_headers " : "",
			  e->kernel ? e->kernel->name : "", e->kernel ? "\n" : "", hinfo ? hinfo : "");
	if (!info) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	gotc_test_point(h, "unpacked");
	uint64_t size = 0;
	rc = store_commit(h, stage, dest, info, &size);
	if (!rc) {
		struct gotc_event done = {.type = GOTC_EV_STEP_DONE, .name = e->name,
					  .msg = "assemble", .now = size};
		gotc_emit(h, &done);
	}
out:
	free(root);
	free(tmp);
	free(ktmp);
	free(dest);
	free(info);
	free(hinfo);
	return rc;
}

static int assemble_once(gotc_t *h, const char *kernel_arch, const struct entry *e, bool final_only)
{
	char *stage = NULL;
	int rc = entry_stage(h, e, &stage);
	if (rc)
		return rc;
	struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = e->name, .msg = "assemble"};
	gotc_emit(h, &ev);
	for (size_t i = 0; i < e->narts && !rc; i++)
		rc = entry_unpack(h, e, i, stage, final_only);
	if (!rc)
		rc = entry_finish(h, kernel_arch, e, stage);
	if (rc)
		rm_rf(stage);
	free(stage);
	return rc;
}

int assemble_entry(gotc_t *h, const char *kernel_arch, const struct entry *e)
{
	/* First while the downloads arrive; again from the verified files if a
	 * download was restarted or replaced under it. */
	int rc = assemble_once(h, kernel_arch, e, false);
	for (int again = 0; rc == -ESTALE && again < 5; again++) {
		/* a corrupted cache file is being replaced: give the main process
		 * time to find it, remove it and fetch it again */
		usleep(200000u << again);
		rc = assemble_once(h, kernel_arch, e, true);
	}
	if (rc == -ESTALE)
		rc = gotc_fail(h, GOTC_ECHECKSUM,
			       "%s: its downloads did not match their sha256 while it was assembled",
			       e->name);
	return rc;
}
