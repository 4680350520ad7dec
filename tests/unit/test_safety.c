/* test_safety.c - small safety rules of the core: secrets kept out of
 * messages, hostile INI sizes parsed in linear time, names [env] refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gotc.h"
#include "model.h"
#include "unpack.h"
#include "util.h"

static void redacts(const char *in, const char *want)
{
	char *got = url_redact(in);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("url_redact(%s) = %s, want %s", in, got, want);
	free(got);
}

static void test_url_redact(void **state)
{
	(void)state;
	redacts("http://user:pass@host:8080/a/b", "http://***@host:8080/a/b");
	redacts("https://token@host/x", "https://***@host/x");
	redacts("https://u:p@ss@host/x@y", "https://***@host/x@y"); /* '@' in the path stays */
	redacts("https://host/x@y", "https://host/x@y");
	redacts("https://host/a?b=c@d", "https://host/a?b=c@d");
	redacts("file:///srv/mirror", "file:///srv/mirror");
	redacts("no scheme at all", "no scheme at all");
}

/* ---- hostile INI sizes: 100,000 of each in linear time ----
 * Linear is checked by scaling, not by a wall-clock bound (which a busy CI
 * machine or ASan can break): parsing 4 times the lines must cost well under
 * 16 times the CPU (quadratic) - the bound is 10 times, best of 3 runs each.
 * (From 10,000 lines, which fit the CPU caches, to 100,000, linear parsing
 * measured 23 times: the small size is a quarter, past the caches.) */

#define MANY 100000
#define MAX_RATIO 10.0
#define FAST_ENOUGH_S 0.25 /* below this, the big case cannot be quadratic */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be busy */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char target_head[] = "[target]\ndescription = big\narch = arm64\nlibc = glibc\n"
				  "libc_version = 2.36\nkernel = 6.1\ncxx_stdlib = none\n"
				  "[recipes]\ngo = a\ntoolchain = b\nsysroot = c\nkernel_headers = d\n";

