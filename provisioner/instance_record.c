/* instance_record.c - the files an installed instance was built from, kept
 * in its prefix; commands resolve installed instances from them (see
 * instance_record.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_strict.h"
#include "install.h"
#include "instance_record.h"
#include "model.h"
#include "repo.h"
#include "store.h"
#include "util.h"

/* ---- record.ini ---- */

#define F(f) offsetof(struct instance_record, f)
static const struct ini_key record_keys[] = {
	{"record", "instance", IT_WORD, IK_REQUIRED, F(instance), NULL, 0},
	{"record", "target", IT_WORD, IK_REQUIRED, F(target), NULL, 0},
	{"record", "source", IT_STR, 0, F(source), NULL, 0},
	{"record", "file", IT_STR, IK_REQUIRED, F(file), NULL, 0},
	{"record", "prefix_id", IT_SHA256, IK_REQUIRED, F(prefix_id), NULL, 0},
	{"record", "go", IT_VERSION, 0, F(go), NULL, 0},
	{"record", "with", IT_WORD, 0, F(with), NULL, 0},
	{"record", "repo", IT_WORD, 0, F(repo), NULL, 0},
	{"record", "commit", IT_WORD, 0, F(commit), NULL, 0},
	{"record", "url", IT_STR, 0, F(url), NULL, 0},
};
#undef F
static const char *const record_sections[] = {"record", NULL};

static void *record_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	(void)line;
	*cls = strcmp(sect, "record") == 0 ? record_sections[0] : NULL;
	return c->user;
}

void instance_record_clear(struct instance_record *rec)
{
	free(rec->instance);
	free(rec->dir);
	free(rec->target);
	free(rec->source);
	free(rec->file);
	free(rec->prefix_id);
	free(rec->go);
	free(rec->with);
	free(rec->repo);
	free(rec->commit);
	free(rec->url);
	memset(rec, 0, sizeof(*rec));
}

/* Does rec's instance name say what its target and go keys say? */
static bool instance_consistent(gotc_t *h, const struct instance_record *rec)
{
	struct instance in;
	if (instance_parse(h, rec->instance, &in))
		return false;
	bool ok = strcmp(in.target, rec->target) == 0 &&
		  (in.go && rec->go ? strcmp(in.go, rec->go) == 0 : !in.go && !rec->go) &&
		  (in.with && rec->with ? strcmp(in.with, rec->with) == 0 : !in.with && !rec->with);
	instance_free(&in);
	return ok;
}

int instance_record_load(gotc_t *h, const char *dir, struct instance_record *rec)
{
	char *path = path_join(dir, "record.ini"), *data = NULL;
	size_t len = 0;
	memset(rec, 0, sizeof(*rec));
	int rc = path ? read_file(path, &data, &len) : -ENOMEM;
	if (rc) {
		rc = gotc_fail(h, rc == -ENOENT ? GOTC_ENOTFOUND : GOTC_ESTORE, "%s: %s",
			       path ? path : dir, strerror(-rc));
		goto out;
	}
	struct ini_ctx c = {0};
	c.h = h;
	c.path = path;
	c.keys = record_keys;
	c.nkeys = sizeof(record_keys) / sizeof(record_keys[0]);
	c.sections = record_sections;
	c.on_section = record_section;
	c.user = rec;
	rc = ini_read(&c, data, len);
	if (!rc && !rec->instance) /* required keys are checked only in the sections present */
		rc = ini_error(&c, 1, "missing section [record]");
	ini_ctx_free(&c);
	if (!rc && (!target_name_valid(rec->target) || (rec->repo && !repo_name_valid(rec->repo)) ||
		    (rec->commit && !is_hex(rec->commit, 40))))
		rc = gotc_fail(h, GOTC_ESTORE, "%s: a malformed target, repo or commit value", path);
	if (!rc && !instance_consistent(h, rec))
		rc = gotc_fail(h, GOTC_ESTORE, "%s: instance = %s does not name target = %s with go = %s, with = %s",
			       path, rec->instance, rec->target, rec->go ? rec->go : "(its own)",
			       rec->with ? rec->with : "(none)");
	if (!rc && !(rec->dir = strdup(dir)))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	if (rc == GOTC_ERECIPE)
		rc = gotc_wrap(h, GOTC_ESTORE, "the installed record is damaged (reinstall the target)");
out:
	if (rc)
		instance_record_clear(rec);
	free(data);
	free(path);
	return rc;
}

