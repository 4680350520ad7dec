/* test_model.c - arch table, versions, triples, env quoting. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch.h"
#include "env.h"
#include "model.h"
#include "util.h"

/* One row per arch x libc: every derived fact, written out independently. */
static const struct {
	const char *arch, *libc, *goarch, *subvar, *subdef, *triple, *loader, *qemu, *karch;
	int machine, class, data;
} rows[] = {
	{"x86_64", "glibc", "amd64", "GOAMD64", "v1", "x86_64-linux-gnu", "/lib64/ld-linux-x86-64.so.2", "x86_64", "x86", EM_X86_64, ELFCLASS64, ELFDATA2LSB},
	{"x86_64", "musl", "amd64", "GOAMD64", "v1", "x86_64-linux-musl", "/lib/ld-musl-x86_64.so.1", "x86_64", "x86", EM_X86_64, ELFCLASS64, ELFDATA2LSB},
	{"arm64", "glibc", "arm64", NULL, NULL, "aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1", "aarch64", "arm64", EM_AARCH64, ELFCLASS64, ELFDATA2LSB},
	{"arm64", "musl", "arm64", NULL, NULL, "aarch64-linux-musl", "/lib/ld-musl-aarch64.so.1", "aarch64", "arm64", EM_AARCH64, ELFCLASS64, ELFDATA2LSB},
	{"armv7", "glibc", "arm", "GOARM", "7", "arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3", "arm", "arm", EM_ARM, ELFCLASS32, ELFDATA2LSB},
	{"armv7", "musl", "arm", "GOARM", "7", "arm-linux-musleabihf", "/lib/ld-musl-armhf.so.1", "arm", "arm", EM_ARM, ELFCLASS32, ELFDATA2LSB},
	{"mips64", "glibc", "mips64", "GOMIPS64", "hardfloat", "mips64-linux-gnuabi64", "/lib64/ld.so.1", "mips64", "mips", EM_MIPS, ELFCLASS64, ELFDATA2MSB},
	{"mips64", "musl", "mips64", "GOMIPS64", "hardfloat", "mips64-linux-musl", "/lib/ld-musl-mips64.so.1", "mips64", "mips", EM_MIPS, ELFCLASS64, ELFDATA2MSB},
	{"mips64le", "glibc", "mips64le", "GOMIPS64", "hardfloat", "mips64el-linux-gnuabi64", "/lib64/ld.so.1", "mips64el", "mips", EM_MIPS, ELFCLASS64, ELFDATA2LSB},
	{"mips64le", "musl", "mips64le", "GOMIPS64", "hardfloat", "mips64el-linux-musl", "/lib/ld-musl-mips64el.so.1", "mips64el", "mips", EM_MIPS, ELFCLASS64, ELFDATA2LSB},
	{"riscv64", "glibc", "riscv64", NULL, NULL, "riscv64-linux-gnu", "/lib/ld-linux-riscv64-lp64d.so.1", "riscv64", "riscv", 243, ELFCLASS64, ELFDATA2LSB},
	{"riscv64", "musl", "riscv64", NULL, NULL, "riscv64-linux-musl", "/lib/ld-musl-riscv64.so.1", "riscv64", "riscv", 243, ELFCLASS64, ELFDATA2LSB},
};

static void test_arch_table(void **state)
{
	(void)state;
	assert_int_equal(arch_count, 6);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct arch_info *a = arch_find(rows[i].arch);
		int libc = libc_parse(rows[i].libc);
		assert_non_null(a);
		assert_true(libc >= 0);
		assert_string_equal(a->goarch, rows[i].goarch);
		if (rows[i].subvar) {
			assert_string_equal(a->subarch_var, rows[i].subvar);
			assert_string_equal(a->subarch_def, rows[i].subdef);
		} else {
			assert_null(a->subarch_var);
		}
		assert_string_equal(a->libc[libc].triple, rows[i].triple);
		assert_string_equal(a->libc[libc].loader, rows[i].loader);
		assert_string_equal(a->qemu, rows[i].qemu);
		assert_string_equal(a->kernel_arch, rows[i].karch);
		assert_int_equal(a->elf_machine, rows[i].machine);
		assert_int_equal(a->elf_class, rows[i].class);
		assert_int_equal(a->elf_data, rows[i].data);
		/* its own canonical triple matches; the other libc's does not */
		assert_true(arch_triple_matches(a, (enum libc_kind)libc, rows[i].triple));
		assert_false(arch_triple_matches(a, (enum libc_kind)!libc, rows[i].triple));
		/* no other arch claims this triple */
		for (unsigned j = 0; j < arch_count; j++)
			if (&arch_table[j] != a)
				assert_false(arch_triple_matches(&arch_table[j], (enum libc_kind)libc,
								 rows[i].triple));
	}
	assert_null(arch_find("arm65"));
	assert_int_equal(libc_parse("uclibc"), -1);
}

