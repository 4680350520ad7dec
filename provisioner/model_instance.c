/* model_instance.c - instance names (TARGET[@goVERSION]) and the Go an
 * instance asks for.  The grammar is documented in model.h and gotc(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "repo.h"
#include "util.h"

/* The components after TARGET, in canonical order: a tag and where its value
 * goes.  A new axis is one more row (and one more field in struct instance). */
struct component {
	const char *tag;
	size_t off;
	bool (*valid)(const char *v);
	const char *what;
};

/* A package list as a component value: names joined by '_'. */
static bool with_valid(const char *v)
{
	if (!*v || strpbrk(v, " \t,") || v[0] == '_' || v[strlen(v) - 1] == '_' || strstr(v, "__"))
		return false;
	char *c = packages_canonical(v);
	free(c);
	return c != NULL;
}

static const struct component components[] = {
	{"go", offsetof(struct instance, go), go_release_valid, "a Go version like 1.24 or 1.24.4"},
	{"with-", offsetof(struct instance, with), with_valid,
	 "package names joined by '_', like libssl-dev_zlib1g-dev"},
};
#define NCOMP (sizeof(components) / sizeof(components[0]))

static char **slot(struct instance *in, const struct component *c)
{
	return (char **)(void *)((char *)in + c->off);
}

void instance_free(struct instance *in)
{
	free(in->target);
	for (size_t i = 0; i < NCOMP; i++) {
		free(*slot(in, &components[i]));
		*slot(in, &components[i]) = NULL;
	}
	in->target = NULL;
}

int instance_parse(gotc_t *h, const char *s, struct instance *in)
{
	memset(in, 0, sizeof(*in));
	const char *slash = strrchr(s, '/');
	const char *at = strchr(slash ? slash : s, '@');
	if (!at || (str_ends(s, ".ini") && is_file(s))) {
		if (!(in->target = strdup(s)))
			return gotc_fail(h, -ENOMEM, "out of memory");
		return 0;
	}
	int rc = 0;
	char *rest = NULL;
	if (at == s || !(in->target = strndup(s, (size_t)(at - s))) || !(rest = strdup(at + 1))) {
		rc = at == s ? gotc_fail(h, GOTC_EUSAGE, "'%s': no target name before '@'", s)
			     : gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	for (char *p = rest, *next; p; p = next) {
		next = strchr(p, '@');
		if (next)
			*next++ = '\0';
		const struct component *c = NULL;
		for (size_t i = 0; i < NCOMP && !c; i++)
			if (str_starts(p, components[i].tag))
				c = &components[i];
		if (!c) {
			rc = gotc_fail(h, GOTC_EUSAGE,
				       "'%s': unknown component '@%s' (instances are "
				       "TARGET[@goVERSION][@with-PKG_PKG...], e.g. %s@go1.24)",
				       s, p, in->target);
			goto out;
		}
		const char *v = p + strlen(c->tag);
		if (*slot(in, c)) {
			rc = gotc_fail(h, GOTC_EUSAGE, "'%s': '@%s' given twice", s, c->tag);
			goto out;
		}
		if (!c->valid(v)) {
			rc = gotc_fail(h, GOTC_EUSAGE, "'%s': '@%s' needs %s after '%s'", s, p, c->what,
				       c->tag);
			goto out;
		}
		/* the packages sorted, each once: one instance for one set */
		if (!(*slot(in, c) = c->off == offsetof(struct instance, with) ? packages_canonical(v) : strdup(v))) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			goto out;
		}
	}
out:
	free(rest);
	if (rc)
		instance_free(in);
	return rc;
}

char *instance_name(const struct instance *in, const char *base)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, base);
	for (size_t i = 0; i < NCOMP; i++) {
		char *v = *slot((struct instance *)(void *)in, &components[i]);
		if (v)
			buf_printf(&b, "@%s%s", components[i].tag, v);
	}
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	return b.s ? b.s : strdup(base);
}

int target_load_instance(gotc_t *h, const char *name, struct target **out, struct instance *inst)
{
	struct instance in;
	*out = NULL;
	int rc = instance_parse(h, name, &in);
	if (rc)
		return rc;
	char *path = find_target_file(h, in.target);
	if (!path) {
		rc = strchr(in.target, '/') && !str_ends(in.target, ".ini")
			     ? gotc_fail(h, GOTC_ENOTARGET,
					 "no target '%s': REPO/TARGET names a target of a recipe "
					 "repository (see 'gotc targets' and 'gotc repo list')",
					 in.target)
			     : target_not_found(h, in.target, false);
		goto out;
	}
	if ((rc = target_load(h, path, out)))
		goto out;
	char *full = instance_name(&in, (*out)->name);
	if (!full) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	free((*out)->name);
	(*out)->name = full;
out:
	free(path);
	if (rc) {
		target_free(*out);
		*out = NULL;
	}
	if (!rc && inst)
		*inst = in;
	else
		instance_free(&in);
	return rc;
}

