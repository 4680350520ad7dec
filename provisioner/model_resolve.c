/* model_resolve.c - search path, cross-file validation, mirror rewriting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "model.h"
#include "repo.h"
#include "util.h"

const char *go_min_kernel(const char *go_version)
{
	/* Go 1.24 dropped kernels older than 3.2; 1.23 was the last for 2.6.32. */
	return version_cmp(go_version, "1.24") >= 0 ? "3.2" : "2.6.32";
}

static bool name_ok(const char *name)
{
	return *name && name[0] != '.' && !strchr(name, '/');
}

/* dir/sub/name.ini if it is a file (malloc'd), else NULL. */
static char *find_in(const char *dir, const char *sub, const char *name)
{
	char *p = str_printf("%s/%s/%s.ini", dir, sub, name);
	if (p && is_file(p))
		return p;
	free(p);
	return NULL;
}

char *find_target_file(gotc_t *h, const char *name)
{
	if (str_ends(name, ".ini") && is_file(name))
		return strdup(name);
	const char *slash = strchr(name, '/');
	char repo[80], owner[80];
	if (slash) {
		/* REPO/TARGET: that repository's tree only. */
		size_t rl = (size_t)(slash - name);
		if (!rl || rl >= sizeof(repo) || !name_ok(slash + 1))
			return NULL;
		memcpy(repo, name, rl);
		repo[rl] = '\0';
		for (size_t i = 0; h->search && h->search[i]; i++)
			if (repo_of_dir(h, h->search[i], owner, sizeof(owner)) && strcmp(owner, repo) == 0)
				return find_in(h->search[i], "targets", slash + 1);
		return NULL;
	}
	if (!name_ok(name))
		return NULL;
	for (size_t i = 0; h->search && h->search[i]; i++) {
		char *p = find_in(h->search[i], "targets", name);
		if (p)
			return p;
	}
	return NULL;
}

/* Recipes come from the repository that holds the target (origin, NULL when
 * the target is not a repository's), then from the search path without
 * repository trees: a repository is self-contained, and adding one never
 * changes the recipes of anyone else's targets.  strict: origin only (an
 * installed instance's record). */
static char *find_recipe_for(gotc_t *h, enum recipe_kind kind, const char *name, const char *origin,
			     bool strict)
{
	char sub[32], owner[80];
	if (!name_ok(name))
		return NULL;
	snprintf(sub, sizeof(sub), "recipes/%s", recipe_kind_names[kind]);
	char *p = origin ? find_in(origin, sub, name) : NULL;
	for (size_t i = 0; !p && !strict && h->search && h->search[i]; i++)
		if (!repo_of_dir(h, h->search[i], owner, sizeof(owner)))
			p = find_in(h->search[i], sub, name);
	return p;
}

char *target_record_tree(const char *path)
{
	char *dir = path_dirname(path), *tree = dir ? path_dirname(dir) : NULL;
	char *marker = tree ? path_join(tree, "record.ini") : NULL;
	bool ok = marker && strcmp(path_basename(dir), "targets") == 0 &&
		  strcmp(path_basename(tree), "record") == 0 && is_file(marker);
	free(dir);
	free(marker);
	if (!ok) {
		free(tree);
		return NULL;
	}
	return tree;
}

char *find_recipe_file(gotc_t *h, enum recipe_kind kind, const char *name)
{
	return find_recipe_for(h, kind, name, NULL, false);
}

/* The repository tree on the search path that holds target file path, if any. */
static const char *target_origin(gotc_t *h, const char *path)
{
	char owner[80];
	for (size_t i = 0; h->search && h->search[i]; i++) {
		size_t n = strlen(h->search[i]);
		if (strncmp(path, h->search[i], n) == 0 && str_starts(path + n, "/targets/") &&
		    !strchr(path + n + 9, '/'))
			return repo_of_dir(h, h->search[i], owner, sizeof(owner)) ? h->search[i] : NULL;
	}
	return NULL;
}

bool url_mirror_name(const char *url, char *name, size_t size)
{
	if (!url || !str_starts(url, "${mirror:"))
		return false;
	const char *n = url + 9, *e = strchr(n, '}');
	if (!e || e == n || (size_t)(e - n) >= size)
		return false;
	memcpy(name, n, (size_t)(e - n));
	name[e - n] = '\0';
	return true;
}

