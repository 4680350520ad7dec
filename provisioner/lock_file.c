/* lock_file.c - write, read and check lockfiles (format in lock.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ini_strict.h"
#include "install.h"
#include "instance_record.h"
#include "lock.h"

const char *lock_rel_path(gotc_t *h, const char *path)
{
	for (size_t i = 0; h->search && h->search[i]; i++) {
		size_t l = strlen(h->search[i]);
		while (l > 1 && h->search[i][l - 1] == '/')
			l--;
		if (strncmp(path, h->search[i], l) == 0 && path[l] == '/')
			return path + l + 1;
	}
	return path;
}

static const char *digest_of(const struct source *s)
{
	return s->sha256 ? s->sha256 : s->sha512;
}

/* ---- writing ---- */

static void render_artifacts(gotc_t *h, const struct plan *plans, size_t n, struct buf *b,
			     char ***seen)
{
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < plans[i].nentries; j++)
			for (size_t a = 0; a < plans[i].entries[j].narts; a++) {
				const struct artifact *art = &plans[i].entries[j].arts[a];
				const char *d = digest_of(art->src);
				if (strv_has(*seen, d))
					continue;
				if (strv_push(seen, d))
					b->oom = 1; /* the writer fails with ENOMEM */
				struct stat st;
				uint64_t size = art->src->size;
				if (!size && stat(art->cache_path, &st) == 0)
					size = (uint64_t)st.st_size;
				buf_printf(b, "\n[artifact %s]\nurl = %s\nresolved = %s\nsize = %llu\n", d,
					   art->src->url, art->urls[0] ? art->urls[0] : art->src->url,
					   (unsigned long long)size);
				if (art->recipe == plans[i].packages) /* a .deb of [packages] */
					buf_printf(b, "package = %s\n", art->src->name);
				buf_puts(b, "entries =");
				/* every entry (of any target) this artifact goes into */
				char **names = NULL;
				for (size_t i2 = 0; i2 < n; i2++)
					for (int j2 = 0; j2 < plans[i2].nentries; j2++) {
						const struct entry *e = &plans[i2].entries[j2];
						for (size_t a2 = 0; a2 < e->narts; a2++)
							if (strcmp(digest_of(e->arts[a2].src), d) == 0 &&
							    !strv_has(names, e->name)) {
								if (strv_push(&names, e->name))
									b->oom = 1;
								buf_printf(b, " %s", e->name);
							}
					}
				strv_free(names);
				buf_putc(b, '\n');
			}
	(void)h;
}

int lock_render(gotc_t *h, char *const *names, size_t n, struct buf *b)
{
	struct plan *plans = calloc(n ? n : 1, sizeof(*plans));
	char **seen = NULL, **rnames = NULL, **rcommits = NULL;
	size_t np = 0;
	int rc = 0;
	if (!plans)
		return gotc_fail(h, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		bool dup = false;
		for (size_t k = 0; k < np && !dup; k++)
			dup = strcmp(plans[k].rs.t->name, path_basename(names[i])) == 0 ||
			      strcmp(plans[k].rs.t->name, names[i]) == 0;
		/* an installed instance pins what it was built from */
		if (!dup && !(rc = instance_plan(h, names[i], INSTANCE_FIRST, &plans[np], NULL)))
			np++;
	}
	/* Sizes: from the recipe, else from the verified file in the cache. */
	if (!rc)
		rc = install_fetch(h, plans, np, true);
	if (!rc)
		rc = repo_commits(h, &rnames, &rcommits);
	if (rc)
		goto out;
	buf_printf(b, "; gotc lockfile, written by 'gotc lock'.  Install exactly this with\n"
		      ";   gotc install --locked FILE\n"
		      "[lock]\nversion = 1\ngotc = %s\nhost = %s\ntargets =",
		   GOTC_VERSION, host_arch());
	for (size_t i = 0; i < np; i++)
		buf_printf(b, " %s", plans[i].rs.t->name);
	buf_putc(b, '\n');
	for (size_t i = 0; i < np; i++) {
		const struct plan *p = &plans[i];
		buf_printf(b, "\n[target %s]\nfile = %s\nsha256 = %s\nentries =", p->rs.t->name,
			   lock_rel_path(h, p->rs.t->path), p->rs.t->hash);
		for (int j = 0; j < p->nentries; j++)
			buf_printf(b, " %s", p->entries[j].name);
		buf_printf(b, "\nprefix = %s\n", p->prefix_id);
		if (p->packages) {
			buf_puts(b, "packages =");
			for (size_t k = 0; k < p->packages->nsources; k++)
				buf_printf(b, " %s", p->packages->sources[k].name);
			buf_printf(b, "\npackages_index = %s\npackages_key = %s\n", p->index_date,
				   p->index_key);
		}
	}
	for (size_t i = 0; i < np; i++)
		for (int k = 0; k < TR__COUNT; k++) {
			const struct recipe *r = plans[i].rs.r[k];
			if (!r)
				continue;
			char *id = str_printf("%s/%s", recipe_kind_names[r->kind], r->name);
			bool fresh = id && !strv_has(seen, id);
			if (!id || (fresh && strv_push(&seen, id)))
				b->oom = 1; /* the writer fails with ENOMEM */
			else if (fresh)
				buf_printf(b, "\n[recipe %s]\nfile = %s\nsha256 = %s\n", id,
					   lock_rel_path(h, r->path), r->hash);
			free(id);
		}
	render_artifacts(h, plans, np, b, &seen);
	for (size_t i = 0; rnames && rnames[i] && rcommits[i]; i++)
		buf_printf(b, "\n[repo %s]\ncommit = %s\n", rnames[i], rcommits[i]);
	if (b->oom)
		rc = gotc_fail(h, -ENOMEM, "out of memory");
out:
	strv_free(seen);
	strv_free(rnames);
	strv_free(rcommits);
	for (size_t i = 0; i < np; i++)
		plan_free(&plans[i]);
	free(plans);
	return rc;
}

