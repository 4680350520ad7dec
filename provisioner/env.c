/* env.c - compute a target's environment (the formats are in env_format.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

static int env_set(struct env *e, const char *name, const char *value)
{
	struct env_var_out *nv = realloc(e->v, (e->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	e->v = nv;
	nv[e->n].name = strdup(name);
	nv[e->n].value = strdup(value ? value : "");
	if (!nv[e->n].name || !nv[e->n].value) {
		free(nv[e->n].name);
		free(nv[e->n].value);
		return -ENOMEM;
	}
	e->n++;
	return 0;
}

const char *env_get(const struct env *e, const char *name)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].name, name) == 0)
			return e->v[i].value;
	return NULL;
}

void env_free(struct env *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].name);
		free(e->v[i].value);
	}
	free(e->v);
	strv_free(e->path_prepend);
	free(e->target);
	free(e->triple);
	free(e->sysroot);
	free(e->cc);
	free(e->cxx);
	free(e->ar);
	free(e->pkgconfig_libdir);
	free(e->gocache_dir);
	free(e->gocache_leaf);
	memset(e, 0, sizeof(*e));
}

int env_compute(gotc_t *h, const struct plan *p, const char *prefix, struct env *e)
{
	const struct target *t = p->rs.t;
	const struct recipe *go = p->rs.r[TR_GO], *tc = p->rs.r[TR_TOOLCHAIN];
	const struct arch_info *a = t->arch;
	const char *triple = a->libc[t->libc].triple;
	bool clang = strcmp(tc->type, "clang") == 0;
	bool libcxx = strcmp(t->cxx_stdlib, "libc++") == 0;
	struct buf b;
	int rc = 0;
	memset(e, 0, sizeof(*e));
	buf_init(&b);
	e->arch = a;
	e->target = strdup(t->name);
	e->triple = strdup(triple);
	e->sysroot = path_join(prefix, "sysroot");
	char *bindir = path_join(prefix, "bin");
	char *goroot = path_join(prefix, "goroot");
	char *gobin = path_join(prefix, "goroot/bin");
	if (clang) {
		e->cc = str_printf("%s/cc", bindir);
		e->cxx = str_printf("%s/c++", bindir);
		e->ar = str_printf("%s/ar", bindir);
	} else {
		e->cc = str_printf("%s/%s-gcc", bindir, triple);
		e->cxx = str_printf("%s/%s-g++", bindir, triple);
		e->ar = str_printf("%s/%s-ar", bindir, triple);
	}
	e->pkgconfig_libdir = str_printf("%1$s/usr/lib/%2$s/pkgconfig:%1$s/usr/%2$s/lib/pkgconfig:"
					 "%1$s/usr/lib/pkgconfig:%1$s/usr/share/pkgconfig",
					 e->sysroot, triple);
	if (!e->target || !e->triple || !e->sysroot || !bindir || !goroot || !gobin || !e->cc ||
	    !e->cxx || !e->ar || !e->pkgconfig_libdir || strv_push(&e->path_prepend, bindir) ||
	    strv_push(&e->path_prepend, gobin)) {
		rc = -ENOMEM;
		goto out;
	}
	/* GOCACHE per (Go version, target, toolchain). */
	const struct entry *ge = plan_entry(p, ER_GO), *te = plan_entry(p, ER_TOOLCHAIN);
	e->gocache_dir = path_join(h->home, "gocache");
	e->gocache_leaf = str_printf("go%s-%s-%.12s-%.12s", go->version, t->name, ge ? ge->key : "",
				     te ? te->key : tc->hash);
	char *gocache = e->gocache_dir && e->gocache_leaf ? path_join(e->gocache_dir, e->gocache_leaf) : NULL;
	const char *subval = t->go_subarch ? t->go_subarch : a->subarch_def;
	char *cflags = str_printf("-O2 -g%s", "");
	char *cxxflags = str_printf("-O2 -g%s", libcxx ? " -stdlib=libc++" : "");
	char *ldflags = str_printf("-O2 -g%s%s", libcxx ? " -stdlib=libc++" : "",
				   t->is_static ? " -static" : "");
	if (!gocache || !cflags || !cxxflags || !ldflags)
		rc = -ENOMEM;
	rc = rc ? rc : env_set(e, "GOTC_TARGET", t->name);
	rc = rc ? rc : env_set(e, "GOTC_PREFIX", prefix);
	rc = rc ? rc : env_set(e, "GOTC_SYSROOT", e->sysroot);
	if (!rc) {
		/* how to run the target's binaries here: $GOTC_QEMU -L $GOTC_QEMU_LD_PREFIX */
		const struct recipe *sr = p->rs.r[TR_SYSROOT];
		char *q = str_printf("qemu-%s-static", a->qemu);
		char *lp = sr && sr->runtime_root ? path_join(e->sysroot, sr->runtime_root)
						  : strdup(e->sysroot);
		rc = q && lp ? env_set(e, "GOTC_QEMU", q) : -ENOMEM;
		rc = rc ? rc : env_set(e, "GOTC_QEMU_LD_PREFIX", lp);
		free(q);
		free(lp);
	}
	rc = rc ? rc : env_set(e, "GOROOT", goroot);
	rc = rc ? rc : env_set(e, "GOOS", "linux");
	rc = rc ? rc : env_set(e, "GOARCH", a->goarch);
	if (!rc && a->subarch_var)
		rc = env_set(e, a->subarch_var, subval);
	rc = rc ? rc : env_set(e, "CGO_ENABLED", "1");
	rc = rc ? rc : env_set(e, "CC", e->cc);
	rc = rc ? rc : env_set(e, "CXX", e->cxx);
	rc = rc ? rc : env_set(e, "AR", e->ar);
	rc = rc ? rc : env_set(e, "CGO_CFLAGS", cflags);
	rc = rc ? rc : env_set(e, "CGO_CXXFLAGS", cxxflags);
	rc = rc ? rc : env_set(e, "CGO_LDFLAGS", ldflags);
	if (!rc && t->is_static)
		rc = env_set(e, "GOFLAGS", "-tags=osusergo,netgo -ldflags=-extldflags=-static");
	rc = rc ? rc : env_set(e, "PKG_CONFIG_LIBDIR", e->pkgconfig_libdir);
	rc = rc ? rc : env_set(e, "PKG_CONFIG_SYSROOT_DIR", e->sysroot);
	rc = rc ? rc : env_set(e, "PKG_CONFIG_PATH", "");
	rc = rc ? rc : env_set(e, "GOCACHE", gocache);
	rc = rc ? rc : env_set(e, "GOTOOLCHAIN", "local");
	for (size_t i = 0; !rc && i < t->nenv; i++)
		rc = env_set(e, t->env[i].name, t->env[i].value);
	free(gocache);
	free(cflags);
	free(cxxflags);
	free(ldflags);
out:
	free(bindir);
	free(goroot);
	free(gobin);
	buf_free(&b);
	if (rc) {
		env_free(e);
		return gotc_fail(h, rc, "out of memory");
	}
	return 0;
}