static void test_triples_with_vendor(void **state)
{
	(void)state;
	const struct arch_info *arm64 = arch_find("arm64"), *armv7 = arch_find("armv7");
	assert_true(arch_triple_matches(arm64, LIBC_GLIBC, "aarch64-buildroot-linux-gnu"));
	assert_true(arch_triple_matches(arm64, LIBC_MUSL, "aarch64-linux-musl"));
	assert_true(arch_triple_matches(armv7, LIBC_MUSL, "armv7l-linux-musleabihf"));
	assert_true(arch_triple_matches(armv7, LIBC_GLIBC, "arm-buildroot-linux-gnueabihf"));
	assert_false(arch_triple_matches(armv7, LIBC_GLIBC, "arm-linux-gnueabi")); /* soft-float */
	assert_false(arch_triple_matches(arm64, LIBC_GLIBC, "aarch64-w64-mingw32-gnu"));
	assert_false(arch_triple_matches(arm64, LIBC_GLIBC, "aarch64_be-linux-gnu"));
}

static void test_versions(void **state)
{
	(void)state;
	assert_true(version_cmp("1.19.8", "1.24") < 0);
	assert_true(version_cmp("1.24", "1.24.0") == 0);
	assert_true(version_cmp("6.1", "5.14") > 0);
	assert_true(version_cmp("2.6.32", "3.2") < 0);
	assert_true(version_cmp("3.4.30", "3.4.29") > 0);
	assert_true(version_valid("1.19.8"));
	assert_true(version_valid("12.2.0-14"));
	assert_true(version_valid("6.1"));
	assert_false(version_valid("1.19.x"));
	assert_false(version_valid(".1"));
	assert_false(version_valid("1..2"));
	assert_false(version_valid("1.2."));
	assert_false(version_valid("1.2-"));
	assert_false(version_valid(""));
	assert_string_equal(go_min_kernel("1.19.8"), "2.6.32");
	assert_string_equal(go_min_kernel("1.23.4"), "2.6.32");
	assert_string_equal(go_min_kernel("1.24.0"), "3.2");
	assert_string_equal(go_min_kernel("1.27.1"), "3.2");
}

static void test_quote_sh(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	quote_sh(&b, "a'b $(x) `y`\n\"z\"");
	assert_string_equal(b.s, "'a'\\''b $(x) `y`\n\"z\"'");
	buf_free(&b);
	quote_fish(&b, "a'b\\c $x");
	assert_string_equal(b.s, "'a\\'b\\\\c $x'");
	buf_free(&b);
}

static void test_make_format_refuses_injection(void **state)
{
	(void)state;
	char *path[] = {(char *)"/p/bin", NULL};
	struct env_var_out v[] = {
		{(char *)"SAFE", (char *)"a $b\nsecond # line"},
		{(char *)"EVIL", (char *)"x\nendef\nall: ; touch /tmp/pwned\ndefine Y"},
		{(char *)"BACKSLASH", (char *)"ends with \\"},
	};
	struct env e = {.v = v, .n = 3, .path_prepend = path, .target = (char *)"t"};
	struct buf b;
	buf_init(&b);
	assert_int_equal(env_format(&e, "make", &b), 0);
	assert_non_null(strstr(b.s, "define SAFE\na $$b\nsecond # line\nendef\nexport SAFE\n"));
	assert_null(strstr(b.s, "touch /tmp/pwned"));
	assert_non_null(strstr(b.s, "# EVIL omitted"));
	assert_non_null(strstr(b.s, "# BACKSLASH omitted"));
	buf_free(&b);
}

static void test_strings(void **state)
{
	(void)state;
	assert_int_equal(str_distance("verison", "version"), 2);
	assert_int_equal(str_distance("", "abc"), 3);
	char **v = strv_split("  a b\tc  ");
	assert_int_equal(strv_len(v), 3);
	assert_string_equal(v[2], "c");
	strv_free(v);
	char *p = path_join("/a/b/", "/c");
	assert_string_equal(p, "/a/b/c");
	free(p);
	assert_true(is_hex("00ff", 4));
	assert_false(is_hex("00fg", 4));
	assert_false(is_hex("00f", 4));
	char hex[65];
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_table),	  cmocka_unit_test(test_triples_with_vendor),
		cmocka_unit_test(test_versions),	  cmocka_unit_test(test_quote_sh),
		cmocka_unit_test(test_strings),	  cmocka_unit_test(test_make_format_refuses_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
