/* oci.h - store entries shared through an OCI registry.
 *
 * [cache] oci = https://HOST[:PORT]/REPO names one repository.  Each store
 * entry is one standard OCI artifact in it, tagged by the entry's key:
 *   an image manifest (application/vnd.oci.image.manifest.v1+json) with
 *   artifactType application/vnd.gotc.entry.v1, the empty config
 *   ({} as application/vnd.oci.empty.v1+json) and one layer
 *   (application/vnd.oci.image.layer.v1.tar+zstd) holding NAME/info,
 *   NAME/manifest and NAME/root/...; annotations:
 *     org.opencontainers.image.title   the entry name
 *     dev.gotc.entry.key               the entry key (also the tag)
 *     dev.gotc.entry.manifest          sha256 of NAME/manifest
 *     dev.gotc.entry.info              sha256 of NAME/info
 * A pulled layer is checked against its digest while it arrives, then its
 * entry against the manifest it carries (bundle_adopt_entry), before the
 * entry is committed.
 *
 * oci_registry.c speaks the distribution API over libcurl (the only file
 * besides fetch_curl.c that does); oci_json.c reads and writes the JSON
 * through jansson (the only file that includes it).
 */
#ifndef GOTC_OCI_H
#define GOTC_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotc.h"
#include "plan.h"

#define OCI_MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"
#define OCI_EMPTY_TYPE "application/vnd.oci.empty.v1+json"
#define OCI_LAYER_TYPE "application/vnd.oci.image.layer.v1.tar+zstd"
#define OCI_ARTIFACT_TYPE "application/vnd.gotc.entry.v1"
/* sha256 of the two bytes "{}" */
#define OCI_EMPTY_DIGEST "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

/* ---- oci_json.c ---- */

struct oci_entry_manifest {
	char *layer_digest; /* sha256:HEX */
	uint64_t layer_size;
	char *name, *key, *manifest_sha256, *info_sha256;
};
/* Parse an image manifest made by oci_manifest_json; 0, or GOTC_EVERIFY with
 * the reason in the handle (label names the source). */
int oci_manifest_parse(gotc_t *h, const char *label, const char *json, size_t len,
		       struct oci_entry_manifest *m);
void oci_entry_manifest_free(struct oci_entry_manifest *m);
/* The image manifest for m (malloc'd, NULL when out of memory). */
char *oci_manifest_json(const struct oci_entry_manifest *m);
/* "user:password" for host from a docker config.json text (its auths
 * entry's base64 auth), malloc'd; NULL when absent or unreadable. */
char *oci_docker_auth(const char *json, size_t len, const char *host);
/* The token of a bearer token endpoint's answer (token or access_token),
 * malloc'd; NULL when absent. */
char *oci_token_parse(const char *json, size_t len);

/* ---- oci_registry.c ---- */

/* Add the space-separated token scopes of param (TYPE:NAME:ACTIONS, from a
 * bearer challenge) to the vector *scopes, one entry per TYPE:NAME with the
 * union of its actions: 0 or -ENOMEM. */
int oci_scope_merge(char ***scopes, const char *param);

struct oci_reg;
/* Connect lazily to the repository at url (https://HOST[:PORT]/REPO);
 * credentials from GOTC_OCI_USERNAME/GOTC_OCI_PASSWORD, else the docker
 * config.json ($DOCKER_CONFIG/config.json or ~/.docker/config.json). */
int oci_open(gotc_t *h, const char *url, struct oci_reg **out);
void oci_close(struct oci_reg *r);
/* The manifest tagged tag: 0 and *json (malloc'd), 1 when the registry has
 * no such tag, or an error: GOTC_EFETCH (down, denied) with the detail in the
 * handle. */
int oci_get_manifest(struct oci_reg *r, const char *tag, char **json, size_t *len);
/* Download blob digest into path, checking the sha256 as it arrives and the
 * size: GOTC_ECHECKSUM (URL, expected and actual digest) on a mismatch,
 * nothing left at path. */
int oci_get_blob(struct oci_reg *r, const char *digest, uint64_t size, const char *path);
/* Upload the file at path (or len bytes at data) as blob digest unless the
 * repository has it: a mount from mount_from (another repository of the same
 * registry, may be NULL) when the registry offers it, else one PUT for blobs
 * up to [cache] oci_chunk_size and PATCH chunks of that size for bigger ones. */
int oci_put_blob(struct oci_reg *r, const char *digest, const char *path, const void *data,
		 uint64_t len, const char *mount_from);
int oci_put_manifest(struct oci_reg *r, const char *tag, const char *json);
const char *oci_url(const struct oci_reg *r);

/* ---- oci_store.c ---- */

/* Fetch the missing entries of plans the registry has, verify and commit
 * them (lock held).  A registry that is down or denies access costs one
 * warning and leaves the entries to the normal path; a blob or entry that
 * does not match its digests is an error. */
int oci_pull_entries(gotc_t *h, struct plan *plans, size_t n);
/* Upload the installed targets' store entries (all installed when n == 0). */
int oci_push_targets(gotc_t *h, char *const *targets, size_t n);

#endif