/* An instance name: no slash, not hidden, not empty. */
static bool instance_name_ok(const char *s)
{
	return *s && s[0] != '.' && !strchr(s, '/') && strlen(s) < 256;
}

int instance_record_read(gotc_t *h, const char *instance, struct instance_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	if (!instance_name_ok(instance))
		return gotc_fail(h, GOTC_ENOTINST, "'%s' is not an instance name", instance);
	char *pd = target_prefix_dir(h, instance);
	if (!pd)
		return gotc_fail(h, GOTC_ENOTINST, "target '%s' is not installed in %s (run: gotc install %s)",
				 instance, h->home, instance);
	free(pd);
	char *dir = str_printf("%s/targets/%s/record", h->home, instance);
	int rc = dir ? instance_record_load(h, dir, rec) : gotc_fail(h, -ENOMEM, "out of memory");
	if (rc == GOTC_ENOTFOUND)
		gotc_fail(h, rc,
			  "target '%s' was installed by a gotc that kept no record of its files "
			  "(run 'gotc install %s' once to add one)",
			  instance, instance);
	else if (!rc && strcmp(rec->instance, instance) != 0)
		rc = gotc_fail(h, GOTC_ESTORE, "%s/record.ini: instance = %s, but it is installed as %s",
			       dir, rec->instance, instance);
	if (rc)
		instance_record_clear(rec);
	free(dir);
	return rc;
}

int instance_record_find(gotc_t *h, const char *spec, struct instance_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	const char *slash = strchr(spec, '/');
	if (str_ends(spec, ".ini") || (slash && strchr(slash + 1, '/')))
		return gotc_fail(h, GOTC_ENOTINST, "'%s' names a file, not an installed instance", spec);
	if (!slash)
		return instance_record_read(h, spec, rec);
	/* REPO/NAME: instance NAME if it came from REPO */
	int rc = instance_record_read(h, slash + 1, rec);
	if (!rc && (!rec->repo || strncmp(rec->repo, spec, (size_t)(slash - spec)) != 0 ||
		    rec->repo[slash - spec] != '\0')) {
		rc = gotc_fail(h, GOTC_ENOTINST, "installed target '%s' did not come from repository %.*s (it came from %s)",
			       slash + 1, (int)(slash - spec), spec, rec->repo ? rec->repo : rec->file);
		instance_record_clear(rec);
	}
	return rc;
}

char *instance_record_target(const struct instance_record *rec)
{
	return str_printf("%s/targets/%s.ini", rec->dir, rec->target);
}

/* ---- writing ---- */

/* Copy src to dest if its bytes hash to want (the file as planned). */
static int copy_verified(gotc_t *h, const char *src, const char *want, const char *dest)
{
	char *data = NULL, hex[65];
	size_t len = 0;
	int rc = read_file(src, &data, &len);
	if (rc)
		return gotc_fail(h, GOTC_EASSEMBLE, "cannot keep a copy of %s: %s", src, strerror(-rc));
	sha256_hex(data, len, hex);
	if (strcmp(hex, want) != 0)
		rc = gotc_fail(h, GOTC_EASSEMBLE,
			       "%s changed while it was being installed (sha256 %s when planned, %s now); "
			       "run the install again",
			       src, want, hex);
	char *dir = rc ? NULL : path_dirname(dest);
	if (!rc && (rc = dir ? mkdir_p(dir, 0755) : -ENOMEM) == 0)
		rc = write_file_atomic(dest, data, len, 0644);
	if (rc && rc > GOTC_EBASE)
		rc = gotc_fail(h, rc, "cannot write %s: %s", dest, strerror(-rc));
	free(dir);
	free(data);
	return rc;
}

