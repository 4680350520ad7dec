/* install_worker.c - the worker processes install.c drives: each is this
 * program again (posix_spawn of /proc/self/exe with the hidden argument
 * --worker), in a process group of its own that holds whatever it starts
 * (make headers_install), so that the group can be killed as a whole.
 *
 * The job goes to the worker's standard input as a list of NUL-terminated
 * fields (the handle's settings, the entry, its artifacts); the worker sends
 * its events and its error back on fd 3 as the records install.c reads
 * (struct wire, install.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "install.h"
#include "util.h"

extern char **environ;

#define JOB_MAGIC "gotc-job-1"
#define WORKER_WIRE_FD 3

void wire_send(int fd, uint32_t type, int code, uint64_t now, uint64_t total, const char *name,
	       const char *msg)
{
	char rec[WIRE_MAX];
	struct wire w = {.type = type, .code = code, .now = now, .total = total};
	size_t nlen = name ? strlen(name) : 0, mlen = msg ? strlen(msg) : 0;
	if (nlen > 512)
		nlen = 512;
	if (mlen > sizeof(rec) - sizeof(w) - nlen)
		mlen = sizeof(rec) - sizeof(w) - nlen;
	w.nlen = (uint32_t)nlen;
	w.mlen = (uint32_t)mlen;
	memcpy(rec, &w, sizeof(w));
	if (nlen)
		memcpy(rec + sizeof(w), name, nlen);
	if (mlen)
		memcpy(rec + sizeof(w) + nlen, msg, mlen);
	size_t len = sizeof(w) + nlen + mlen;
	ssize_t n;
	do
		n = write(fd, rec, len);
	while (n < 0 && errno == EINTR);
}

/* ---- the job, as fields ---- */

static void put_s(struct buf *b, const char *s)
{
	buf_putc(b, s ? '+' : '-');
	if (s)
		buf_puts(b, s);
	buf_putc(b, '\0');
}

static void put_u(struct buf *b, uint64_t v)
{
	buf_printf(b, "+%llu", (unsigned long long)v);
	buf_putc(b, '\0');
}

static void put_recipe(struct buf *b, const struct recipe *r)
{
	put_u(b, (uint64_t)r->kind);
	put_s(b, r->name);
	put_s(b, r->path);
	put_s(b, r->version);
	put_s(b, r->sysroot_dir);
	put_s(b, r->include);
	put_s(b, r->method);
	put_s(b, r->host_glibc);
	put_u(b, (uint64_t)r->host_glibc_line);
}

static void job_encode(gotc_t *h, const struct worker_job *j, struct buf *b)
{
	const struct entry *e = j->e;
	put_s(b, JOB_MAGIC);
	put_s(b, h->home);
	put_u(b, (uint64_t)h->pid);
	put_u(b, (uint64_t)h->fsync);
	put_u(b, (uint64_t)h->reinstall);
	put_u(b, h->max_unpack);
	put_u(b, h->unpack_ratio);
	put_u(b, h->max_download);
	put_u(b, (uint64_t)(int64_t)j->art);
	put_s(b, j->stage);
	put_s(b, j->kernel_arch);
	put_u(b, (uint64_t)e->role);
	put_s(b, e->name);
	put_s(b, e->key);
	put_recipe(b, e->recipe);
	put_u(b, e->kernel != NULL);
	if (e->kernel)
		put_recipe(b, e->kernel);
	put_u(b, e->narts);
	for (size_t i = 0; i < e->narts; i++) {
		const struct artifact *a = &e->arts[i];
		const struct source *s = a->src;
		size_t ni = 0;
		while (s->include && s->include[ni])
			ni++;
		put_s(b, s->name);
		put_s(b, s->sha256);
		put_s(b, s->sha512);
		put_u(b, s->size);
		put_u(b, s->strip);
		put_u(b, s->include != NULL);
		put_u(b, ni);
		for (size_t k = 0; k < ni; k++)
			put_s(b, s->include[k]);
		put_s(b, a->cache_path);
		put_s(b, a->subdir);
		put_u(b, (uint64_t)a->is_kernel);
		put_u(b, a->recipe == e->kernel && e->kernel);
	}
}

/* The worker's copy of the job: everything malloc'd hangs off it. */
struct job_in {
	const char *p, *end;
	bool bad;
	char **owned; /* strings, freed at the end */
	size_t nowned, capowned;
	struct recipe r, k;
	struct entry e;
	struct source *srcs;
	char ***incs;
	struct artifact *arts;
	char *stage, *kernel_arch;
	int art;
};

