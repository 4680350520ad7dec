/* fuzz_oci.c - libFuzzer target for what an OCI registry or a docker
 * config.json hands gotc: image manifests, token answers, config.json auths,
 * the scopes of bearer challenges.  The first byte picks the parser; the rest
 * is the document. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *doc = (const char *)data + 1;
	size_t len = size - 1;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	switch (data[0] % 4) {
	case 0: {
		struct oci_entry_manifest m;
		if (oci_manifest_parse(&h, "fuzz", doc, len, &m) == 0) {
			/* what parses must write back and parse again to the same */
			char *again = oci_manifest_json(&m);
			struct oci_entry_manifest m2;
			if (again && oci_manifest_parse(&h, "again", again, strlen(again), &m2) == 0) {
				if (strcmp(m.layer_digest, m2.layer_digest) || m.layer_size != m2.layer_size ||
				    strcmp(m.key, m2.key) || strcmp(m.name, m2.name))
					abort();
				oci_entry_manifest_free(&m2);
			}
			free(again);
			oci_entry_manifest_free(&m);
		}
		break;
	}
	case 1:
		free(oci_token_parse(doc, len));
		break;
	case 2:
		free(oci_docker_auth(doc, len, "127.0.0.1:5000"));
		break;
	default: {
		/* two challenges' scope parameters, split at the first newline:
		 * merged, each TYPE:NAME must stay once */
		char *text = strndup(doc, len), **v = NULL;
		if (!text)
			break;
		char *nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if (oci_scope_merge(&v, text) == 0 && (!nl || oci_scope_merge(&v, nl + 1) == 0))
			for (size_t i = 0; v && v[i]; i++)
				for (size_t j = i + 1; v[j]; j++)
					if (strcmp(v[i], v[j]) == 0)
						abort();
		strv_free(v);
		free(text);
		break;
	}
	}
	return 0;
}
