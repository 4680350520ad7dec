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

/* ---- hostile INI sizes: 100,000 of each in linear time ---- */

#define MANY 100000
#define BOUND_S 4.0 /* generous (ASan, a busy machine); quadratic takes minutes */

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

static void timed(const char *what, double t0)
{
	double dt = now_s() - t0;
	print_message("%s: %.3f s\n", what, dt);
	if (dt > BOUND_S)
		fail_msg("%s took %.2f s (bound %.1f s): not linear", what, dt, BOUND_S);
}

static void test_linear_ini(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct buf b;

	/* 100,000 [env] keys */
	buf_init(&b);
	buf_puts(&b, target_head);
	buf_puts(&b, "[env]\n");
	for (int i = 0; i < MANY; i++)
		buf_printf(&b, "V%d = value %d\n", i, i);
	char *p = write_tmp(&b, "env.ini");
	struct target *t = NULL;
	double t0 = now_s();
	int rc = target_load(&h, p, &t);
	timed("100,000 [env] keys", t0);
	if (rc)
		fail_msg("%s", h.errbuf);
	assert_int_equal(t->nenv, MANY);
	assert_string_equal(t->env[MANY - 1].name, "V99999");
	target_free(t);
	unlink(p);
	free(p);
	buf_free(&b);

	/* 100,000 continuation lines, in [target] and in [env] */
	buf_init(&b);
	buf_puts(&b, "[target]\ndescription = big\n");
	for (int i = 0; i < MANY; i++)
		buf_puts(&b, "  more\n");
	buf_puts(&b, target_head + strlen("[target]\ndescription = big\n"));
	buf_puts(&b, "[env]\nLONG = first\n");
	for (int i = 0; i < MANY; i++)
		buf_puts(&b, "  next\n");
	p = write_tmp(&b, "cont.ini");
	t = NULL;
	t0 = now_s();
	rc = target_load(&h, p, &t);
	timed("2 x 100,000 continuation lines", t0);
	if (rc)
		fail_msg("%s", h.errbuf);
	assert_int_equal(strlen(t->description), 3 + (size_t)MANY * 5);
	assert_true(str_starts(t->description, "big\nmore\nmore"));
	assert_int_equal(t->nenv, 1);
	assert_int_equal(strlen(t->env[0].value), 5 + (size_t)MANY * 5);
	target_free(t);
	unlink(p);
	free(p);
	buf_free(&b);

	/* 100,000 sections */
	buf_init(&b);
	buf_puts(&b, "[recipe]\nversion = 1.0\n");
	for (int i = 0; i < MANY; i++)
		buf_printf(&b, "[source s%d]\nurl = https://example.invalid/%d\nsha256 = "
			       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nsize = 1\n",
			   i, i);
	p = write_tmp(&b, "sections.ini");
	struct recipe *r = NULL;
	t0 = now_s();
	rc = recipe_load(&h, p, RK_GO, &r);
	timed("100,000 sections", t0);
	if (rc)
		fail_msg("%s", h.errbuf);
	assert_int_equal(r->nsources, MANY);
	recipe_free(r);
	/* a duplicate among them is still found, with both lines */
	buf_printf(&b, "[source  s5]\nurl = https://example.invalid/x\n");
	unlink(p);
	free(p);
	p = write_tmp(&b, "dup.ini");
	r = NULL;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_linear_ini),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