char **url_expand(gotc_t *h, const char *url, const char *file, int line)
{
	char **v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	if (!str_starts(url, "${mirror:")) {
		if (strv_push(&v, url))
			goto oom;
		return v;
	}
	const char *e = strchr(url, '}');
	char name[128];
	if (!url_mirror_name(url, name, sizeof(name))) {
		gotc_fail(h, GOTC_ERECIPE, "%s:%d: url: malformed ${mirror:NAME} in '%s'", file, line, url);
		strv_free(v);
		return NULL;
	}
	const struct gotc_mirror *m = gotc_mirror_find(h, name);
	if (!m) {
		gotc_fail(h, GOTC_ERECIPE, "%s:%d: url: unknown mirror '%s' (%sdefine it in %s: [mirrors] %s = URL)",
			  file, line, name,
			  strcmp(name, "debian") == 0 ? "no apt source of the Debian archive on this host; " : "",
			  h->user_config ? h->user_config : "config.ini", name);
		strv_free(v);
		return NULL;
	}
	/* The rule for recipe URLs holds for the mirrors they name: plain http
	 * only with allow_http (the host's own apt source, used when config.ini
	 * names no debian mirror, is the host's decision). */
	for (size_t i = 0; m->urls[i] && !m->from_apt && !h->allow_http; i++)
		if (str_starts(m->urls[i], "http://")) {
			char *safe = url_redact(m->urls[i]);
			gotc_fail(h, GOTC_ERECIPE,
				  "%s:%d: url: mirror '%s' is plain http (%s): set allow_http = yes in "
				  "[fetch] of config.ini, or use https:// or file://",
				  file, line, name, safe ? safe : "?");
			free(safe);
			strv_free(v);
			return NULL;
		}
	for (size_t i = 0; m->urls[i]; i++) {
		size_t bl = strlen(m->urls[i]);
		while (bl && m->urls[i][bl - 1] == '/')
			bl--;
		const char *rest = e + 1;
		while (*rest == '/')
			rest++;
		char *u = str_printf("%.*s/%s", (int)bl, m->urls[i], rest);
		if (!u || strv_push(&v, u)) {
			free(u);
			goto oom;
		}
		free(u);
	}
	return v;
oom:
	strv_free(v);
	gotc_fail(h, -ENOMEM, "out of memory");
	return NULL;
}

const char *host_arch(void)
{
	static char name[80];
	struct utsname u;
	if (name[0])
		return name;
	if (uname(&u) < 0)
		return "x86_64";
	if (strcmp(u.machine, "aarch64") == 0)
		snprintf(name, sizeof(name), "arm64");
	else if (str_starts(u.machine, "armv7"))
		snprintf(name, sizeof(name), "armv7");
	else
		snprintf(name, sizeof(name), "%s", u.machine);
	return name;
}

void resolved_free(struct resolved *rs)
{
	target_free(rs->t);
	for (int i = 0; i < TR__COUNT; i++)
		recipe_free(rs->r[i]);
	memset(rs, 0, sizeof(*rs));
}

static const enum recipe_kind tr_kind[TR__COUNT] = {RK_GO, RK_TOOLCHAIN, RK_SYSROOT, RK_KERNEL};

/* Check that every source URL names a known mirror. */
int recipe_check_mirrors(gotc_t *h, const struct recipe *r)
{
	for (size_t i = 0; i < r->nsources; i++) {
		char **v = url_expand(h, r->sources[i].url, r->path, r->sources[i].url_line);
		if (!v)
			return h->err;
		strv_free(v);
	}
	return 0;
}

/* The instance's packages (a canonical "a_b_c") added to t's [packages]. */
static int add_packages(gotc_t *h, struct target *t, const char *with)
{
	char *copy = strdup(with), *save = NULL;
	int rc = copy ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
	for (char *w = copy ? strtok_r(copy, "_", &save) : NULL; w && !rc; w = strtok_r(NULL, "_", &save)) {
		if (!strv_has(t->packages, w) && strv_push(&t->packages, w))
			rc = gotc_fail(h, -ENOMEM, "out of memory");
	}
	free(copy);
	return rc;
}

