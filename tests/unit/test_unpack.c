/* test_unpack.c - unpack_archive against real archives built at test time.
 *
 * Fixtures are written with libarchive's write API (tar, zip, cpio) and the
 * system tools (ar for .deb, tar/zip for the size bomb), then unpacked into
 * DIR/root beside an empty sentinel DIR/outside that must stay empty.
 * GOTC_TEST_DEB=/path/x.deb adds one real Debian package (see
 * tests/fixtures/fetch-debs); without it that case is skipped.
 * GOTC_UNPACK_SEEDS=DIR copies the good archives there (fuzz seed corpus).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle.h"
#include "gotc.h"
#include "install.h"
#include "store.h"
#include "unpack.h"
#include "util.h"

/* ---- fixture members ---- */

/* type: d dir, f file (data, or zeros bytes of '\0'), l symlink, h hardlink,
 * c character device, p FIFO.  arg: content or link target. */
struct m {
	char type;
	const char *name;
	const char *arg;
	unsigned mode;
	size_t zeros;
};

enum { T_TGZ, T_TXZ, T_TBZ2, T_TZST, T_ZIP, T_DEB_XZ, T_DEB_ZST, T_RPM, T_APK, T_APK_UNCUT };
static const char *const kind_name[] = {"tar.gz", "tar.xz", "tar.bz2", "tar.zst", "zip",
					"deb(xz)", "deb(zst)", "rpm", "apk", "apk(uncut)"};

struct fx {
	char dir[64];
	char *root, *out;
	gotc_t h;
	int n; /* archive counter for unique names */
};

/* Replace @OUT@ (the sentinel dir) and @PID@ in s; malloc'd. */
static char *subst(const struct fx *f, const char *s)
{
	struct buf b;
	buf_init(&b);
	while (*s) {
		if (str_starts(s, "@OUT@")) {
			buf_puts(&b, f->out);
			s += 5;
		} else if (str_starts(s, "@PID@")) {
			buf_printf(&b, "%ld", (long)getpid());
			s += 5;
		} else {
			buf_putc(&b, *s++);
		}
	}
	return buf_steal(&b);
}

static void write_members(const struct fx *f, struct archive *w, const struct m *ms, bool zip,
			  bool cpio)
{
	static const char zero[65536];
	static la_int64_t ino;
	for (; ms->type; ms++) {
		if ((zip || cpio) && ms->type == 'h')
			continue;
		struct archive_entry *e = archive_entry_new();
		char *name = subst(f, ms->name), *arg = ms->arg ? subst(f, ms->arg) : NULL;
		archive_entry_set_pathname(e, name);
		archive_entry_set_mtime(e, 1700000000, 0);
		archive_entry_set_size(e, 0);
		size_t size = 0;
		switch (ms->type) {
		case 'd':
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, ms->mode ? ms->mode : 0755);
			break;
		case 'f':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, ms->mode ? ms->mode : 0644);
			size = ms->zeros ? ms->zeros : strlen(arg ? arg : "");
			archive_entry_set_size(e, (la_int64_t)size);
			break;
		case 'l':
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, arg);
			break;
		case 'h':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, arg);
			archive_entry_set_size(e, 0);
			break;
		case 'c':
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_perm(e, 0666);
			archive_entry_set_rdevmajor(e, 1);
			archive_entry_set_rdevminor(e, 3);
			break;
		case 'p':
			archive_entry_set_filetype(e, AE_IFIFO);
			archive_entry_set_perm(e, 0644);
			break;
		}
		if (cpio) /* newc needs distinct inode numbers */
			archive_entry_set_ino(e, ++ino);
		if (archive_write_header(w, e) < ARCHIVE_WARN)
			fail_msg("writing %s: %s", name, archive_error_string(w));
		if (ms->type == 'f' && ms->zeros) {
			for (size_t left = size; left;) {
				size_t n = left < sizeof(zero) ? left : sizeof(zero);
				assert_int_equal(archive_write_data(w, zero, n), (la_ssize_t)n);
				left -= n;
			}
		} else if (size) {
			assert_int_equal(archive_write_data(w, arg, size), (la_ssize_t)size);
		}
		archive_entry_free(e);
		free(name);
		free(arg);
	}
}

static void add_filter(struct archive *w, const char *filter)
{
	if (strcmp(filter, "gz") == 0)
		archive_write_add_filter_gzip(w);
	else if (strcmp(filter, "xz") == 0)
		archive_write_add_filter_xz(w);
	else if (strcmp(filter, "bz2") == 0)
		archive_write_add_filter_bzip2(w);
	else if (strcmp(filter, "zst") == 0)
		archive_write_add_filter_zstd(w);
}

static void build_tar(const struct fx *f, const char *path, const char *filter, const struct m *ms)
{
	struct archive *w = archive_write_new();
	archive_write_set_format_pax_restricted(w);
	add_filter(w, filter);
	assert_int_equal(archive_write_open_filename(w, path), ARCHIVE_OK);
	write_members(f, w, ms, false, false);
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
}

static void build_zip(const struct fx *f, const char *path, const struct m *ms)
{
	struct archive *w = archive_write_new();
	archive_write_set_format_zip(w);
	assert_int_equal(archive_write_open_filename(w, path), ARCHIVE_OK);
	write_members(f, w, ms, true, false);
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* .deb the way dpkg-deb lays it out: ar of debian-binary, control.tar.xz, data.tar.COMP. */
static void build_deb(const struct fx *f, const char *path, const char *comp, const struct m *ms)
{
	char *w = str_printf("%s/debwork", f->dir), *p;
	assert_int_equal(mkdir_p(w, 0755), 0);
	p = str_printf("%s/debian-binary", w);
	assert_int_equal(write_file_atomic(p, "2.0\n", 4, 0644), 0);
	free(p);
	static const struct m control[] = {
		{'f', "./control", "Package: gotc-test\nVersion: 1\nArchitecture: all\n", 0, 0}, {0}};
	p = str_printf("%s/control.tar.xz", w);
	build_tar(f, p, "xz", control);
	free(p);
	p = str_printf("%s/data.tar.%s", w, comp);
	build_tar(f, p, comp, ms);
	free(p);
	unlink(path);
	assert_int_equal(sh("cd '%s' && ar rc '%s' debian-binary control.tar.xz data.tar.%s", w, path,
			    comp),
			 0);
	rm_rf(w);
	free(w);
}

/* Build an archive in memory with format/filter callbacks; *out malloc'd. */
static void build_mem(const struct fx *f, int fmt, const char *filter, const struct m *ms,
		      const void *raw, size_t rawlen, char **out, size_t *len)
{
	size_t cap = 64 << 20, used = 0;
	char *b = malloc(cap);
	assert_non_null(b);
	struct archive *w = archive_write_new();
	if (fmt == 'r')
		archive_write_set_format_raw(w);
	else if (fmt == 'c')
		archive_write_set_format_cpio_newc(w);
	else
		archive_write_set_format_ustar(w);
	add_filter(w, filter);
	archive_write_set_bytes_in_last_block(w, 1);
	assert_int_equal(archive_write_open_memory(w, b, cap, &used), ARCHIVE_OK);
	if (fmt == 'r') {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, "raw");
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_size(e, (la_int64_t)rawlen);
		assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(w, raw, rawlen), (la_ssize_t)rawlen);
		archive_entry_free(e);
	} else {
		write_members(f, w, ms, false, fmt == 'c');
	}
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
	*out = b;
	*len = used;
}

