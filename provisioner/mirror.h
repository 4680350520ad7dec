/* mirror.h - a directory any static HTTP server can serve as gotc's mirror.
 *
 * DIR/NAME/PATH      an artifact whose recipe URL is ${mirror:NAME}/PATH
 * DIR/_direct/HOST/PATH   one with a plain URL (gotc does not rewrite those:
 *                    such recipes should move to a ${mirror:NAME})
 * Nothing is unpacked: the files are the verified downloads themselves.
 */
#ifndef GOTC_MIRROR_H
#define GOTC_MIRROR_H

#include <stddef.h>

#include "gotc.h"

/* Fetch (into the download cache, verified) every artifact of the targets and
 * hardlink or copy each into dir.  *mirrors: the mirror names used (caller
 * frees with strv_free); *files: artifacts in dir; *direct: of those, how
 * many had plain URLs. */
int mirror_targets(gotc_t *h, const char *dir, char *const *targets, size_t n, char ***mirrors,
		   size_t *files, size_t *direct);

/* The host's apt source of the Debian archive (mirror_apt.c): *uri and
 * *origin ("apt source FILE: how it is known"), both malloc'd.  0, or -ENOENT
 * when no source is the Debian archive. */
int mirror_apt_debian(char **uri, char **origin);

#endif