static char *get_s(struct job_in *j)
{
	const char *z = j->p < j->end ? memchr(j->p, '\0', (size_t)(j->end - j->p)) : NULL;
	if (!z || (*j->p != '+' && *j->p != '-')) {
		j->bad = true;
		return NULL;
	}
	const char *v = j->p + 1;
	bool set = *j->p == '+';
	j->p = z + 1;
	if (!set)
		return NULL;
	if (j->nowned == j->capowned) {
		size_t nc = j->capowned ? j->capowned * 2 : 64;
		char **no = realloc(j->owned, nc * sizeof(*no));
		if (!no) {
			j->bad = true;
			return NULL;
		}
		j->owned = no;
		j->capowned = nc;
	}
	char *s = strdup(v);
	if (!s)
		j->bad = true;
	else
		j->owned[j->nowned++] = s;
	return s;
}

static uint64_t get_u(struct job_in *j)
{
	char *s = get_s(j), *end = NULL;
	if (!s) {
		j->bad = true;
		return 0;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || !*s || *end)
		j->bad = true;
	return v;
}

static void get_recipe(struct job_in *j, struct recipe *r)
{
	r->kind = (enum recipe_kind)get_u(j);
	r->name = get_s(j);
	r->path = get_s(j);
	r->version = get_s(j);
	r->sysroot_dir = get_s(j);
	r->include = get_s(j);
	r->method = get_s(j);
	r->host_glibc = get_s(j);
	r->host_glibc_line = (int)get_u(j);
	if (r->kind >= RK__COUNT || !r->name || !r->path)
		j->bad = true;
}

static int job_decode(gotc_t *h, struct job_in *j)
{
	char *magic = get_s(j);
	if (!magic || strcmp(magic, JOB_MAGIC) != 0)
		return gotc_fail(h, GOTC_EASSEMBLE, "worker: not a job");
	h->home = get_s(j);
	h->pid = (long)get_u(j);
	h->fsync = (int)get_u(j);
	h->reinstall = (int)get_u(j);
	h->max_unpack = get_u(j);
	h->unpack_ratio = get_u(j);
	h->max_download = get_u(j);
	j->art = (int)(int64_t)get_u(j);
	j->stage = get_s(j);
	j->kernel_arch = get_s(j);
	j->e.role = (enum entry_role)get_u(j);
	j->e.name = get_s(j);
	j->e.key = get_s(j);
	get_recipe(j, &j->r);
	j->e.recipe = &j->r;
	if (get_u(j)) {
		get_recipe(j, &j->k);
		j->e.kernel = &j->k;
	}
	uint64_t n = get_u(j);
	if (j->bad || !h->home || !j->e.name || !j->e.key || j->e.role >= ER__COUNT || n > 4096)
		return gotc_fail(h, GOTC_EASSEMBLE, "worker: a malformed job");
	j->e.narts = (size_t)n;
	j->srcs = calloc(n + 1, sizeof(*j->srcs));
	j->incs = calloc(n + 1, sizeof(*j->incs));
	j->arts = calloc(n + 1, sizeof(*j->arts));
	if (!j->srcs || !j->incs || !j->arts)
		return gotc_fail(h, -ENOMEM, "out of memory");
	j->e.arts = j->arts;
	for (size_t i = 0; i < n && !j->bad; i++) {
		struct source *s = &j->srcs[i];
		struct artifact *a = &j->arts[i];
		s->name = get_s(j);
		s->sha256 = get_s(j);
		s->sha512 = get_s(j);
		s->size = get_u(j);
		s->strip = get_u(j);
		bool has_inc = get_u(j) != 0;
		uint64_t ni = get_u(j);
		if (j->bad || ni > 65536)
			break;
		if (has_inc) {
			j->incs[i] = calloc(ni + 1, sizeof(char *));
			if (!j->incs[i])
				return gotc_fail(h, -ENOMEM, "out of memory");
			for (uint64_t k = 0; k < ni; k++)
				j->incs[i][k] = get_s(j);
			s->include = j->incs[i];
		}
		a->src = s;
		a->cache_path = get_s(j);
		a->subdir = get_s(j);
		a->is_kernel = (int)get_u(j);
		a->recipe = get_u(j) && j->e.kernel ? j->e.kernel : j->e.recipe;
		if (!s->name || (!s->sha256 && !s->sha512) || !a->cache_path || !a->subdir)
			j->bad = true;
	}
	if (j->bad || (j->art >= 0 && (size_t)j->art >= j->e.narts) || j->art < JOB_WHOLE ||
	    (j->art != JOB_WHOLE && !j->stage))
		return gotc_fail(h, GOTC_EASSEMBLE, "worker: a malformed job");
	return 0;
}

static void job_in_free(struct job_in *j)
{
	for (size_t i = 0; j->incs && i < j->e.narts; i++)
		free(j->incs[i]);
	free(j->incs);
	free(j->srcs);
	free(j->arts);
	for (size_t i = 0; i < j->nowned; i++)
		free(j->owned[i]);
	free(j->owned);
}

/* ---- the worker ---- */

static void wire_event(const struct gotc_event *ev, void *ctx)
{
	wire_send(*(int *)ctx, (uint32_t)ev->type, 0, ev->now, ev->total, ev->name, ev->msg);
}

