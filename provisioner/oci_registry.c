/* oci_registry.c - the OCI distribution API over libcurl: manifests and
 * blobs by digest, basic and bearer-token auth, monolithic and chunked
 * uploads, cross-repository mounts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "oci.h"
#include "lazy.h"
#include "util.h"


struct oci_reg {
	gotc_t *h;
	char *url;    /* as configured */
	char *origin; /* https://host[:port] */
	char *host;   /* host[:port] */
	char *repo;
	char *userpwd; /* user:password, or NULL */
	char *auth;    /* "Authorization: ..." once a challenge was answered */
	char **scopes; /* every token scope asked for so far (oci_scope_merge) */
	CURL *c;
};

/* One exchange: a body from memory or a file range, the answer to memory or
 * a file (hashed as it arrives). */
struct xfer {
	const char *data; /* request body in memory */
	int in_fd;	  /* or from this file, at in_off */
	uint64_t in_off, in_len, in_pos;
	struct buf *out; /* answer body, or */
	int out_fd;	 /* into this file */
	struct hasher *hs;
	uint64_t got, max;
	long status;
	char *location, *challenge;
	bool too_big;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = sz * n;
	if (x->max && x->got + len > x->max) {
		x->too_big = true;
		return 0;
	}
	x->got += len;
	if (x->hs)
		hasher_update(x->hs, p, len);
	if (x->out_fd >= 0) {
		for (size_t off = 0; off < len;) {
			ssize_t w = write(x->out_fd, p + off, len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return 0;
			off += (size_t)w;
		}
		return len;
	}
	if (x->out)
		buf_add(x->out, p, len);
	return x->out && x->out->oom ? 0 : len;
}

static size_t on_send(char *p, size_t sz, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t want = sz * n;
	if (want > x->in_len - x->in_pos)
		want = (size_t)(x->in_len - x->in_pos);
	if (!want)
		return 0;
	if (x->data) {
		memcpy(p, x->data + x->in_pos, want);
	} else {
		ssize_t r = pread(x->in_fd, p, want, (off_t)(x->in_off + x->in_pos));
		if (r <= 0)
			return CURL_READFUNC_ABORT;
		want = (size_t)r;
	}
	x->in_pos += want;
	return want;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	const char *v = line + nl + 1, *e = line + len;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
		e--;
	return str_ndup(v, (size_t)(e - v));
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = sz * n;
	char *v;
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new answer (redirects) */
		free(x->location);
		free(x->challenge);
		x->location = x->challenge = NULL;
	} else if ((v = header_value(p, len, "Location"))) {
		free(x->location);
		x->location = v;
	} else if ((v = header_value(p, len, "WWW-Authenticate"))) {
		free(x->challenge);
		x->challenge = v;
	}
	return len;
}

static void xfer_reset(struct xfer *x)
{
	free(x->location);
	free(x->challenge);
	x->location = x->challenge = NULL;
	x->in_pos = 0;
	x->got = 0;
	x->status = 0;
	if (x->out)
		x->out->len = 0;
}

/* Perform method on url once; 0 (any HTTP status in x->status) or GOTC_EFETCH. */
static int perform(struct oci_reg *r, const char *method, const char *url, struct curl_slist *hdrs,
		   struct xfer *x, bool with_auth)
{
	CURL *c = r->c;
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "gotc/" GOTC_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else /* libcurl before 7.85 (Debian 11 has 7.74) */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, strcmp(method, "GET") == 0 ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (r->h->cafile)
		curl_easy_setopt(c, CURLOPT_CAINFO, r->h->cafile);
	if (r->h->connect_timeout)
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, r->h->connect_timeout);
	if (r->h->low_speed_time) {
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, r->h->low_speed_time);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, r->h->low_speed_limit);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	struct curl_slist *all = NULL;
	for (struct curl_slist *i = hdrs; i; i = i->next)
		all = curl_slist_append(all, i->data);
	if (with_auth && r->auth)
		all = curl_slist_append(all, r->auth);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0 ||
		   strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_send);
		curl_easy_setopt(c, CURLOPT_READDATA, x);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->in_len);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		all = curl_slist_append(all, "Expect:");
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, all);
	xfer_reset(x);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->status);
	curl_slist_free_all(all);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && x->too_big))
		return gotc_fail(r->h, GOTC_EFETCH, "%s: %s", url, cerr[0] ? cerr : curl_easy_strerror(cc));
	if (x->too_big)
		return gotc_fail(r->h, GOTC_ESIZE, "%s: larger than the %llu bytes expected", url,
				 (unsigned long long)x->max);
	return 0;
}

