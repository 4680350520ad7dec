/* plan_packages.c - a target's [packages] resolved against the signed index
 * its sysroot recipe names, into a recipe of pinned .debs.
 *
 *   ARCHIVE/dists/SUITE/InRelease      fetched, verified with gpgv (deb_verify.c)
 *   COMPONENT/binary-ARCH/Packages.xz  (or Packages) held to the sha256 and
 *                                      size the verified InRelease gives
 *   closure (deb_resolve.c)            every .deb: ARCHIVE/Filename, sha256, size
 * Nothing is taken from an unverified byte. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deb.h"
#include "fetch.h"
#include "plan.h"
#include "unpack.h"
#include "util.h"

#define INDEX_MAX (512ull << 20)

/* The tree a recipe file lives in: DIR of DIR/recipes/KIND/NAME.ini. */
static char *recipe_tree(const char *path)
{
	char *a = path_dirname(path), *b = a ? path_dirname(a) : NULL, *c = b ? path_dirname(b) : NULL;
	free(a);
	free(b);
	return c;
}

static int fetch_one(gotc_t *h, const char *label, const char *url_as_written, const struct recipe *sr,
		     const char *sha256, uint64_t size, const char *dest, bool unverified)
{
	char **urls = url_expand(h, url_as_written, sr->path, sr->pkg_line);
	if (!urls)
		return h->err ? h->err : GOTC_ERECIPE;
	struct fetch_req req = {.label = label, .urls = urls, .sha256 = sha256, .size = size,
				.dest = dest, .unverified = unverified};
	int rc = fetch_all(h, &req, 1);
	free(req.error);
	strv_free(urls);
	return rc;
}

/* A base package's name and version from its cross package's pin: package
 * "libc6-dev-arm64-cross" (or "NAME:ARCH", either with "@SUITE" when
 * tools/update-pins takes it from another suite), url
 * ".../NAME_VERSION_ARCH.deb". */
static int base_add(struct deb_base **v, size_t *n, char ***own, const struct source *s)
{
	if (!s->package)
		return 0;
	char *name = str_ndup(s->package, strcspn(s->package, ":@"));
	if (!name)
		return -ENOMEM;
	if (str_ends(name, "-cross")) {
		name[strlen(name) - 6] = '\0';
		char *dash = strrchr(name, '-');
		if (dash)
			*dash = '\0';
	}
	char *version = NULL;
	int rc = deb_file_parse(s->url, NULL, &version, NULL);
	if (rc == -EINVAL) { /* not a pool file name: nothing known to provide */
		free(name);
		return 0;
	}
	struct deb_base *nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv || !version || strv_push(own, name) || strv_push(own, version)) {
		free(name);
		free(version);
		if (nv)
			*v = nv;
		return -ENOMEM;
	}
	*v = nv;
	size_t k = strv_len(*own);
	nv[*n].name = (*own)[k - 2];
	nv[*n].version = (*own)[k - 1];
	++*n;
	free(name);
	free(version);
	return 0;
}

static int read_index(gotc_t *h, const char *path, bool xz, const char *label, struct deb_index *idx)
{
	char *text = NULL;
	size_t len = 0;
	int rc = xz ? unpack_decompress(h, path, INDEX_MAX, &text, &len) : read_file(path, &text, &len);
	if (rc && !xz)
		rc = gotc_fail(h, rc, "%s: %s", path, strerror(-rc));
	if (!rc)
		rc = deb_index_read(h, label, text, len, idx);
	free(text);
	return rc;
}

/* The packages recipe from pins (the target file and its instance name,
 * which say what it asks for, are held to the lock or record apart). */