static void put32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = {v >> 24, v >> 16, v >> 8, v};
	buf_add(b, c, 4);
}

/* An rpm header structure: magic, reserved, index count, store size, index, store. */
static void rpm_header(struct buf *b, const uint32_t *tags, const uint32_t *types,
		       const char *const *vals, size_t n)
{
	struct buf store;
	buf_init(&store);
	size_t off[8];
	for (size_t i = 0; i < n; i++) {
		off[i] = store.len;
		if (types[i] == 4) { /* INT32: value given as decimal text */
			while (store.len % 4)
				buf_putc(&store, 0);
			off[i] = store.len;
			put32(&store, (uint32_t)strtoul(vals[i], NULL, 10));
		} else { /* STRING */
			buf_add(&store, vals[i], strlen(vals[i]) + 1);
		}
	}
	buf_add(b, "\x8e\xad\xe8\x01\0\0\0\0", 8);
	put32(b, (uint32_t)n);
	put32(b, (uint32_t)store.len);
	for (size_t i = 0; i < n; i++) {
		put32(b, tags[i]);
		put32(b, types[i]);
		put32(b, (uint32_t)off[i]);
		put32(b, 1);
	}
	buf_add(b, store.s, store.len);
	buf_free(&store);
}

/* rpm v3 file: 96-byte lead, signature header (padded to 8), header, gzip'd cpio newc. */
static void build_rpm(const struct fx *f, const char *path, const struct m *ms)
{
	char *payload;
	size_t plen;
	build_mem(f, 'c', "gz", ms, NULL, 0, &payload, &plen);
	struct buf hdr, out;
	buf_init(&hdr);
	buf_init(&out);
	static const uint32_t htags[] = {1000, 1001, 1002, 1124, 1125};
	static const uint32_t htypes[] = {6, 6, 6, 6, 6};
	static const char *const hvals[] = {"gotc-test", "1", "1", "cpio", "gzip"};
	rpm_header(&hdr, htags, htypes, hvals, 5);
	char size[32];
	snprintf(size, sizeof(size), "%zu", hdr.len + plen);
	static const uint32_t stags[] = {1000}; /* RPMSIGTAG_SIZE */
	static const uint32_t stypes[] = {4};
	const char *svals[] = {size};
	unsigned char lead[96] = {0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 0, 0, 1};
	memcpy(lead + 10, "gotc-test-1-1", 13);
	lead[76] = 0;
	lead[77] = 1;  /* osnum: Linux */
	lead[79] = 5;  /* signature type: header-style */
	buf_add(&out, lead, sizeof(lead));
	rpm_header(&out, stags, stypes, svals, 1);
	while (out.len % 8)
		buf_putc(&out, 0);
	buf_add(&out, hdr.s, hdr.len);
	buf_add(&out, payload, plen);
	assert_false(out.oom);
	assert_int_equal(write_file_atomic(path, out.s, out.len, 0644), 0);
	buf_free(&hdr);
	buf_free(&out);
	free(payload);
}

/* Alpine v2 .apk: gzip(signature tar) + gzip(control tar) + gzip(data tar).
 * abuild cuts the end-of-archive blocks off the first two (cut); a naive
 * builder leaves them (!cut), which needs tar:read_concatenated_archives. */
static void build_apk(const struct fx *f, const char *path, const struct m *ms, bool cut)
{
	static const struct m sig[] = {{'f', ".SIGN.RSA.gotc-test.rsa.pub", "not-a-real-sig", 0, 0},
				       {0}};
	static const struct m ctl[] = {{'f', ".PKGINFO", "pkgname = gotc-test\npkgver = 1-r0\n", 0, 0},
				       {0}};
	const struct m *seg[] = {sig, ctl, ms};
	struct buf out;
	buf_init(&out);
	for (int i = 0; i < 3; i++) {
		char *tar, *gz;
		size_t tlen, glen;
		build_mem(f, 't', "none", seg[i], NULL, 0, &tar, &tlen);
		if (cut && i < 2) {
			while (tlen >= 512 && !memcmp(tar + tlen - 512, (char[512]){0}, 512))
				tlen -= 512;
		}
		build_mem(f, 'r', "gz", NULL, tar, tlen, &gz, &glen);
		buf_add(&out, gz, glen);
		free(tar);
		free(gz);
	}
	assert_int_equal(write_file_atomic(path, out.s, out.len, 0644), 0);
	buf_free(&out);
}

/* Build ms as kind; returns the archive path (malloc'd). */
static char *build(struct fx *f, int kind, const struct m *ms)
{
	static const char *const ext[] = {"tar.gz", "tar.xz", "tar.bz2", "tar.zst", "zip",
					  "deb",    "deb",    "rpm",     "apk",     "apk"};
	char *p = str_printf("%s/a%d.%s", f->dir, f->n++, ext[kind]);
	switch (kind) {
	case T_TGZ: build_tar(f, p, "gz", ms); break;
	case T_TXZ: build_tar(f, p, "xz", ms); break;
	case T_TBZ2: build_tar(f, p, "bz2", ms); break;
	case T_TZST: build_tar(f, p, "zst", ms); break;
	case T_ZIP: build_zip(f, p, ms); break;
	case T_DEB_XZ: build_deb(f, p, "xz", ms); break;
	case T_DEB_ZST: build_deb(f, p, "zst", ms); break;
	case T_RPM: build_rpm(f, p, ms); break;
	case T_APK: build_apk(f, p, ms, true); break;
	case T_APK_UNCUT: build_apk(f, p, ms, false); break;
	}
	return p;
}

/* ---- fixture dir ---- */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/gotc-unpack-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	f->root = str_printf("%s/root", f->dir);
	f->out = str_printf("%s/outside", f->dir);
	mkdir(f->root, 0755);
	mkdir(f->out, 0755);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rm_rf(f->dir);
	free(f->root);
	free(f->out);
	free(f);
	return 0;
}

static void reset_root(struct fx *f)
{
	rm_rf(f->root);
	mkdir(f->root, 0755);
	f->h.errbuf[0] = '\0';
	f->h.err = 0;
}