/* "${mirror:NAME}" or "scheme://host" of a recipe's first source: where it
 * comes from.  Writes into buf (empty if unknown). */
static void source_origin(const struct recipe *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!r || !r->nsources || !r->sources[0].url)
		return;
	const char *u = r->sources[0].url, *e;
	if (str_starts(u, "${mirror:"))
		e = strchr(u, '}');
	else if ((e = strstr(u, "://")))
		e = strchr(e + 3, '/');
	if (!e)
		e = u + strlen(u);
	snprintf(buf, size, "%.*s", (int)(e - u), u);
}

static int by_version(const void *a, const void *b)
{
	return version_cmp(*(char *const *)a, *(char *const *)b);
}

static bool has_host_source(const struct recipe *r)
{
	bool any = false;
	for (size_t i = 0; i < r->nsources; i++) {
		if (!r->sources[i].host_arch)
			continue;
		any = true;
		if (strcmp(r->sources[i].host_arch, host_arch()) == 0)
			return true;
	}
	return !any && r->nsources;
}

/* Does version v (1.24.4) match the request w (1.24 or 1.24.4)? */
static bool go_matches(const char *v, const char *w)
{
	size_t n = strlen(w);
	return strncmp(v, w, n) == 0 && (v[n] == '\0' || (v[n] == '.' && strchr(w, '.') == strrchr(w, '.')));
}

int instance_pick_go(gotc_t *h, const char *origin, bool strict, const struct target *t,
		     const char *want, const struct recipe *def, char **name)
{
	char owner[80], deforig[256], o[256];
	char **seen = calloc(1, sizeof(char *)), **versions = calloc(1, sizeof(char *));
	struct recipe *best = NULL;
	bool best_same = false;
	int rc = 0;
	*name = NULL;
	source_origin(def, deforig, sizeof(deforig));
	if (!seen || !versions) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	for (ssize_t d = origin ? -1 : 0; !rc && (d < 0 || (!strict && h->search && h->search[d])); d++) {
		const char *dir = d < 0 ? origin : h->search[d];
		if (d >= 0 && repo_of_dir(h, dir, owner, sizeof(owner)))
			continue;
		char *gd = path_join(dir, "recipes/go");
		char **files = gd ? lint_dir_files(gd) : NULL;
		free(gd);
		if (!files) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			break;
		}
		for (size_t i = 0; files[i]; i++) {
			const char *base = path_basename(files[i]);
			char *stem = str_ndup(base, strlen(base) - 4); /* lint_dir_files: *.ini */
			struct recipe *r = NULL;
			bool skip = !stem || strv_has(seen, stem) || strv_push(&seen, stem);
			free(stem);
			if (skip)
				continue;
			/* A broken recipe is lint's business, not a candidate. */
			if (recipe_load(h, files[i], RK_GO, &r) || !has_host_source(r)) {
				recipe_free(r);
				continue;
			}
			if (!strv_has(versions, r->version) && strv_push(&versions, r->version)) {
				recipe_free(r);
				rc = gotc_fail(h, -ENOMEM, "out of memory");
				break;
			}
			source_origin(r, o, sizeof(o));
			bool same = strcmp(o, deforig) == 0;
			if (!go_matches(r->version, want) ||
			    (best && (best_same > same ||
				      (best_same == same && version_cmp(best->version, r->version) >= 0)))) {
				recipe_free(r);
				continue;
			}
			recipe_free(best);
			best = r;
			best_same = same;
		}
		strv_free(files);
	}
	if (rc)
		goto out;
	h->err = 0; /* the skipped recipes' errors */
	h->errbuf[0] = '\0';
	if (!best) {
		struct buf b;
		buf_init(&b);
		qsort(versions, strv_len(versions), sizeof(char *), by_version);
		for (size_t i = 0; versions[i]; i++)
			buf_printf(&b, "%s%s", i ? " " : "", versions[i]);
		rc = gotc_fail(h, GOTC_EUSAGE, "no Go %s is pinned for %.*s on this %s host (pinned: %s)",
			       want, (int)strcspn(t->name, "@"), t->name, host_arch(), b.s ? b.s : "none");
		buf_free(&b);
		goto out;
	}
	if (!(*name = strdup(best->name)))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
out:
	recipe_free(best);
	strv_free(seen);
	strv_free(versions);
	return rc;
}
