/* sbom.c - SPDX 2.3 and CycloneDX 1.5 JSON of an installed instance (see
 * sbom.h).  The JSON is written here with its own string escaping: every
 * value is a string, a number or a fixed literal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deb.h"
#include "instance_record.h"
#include "plan.h"
#include "sbom.h"

/* s as a JSON string */
static void jstr(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

/* One artifact: what the SBOM says of it. */
struct item {
	const char *role;  /* go, toolchain, sysroot, packages */
	const char *entry; /* its store entry */
	char *name, *version, *url, *digest, *purl;
	bool sha512;
};

/* purl escaping of a version: ':' and '+' and other reserved characters */
static void purl_part(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(".-_~", *p))
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

/* url without the user[:password]@ of its authority (malloc'd) */
static char *no_userinfo(const char *url)
{
	const char *a = strstr(url, "://");
	if (!a)
		return strdup(url);
	a += 3;
	size_t alen = strcspn(a, "/?#");
	const char *at = NULL;
	for (const char *c = a; c < a + alen; c++)
		if (*c == '@')
			at = c;
	if (!at)
		return strdup(url);
	return str_printf("%.*s%s", (int)(a - url), url, at + 1);
}

static int item_of(const struct plan *p, const struct entry *e, const struct artifact *a, struct item *it)
{
	static const char *const roles[ER__COUNT] = {"go", "toolchain", "sysroot", "packages"};
	const struct source *s = a->src;
	const struct recipe *sr = p->rs.r[TR_SYSROOT];
	memset(it, 0, sizeof(*it));
	it->role = a->is_kernel ? "kernel-headers" : roles[e->role];
	it->entry = e->name;
	char *pkg = s->package ? str_ndup(s->package, strcspn(s->package, ":@")) : NULL;
	/* a package of [packages] is NAME_VERSION (with its epoch, which
	 * pool file names leave out) */
	const char *u = strchr(s->name, '_');
	char *ver = NULL, *arch = NULL;
	int vrc = e->role == ER_PACKAGES && u ? ((ver = strdup(u + 1)) ? 0 : -ENOMEM)
					     : deb_file_parse(s->url, NULL, &ver, NULL);
	it->name = pkg ? pkg : strdup(s->name);
	it->version = ver ? ver : strdup(a->recipe->version ? a->recipe->version : "");
	it->url = no_userinfo(a->urls && a->urls[0] ? a->urls[0] : s->url);
	it->digest = strdup(s->sha256 ? s->sha256 : s->sha512);
	it->sha512 = !s->sha256;
	int arc = pkg && ver ? deb_file_parse(s->url, NULL, NULL, &arch) : -EINVAL;
	if (vrc == -ENOMEM || arc == -ENOMEM)
		return -ENOMEM;
	if (!arc) {
		/* a Debian package: pkg:deb/DISTRO/NAME@VERSION?arch=ARCH */
		struct buf b;
		buf_init(&b);
		buf_printf(&b, "pkg:deb/%s/", sr && sr->pkg_distribution ? sr->pkg_distribution : "debian");
		purl_part(&b, pkg);
		buf_putc(&b, '@');
		purl_part(&b, ver);
		if (arch) {
			buf_puts(&b, "?arch=");
			purl_part(&b, arch);
		}
		free(arch);
		it->purl = b.oom ? (buf_free(&b), NULL) : buf_steal(&b);
		if (!it->purl)
			return -ENOMEM;
	}
	return it->name && it->version && it->url && it->digest ? 0 : -ENOMEM;
}

static void item_free(struct item *it)
{
	free(it->name);
	free(it->version);
	free(it->url);
	free(it->digest);
	free(it->purl);
}

static void spdx(struct buf *b, const struct plan *p, const struct item *v, size_t n, const char *when)
{
	const char *inst = p->rs.t->name;
	buf_puts(b, "{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"dataLicense\": \"CC0-1.0\",\n"
		    "  \"SPDXID\": \"SPDXRef-DOCUMENT\",\n  \"name\": ");
	jstr(b, inst);
	buf_printf(b, ",\n  \"documentNamespace\": \"urn:gotc:sbom:%s\",\n", p->prefix_id);
	buf_printf(b, "  \"creationInfo\": {\"created\": \"%s\", \"creators\": [\"Tool: gotc-%s\"]},\n", when,
		   GOTC_VERSION);
	buf_puts(b, "  \"documentDescribes\": [\"SPDXRef-instance\"],\n  \"packages\": [\n");
	buf_puts(b, "    {\"SPDXID\": \"SPDXRef-instance\", \"name\": ");
	jstr(b, inst);
	buf_printf(b, ", \"versionInfo\": \"%s\", \"downloadLocation\": \"NOASSERTION\", "
		      "\"filesAnalyzed\": false, \"primaryPackagePurpose\": \"OTHER\", "
		      "\"comment\": \"gotc target instance; versionInfo is its prefix id\"}",
		   p->prefix_id);
	for (size_t i = 0; i < n; i++) {
		buf_printf(b, ",\n    {\"SPDXID\": \"SPDXRef-%s-%.16s\", \"name\": ", v[i].role, v[i].digest);
		jstr(b, v[i].name);
		buf_puts(b, ", \"versionInfo\": ");
		jstr(b, v[i].version);
		buf_puts(b, ", \"downloadLocation\": ");
		jstr(b, v[i].url);
		buf_printf(b, ", \"filesAnalyzed\": false, \"checksums\": [{\"algorithm\": \"%s\", "
			      "\"checksumValue\": \"%s\"}]",
			   v[i].sha512 ? "SHA512" : "SHA256", v[i].digest);
		if (v[i].purl) {
			buf_puts(b, ", \"externalRefs\": [{\"referenceCategory\": \"PACKAGE-MANAGER\", "
				    "\"referenceType\": \"purl\", \"referenceLocator\": ");
			jstr(b, v[i].purl);
			buf_puts(b, "}]");
		}
		buf_printf(b, ", \"comment\": \"%s, in store entry %s\"}", v[i].role, v[i].entry);
	}
	buf_puts(b, "\n  ],\n  \"relationships\": [\n    {\"spdxElementId\": \"SPDXRef-DOCUMENT\", "
		    "\"relationshipType\": \"DESCRIBES\", \"relatedSpdxElement\": \"SPDXRef-instance\"}");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, ",\n    {\"spdxElementId\": \"SPDXRef-instance\", \"relationshipType\": "
			      "\"CONTAINS\", \"relatedSpdxElement\": \"SPDXRef-%s-%.16s\"}",
			   v[i].role, v[i].digest);
	buf_puts(b, "\n  ]\n}\n");
}

