/* repo.h - recipe repositories: git repositories holding targets/ and recipes/,
 * cloned into GOTC_HOME and checked out at a recorded commit.
 *
 * GOTC_HOME/repos/NAME/
 *   repo.ini             [repo] url = URL, ref = REF (absent: the remote's HEAD)
 *   git/                 a bare repository: objects fetched with libgit2
 *   trees/COMMIT/        targets/ and recipes/ of COMMIT, read-only, linted
 *   current -> trees/COMMIT   the commit in use, swapped atomically (rename)
 *
 * A repository's tree joins the search path after GOTC_PATH and before the
 * share directory (repositories sorted by name).  NAME/TARGET names the target
 * of one repository.  Recipes for a repository's target are looked up in its
 * own tree first, then on the search path without repository trees: a
 * repository adds targets, it never changes the recipes of others'.
 *
 * Every change takes the store lock.  A new commit is activated only after its
 * files pass lint; updates are fast-forward only unless forced.
 */
#ifndef GOTC_REPO_H
#define GOTC_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "gotc.h"

struct repo_info {
	char *name;
	char *url;
	char *ref;    /* NULL: the remote's HEAD */
	char *commit; /* 40 hex digits, the commit in use */
	char *dir;    /* GOTC_HOME/repos/NAME/trees/COMMIT: holds targets/ recipes/ */
};

/* Every repository in GOTC_HOME, sorted by name; *out is malloc'd, free it with
 * repo_info_free(*out, *n).  No repositories: 0 with *n = 0. */
int repo_list(gotc_t *h, struct repo_info **out, size_t *n);
void repo_info_free(struct repo_info *v, size_t n);
/* Free the members of one repo_info (not ri itself). */
void repo_info_clear(struct repo_info *ri);

/* Clone URL (https://, file://, or http:// with allow_http) at REF (NULL: the
 * remote's HEAD), lint it, record it as NAME.  *info (optional) describes the
 * result; free it with repo_info_clear(info). */
int repo_add(gotc_t *h, const char *name, const char *url, const char *ref,
	     struct repo_info *info);

/* What repo_update did to one repository. */
struct repo_change {
	char old_commit[41];
	char new_commit[41];
	bool changed;
	bool forced; /* the new commit does not descend from the old one */
};
/* Fetch NAME's ref; activate the new commit if it descends from the current
 * one (or force), after lint.  Refused: GOTC_EREPO (not a fast-forward) or
 * GOTC_ERECIPE (lint, "FILE:LINE: message"), and the old commit stays. */
int repo_update(gotc_t *h, const char *name, bool force, struct repo_change *ch);

/* Delete NAME and its files. */
int repo_remove(gotc_t *h, const char *name);

/* A valid repository name: [A-Za-z0-9][A-Za-z0-9._-]*, at most 64 bytes. */
bool repo_name_valid(const char *name);

/* Search path hook (gotc_init): the trees in use, sorted by repository name,
 * as a NULL-terminated malloc'd vector (free with strv_free). */
char **repo_search_dirs(gotc_t *h);

/* On disk (repo_dir.c, libc only).  GOTC_HOME/repos/NAME[/leaf] (malloc'd). */
char *repo_path(gotc_t *h, const char *name, const char *leaf);
/* The commit in use (the target of NAME/current): 0, or -errno / -EINVAL. */
int repo_current_commit(gotc_t *h, const char *name, char out[41]);
/* Names of the repositories with a commit in use, sorted (strv_free); NULL on OOM. */
char **repo_names(gotc_t *h);

/* If dir is a repository tree (GOTC_HOME/repos/NAME/...), copy NAME to buf and
 * return true. */
bool repo_of_dir(const gotc_t *h, const char *dir, char *buf, size_t size);

/* The git backend (repo_git.c, the only file using libgit2). */
struct repo_git;
/* Open the bare repository at gitdir, creating it if missing. */
int repo_git_open(gotc_t *h, const char *gitdir, struct repo_git **out);
void repo_git_close(struct repo_git *g);
/* Fetch ref (a branch or tag name, a full refs/... name, or NULL for the
 * remote's HEAD) from url; write the commit it names as 40 hex digits. */
int repo_git_fetch(struct repo_git *g, const char *url, const char *ref, char commit[41]);
/* 1 if commit is ancestor or descends from it, 0 if not, or a negative code. */
int repo_git_descends(struct repo_git *g, const char *commit, const char *ancestor);
/* Write targets/ and recipes/ of commit under dest (an existing directory).
 * Only regular files and directories; symlinks and submodules are refused. */
int repo_git_export(struct repo_git *g, const char *commit, const char *dest);

#endif
