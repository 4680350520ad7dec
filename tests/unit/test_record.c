/* test_record.c - an installed instance's record is a closed tree: its
 * target takes recipes from it alone; record.ini is read strictly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "instance_record.h"
#include "model.h"
#include "util.h"

static const char target_ini[] = "[target]\ndescription = t\narch = arm64\nlibc = glibc\n"
				 "libc_version = 2.36\nkernel = 6.1\ncxx_stdlib = none\n"
				 "[recipes]\ngo = g\ntoolchain = tc\nsysroot = s\nkernel_headers = k\n";

static void put(const char *dir, const char *rel, const char *text)
{
	char *p = path_join(dir, rel), *d = p ? path_dirname(p) : NULL;
	assert_non_null(d);
	assert_int_equal(mkdir_p(d, 0755), 0);
	assert_int_equal(write_file_atomic(p, text, strlen(text), 0644), 0);
	free(p);
	free(d);
}

static const char *const recipes[] = {"recipes/go/g.ini", "recipes/toolchain/tc.ini",
				      "recipes/sysroot/s.ini", "recipes/kernel/k.ini"};

static void test_record_tree_is_closed(void **state)
{
	(void)state;
	char tmp[] = "/tmp/gotc-test-record.XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char *search = path_join(tmp, "search"), *rec = path_join(tmp, "inst/record");
	put(search, "targets/x.ini", target_ini);
	for (size_t i = 0; i < 4; i++)
		put(search, recipes[i], "[recipe]\nversion = 1\n");
	put(rec, "targets/x.ini", target_ini);
	put(rec, "recipes/go/g.ini", "[recipe]\nversion = 1\n");
	gotc_t h;
	memset(&h, 0, sizeof(h));
	char *sv[] = {search, NULL};
	h.search = sv;
	h.home = tmp;
	char *t_in_rec = path_join(rec, "targets/x.ini");
	/* without record.ini it is an ordinary directory: the search path fills in */
	char *tree = target_record_tree(t_in_rec);
	assert_null(tree);
	struct target *t = NULL;
	char *rp[TR__COUNT];
	assert_int_equal(target_locate(&h, t_in_rec, NULL, NULL, &t, rp), 0);
	assert_true(str_starts(rp[TR_TOOLCHAIN], search));
	for (int i = 0; i < TR__COUNT; i++)
		free(rp[i]);
	target_free(t);
	/* with record.ini it is closed: a recipe it lacks is an error, never the search path's */
	put(rec, "record.ini", "[record]\ninstance = x\ntarget = x\nfile = /f/x.ini\nprefix_id = "
			       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
	tree = target_record_tree(t_in_rec);
	assert_non_null(tree);
	assert_string_equal(tree, rec);
	free(tree);
	assert_int_equal(target_locate(&h, t_in_rec, NULL, NULL, &t, rp), GOTC_ERECIPE);
	assert_non_null(strstr(h.errbuf, "no toolchain recipe 'tc' in the installed record"));
	assert_null(t);
	for (size_t i = 1; i < 4; i++)
		put(rec, recipes[i], "[recipe]\nversion = 1\n");
	assert_int_equal(target_locate(&h, t_in_rec, NULL, NULL, &t, rp), 0);
	for (int i = 0; i < TR__COUNT; i++) {
		assert_true(str_starts(rp[i], rec));
		free(rp[i]);
	}
	target_free(t);
	/* record.ini itself */
	struct instance_record r;
	assert_int_equal(instance_record_load(&h, rec, &r), 0);
	assert_string_equal(r.instance, "x");
	assert_string_equal(r.dir, rec);
	assert_null(r.repo);
	instance_record_clear(&r);
	put(rec, "record.ini", "[record]\ninstance = x\ntarget = x\nfile = /f\ncommit = nothex\nprefix_id = "
			       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
	assert_int_equal(instance_record_load(&h, rec, &r), GOTC_ESTORE);
	put(rec, "record.ini", "[record]\ninstance = x\nfile = /f\nprefix_id = 01\n");
	assert_int_equal(instance_record_load(&h, rec, &r), GOTC_ESTORE);
	assert_non_null(strstr(h.errbuf, "record.ini:"));
	/* empty, or no [record] section: damaged, not a NULL target (fuzz_ini) */
	put(rec, "record.ini", "");
	assert_int_equal(instance_record_load(&h, rec, &r), GOTC_ESTORE);
	put(rec, "record.ini", "[other]\n");
	assert_int_equal(instance_record_load(&h, rec, &r), GOTC_ESTORE);
	char *gone = path_join(tmp, "nowhere");
	assert_int_equal(instance_record_load(&h, gone, &r), GOTC_ENOTFOUND);
	free(gone);
	free(t_in_rec);
	rm_rf(tmp);
	free(search);
	free(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_tree_is_closed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
