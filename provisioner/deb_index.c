/* deb_index.c - the deb822 reader (Debian's control-file format: Packages,
 * Release), Debian version comparison, and the index structures built on it. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deb.h"
#include "util.h"

#define MAX_FIELDS 256

static int bad(gotc_t *h, const char *label, int line, const char *what)
{
	return gotc_fail(h, GOTC_ERECIPE, "%s:%d: %s", label, line, what);
}

int deb822_parse(gotc_t *h, const char *label, const char *text, size_t len, deb822_fn fn, void *ctx)
{
	struct deb822_field *f = calloc(MAX_FIELDS, sizeof(*f));
	size_t n = 0;
	int line = 0, start = 0, rc = 0;
	const char *p = text, *end = text + len;
	if (!f)
		return gotc_fail(h, -ENOMEM, "out of memory");
	while (!rc && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		line++;
		if (ll && p[ll - 1] == '\r')
			ll--;
		bool blank = true;
		for (size_t i = 0; i < ll; i++)
			blank &= p[i] == ' ' || p[i] == '\t';
		if (memchr(p, '\0', ll)) {
			rc = bad(h, label, line, "NUL byte in a control file");
		} else if (blank) {
			if (n)
				rc = fn(ctx, f, n, start);
			n = 0;
		} else if (p[0] == '#') {
			/* comment */
		} else if (p[0] == ' ' || p[0] == '\t') {
			if (!n)
				rc = bad(h, label, line, "continuation line outside a field");
			else /* extend the previous value through this line */
				f[n - 1].value_len = (size_t)(p + ll - f[n - 1].value);
		} else {
			const char *colon = memchr(p, ':', ll);
			if (!colon || colon == p) {
				rc = bad(h, label, line, "expected 'Field: value'");
			} else if (n == MAX_FIELDS) {
				rc = bad(h, label, line, "too many fields in one stanza");
			} else {
				for (const char *c = p; c < colon && !rc; c++)
					if (!isgraph((unsigned char)*c))
						rc = bad(h, label, line, "field name with a space or control character");
				if (!n)
					start = line;
				const char *v = colon + 1;
				while (v < p + ll && (*v == ' ' || *v == '\t'))
					v++;
				f[n].name = p;
				f[n].name_len = (size_t)(colon - p);
				f[n].value = v;
				f[n].value_len = (size_t)(p + ll - v);
				for (size_t i = 0; i < n && !rc; i++)
					if (f[i].name_len == f[n].name_len &&
					    !strncasecmp(f[i].name, p, f[n].name_len))
						rc = bad(h, label, line, "field repeated in one stanza");
				n++;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (!rc && n)
		rc = fn(ctx, f, n, start);
	free(f);
	return rc;
}

const char *deb822_get(const struct deb822_field *f, size_t n, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (f[i].name_len == nl && !strncasecmp(f[i].name, name, nl)) {
			if (len)
				*len = f[i].value_len;
			return f[i].value;
		}
	return NULL;
}

/* ---- Debian versions (deb-version(7)) ---- */

static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int cmp_part(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		int diff = 0;
		while ((a < ae && !isdigit((unsigned char)*a)) || (b < be && !isdigit((unsigned char)*b))) {
			int ac = a < ae ? order((unsigned char)*a) : 0;
			int bc = b < be ? order((unsigned char)*b) : 0;
			if (ac != bc)
				return ac - bc;
			a += a < ae;
			b += b < be;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && isdigit((unsigned char)*a) && b < be && isdigit((unsigned char)*b)) {
			if (!diff)
				diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && isdigit((unsigned char)*a))
			return 1;
		if (b < be && isdigit((unsigned char)*b))
			return -1;
		if (diff)
			return diff;
	}
	return 0;
}

static void split_version(const char *v, unsigned long *epoch, const char **up, const char **upe,
			  const char **rev, const char **reve)
{
	const char *colon = strchr(v, ':');
	*epoch = 0;
	if (colon) {
		*epoch = strtoul(v, NULL, 10);
		v = colon + 1;
	}
	const char *dash = strrchr(v, '-');
	*up = v;
	*upe = dash ? dash : v + strlen(v);
	*rev = dash ? dash + 1 : v + strlen(v);
	*reve = v + strlen(v);
}

int deb_version_cmp(const char *a, const char *b)
{
	unsigned long ea, eb;
	const char *ua, *uae, *ra, *rae, *ub, *ube, *rb, *rbe;
	split_version(a, &ea, &ua, &uae, &ra, &rae);
	split_version(b, &eb, &ub, &ube, &rb, &rbe);
	if (ea != eb)
		return ea < eb ? -1 : 1;
	int c = cmp_part(ua, uae, ub, ube);
	return c ? c : cmp_part(ra, rae, rb, rbe);
}

/* ---- file names ---- */

/* a hex digit's value, 16 for a non-digit */
static int hexval(char c)
{
	const char *d = "0123456789abcdef", *p = c ? strchr(d, tolower((unsigned char)c)) : NULL;
	return p ? (int)(p - d) : 16;
}

