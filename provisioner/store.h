/* store.h - immutable, content-keyed store entries; target prefixes; the lock.
 *
 * GOTC_HOME/
 *   lock                      flock()ed by every writer
 *   store/NAME/root/...       one immutable entry (NAME = kind-version-hash)
 *   store/NAME/manifest       every file's type, mode, sha256, size, path
 *   store/NAME/info           what the entry is (recipe, key)
 *   store/.staging/...        work in progress; renamed into place
 *   prefixes/TARGET-ID/       a target prefix: bin/ wrappers, links, env files
 *   targets/TARGET -> ../prefixes/TARGET-ID   swapped atomically
 */
#ifndef GOTC_STORE_H
#define GOTC_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "gotc.h"

/* Take the store's exclusive lock (creating GOTC_HOME); emits LOCK_WAIT when
 * another process holds it.  Returns an fd >= 0 to pass to store_unlock. */
int store_lock(gotc_t *h);
void store_unlock(int fd);
/* Remove staging leftovers of crashed runs (call with the lock held). */
void store_clean_staging(gotc_t *h);

/* A fresh staging directory under store/.staging (malloc'd path). */
int store_stage(gotc_t *h, const char *name, char **out);
/* Write the manifest of stage/root, make the tree read-only and rename
 * stage to dest (a path under GOTC_HOME). */
int store_commit(gotc_t *h, const char *stage, const char *dest, const char *info);

/* Remove every write bit under root, as store_commit does (directories keep
 * u+rx), so a tree rebuilt from an archive matches the manifest it had. */
void store_make_readonly(const char *root);

/* Remove a store entry or prefix: renamed into staging, then deleted. */
int store_discard(gotc_t *h, const char *path);

/* Manifest of the tree at root into file path. */
int manifest_write(gotc_t *h, const char *root, const char *path, uint64_t *bytes);

struct verify_report {
	void (*problem)(void *ctx, const char *kind, const char *path, const char *detail);
	void *ctx;
	unsigned modified, missing, extra;
};
/* Compare root against its manifest; counts and reports every difference. */
int manifest_verify(gotc_t *h, const char *root, const char *manifest, struct verify_report *r);

/* The paths a manifest lists, unescaped, in its (sorted) order; caller
 * frees with strv_free.  0, or an error with the detail in the handle. */
int manifest_list(gotc_t *h, const char *manifest, char ***paths);

/* Paths (malloc'd). */
char *store_path(gotc_t *h, const char *sub);

#endif