/* The main process died (kill -9 gotc): take the whole group with us. */
static void on_parent_death(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
	_exit(1);
}

int install_worker_main(void)
{
	gotc_t h;
	struct job_in j;
	struct buf in;
	int wire = WORKER_WIRE_FD, rc = 0;
	memset(&h, 0, sizeof(h));
	memset(&j, 0, sizeof(j));
	buf_init(&in);
	/* what this worker starts must not hold the job or the records */
	if (fcntl(0, F_SETFD, FD_CLOEXEC) < 0 || fcntl(wire, F_SETFD, FD_CLOEXEC) < 0)
		return 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_parent_death;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGINT, SIG_IGN); /* Ctrl-C: the main process decides */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	char tmp[8192];
	for (;;) {
		ssize_t n = read(0, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = gotc_fail(&h, -errno, "worker: reading the job: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		buf_add(&in, tmp, (size_t)n);
	}
	j.p = in.s;
	j.end = in.s + in.len;
	if ((rc = job_decode(&h, &j)))
		goto out;
	if (getppid() != (pid_t)h.pid)
		_exit(1); /* the main process is already gone */
	h.event = wire_event;
	h.event_ctx = &wire;
	if (j.art == JOB_WHOLE)
		rc = assemble_entry(&h, j.kernel_arch, &j.e);
	else if (j.art == JOB_FINISH)
		rc = entry_finish(&h, j.kernel_arch, &j.e, j.stage);
	else
		rc = entry_unpack(&h, &j.e, (size_t)j.art, j.stage, false);
out:
	if (rc)
		wire_send(wire, WIRE_ERROR, rc, 0, 0, NULL, h.errbuf);
	job_in_free(&j);
	buf_free(&in);
	return rc ? 1 : 0;
}

/* ---- the main process's side ---- */

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int worker_spawn(gotc_t *h, const struct worker_job *job, pid_t *pid, int *fd)
{
	char exe[PATH_MAX];
	int jp[2] = {-1, -1}, wp[2] = {-1, -1}, rc = 0;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	bool fa_ok = false, at_ok = false;
	struct buf b;
	buf_init(&b);
	*pid = 0;
	*fd = -1;
	/* this program, as the kernel knows it (valgrind answers for its client) */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || (size_t)n >= sizeof(exe) - 1) {
		rc = gotc_fail(h, GOTC_EASSEMBLE, "cannot find this program (/proc/self/exe): %s",
			       n < 0 ? strerror(errno) : "name too long");
		goto out;
	}
	exe[n] = '\0';
	/* the job: in a memory file, read from its start (no pipe to fill) */
	job_encode(h, job, &b);
	if ((jp[0] = memfd_create("gotc-job", MFD_CLOEXEC)) < 0 || write_all(jp[0], b.s, b.len) < 0 ||
	    lseek(jp[0], 0, SEEK_SET) < 0 || pipe2(wp, O_CLOEXEC) < 0) {
		rc = gotc_fail(h, -errno, "worker job: %s", strerror(errno));
		goto out;
	}
	if ((rc = -posix_spawn_file_actions_init(&fa)))
		goto spawn_err;
	fa_ok = true;
	if ((rc = -posix_spawnattr_init(&at)))
		goto spawn_err;
	at_ok = true;
	sigset_t def, none;
	sigemptyset(&def);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGPIPE);
	sigemptyset(&none);
	if ((rc = -posix_spawn_file_actions_adddup2(&fa, jp[0], 0)) ||
	    (rc = -posix_spawn_file_actions_adddup2(&fa, wp[1], WORKER_WIRE_FD)) ||
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	    (rc = -posix_spawn_file_actions_addclosefrom_np(&fa, WORKER_WIRE_FD + 1)) ||
#endif
	    (rc = -posix_spawnattr_setpgroup(&at, 0)) || (rc = -posix_spawnattr_setsigdefault(&at, &def)) ||
	    (rc = -posix_spawnattr_setsigmask(&at, &none)) ||
	    (rc = -posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
							 POSIX_SPAWN_SETSIGMASK)))
		goto spawn_err;
	char *argv[] = {exe, "--worker", NULL};
	fflush(NULL);
	if ((rc = -posix_spawn(pid, exe, &fa, &at, argv, environ))) {
		*pid = 0;
		goto spawn_err;
	}
	fcntl(wp[0], F_SETFL, fcntl(wp[0], F_GETFL) | O_NONBLOCK);
	*fd = wp[0];
	wp[0] = -1;
	goto out;
spawn_err:
	rc = gotc_fail(h, rc, "starting a worker (%s --worker): %s", exe, strerror(-rc));
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (at_ok)
		posix_spawnattr_destroy(&at);
	for (int i = 0; i < 2; i++) {
		if (jp[i] >= 0)
			close(jp[i]);
		if (wp[i] >= 0)
			close(wp[i]);
	}
	buf_free(&b);
	return rc;
}