static void cyclonedx(struct buf *b, const struct plan *p, const struct item *v, size_t n, const char *when)
{
	const char *id = p->prefix_id;
	/* a name-based UUID (version 5 layout) from the prefix id */
	buf_printf(b, "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\",\n"
		      "  \"serialNumber\": \"urn:uuid:%.8s-%.4s-5%.3s-%c%.3s-%.12s\",\n  \"version\": 1,\n",
		   id, id + 8, id + 13, "89ab"[(id[16] >= 'a' ? id[16] - 'a' + 10 : id[16] - '0') & 3], id + 17,
		   id + 20);
	buf_printf(b, "  \"metadata\": {\"timestamp\": \"%s\", \"tools\": [{\"vendor\": \"gotc\", \"name\": "
		      "\"gotc\", \"version\": \"%s\"}],\n    \"component\": {\"type\": \"platform\", "
		      "\"bom-ref\": \"instance\", \"name\": ",
		   when, GOTC_VERSION);
	jstr(b, p->rs.t->name);
	buf_printf(b, ", \"version\": \"%s\"}},\n  \"components\": [", id);
	for (size_t i = 0; i < n; i++) {
		buf_printf(b, "%s\n    {\"type\": \"%s\", \"bom-ref\": \"%s-%.16s\", \"name\": ", i ? "," : "",
			   strcmp(v[i].role, "go") == 0 || strcmp(v[i].role, "toolchain") == 0 ? "application"
															  : "library",
			   v[i].role, v[i].digest);
		jstr(b, v[i].name);
		buf_puts(b, ", \"version\": ");
		jstr(b, v[i].version);
		buf_printf(b, ", \"hashes\": [{\"alg\": \"%s\", \"content\": \"%s\"}]", v[i].sha512 ? "SHA-512" : "SHA-256",
			   v[i].digest);
		if (v[i].purl) {
			buf_puts(b, ", \"purl\": ");
			jstr(b, v[i].purl);
		}
		buf_puts(b, ", \"externalReferences\": [{\"type\": \"distribution\", \"url\": ");
		jstr(b, v[i].url);
		buf_printf(b, "}], \"properties\": [{\"name\": \"gotc:role\", \"value\": \"%s\"}, {\"name\": "
			      "\"gotc:store-entry\", \"value\": \"%s\"}]}",
			   v[i].role, v[i].entry);
	}
	buf_puts(b, "\n  ],\n  \"dependencies\": [{\"ref\": \"instance\", \"dependsOn\": [");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s\"%s-%.16s\"", i ? ", " : "", v[i].role, v[i].digest);
	buf_puts(b, "]}]\n}\n");
}

const char *const sbom_formats[] = {[SBOM_SPDX] = "spdx", [SBOM_CYCLONEDX] = "cyclonedx", NULL};

int sbom_render(gotc_t *h, const char *instance, enum sbom_format f, long long now, struct buf *out)
{
	struct plan p;
	int rc = instance_plan(h, instance, INSTANCE_ONLY, &p, NULL);
	if (rc)
		return rc;
	size_t n = 0, cap = 0;
	for (int j = 0; j < p.nentries; j++)
		cap += p.entries[j].narts;
	struct item *v = calloc(cap ? cap : 1, sizeof(*v));
	if (!v) {
		plan_free(&p);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	for (int j = 0; j < p.nentries && !rc; j++)
		for (size_t a = 0; a < p.entries[j].narts && !rc; a++) {
			const struct artifact *art = &p.entries[j].arts[a];
			bool dup = false; /* one artifact in two entries is one component */
			for (size_t k = 0; k < n && !dup; k++)
				dup = strcmp(v[k].digest, art->src->sha256 ? art->src->sha256 : art->src->sha512) == 0;
			if (dup)
				continue;
			if (item_of(&p, &p.entries[j], art, &v[n++]))
				rc = gotc_fail(h, -ENOMEM, "out of memory");
		}
	char when[32];
	time_t t = (time_t)now;
	struct tm tm;
	if (!rc && (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm)))
		rc = gotc_fail(h, -EINVAL, "the time %lld cannot be written", now);
	if (!rc) {
		if (f == SBOM_SPDX)
			spdx(out, &p, v, n, when);
		else
			cyclonedx(out, &p, v, n, when);
		if (out->oom)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < n; k++)
		item_free(&v[k]);
	free(v);
	plan_free(&p);
	return rc;
}
