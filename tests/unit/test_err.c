/* test_err.c - the core's error convention (util_err.h): a failure sets the
 * code and the message together, a wrapped detail is kept verbatim, and no
 * bare negative number is returned in provisioner/ outside the list below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotc.h"
#include "util.h"

static int fails_with_ret(gotc_t *h, const char *what)
{
	if (what)
		RET_ERR(h, GOTC_ESTORE, "%s: no manifest", what);
	return 0;
}

static int fails_with_goto(gotc_t *h, int *cleaned)
{
	int rc = 0;
	char *p = strdup("x");
	if (p)
		GOTO_ERR(h, rc, -EACCES, out, "cannot open %s: %s", p, strerror(EACCES));
	rc = 1; /* never reached */
out:
	free(p);
	*cleaned = 1;
	return rc;
}

static int wraps(gotc_t *h)
{
	int rc = fails_with_ret(h, "entry%s%n%%d");
	if (rc)
		RET_WRAP(h, GOTC_ERECIPE, "installing %s", "T");
	return 0;
}

static void test_code_and_message_together(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	assert_int_equal(fails_with_ret(&h, NULL), 0);
	assert_int_equal(h.err, 0);
	assert_int_equal(fails_with_ret(&h, "store/e1"), GOTC_ESTORE);
	assert_int_equal(h.err, GOTC_ESTORE);
	assert_string_equal(h.errbuf, "store/e1: no manifest");

	int cleaned = 0;
	memset(&h, 0, sizeof(h));
	assert_int_equal(fails_with_goto(&h, &cleaned), -EACCES);
	assert_int_equal(cleaned, 1);
	assert_int_equal(h.err, -EACCES);
	assert_string_equal(h.errbuf, "cannot open x: Permission denied");

	/* a wrapped detail holding conversions comes out verbatim */
	memset(&h, 0, sizeof(h));
	assert_int_equal(wraps(&h), GOTC_ERECIPE);
	assert_int_equal(h.err, GOTC_ERECIPE);
	assert_string_equal(h.errbuf, "installing T: entry%s%n%%d: no manifest");

	/* a real failing path of the core: the code returned is the handle's */
	memset(&h, 0, sizeof(h));
	int rc = tree_walk(&h, "/nonexistent/gotc-test", 4, NULL, NULL);
	assert_true(rc < 0);
	assert_int_equal(h.err, rc);
	assert_non_null(strstr(h.errbuf, "/nonexistent/gotc-test"));
}

/* The negative literals an interface fixes, one "FILE: line" each. */
static const char *const allowed[] = {
	/* libc_parse: -1 is "no such libc", beside the enum's values */
	"arch_table.c: return -1;",
	/* order() and the Debian version comparison: <0, 0, >0 */
	"deb_index.c: return -1;",
	/* a base64 digit's value, -1 for a non-digit */
	"oci_json.c: return c == '+' ? 62 : c == '/' ? 63 : -1;",
	/* libarchive read callbacks: -1 is libarchive's error return */
	"unpack_archive.c: return -1;",
	NULL,
};

/* a `return` or an rc assignment of a negative literal */
static const char BARE[] = "return[^;]*[^A-Za-z0-9_)]-[0-9]+[[:space:]]*;|"
			   "(^|[^A-Za-z0-9_.>])(rc|ret|err|res)[[:space:]]*=[[:space:]]*-[0-9]+[[:space:]]*;";

static bool is_allowed(const char *file, const char *line)
{
	char key[512];
	snprintf(key, sizeof(key), "%s: %s", file, line);
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(allowed[i], key) == 0)
			return true;
	return false;
}

/* Every core source (the .c files of provisioner/, not the CLI): a bare code, with no
 * message, unless allowed above. */
static void test_no_bare_negative(void **state)
{
	(void)state;
	const char *src = getenv("GOTC_SRC");
	char *dir = str_printf("%s/provisioner", src && *src ? src : ".");
	regex_t re;
	assert_int_equal(regcomp(&re, BARE, REG_EXTENDED | REG_NOSUB), 0);
	char **files = dir_list(dir, ".c");
	assert_non_null(files);
	size_t scanned = 0, bad = 0;
	for (size_t i = 0; files[i]; i++) {
		char *path = path_join(dir, files[i]), *data = NULL;
		assert_int_equal(read_file(path, &data, NULL), 0);
		scanned++;
		int lineno = 0;
		for (char *l = data, *nl; l && *l; l = nl ? nl + 1 : NULL) {
			nl = strchr(l, '\n');
			if (nl)
				*nl = '\0';
			lineno++;
			while (*l == ' ' || *l == '\t')
				l++;
			if (regexec(&re, l, 0, NULL, 0) == 0 && !is_allowed(files[i], l)) {
				print_error("%s:%d: bare negative code (use -errno or GOTC_E* with RET_ERR/GOTO_ERR, "
					    "or list it in test_err.c): %s\n",
					    path, lineno, l);
				bad++;
			}
		}
		free(data);
		free(path);
	}
	regfree(&re);
	strv_free(files);
	free(dir);
	assert_true(scanned > 40); /* the tree was found */
	assert_int_equal(bad, 0);
}

/* The scanner itself: it finds what it is for, and lets -errno pass. */
static void test_scanner_catches(void **state)
{
	(void)state;
	regex_t re;
	assert_int_equal(regcomp(&re, BARE, REG_EXTENDED | REG_NOSUB), 0);
	static const char *const hits[] = {"return -1;", "return -12;", "return found ? 0 : -2;",
					   "rc = -1;", "int rc = -1;", NULL};
	static const char *const misses[] = {"return -ENOMEM;", "return rc;", "return n - 1;",
					     "rc = -errno;", "fd = -1;", "return gotc_fail(h, -EIO, \"x\");",
					     NULL};
	for (size_t i = 0; hits[i]; i++)
		if (regexec(&re, hits[i], 0, NULL, 0) != 0)
			fail_msg("the scanner misses %s", hits[i]);
	for (size_t i = 0; misses[i]; i++)
		if (regexec(&re, misses[i], 0, NULL, 0) == 0)
			fail_msg("the scanner flags %s", misses[i]);
	regfree(&re);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_and_message_together),
		cmocka_unit_test(test_scanner_catches),
		cmocka_unit_test(test_no_bare_negative),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
