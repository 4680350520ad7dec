/* test_gomod.c - the go.mod reader: go and toolchain lines, strictness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gomod.h"

static int parse(gotc_t *h, const char *text, struct gomod *m)
{
	memset(h, 0, sizeof(*h));
	return gomod_parse(h, "go.mod", text, strlen(text), m);
}

static void test_gomod_ok(void **state)
{
	(void)state;
	gotc_t h;
	struct gomod m;
	assert_int_equal(parse(&h, "module m\n\ngo 1.22\n", &m), 0);
	assert_string_equal(m.go, "1.22");
	assert_int_equal(m.go_line, 3);
	assert_string_equal(m.toolchain, "");
	assert_int_equal(parse(&h, "module m // c\r\ngo 1.23.0 // x\r\ntoolchain go1.23.4\n", &m), 0);
	assert_string_equal(m.go, "1.23.0");
	assert_string_equal(m.toolchain, "go1.23.4");
	assert_int_equal(m.toolchain_line, 3);
	assert_int_equal(parse(&h, "module m\ngo 1.21rc1\ntoolchain default\n", &m), 0);
	assert_string_equal(m.go, "1.21rc1");
	/* lines inside blocks are not directives; blocks may open on the verb */
	assert_int_equal(parse(&h, "module m\nrequire (\n\tgo v1\n\ttoolchain v2\n)\nexclude(x v1)\n"
				   "replace \"a\" => `b`\ngo 1.20\n",
			     &m),
			 0);
	assert_string_equal(m.go, "1.20");
	assert_int_equal(m.go_line, 8);
	assert_int_equal(parse(&h, "", &m), 0);
	assert_string_equal(m.go, "");
}

static void test_gomod_bad(void **state)
{
	(void)state;
	static const struct {
		const char *text, *err;
	} bad[] = {
		{"go 1.x\n", "go.mod:1: invalid go version '1.x' (expected 1.N, 1.N.N or 1.NrcN)"},
		{"go 1\n", "go.mod:1: invalid go version '1' (expected 1.N, 1.N.N or 1.NrcN)"},
		{"go 01.2\n", "go.mod:1: invalid go version '01.2' (expected 1.N, 1.N.N or 1.NrcN)"},
		{"go 1.2.3.4\n", "go.mod:1: invalid go version '1.2.3.4' (expected 1.N, 1.N.N or 1.NrcN)"},
		{"go 1.22 extra\n", "go.mod:1: expected 'go VERSION'"},
		{"go\n", "go.mod:1: expected 'go VERSION'"},
		{"m\ngo 1.1\ngo 1.2\n", "go.mod:3: repeated go line (first on line 2)"},
		{"toolchain 1.23\n", "go.mod:1: invalid toolchain '1.23' (expected goVERSION or default)"},
		{"toolchain go1.2\ntoolchain go1.3\n", "go.mod:2: repeated toolchain line (first on line 1)"},
		{"go (\n1.2\n)\n", "go.mod:1: 'go' does not take a ( block"},
		{"require (\nx v1\n", "go.mod:1: the block opened here is never closed"},
		{")\n", "go.mod:1: unexpected ')'"},
		{"require (\nreplace (\n)\n", "go.mod:2: a block inside the block of line 1"},
		{"module \"m\n", "go.mod:1: unterminated string or too many words"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gotc_t h;
		struct gomod m;
		assert_int_equal(parse(&h, bad[i].text, &m), GOTC_ERECIPE);
		assert_string_equal(h.errbuf, bad[i].err);
	}
	gotc_t h;
	struct gomod m;
	memset(&h, 0, sizeof(h));
	assert_int_equal(gomod_parse(&h, "go.mod", "go 1.2\0", 7, &m), GOTC_ERECIPE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gomod_ok),
		cmocka_unit_test(test_gomod_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
