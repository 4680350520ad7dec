/* util_str.c - strings, buffers, versions. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void buf_init(struct buf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

void buf_free(struct buf *b)
{
	free(b->s);
	buf_init(b);
}

static int buf_grow(struct buf *b, size_t n)
{
	if (b->oom)
		return -ENOMEM;
	if (b->len + n + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = 1;
		return -ENOMEM;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n))
		return;
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *buf_steal(struct buf *b)
{
	if (b->oom) {
		buf_free(b);
		return NULL;
	}
	char *s = b->s ? b->s : strdup("");
	buf_init(b);
	return s;
}

char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

char *str_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *str_ndup(const char *s, size_t n)
{
	return strndup(s, n);
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

size_t strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

int strv_push(char ***v, const char *s)
{
	size_t n = strv_len(*v);
	char **nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	return nv[n] ? 0 : -ENOMEM;
}

bool strv_has(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char **strv_split(const char *s)
{
	char **v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n')
			e++;
		char *w = strndup(s, (size_t)(e - s));
		if (!w || strv_push(&v, w)) {
			free(w);
			strv_free(v);
			return NULL;
		}
		free(w);
		s = e;
	}
	return v;
}

const char *str_nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t i = 0; i < n && !(n == (size_t)-1 && !cands[i]); i++) {
		if (!cands[i])
			continue;
		size_t d = str_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	size_t lim = strlen(word) / 3 + 2;
	return bestd <= lim ? best : NULL;
}

size_t str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = 0, y = 0;
		if (isdigit((unsigned char)*a))
			x = strtoul(a, (char **)&a, 10);
		if (isdigit((unsigned char)*b))
			y = strtoul(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		int more_a = *a == '.', more_b = *b == '.';
		if (!more_a && !more_b)
			return 0;
		if (more_a)
			a++;
		if (more_b)
			b++;
	}
	return 0;
}

int version_cmp_prefix(const char *a, const char *b)
{
	size_t nb = 1;
	for (const char *p = b; *p && *p != '-'; p++)
		nb += *p == '.';
	char cut[64];
	size_t i = 0, comps = 0;
	for (; a[i] && i < sizeof(cut) - 1; i++) {
		if (a[i] == '.' && ++comps == nb)
			break;
		cut[i] = a[i];
	}
	cut[i] = '\0';
	return version_cmp(cut, b);
}

bool go_release_valid(const char *v)
{
	int dots = 0;
	if (!version_valid(v) || strlen(v) > 20)
		return false;
	for (; *v; v++)
		dots += *v == '.';
	return dots == 1 || dots == 2;
}

bool version_valid(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == '.') {
			s++;
			continue;
		}
		break;
	}
	if (*s == '\0')
		return true;
	if (*s != '-' || !s[1])
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".+~", *s))
			return false;
	return true;
}

bool is_hex(const char *s, size_t n)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return i == n;
}

char *url_redact(const char *url)
{
	const char *auth = strstr(url, "://");
	if (!auth)
		return strdup(url);
	auth += 3;
	size_t alen = strcspn(auth, "/?#");
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p; /* the last '@' ends the user information */
	if (!at)
		return strdup(url);
	return str_printf("%.*s***%s", (int)(auth - url), url, at);
}

char *str_shell_quote(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_./-+,:@%=";
	if (*s && strspn(s, safe) == strlen(s))
		return str_dup(s);
	struct buf b;
	buf_init(&b);
	buf_putc(&b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			buf_puts(&b, "'\\''");
		else
			buf_putc(&b, *p);
	}
	buf_putc(&b, '\'');
	return buf_steal(&b);
}

bool deb_name_valid(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) || !s[1])
		return false;
	for (const char *p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("+.-", *p)))
			return false;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *packages_canonical(const char *list)
{
	char **v = NULL, *copy = strdup(list ? list : ""), *save = NULL, *out = NULL;
	bool bad = !copy;
	for (char *w = copy ? strtok_r(copy, ", \t_", &save) : NULL; w && !bad; w = strtok_r(NULL, ", \t_", &save))
		bad = !deb_name_valid(w) || (!strv_has(v, w) && strv_push(&v, w));
	size_t n = strv_len(v);
	if (!bad && n) {
		qsort(v, n, sizeof(*v), cmp_str);
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i ? "_" : "", v[i]);
		out = b.oom ? NULL : buf_steal(&b);
		buf_free(&b);
	}
	strv_free(v);
	free(copy);
	return out;
}
