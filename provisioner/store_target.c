/* store_target.c - the store's lifecycle after install: installed targets,
 * remove, verify and gc.  The commands (cmd_list/remove/verify/gc.c) only
 * render what these report. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install.h"
#include "model.h"
#include "store.h"
#include "util.h"

void installed_free(struct installed *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].prefix);
		free(v[i].errmsg);
		store_info_free(&v[i].info);
	}
	free(v);
}

/* Resolve one targets/NAME: its prefix directory and that prefix's info. */
static int resolve(gotc_t *h, struct installed *t)
{
	char *link = target_link_path(h, t->name);
	int rc = 0;
	if (!link)
		return gotc_fail(h, -ENOMEM, "out of memory");
	t->prefix = target_prefix_dir(h, t->name);
	if (!t->prefix)
		rc = gotc_fail(h, GOTC_ESTORE,
			       "%s is not a link to a target prefix (run 'gotc remove %s')", link, t->name);
	else if (!is_dir(t->prefix))
		rc = gotc_fail(h, GOTC_ESTORE, "%s: its prefix %s is missing (run 'gotc remove %s')",
			       link, t->prefix, t->name);
	else
		rc = store_info_read(h, t->prefix, STORE_INFO_PREFIX, &t->info);
	free(link);
	return rc;
}

int target_list(gotc_t *h, bool strict, struct installed **out, size_t *nout)
{
	char *tdir = path_join(h->home, "targets");
	char **names = NULL;
	struct installed *v = NULL;
	size_t n = 0;
	int rc = 0;
	*out = NULL;
	*nout = 0;
	if (!tdir || !(names = dir_list(tdir, ""))) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	/* dir_list sees an unreadable directory as empty: gc must not */
	DIR *d = opendir(tdir);
	if (!d && errno != ENOENT) {
		rc = gotc_fail(h, -errno, "cannot read %s: %s", tdir, strerror(errno));
		goto out;
	}
	if (d)
		closedir(d);
	if (!(v = calloc(strv_len(names) + 1, sizeof(*v)))) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	for (; names[n]; n++) {
		struct installed *t = &v[n];
		if (!(t->name = str_dup(names[n]))) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			n++;
			goto out;
		}
		int r = resolve(h, t);
		if (r && (strict || r == -ENOMEM)) {
			rc = r;
			n++;
			goto out;
		}
		if (r) {
			t->err = r;
			t->errmsg = str_dup(h->errbuf);
		}
	}
out:
	if (rc) {
		installed_free(v, n);
	} else {
		*out = v;
		*nout = n;
	}
	strv_free(names);
	free(tdir);
	return rc;
}

static char *previous_mark(gotc_t *h, const char *name)
{
	return str_printf("%s/prefixes/.previous-%s", h->home, name);
}

/* The prefix directory a .previous-NAME mark names, or NULL. */
static char *previous_dir(gotc_t *h, const char *mark)
{
	char was[512];
	ssize_t n = mark ? readlink(mark, was, sizeof(was) - 1) : -1;
	if (n <= 0 || memchr(was, '/', (size_t)n) || was[0] == '.')
		return NULL;
	was[n] = '\0';
	return str_printf("%s/prefixes/%s", h->home, was);
}

/* A reader that resolved targets/NAME just before the swap may still use the
 * old prefix: it stays, as the previous generation, until the next install of
 * NAME (or gc, or remove), which deletes it.  prefixes/.previous-NAME names it. */
void target_keep_previous(gotc_t *h, const char *name, const char *old, const char *dest)
{
	char *mark = previous_mark(h, name);
	char *tmp = mark ? str_printf("%s.new", mark) : NULL;
	char *gone = previous_dir(h, mark);
	if (gone && strcmp(gone, old) != 0 && (!dest || strcmp(gone, dest) != 0))
		store_discard(h, gone);
	free(gone);
	if (tmp) {
		unlink(tmp);
		if (symlink(path_basename(old), tmp) < 0 || rename(tmp, mark) < 0) {
			unlink(tmp);
			rm_rf(old); /* no generation can be recorded: do as before */
		}
	}
	free(tmp);
	free(mark);
}