int target_locate(gotc_t *h, const char *path, const char *go, const char *with, struct target **t,
		  char *rpaths[TR__COUNT])
{
	char *tree = target_record_tree(path);
	const char *origin = tree ? tree : target_origin(h, path);
	for (int i = 0; i < TR__COUNT; i++)
		rpaths[i] = NULL;
	int rc = target_load(h, path, t);
	if (!rc && tree) /* the mirrors it was installed from, after config.ini's */
		rc = config_record_mirrors(h, tree);
	if (!rc && with)
		rc = add_packages(h, *t, with);
	if (!rc && (go || with)) {
		/* named as the instance: TARGET[@goVERSION][@with-PKG_PKG...] */
		struct instance in = {.target = (*t)->name, .go = (char *)go, .with = (char *)with};
		char *full = instance_name(&in, (*t)->name);
		if (!full)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		else {
			free((*t)->name);
			(*t)->name = full;
		}
	}
	if (!rc && go) {
		/* The instance's Go replaces the target's default (which, when
		 * present, says where to prefer the Go from); a record holds the
		 * instance's Go recipe alone. */
		struct recipe *def = NULL;
		char *pick = NULL, *rp = find_recipe_for(h, RK_GO, (*t)->recipe[TR_GO], origin, tree != NULL);
		if (rp && recipe_load(h, rp, RK_GO, &def))
			def = NULL;
		free(rp);
		rc = instance_pick_go(h, origin, tree != NULL, *t, go, def, &pick);
		recipe_free(def);
		if (!rc) {
			free((*t)->recipe[TR_GO]);
			(*t)->recipe[TR_GO] = pick;
		}
	}
	for (int i = 0; !rc && i < TR__COUNT; i++) {
		if (!(*t)->recipe[i])
			continue;
		rpaths[i] = find_recipe_for(h, tr_kind[i], (*t)->recipe[i], origin, tree != NULL);
		if (rpaths[i])
			continue;
		if (tree)
			rc = gotc_fail(h, GOTC_ERECIPE, "%s:%d: no %s recipe '%s' in the installed record %s",
				       (*t)->path, (*t)->recipe_line[i], recipe_kind_names[tr_kind[i]], (*t)->recipe[i], tree);
		else
			rc = gotc_fail(h, GOTC_ERECIPE,
				       "%s:%d: no %s recipe '%s' (looked for recipes/%s/%s.ini on the "
				       "search path)",
				       (*t)->path, (*t)->recipe_line[i], recipe_kind_names[tr_kind[i]], (*t)->recipe[i],
				       recipe_kind_names[tr_kind[i]], (*t)->recipe[i]);
	}
	free(tree);
	if (rc) {
		target_free(*t);
		*t = NULL;
		for (int i = 0; i < TR__COUNT; i++) {
			free(rpaths[i]);
			rpaths[i] = NULL;
		}
	}
	return rc;
}

/* "no target NAME", with the nearest target name on the search path. */
int target_not_found(gotc_t *h, const char *name, bool installed_too)
{
	const char *where = installed_too ? "installed or on the search path" : "on the search path";
	const char *see = installed_too ? "'gotc list' and 'gotc targets'" : "'gotc targets'";
	char *sug = target_nearest(h, name);
	int rc = sug ? gotc_fail(h, GOTC_ENOTARGET, "no target '%s' %s (did you mean '%s'? see %s)", name,
				 where, sug, see)
		     : gotc_fail(h, GOTC_ENOTARGET, "no target '%s' %s (see %s)", name, where, see);
	free(sug);
	return rc;
}

