/* deb_resolve.c - the dependency closure of a set of Debian packages over a
 * verified Packages index: Pre-Depends and Depends, the first satisfiable
 * alternative of each group, version constraints with Debian's ordering,
 * what the base sysroot provides left out, Multi-Arch: foreign packages
 * (tools that serve any architecture: debconf, perl...) left to the host;
 * Conflicts and Breaks honoured over the set and the base sysroot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "deb.h"
#include "util.h"

struct rs {
	gotc_t *h;
	const struct deb_index *idx;
	const struct deb_base *base;
	size_t nbase;
	bool *chosen;	/* per index package */
	char **foreign; /* names left to the host */
	const char *arch;
};

/* "name[:arch] [(op version)]" of one alternative. */
struct dep {
	char name[128];
	char op[3];
	char ver[128];
};

static bool parse_dep(const char *s, size_t n, struct dep *d)
{
	memset(d, 0, sizeof(*d));
	while (n && (*s == ' '))
		s++, n--;
	size_t nl = 0;
	while (nl < n && s[nl] != ' ' && s[nl] != '(' && s[nl] != ':' && s[nl] != '[' && s[nl] != '<')
		nl++;
	if (!nl || nl >= sizeof(d->name))
		return false;
	memcpy(d->name, s, nl);
	const char *p = memchr(s, '(', n), *e = p ? memchr(p, ')', (size_t)(s + n - p)) : NULL;
	if (p && e) {
		p++;
		while (p < e && *p == ' ')
			p++;
		size_t ol = 0;
		while (p + ol < e && strchr("<>=", p[ol]) && ol < 2)
			ol++;
		memcpy(d->op, p, ol);
		p += ol;
		while (p < e && *p == ' ')
			p++;
		size_t vl = (size_t)(e - p);
		while (vl && p[vl - 1] == ' ')
			vl--;
		if (!ol || !vl || vl >= sizeof(d->ver))
			return false;
		memcpy(d->ver, p, vl);
	}
	return true;
}

static bool ver_ok(const char *have, const struct dep *d)
{
	if (!d->op[0])
		return true;
	if (!have)
		return false;
	int c = deb_version_cmp(have, d->ver);
	if (!strcmp(d->op, "<<"))
		return c < 0;
	if (!strcmp(d->op, "<=") || !strcmp(d->op, "<"))
		return c <= 0;
	if (!strcmp(d->op, "="))
		return c == 0;
	if (!strcmp(d->op, ">=") || !strcmp(d->op, ">"))
		return c >= 0;
	if (!strcmp(d->op, ">>"))
		return c > 0;
	return false;
}

/* Does package p provide d (by name or a Provides entry)? */
static bool provides(const struct deb_pkg *p, const struct dep *d)
{
	if (!strcmp(p->name, d->name))
		return ver_ok(p->version, d);
	for (const char *s = p->provides; s && *s;) {
		size_t n = strcspn(s, ",");
		struct dep pv;
		if (parse_dep(s, n, &pv) && !strcmp(pv.name, d->name))
			if (!d->op[0] || (pv.op[0] && !strcmp(pv.op, "=") && ver_ok(pv.ver, d)))
				return true;
		s += n + (s[n] == ',');
	}
	return false;
}