/* [s, e) percent-decoded (malloc'd, *out), or -EINVAL for a bad escape or a
 * byte outside allow. */
static int unescape(const char *s, const char *e, const char *allow, char **out)
{
	char *d = malloc((size_t)(e - s) + 1), *o = d;
	if (!d)
		return -ENOMEM;
	for (const char *c = s; c < e; c++) {
		int ch = (unsigned char)*c;
		if (ch == '%') {
			int hi = c + 2 < e ? hexval(c[1]) : 16, lo = hi < 16 ? hexval(c[2]) : 16;
			if (lo > 15) {
				free(d);
				return -EINVAL;
			}
			ch = hi * 16 + lo;
			c += 2;
		}
		if (!ch || (!isalnum(ch) && !strchr(allow, ch))) {
			free(d);
			return -EINVAL;
		}
		*o++ = (char)ch;
	}
	*o = '\0';
	if (o == d) {
		free(d);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int deb_file_parse(const char *url, char **name, char **version, char **arch)
{
	const char *f = strrchr(url, '/');
	f = f ? f + 1 : url;
	size_t len = strlen(f);
	if (len < 4 || strcmp(f + len - 4, ".deb"))
		return -EINVAL;
	const char *end = f + len - 4, *u1 = memchr(f, '_', (size_t)(end - f));
	const char *u2 = u1 ? memchr(u1 + 1, '_', (size_t)(end - u1 - 1)) : NULL;
	if (!u2 || memchr(u2 + 1, '_', (size_t)(end - u2 - 1)))
		return -EINVAL;
	char *n = NULL, *v = NULL, *a = NULL;
	/* deb-control(5) Package names, deb-version(7), architectures */
	int rc = unescape(f, u1, "+-.", &n);
	if (!rc)
		rc = unescape(u1 + 1, u2, ".+-~:", &v);
	if (!rc)
		rc = unescape(u2 + 1, end, "-", &a);
	if (!rc) {
		/* an epoch is digits; the upstream part starts with a digit */
		const char *colon = strchr(v, ':'), *up = colon ? colon + 1 : v;
		for (const char *c = v; colon && c < colon; c++)
			if (!isdigit((unsigned char)*c))
				rc = -EINVAL;
		if ((colon && (colon == v || strchr(up, ':'))) || !isdigit((unsigned char)*up))
			rc = -EINVAL;
	}
	if (rc) {
		free(n);
		free(v);
		free(a);
		return rc;
	}
	if (name)
		*name = n;
	else
		free(n);
	if (version)
		*version = v;
	else
		free(v);
	if (arch)
		*arch = a;
	else
		free(a);
	return 0;
}

/* ---- Packages ---- */

struct read_ctx {
	gotc_t *h;
	const char *label;
	struct deb_index *idx;
};

/* A field as a NUL-terminated string with continuation lines folded into
 * single spaces, or NULL (absent or out of memory: *oom tells). */
static char *field(const struct deb822_field *f, size_t n, const char *name, bool *oom)
{
	size_t len;
	const char *v = deb822_get(f, n, name, &len);
	if (!v)
		return NULL;
	char *s = malloc(len + 1), *o = s;
	if (!s) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		char c = v[i];
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c == ' ' && o > s && o[-1] == ' ')
			continue;
		*o++ = c;
	}
	*o = '\0';
	return s;
}

static void pkg_clear(struct deb_pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->multi_arch);
	free(p->source);
	free(p->depends);
	free(p->pre_depends);
	free(p->provides);
	free(p->conflicts);
	free(p->breaks);
	free(p->filename);
	free(p->sha256);
}

static int on_package(void *vctx, const struct deb822_field *f, size_t n, int line)
{
	struct read_ctx *c = vctx;
	struct deb_pkg p;
	bool oom = false;
	memset(&p, 0, sizeof(p));
	p.name = field(f, n, "Package", &oom);
	p.version = field(f, n, "Version", &oom);
	p.arch = field(f, n, "Architecture", &oom);
	p.multi_arch = field(f, n, "Multi-Arch", &oom);
	p.source = field(f, n, "Source", &oom);
	p.depends = field(f, n, "Depends", &oom);
	p.pre_depends = field(f, n, "Pre-Depends", &oom);
	p.provides = field(f, n, "Provides", &oom);
	p.conflicts = field(f, n, "Conflicts", &oom);
	p.breaks = field(f, n, "Breaks", &oom);
	p.filename = field(f, n, "Filename", &oom);
	p.sha256 = field(f, n, "SHA256", &oom);
	char *size = field(f, n, "Size", &oom);
	int rc = 0;
	const char *missing = !p.name ? "Package" : !p.version ? "Version" : !p.arch ? "Architecture"
			    : !p.filename ? "Filename" : !size ? "Size" : !p.sha256 ? "SHA256" : NULL;
	char *endp = NULL;
	if (oom) {
		rc = gotc_fail(c->h, -ENOMEM, "out of memory");
	} else if (missing) {
		rc = gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: package stanza without %s", c->label, line, missing);
	} else if (strlen(p.sha256) != 64 || !is_hex(p.sha256, 64)) {
		rc = gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: %s: SHA256 is not 64 hex digits", c->label, line, p.name);
	} else if (!isdigit((unsigned char)size[0]) || (errno = 0, p.size = strtoull(size, &endp, 10), errno) || *endp) {
		rc = gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: %s: Size is not a number", c->label, line, p.name);
	} else if (p.filename[0] == '/' || strstr(p.filename, "..") || !str_ends(p.filename, ".deb")) {
		rc = gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: %s: Filename '%s' is not a pool path of a .deb",
			       c->label, line, p.name, p.filename);
	} else {
		struct deb_pkg *np = realloc(c->idx->p, (c->idx->n + 1) * sizeof(*np));
		if (!np) {
			rc = gotc_fail(c->h, -ENOMEM, "out of memory");
		} else {
			c->idx->p = np;
			np[c->idx->n++] = p;
			free(size);
			return 0;
		}
	}
	free(size);
	pkg_clear(&p);
	return rc;
}

