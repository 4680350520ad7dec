/* lock.h - lockfiles: every input of a set of targets, pinned.
 *
 * A lockfile is an INI file read with the strict INI layer:
 *
 *   [lock]
 *   version = 1
 *   gotc = 0.1.0
 *   host = x86_64                      entries differ per host arch
 *   targets = NAME...
 *   [target NAME]
 *   file = targets/NAME.ini            relative to its search directory
 *   sha256 = HEX                       the file's bytes
 *   entries = go-... toolchain-... sysroot-...
 *   prefix = HEX                       the prefix id
 *   packages = NAME=VERSION...         [packages] resolved (their .debs are artifacts)
 *   packages_index = DATE              the verified InRelease's Date
 *   packages_key = FINGERPRINT         the key that signed it
 *   [recipe KIND/NAME]
 *   file = recipes/KIND/NAME.ini
 *   sha256 = HEX
 *   [artifact DIGEST]                  a source's sha256 (or sha512)
 *   url = ${mirror:NAME}/...           as the recipe writes it
 *   resolved = https://...             the first URL after mirror rewriting here
 *   size = BYTES
 *   package = NAME_VERSION             a .deb of a target's [packages]: with
 *                                      the [target]'s packages, install
 *                                      --locked plans them with no index
 *   entries = NAME...                  the store entries it goes into
 *   [repo NAME]
 *   commit = HEX                       a recipe repository's checked-out commit
 */
#ifndef GOTC_LOCK_H
#define GOTC_LOCK_H

#include "plan.h"
#include "util.h"

enum lock_sect_kind { LS_LOCK, LS_TARGET, LS_RECIPE, LS_ARTIFACT, LS_REPO };

/* One section; which fields are set depends on kind. */
struct lock_sect {
	enum lock_sect_kind kind;
	char *name; /* the part after the class: target name, KIND/NAME, digest */
	int line;
	uint64_t version, size;
	char *gotc, *host, *file, *sha256, *prefix, *url, *resolved, *commit;
	char *package; /* [artifact]: NAME_VERSION of a [packages] .deb */
	char **targets, **entries;
	char *index_date, *index_key; /* [target]: the signed package index used */
	char **packages;	      /* [target]: NAME=VERSION of the added packages */
};

struct lockfile {
	char *path;
	struct lock_sect **s;
	size_t n;
};

/* Build the plans of targets and render their lockfile into out.  Artifacts
 * whose size no recipe gives are fetched into the cache to learn it. */
int lock_render(gotc_t *h, char *const *targets, size_t n, struct buf *out);

/* Read and validate a lockfile; errors are "PATH:LINE: message" (GOTC_ERECIPE). */
int lock_read(gotc_t *h, const char *path, struct lockfile *lf);
void lock_free(struct lockfile *lf);
/* The locked target names (the lock's own vector; do not free). */
char **lock_targets(const struct lockfile *lf);
/* The argument that finds a locked target (instance) on the search path
 * (malloc'd; NULL when the lock has no such target). */
char *lock_target_arg(const struct lockfile *lf, const char *name);

/* Compare a plan built from today's files with the lock; fails closed
 * (GOTC_ERECIPE naming the file that changed).  On success the plan's
 * sources carry the locked sizes, so downloads are held to them. */
int lock_check(gotc_t *h, const struct lockfile *lf, struct plan *p);
/* Once per install: the recipe repositories' commits against the lock. */
int lock_check_repos(gotc_t *h, const struct lockfile *lf);

/* gotc install --locked: plan the locked targets (all when n == 0) from
 * today's files, check each against the lock, install.  Any difference is
 * GOTC_ERECIPE before anything is fetched. */
int lock_install(gotc_t *h, const char *path, char *const *targets, size_t n);

/* A file's path relative to the search directory holding it, or the path
 * itself when none holds it (points into path). */
const char *lock_rel_path(gotc_t *h, const char *path);

/* Recipe repositories and their commits (GOTC_HOME/repos/).  Two parallel
 * NULL-terminated vectors the caller frees with strv_free.  Defined in
 * repo.c, on top of repo_list() (repo.h). */
int repo_commits(gotc_t *h, char ***names, char ***commits);

#endif
