/* oci_json.c - OCI image manifests, docker config.json and token answers
 * through jansson (the only file that includes it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "oci.h"
#include "util.h"

#define ANN_TITLE "org.opencontainers.image.title"
#define ANN_KEY "dev.gotc.entry.key"
#define ANN_MANIFEST "dev.gotc.entry.manifest"
#define ANN_INFO "dev.gotc.entry.info"

void oci_entry_manifest_free(struct oci_entry_manifest *m)
{
	free(m->layer_digest);
	free(m->name);
	free(m->key);
	free(m->manifest_sha256);
	free(m->info_sha256);
	memset(m, 0, sizeof(*m));
}

static const char *str_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool digest_ok(const char *d)
{
	return d && str_starts(d, "sha256:") && strlen(d) == 71 && is_hex(d + 7, 64);
}

int oci_manifest_parse(gotc_t *h, const char *label, const char *json, size_t len,
		       struct oci_entry_manifest *m)
{
	json_error_t err;
	const char *why = NULL;
	memset(m, 0, sizeof(*m));
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return gotc_fail(h, GOTC_EVERIFY, "%s: not a JSON document (line %d: %s)", label, err.line,
				 err.text);
	json_t *layers = json_object_get(root, "layers"), *ann = json_object_get(root, "annotations");
	json_t *sv = json_object_get(root, "schemaVersion"), *layer = json_array_get(layers, 0);
	const char *mt = str_of(root, "mediaType"), *at = str_of(root, "artifactType");
	if (!json_is_object(root))
		why = "not a JSON object";
	else if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		why = "schemaVersion is not 2";
	else if (mt && strcmp(mt, OCI_MANIFEST_TYPE) != 0)
		why = "not an OCI image manifest";
	else if (!at || strcmp(at, OCI_ARTIFACT_TYPE) != 0)
		why = "not a gotc store entry (artifactType)";
	else if (!json_is_array(layers) || json_array_size(layers) != 1 || !json_is_object(layer))
		why = "not exactly one layer";
	else if (!str_of(layer, "mediaType") || strcmp(str_of(layer, "mediaType"), OCI_LAYER_TYPE) != 0)
		why = "the layer is not " OCI_LAYER_TYPE;
	else if (!digest_ok(str_of(layer, "digest")))
		why = "the layer digest is not sha256:HEX";
	else if (!json_is_integer(json_object_get(layer, "size")) ||
		 json_integer_value(json_object_get(layer, "size")) < 0)
		why = "the layer size is missing";
	else if (!json_is_object(ann) || !str_of(ann, ANN_TITLE) || !str_of(ann, ANN_KEY) ||
		 !str_of(ann, ANN_MANIFEST) || !str_of(ann, ANN_INFO))
		why = "annotations " ANN_TITLE ", " ANN_KEY ", " ANN_MANIFEST ", " ANN_INFO " missing";
	else if (strlen(str_of(ann, ANN_MANIFEST)) != 64 || !is_hex(str_of(ann, ANN_MANIFEST), 64) ||
		 strlen(str_of(ann, ANN_INFO)) != 64 || !is_hex(str_of(ann, ANN_INFO), 64))
		why = "the entry digests are not sha256 hex";
	int rc = 0;
	if (why) {
		rc = gotc_fail(h, GOTC_EVERIFY, "%s: %s", label, why);
	} else {
		m->layer_digest = strdup(str_of(layer, "digest"));
		m->layer_size = (uint64_t)json_integer_value(json_object_get(layer, "size"));
		m->name = strdup(str_of(ann, ANN_TITLE));
		m->key = strdup(str_of(ann, ANN_KEY));
		m->manifest_sha256 = strdup(str_of(ann, ANN_MANIFEST));
		m->info_sha256 = strdup(str_of(ann, ANN_INFO));
		if (!m->layer_digest || !m->name || !m->key || !m->manifest_sha256 || !m->info_sha256) {
			oci_entry_manifest_free(m);
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		}
	}
	json_decref(root);
	return rc;
}

char *oci_manifest_json(const struct oci_entry_manifest *m)
{
	json_t *root = json_pack(
		"{s:i, s:s, s:s, s:{s:s, s:s, s:i}, s:[{s:s, s:s, s:I}], s:{s:s, s:s, s:s, s:s}}",
		"schemaVersion", 2, "mediaType", OCI_MANIFEST_TYPE, "artifactType", OCI_ARTIFACT_TYPE,
		"config", "mediaType", OCI_EMPTY_TYPE, "digest", OCI_EMPTY_DIGEST, "size", 2,
		"layers", "mediaType", OCI_LAYER_TYPE, "digest", m->layer_digest, "size",
		(json_int_t)m->layer_size,
		"annotations", ANN_TITLE, m->name, ANN_KEY, m->key, ANN_MANIFEST, m->manifest_sha256,
		ANN_INFO, m->info_sha256);
	char *s = root ? json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(root);
	return s;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static char *b64decode(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out;
	unsigned acc = 0;
	int bits = 0;
	if (!out)
		return NULL;
	for (; *s && *s != '='; s++) {
		int v = b64val((unsigned char)*s);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (char)((acc >> bits) & 0xff);
		}
	}
	*o = '\0';
	if (memchr(out, '\0', (size_t)(o - out)) || !strchr(out, ':')) {
		free(out);
		return NULL;
	}
	return out;
}

char *oci_docker_auth(const char *json, size_t len, const char *host)
{
	json_t *root = json_loadb(json, len, 0, NULL);
	json_t *auths = json_object_get(root, "auths");
	char *out = NULL;
	const char *k;
	json_t *v;
	if (json_is_object(auths))
		json_object_foreach(auths, k, v) {
			/* "host", "https://host" or "https://host/v2/" */
			const char *p = str_starts(k, "https://") ? k + 8 : str_starts(k, "http://") ? k + 7 : k;
			size_t hl = strlen(host);
			if (strncmp(p, host, hl) != 0 || (p[hl] && p[hl] != '/'))
				continue;
			const char *a = str_of(v, "auth");
			if (a && (out = b64decode(a)))
				break;
		}
	json_decref(root);
	return out;
}

char *oci_token_parse(const char *json, size_t len)
{
	json_t *root = json_loadb(json, len, 0, NULL);
	const char *t = str_of(root, "token");
	if (!t || !*t)
		t = str_of(root, "access_token");
	char *out = t && *t ? strdup(t) : NULL;
	json_decref(root);
	return out;
}
