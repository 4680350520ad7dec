/* plan.c - a target's store entries, artifacts and their keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "store.h"
#include "util.h"

static void key_str(struct buf *b, const char *k, const char *v)
{
	buf_printf(b, "%s=%zu:%s\n", k, v ? strlen(v) : 0, v ? v : "");
}

/* Inputs that decide an entry's bytes (mirror URLs do not). */
static void key_recipe(struct buf *b, const struct recipe *r)
{
	key_str(b, "kind", recipe_kind_names[r->kind]);
	key_str(b, "version", r->version);
	key_str(b, "method", r->method);
	key_str(b, "include", r->include);
	for (size_t i = 0; i < r->nsources; i++) {
		const struct source *s = &r->sources[i];
		if (s->host_arch && strcmp(s->host_arch, host_arch()) != 0)
			continue;
		key_str(b, "sha256", s->sha256);
		key_str(b, "sha512", s->sha512);
		for (size_t j = 0; s->include && s->include[j]; j++)
			key_str(b, "member", s->include[j]);
		buf_printf(b, "strip=%llu\n", (unsigned long long)s->strip);
		key_str(b, "dest", s->dest);
	}
}

static int add_artifacts(gotc_t *h, struct entry *e, const struct recipe *r, int is_kernel)
{
	for (size_t i = 0; i < r->nsources; i++) {
		const struct source *s = &r->sources[i];
		if (s->host_arch && strcmp(s->host_arch, host_arch()) != 0)
			continue;
		struct artifact *na = realloc(e->arts, (e->narts + 1) * sizeof(*na));
		if (!na)
			return gotc_fail(h, -ENOMEM, "out of memory");
		e->arts = na;
		struct artifact *a = &na[e->narts++];
		memset(a, 0, sizeof(*a));
		a->src = s;
		a->recipe = r;
		a->is_kernel = is_kernel;
		a->urls = url_expand(h, s->url, r->path, s->url_line);
		if (!a->urls)
			return h->err;
		a->cache_path = str_printf("%s/downloads/%s", h->cache, s->sha256 ? s->sha256 : s->sha512);
		a->subdir = strdup(s->dest ? s->dest : "");
		if (!a->cache_path || !a->subdir)
			return gotc_fail(h, -ENOMEM, "out of memory");
	}
	return 0;
}

static int make_entry(gotc_t *h, struct plan *p, enum entry_role role, const char *kind,
		      const struct recipe *r, const struct recipe *kernel)
{
	struct entry *e = &p->entries[p->nentries];
	struct buf b;
	buf_init(&b);
	e->role = role;
	e->recipe = r;
	e->kernel = kernel;
	key_str(&b, "store_format", GOTC_STORE_FORMAT);
	key_str(&b, "role", kind);
	key_recipe(&b, r);
	/* a declared host_glibc is verified when the entry is assembled: a new
	 * declaration means a new entry, checked again */
	if (role == ER_TOOLCHAIN && r->host_glibc)
		key_str(&b, "host_glibc", r->host_glibc);
	if (role == ER_SYSROOT || role == ER_PACKAGES) /* how the tree is fixed up after unpacking (assemble_sysroot.c) */
		key_str(&b, "fixups", "linker-scripts-1");
	if (kernel) {
		key_str(&b, "runtime_root", r->runtime_root);
		key_str(&b, "sysroot", r->sysroot_dir);
		key_recipe(&b, kernel);
	}
	if (b.oom) {
		buf_free(&b);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	char hex[65];
	sha256_hex(b.s, b.len, hex);
	buf_free(&b);
	e->key = strdup(hex);
	e->name = str_printf("%s-%s-%.12s", kind, r->version, hex);
	if (!e->key || !e->name)
		return gotc_fail(h, -ENOMEM, "out of memory");
	p->nentries++;
	int rc = add_artifacts(h, e, r, 0);
	if (!rc && kernel)
		rc = add_artifacts(h, e, kernel, 1);
	if (!rc && !e->narts && !(role == ER_TOOLCHAIN && r->host))
		rc = gotc_fail(h, GOTC_ERECIPE, "%s: no source for this host (%s)", r->path, host_arch());
	return rc;
}

int plan_build(gotc_t *h, const char *target, struct plan *p)
{
	return plan_build_pinned(h, target, NULL, p);
}

int plan_build_pinned(gotc_t *h, const char *target, const struct pkg_pins *pins, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	int rc = target_resolve(h, target, &p->rs);
	if (rc)
		return rc;
	const struct recipe *go = p->rs.r[TR_GO], *tc = p->rs.r[TR_TOOLCHAIN];
	const struct recipe *sr = p->rs.r[TR_SYSROOT], *kh = p->rs.r[TR_KERNEL];
	if ((rc = make_entry(h, p, ER_GO, "go", go, NULL)))
		goto out;
	if (tc->nsources && (rc = make_entry(h, p, ER_TOOLCHAIN, "toolchain", tc, NULL)))
		goto out;
	/* The sysroot entry holds the libc (from the sysroot recipe, or the
	 * toolchain's own sysroot) with the kernel headers layered on top. */
	if ((rc = make_entry(h, p, ER_SYSROOT, "sysroot", sr ? sr : tc, kh)))
		goto out;
	/* the distribution's packages the target adds, in their own entry */
	if (p->rs.t->packages && ((rc = plan_packages(h, p, pins)) ||
				  (rc = make_entry(h, p, ER_PACKAGES, "packages", p->packages, NULL))))
		goto out;
	struct buf b;
	buf_init(&b);
	key_str(&b, "store_format", GOTC_STORE_FORMAT);
	key_str(&b, "target", p->rs.t->hash);
	/* what the prefix holds besides links (a new file: a new layout) */
	key_str(&b, "layout", "go_linux_exec");
	if (p->rs.t->packages) /* the exec wrapper searches the packages' library directories */
		key_str(&b, "layout", "packages_libdirs");
	for (int i = 0; i < p->nentries; i++)
		key_str(&b, "entry", p->entries[i].name);
	for (int i = 0; i < TR__COUNT; i++)
		if (p->rs.r[i])
			key_str(&b, "recipe", p->rs.r[i]->hash);
	char hex[65];
	sha256_hex(b.s ? b.s : "", b.len, hex);
	buf_free(&b);
	p->prefix_id = strdup(hex);
	rc = p->prefix_id ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
out:
	if (rc)
		plan_free(p);
	return rc;
}

const struct entry *plan_entry(const struct plan *p, enum entry_role role)
{
	for (int i = 0; i < p->nentries; i++)
		if (p->entries[i].role == role)
			return &p->entries[i];
	return NULL;
}

void plan_free(struct plan *p)
{
	for (int i = 0; i < ER__COUNT; i++) {
		struct entry *e = &p->entries[i];
		for (size_t j = 0; j < e->narts; j++) {
			strv_free(e->arts[j].urls);
			free(e->arts[j].cache_path);
			free(e->arts[j].subdir);
		}
		free(e->arts);
		free(e->name);
		free(e->key);
	}
	free(p->prefix_id);
	recipe_free(p->packages);
	free(p->index_date);
	free(p->index_key);
	resolved_free(&p->rs);
	memset(p, 0, sizeof(*p));
}