static size_t dir_entries(const char *d)
{
	DIR *dp = opendir(d);
	assert_non_null(dp);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dp));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dp);
	return n;
}

static char *rpath(const struct fx *f, const char *rel)
{
	return str_printf("%s/%s", f->root, rel);
}

static bool exists(const struct fx *f, const char *rel)
{
	char *p = rpath(f, rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static void assert_content(const struct fx *f, const char *rel, const char *want)
{
	char *p = rpath(f, rel), *got = NULL;
	size_t len;
	if (read_file(p, &got, &len))
		fail_msg("%s: cannot read", p);
	if (len != strlen(want) || memcmp(got, want, len))
		fail_msg("%s: content '%s', want '%s'", p, got, want);
	free(got);
	free(p);
}

static void assert_mode(const struct fx *f, const char *rel, unsigned want)
{
	char *p = rpath(f, rel);
	struct stat st;
	assert_int_equal(lstat(p, &st), 0);
	if ((st.st_mode & 07777) != want)
		fail_msg("%s: mode %o, want %o", p, st.st_mode & 07777, want);
	free(p);
}

static void assert_link(const struct fx *f, const char *rel, const char *want)
{
	char *p = rpath(f, rel), got[PATH_MAX];
	ssize_t n = readlink(p, got, sizeof(got) - 1);
	if (n < 0)
		fail_msg("%s: not a symlink", p);
	got[n] = '\0';
	if (strcmp(got, want))
		fail_msg("%s -> '%s', want '%s'", p, got, want);
	free(p);
}

/* ---- good archives ---- */

static const struct m tree[] = {
	{'d', "./pkg/", NULL, 0755, 0},
	{'d', "./pkg/bin", NULL, 0755, 0},
	{'f', "./pkg/bin/tool", "#!/bin/sh\necho hi\n", 0755, 0},
	{'f', "./pkg/lib/a.txt", "alpha\n", 0644, 0}, /* parent made implicitly */
	{'l', "./pkg/lib/link", "a.txt", 0, 0},
	{'l', "./pkg/lib/up", "../bin/tool", 0, 0},
	{'h', "./pkg/lib/hl", "./pkg/lib/a.txt", 0, 0},
	{'f', "./pkg/suid", "s\n", 04755, 0},
	{'d', "./pkg/sgid", NULL, 03775, 0},
	{'f', "./pkg/ro", "readonly\n", 0444, 0},
	{0},
};
static const uint64_t tree_bytes = 18 + 6 + 2 + 9;

static void check_tree(struct fx *f, int kind)
{
	assert_content(f, "pkg/bin/tool", "#!/bin/sh\necho hi\n");
	assert_mode(f, "pkg/bin/tool", 0755);
	assert_content(f, "pkg/lib/a.txt", "alpha\n");
	assert_link(f, "pkg/lib/link", "a.txt");
	assert_link(f, "pkg/lib/up", "../bin/tool");
	assert_content(f, "pkg/lib/up", "#!/bin/sh\necho hi\n");
	assert_mode(f, "pkg/suid", 0755);  /* setuid dropped */
	assert_mode(f, "pkg/sgid", 0775);  /* setgid and sticky dropped */
	assert_mode(f, "pkg/ro", 0444);
	if (kind != T_ZIP && kind != T_RPM) {
		struct stat a, b;
		char *pa = rpath(f, "pkg/lib/a.txt"), *pb = rpath(f, "pkg/lib/hl");
		assert_int_equal(stat(pa, &a), 0);
		assert_int_equal(stat(pb, &b), 0);
		assert_int_equal(a.st_ino, b.st_ino);
		free(pa);
		free(pb);
	}
	assert_int_equal(dir_entries(f->out), 0);
}

static void test_good_formats(void **state)
{
	struct fx *f = *state;
	for (int kind = T_TGZ; kind <= T_APK_UNCUT; kind++) {
		reset_root(f);
		char *a = build(f, kind, tree);
		struct unpack_opts o = {0};
		int rc = unpack_archive(&f->h, a, f->root, &o);
		if (rc)
			fail_msg("%s: rc %d: %s", kind_name[kind], rc, f->h.errbuf);
		check_tree(f, kind);
		assert_int_equal(o.written, tree_bytes);
		if (kind == T_APK || kind == T_APK_UNCUT) {
			assert_false(exists(f, ".PKGINFO"));
			assert_false(exists(f, ".SIGN.RSA.gotc-test.rsa.pub"));
		}
		/* The same archive again over the result: files overwritten
		 * (including the read-only one), directories merged. */
		rc = unpack_archive(&f->h, a, f->root, &o);
		if (rc)
			fail_msg("%s again: rc %d: %s", kind_name[kind], rc, f->h.errbuf);
		check_tree(f, kind);
		const char *seeds = getenv("GOTC_UNPACK_SEEDS"); /* fuzz seed corpus */
		if (seeds)
			sh("mkdir -p '%s' && cp '%s' '%s/good-%d'", seeds, a, seeds, kind);
		free(a);
	}
}

static void test_memory(void **state)
{
	struct fx *f = *state;
	reset_root(f);
	char *a = build(f, T_TXZ, tree), *data;
	size_t len;
	assert_int_equal(read_file(a, &data, &len), 0);
	struct unpack_opts o = {0};
	assert_int_equal(unpack_archive_mem(&f->h, data, len, f->root, &o), 0);
	check_tree(f, T_TXZ);
	free(data);
	free(a);
}

static void test_include_strip(void **state)
{
	struct fx *f = *state;
	static const struct m go[] = {
		{'d', "go/", NULL, 0755, 0},
		{'f', "go/VERSION", "go1.22\n", 0, 0},
		{'f', "go/bin/go", "go\n", 0755, 0},
		{'f', "go/bin/gofmt", "gofmt\n", 0755, 0},
		{'f', "go/binary/x", "x\n", 0, 0},
		{'f', "go/pkg/tool/linux_amd64/compile", "compile\n", 0755, 0},
		{'f', "go/src/a.go", "package a\n", 0, 0},
		{'f', "./go/misc/m", "m\n", 0, 0},
		{'l', "go/bin/link", "go", 0, 0},
		{0},
	};
	char *const inc[] = {"go/bin", "./go/misc/", "go/pkg/tool", NULL};
	for (int kind = T_TGZ; kind <= T_ZIP; kind += T_ZIP - T_TGZ) {
		reset_root(f);
		char *a = build(f, kind, go);
		struct unpack_opts o = {.include = inc, .strip = 1};
		assert_int_equal(unpack_archive(&f->h, a, f->root, &o), 0);
		assert_content(f, "bin/go", "go\n");
		assert_content(f, "bin/gofmt", "gofmt\n");
		assert_link(f, "bin/link", "go");
		assert_content(f, "misc/m", "m\n");
		assert_content(f, "pkg/tool/linux_amd64/compile", "compile\n");
		assert_false(exists(f, "VERSION"));
		assert_false(exists(f, "binary")); /* "go/bin" is not a prefix of "go/binary" */
		assert_false(exists(f, "src"));
		assert_false(exists(f, "go"));
		assert_int_equal(o.written, 3 + 6 + 2 + 8);

		/* No include, strip 1: everything, one level up. */
		reset_root(f);
		o = (struct unpack_opts){.strip = 1};
		assert_int_equal(unpack_archive(&f->h, a, f->root, &o), 0);
		assert_content(f, "VERSION", "go1.22\n");
		assert_content(f, "src/a.go", "package a\n");
		assert_false(exists(f, "go"));

		/* strip beyond every path: nothing written. */
		reset_root(f);
		o = (struct unpack_opts){.strip = 9};
		assert_int_equal(unpack_archive(&f->h, a, f->root, &o), 0);
		assert_int_equal(dir_entries(f->root), 0);
		assert_int_equal(o.written, 0);
		free(a);
	}
}

static void test_layers(void **state)
{
	struct fx *f = *state;
	reset_root(f);
	static const struct m one[] = {{'f', "a/x", "one", 0, 0}, {'f', "a/y", "keep", 0444, 0}, {0}};
	static const struct m two[] = {
		{'d', "a", NULL, 0755, 0}, {'f', "a/x", "two", 0, 0}, {'f', "a/z", "new", 0, 0},
		{'f', "a/s", "file now", 0, 0}, {0}};
	char *a1 = build(f, T_TGZ, one), *a2 = build(f, T_ZIP, two);
	struct unpack_opts o = {0};
	assert_int_equal(unpack_archive(&f->h, a1, f->root, &o), 0);
	/* An existing symlink at a member's own path is replaced, not followed. */
	char *s = rpath(f, "a/s"), *t = str_printf("%s/target", f->out);
	assert_int_equal(symlink(t, s), 0);
	assert_int_equal(unpack_archive(&f->h, a2, f->root, &o), 0);
	assert_content(f, "a/x", "two");
	assert_content(f, "a/y", "keep");
	assert_content(f, "a/z", "new");
	assert_content(f, "a/s", "file now");
	assert_int_equal(dir_entries(f->out), 0);
	free(s);
	free(t);
	free(a1);
	free(a2);
}

/* Archives unpacked concurrently into one tree (o.exclusive) share
 * directories but never a file, symlink or hardlink path. */
static void test_exclusive(void **state)
{
	struct fx *f = *state;
	reset_root(f);
	static const struct m one[] = {{'d', "usr", NULL, 0755, 0}, {'f', "usr/a", "one", 0644, 0},
				       {'l', "usr/l", "a", 0, 0}, {'f', "usr/lib/x", "x", 0644, 0}, {0}};
	static const struct m two[] = {{'d', "usr", NULL, 0755, 0}, {'d', "usr/lib", NULL, 0755, 0},
				       {'f', "usr/b", "two", 0644, 0}, {'h', "usr/c", "usr/b", 0, 0}, {0}};
	static const struct m file_again[] = {{'f', "usr/b", "three", 0644, 0}, {0}};
	static const struct m link_again[] = {{'l', "usr/a", "b", 0, 0}, {0}};
	static const struct m dir_on_file[] = {{'d', "usr/a", NULL, 0755, 0}, {0}};
	char *a1 = build(f, T_TGZ, one), *a2 = build(f, T_DEB_XZ, two);
	char *a3 = build(f, T_TZST, file_again), *a4 = build(f, T_TGZ, link_again);
	char *a5 = build(f, T_TGZ, dir_on_file);
	struct unpack_opts o = {.exclusive = true};
	assert_int_equal(unpack_archive(&f->h, a1, f->root, &o), 0);
	assert_int_equal(unpack_archive(&f->h, a2, f->root, &o), 0);
	assert_content(f, "usr/a", "one");
	assert_content(f, "usr/b", "two");
	assert_content(f, "usr/c", "two");
	assert_content(f, "usr/lib/x", "x");
	assert_link(f, "usr/l", "a");
	assert_int_equal(unpack_archive(&f->h, a3, f->root, &o), GOTC_EUNSAFE);
	assert_non_null(strstr(f->h.errbuf, "member 'usr/b'"));
	assert_non_null(strstr(f->h.errbuf, "the archives overlap"));
	assert_content(f, "usr/b", "two");
	assert_int_equal(unpack_archive(&f->h, a4, f->root, &o), GOTC_EUNSAFE);
	assert_content(f, "usr/a", "one");
	assert_int_equal(unpack_archive(&f->h, a5, f->root, &o), GOTC_EUNSAFE);
	assert_content(f, "usr/a", "one");
	/* without exclusive, a later layer replaces (test_layers) */
	o.exclusive = false;
	assert_int_equal(unpack_archive(&f->h, a3, f->root, &o), 0);
	assert_content(f, "usr/b", "three");
	assert_int_equal(dir_entries(f->out), 0);
	free(a1);
	free(a2);
	free(a3);
	free(a4);
	free(a5);
}

/* ---- the hashes unpack notes for the commit (unpack_opts.file_hashed) ---- */

struct note {
	struct stat st;
	char sha[129]; /* "" for a hard link's note */
};

struct notes {
	struct note v[16];
	size_t n;
	struct buf b; /* as the store keeps them (store_hash_note) */
};

static void note_cb(void *ctx, const struct stat *st, const char *sha256)
{
	struct notes *ns = ctx;
	assert_true(ns->n < 16);
	ns->v[ns->n].st = *st;
	snprintf(ns->v[ns->n].sha, sizeof(ns->v[ns->n].sha), "%s", sha256 ? sha256 : "");
	ns->n++;
	store_hash_note(&ns->b, st, sha256);
}

/* A sparse member: 4 KiB of 'a' at 0 and at 512 KiB, zeros up to 1 MiB. */
static char *build_sparse(struct fx *f)
{
	char *path = str_printf("%s/sparse%d.tar", f->dir, f->n++);
	static char data[4096];
	memset(data, 'a', sizeof(data));
	struct archive *w = archive_write_new();
	archive_write_set_format_pax(w);
	assert_int_equal(archive_write_open_filename(w, path), ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "s/holes");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 1 << 20);
	archive_entry_sparse_add_entry(e, 0, 4096);
	archive_entry_sparse_add_entry(e, 512 << 10, 4096);
	assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(w, data, sizeof(data)), (la_ssize_t)sizeof(data));
	assert_int_equal(archive_write_data(w, data, sizeof(data)), (la_ssize_t)sizeof(data));
	archive_entry_free(e);
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
	return path;
}