static char *write_tmp(const struct buf *b, const char *name)
{
	char *p = str_printf("%s/gotc-safety-%ld-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			     (long)getpid(), name);
	assert_non_null(p);
	assert_false(b->oom);
	assert_int_equal(write_file_atomic(p, b->s, b->len, 0644), 0);
	return p;
}

enum shape { MANY_ENV, MANY_CONT, MANY_SECTIONS };

static void gen(struct buf *b, enum shape k, int n)
{
	buf_init(b);
	switch (k) {
	case MANY_ENV:
		buf_puts(b, target_head);
		buf_puts(b, "[env]\n");
		for (int i = 0; i < n; i++)
			buf_printf(b, "V%d = value %d\n", i, i);
		break;
	case MANY_CONT: /* in [target] and in [env] */
		buf_puts(b, "[target]\ndescription = big\n");
		for (int i = 0; i < n; i++)
			buf_puts(b, "  more\n");
		buf_puts(b, target_head + strlen("[target]\ndescription = big\n"));
		buf_puts(b, "[env]\nLONG = first\n");
		for (int i = 0; i < n; i++)
			buf_puts(b, "  next\n");
		break;
	case MANY_SECTIONS:
		buf_puts(b, "[recipe]\nversion = 1.0\n");
		for (int i = 0; i < n; i++)
			buf_printf(b, "[source s%d]\nurl = https://example.invalid/%d\nsha256 = "
				      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nsize = 1\n",
				   i, i);
		break;
	}
}

/* Parse shape k with n repeats; check what was read; the best CPU time of 3. */
static double parse_cpu(enum shape k, int n)
{
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct buf b;
	gen(&b, k, n);
	char *p = write_tmp(&b, "many.ini");
	double best = 1e9;
	for (int run = 0; run < 3; run++) {
		struct target *t = NULL;
		struct recipe *r = NULL;
		double t0 = now_s();
		int rc = k == MANY_SECTIONS ? recipe_load(&h, p, RK_GO, &r) : target_load(&h, p, &t);
		double dt = now_s() - t0;
		if (rc)
			fail_msg("%s", h.errbuf);
		if (dt < best)
			best = dt;
		if (k == MANY_ENV) {
			assert_int_equal(t->nenv, n);
			char *last = str_printf("V%d", n - 1);
			assert_string_equal(t->env[n - 1].name, last);
			free(last);
		} else if (k == MANY_CONT) {
			assert_int_equal(strlen(t->description), 3 + (size_t)n * 5);
			assert_true(str_starts(t->description, "big\nmore\nmore"));
			assert_int_equal(t->nenv, 1);
			assert_int_equal(strlen(t->env[0].value), 5 + (size_t)n * 5);
		} else {
			assert_int_equal(r->nsources, n);
		}
		target_free(t);
		recipe_free(r);
	}
	unlink(p);
	free(p);
	buf_free(&b);
	return best;
}

static void scales_linearly(const char *what, enum shape k)
{
	double small = parse_cpu(k, MANY / 4), big = parse_cpu(k, MANY);
	double ratio = big / (small > 1e-4 ? small : 1e-4);
	print_message("%s: %d in %.3f s, %d in %.3f s (x%.1f)\n", what, MANY / 4, small, MANY, big, ratio);
	if (big > FAST_ENOUGH_S && ratio > MAX_RATIO)
		fail_msg("%s: 4 times the input took %.1f times the CPU (bound %.0f): not linear", what, ratio,
			 MAX_RATIO);
}

static void test_linear_ini(void **state)
{
	(void)state;
	scales_linearly("[env] keys", MANY_ENV);
	scales_linearly("continuation lines", MANY_CONT);
	scales_linearly("sections", MANY_SECTIONS);

	/* a duplicate among 100,000 sections is still found, with both lines */
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct buf b;
	gen(&b, MANY_SECTIONS, MANY);
	buf_printf(&b, "[source  s5]\nurl = https://example.invalid/x\n");
	char *p = write_tmp(&b, "dup.ini");
	struct recipe *r = NULL;
	assert_int_equal(recipe_load(&h, p, RK_GO, &r), GOTC_ERECIPE);
	char *want = str_printf("%s:%d: duplicate section [source s5] (first at line %d)", p,
				2 + 4 * MANY + 1, 2 + 4 * 5 + 1);
	assert_string_equal(h.errbuf, want);
	free(want);
	unlink(p);
	free(p);
	buf_free(&b);
}

/* The default limits: an archive may expand 25 times its size, never past
 * 2 GiB; a source without a size downloads at most 2 GiB. */
static void test_limits(void **state)
{
	(void)state;
	char *cfg = str_printf("/tmp/gotc-safety-%ld.ini", (long)getpid());
	assert_int_equal(write_file_atomic(cfg, "", 0, 0644), 0);
	setenv("GOTC_CONFIG", cfg, 1);
	gotc_t h;
	assert_int_equal(gotc_init(&h, "/tmp/gotc-safety-home", NULL), 0);
	assert_int_equal(h.max_unpack, 2ULL << 30);
	assert_int_equal(h.unpack_ratio, 25);
	assert_int_equal(h.max_download, 2ULL << 30);
	/* the 610 KiB xz bomb (a 4 GiB file) gets 15 MiB */
	assert_int_equal(unpack_limit(&h, 610 * 1024), 25ULL * 610 * 1024);
	assert_int_equal(unpack_limit(&h, 0), 2ULL << 30);
	assert_int_equal(unpack_limit(&h, 1ULL << 30), 2ULL << 30);
	assert_int_equal(unpack_limit(&h, UINT64_MAX / 2), 2ULL << 30);
	h.max_unpack = 0;
	assert_int_equal(unpack_limit(&h, UINT64_MAX / 2), UINT64_MAX);
	gotc_free(&h);
	unsetenv("GOTC_CONFIG");
	unlink(cfg);
	free(cfg);
}

/* rm_rf removes a tree deeper than PATH_MAX (built with mkdirat, one level
 * at a time), with read-only directories and other directories on the way,
 * without following the symbolic links in it. */
#define DEEP 2200 /* "dd/" each: 6,600 bytes of path, past PATH_MAX */

static void test_rm_rf_deep(void **state)
{
	(void)state;
	char *root = str_printf("/tmp/gotc-rmrf-%ld", (long)getpid());
	char *outside = str_printf("%s-outside", root);
	char *canary = str_printf("%s/keep", outside);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(outside, 0755), 0);
	assert_int_equal(write_file_atomic(canary, "x", 1, 0644), 0);
	int fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	for (int i = 0; i < DEEP; i++) {
		int c = openat(fd, "f", O_WRONLY | O_CREAT | O_EXCL, 0644);
		assert_true(c >= 0);
		close(c);
		if (i % 100 == 0) { /* a link, and directories beside the deep one */
			assert_int_equal(symlinkat(outside, fd, "link"), 0);
			assert_int_equal(mkdirat(fd, "a", 0755), 0);
			assert_int_equal(mkdirat(fd, "z", 0755), 0);
			c = openat(fd, "z/f", O_WRONLY | O_CREAT | O_EXCL, 0644);
			assert_true(c >= 0);
			close(c);
		}
		assert_int_equal(mkdirat(fd, "dd", 0755), 0);
		int next = openat(fd, "dd", O_RDONLY | O_DIRECTORY);
		assert_true(next >= 0);
		if (i % 500 == 250)
			assert_int_equal(fchmod(fd, 0555), 0); /* like a store entry */
		close(fd);
		fd = next;
	}
	close(fd);
	assert_true(DEEP * 3 > PATH_MAX);
	assert_int_equal(rm_rf(root), 0);
	struct stat st;
	assert_int_equal(lstat(root, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_true(is_file(canary)); /* the links were removed, not followed */
	assert_int_equal(rm_rf(outside), 0);
	assert_false(is_dir(outside));
	assert_int_equal(rm_rf(root), 0); /* nothing there: nothing to do */
	free(canary);
	free(outside);
	free(root);
}

/* Temporary files are made by mkostemp (file_create_tmp): a file or link an
 * attacker planted at the old predictable name PATH.tmp.PID is neither
 * followed nor clobbered, and no such name is built anywhere in the core. */
static void test_tmp_names(void **state)
{
	(void)state;
	char *dir = str_printf("/tmp/gotc-tmpnames-%ld", (long)getpid());
	char *path = str_printf("%s/info", dir), *canary = str_printf("%s/canary", dir);
	char *old = str_printf("%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(write_file_atomic(canary, "keep", 4, 0644), 0);
	assert_int_equal(symlink(canary, old), 0);
	assert_int_equal(write_file_atomic(path, "new", 3, 0644), 0);
	char *data = NULL;
	assert_int_equal(read_file(canary, &data, NULL), 0);
	assert_string_equal(data, "keep"); /* the link was not followed */
	free(data);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode)); /* not the planted link renamed */
	assert_int_equal(read_file(path, &data, NULL), 0);
	assert_string_equal(data, "new");
	free(data);
	assert_int_equal(lstat(old, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* left alone */
	/* two temporaries of one path never share a name */
	char *t1 = NULL, *t2 = NULL;
	int f1 = file_create_tmp(path, 0600, &t1), f2 = file_create_tmp(path, 0600, &t2);
	assert_true(f1 >= 0 && f2 >= 0);
	assert_string_not_equal(t1, t2);
	assert_true(str_starts(t1, path));
	close(f1);
	close(f2);
	unlink(t1);
	unlink(t2);
	free(t1);
	free(t2);
	assert_int_equal(rm_rf(dir), 0);
	free(old);
	free(canary);
	free(path);
	free(dir);

	/* the source: no "%s.tmp.%ld"-style name is built in provisioner/ */
	const char *src = getenv("GOTC_SRC");
	char *pdir = str_printf("%s/provisioner", src && *src ? src : ".");
	char **files = dir_list(pdir, ".c");
	assert_non_null(files);
	size_t n = 0;
	for (size_t i = 0; files[i]; i++, n++) {
		char *p = path_join(pdir, files[i]), *text = NULL;
		assert_int_equal(read_file(p, &text, NULL), 0);
		if (strstr(text, ".tmp.%") || strstr(text, ".part.%"))
			fail_msg("%s builds a predictable temporary name (use file_create_tmp)", p);
		free(text);
		free(p);
	}
	assert_true(n > 40);
	strv_free(files);
	free(pdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_linear_ini),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_rm_rf_deep),
		cmocka_unit_test(test_tmp_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