/* key="value" from a challenge (malloc'd) */
static char *challenge_param(const char *ch, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = ch; (p = strstr(p, key)); p += kl) {
		if ((p != ch && p[-1] != ' ' && p[-1] != ',') || strncmp(p + kl, "=\"", 2) != 0)
			continue;
		const char *v = p + kl + 2, *e = strchr(v, '"');
		return e ? str_ndup(v, (size_t)(e - v)) : NULL;
	}
	return NULL;
}

static char *b64(const char *s)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		*o++ = t[(v >> 18) & 63];
		*o++ = t[(v >> 12) & 63];
		*o++ = i + 1 < n ? t[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? t[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* Actions list have with the actions of add not in it, comma-separated
 * (malloc'd). */
static char *actions_union(const char *have, const char *add)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, have);
	for (const char *a = add; *a;) {
		size_t n = strcspn(a, ",");
		bool in = false;
		for (const char *h = have; *h && !in;) {
			size_t m = strcspn(h, ",");
			in = m == n && strncmp(h, a, n) == 0;
			h += m + (h[m] == ',');
		}
		if (n && !in) {
			if (b.len)
				buf_putc(&b, ',');
			buf_add(&b, a, n);
		}
		a += n + (a[n] == ',');
	}
	return buf_steal(&b);
}

int oci_scope_merge(char ***scopes, const char *param)
{
	char **add = strv_split(param ? param : "");
	if (!add)
		return -ENOMEM;
	int rc = 0;
	for (char **a = add; *a && !rc; a++) {
		/* TYPE:NAME:ACTIONS; the name may hold ':' (host:port/name) */
		const char *acts = strrchr(*a, ':');
		if (acts && !memchr(*a, ':', (size_t)(acts - *a)))
			acts = NULL; /* TYPE:NAME without actions */
		size_t rl = acts ? (size_t)(acts - *a) + 1 : strlen(*a);
		char **same = NULL;
		for (char **s = *scopes; s && *s && !same; s++)
			if (strncmp(*s, *a, rl) == 0 && (acts ? (*s)[rl - 1] == ':' : !(*s)[rl]))
				same = s;
		if (!same) {
			rc = strv_push(scopes, *a);
			continue;
		}
		if (!acts)
			continue;
		char *u = actions_union(*same + rl, acts + 1);
		char *n = u ? str_printf("%.*s%s", (int)rl, *a, u) : NULL;
		free(u);
		if (!n) {
			rc = -ENOMEM;
			continue;
		}
		free(*same);
		*same = n;
	}
	strv_free(add);
	return rc;
}

/* Append ?name=value (or &name=value after the first) to the URL in b. */
static void url_param(CURL *c, struct buf *b, const char *name, const char *value)
{
	char *e = curl_easy_escape(c, value, 0);
	if (!e)
		b->oom = 1;
	else
		buf_printf(b, "%c%s=%s", b->s && memchr(b->s, '?', b->len) ? '&' : '?', name, e);
	curl_free(e);
}

/* The token request URL: realm?service=S&scope=A&scope=B (each scope its own
 * parameter, as the token protocol wants), malloc'd. */
static char *token_url(struct oci_reg *r, const char *realm, const char *svc)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, realm);
	if (svc)
		url_param(r->c, &b, "service", svc);
	for (char **s = r->scopes; s && *s; s++)
		url_param(r->c, &b, "scope", *s);
	return buf_steal(&b);
}

/* Answer a 401 challenge: Basic with the credentials, or a bearer token from
 * the realm for the challenge's scopes and every scope asked for before (a
 * token replaces the previous one, so it must not lose what that granted).
 * 0 when there is something new to try. */
