/* test_repo.c - repository names, repository trees on the search path, REPO/TARGET. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model.h"
#include "repo.h"
#include "util.h"

static void test_names(void **state)
{
	(void)state;
	static const char *const good[] = {"a", "fleet", "Fleet-2.x_y", "0day", NULL};
	static const char *const bad[] = {"", ".hidden", "-x", "a/b", "..", "a b", "a\n", "é", NULL};
	for (size_t i = 0; good[i]; i++)
		assert_true(repo_name_valid(good[i]));
	for (size_t i = 0; bad[i]; i++)
		assert_false(repo_name_valid(bad[i]));
	char n65[66];
	memset(n65, 'a', 65);
	n65[65] = '\0';
	assert_false(repo_name_valid(n65));
	n65[64] = '\0';
	assert_true(repo_name_valid(n65));
}

static void test_repo_of_dir(void **state)
{
	(void)state;
	gotc_t h;
	char buf[80];
	memset(&h, 0, sizeof(h));
	h.home = (char *)"/h/gotc";
	assert_true(repo_of_dir(&h, "/h/gotc/repos/fleet/trees/abc", buf, sizeof(buf)));
	assert_string_equal(buf, "fleet");
	assert_false(repo_of_dir(&h, "/h/gotc-other/repos/fleet/trees/abc", buf, sizeof(buf)));
	assert_false(repo_of_dir(&h, "/h/gotc/store/x", buf, sizeof(buf)));
	assert_false(repo_of_dir(&h, "/elsewhere/targets", buf, sizeof(buf)));
	assert_false(repo_of_dir(&h, "/h/gotc/repos/waytoolongname/x", buf, 4));
}

static void touch(const char *path)
{
	char *dir = path_dirname(path);
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic(path, "", 0, 0644), 0);
	free(dir);
}

/* REPO/TARGET finds that repository's file only; a plain name the first match. */
static void test_find_target(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/gotc-test-repo.XXXXXX";
	char *root = mkdtemp(tmpl);
	assert_non_null(root);
	gotc_t h;
	memset(&h, 0, sizeof(h));
	h.home = root;
	char *path_dir = str_printf("%s/path", root);
	char *r1 = str_printf("%s/repos/r1/trees/c1", root);
	char *r2 = str_printf("%s/repos/r2/trees/c2", root);
	char *f;
	h.search = calloc(1, sizeof(char *));
	assert_int_equal(strv_push(&h.search, path_dir), 0);
	assert_int_equal(strv_push(&h.search, r1), 0);
	assert_int_equal(strv_push(&h.search, r2), 0);
	f = str_printf("%s/targets/shared.ini", path_dir), touch(f), free(f);
	f = str_printf("%s/targets/shared.ini", r1), touch(f), free(f);
	f = str_printf("%s/targets/only2.ini", r2), touch(f), free(f);
	f = str_printf("%s/recipes/go/g.ini", r2), touch(f), free(f);

	char *p = find_target_file(&h, "shared");
	assert_non_null(p);
	assert_true(str_starts(p, path_dir));
	free(p);
	p = find_target_file(&h, "r1/shared");
	assert_non_null(p);
	assert_true(str_starts(p, r1));
	free(p);
	assert_null(find_target_file(&h, "r2/shared"));
	assert_null(find_target_file(&h, "r3/shared"));
	assert_null(find_target_file(&h, "r1/../r2/only2"));
	assert_null(find_target_file(&h, "/only2"));
	p = find_target_file(&h, "only2");
	assert_non_null(p);
	free(p);
	/* recipes of repositories serve their own targets only */
	assert_null(find_recipe_file(&h, RK_GO, "g"));

	strv_free(h.search);
	free(path_dir);
	free(r1);
	free(r2);
	assert_int_equal(rm_rf(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_repo_of_dir),
		cmocka_unit_test(test_find_target),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