static bool printable(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The repository tree on the search path that holds path (its name in repo). */
static const char *repo_tree_of(gotc_t *h, const char *path, char *repo, size_t size)
{
	for (size_t i = 0; h->search && h->search[i]; i++) {
		size_t n = strlen(h->search[i]);
		if (strncmp(path, h->search[i], n) == 0 && path[n] == '/' &&
		    repo_of_dir(h, h->search[i], repo, size))
			return h->search[i];
	}
	return NULL;
}

/* Fill the origin fields of rec (source, file, repo, commit, url) for t,
 * the target named base of instance in. */
static int origin_of(gotc_t *h, const struct target *t, const struct instance *in,
		     struct instance_record *rec)
{
	char *tree = target_record_tree(t->path), repo[80];
	int rc = 0;
	if (tree) {
		/* planned from a record: it keeps the origin it had */
		struct instance_record old;
		rc = instance_record_load(h, tree, &old);
		free(tree);
		if (rc)
			return rc;
		rec->source = old.source ? old.source : strdup("");
		rec->file = old.file;
		rec->repo = old.repo;
		rec->commit = old.commit;
		rec->url = old.url;
		old.source = old.file = old.repo = old.commit = old.url = NULL;
		instance_record_clear(&old);
		return rec->source ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
	}
	rec->file = instance_origin_file(h, t);
	if (!rec->file)
		return gotc_fail(h, -ENOMEM, "out of memory");
	const char *rdir = repo_tree_of(h, t->path, repo, sizeof(repo));
	if (strcmp(rec->file, "bundle") == 0) {
		rec->source = strdup("");
	} else if (rdir) {
		struct repo_info *v = NULL;
		size_t n = 0;
		if ((rc = repo_list(h, &v, &n)))
			return rc;
		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i].name, repo) == 0) {
				rec->url = strdup(v[i].url);
				break;
			}
		repo_info_free(v, n);
		const char *c = strrchr(rdir, '/');
		rec->repo = strdup(repo);
		rec->commit = c && is_hex(c + 1, 40) ? strdup(c + 1) : NULL;
		char *spec = str_printf("%s/%s", repo, in->target);
		rec->source = spec ? instance_name(in, spec) : NULL;
		free(spec);
	} else {
		/* NAME if that is how the search path finds this file, else its path */
		char *found = find_target_file(h, in->target);
		char *real = found ? realpath(found, NULL) : NULL;
		rec->source = instance_name(in, real && strcmp(real, rec->file) == 0 ? in->target : rec->file);
		free(found);
		free(real);
	}
	if (!rec->source)
		return gotc_fail(h, -ENOMEM, "out of memory");
	return 0;
}

static void note_mirror(gotc_t *h, const char *url, char ***seen, struct buf *b)
{
	char name[128];
	if (!url_mirror_name(url, name, sizeof(name)) || strv_has(*seen, name) || strv_push(seen, name))
		return;
	const struct gotc_mirror *m = gotc_mirror_find(h, name);
	if (!m)
		return;
	struct buf line;
	buf_init(&line);
	for (size_t i = 0; m->urls[i]; i++) {
		/* credentials stay in config.ini, never in a world-readable prefix */
		const char *auth = strstr(m->urls[i], "://");
		size_t hl = auth ? strcspn(auth + 3, "/") : 0;
		if (auth && memchr(auth + 3, '@', hl))
			continue;
		buf_printf(&line, "%s%s", line.len ? " " : "", m->urls[i]);
	}
	if (line.len)
		buf_printf(b, "%s = %s\n", name, line.s);
	else
		buf_printf(b, "; %s: its URLs carry credentials and are not kept here\n", name);
	buf_free(&line);
}

/* record/mirrors.ini: the mirrors the plan's recipes name, as resolved at
 * install, so planning the record again needs no config.ini entry. */
