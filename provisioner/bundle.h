/* bundle.h - one file that installs targets with no network.
 *
 * A bundle is a pax tar compressed with zstd, then one zstd skippable frame
 * (ignored by zstd and tar) holding the sha256 of every byte before it:
 *
 *   gotc-bundle.ini            first member: what is inside (format below)
 *   files/targets/NAME.ini     the target files used
 *   files/recipes/KIND/N.ini   the recipe files used
 *   files/packages/INST.ini    an instance's resolved packages (its record's
 *                              packages.ini, plan.h pkg_pins), when it has some
 *   store/NAME/info            store entries, exactly as committed
 *   store/NAME/manifest
 *   store/NAME/root/...
 *   <skippable frame>          magic 0x184D2A5B, "gotc-bundle-v1 sha256=HEX"
 *
 * gotc-bundle.ini (strict INI):
 *   [bundle]  version = 1, gotc, host = ARCH, targets = NAME..., mirrors = NAME...
 *   [entry NAME]  manifest = SHA256, info = SHA256, bytes = N
 *   [file targets/NAME.ini]  sha256 = SHA256 (also packages/INST.ini, recipes/...)
 *
 * Target prefixes are not carried: they hold absolute paths of the GOTC_HOME
 * that made them, so the installing side rebuilds them from the bundled
 * target and recipe files (assemble_prefix).
 */
#ifndef GOTC_BUNDLE_H
#define GOTC_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>

#include "gotc.h"

/* Write a bundle of installed targets to path (atomically). */
int bundle_write(gotc_t *h, char *const *targets, size_t n, const char *path);
/* Install the bundle's targets (all when n == 0) with no network: check the
 * whole file's digest, verify every entry against its manifest in staging,
 * commit the entries, rebuild the prefixes here. */
int bundle_install(gotc_t *h, const char *path, char *const *targets, size_t n);

/* Read and validate a gotc-bundle.ini alone, as bundle_install does before
 * trusting anything in it (also the fuzz target's entry point). */
int bundle_ini_check(gotc_t *h, const char *path);

/* Shared with OCI store entries (oci_store.c): add store entry name as
 * PREFIXNAME/{info,manifest,root/...}; check a carried entry at dir
 * (.../NAME, in staging under the lock) against its manifest and info
 * digests, every file against its manifest and its key against e, then
 * commit it as e. */
struct entry;
struct bundle_writer;
int bundle_add_entry(gotc_t *h, struct bundle_writer *w, const char *name, const char *prefix);
int bundle_adopt_entry(gotc_t *h, const char *label, const char *dir, const struct entry *e,
		       const char *manifest_sha, const char *info_sha);

/* The archive writer (bundle_archive.c, the only other libarchive user). */
struct bundle_writer;
/* Write to fd if >= 0 (left open), else create path; path names it in messages. */
int bundle_writer_open(gotc_t *h, const char *path, int fd, struct bundle_writer **out);
/* Add the file, directory or symlink at disk as member name. */
int bundle_writer_add(struct bundle_writer *w, const char *disk, const char *name);
int bundle_writer_add_data(struct bundle_writer *w, const char *name, const void *data, size_t len);
/* Finish (ok) or abandon the archive; frees w. */
int bundle_writer_close(struct bundle_writer *w, bool ok);

#endif