int deb_index_read(gotc_t *h, const char *label, const char *text, size_t len, struct deb_index *idx)
{
	struct read_ctx c = {h, label, idx};
	return deb822_parse(h, label, text, len, on_package, &c);
}

void deb_index_free(struct deb_index *idx)
{
	for (size_t i = 0; i < idx->n; i++)
		pkg_clear(&idx->p[i]);
	free(idx->p);
	memset(idx, 0, sizeof(*idx));
}

/* ---- Release ---- */

struct rel_ctx {
	gotc_t *h;
	const char *label;
	struct deb_release *r;
	int stanzas;
};

static int on_release(void *vctx, const struct deb822_field *f, size_t n, int line)
{
	struct rel_ctx *c = vctx;
	struct deb_release *r = c->r;
	bool oom = false;
	if (c->stanzas++)
		return gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: a Release file has one stanza", c->label, line);
	r->date = field(f, n, "Date", &oom);
	r->valid_until = field(f, n, "Valid-Until", &oom);
	r->suite = field(f, n, "Suite", &oom);
	r->codename = field(f, n, "Codename", &oom);
	size_t len;
	const char *v = deb822_get(f, n, "SHA256", &len);
	if (oom)
		return gotc_fail(c->h, -ENOMEM, "out of memory");
	if (!v)
		return gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: no SHA256 field", c->label, line);
	char *copy = str_ndup(v, len);
	if (!copy)
		return gotc_fail(c->h, -ENOMEM, "out of memory");
	int rc = 0;
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l && !rc; l = strtok_r(NULL, "\n", &save)) {
		char **w = strv_split(l);
		char *endp = NULL;
		if (!w) {
			rc = gotc_fail(c->h, -ENOMEM, "out of memory");
		} else if (!w[0]) {
			/* the empty first line of the multi-line field */
		} else if (strv_len(w) != 3 || strlen(w[0]) != 64 || !is_hex(w[0], 64) ||
			   !isdigit((unsigned char)w[1][0]) || (strtoull(w[1], &endp, 10), *endp)) {
			rc = gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: SHA256 line '%.200s' is not 'HEX SIZE PATH'",
				       c->label, line, l);
		} else {
			struct deb_release_file *nf = realloc(r->files, (r->nfiles + 1) * sizeof(*nf));
			if (!nf) {
				rc = gotc_fail(c->h, -ENOMEM, "out of memory");
			} else {
				r->files = nf;
				nf[r->nfiles].sha256 = strdup(w[0]);
				nf[r->nfiles].size = strtoull(w[1], NULL, 10);
				nf[r->nfiles].path = strdup(w[2]);
				r->nfiles++;
				if (!nf[r->nfiles - 1].sha256 || !nf[r->nfiles - 1].path)
					rc = gotc_fail(c->h, -ENOMEM, "out of memory");
			}
		}
		strv_free(w);
	}
	free(copy);
	return rc;
}

int deb_release_read(gotc_t *h, const char *label, const char *text, size_t len, struct deb_release *r)
{
	struct rel_ctx c = {h, label, r, 0};
	memset(r, 0, sizeof(*r));
	int rc = deb822_parse(h, label, text, len, on_release, &c);
	if (!rc && !c.stanzas)
		rc = gotc_fail(h, GOTC_ERECIPE, "%s: empty Release file", label);
	if (rc)
		deb_release_free(r);
	return rc;
}

const struct deb_release_file *deb_release_find(const struct deb_release *r, const char *path)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].path, path) == 0)
			return &r->files[i];
	return NULL;
}

void deb_release_free(struct deb_release *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].sha256);
	}
	free(r->files);
	free(r->date);
	free(r->valid_until);
	free(r->suite);
	free(r->codename);
	memset(r, 0, sizeof(*r));
}