static char *mirrors_ini(gotc_t *h, const struct plan *p)
{
	struct buf b;
	char **seen = calloc(1, sizeof(*seen));
	buf_init(&b);
	buf_printf(&b, "; the mirrors this instance was installed from; commands that plan it\n"
		       "; again from this record use them for a ${mirror:NAME} config.ini does\n"
		       "; not define (config.ini first, then these, then the host's apt source)\n"
		       "[mirrors]\n");
	for (int i = 0; seen && i <= TR__COUNT; i++) {
		const struct recipe *r = i < TR__COUNT ? p->rs.r[i] : p->packages;
		if (!r)
			continue;
		for (size_t j = 0; j < r->nsources; j++)
			note_mirror(h, r->sources[j].url, &seen, &b);
		note_mirror(h, r->pkg_archive, &seen, &b);
	}
	strv_free(seen);
	if (!seen || b.oom) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

int instance_record_write(gotc_t *h, const struct plan *p, const char *root)
{
	const struct target *t = p->rs.t;
	struct instance_record rec;
	struct instance in;
	struct buf b;
	char *dir = path_join(root, "record"), *dest = NULL, *ini = NULL;
	memset(&rec, 0, sizeof(rec));
	memset(&in, 0, sizeof(in));
	buf_init(&b);
	/* t->name is the instance's name: TARGET[@goVERSION] */
	int rc = dir ? instance_parse(h, t->name, &in) : gotc_fail(h, -ENOMEM, "out of memory");
	if (!rc)
		rc = origin_of(h, t, &in, &rec);
	if (rc)
		goto out;
	if (!printable(rec.source) || !printable(rec.file) || !printable(rec.url)) {
		rc = gotc_fail(h, GOTC_EASSEMBLE,
			       "target %s: its file's path or repository URL holds control characters "
			       "(%s); move it to a plain path",
			       t->name, rec.file);
		goto out;
	}
	dest = str_printf("%s/targets/%s.ini", dir, in.target);
	rc = dest ? copy_verified(h, t->path, t->hash, dest) : -ENOMEM;
	for (int i = 0; !rc && i < TR__COUNT; i++) {
		const struct recipe *r = p->rs.r[i];
		if (!r)
			continue;
		free(dest);
		dest = str_printf("%s/recipes/%s/%s.ini", dir, recipe_kind_names[r->kind], r->name);
		rc = dest ? copy_verified(h, r->path, r->hash, dest) : -ENOMEM;
	}
	if (rc)
		goto out;
	buf_printf(&b,
		   "; what this instance was built from: its target and recipe files are kept\n"
		   "; next to this file, exactly as installed\n"
		   "[record]\ninstance = %s\ntarget = %s\nsource = %s\nfile = %s\nprefix_id = %s\n",
		   t->name, in.target, rec.source, rec.file, p->prefix_id);
	if (in.go)
		buf_printf(&b, "go = %s\n", in.go);
	if (in.with)
		buf_printf(&b, "with = %s\n", in.with);
	if (rec.repo)
		buf_printf(&b, "repo = %s\n", rec.repo);
	if (rec.commit)
		buf_printf(&b, "commit = %s\n", rec.commit);
	if (rec.url)
		buf_printf(&b, "url = %s\n", rec.url);
	if (p->packages) { /* the resolved packages: plans with no index */
		char *pins = pins_render(p);
		free(dest);
		dest = path_join(dir, "packages.ini");
		rc = pins && dest ? write_file_atomic(dest, pins, strlen(pins), 0644) : -ENOMEM;
		free(pins);
		if (rc) {
			rc = gotc_fail(h, rc, "cannot write %s: %s", dest ? dest : dir, strerror(-rc));
			goto out;
		}
	}
	ini = buf_steal(&b);
	free(dest);
	dest = path_join(dir, "record.ini");
	rc = ini && dest ? write_file_atomic(dest, ini, strlen(ini), 0644) : -ENOMEM;
	if (!rc) {
		free(ini);
		free(dest);
		ini = mirrors_ini(h, p);
		dest = path_join(dir, "mirrors.ini");
		rc = ini && dest ? write_file_atomic(dest, ini, strlen(ini), 0644) : -ENOMEM;
	}
	if (rc)
		rc = gotc_fail(h, rc, "cannot write %s: %s", dest ? dest : dir, strerror(-rc));
out:
	instance_record_clear(&rec);
	instance_free(&in);
	buf_free(&b);
	free(ini);
	free(dest);
	free(dir);
	return rc;
}

char *instance_origin_file(gotc_t *h, const struct target *t)
{
	char *tree = target_record_tree(t->path);
	if (tree) {
		struct instance_record rec;
		char *file = NULL;
		if (instance_record_load(h, tree, &rec) == 0) {
			file = rec.file;
			rec.file = NULL;
			instance_record_clear(&rec);
		}
		free(tree);
		return file ? file : strdup(t->path);
	}
	/* the files a bundle carries are unpacked under staging */
	char *file = realpath(t->path, NULL);
	char *staging = store_path(h, "store/.staging/");
	char *real_staging = NULL;
	if (staging) {
		char *dir = path_dirname(staging);
		real_staging = dir ? realpath(dir, NULL) : NULL;
		free(dir);
	}
	bool bundled = file && real_staging && str_starts(file, real_staging) &&
		       file[strlen(real_staging)] == '/';
	free(staging);
	free(real_staging);
	if (bundled) {
		free(file);
		return strdup("bundle");
	}
	return file ? file : strdup(t->path);
}

/* ---- resolving ---- */

/* The record spec names when mode lets it be used first; 1 if found. */
static int record_for(gotc_t *h, const char *spec, struct instance_record *rec)
{
	int rc = instance_record_find(h, spec, rec);
	if (rc == GOTC_ENOTINST || rc == GOTC_ENOTFOUND)
		return 0; /* not installed, or installed without a record */
	return rc ? rc : 1;
}

/* The target file spec names, as mode says (malloc'd), or NULL with the
 * error set; components of an instance are not appended. */
static char *target_file_of(gotc_t *h, const char *spec, const struct instance *in,
			    enum instance_mode mode)
{
	struct instance_record rec;
	char *path = NULL;
	int have = 0;
	h->err = 0;
	if (mode == INSTANCE_ONLY && instance_record_find(h, spec, &rec))
		return NULL; /* not installed, no record, or a damaged one */
	if (mode == INSTANCE_ONLY)
		have = 1;
	else if (mode == INSTANCE_FIRST && (have = record_for(h, spec, &rec)) < 0)
		return NULL; /* a damaged record is refused, never guessed around */
	if (!have && (path = find_target_file(h, in->target)))
		return path;
	if (!have && mode == SEARCH_FIRST && (have = record_for(h, spec, &rec)) < 0)
		return NULL;
	if (have) {
		path = instance_record_target(&rec);
		instance_record_clear(&rec);
		if (!path)
			gotc_fail(h, -ENOMEM, "out of memory");
		return path;
	}
	if (strchr(in->target, '/') && !str_ends(in->target, ".ini"))
		gotc_fail(h, GOTC_ENOTARGET,
			  "no target '%s': REPO/TARGET names a target of a recipe repository "
			  "(see 'gotc targets' and 'gotc repo list')",
			  in->target);
	else
		target_not_found(h, in->target, true);
	return NULL;
}

char *instance_target_file(gotc_t *h, const char *spec, enum instance_mode mode)
{
	struct instance in;
	if (instance_parse(h, spec, &in))
		return NULL;
	char *path = target_file_of(h, spec, &in, mode);
	char *full = path ? instance_name(&in, path) : NULL;
	if (path && !full)
		gotc_fail(h, -ENOMEM, "out of memory");
	free(path);
	instance_free(&in);
	return full;
}

/* The record tree of the file part of spec (FILE[@goVERSION]), or NULL. */
static char *record_tree_of(gotc_t *h, const char *spec)
{
	struct instance in;
	if (instance_parse(h, spec, &in))
		return NULL;
	char *tree = target_record_tree(in.target);
	instance_free(&in);
	return tree;
}

int instance_target_load(gotc_t *h, const char *spec, enum instance_mode mode, struct target **t,
			 bool *from_record)
{
	*t = NULL;
	char *path = instance_target_file(h, spec, mode);
	if (!path)
		return h->err ? h->err : GOTC_ENOTFOUND;
	char *tree = record_tree_of(h, path);
	if (from_record)
		*from_record = tree != NULL;
	free(tree);
	int rc = target_load_instance(h, path, t, NULL);
	free(path);
	return rc;
}

int instance_plan(gotc_t *h, const char *spec, enum instance_mode mode, struct plan *p,
		  bool *from_record)
{
	memset(p, 0, sizeof(*p));
	char *path = instance_target_file(h, spec, mode);
	if (!path)
		return h->err ? h->err : GOTC_ENOTFOUND;
	char *tree = record_tree_of(h, path);
	if (from_record)
		*from_record = tree != NULL;
	int rc = plan_build(h, path, p);
	if (!rc && tree) {
		struct instance_record rec;
		if ((rc = instance_record_load(h, tree, &rec)) == 0) {
			if (strcmp(rec.prefix_id, p->prefix_id) != 0)
				rc = gotc_fail(h, GOTC_ESTORE,
					       "the record of %s (%s) no longer reproduces its prefix "
					       "(prefix %.12s, record gives %.12s): see gotc verify %s, "
					       "and install it again",
					       rec.instance, tree, rec.prefix_id, p->prefix_id, rec.instance);
			instance_record_clear(&rec);
		}
		if (rc)
			plan_free(p);
	}
	free(tree);
	free(path);
	return rc;
}

/* ---- status ---- */

void instance_status_clear(struct instance_status *st)
{
	free(st->changed);
	free(st->source);
	memset(st, 0, sizeof(*st));
}

/* rel (a record-relative path) to the list of changed files in b. */
static void note(struct buf *b, const char *rel)
{
	buf_printf(b, "%s%s", b->len ? ", " : "", rel);
}

int instance_status(gotc_t *h, const char *instance, struct instance_status *st)
{
	struct instance_record rec;
	struct target *t = NULL, *rt = NULL;
	char *rpaths[TR__COUNT] = {NULL}, *path = NULL, *mine = NULL;
	struct buf b;
	memset(st, 0, sizeof(*st));
	buf_init(&b);
	int rc = instance_record_read(h, instance, &rec);
	if (rc == GOTC_ENOTFOUND)
		return 0; /* installed without a record: nothing to compare */
	if (rc)
		return rc;
	st->record = true;
	if (!rec.source || !rec.source[0])
		goto out; /* a bundle's: no source to compare with */
	if (!(st->source = strdup(rec.source))) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	struct instance in;
	if ((rc = instance_parse(h, rec.source, &in))) {
		rc = gotc_wrap(h, GOTC_ESTORE, "%s/record.ini: source", rec.dir);
		goto out;
	}
	path = find_target_file(h, in.target);
	if (!path) {
		instance_free(&in);
		goto out;
	}
	st->found = true;
	mine = instance_record_target(&rec);
	if (!mine || (rc = target_load(h, mine, &rt))) {
		rc = rc ? rc : gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	rc = target_locate(h, path, in.go, in.with, &t, rpaths);
	instance_free(&in);
	if (rc) {
		rc = 0;
		st->changed = str_printf("it no longer resolves: %s", h->errbuf);
		goto out;
	}
	if (strcmp(t->hash, rt->hash) != 0) {
		char *rel = str_printf("targets/%s.ini", rec.target);
		note(&b, rel ? rel : "targets/");
		free(rel);
	}
	for (int i = 0; i < TR__COUNT; i++) {
		if (!rpaths[i])
			continue;
		/* TR_* and RK_* name the kinds in the same order */
		char *rel = str_printf("recipes/%s/%s.ini", recipe_kind_names[i], t->recipe[i]);
		char *kept = rel ? path_join(rec.dir, rel) : NULL;
		char a[129], k[129];
		if (!rel || !kept) {
			free(rel);
			free(kept);
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			goto out;
		}
		if (hash_file(rpaths[i], HASH_SHA256, a) || hash_file(kept, HASH_SHA256, k) || strcmp(a, k))
			note(&b, rel);
		free(rel);
		free(kept);
	}
	if (b.oom) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (b.len)
		st->changed = buf_steal(&b);
out:
	buf_free(&b);
	for (int i = 0; i < TR__COUNT; i++)
		free(rpaths[i]);
	target_free(t);
	target_free(rt);
	free(path);
	free(mine);
	instance_record_clear(&rec);
	if (rc)
		instance_status_clear(st);
	return rc;
}

/* ---- lint ---- */

int instance_lint_files(gotc_t *h, const char *spec, char ***files)
{
	struct instance_record rec;
	struct instance in;
	struct target *t = NULL;
	char *rpaths[TR__COUNT] = {NULL};
	*files = NULL;
	if (instance_parse(h, spec, &in)) {
		char msg[sizeof(h->errbuf)]; /* the message stays; its code becomes not-found */
		memcpy(msg, h->errbuf, sizeof(msg));
		return gotc_fail(h, GOTC_ENOTFOUND, "%s", msg);
	}
	/* the file the search path gives (what an install would use), else the
	 * installed instance's own copy */
	char *path = find_target_file(h, in.target);
	if (!path && record_for(h, spec, &rec) > 0) {
		path = instance_record_target(&rec);
		instance_record_clear(&rec);
	}
	if (!path) {
		instance_free(&in);
		if (str_ends(spec, ".ini"))
			return gotc_fail(h, GOTC_ENOTFOUND, "%s: no such file", spec);
		char *sug = target_nearest(h, spec);
		int nf = gotc_fail(h, GOTC_ENOTFOUND,
				   "%s: no such file, target on the search path or installed target "
				   "(%s%s%ssee 'gotc targets' and 'gotc list')",
				   spec, sug ? "did you mean '" : "", sug ? sug : "", sug ? "'? " : "");
		free(sug);
		return nf;
	}
	/* an instance's target is linted as that instance (FILE@goVERSION) */
	char **v = calloc(1, sizeof(char *));
	char *first = instance_name(&in, path);
	int rc = v && first && !strv_push(&v, first) ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
	free(first);
	/* its recipes too; a target whose recipes do not resolve fails its own lint */
	if (!rc && target_locate(h, path, in.go, in.with, &t, rpaths) == 0)
		for (int i = 0; i < TR__COUNT && !rc; i++)
			if (rpaths[i] && strv_push(&v, rpaths[i]))
				rc = gotc_fail(h, -ENOMEM, "out of memory");
	for (int i = 0; i < TR__COUNT; i++)
		free(rpaths[i]);
	target_free(t);
	free(path);
	instance_free(&in);
	if (rc)
		strv_free(v);
	else
		*files = v;
	return rc;
}