static bool has_str(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static bool foreign(const struct deb_pkg *p)
{
	return p->multi_arch && !strcmp(p->multi_arch, "foreign");
}

static bool in_base(const struct rs *r, const struct dep *d, const char **ver)
{
	for (size_t i = 0; i < r->nbase; i++)
		if (!strcmp(r->base[i].name, d->name)) {
			*ver = r->base[i].version;
			return true;
		}
	return false;
}

static bool is_base_name(const struct rs *r, const char *name)
{
	for (size_t i = 0; i < r->nbase; i++)
		if (!strcmp(r->base[i].name, name))
			return true;
	return false;
}

/* The best (highest version) package satisfying d, or -1. */
static long best(const struct rs *r, const struct dep *d)
{
	long b = -1;
	for (size_t i = 0; i < r->idx->n; i++) {
		const struct deb_pkg *p = &r->idx->p[i];
		if ((strcmp(p->arch, r->arch) && strcmp(p->arch, "all")) || is_base_name(r, p->name))
			continue; /* the sysroot's own packages are never replaced */
		if (provides(p, d) && (b < 0 || deb_version_cmp(p->version, r->idx->p[b].version) > 0))
			b = (long)i;
	}
	return b;
}

/* A virtual name (libc-dev) that a base package's index entry provides. */
static bool base_provides(const struct rs *r, const struct dep *d)
{
	if (d->op[0])
		return false;
	for (size_t b = 0; b < r->nbase; b++)
		for (size_t i = 0; i < r->idx->n; i++)
			if (!strcmp(r->idx->p[i].name, r->base[b].name) && provides(&r->idx->p[i], d))
				return true;
	return false;
}

static bool satisfied(const struct rs *r, const struct dep *d)
{
	const char *bv = NULL;
	if (in_base(r, d, &bv))
		return ver_ok(bv, d);
	if (base_provides(r, d))
		return true;
	for (size_t i = 0; i < r->idx->n; i++)
		if (r->chosen[i] && provides(&r->idx->p[i], d))
			return true;
	return has_str(r->foreign, d->name);
}

static int add(struct rs *r, size_t i, const char *why);

/* Conflicts and Breaks of the chosen package i against the other chosen
 * packages and the base sysroot's: GOTC_EDEPENDS naming both. */
static int clashes(struct rs *r, size_t i)
{
	const struct deb_pkg *p = &r->idx->p[i];
	const char *fields[2] = {p->conflicts, p->breaks}, *names[2] = {"Conflicts", "Breaks"};
	for (int k = 0; k < 2; k++)
		for (const char *s = fields[k]; s && *s;) {
			size_t n = strcspn(s, ",|");
			struct dep d;
			if (!parse_dep(s, n, &d))
				return gotc_fail(r->h, GOTC_ERECIPE, "%s %s: cannot read %s: '%.*s'", p->name,
						 p->version, names[k], (int)n, s);
			const char *bv = NULL;
			if (in_base(r, &d, &bv) && ver_ok(bv, &d))
				return gotc_fail(r->h, GOTC_EDEPENDS,
						 "%s %s cannot go into this sysroot: it %s '%.*s', and the "
						 "sysroot has %s %s",
						 p->name, p->version, k ? "breaks" : "conflicts with", (int)n, s,
						 d.name, bv);
			for (size_t j = 0; j < r->idx->n; j++)
				if (j != i && r->chosen[j] && provides(&r->idx->p[j], &d))
					return gotc_fail(r->h, GOTC_EDEPENDS,
							 "%s %s and %s %s cannot be installed together: %s %s: "
							 "%.*s",
							 p->name, p->version, r->idx->p[j].name,
							 r->idx->p[j].version, p->name, names[k], (int)n, s);
			s += n + (s[n] == ',' || s[n] == '|');
		}
	return 0;
}

/* One relationship field of package p. */
static int deps(struct rs *r, const struct deb_pkg *p, const char *field)
{
	for (const char *s = field; s && *s;) {
		size_t gl = strcspn(s, ",");
		bool done = false;
		struct dep first;
		memset(&first, 0, sizeof(first));
		int alt = 0;
		/* already satisfied by some alternative? */
		for (const char *a = s; a < s + gl && !done;) {
			size_t al = strcspn(a, "|,");
			if (al > (size_t)(s + gl - a))
				al = (size_t)(s + gl - a);
			struct dep d;
			if (!parse_dep(a, al, &d))
				return gotc_fail(r->h, GOTC_ERECIPE, "%s %s: cannot read the dependency '%.*s'",
						 p->name, p->version, (int)gl, s);
			if (!alt++)
				first = d;
			done = satisfied(r, &d);
			a += al + (a[al] == '|');
		}
		/* else the first alternative that some package satisfies */
		for (const char *a = s; a < s + gl && !done;) {
			size_t al = strcspn(a, "|,");
			if (al > (size_t)(s + gl - a))
				al = (size_t)(s + gl - a);
			struct dep d;
			parse_dep(a, al, &d);
			const char *bv = NULL;
			long b = in_base(r, &d, &bv) ? -1 : best(r, &d);
			if (b >= 0) {
				int rc;
				if (foreign(&r->idx->p[b])) {
					rc = strv_push(&r->foreign, d.name) ? gotc_fail(r->h, -ENOMEM, "out of memory") : 0;
				} else {
					rc = add(r, (size_t)b, p->name);
				}
				if (rc)
					return rc;
				done = true;
			}
			a += al + (a[al] == '|');
		}
		if (!done) {
			const char *bv = NULL;
			bool base = in_base(r, &first, &bv);
			return gotc_fail(r->h, GOTC_EDEPENDS,
					 "%s %s depends on '%.*s', which nothing satisfies%s%s%s", p->name,
					 p->version, (int)gl, s + strspn(s, " "),
					 base ? " (the sysroot provides " : "", base ? bv : "",
					 base ? ")" : " in the index");
		}
		s += gl + (s[gl] == ',');
	}
	return 0;
}

static int add(struct rs *r, size_t i, const char *why)
{
	(void)why;
	if (r->chosen[i])
		return 0;
	r->chosen[i] = true;
	const struct deb_pkg *p = &r->idx->p[i];
	int rc = deps(r, p, p->pre_depends);
	return rc ? rc : deps(r, p, p->depends);
}

/* Up to three names of the index close to name, "a, b, c" (malloc'd). */
static char *close_names(const struct deb_index *idx, const char *name)
{
	const char *best3[3] = {NULL, NULL, NULL};
	size_t dist[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
	for (size_t i = 0; i < idx->n; i++) {
		const char *n = idx->p[i].name;
		bool dup = false;
		for (int k = 0; k < 3; k++)
			dup |= best3[k] && !strcmp(best3[k], n);
		if (dup)
			continue;
		size_t d = str_distance(name, n);
		if (strstr(n, name) && d > 2)
			d = 2;
		for (int k = 0; k < 3; k++)
			if (d < dist[k]) {
				for (int m = 2; m > k; m--) {
					dist[m] = dist[m - 1];
					best3[m] = best3[m - 1];
				}
				dist[k] = d;
				best3[k] = n;
				break;
			}
	}
	size_t lim = strlen(name) / 4 + 1 > 2 ? strlen(name) / 4 + 1 : 2;
	struct buf b;
	buf_init(&b);
	for (int k = 0; k < 3; k++) /* near enough, and not much further than the nearest */
		if (best3[k] && dist[k] <= lim && dist[k] <= dist[0] + 1)
			buf_printf(&b, "%s%s", b.len ? ", " : "", best3[k]);
	return buf_steal(&b);
}

int deb_resolve(gotc_t *h, const struct deb_index *idx, const char *arch, const struct deb_base *base,
		size_t nbase, char *const *want, struct deb_resolution *out)
{
	struct rs r = {h, idx, base, nbase, calloc(idx->n ? idx->n : 1, 1), NULL, arch};
	int rc = 0;
	memset(out, 0, sizeof(*out));
	if (!r.chosen)
		return gotc_fail(h, -ENOMEM, "out of memory");
	for (size_t w = 0; !rc && want && want[w]; w++) {
		struct dep d;
		memset(&d, 0, sizeof(d));
		if (!parse_dep(want[w], strlen(want[w]), &d) || d.op[0]) {
			rc = gotc_fail(h, GOTC_EUSAGE, "'%s' is not a package name", want[w]);
			break;
		}
		long b = -1;
		for (size_t i = 0; i < idx->n; i++) /* a real package of that name */
			if (!strcmp(idx->p[i].name, d.name) && (!strcmp(idx->p[i].arch, arch) || !strcmp(idx->p[i].arch, "all")) &&
			    (b < 0 || deb_version_cmp(idx->p[i].version, idx->p[b].version) > 0))
				b = (long)i;
		if (b < 0) {
			char *close = close_names(idx, d.name);
			rc = gotc_fail(h, GOTC_ENOTFOUND, "unknown package '%s' for %s%s%s%s", d.name, arch,
				       close && *close ? " (did you mean " : "", close && *close ? close : "",
				       close && *close ? "?)" : "");
			free(close);
			break;
		}
		const char *bv;
		if (in_base(&r, &d, &bv))
			continue; /* the sysroot has it */
		rc = add(&r, (size_t)b, NULL);
	}
	for (size_t i = 0; !rc && i < idx->n; i++)
		if (r.chosen[i])
			rc = clashes(&r, i);
	for (size_t i = 0; !rc && i < idx->n; i++)
		if (r.chosen[i]) {
			const struct deb_pkg **np = realloc(out->pkgs, (out->n + 1) * sizeof(*np));
			if (!np) {
				rc = gotc_fail(h, -ENOMEM, "out of memory");
				break;
			}
			out->pkgs = np;
			np[out->n++] = &idx->p[i];
		}
	out->left_to_host = r.foreign;
	r.foreign = NULL;
	if (rc)
		deb_resolution_free(out);
	free(r.chosen);
	strv_free(r.foreign);
	return rc;
}

void deb_resolution_free(struct deb_resolution *r)
{
	free(r->pkgs);
	strv_free(r->left_to_host);
	memset(r, 0, sizeof(*r));
}
