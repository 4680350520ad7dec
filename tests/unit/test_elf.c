/* test_elf.c - the ELF checker's version-ceiling arithmetic, and malformed
 * input (errors, never crashes).  Real binaries are checked end to end in
 * tests/e2e/abi.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_check.h"
#include "gotc.h"
#include "model.h"
#include "util.h"

static void test_symver_number(void **state)
{
	(void)state;
	assert_string_equal(symver_number("GLIBC_2.34", "GLIBC_"), "2.34");
	assert_string_equal(symver_number("GLIBCXX_3.4.30", "GLIBCXX_"), "3.4.30");
	assert_string_equal(symver_number("CXXABI_1.3.13", "CXXABI_"), "1.3.13");
	/* glibc 2.36's DT_RELR marker is a 2.36 requirement */
	assert_string_equal(symver_number("GLIBC_ABI_DT_RELR", "GLIBC_"), "2.36");
	assert_null(symver_number("GLIBC_PRIVATE", "GLIBC_"));
	assert_null(symver_number("CXXABI_TM_1", "CXXABI_"));
	assert_null(symver_number("CXXABI_FLOAT128", "CXXABI_"));
	assert_null(symver_number("GLIBCXX_3.4.30", "GLIBC_")); /* prefix is exact */
	assert_null(symver_number("GLIBC_", "GLIBC_"));
	assert_null(symver_number("GLIBC_2..3", "GLIBC_"));
	assert_null(symver_number(NULL, "GLIBC_"));
}

static void test_symver_highest(void **state)
{
	(void)state;
	const char *v[] = {"GLIBC_2.17", "GLIBC_2.34", "GLIBCXX_3.4.30", "GLIBC_2.4",
			   "GLIBC_PRIVATE", "GLIBC_2.9", "CXXABI_1.3.9", "CXXABI_1.3.13"};
	size_t n = sizeof(v) / sizeof(v[0]);
	assert_int_equal(symver_highest(v, n, "GLIBC_"), 1);	  /* 2.34 > 2.17 > 2.9 > 2.4 */
	assert_int_equal(symver_highest(v, n, "GLIBCXX_"), 2);
	assert_int_equal(symver_highest(v, n, "CXXABI_"), 7);	  /* 1.3.13 > 1.3.9: numeric */
	assert_int_equal(symver_highest(v, n, "LIBFOO_"), -1);
	assert_int_equal(symver_highest(v, 0, "GLIBC_"), -1);
}

static void test_symver_within(void **state)
{
	(void)state;
	assert_true(symver_within("GLIBC_2.34", "GLIBC_", "2.34"));
	assert_true(symver_within("GLIBC_2.17", "GLIBC_", "2.34"));
	assert_false(symver_within("GLIBC_2.35", "GLIBC_", "2.34"));
	assert_false(symver_within("GLIBC_2.36", "GLIBC_", "2.34"));
	assert_true(symver_within("GLIBC_2.9", "GLIBC_", "2.17"));	  /* not string order */
	assert_false(symver_within("GLIBC_ABI_DT_RELR", "GLIBC_", "2.35"));
	assert_true(symver_within("GLIBC_ABI_DT_RELR", "GLIBC_", "2.36"));
	assert_true(symver_within("GLIBCXX_3.4.29", "GLIBCXX_", "3.4.29"));
	assert_false(symver_within("GLIBCXX_3.4.30", "GLIBCXX_", "3.4.29"));
	assert_true(symver_within("GLIBCXX_3.4.9", "GLIBCXX_", "3.4.29"));
	assert_true(symver_within("CXXABI_1.3.13", "CXXABI_", "1.3.13"));
	assert_false(symver_within("CXXABI_1.3.14", "CXXABI_", "1.3.13"));
	assert_false(symver_within("GLIBC_PRIVATE", "GLIBC_", "2.36"));
	assert_false(symver_within("GLIBC_2.17", "GLIBC_", NULL));
}

static struct target *arm64_target(void)
{
	static struct target t;
	memset(&t, 0, sizeof(t));
	t.name = (char *)"unit-arm64";
	t.arch = arch_find("arm64");
	t.libc = LIBC_GLIBC;
	t.libc_version = (char *)"2.34";
	t.kernel = (char *)"5.14";
	t.cxx_stdlib = (char *)"libstdc++";
	t.glibcxx = (char *)"3.4.29";
	t.cxxabi = (char *)"1.3.13";
	return &t;
}

static void test_malformed(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct elf_report r;
	const struct target *t = arm64_target();
	assert_int_equal(elf_check_mem(&h, t, NULL, "", 0, &r), GOTC_EELF);
	assert_int_equal(r.n, 0);
	assert_int_equal(elf_check_mem(&h, t, NULL, "#!/bin/sh\n", 10, &r), GOTC_EELF);
	assert_string_equal(h.errbuf, "not an ELF file");
	/* an ELF identification and nothing else */
	unsigned char id[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	assert_int_equal(elf_check_mem(&h, t, NULL, id, 16, &r), GOTC_EELF);
	/* a header whose program headers point past the end */
	memset(id + 16, 0xff, sizeof(id) - 16);
	int rc = elf_check_mem(&h, t, NULL, id, sizeof(id), &r);
	assert_true(rc == GOTC_EELF || rc == 0);
	elf_report_free(&r);
	/* not a regular file, missing file */
	assert_int_equal(elf_check_file(&h, t, NULL, "/", &r), GOTC_EELF);
	assert_int_equal(elf_check_file(&h, t, NULL, "/nonexistent/x", &r), -ENOENT);
}

/* The test binary itself: x86-64, so against arm64 the machine fails and the
 * other checks still report. */
static void test_self(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct elf_report r;
	assert_int_equal(elf_check_file(&h, arm64_target(), NULL, "/proc/self/exe", &r), 0);
	assert_true(r.n >= 8);
	assert_string_equal(r.v[0].name, "class");
	assert_true(r.v[0].ok);
	assert_string_equal(r.v[2].name, "machine");
	assert_false(r.v[2].ok);
	assert_string_equal(r.v[2].msg, "x86-64 but unit-arm64 (arm64) needs AArch64");
	assert_true(r.failed >= 1);
	elf_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symver_number),
		cmocka_unit_test(test_symver_highest),
		cmocka_unit_test(test_symver_within),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
