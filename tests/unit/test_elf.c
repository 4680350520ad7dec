/* test_elf.c - the ELF checker's version-ceiling arithmetic, and malformed
 * input (errors, never crashes).  Real binaries are checked end to end in
 * tests/e2e/abi.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdio.h>
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

static struct target *x86_target(const char *glibc)
{
	static struct target t;
	memset(&t, 0, sizeof(t));
	t.name = (char *)"unit-x86";
	t.arch = arch_find("x86_64");
	t.libc = LIBC_GLIBC;
	t.libc_version = (char *)glibc;
	t.kernel = (char *)"3.10";
	t.cxx_stdlib = (char *)"libstdc++";
	t.glibcxx = (char *)"3.4.19";
	t.cxxabi = (char *)"1.3.7";
	return &t;
}

static const struct elf_check *find_check(const struct elf_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	fail_msg("no '%s' check", name);
	return NULL;
}

/* A real host binary (glibc >= 2.34 gives __libc_start_main@GLIBC_2.34)
 * with its section headers removed by llvm-objcopy --strip-sections: the
 * needs are read from PT_DYNAMIC as the loader reads them, so a 2.17
 * ceiling still fails; a damaged dynamic segment is an error, not a pass. */
static void test_stripped(void **state)
{
	(void)state;
	char dir[] = "/tmp/gotc-elf-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *cmd = str_printf("cd %s && printf 'int main(void){return 0;}\\n' > m.c && "
			       "cc -o m m.c && llvm-objcopy --strip-sections m s",
			       dir);
	if (system(cmd) != 0)
		fail_msg("cannot build and strip a host binary (cc, llvm-objcopy): %s", cmd);
	free(cmd);
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct elf_report r;
	char *m = str_printf("%s/m", dir), *st = str_printf("%s/s", dir);
	assert_int_equal(elf_check_file(&h, x86_target("2.17"), NULL, m, &r), 0);
	const struct elf_check *full = find_check(&r, "glibc");
	assert_false(full->ok);
	char *want = str_printf("%s", full->msg);
	elf_report_free(&r);

	/* stripped: the same verdict, the same needs */
	int rc = elf_check_file(&h, x86_target("2.17"), NULL, st, &r);
	if (rc)
		fail_msg("stripped: rc %d: %s", rc, h.errbuf);
	const struct elf_check *c = find_check(&r, "glibc");
	assert_false(c->ok);
	assert_non_null(strstr(c->msg, "needs GLIBC_2.3"));
	assert_non_null(strstr(c->msg, "but unit-x86 allows 2.17"));
	assert_non_null(strstr(want, "needs GLIBC_2.3"));
	elf_report_free(&r);
	free(want);
	/* DT_NEEDED, looked up in a sysroot (here an empty one) */
	assert_int_equal(elf_check_file(&h, x86_target("2.17"), dir, st, &r), 0);
	assert_false(find_check(&r, "needed")->ok);
	assert_string_equal(find_check(&r, "needed")->msg, "libc.so.6 not found in unit-x86's sysroot");
	elf_report_free(&r);
	assert_int_equal(elf_check_file(&h, x86_target("2.99"), NULL, st, &r), 0);
	assert_true(find_check(&r, "glibc")->ok);
	elf_report_free(&r);

	/* damaged copies of the stripped binary */
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(read_file(st, &data, &len), 0);
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	Elf64_Phdr *dyn = NULL;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(data + eh.e_phoff + (size_t)i * eh.e_phentsize);
		if (ph->p_type == PT_DYNAMIC)
			dyn = ph;
	}
	assert_non_null(dyn);
	Elf64_Phdr keep = *dyn;
	dyn->p_offset = len + 4096; /* the segment lies outside the file */
	assert_int_equal(elf_check_mem(&h, x86_target("2.99"), NULL, data, len, &r), GOTC_EELF);
	assert_string_equal(h.errbuf, "PT_DYNAMIC lies outside the file");
	*dyn = keep;
	Elf64_Dyn *d = (Elf64_Dyn *)(data + dyn->p_offset);
	int changed = 0;
	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_STRTAB) {
			d->d_un.d_ptr = 0x7fffffff0000ULL; /* not in any PT_LOAD */
			changed++;
		}
	assert_int_equal(changed, 1);
	assert_int_equal(elf_check_mem(&h, x86_target("2.99"), NULL, data, len, &r), GOTC_EELF);
	assert_string_equal(h.errbuf, "PT_DYNAMIC: DT_STRTAB is outside the loaded segments");
	free(data);
	free(m);
	free(st);
	cmd = str_printf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symver_number),
		cmocka_unit_test(test_symver_highest),
		cmocka_unit_test(test_symver_within),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_stripped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