static int answer_challenge(struct oci_reg *r, const char *challenge)
{
	gotc_t *h = r->h;
	if (!challenge)
		return gotc_fail(h, GOTC_EFETCH, "%s: access denied (401 without a challenge)", r->url);
	if (!r->userpwd && strncasecmp(challenge, "Basic", 5) == 0)
		return gotc_fail(h, GOTC_EFETCH,
				 "%s: the registry asks for credentials: set GOTC_OCI_USERNAME and "
				 "GOTC_OCI_PASSWORD or log in with a docker config.json",
				 r->url);
	char *cred = r->userpwd ? b64(r->userpwd) : NULL;
	if (r->userpwd && !cred)
		return gotc_fail(h, -ENOMEM, "out of memory");
	int rc = 0;
	if (strncasecmp(challenge, "Basic", 5) == 0) {
		free(r->auth);
		r->auth = str_printf("Authorization: Basic %s", cred);
	} else if (strncasecmp(challenge, "Bearer", 6) == 0) {
		char *realm = challenge_param(challenge, "realm"), *svc = challenge_param(challenge, "service");
		char *scope = challenge_param(challenge, "scope");
		char *url = realm && !oci_scope_merge(&r->scopes, scope) ? token_url(r, realm, svc) : NULL;
		struct buf body;
		buf_init(&body);
		struct xfer x = {.in_fd = -1, .out = &body, .out_fd = -1, .max = 1 << 20};
		struct curl_slist *hd = NULL;
		char *basic = cred ? str_printf("Authorization: Basic %s", cred) : NULL;
		if (basic)
			hd = curl_slist_append(hd, basic);
		if (!realm || !str_starts(realm, "https://"))
			rc = gotc_fail(h, GOTC_EFETCH, "%s: bearer challenge without an https realm", r->url);
		else if (!url || (cred && !basic))
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		else if (!(rc = perform(r, "GET", url, hd, &x, false)) && x.status != 200)
			rc = gotc_fail(h, GOTC_EFETCH, "%s: token request: HTTP %ld%s", realm, x.status,
				       x.status == 401 || x.status == 403 ? " (check the credentials)" : "");
		char *tok = rc ? NULL : oci_token_parse(body.s ? body.s : "", body.len);
		if (!rc && !tok)
			rc = gotc_fail(h, GOTC_EFETCH, "%s: no token in the answer", realm);
		if (tok) {
			free(r->auth);
			r->auth = str_printf("Authorization: Bearer %s", tok);
		}
		free(tok);
		xfer_reset(&x);
		curl_slist_free_all(hd);
		free(basic);
		buf_free(&body);
		free(url);
		free(realm);
		free(svc);
		free(scope);
	} else {
		rc = gotc_fail(h, GOTC_EFETCH, "%s: unsupported authentication '%.40s'", r->url, challenge);
	}
	free(cred);
	if (!rc && !r->auth)
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	return rc;
}

/* perform, answering one authentication challenge. */
static int request(struct oci_reg *r, const char *method, const char *url, struct curl_slist *hdrs,
		   struct xfer *x)
{
	int rc = perform(r, method, url, hdrs, x, true);
	if (!rc && x->status == 401) {
		char *ch = x->challenge ? strdup(x->challenge) : NULL;
		bool had = r->auth != NULL;
		rc = answer_challenge(r, ch);
		free(ch);
		if (!rc && x->out_fd >= 0 && (ftruncate(x->out_fd, 0) < 0 || lseek(x->out_fd, 0, SEEK_SET) < 0))
			rc = gotc_fail(r->h, -errno, "%s: %s", url, strerror(errno));
		if (!rc)
			rc = perform(r, method, url, hdrs, x, true);
		if (!rc && x->status == 401)
			rc = gotc_fail(r->h, GOTC_EFETCH, "%s: access denied%s", url,
				       had ? "" : " (check the registry credentials)");
	}
	if (!rc && x->status == 403)
		rc = gotc_fail(r->h, GOTC_EFETCH, "%s: access denied (HTTP 403)", url);
	return rc;
}