/* ---- reading ---- */

#define L(f) offsetof(struct lock_sect, f)
static const struct ini_key lock_keys[] = {
	{"lock", "version", IT_U64, IK_REQUIRED, L(version), NULL, 0},
	{"lock", "gotc", IT_STR, 0, L(gotc), NULL, 0},
	{"lock", "host", IT_WORD, IK_REQUIRED, L(host), NULL, 0},
	{"lock", "targets", IT_WORDS, IK_REQUIRED, L(targets), NULL, 0},
	{"target", "file", IT_STR, IK_REQUIRED, L(file), NULL, 0},
	{"target", "sha256", IT_SHA256, IK_REQUIRED, L(sha256), NULL, 0},
	{"target", "entries", IT_WORDS, IK_REQUIRED, L(entries), NULL, 0},
	{"target", "prefix", IT_WORD, 0, L(prefix), NULL, 0},
	{"target", "packages", IT_WORDS, 0, L(packages), NULL, 0},
	{"target", "packages_index", IT_STR, 0, L(index_date), NULL, 0},
	{"target", "packages_key", IT_WORD, 0, L(index_key), NULL, 0},
	{"recipe", "file", IT_STR, IK_REQUIRED, L(file), NULL, 0},
	{"recipe", "sha256", IT_SHA256, IK_REQUIRED, L(sha256), NULL, 0},
	{"artifact", "url", IT_STR, IK_REQUIRED, L(url), NULL, 0},
	{"artifact", "resolved", IT_STR, 0, L(resolved), NULL, 0},
	{"artifact", "size", IT_U64, IK_REQUIRED, L(size), NULL, 0},
	{"artifact", "entries", IT_WORDS, IK_REQUIRED, L(entries), NULL, 0},
	{"artifact", "package", IT_WORD, 0, L(package), NULL, 0},
	{"repo", "commit", IT_WORD, IK_REQUIRED, L(commit), NULL, 0},
};
static const char *const lock_sections[] = {"lock", "target", "recipe", "artifact", "repo", NULL};
static const char *const lock_named[] = {"target", "recipe", "artifact", "repo", NULL};

static void *lock_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	struct lockfile *lf = c->user;
	size_t cl = strcspn(sect, " \t");
	*cls = NULL;
	struct lock_sect *s = calloc(1, sizeof(*s));
	struct lock_sect **nv = s ? realloc(lf->s, (lf->n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(s);
		return NULL;
	}
	lf->s = nv;
	nv[lf->n++] = s;
	s->line = line;
	for (int k = 0; lock_sections[k]; k++)
		if (strlen(lock_sections[k]) == cl && strncmp(sect, lock_sections[k], cl) == 0)
			s->kind = (enum lock_sect_kind)k;
	const char *name = sect + cl;
	while (*name == ' ' || *name == '\t')
		name++;
	if (!(s->name = strdup(name)))
		return NULL;
	if (s->kind == LS_ARTIFACT && !is_hex(name, 64) && !is_hex(name, 128)) {
		ini_error(c, line, "[artifact %s]: expected the sha256 (64 hex digits) or sha512 of a source", name);
		return NULL;
	}
	return s;
}