int target_resolve(gotc_t *h, const char *name, struct resolved *rs)
{
	struct instance in;
	memset(rs, 0, sizeof(*rs));
	char *rpaths[TR__COUNT] = {NULL};
	int rc = instance_parse(h, name, &in);
	if (rc)
		return rc;
	char *path = find_target_file(h, in.target);
	if (!path && strchr(in.target, '/') && !str_ends(in.target, ".ini"))
		rc = gotc_fail(h, GOTC_ENOTARGET,
			       "no target '%s': REPO/TARGET names a target of a recipe repository "
			       "(see 'gotc targets' and 'gotc repo list')",
			       in.target);
	else if (!path)
		rc = target_not_found(h, in.target, false);
	if (!rc)
		rc = target_locate(h, path, in.go, in.with, &rs->t, rpaths);
	free(path);
	instance_free(&in);
	if (rc)
		return rc;
	struct target *t = rs->t;
	for (int i = 0; i < TR__COUNT && !rc; i++) {
		if (!rpaths[i])
			continue;
		rc = recipe_load(h, rpaths[i], tr_kind[i], &rs->r[i]);
		if (!rc)
			rc = recipe_check_mirrors(h, rs->r[i]);
	}
	for (int i = 0; i < TR__COUNT; i++)
		free(rpaths[i]);
	if (rc)
		goto out;
	const struct recipe *go = rs->r[TR_GO], *tc = rs->r[TR_TOOLCHAIN];
	const struct recipe *sr = rs->r[TR_SYSROOT], *kh = rs->r[TR_KERNEL];
	const char *gomin = go->min_kernel ? go->min_kernel : go_min_kernel(go->version);
	if (version_cmp(gomin, t->kernel) > 0) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: Go %s (recipe %s) needs Linux %s or newer, but the target's "
			       "kernel is %s",
			       t->path, t->recipe_line[TR_GO], go->version, go->name, gomin, t->kernel);
		goto out;
	}
	if (version_cmp_prefix(kh->version, t->kernel) > 0) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: kernel headers %s (recipe %s) are newer than the target's kernel "
			       "%s; use headers no newer than %s",
			       t->path, t->recipe_line[TR_KERNEL], kh->version, kh->name, t->kernel,
			       t->kernel);
		goto out;
	}
	if (tc->triple) {
		/* A toolchain without a libc key (a host compiler plus a linker)
		 * only has to match the arch. */
		bool match = tc->libc < 0 ? arch_cpu_matches(t->arch, tc->triple)
					  : tc->libc == t->libc &&
						    arch_triple_matches(t->arch, (enum libc_kind)t->libc, tc->triple);
		if (!match) {
			rc = gotc_fail(h, GOTC_ERECIPE,
				       "%s:%d: toolchain %s builds for %s (%s), but the target is %s "
				       "with %s (expected a triple like %s)",
				       t->path, t->recipe_line[TR_TOOLCHAIN], tc->name, tc->triple,
				       tc->libc_str ? tc->libc_str : "any libc", t->arch->name, t->libc_str,
				       t->arch->libc[t->libc].triple);
			goto out;
		}
	}
	if (strcmp(t->cxx_stdlib, "libc++") == 0 && strcmp(tc->type, "clang") != 0) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: cxx_stdlib = libc++ needs a clang toolchain; %s is %s (its C++ "
			       "compiler links libstdc++)",
			       t->path, t->recipe_line[TR_TOOLCHAIN], tc->name, tc->type);
		goto out;
	}
	if (!sr && !tc->sysroot_dir) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: [recipes] has no sysroot and toolchain %s carries none "
			       "(add sysroot = NAME)",
			       t->path, t->recipe_line[TR_TOOLCHAIN], tc->name);
		goto out;
	}
	if (sr) {
		if (sr->libc != t->libc) {
			rc = gotc_fail(h, GOTC_ERECIPE, "%s:%d: sysroot %s is %s, but the target's libc is %s",
				       t->path, t->recipe_line[TR_SYSROOT], sr->name, sr->libc_str,
				       t->libc_str);
			goto out;
		}
	}
	const char *lv = sr ? sr->libc_version : tc->libc_version;
	const char *gx = sr ? sr->glibcxx : tc->glibcxx;
	const char *who = sr ? sr->name : tc->name;
	int wline = t->recipe_line[sr ? TR_SYSROOT : TR_TOOLCHAIN];
	if (lv && version_cmp(lv, t->libc_version) > 0) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: sysroot %s has %s %s, newer than the target's ceiling %s",
			       t->path, wline, who, t->libc_str, lv, t->libc_version);
		goto out;
	}
	if (gx && t->glibcxx && strcmp(t->cxx_stdlib, "libstdc++") == 0 &&
	    version_cmp(gx, t->glibcxx) > 0) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: %s has libstdc++ GLIBCXX_%s, newer than the target's ceiling "
			       "GLIBCXX_%s",
			       t->path, wline, who, gx, t->glibcxx);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		resolved_free(rs);
	return rc;
}