/* NAME is not installed: GOTC_ENOTINST for a target the search path has;
 * else GOTC_ENOTARGET (exit 2) naming the nearest installed target, or the
 * nearest on the search path. */
static int not_installed(gotc_t *h, const char *name)
{
	if (target_known(h, name))
		return gotc_fail(h, GOTC_ENOTINST, "target '%s' is not installed", name);
	char *dir = str_printf("%s/targets", h->home);
	char **v = dir ? dir_list(dir, "") : NULL;
	const char *sug = v ? str_nearest(name, (const char *const *)v, (size_t)-1) : NULL;
	int rc = sug ? gotc_fail(h, GOTC_ENOTARGET, "no installed target '%s' (did you mean '%s'? see 'gotc list')",
				 name, sug)
		     : target_not_found(h, name, true);
	strv_free(v);
	free(dir);
	return rc;
}

int target_remove(gotc_t *h, const char *name)
{
	char *link = target_link_path(h, name), *pd = NULL;
	int rc, lock = store_lock(h);
	if (lock < 0) {
		free(link);
		return lock;
	}
	if (!link) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	pd = target_prefix_dir(h, name);
	/* the link goes first: the target is uninstalled in one step, and a
	 * prefix left behind is no longer referenced (gc deletes it) */
	if (unlink(link) < 0) {
		rc = errno == ENOENT ? not_installed(h, name)
				     : gotc_fail(h, -errno, "cannot remove %s: %s", link, strerror(errno));
		goto out;
	}
	rc = 0;
	char *mark = previous_mark(h, name), *prev = previous_dir(h, mark);
	if (prev && is_dir(prev))
		store_discard(h, prev);
	if (mark)
		unlink(mark);
	free(mark);
	free(prev);
	if (pd && is_dir(pd) && (rc = store_discard(h, pd)))
		rc = gotc_wrap(h, rc, "target '%s' is uninstalled, but its prefix was not deleted (run 'gotc gc')",
			       name);
out:
	store_unlock(lock);
	free(link);
	free(pd);
	return rc;
}

static void note(struct store_report *r, const char *path, uint64_t bytes, int rc)
{
	r->items++;
	r->bytes += bytes;
	if (rc)
		r->errors++;
	if (r->item)
		r->item(r->ctx, path, bytes, rc);
}

struct where {
	struct store_report *r;
	const char *root;
};

static void problem(void *ctx, const char *kind, const char *path, const char *detail)
{
	struct where *w = ctx;
	char *full = str_printf("%s/%s", w->root, path);
	w->r->problems++;
	if (w->r->problem)
		w->r->problem(w->r->ctx, kind, full ? full : path, detail);
	free(full);
}

/* Verify one directory holding root/ and manifest. */
static int verify_dir(gotc_t *h, const char *dir, struct store_report *r)
{
	char *root = path_join(dir, "root"), *man = path_join(dir, "manifest");
	struct where w = {r, root};
	struct verify_report vr = {.problem = problem, .ctx = &w, .quick = r->quick};
	int rc = root && man ? manifest_verify(h, root, man, &vr) : gotc_fail(h, -ENOMEM, "out of memory");
	note(r, dir, 0, rc);
	free(root);
	free(man);
	return rc;
}

/* A store entry is there: its root/ and its manifest (the files in it are
 * not looked at: verify_dir does that). */
static void entry_present(gotc_t *h, const char *dir, struct store_report *r)
{
	static const char *const parts[] = {"root", "manifest"};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		char *p = path_join(dir, parts[i]);
		struct stat st;
		if (p && lstat(p, &st) == 0 && (i == 0 ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))) {
			free(p);
			continue;
		}
		r->problems++;
		if (r->problem)
			r->problem(r->ctx, "missing", p ? p : dir, "a part of the store entry is missing");
		free(p);
	}
	note(r, dir, 0, 0);
	(void)h;
}