static void sect_free(struct lock_sect *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->gotc);
	free(s->host);
	free(s->file);
	free(s->sha256);
	free(s->prefix);
	free(s->url);
	free(s->resolved);
	free(s->package);
	free(s->index_date);
	free(s->index_key);
	strv_free(s->packages);
	free(s->commit);
	strv_free(s->targets);
	strv_free(s->entries);
	free(s);
}

void lock_free(struct lockfile *lf)
{
	for (size_t i = 0; i < lf->n; i++)
		sect_free(lf->s[i]);
	free(lf->s);
	free(lf->path);
	memset(lf, 0, sizeof(*lf));
}

static struct lock_sect *find(const struct lockfile *lf, enum lock_sect_kind k, const char *name)
{
	for (size_t i = 0; i < lf->n; i++)
		if (lf->s[i]->kind == k && (!name || strcmp(lf->s[i]->name, name) == 0))
			return lf->s[i];
	return NULL;
}

int lock_read(gotc_t *h, const char *path, struct lockfile *lf)
{
	char *data = NULL;
	size_t len = 0;
	memset(lf, 0, sizeof(*lf));
	int rc = read_file(path, &data, &len);
	if (rc)
		return gotc_fail(h, GOTC_ERECIPE, "%s: %s (make one with: gotc lock TARGET... -o %s)", path,
				 gotc_strerror(rc), path);
	struct ini_ctx c = {0};
	c.h = h;
	c.path = path;
	c.keys = lock_keys;
	c.nkeys = sizeof(lock_keys) / sizeof(lock_keys[0]);
	c.sections = lock_sections;
	c.named_sections = lock_named;
	c.on_section = lock_section;
	c.user = lf;
	rc = ini_read(&c, data, len);
	if (!rc) {
		struct lock_sect *l = find(lf, LS_LOCK, NULL);
		if (!l)
			rc = ini_error(&c, 1, "no [lock] section: not a gotc lockfile");
		else if (l->version != 1)
			rc = ini_error(&c, ini_key_line(&c, "lock", "version"),
				       "lockfile version %llu is not supported by gotc %s (expected 1)",
				       (unsigned long long)l->version, GOTC_VERSION);
		for (size_t i = 0; !rc && l && l->targets[i]; i++)
			if (!find(lf, LS_TARGET, l->targets[i]))
				rc = ini_error(&c, l->line, "targets: '%s' has no [target %s] section",
					       l->targets[i], l->targets[i]);
	}
	ini_ctx_free(&c);
	free(data);
	if (!rc && !(lf->path = strdup(path)))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	if (rc)
		lock_free(lf);
	return rc;
}

char **lock_targets(const struct lockfile *lf)
{
	return find(lf, LS_LOCK, NULL)->targets;
}

char *lock_target_arg(const struct lockfile *lf, const char *name)
{
	const struct lock_sect *t = find(lf, LS_TARGET, name);
	if (!t)
		return NULL;
	/* a target given as a path keeps its instance components */
	const char *at = strchr(t->name, '@');
	return t->file[0] == '/' ? str_printf("%s%s", t->file, at ? at : "") : strdup(t->name);
}

/* ---- checking ---- */

static int changed(gotc_t *h, const struct lockfile *lf, const char *locked_file, const char *now_path,
		   const char *locked_hash, const char *now_hash)
{
	const char *rel = lock_rel_path(h, now_path);
	return gotc_fail(h, GOTC_ERECIPE,
			 "%s: %s changed since the lock (sha256 %s in the lock, %s now%s%s); "
			 "restore it, or make a new lock with: gotc lock",
			 lf->path, locked_file, locked_hash, now_hash,
			 strcmp(rel, locked_file) ? ", file now found at " : "",
			 strcmp(rel, locked_file) ? now_path : "");
}