int oci_open(gotc_t *h, const char *url, struct oci_reg **out)
{
	*out = NULL;
	const char *p = str_starts(url, "https://") ? url + 8 : NULL;
	const char *slash = p ? strchr(p, '/') : NULL;
	if (!p || !slash || slash == p || !slash[1])
		return gotc_fail(h, GOTC_ERECIPE, "[cache] oci = %s: not https://HOST/REPOSITORY", url);
	int need = lazy_need(h, LAZY_CURL);
	if (need)
		return need;
	struct oci_reg *r = calloc(1, sizeof(*r));
	if (!r)
		return gotc_fail(h, -ENOMEM, "out of memory");
	r->h = h;
	r->url = strdup(url);
	r->host = str_ndup(p, (size_t)(slash - p));
	r->origin = str_ndup(url, (size_t)(slash - url));
	r->repo = strdup(slash + 1);
	r->c = curl_easy_init();
	if (r->repo)
		for (size_t n = strlen(r->repo); n && r->repo[n - 1] == '/'; n--)
			r->repo[n - 1] = '\0';
	if (!r->url || !r->host || !r->origin || !r->repo || !r->c) {
		oci_close(r);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	const char *u = getenv("GOTC_OCI_USERNAME"), *pw = getenv("GOTC_OCI_PASSWORD");
	if (u && *u) {
		r->userpwd = str_printf("%s:%s", u, pw ? pw : "");
	} else {
		const char *dc = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
		char *cfg = dc && *dc ? str_printf("%s/config.json", dc)
				      : str_printf("%s/.docker/config.json", home ? home : "/");
		char *text = NULL;
		size_t len = 0;
		if (cfg && read_file(cfg, &text, &len) == 0)
			r->userpwd = oci_docker_auth(text, len, r->host);
		free(text);
		free(cfg);
	}
	*out = r;
	return 0;
}

void oci_close(struct oci_reg *r)
{
	if (!r)
		return;
	if (r->c)
		curl_easy_cleanup(r->c);
	free(r->url);
	free(r->origin);
	free(r->host);
	free(r->repo);
	free(r->userpwd);
	free(r->auth);
	strv_free(r->scopes);
	free(r);
}

const char *oci_url(const struct oci_reg *r)
{
	return r->url;
}

static int status_fail(struct oci_reg *r, const char *url, struct xfer *x, const char *what)
{
	return gotc_fail(r->h, GOTC_EFETCH, "%s: %s: HTTP %ld", url, what, x->status);
}

int oci_get_manifest(struct oci_reg *r, const char *tag, char **json, size_t *len)
{
	char *url = str_printf("%s/v2/%s/manifests/%s", r->origin, r->repo, tag);
	struct buf body;
	buf_init(&body);
	struct xfer x = {.in_fd = -1, .out = &body, .out_fd = -1, .max = 4 << 20};
	struct curl_slist *hd = curl_slist_append(NULL, "Accept: " OCI_MANIFEST_TYPE);
	int rc = url && hd ? request(r, "GET", url, hd, &x) : gotc_fail(r->h, -ENOMEM, "out of memory");
	*json = NULL;
	if (!rc && x.status == 404)
		rc = 1;
	else if (!rc && x.status != 200)
		rc = status_fail(r, url, &x, "manifest");
	else if (!rc) {
		*len = body.len;
		*json = buf_steal(&body);
		if (!*json)
			rc = gotc_fail(r->h, -ENOMEM, "out of memory");
	}
	xfer_reset(&x);
	curl_slist_free_all(hd);
	buf_free(&body);
	free(url);
	return rc;
}

int oci_get_blob(struct oci_reg *r, const char *digest, uint64_t size, const char *path)
{
	char *url = str_printf("%s/v2/%s/blobs/%s", r->origin, r->repo, digest);
	char got[65];
	struct xfer x = {.in_fd = -1, .out_fd = -1, .max = size};
	int rc = 0;
	if (!url || !(x.hs = hasher_new(HASH_SHA256))) {
		rc = gotc_fail(r->h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((x.out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		rc = gotc_fail(r->h, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((rc = request(r, "GET", url, NULL, &x)))
		goto out;
	if (x.status != 200) {
		rc = status_fail(r, url, &x, "blob");
		goto out;
	}
	hasher_final(x.hs, got);
	x.hs = NULL;
	if (strcmp(got, digest + 7) != 0 || x.got != size) {
		rc = gotc_fail(r->h, GOTC_ECHECKSUM,
			       "%s: expected %s (%llu bytes), got sha256:%s (%llu bytes): refused", url,
			       digest, (unsigned long long)size, got, (unsigned long long)x.got);
		goto out;
	}
	if (fsync(x.out_fd) < 0)
		rc = gotc_fail(r->h, -errno, "%s: %s", path, strerror(errno));
out:
	if (x.out_fd >= 0)
		close(x.out_fd);
	if (rc && x.out_fd >= 0)
		unlink(path);
	hasher_free(x.hs);
	xfer_reset(&x);
	free(url);
	return rc;
}

/* An upload URL from a Location header (absolute or relative to the origin),
 * with extra query parameters appended (malloc'd). */
static char *upload_url(struct oci_reg *r, const char *loc, const char *query)
{
	if (!loc)
		return NULL;
	const char *sep = query ? (strchr(loc, '?') ? "&" : "?") : "";
	if (str_starts(loc, "https://") || str_starts(loc, "http://"))
		return str_printf("%s%s%s", loc, sep, query ? query : "");
	return str_printf("%s%s%s%s", r->origin, loc, sep, query ? query : "");
}

int oci_put_blob(struct oci_reg *r, const char *digest, const char *path, const void *data,
		 uint64_t len, const char *mount_from)
{
	gotc_t *h = r->h;
	char *url = str_printf("%s/v2/%s/blobs/%s", r->origin, r->repo, digest), *loc = NULL;
	char *q = NULL, *next = NULL;
	struct xfer x = {.data = data, .in_fd = -1, .out_fd = -1, .max = 1 << 20};
	struct buf sink;
	buf_init(&sink);
	x.out = &sink;
	int rc = 0;
	if (!url) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = request(r, "HEAD", url, NULL, &x)))
		goto out;
	if (x.status == 200)
		goto out; /* already there */
	if (path && (x.in_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = gotc_fail(h, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* Start an upload, mounting the blob from another repository if asked. */
	free(url);
	url = mount_from ? str_printf("%s/v2/%s/blobs/uploads/?mount=%s&from=%s", r->origin, r->repo,
				      digest, mount_from)
			 : str_printf("%s/v2/%s/blobs/uploads/", r->origin, r->repo);
	x.in_len = 0;
	if (!url || (rc = request(r, "POST", url, NULL, &x)))
		goto fail;
	if (x.status == 201) {
		gotc_info(h, "%s: mounted from %s", digest, mount_from);
		goto out;
	}
	if (x.status != 202 || !x.location) {
		rc = status_fail(r, url, &x, "starting an upload");
		goto out;
	}
	loc = strdup(x.location);
	/* Chunks for big blobs (PATCH with Content-Range), then the closing PUT. */
	uint64_t off = 0, chunk = h->oci_chunk;
	while (chunk && len > chunk && off < len && loc) {
		uint64_t n = len - off < chunk ? len - off : chunk;
		char *range = str_printf("Content-Range: %llu-%llu", (unsigned long long)off,
					 (unsigned long long)(off + n - 1));
		struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/octet-stream");
		hd = range ? curl_slist_append(hd, range) : hd;
		free(url);
		url = upload_url(r, loc, NULL);
		x.in_off = off;
		x.in_len = n;
		rc = url && range ? request(r, "PATCH", url, hd, &x) : gotc_fail(h, -ENOMEM, "out of memory");
		curl_slist_free_all(hd);
		free(range);
		if (rc)
			goto out;
		if (x.status != 202 || !x.location) {
			rc = status_fail(r, url, &x, "uploading a chunk");
			goto out;
		}
		free(loc);
		loc = strdup(x.location);
		off += n;
	}
	q = str_printf("digest=%s", digest);
	free(url);
	url = q ? upload_url(r, loc, q) : NULL;
	x.in_off = off;
	x.in_len = len - off;
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/octet-stream");
	rc = url ? request(r, "PUT", url, hd, &x) : gotc_fail(h, -ENOMEM, "out of memory");
	curl_slist_free_all(hd);
	if (!rc && x.status != 201)
		rc = status_fail(r, url, &x, "finishing an upload");
	if (!rc && off)
		gotc_info(h, "%s: uploaded in %llu chunks", digest,
			  (unsigned long long)((off + chunk - 1) / chunk + (len > off)));
	else if (!rc)
		gotc_info(h, "%s: uploaded in one request", digest);
	goto out;
fail:
	if (!rc)
		rc = gotc_fail(h, -ENOMEM, "out of memory");
out:
	if (x.in_fd >= 0)
		close(x.in_fd);
	xfer_reset(&x);
	buf_free(&sink);
	free(next);
	free(q);
	free(loc);
	free(url);
	return rc;
}

int oci_put_manifest(struct oci_reg *r, const char *tag, const char *json)
{
	char *url = str_printf("%s/v2/%s/manifests/%s", r->origin, r->repo, tag);
	struct buf sink;
	buf_init(&sink);
	struct xfer x = {.data = json, .in_fd = -1, .in_len = strlen(json), .out = &sink, .out_fd = -1,
			 .max = 1 << 20};
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: " OCI_MANIFEST_TYPE);
	int rc = url && hd ? request(r, "PUT", url, hd, &x) : gotc_fail(r->h, -ENOMEM, "out of memory");
	if (!rc && x.status != 201)
		rc = gotc_fail(r->h, GOTC_EFETCH, "%s: manifest: HTTP %ld %.300s", url, x.status,
			       sink.s ? sink.s : "");
	xfer_reset(&x);
	curl_slist_free_all(hd);
	buf_free(&sink);
	free(url);
	return rc;
}
