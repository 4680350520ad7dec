/* test_plan.c - golden store entry names: a change in how entries are keyed
 * must be deliberate.  If this test fails, you changed the key: bump
 * GOTC_STORE_FORMAT (store.h) and write the new names here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arch.h"
#include "plan.h"
#include "store.h"
#include "util.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The inputs, written here so that fixture edits elsewhere do not move them. */
static const struct {
	const char *path, *text;
} files[] = {
	{"targets/g-arm64.ini",
	 "[target]\ndescription = golden\narch = arm64\nlibc = glibc\nlibc_version = 2.36\nkernel = 6.1\n"
	 "cxx_stdlib = libstdc++\nglibcxx = 3.4.30\ncxxabi = 1.3.13\nlink = dynamic\n"
	 "[recipes]\ngo = g-go\ntoolchain = g-gcc\nsysroot = g-sys\nkernel_headers = g-linux\n"},
	{"recipes/go/g-go.ini",
	 "[recipe]\nversion = 1.19.8\ndescription = golden\ngoroot = go\n[source go]\nurl = ${mirror:test}/go.tar.gz\n"
	 "sha256 = " H64 "\nsize = 1000\nhost_arch = x86_64\nstrip = 0\n"},
	{"recipes/toolchain/g-gcc.ini",
	 "[recipe]\nversion = 12.2.0\ntype = gcc\ntriple = aarch64-linux-gnu\nlibc = glibc\n"
	 "cc = usr/bin/aarch64-linux-gnu-gcc-12\ncxx = usr/bin/aarch64-linux-gnu-g++-12\n"
	 "ar = usr/bin/aarch64-linux-gnu-ar\n[source gcc]\nurl = ${mirror:test}/gcc.deb\n"
	 "sha256 = " H64 "\nhost_arch = x86_64\n"},
	{"recipes/sysroot/g-sys.ini",
	 "[recipe]\nversion = 2.36\nlibc = glibc\nlibc_version = 2.36\nglibcxx = 3.4.30\n"
	 "runtime_root = usr/aarch64-linux-gnu\n[source libc6-dev]\nurl = ${mirror:test}/libc6-dev.deb\n"
	 "sha256 = " H64 "\n"},
	{"recipes/kernel/g-linux.ini",
	 "[recipe]\nversion = 6.1.0\nmethod = package\ninclude = usr/aarch64-linux-gnu/include\n"
	 "[source linux-libc-dev]\nurl = ${mirror:test}/linux-libc-dev.deb\nsha256 = " H64 "\n"},
};

static const char *const golden[] = {
	"go-1.19.8-611d7649eb18",
	"toolchain-12.2.0-82ae639e90b7",
	"sysroot-2.36-1d2a517629d4",
};

static void test_golden_entry_names(void **state)
{
	(void)state;
	assert_string_equal(GOTC_STORE_FORMAT, "1");
	if (strcmp(host_arch(), "x86_64") != 0) {
		print_message("the golden names are those of an x86_64 host (host_arch sources): skipped\n");
		skip();
	}
	char dir[] = "/tmp/gotc-test-plan.XXXXXX";
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = path_join(dir, files[i].path), *d = p ? path_dirname(p) : NULL;
		assert_non_null(d);
		assert_int_equal(mkdir_p(d, 0755), 0);
		assert_int_equal(write_file_atomic(p, files[i].text, strlen(files[i].text), 0644), 0);
		free(d);
		free(p);
	}
	gotc_t h;
	memset(&h, 0, sizeof(h));
	char *urls[] = {(char *)"https://m.invalid/x", NULL};
	struct gotc_mirror m = {.name = (char *)"test", .urls = urls};
	char *search[] = {dir, NULL};
	h.mirrors = &m;
	h.nmirrors = 1;
	h.search = search;
	h.home = dir;
	h.cache = dir;
	struct plan p;
	int rc = plan_build(&h, "g-arm64", &p);
	if (rc)
		print_message("plan_build: %s\n", h.errbuf);
	assert_int_equal(rc, 0);
	assert_int_equal(p.nentries, 3);
	int bad = 0;
	for (int i = 0; i < p.nentries; i++)
		if (strcmp(p.entries[i].name, golden[i]) != 0)
			bad++, print_message("entry %d is %s, golden %s\n", i, p.entries[i].name, golden[i]);
	assert_int_equal(bad, 0);
	plan_free(&p);
	rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_entry_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
