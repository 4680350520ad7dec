/* sbom.h - a software bill of materials of an installed instance (sbom.c):
 * the instance, then every artifact its store entries were built from (Go,
 * toolchain, sysroot, kernel headers, the packages [packages] added), each
 * with its version, where it was downloaded (without the credentials of its URL), its
 * digest, and for a distribution package its name and version (a purl).
 * Taken from the instance's record alone, so it works with no search path. */
#ifndef GOTC_SBOM_H
#define GOTC_SBOM_H

#include "util.h"

enum sbom_format { SBOM_SPDX, SBOM_CYCLONEDX };
/* Their names, by enum sbom_format, NULL-terminated. */
extern const char *const sbom_formats[];

/* Render instance's SBOM as SPDX 2.3 JSON or CycloneDX 1.5 JSON into out.
 * now: the creation time written (seconds since the epoch).  Errors:
 * GOTC_ENOTINST (not installed), GOTC_ENOTFOUND (no record), others from
 * planning the record. */
int sbom_render(gotc_t *h, const char *instance, enum sbom_format f, long long now, struct buf *out);

#endif
