/* plan_pins.c - a resolved package set, pinned: the packages.ini an installed
 * instance keeps in its record, read back so that the instance plans with no
 * index and no search path (see plan.h).
 *
 *   [packages]
 *   index = DATE                   the verified InRelease's Date
 *   key = FINGERPRINT              the key that signed it
 *   [deb NAME_VERSION]             one per .deb of the closure
 *   url = ${mirror:NAME}/pool/...  as resolved from the index
 *   sha256 = HEX
 *   size = BYTES
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ini_strict.h"
#include "plan.h"
#include "util.h"

void pins_free(struct pkg_pins *pp)
{
	for (size_t i = 0; i < pp->n; i++) {
		free(pp->v[i]->name);
		free(pp->v[i]->url);
		free(pp->v[i]->sha256);
		free(pp->v[i]);
	}
	free(pp->v);
	free(pp->index_date);
	free(pp->index_key);
	free(pp->path);
	memset(pp, 0, sizeof(*pp));
}

int pins_add(struct pkg_pins *pp, const char *name, const char *url, const char *sha256, uint64_t size)
{
	struct pkg_pin *x = calloc(1, sizeof(*x));
	struct pkg_pin **nv = x ? realloc(pp->v, (pp->n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(x);
		return -ENOMEM;
	}
	pp->v = nv;
	nv[pp->n++] = x;
	x->name = strdup(name);
	x->url = strdup(url);
	x->sha256 = strdup(sha256);
	x->size = size;
	return x->name && x->url && x->sha256 ? 0 : -ENOMEM;
}

char *pins_render(const struct plan *p)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b,
		   "; the packages resolved from the signed index when this instance was\n"
		   "; installed: it plans from them, with no index\n"
		   "[packages]\nindex = %s\nkey = %s\n",
		   p->index_date ? p->index_date : "", p->index_key ? p->index_key : "");
	for (size_t i = 0; p->packages && i < p->packages->nsources; i++) {
		const struct source *s = &p->packages->sources[i];
		buf_printf(&b, "\n[deb %s]\nurl = %s\nsha256 = %s\nsize = %llu\n", s->name, s->url, s->sha256,
			   (unsigned long long)s->size);
	}
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

#define PP(f) offsetof(struct pkg_pins, f)
#define PN(f) offsetof(struct pkg_pin, f)
static const struct ini_key pin_keys[] = {
	{"packages", "index", IT_STR, IK_REQUIRED, PP(index_date), NULL, 0},
	{"packages", "key", IT_WORD, IK_REQUIRED, PP(index_key), NULL, 0},
	{"deb", "url", IT_STR, IK_REQUIRED, PN(url), NULL, 0},
	{"deb", "sha256", IT_SHA256, IK_REQUIRED, PN(sha256), NULL, 0},
	{"deb", "size", IT_U64, IK_REQUIRED, PN(size), NULL, 0},
};
static const char *const pin_sections[] = {"packages", "deb", NULL};
static const char *const pin_named[] = {"deb", NULL};

/* NAME_VERSION with NAME a Debian package name */
static bool pin_name_ok(const char *s)
{
	const char *u = strchr(s, '_');
	char *name = u && u[1] ? str_ndup(s, (size_t)(u - s)) : NULL;
	bool ok = name && deb_name_valid(name) && !strpbrk(u + 1, " \t/");
	free(name);
	return ok;
}

static void *pin_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	struct pkg_pins *pp = c->user;
	*cls = NULL;
	if (strcmp(sect, "packages") == 0) {
		*cls = pin_sections[0];
		return pp;
	}
	if (strncmp(sect, "deb ", 4) != 0)
		return pp; /* an unknown section: ini_read names it */
	*cls = pin_sections[1];
	if (!pin_name_ok(sect + 4)) {
		ini_error(c, line, "[%s]: expected [deb NAME_VERSION]", sect);
		return NULL;
	}
	if (pins_add(pp, sect + 4, "", "", 0))
		return NULL;
	struct pkg_pin *x = pp->v[pp->n - 1];
	free(x->url);
	free(x->sha256);
	x->url = x->sha256 = NULL;
	return x;
}

int pins_read(gotc_t *h, const char *path, struct pkg_pins *pp)
{
	char *data = NULL;
	size_t len = 0;
	memset(pp, 0, sizeof(*pp));
	int rc = read_file(path, &data, &len);
	if (rc)
		return gotc_fail(h, rc == -ENOENT ? GOTC_ENOTFOUND : GOTC_ESTORE, "%s: %s", path, strerror(-rc));
	rc = pins_parse(h, path, data, len, pp);
	free(data);
	return rc;
}

int pins_parse(gotc_t *h, const char *path, const char *data, size_t len, struct pkg_pins *pp)
{
	memset(pp, 0, sizeof(*pp));
	struct ini_ctx c = {0};
	c.h = h;
	c.path = path;
	c.keys = pin_keys;
	c.nkeys = sizeof(pin_keys) / sizeof(pin_keys[0]);
	c.sections = pin_sections;
	c.named_sections = pin_named;
	c.on_section = pin_section;
	c.user = pp;
	int rc = ini_read(&c, data, len);
	if (!rc && !pp->index_key)
		rc = ini_error(&c, 1, "missing section [packages]");
	if (!rc && !pp->n)
		rc = ini_error(&c, 1, "no [deb NAME_VERSION] section");
	ini_ctx_free(&c);
	if (!rc && !(pp->path = strdup(path)))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	if (rc)
		pins_free(pp);
	return rc;
}