int lock_check(gotc_t *h, const struct lockfile *lf, struct plan *p)
{
	const struct lock_sect *l = find(lf, LS_LOCK, NULL);
	const struct target *t = p->rs.t;
	const struct lock_sect *ts = find(lf, LS_TARGET, t->name);
	if (!ts || !strv_has(l->targets, t->name))
		return gotc_fail(h, GOTC_ERECIPE, "%s: target %s is not in the lock (locked: see [lock] targets)",
				 lf->path, t->name);
	if (strcmp(l->host, host_arch()) != 0)
		return gotc_fail(h, GOTC_ERECIPE,
				 "%s:%d: the lock was made on a %s host, this host is %s (store entries "
				 "differ per host arch: make a lock on a %s host with gotc lock)",
				 lf->path, l->line, l->host, host_arch(), host_arch());
	if (strcmp(ts->sha256, t->hash) != 0)
		return changed(h, lf, ts->file, t->path, ts->sha256, t->hash);
	for (int k = 0; k < TR__COUNT; k++) {
		const struct recipe *r = p->rs.r[k];
		if (!r)
			continue;
		char *id = str_printf("%s/%s", recipe_kind_names[r->kind], r->name);
		if (!id)
			return gotc_fail(h, -ENOMEM, "out of memory");
		const struct lock_sect *rs = find(lf, LS_RECIPE, id);
		int rc = 0;
		if (!rs)
			rc = gotc_fail(h, GOTC_ERECIPE,
				       "%s: target %s uses recipe %s (%s), which is not in the lock; make a "
				       "new lock with: gotc lock",
				       lf->path, t->name, id, r->path);
		else if (strcmp(rs->sha256, r->hash) != 0)
			rc = changed(h, lf, rs->file, r->path, rs->sha256, r->hash);
		free(id);
		if (rc)
			return rc;
	}
	/* Store entries: same files and host give the same names. */
	bool same = (size_t)p->nentries == strv_len(ts->entries);
	for (int j = 0; same && j < p->nentries; j++)
		same = strcmp(ts->entries[j], p->entries[j].name) == 0;
	if (!same)
		return gotc_fail(h, GOTC_ERECIPE,
				 "%s:%d: target %s: the store entries in the lock are not the ones its "
				 "files give (%s ...); the lock was edited or made by another gotc version: "
				 "make it again with gotc lock",
				 lf->path, ts->line, t->name, p->nentries ? p->entries[0].name : "none");
	/* Every source pinned, every pinned artifact a source: fail closed. */
	for (int j = 0; j < p->nentries; j++) {
		struct entry *e = &p->entries[j];
		for (size_t a = 0; a < e->narts; a++) {
			struct source *src = (struct source *)e->arts[a].src; /* owned by p->rs */
			const struct lock_sect *as = find(lf, LS_ARTIFACT, digest_of(src));
			if (!as || !strv_has(as->entries, e->name))
				return gotc_fail(h, GOTC_ERECIPE,
						 "%s: %s:%d: source '%s' (%s) is not pinned in the lock: the "
						 "lock was edited or damaged; nothing was installed (make it "
						 "again with gotc lock)",
						 lf->path, e->arts[a].recipe->path, src->line, src->name,
						 digest_of(src));
			if (src->size && src->size != as->size)
				return gotc_fail(h, GOTC_ERECIPE,
						 "%s:%d: artifact %s: size %llu in the lock, the recipe %s "
						 "says %llu",
						 lf->path, as->line, as->name, (unsigned long long)as->size,
						 e->arts[a].recipe->path, (unsigned long long)src->size);
			src->size = as->size; /* downloads are held to the locked size */
		}
	}
	for (size_t i = 0; i < lf->n; i++) {
		const struct lock_sect *as = lf->s[i];
		if (as->kind != LS_ARTIFACT)
			continue;
		for (int j = 0; j < p->nentries; j++) {
			if (!strv_has(as->entries, p->entries[j].name))
				continue;
			bool found = false;
			for (size_t a = 0; a < p->entries[j].narts && !found; a++)
				found = strcmp(digest_of(p->entries[j].arts[a].src), as->name) == 0;
			if (!found)
				return gotc_fail(h, GOTC_ERECIPE,
						 "%s:%d: artifact %s is not a source of %s in the locked "
						 "recipes: the lock was edited or damaged; nothing was "
						 "installed (make it again with gotc lock)",
						 lf->path, as->line, as->name, p->entries[j].name);
		}
	}
	return 0;
}