/* The note of the file at rel: its sha256 is the file's, its state the
 * file's now. */
static const struct note *noted(struct fx *f, const struct notes *ns, const char *rel)
{
	char *p = rpath(f, rel), hex[129];
	struct stat st;
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(hash_file(p, HASH_SHA256, hex), 0);
	free(p);
	const struct note *found = NULL;
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i].st.st_ino == st.st_ino)
			found = &ns->v[i]; /* the last one: a link's comes after */
	assert_non_null(found);
	assert_int_equal(found->st.st_size, st.st_size);
	assert_int_equal(found->st.st_ctim.tv_sec, st.st_ctim.tv_sec);
	assert_int_equal(found->st.st_ctim.tv_nsec, st.st_ctim.tv_nsec);
	if (found->sha[0])
		assert_string_equal(found->sha, hex);
	return found;
}

static void test_hash_notes(void **state)
{
	struct fx *f = *state;
	reset_root(f);
	/* 1 MiB in many blocks, a small file, a hard link to it, a symlink */
	static const struct m one[] = {{'f', "a/big", NULL, 0644, 1 << 20}, {'f', "a/small", "hello", 0644, 0},
				       {'h', "a/hl", "a/small", 0, 0}, {'l', "a/sym", "small", 0, 0}, {0}};
	static const struct m overlap[] = {{'f', "a/other", "x", 0644, 0}, {'f', "a/small", "again", 0644, 0}, {0}};
	char *a1 = build(f, T_TXZ, one), *a2 = build(f, T_TGZ, overlap), *a3 = build_sparse(f);
	struct notes ns = {.n = 0};
	buf_init(&ns.b);
	struct unpack_opts o = {.exclusive = true, .file_hashed = note_cb, .hash_ctx = &ns};
	assert_int_equal(unpack_archive(&f->h, a1, f->root, &o), 0);
	/* big and small noted with their hash; the link: small's state after it */
	assert_int_equal(ns.n, 3);
	assert_true(noted(f, &ns, "a/big")->sha[0] != '\0');
	const struct note *small = noted(f, &ns, "a/small");
	assert_string_equal(small->sha, ""); /* the link's note is the last for that inode */
	assert_int_equal(small->st.st_nlink, 2);
	assert_string_equal(ns.v[1].sha, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
	/* the symlink has no note */
	char *sym = rpath(f, "a/sym");
	struct stat st;
	assert_int_equal(lstat(sym, &st), 0);
	for (size_t i = 0; i < ns.n; i++)
		assert_true(ns.v[i].st.st_ino != st.st_ino);
	free(sym);
	/* an overlapping archive is refused at the held path: no note for it,
	 * and the one it wrote before (a/other) is noted */
	assert_int_equal(unpack_archive(&f->h, a2, f->root, &o), GOTC_EUNSAFE);
	assert_non_null(strstr(f->h.errbuf, "the archives overlap"));
	assert_int_equal(ns.n, 4);
	noted(f, &ns, "a/other");
	assert_content(f, "a/small", "hello");
	/* holes hash as zeros */
	assert_int_equal(unpack_archive(&f->h, a3, f->root, &o), 0);
	assert_int_equal(ns.n, 5);
	assert_string_not_equal(noted(f, &ns, "s/holes")->sha, "");

	/* the commit's manifest from the notes is the one hashing the files
	 * gives; a note is taken only for a file in exactly its state */
	char *stage = str_printf("%s/stage", f->dir), *root = str_printf("%s/stage/root", f->dir);
	char *notes = str_printf("%s/stage/" STORE_HASHES "0", f->dir);
	char *man = str_printf("%s/stage/manifest", f->dir), *want = str_printf("%s/want", f->dir);
	assert_int_equal(mkdir_p(stage, 0755), 0);
	assert_int_equal(rename(f->root, root), 0);
	assert_int_equal(manifest_write(&f->h, root, want, NULL), 0);
	assert_int_equal(write_file_atomic(notes, ns.b.s, ns.b.len, 0644), 0);
	uint64_t bytes = 0;
	assert_int_equal(manifest_commit(&f->h, stage, root, man, &bytes), 0);
	assert_int_equal(bytes, (2u << 20) + 5 + 5 + 1); /* the link counts as a file */
	assert_false(is_file(notes)); /* gone before the stage is published */
	char *got = NULL, *exp = NULL;
	assert_int_equal(read_file(man, &got, NULL), 0);
	assert_int_equal(read_file(want, &exp, NULL), 0);
	/* manifest_write ran before the write bits were taken away */
	assert_non_null(strstr(got, "f\t0444\t5\t2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\ta/small\n"));
	assert_non_null(strstr(exp, "f\t0644\t5\t2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\ta/small\n"));
	free(got);
	free(exp);
	/* notes that lie: one in the file's exact state is taken (which is how
	 * the commit skips reading it), one with another ctime is not */
	char *sp = str_printf("%s/a/small", root), *bp = str_printf("%s/a/big", root);
	struct stat s1, s2;
	assert_int_equal(lstat(sp, &s1), 0);
	assert_int_equal(lstat(bp, &s2), 0);
	struct buf lie;
	buf_init(&lie);
	store_hash_note(&lie, &s1, "1111111111111111111111111111111111111111111111111111111111111111");
	s2.st_ctim.tv_nsec ^= 1;
	store_hash_note(&lie, &s2, "2222222222222222222222222222222222222222222222222222222222222222");
	assert_int_equal(write_file_atomic(notes, lie.s, lie.len, 0644), 0);
	assert_int_equal(manifest_commit(&f->h, stage, root, man, NULL), 0);
	assert_int_equal(read_file(man, &got, NULL), 0);
	assert_non_null(strstr(got, "\t1111111111111111111111111111111111111111111111111111111111111111\ta/small\n"));
	assert_null(strstr(got, "2222222222"));
	free(got);
	buf_free(&lie);
	buf_free(&ns.b);
	/* the tree goes back for teardown, writable */
	assert_int_equal(sh("chmod -R u+w '%s' && mv '%s' '%s'", root, root, f->root), 0);
	free(sp);
	free(bp);
	free(stage);
	free(root);
	free(notes);
	free(man);
	free(want);
	free(a1);
	free(a2);
	free(a3);
}

static void test_fix_abs_symlinks(void **state)
{
	struct fx *f = *state;
	static const struct m ms[] = {
		{'f', "./lib/aarch64-linux-gnu/libm.so.6", "ELF", 0755, 0},
		{'l', "./usr/lib/aarch64-linux-gnu/libm.so", "/lib/aarch64-linux-gnu/libm.so.6", 0, 0},
		{'l', "./top", "/lib/./aarch64-linux-gnu//libm.so.6", 0, 0},
		{'l', "./usr/rootlink", "/", 0, 0},
		{'l', "./usr/lib/dotdot", "/usr/../../../lib", 0, 0},
		{0},
	};
	for (int kind = T_TGZ; kind <= T_DEB_ZST; kind++) {
		if (kind == T_TXZ || kind == T_TBZ2 || kind == T_TZST)
			continue;
		reset_root(f);
		char *a = build(f, kind, ms);
		struct unpack_opts o = {.fix_abs_symlinks = true};
		if (unpack_archive(&f->h, a, f->root, &o))
			fail_msg("%s: %s", kind_name[kind], f->h.errbuf);
		assert_link(f, "usr/lib/aarch64-linux-gnu/libm.so",
			    "../../../lib/aarch64-linux-gnu/libm.so.6");
		assert_content(f, "usr/lib/aarch64-linux-gnu/libm.so", "ELF");
		assert_link(f, "top", "lib/aarch64-linux-gnu/libm.so.6");
		assert_link(f, "usr/rootlink", "..");
		assert_link(f, "usr/lib/dotdot", "../../lib");
		free(a);
	}
}

/* ---- the malicious corpus ---- */

enum { F_TAR = 1, F_ZIP = 2, F_DEB = 4, F_ALL = 7, F_TD = 5 };

struct mcase {
	const char *id;
	unsigned fmts;
	bool fix;
	bool prelink;	  /* root/pre -> @OUT@ exists before unpacking */
	int code;
	const char *frag; /* expected in errbuf (after @OUT@/@PID@ substitution) */
	const char *absent; /* must not exist afterwards (absolute after substitution) */
	struct m ms[6];
};

static const struct mcase corpus[] = {
	{"absolute path", F_ALL, false, false, GOTC_EUNSAFE, "member '@OUT@/abs': absolute path",
	 NULL, {{'f', "before", "b", 0, 0}, {'f', "@OUT@/abs", "x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"dotdot", F_ALL, false, false, GOTC_EUNSAFE, "member '../outside/dotdot': '..' in path",
	 NULL, {{'f', "before", "b", 0, 0}, {'f', "../outside/dotdot", "x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"inner dotdot", F_ALL, false, false, GOTC_EUNSAFE, "member 'a/../../outside/x': '..' in path",
	 NULL, {{'f', "a/../../outside/x", "x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"write through symlink", F_ALL, false, false, GOTC_EUNSAFE,
	 "member 'lnk/evil': path goes through symlink 'lnk'", "sub/evil",
	 {{'d', "sub", NULL, 0, 0}, {'l', "lnk", "sub", 0, 0}, {'f', "lnk/evil", "x", 0, 0},
	  {'f', "after", "a", 0, 0}}},
	{"write through fixed abs symlink", F_ALL, true, false, GOTC_EUNSAFE,
	 "member 'lnk/deep/evil': path goes through symlink 'lnk'", NULL,
	 {{'l', "lnk", "@OUT@", 0, 0}, {'f', "lnk/deep/evil", "x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"write through earlier layer's symlink", F_ALL, false, true, GOTC_EUNSAFE,
	 "member 'pre/evil': path goes through symlink 'pre'", NULL,
	 {{'f', "pre/evil", "x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"symlink to .. then write", F_ALL, false, false, GOTC_EUNSAFE,
	 "member 'up': symlink target '..' escapes the root", NULL,
	 {{'l', "up", "..", 0, 0}, {'f', "up/outside/evil", "x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"symlink to /tmp then write", F_ALL, false, false, GOTC_EUNSAFE,
	 "member 'tmpl': absolute symlink target '/tmp'", "/tmp/gotc-unpack-evil-@PID@",
	 {{'l', "tmpl", "/tmp", 0, 0}, {'f', "tmpl/gotc-unpack-evil-@PID@", "x", 0, 0},
	  {'f', "after", "a", 0, 0}}},
	{"relative symlink escape", F_ALL, false, false, GOTC_EUNSAFE,
	 "member 'a/b/l': symlink target '../../../outside' escapes the root", "a/b/l",
	 {{'d', "a/b", NULL, 0, 0}, {'l', "a/b/l", "../../../outside", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"symlink '..' after a name", F_ALL, false, false, GOTC_EUNSAFE,
	 "member 'l': symlink target 'sub/../../outside' has '..' after a name", "l",
	 {{'d', "sub", NULL, 0, 0}, {'l', "l", "sub/../../outside", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"absolute symlink without fix", F_ALL, false, false, GOTC_EUNSAFE,
	 "member 'usr/lib/libm.so': absolute symlink target '/lib/libm.so.6'", "usr/lib/libm.so",
	 {{'l', "usr/lib/libm.so", "/lib/libm.so.6", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"hardlink escaping root", F_TD, false, false, GOTC_EUNSAFE,
	 "member 'hl': hardlink target '../outside/x' is outside the root", "hl",
	 {{'h', "hl", "../outside/x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"hardlink absolute", F_TD, false, false, GOTC_EUNSAFE,
	 "member 'hl': hardlink target '/etc/passwd' is outside the root", "hl",
	 {{'h', "hl", "/etc/passwd", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"hardlink to unknown", F_TD, false, false, GOTC_EUNSAFE,
	 "member 'hl': hardlink target 'nothere' is not a file extracted before it", "hl",
	 {{'h', "hl", "nothere", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"hardlink to a symlink", F_TD, false, false, GOTC_EUNSAFE,
	 "member 'hl': hardlink target 'a/b/l' is not a file extracted before it", "hl",
	 {{'l', "a/b/l", "../../x", 0, 0}, {'h', "hl", "a/b/l", 0, 0}, {'f', "after", "a", 0, 0}}},
	/* libarchive skips it with a warning and no data state; writing its data
	 * then made the writer fatal, and libarchive 3.6.2 leaks its pending
	 * directory fix-ups on that path (fuzz_unpack, once in tests/fuzz/lsan.supp) */
	{"hardlink to itself", F_TD, false, false, GOTC_EUNSAFE, "member 'x': hard link to itself", NULL,
	 {{'d', "d", NULL, 0, 0}, {'f', "x", "data", 0, 0}, {'h', "x", "x", 0, 0}, {'f', "after", "a", 0, 0}}},
	{"device node", F_TD, false, false, GOTC_EUNSAFE, "member 'dev': device node", "dev",
	 {{'c', "dev", NULL, 0, 0}, {'f', "after", "a", 0, 0}}},
	{"FIFO", F_TD, false, false, GOTC_EUNSAFE, "member 'fifo': FIFO", "fifo",
	 {{'p', "fifo", NULL, 0, 0}, {'f', "after", "a", 0, 0}}},
};

static void test_malicious(void **state)
{
	struct fx *f = *state;
	static const int kinds[] = {T_TGZ, T_ZIP, T_DEB_XZ};
	size_t ncase = sizeof(corpus) / sizeof(corpus[0]);
	for (size_t i = 0; i < ncase; i++) {
		const struct mcase *c = &corpus[i];
		for (int k = 0; k < 3; k++) {
			if (!(c->fmts & (1u << k)))
				continue;
			reset_root(f);
			if (c->prelink) {
				char *p = rpath(f, "pre");
				assert_int_equal(symlink(f->out, p), 0);
				free(p);
			}
			char *a = build(f, kinds[k], c->ms);
			char *frag = subst(f, c->frag);
			struct unpack_opts o = {.fix_abs_symlinks = c->fix};
			int rc = unpack_archive(&f->h, a, f->root, &o);
			if (rc != c->code || !strstr(f->h.errbuf, frag))
				fail_msg("%s [%s]: rc %d, '%s'; want %d, '%s'", c->id, kind_name[kinds[k]],
					 rc, f->h.errbuf, c->code, frag);
			if (!str_starts(f->h.errbuf, a))
				fail_msg("%s: message does not name the archive: %s", c->id, f->h.errbuf);
			assert_int_equal(dir_entries(f->out), 0);
			assert_false(exists(f, "after"));
			if (c->absent) {
				char *ab = subst(f, c->absent);
				struct stat st;
				char *p = ab[0] == '/' ? str_dup(ab) : rpath(f, ab);
				if (lstat(p, &st) == 0)
					fail_msg("%s [%s]: %s exists", c->id, kind_name[kinds[k]], p);
				free(p);
				free(ab);
			}
			free(frag);
			free(a);
		}
	}
}

/* 50 MB of zeros against a 10 MB limit, in tar.gz, zip and .deb (system tools). */
static void test_bomb(void **state)
{
	struct fx *f = *state;
	char *w = str_printf("%s/bomb", f->dir);
	assert_int_equal(mkdir_p(w, 0755), 0);
	assert_int_equal(sh("cd '%s' && truncate -s 50M big && echo a > after && "
			    "tar -czf b.tar.gz big after && zip -q b.zip big after && "
			    "printf '2.0\\n' > debian-binary && tar -cJf control.tar.xz after && "
			    "tar --zstd -cf data.tar.zst ./big ./after && "
			    "ar rc b.deb debian-binary control.tar.xz data.tar.zst",
			    w),
			 0);
	static const char *const names[] = {"b.tar.gz", "b.zip", "b.deb"};
	for (int i = 0; i < 3; i++) {
		reset_root(f);
		char *a = str_printf("%s/%s", w, names[i]);
		struct unpack_opts o = {.max_bytes = 10 << 20};
		if (i == 2) { /* max_bytes 0: the handle's limit applies */
			o.max_bytes = 0;
			f->h.max_unpack = 10 << 20;
		}
		int rc = unpack_archive(&f->h, a, f->root, &o);
		f->h.max_unpack = 0;
		if (rc != GOTC_ETOOBIG || !strstr(f->h.errbuf, "big': expands past the size limit of 10485760 bytes"))
			fail_msg("%s: rc %d: %s", names[i], rc, f->h.errbuf);
		assert_false(exists(f, "after"));
		assert_true(o.written <= 10 << 20);
		if (i)
			goto next;
		/* The same archive is fine under a large enough limit. */
		reset_root(f);
		o = (struct unpack_opts){.max_bytes = 60 << 20};
		assert_int_equal(unpack_archive(&f->h, a, f->root, &o), 0);
		assert_int_equal(o.written, (50 << 20) + 2);
	next:
		free(a);
	}
	reset_root(f);
	rm_rf(w);
	free(w);
}

static void truncate_file(const char *p, double frac)
{
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(truncate(p, (off_t)((double)st.st_size * frac)), 0);
}

static void test_corrupt(void **state)
{
	struct fx *f = *state;
	/* Incompressible-ish content so truncation lands inside member data. */
	static char blob[200001];
	unsigned x = 12345;
	for (size_t i = 0; i + 1 < sizeof(blob); i++) {
		x = x * 1103515245u + 12345u;
		blob[i] = (char)('a' + (x >> 16) % 26);
	}
	const struct m ms[] = {{'f', "first", "1", 0, 0}, {'f', "blob", blob, 0, 0},
			       {'f', "after", "a", 0, 0}, {0}};
	static const int kinds[] = {T_TGZ, T_TXZ, T_ZIP, T_DEB_XZ, T_RPM};
	for (int k = 0; k < 5; k++) {
		reset_root(f);
		char *a = build(f, kinds[k], ms);
		truncate_file(a, 0.5);
		struct unpack_opts o = {0};
		int rc = unpack_archive(&f->h, a, f->root, &o);
		if (rc != GOTC_EARCHIVE || !str_starts(f->h.errbuf, a))
			fail_msg("truncated %s: rc %d: %s", kind_name[kinds[k]], rc, f->h.errbuf);
		assert_false(exists(f, "after"));
		free(a);
	}
	/* Garbage, an empty file, and an ar archive that is not a .deb. */
	reset_root(f);
	char *g = str_printf("%s/garbage.tar.gz", f->dir);
	assert_int_equal(write_file_atomic(g, blob, 4096, 0644), 0);
	struct unpack_opts o = {0};
	assert_int_equal(unpack_archive(&f->h, g, f->root, &o), GOTC_EARCHIVE);
	assert_non_null(strstr(f->h.errbuf, "Unrecognized archive format"));
	assert_int_equal(write_file_atomic(g, "", 0, 0644), 0);
	assert_int_equal(unpack_archive(&f->h, g, f->root, &o), GOTC_EARCHIVE);
	char *ar = str_printf("%s/x.a", f->dir);
	assert_int_equal(sh("cd '%s' && echo x > member.o && ar rc '%s' member.o", f->dir, ar), 0);
	assert_int_equal(unpack_archive(&f->h, ar, f->root, &o), GOTC_EARCHIVE);
	assert_non_null(strstr(f->h.errbuf, "without a data.tar member"));
	/* Missing archive and missing root. */
	char *none = str_printf("%s/none.tar", f->dir);
	assert_int_equal(unpack_archive(&f->h, none, f->root, &o), GOTC_EARCHIVE);
	assert_int_equal(unpack_archive(&f->h, ar, none, &o), -ENOENT);
	assert_int_equal(dir_entries(f->root), 0);
	free(none);
	free(ar);
	free(g);
}

/* ---- a real Debian package ---- */

static int abs_links, bad_links;
static const char *walk_root;

static int check_link(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag != FTW_SL)
		return 0;
	char t[PATH_MAX];
	ssize_t n = readlink(p, t, sizeof(t) - 1);
	if (n < 0)
		return 0;
	t[n] = '\0';
	if (t[0] == '/') {
		abs_links++;
		return 0;
	}
	/* Lexically inside root: leading '..' no more than the link's depth. */
	size_t depth = 0, up = 0;
	for (const char *s = p + strlen(walk_root) + 1; *s; s++)
		depth += *s == '/';
	for (const char *s = t; str_starts(s, "../") || strcmp(s, "..") == 0; s += s[2] ? 3 : 2)
		up++;
	if (up > depth)
		bad_links++;
	return 0;
}

static void test_real_deb(void **state)
{
	struct fx *f = *state;
	const char *deb = getenv("GOTC_TEST_DEB");
	if (!deb || !*deb) {
		print_message("GOTC_TEST_DEB not set (see tests/fixtures/fetch-debs): skipped\n");
		skip();
	}
	reset_root(f);
	struct unpack_opts o = {.fix_abs_symlinks = true, .max_bytes = 1ULL << 32};
	int rc = unpack_archive(&f->h, deb, f->root, &o);
	if (rc)
		fail_msg("%s: rc %d: %s", deb, rc, f->h.errbuf);
	assert_true(o.written > 0);
	abs_links = bad_links = 0;
	walk_root = f->root;
	nftw(f->root, check_link, 32, FTW_PHYS);
	assert_int_equal(abs_links, 0);
	assert_int_equal(bad_links, 0);
	assert_int_equal(dir_entries(f->out), 0);
	reset_root(f);
}

/* Bundles carry any byte string as a name (Debian's Go has
 * test/fixedbugs/issue27836.dir/Äfoo.go; names need not be UTF-8 at all) and
 * unpack to the same bytes, whatever the locale. */
static void test_bundle_names(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = {"\xc3\x84" "foo.go", "bad-\xff\xfe-utf8",
					    "dir-\xe9/\xe9t\xe9.txt", NULL};
	char *src = str_printf("%s/bsrc", f->dir), *bun = str_printf("%s/b.tar.zst", f->dir);
	assert_int_equal(mkdir_p(src, 0755), 0);
	char *d = str_printf("%s/dir-\xe9", src);
	assert_int_equal(mkdir(d, 0755), 0);
	free(d);
	struct bundle_writer *w = NULL;
	assert_int_equal(bundle_writer_open(&f->h, bun, -1, &w), 0);
	for (int i = 0; names[i]; i++) {
		char *p = str_printf("%s/%s", src, names[i]);
		assert_int_equal(write_file_atomic(p, names[i], strlen(names[i]), 0644), 0);
		int rc = bundle_writer_add(w, p, names[i]);
		if (rc)
			fail_msg("add %s: %d: %s", names[i], rc, f->h.errbuf);
		free(p);
	}
	char *l = str_printf("%s/link-\xff", src);
	assert_int_equal(symlink("bad-\xff\xfe-utf8", l), 0);
	assert_int_equal(bundle_writer_add(w, l, "link-\xff"), 0);
	free(l);
	assert_int_equal(bundle_writer_close(w, true), 0);
	reset_root(f);
	struct unpack_opts o = {0};
	int rc = unpack_archive(&f->h, bun, f->root, &o);
	if (rc)
		fail_msg("unpack: %d: %s", rc, f->h.errbuf);
	for (int i = 0; names[i]; i++)
		assert_content(f, names[i], names[i]);
	assert_link(f, "link-\xff", "bad-\xff\xfe-utf8");
	assert_int_equal(dir_entries(f->root), 4);
	reset_root(f);
	rm_rf(src);
	free(src);
	free(bun);
}

static void put_file(const struct fx *f, const char *rel, const char *text)
{
	char *p = rpath(f, rel);
	char *d = str_dup(p);
	*strrchr(d, '/') = '\0';
	assert_int_equal(mkdir_p(d, 0755), 0);
	assert_int_equal(write_file_atomic(p, text, strlen(text), 0644), 0);
	free(d);
	free(p);
}

static void assert_text(const struct fx *f, const char *rel, const char *want)
{
	char *p = rpath(f, rel), *got = NULL;
	size_t len = 0;
	assert_int_equal(read_file(p, &got, &len), 0);
	if (strcmp(got, want) != 0)
		fail_msg("%s:\n got: %s\nwant: %s", rel, got, want);
	free(got);
	free(p);
}

/* Linker scripts name native absolute paths: members become "=/PATH" inside
 * the sysroot (the named path if it exists there, else the file beside the
 * script); a member found nowhere, comments and non-library files stay. */
static void test_linker_scripts(void **state)
{
	struct fx *f = *state;
	reset_root(f);
	put_file(f, "usr/lib/x86_64-linux-gnu/libm-2.36.a", "!<arch>\n");
	put_file(f, "usr/x86_64-linux-gnu/lib/libmvec.a", "!<arch>\n");
	put_file(f, "usr/x86_64-linux-gnu/lib/libm.a",
		 "/* GNU ld script /usr/lib/x.a */\nGROUP ( /usr/lib/x86_64-linux-gnu/libm-2.36.a "
		 "/usr/lib/x86_64-linux-gnu/libmvec.a /lib/nowhere.so )\n");
	put_file(f, "usr/share/doc/notes.txt", "GROUP ( /usr/lib/x86_64-linux-gnu/libm-2.36.a )\n");
	put_file(f, "usr/x86_64-linux-gnu/lib/deep/a/b/libc.so", "INPUT ( /usr/lib/x86_64-linux-gnu/libm-2.36.a )\n");
	int n = -1;
	if (sysroot_fix_scripts(&f->h, f->root, &n))
		fail_msg("%s", f->h.errbuf);
	assert_int_equal(n, 2);
	assert_text(f, "usr/x86_64-linux-gnu/lib/libm.a",
		    "/* GNU ld script /usr/lib/x.a */\nGROUP ( =/usr/lib/x86_64-linux-gnu/libm-2.36.a "
		    "=/usr/x86_64-linux-gnu/lib/libmvec.a /lib/nowhere.so )\n");
	assert_text(f, "usr/share/doc/notes.txt", "GROUP ( /usr/lib/x86_64-linux-gnu/libm-2.36.a )\n");
	assert_text(f, "usr/x86_64-linux-gnu/lib/deep/a/b/libc.so",
		    "INPUT ( =/usr/lib/x86_64-linux-gnu/libm-2.36.a )\n");
	/* a second pass changes nothing */
	assert_int_equal(sysroot_fix_scripts(&f->h, f->root, &n), 0);
	assert_int_equal(n, 0);
	/* an unreadable tree is an error naming the directory */
	char *gone = rpath(f, "no-such-dir");
	assert_int_not_equal(sysroot_fix_scripts(&f->h, gone, &n), 0);
	assert_non_null(strstr(f->h.errbuf, "no-such-dir"));
	free(gone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_strip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclusive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fix_abs_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malicious, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bomb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_deb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linker_scripts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