int target_verify(gotc_t *h, char *const *names, size_t n, struct store_report *r)
{
	struct installed *all = NULL;
	size_t nall = 0;
	char **done = NULL;
	int rc = 0;
	/* staging a run that died left (nothing runs while the lock is free) */
	int lock = store_lock_try(h);
	if (lock >= 0) {
		store_clean_staging(h, true);
		store_unlock(lock);
	}
	if (!names && (rc = target_list(h, false, &all, &nall)))
		return rc;
	size_t count = names ? n : nall;
	for (size_t i = 0; i < count && rc != -ENOMEM; i++) {
		struct installed one = {0}, *t = names ? &one : &all[i];
		if (names && !(one.name = str_dup(names[i]))) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			break;
		}
		struct stat st;
		char *link = names ? target_link_path(h, one.name) : NULL;
		bool absent = link && lstat(link, &st) < 0;
		free(link);
		if (absent) {
			note(r, one.name, 0, not_installed(h, one.name));
		} else if (names && (one.err = resolve(h, &one))) {
			note(r, one.name, 0, one.err);
		} else if (t->err) {
			note(r, t->name, 0, gotc_fail(h, t->err, "%s", t->errmsg ? t->errmsg : ""));
		} else {
			verify_dir(h, t->prefix, r);
			for (char **e = t->info.entries; e && *e; e++) {
				bool seen = false;
				for (size_t k = 0; done && done[k] && !seen; k++)
					seen = strcmp(done[k], *e) == 0;
				if (seen)
					continue;
				char *ed = str_printf("%s/store/%s", h->home, *e);
				if (!ed || strv_push(&done, *e)) {
					free(ed);
					rc = gotc_fail(h, -ENOMEM, "out of memory");
					break;
				}
				if (r->shallow)
					entry_present(h, ed, r);
				else
					verify_dir(h, ed, r);
				free(ed);
			}
		}
		if (names) {
			free(one.name);
			free(one.prefix);
			store_info_free(&one.info);
		}
	}
	strv_free(done);
	installed_free(all, nall);
	return rc == -ENOMEM ? rc : 0;
}

/* Delete (or, dry, report) every visible name in dir that keep lacks. */
static int sweep(gotc_t *h, const char *dir, char *const *keep, bool dry, struct store_report *r)
{
	char **names = dir_list(dir, "");
	if (!names)
		return gotc_fail(h, -ENOMEM, "out of memory");
	for (size_t i = 0; names[i]; i++) {
		if (strv_has(keep, names[i]))
			continue;
		char *p = path_join(dir, names[i]);
		if (!p) {
			strv_free(names);
			return gotc_fail(h, -ENOMEM, "out of memory");
		}
		uint64_t sz = dir_size(p);
		note(r, p, sz, dry ? 0 : store_discard(h, p));
		free(p);
	}
	strv_free(names);
	return 0;
}

int store_gc(gotc_t *h, bool dry, struct store_report *r)
{
	struct installed *v = NULL;
	size_t n = 0;
	char **entries = NULL, **prefixes = NULL;
	char *sdir = path_join(h->home, "store"), *pdir = path_join(h->home, "prefixes");
	int rc, lock = store_lock(h);
	if (lock < 0) {
		free(sdir);
		free(pdir);
		return lock;
	}
	store_clean_staging(h, true);
	if (!sdir || !pdir) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	/* Every reference first: one that cannot be resolved stops gc before
	 * anything is deleted. */
	if ((rc = target_list(h, true, &v, &n))) {
		rc = gotc_wrap(h, rc, "gc deleted nothing");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (strv_push(&prefixes, path_basename(v[i].prefix)))
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		for (char **e = v[i].info.entries; e && *e && !rc; e++)
			if (strv_push(&entries, *e))
				rc = gotc_fail(h, -ENOMEM, "out of memory");
	}
	if (!rc && !(rc = sweep(h, pdir, prefixes, dry, r)))
		rc = sweep(h, sdir, entries, dry, r);
	/* the previous generations went with the unreferenced prefixes */
	DIR *d = !rc && !dry ? opendir(pdir) : NULL;
	for (struct dirent *de; d && (de = readdir(d));)
		if (str_starts(de->d_name, ".previous-"))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
out:
	store_unlock(lock);
	installed_free(v, n);
	strv_free(entries);
	strv_free(prefixes);
	free(sdir);
	free(pdir);
	return rc;
}