static int from_pins(gotc_t *h, struct plan *p, const struct recipe *sr, const struct pkg_pins *pins)
{
	struct recipe *r = calloc(1, sizeof(*r));
	if (!r || !(r->sources = calloc(pins->n ? pins->n : 1, sizeof(*r->sources)))) {
		free(r);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	r->kind = RK_SYSROOT;
	r->libc = -1;
	r->name = strdup("packages");
	r->path = strdup(sr->path);
	r->version = strdup(sr->pkg_suite);
	r->hash = strdup(sr->hash);
	bool oom = !r->name || !r->path || !r->version || !r->hash;
	for (size_t i = 0; i < pins->n && !oom; i++) {
		const struct pkg_pin *x = pins->v[i];
		struct source *s = &r->sources[r->nsources++];
		s->name = strdup(x->name);
		s->url = strdup(x->url);
		s->sha256 = strdup(x->sha256);
		s->size = x->size;
		s->package = str_ndup(x->name, strcspn(x->name, "_"));
		s->line = sr->pkg_line;
		s->url_line = sr->pkg_line;
		oom = !s->name || !s->url || !s->sha256 || !s->package;
	}
	p->index_date = strdup(pins->index_date ? pins->index_date : "");
	p->index_key = strdup(pins->index_key ? pins->index_key : "");
	if (oom || !p->index_date || !p->index_key) {
		recipe_free(r);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	p->packages = r;
	return 0;
}

int plan_packages(gotc_t *h, struct plan *p, const struct pkg_pins *pins)
{
	const struct target *t = p->rs.t;
	const struct recipe *sr = p->rs.r[TR_SYSROOT], *kh = p->rs.r[TR_KERNEL];
	char *tree = NULL, *keyring = NULL, *inrel_url = NULL, *inrel = NULL, *text = NULL;
	char **own = NULL;
	struct deb_base *base = NULL;
	size_t nbase = 0, tlen = 0;
	struct deb_release rel;
	struct deb_index idx = {0};
	struct deb_resolution res = {0};
	struct deb_signer who;
	struct pkg_pins made;
	int rc = 0;
	memset(&made, 0, sizeof(made));
	memset(&rel, 0, sizeof(rel));
	/* where the list comes from: the target's [packages], or @with-PKG_PKG... */
	char where[512];
	if (t->packages_line)
		snprintf(where, sizeof(where), "%s:%d: [packages]", t->path, t->packages_line);
	else
		snprintf(where, sizeof(where), "%s: the packages of instance %s", t->path, t->name);
	if (!sr || !sr->pkg_archive) {
		return gotc_fail(h, GOTC_ERECIPE,
				 "%s needs a sysroot recipe that says where its distribution's "
				 "packages come from ([packages] in %s)",
				 where, sr ? sr->path : "the sysroot recipe");
	}
	/* planned from an installed record: the packages it was installed with */
	struct pkg_pins kept;
	memset(&kept, 0, sizeof(kept));
	char *rtree = pins ? NULL : target_record_tree(t->path);
	if (rtree) {
		char *pf = path_join(rtree, "packages.ini");
		rc = pf ? pins_read(h, pf, &kept) : gotc_fail(h, -ENOMEM, "out of memory");
		free(pf);
		free(rtree);
		if (rc == GOTC_ENOTFOUND) /* kept by a gotc that did not pin them */
			rc = 0;
		else if (rc)
			return rc == GOTC_ERECIPE ? gotc_wrap(h, GOTC_ESTORE, "the installed record is damaged "
									       "(reinstall the target)")
						  : rc;
		else
			pins = &kept;
	}
	if (pins) {
		rc = from_pins(h, p, sr, pins);
		pins_free(&kept);
		return rc;
	}
	tree = recipe_tree(sr->path);
	keyring = tree ? path_join(tree, sr->pkg_keyring) : NULL;
	/* a recipe kept with an installed instance: the keyring from the search path */
	for (size_t i = 0; keyring && access(keyring, R_OK) != 0 && h->search && h->search[i]; i++) {
		char *k = path_join(h->search[i], sr->pkg_keyring);
		if (k && access(k, R_OK) == 0) {
			free(keyring);
			keyring = k;
		} else {
			free(k);
		}
	}
	inrel_url = str_printf("%s/dists/%s/InRelease", sr->pkg_archive, sr->pkg_suite);
	char hex[65];
	sha256_hex(inrel_url ? inrel_url : "", inrel_url ? strlen(inrel_url) : 0, hex);
	inrel = str_printf("%s/indexes/%.16s-InRelease", h->cache, hex);
	if (!keyring || !inrel_url || !inrel) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = fetch_one(h, "InRelease", inrel_url, sr, NULL, 0, inrel, true)))
		goto out;
	if ((rc = deb_verify_inrelease(h, inrel, keyring, &text, &tlen, &who)))
		goto out;
	if ((rc = deb_release_read(h, inrel, text, tlen, &rel)))
		goto out;
	for (size_t c = 0; sr->pkg_components[c]; c++) {
		char *rels[2] = {str_printf("%s/binary-%s/Packages.xz", sr->pkg_components[c], sr->pkg_arch),
				 str_printf("%s/binary-%s/Packages", sr->pkg_components[c], sr->pkg_arch)};
		rc = rels[0] && rels[1] ? GOTC_ENOTFOUND : gotc_fail(h, -ENOMEM, "out of memory");
		char *why = NULL;
		for (int k = 0; k < 2 && rc == GOTC_ENOTFOUND; k++) {
			const struct deb_release_file *f = deb_release_find(&rel, rels[k]);
			if (!f)
				continue;
			char *url = str_printf("%s/dists/%s/%s", sr->pkg_archive, sr->pkg_suite, rels[k]);
			char *dest = str_printf("%s/downloads/%s", h->cache, f->sha256);
			rc = url && dest ? fetch_one(h, rels[k], url, sr, f->sha256, f->size, dest, false)
					 : gotc_fail(h, -ENOMEM, "out of memory");
			if (!rc)
				rc = read_index(h, dest, k == 0, rels[k], &idx);
			else if (k == 0 && rc == GOTC_EFETCH) { /* a mirror without the .xz: the plain file */
				why = strdup(h->errbuf);
				rc = GOTC_ENOTFOUND;
			}
			free(url);
			free(dest);
		}
		if (rc == GOTC_ENOTFOUND)
			rc = why ? gotc_fail(h, GOTC_EFETCH, "%s", why)
				 : gotc_fail(h, GOTC_ESIGNATURE, "%s: the signed index lists no %s", inrel, rels[1]);
		free(why);
		free(rels[0]);
		free(rels[1]);
		if (rc)
			goto out;
	}
	for (size_t i = 0; !rc && i < sr->nsources; i++)
		rc = base_add(&base, &nbase, &own, &sr->sources[i]);
	for (size_t i = 0; !rc && kh && i < kh->nsources; i++)
		rc = base_add(&base, &nbase, &own, &kh->sources[i]);
	if (rc) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = deb_resolve(h, &idx, sr->pkg_arch, base, nbase, t->packages, &res))) {
		rc = gotc_wrap(h, rc, "%s for %s %s/%s", where, sr->pkg_distribution, sr->pkg_suite,
			       sr->pkg_arch);
		goto out;
	}
	for (size_t i = 0; res.left_to_host && res.left_to_host[i]; i++)
		gotc_info(h, "%s: left to the host (Multi-Arch: foreign)", res.left_to_host[i]);
	/* the resolved set, pinned: the recipe comes from it as from a record's */
	for (size_t i = 0; !rc && i < res.n; i++) {
		const struct deb_pkg *d = res.pkgs[i];
		char *nv = str_printf("%s_%s", d->name, d->version);
		char *url = str_printf("%s/%s", sr->pkg_archive, d->filename);
		if (!nv || !url || pins_add(&made, nv, url, d->sha256, d->size))
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		free(nv);
		free(url);
	}
	if (!rc && (!(made.index_date = strdup(rel.date ? rel.date : "")) ||
		    !(made.index_key = strdup(who.fingerprint))))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	if (!rc)
		rc = from_pins(h, p, sr, &made);
out:
	pins_free(&made);
	deb_resolution_free(&res);
	deb_index_free(&idx);
	deb_release_free(&rel);
	strv_free(own);
	free(base);
	free(text);
	free(tree);
	free(keyring);
	free(inrel_url);
	free(inrel);
	return rc;
}
