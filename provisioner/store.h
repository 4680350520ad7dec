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

/* The store's format, part of every entry's and prefix's key (plan.c): a
 * change in how entries are keyed or laid out bumps it, and the golden names
 * in tests/unit/test_plan.c change with it, deliberately. */
#define GOTC_STORE_FORMAT "1"

/* Take the store's exclusive lock (creating GOTC_HOME); emits LOCK_WAIT when
 * another process holds it.  Returns an fd >= 0 to pass to store_unlock. */
int store_lock(gotc_t *h);
/* The lock only if free now and the home writable: an fd, else -errno
 * (-EWOULDBLOCK: another process holds it), with no message. */
int store_lock_try(gotc_t *h);
void store_unlock(int fd);
/* Remove staging leftovers (call with the lock held); stale: they are an
 * interrupted run's, each removal is a warning with its size. */
void store_clean_staging(gotc_t *h, bool stale);

/* A fresh staging directory under store/.staging (malloc'd path). */
int store_stage(gotc_t *h, const char *name, char **out);
/* Write the manifest of stage/root, make the tree read-only and rename
 * stage to dest (a path under GOTC_HOME).  size (or NULL): the bytes of the
 * entry's files, its manifest and info included (what dir_size(dest) says). */
int store_commit(gotc_t *h, const char *stage, const char *dest, const char *info, uint64_t *size);
/* The tail of store_commit for a stage that already holds its root/,
 * manifest and info (a verified bundle entry): flush it to disk ([store]
 * fsync), rename it to dest, replacing a leftover without a manifest. */
int store_publish(gotc_t *h, const char *stage, const char *dest);

/* Remove every write bit under root, as store_commit does (directories keep
 * u+rx), so a tree rebuilt from an archive matches the manifest it had. */
void store_make_readonly(const char *root);

/* Remove a store entry or prefix: renamed into staging, then deleted. */
int store_discard(gotc_t *h, const char *path);

/* Manifest of the tree at root into file path. */
int manifest_write(gotc_t *h, const char *root, const char *path, uint64_t *bytes);

/* Hashes noted while unpacking (unpack_opts.file_hashed), kept in a stage as
 * files named STORE_HASHES*: store_hash_note appends one record (ctx is a
 * struct buf) for the file in state st, sha256 NULL for a hard link to it.
 * manifest_commit writes the manifest of stage/root as manifest_write does,
 * taking the write bits away on the way (store_make_readonly), and takes a
 * file's hash from a record only when the file is in exactly the state the
 * record names (inode, size, mtime, ctime); every other file is read and
 * hashed.  It removes the STORE_HASHES files. */
#define STORE_HASHES "hashes."
struct stat;
void store_hash_note(void *ctx, const struct stat *st, const char *sha256);
int manifest_commit(gotc_t *h, const char *stage, const char *root, const char *path, uint64_t *bytes);

struct verify_report {
	void (*problem)(void *ctx, const char *kind, const char *path, const char *detail);
	void *ctx;
	unsigned modified, missing, extra;
	bool quick; /* compare types, modes, sizes and links, not contents */
};
/* Compare root against its manifest; counts and reports every difference. */
int manifest_verify(gotc_t *h, const char *root, const char *manifest, struct verify_report *r);

/* The paths a manifest lists, unescaped, in its (sorted) order; caller
 * frees with strv_free.  0, or an error with the detail in the handle. */
int manifest_list(gotc_t *h, const char *manifest, char ***paths);

/* Paths (malloc'd). */
char *store_path(gotc_t *h, const char *sub);

/* ---- the info file (store_info.c: the only reader, one table of keys) ---- */
enum store_info_kind { STORE_INFO_ENTRY, STORE_INFO_PREFIX };
struct store_info {
	char *path; /* the file read */
	/* store entries */
	char *name, *role, *recipe, *version, *key, *kernel_headers;
	/* target prefixes */
	char *target, *file, *prefix_id;
	char **entries; /* every "entry" line, in order (NULL-terminated) */
};
/* Read DIR/info; GOTC_ESTORE naming the file (and line) when it cannot be
 * read, is malformed or lacks a key the kind requires.  Free with
 * store_info_free (also after a failure: it is zeroed). */
int store_info_read(gotc_t *h, const char *dir, enum store_info_kind kind, struct store_info *in);
/* The same from text already read (path only names it in errors). */
int store_info_parse(gotc_t *h, const char *path, const char *text, enum store_info_kind kind,
		     struct store_info *in);
void store_info_free(struct store_info *in);

/* ---- installed targets and the store's lifecycle (store_target.c) ---- */
struct installed {
	char *name;   /* targets/NAME */
	char *prefix; /* the prefix directory, NULL when the link is broken */
	int err;      /* 0, or why prefix/info could not be read (see errmsg) */
	char *errmsg; /* malloc'd detail when err */
	struct store_info info;
};
/* Every installed target, sorted by name (hidden names skipped).  strict:
 * fail at the first target whose prefix or info cannot be read (detail in
 * the handle); otherwise record err/errmsg per target.  Free with
 * installed_free(v, n). */
int target_list(gotc_t *h, bool strict, struct installed **v, size_t *n);
void installed_free(struct installed *v, size_t n);

/* What lifecycle operations report; the core never prints. */
struct store_report {
	/* a file differs from its manifest: "modified", "missing", "extra" */
	void (*problem)(void *ctx, const char *kind, const char *path, const char *detail);
	/* one item done: a deleted (or, dry, deletable) path and its bytes; a
	 * verified directory.  rc != 0: it failed, detail in the handle. */
	void (*item)(void *ctx, const char *path, uint64_t bytes, int rc);
	void *ctx;
	unsigned items, problems, errors;
	uint64_t bytes;
	bool quick; /* verify: compare types, modes, sizes and links, not contents */
	bool shallow; /* verify, quick: store entries only present (root/ and
		       * manifest), their files not looked at */
};

/* Uninstall a target: remove targets/NAME (takes the lock), then discard its
 * prefix.  GOTC_ENOTINST when there is no such link; an error (detail in
 * the handle) when the prefix could not be discarded. */
int target_remove(gotc_t *h, const char *name);
/* After targets/NAME moved from prefix old to dest: keep old as the previous
 * generation (a reader may still use it) and discard the one before it. */
void target_keep_previous(gotc_t *h, const char *name, const char *old, const char *dest);
/* Verify installed targets (names NULL: all) and each store entry they use,
 * once.  Returns 0 when every name was checked (look at r->problems and
 * r->errors), else the first error of a name that is not installed.  Staging
 * an interrupted run left is removed (with a message) when the store is idle. */
int target_verify(gotc_t *h, char *const *names, size_t n, struct store_report *r);
/* Delete prefixes and store entries no installed target references (takes
 * the lock).  Fails closed: when any installed target's prefix or info
 * cannot be read, nothing is deleted and the error names the file. */
int store_gc(gotc_t *h, bool dry, struct store_report *r);

#endif