int lock_check_repos(gotc_t *h, const struct lockfile *lf)
{
	char **names = NULL, **commits = NULL;
	int rc = repo_commits(h, &names, &commits);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < lf->n; i++) {
		const struct lock_sect *s = lf->s[i];
		if (s->kind != LS_REPO)
			continue;
		const char *now = NULL;
		for (size_t k = 0; names && names[k] && !now; k++)
			if (strcmp(names[k], s->name) == 0)
				now = commits[k];
		if (!now)
			rc = gotc_fail(h, GOTC_ERECIPE,
				       "%s:%d: recipe repository %s is not in %s/repos (add it with gotc repo)",
				       lf->path, s->line, s->name, h->home);
		else if (strcmp(now, s->commit) != 0)
			rc = gotc_fail(h, GOTC_ERECIPE,
				       "%s:%d: recipe repository %s is at commit %s, the lock has %s (check "
				       "out the locked commit, or make a new lock with gotc lock)",
				       lf->path, s->line, s->name, now, s->commit);
	}
	strv_free(names);
	strv_free(commits);
	return rc;
}

/* The packages the lock pins for target name (pp->n == 0: none): its
 * packages = NAME_VERSION... with the artifacts of its packages entry. */
static int lock_pins(gotc_t *h, const struct lockfile *lf, const char *name, struct pkg_pins *pp)
{
	const struct lock_sect *ts = find(lf, LS_TARGET, name);
	memset(pp, 0, sizeof(*pp));
	if (!ts || !ts->packages)
		return 0;
	const char *entry = NULL;
	for (size_t j = 0; ts->entries[j] && !entry; j++)
		if (str_starts(ts->entries[j], "packages-"))
			entry = ts->entries[j];
	int rc = 0;
	for (size_t k = 0; !rc && ts->packages[k]; k++) {
		const struct lock_sect *as = NULL;
		for (size_t i = 0; i < lf->n && !as; i++)
			if (lf->s[i]->kind == LS_ARTIFACT && lf->s[i]->package &&
			    strcmp(lf->s[i]->package, ts->packages[k]) == 0 && entry &&
			    strv_has(lf->s[i]->entries, entry))
				as = lf->s[i];
		if (!as)
			rc = gotc_fail(h, GOTC_ERECIPE,
				       "%s:%d: target %s: package %s has no [artifact] with package = %s in "
				       "its packages entry: the lock was edited or made by an older gotc; "
				       "make it again with gotc lock",
				       lf->path, ts->line, name, ts->packages[k], ts->packages[k]);
		else if (!is_hex(as->name, 64))
			rc = gotc_fail(h, GOTC_ERECIPE, "%s:%d: artifact %s: a package needs its sha256",
				       lf->path, as->line, as->name);
		else if (pins_add(pp, ts->packages[k], as->url, as->name, as->size))
			rc = gotc_fail(h, -ENOMEM, "out of memory");
	}
	if (!rc && (!(pp->index_date = strdup(ts->index_date ? ts->index_date : "")) ||
		    !(pp->index_key = strdup(ts->index_key ? ts->index_key : ""))))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	if (rc)
		pins_free(pp);
	return rc;
}

int lock_install(gotc_t *h, const char *path, char *const *names, size_t n)
{
	struct lockfile lf;
	int rc = lock_read(h, path, &lf);
	if (rc)
		return rc;
	char **want = n ? (char **)names : lock_targets(&lf);
	size_t nw = n ? n : strv_len(want);
	struct plan *plans = calloc(nw ? nw : 1, sizeof(*plans));
	size_t np = 0;
	if (!plans) {
		lock_free(&lf);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < nw && !rc; i++) {
		char *arg = lock_target_arg(&lf, want[i]);
		if (!arg) {
			rc = gotc_fail(h, GOTC_ERECIPE, "%s: target %s is not in the lock (it has: see [lock] targets)",
				       path, want[i]);
			break;
		}
		struct pkg_pins pins;
		if ((rc = lock_pins(h, &lf, want[i], &pins))) {
			free(arg);
			break;
		}
		rc = plan_build_pinned(h, arg, pins.n ? &pins : NULL, &plans[np]);
		pins_free(&pins);
		if (rc) {
			/* the locked target's file is gone: a difference, like an edit */
			if (rc == GOTC_ENOTARGET)
				rc = gotc_wrap(h, GOTC_ERECIPE, "%s: target %s (%s in the lock) is no longer "
								"on the search path",
					       path, want[i], arg);
			free(arg);
			break;
		}
		free(arg);
		np++;
		rc = lock_check(h, &lf, &plans[np - 1]);
	}
	if (!rc)
		rc = lock_check_repos(h, &lf);
	if (!rc)
		rc = install_plans(h, plans, np);
	for (size_t i = 0; i < np; i++)
		plan_free(&plans[i]);
	free(plans);
	lock_free(&lf);
	return rc;
}
