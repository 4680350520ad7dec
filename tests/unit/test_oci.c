/* test_oci.c - the JSON side of OCI store entries (oci_json.c): image
 * manifests written and read back, manifests refused, docker config.json
 * auths, token answers, token scopes.  The registry side runs against a real registry in
 * tests/e2e/oci.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oci.h"
#include "util.h"

#define HEX64 "abe1c7f00e4d5c9e83ffa962258893dbaec2ea8d9725c2fb3a402bf811d2715e"
#define KEY64 "fa5b1bf15dcb57fb78bf506188c93a36e099d53e84a078c0627915c2c857331e"

static void test_roundtrip(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct oci_entry_manifest m = {.layer_digest = "sha256:" HEX64, .layer_size = 201985,
				       .name = "go-1.19.8-fa5b1bf15dcb", .key = KEY64,
				       .manifest_sha256 = HEX64, .info_sha256 = KEY64};
	char *json = oci_manifest_json(&m);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"mediaType\":\"" OCI_MANIFEST_TYPE "\""));
	assert_non_null(strstr(json, "\"digest\":\"" OCI_EMPTY_DIGEST "\""));
	struct oci_entry_manifest r;
	assert_int_equal(oci_manifest_parse(&h, "t", json, strlen(json), &r), 0);
	assert_string_equal(r.layer_digest, m.layer_digest);
	assert_int_equal(r.layer_size, 201985);
	assert_string_equal(r.name, m.name);
	assert_string_equal(r.key, KEY64);
	assert_string_equal(r.manifest_sha256, HEX64);
	assert_string_equal(r.info_sha256, KEY64);
	oci_entry_manifest_free(&r);
	free(json);
}

static void refused(const char *json, const char *why)
{
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct oci_entry_manifest r;
	assert_int_equal(oci_manifest_parse(&h, "reg:tag", json, strlen(json), &r), GOTC_EVERIFY);
	assert_non_null(strstr(h.errbuf, "reg:tag: "));
	if (!strstr(h.errbuf, why))
		fail_msg("%s: wanted '%s'", h.errbuf, why);
}

static void test_refused(void **state)
{
	(void)state;
	refused("{", "not a JSON document");
	refused("[]", "not a JSON object");
	refused("{\"schemaVersion\":1}", "schemaVersion is not 2");
	refused("{\"schemaVersion\":2,\"artifactType\":\"application/x\"}", "not a gotc store entry");
	refused("{\"schemaVersion\":2,\"artifactType\":\"" OCI_ARTIFACT_TYPE "\",\"layers\":[]}",
		"not exactly one layer");
	refused("{\"schemaVersion\":2,\"artifactType\":\"" OCI_ARTIFACT_TYPE "\",\"layers\":[{\"mediaType\":\"" OCI_LAYER_TYPE
		"\",\"digest\":\"sha256:12\",\"size\":3}]}",
		"layer digest");
	refused("{\"schemaVersion\":2,\"artifactType\":\"" OCI_ARTIFACT_TYPE "\",\"layers\":[{\"mediaType\":\"" OCI_LAYER_TYPE
		"\",\"digest\":\"sha256:" HEX64 "\",\"size\":3}]}",
		"annotations");
	refused("{\"schemaVersion\":2,\"schemaVersion\":2}", "not a JSON document"); /* duplicate keys */
}

static void test_docker_auth(void **state)
{
	(void)state;
	const char *cfg = "{\"auths\":{\"https://127.0.0.1:50000/v2/\":{\"auth\":\"eDp5\"},"
			  "\"127.0.0.1:5000\":{\"auth\":\"Z290YzpzM2NyZXQ=\"},\"bad\":{\"auth\":\"!!\"}}}";
	char *a = oci_docker_auth(cfg, strlen(cfg), "127.0.0.1:5000");
	assert_non_null(a);
	assert_string_equal(a, "gotc:s3cret");
	free(a);
	a = oci_docker_auth(cfg, strlen(cfg), "127.0.0.1:50000");
	assert_non_null(a);
	assert_string_equal(a, "x:y");
	free(a);
	assert_null(oci_docker_auth(cfg, strlen(cfg), "127.0.0.1"));
	assert_null(oci_docker_auth(cfg, strlen(cfg), "bad"));
	assert_null(oci_docker_auth("{", 1, "bad"));
}

static void test_token(void **state)
{
	(void)state;
	char *t = oci_token_parse("{\"token\":\"abc\"}", 15);
	assert_string_equal(t, "abc");
	free(t);
	const char *a = "{\"access_token\":\"def\",\"expires_in\":300}";
	t = oci_token_parse(a, strlen(a));
	assert_string_equal(t, "def");
	free(t);
	assert_null(oci_token_parse("{\"token\":\"\"}", 12));
	assert_null(oci_token_parse("nope", 4));
}

/* Token scopes: one per resource, the union of the actions asked for. */
static void test_scopes(void **state)
{
	(void)state;
	char **v = NULL;
	assert_int_equal(oci_scope_merge(&v, "repository:gotc:pull"), 0);
	assert_int_equal(oci_scope_merge(&v, NULL), 0);
	assert_int_equal(oci_scope_merge(&v, "repository:gotc:pull,push"), 0);
	assert_int_equal(oci_scope_merge(&v, "repository:gotc-mirror:pull,push repository:gotc:pull"), 0);
	assert_int_equal(oci_scope_merge(&v, "repository:127.0.0.1:5000/x:push  repository:gotc:delete"), 0);
	assert_int_equal(oci_scope_merge(&v, "repository:127.0.0.1:5000/x:pull registry:catalog:*"), 0);
	assert_int_equal(oci_scope_merge(&v, "odd odd repository:gotc: repository:gotc repository:gotc"), 0);
	assert_non_null(v);
	assert_string_equal(v[0], "repository:gotc:pull,push,delete");
	assert_string_equal(v[1], "repository:gotc-mirror:pull,push");
	assert_string_equal(v[2], "repository:127.0.0.1:5000/x:push,pull");
	assert_string_equal(v[3], "registry:catalog:*");
	assert_string_equal(v[4], "odd");
	assert_string_equal(v[5], "repository:gotc");
	assert_null(v[6]);
	strv_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_docker_auth),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_scopes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
