/* project.h - the project file, gotc.ini (project_ini.c).
 *
 *     [project]
 *     go = 1.24                          ; optional: the Go of every target
 *     targets = debian12-arm64 rocky9-arm64   ; the first is the default
 *     [packages]                         ; optional
 *     install = libssl-dev zlib1g-dev    ; added to every target's sysroot
 *
 * Found by walking up from the working directory, stopping at the filesystem
 * root or after a directory holding .git.  Read as strictly as recipes
 * ("FILE:LINE: message", GOTC_ERECIPE).  Linked into the light front end:
 * libc and inih only. */
#ifndef GOTC_PROJECT_H
#define GOTC_PROJECT_H

#include "gotc.h"

struct project {
	char *path;	/* the gotc.ini found; NULL when there is none */
	char *go;	/* MAJOR.MINOR[.PATCH]; NULL = each target's own Go */
	char *with;	/* [packages] install, canonical (a_b_c); NULL = none */
	char **targets; /* NULL-terminated, at least one */
};

/* 0 with p->path NULL when no gotc.ini is found. */
int project_find(gotc_t *h, struct project *p);
/* Parse the project file at path (exposed for tests and fuzzing). */
int project_read(gotc_t *h, const char *path, const char *data, size_t len, struct project *p);
void project_free(struct project *p);
/* What the project means by target: TARGET[@goVERSION][@with-PKG_PKG...] when
 * the project sets go or [packages] and target names no instance, else
 * target (malloc'd). */
char *project_instance(const struct project *p, const char *target);

#endif
