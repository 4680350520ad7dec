/* test_instance.c - instance names: TARGET[@goVERSION]. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

static void test_instance_parse(void **state)
{
	(void)state;
	gotc_t h;
	struct instance in;
	memset(&h, 0, sizeof(h));
	assert_int_equal(instance_parse(&h, "debian12-arm64", &in), 0);
	assert_string_equal(in.target, "debian12-arm64");
	assert_null(in.go);
	instance_free(&in);
	assert_int_equal(instance_parse(&h, "debian12-arm64@go1.24", &in), 0);
	assert_string_equal(in.target, "debian12-arm64");
	assert_string_equal(in.go, "1.24");
	char *n = instance_name(&in, "debian12-arm64");
	assert_string_equal(n, "debian12-arm64@go1.24");
	free(n);
	instance_free(&in);
	assert_int_equal(instance_parse(&h, "fleet/edge@go1.24.4", &in), 0);
	assert_string_equal(in.target, "fleet/edge");
	assert_string_equal(in.go, "1.24.4");
	instance_free(&in);
	/* packages: sorted, each once, after the Go */
	assert_int_equal(instance_parse(&h, "t@go1.24@with-zlib1g-dev_libssl-dev_zlib1g-dev", &in), 0);
	assert_string_equal(in.with, "libssl-dev_zlib1g-dev");
	n = instance_name(&in, "t");
	assert_string_equal(n, "t@go1.24@with-libssl-dev_zlib1g-dev");
	free(n);
	instance_free(&in);
	assert_int_equal(instance_parse(&h, "t@with-libstdc++-12-dev", &in), 0);
	assert_string_equal(in.with, "libstdc++-12-dev");
	assert_null(in.go);
	instance_free(&in);
	/* '@' in a directory of a path is not a component */
	assert_int_equal(instance_parse(&h, "/tmp/a@b/t.ini@go1.22", &in), 0);
	assert_string_equal(in.target, "/tmp/a@b/t.ini");
	assert_string_equal(in.go, "1.22");
	instance_free(&in);
	static const char *const bad[] = {"@go1.24", "t@", "t@go", "t@go1", "t@go1.2.3.4", "t@go1.24x",
					  "t@go1.24@go1.24", "t@wit-abc", "t@with-", "t@with-Abc", "t@with-ab__cd", "t@with-ab,cd", "t@with-_ab", "t@go-1.24", "t@go1..2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(instance_parse(&h, bad[i], &in), GOTC_EUSAGE);
		assert_null(in.target);
		assert_null(in.go);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instance_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
