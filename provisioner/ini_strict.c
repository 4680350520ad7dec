/* ini.c - strict INI reading on top of inih (see ini.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h> /* inih */

#include "ini_strict.h"
#include "util.h"

int ini_error(struct ini_ctx *c, int line, const char *fmt, ...)
{
	if (c->err)
		return c->err; /* keep the first error */
	char msg[1536];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->err = gotc_fail(c->h, GOTC_ERECIPE, "%s:%d: %s", c->path, line, msg);
	return c->err;
}

/* ---- string -> index maps (open addressing), so files with 100,000
 * sections or keys parse in linear time ---- */

static size_t hash_str(const char *s)
{
	uint64_t x = 1469598103934665603ULL;
	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 1099511628211ULL;
	/* FNV's low bits depend only on the low bits of each step: mix the
	 * high ones down, the table index takes the low bits */
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

/* keys[i] is the string of index i; map holds index + 1. */
static size_t map_find(const size_t *map, size_t cap, char *const *keys, size_t stride,
		       const char *k)
{
	if (!cap)
		return SIZE_MAX;
	for (size_t i = hash_str(k) & (cap - 1); map[i]; i = (i + 1) & (cap - 1)) {
		const char *at = *(char *const *)((const char *)keys + (map[i] - 1) * stride);
		if (strcmp(at, k) == 0)
			return map[i] - 1;
	}
	return SIZE_MAX;
}

/* Add index idx (n entries so far, idx included) to the map. */
static int map_add(size_t **map, size_t *cap, char *const *keys, size_t stride, size_t n,
		   size_t idx)
{
	if (2 * n > *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		size_t *nm = calloc(ncap, sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		for (size_t j = 0; j < *cap; j++) {
			if (!(*map)[j])
				continue;
			const char *at = *(char *const *)((const char *)keys + ((*map)[j] - 1) * stride);
			size_t i = hash_str(at) & (ncap - 1);
			while (nm[i])
				i = (i + 1) & (ncap - 1);
			nm[i] = (*map)[j];
		}
		free(*map);
		*map = nm;
		*cap = ncap;
	}
	const char *k = *(char *const *)((const char *)keys + idx * stride);
	size_t i = hash_str(k) & (*cap - 1);
	while ((*map)[i])
		i = (i + 1) & (*cap - 1);
	(*map)[i] = idx + 1;
	return 0;
}

static bool class_listed(const char *const *list, const char *cls)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], cls) == 0)
			return true;
	return false;
}

/* "source foo" -> class "source"; "recipe" -> "recipe". */
static const char *section_class(struct ini_ctx *c, const char *sect)
{
	size_t n = strcspn(sect, " \t");
	for (size_t i = 0; c->sections[i]; i++)
		if (strlen(c->sections[i]) == n && strncmp(c->sections[i], sect, n) == 0)
			return c->sections[i];
	return NULL;
}

static int check_section_header(struct ini_ctx *c, const char *line)
{
	const char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '[')
		return 0;
	const char *e = strchr(s, ']');
	if (!e)
		return ini_error(c, c->line, "syntax error: section header without ']'");
	char *name = strndup(s + 1, (size_t)(e - s - 1));
	if (!name)
		return ini_error(c, c->line, "out of memory");
	/* "[source   go]" is "[source go]": one blank between class and name */
	size_t cl = strcspn(name, " \t"), bl = strspn(name + cl, " \t");
	if (bl > 1 || (bl == 1 && name[cl] == '\t')) {
		name[cl] = ' ';
		memmove(name + cl + 1, name + cl + bl, strlen(name + cl + bl) + 1);
	}
	int rc = 0;
	const char *cls = section_class(c, name);
	static const char *const named_default[] = {"source", NULL};
	bool named = cls && class_listed(c->named_sections ? c->named_sections : named_default, cls);
	if (!cls) {
		size_t ns = 0;
		while (c->sections[ns])
			ns++;
		const char *sug = str_nearest(name, (const char *const *)c->sections, ns);
		rc = sug ? ini_error(c, c->line, "unknown section [%s] (did you mean [%s]?)", name, sug)
			 : ini_error(c, c->line, "unknown section [%s]", name);
	} else if (named && strlen(name) == strlen(cls)) {
		rc = ini_error(c, c->line, "section [%s] needs a name: [%s NAME]", cls, cls);
	} else if (!named && strlen(name) != strlen(cls)) {
		rc = ini_error(c, c->line, "section [%s] takes no name", cls);
	} else {
		size_t i = c->sects ? map_find(c->sect_map, c->sect_map_cap, &c->sects[0].name,
					       sizeof(*c->sects), name)
				    : SIZE_MAX;
		if (i != SIZE_MAX)
			rc = ini_error(c, c->line, "duplicate section [%s] (first at line %d)", name,
				       c->sects[i].line);
	}
	if (!rc) {
		/* Register the section now so empty sections are known too. */
		struct ini_seen_sect *ns = c->sects;
		if (c->nsects == c->sects_cap) {
			size_t cap = c->sects_cap ? 2 * c->sects_cap : 8;
			ns = realloc(c->sects, cap * sizeof(*ns));
			if (!ns) {
				free(name);
				return ini_error(c, c->line, "out of memory");
			}
			c->sects = ns;
			c->sects_cap = cap;
		}
		const char *cl2 = NULL;
		void *obj = c->on_section(c, name, c->line, &cl2);
		if (!obj && !c->err) {
			free(name);
			return ini_error(c, c->line, "out of memory");
		}
		ns[c->nsects].name = name;
		ns[c->nsects].cls = cls;
		ns[c->nsects].obj = obj;
		ns[c->nsects].line = c->line;
		c->nsects++;
		if (map_add(&c->sect_map, &c->sect_map_cap, &c->sects[0].name, sizeof(*c->sects),
			    c->nsects, c->nsects - 1) < 0)
			return ini_error(c, c->line, "out of memory");
		c->cur_obj = obj;
		c->cur_cls = cls;
		c->cur_sect = name;
		c->sect_line = c->line;
		free(c->last_key);
		c->last_key = NULL;
		return c->err;
	}
	free(name);
	return rc;
}

/* inih reader: hands out one line at a time so we know the line number. */
static char *reader(char *str, int num, void *stream)
{
	struct ini_ctx *c = stream;
	if (c->err || c->pos >= c->len)
		return NULL;
	const char *p = c->data + c->pos;
	size_t rest = c->len - c->pos;
	const char *nl = memchr(p, '\n', rest);
	size_t n = nl ? (size_t)(nl - p) + 1 : rest;
	c->line++;
	if (memchr(p, '\0', n)) {
		ini_error(c, c->line, "NUL byte in file");
		return NULL;
	}
	if (n > (size_t)num - 1) {
		ini_error(c, c->line, "line longer than %d bytes", num - 2);
		return NULL;
	}
	memcpy(str, p, n);
	str[n] = '\0';
	c->pos += n;
	c->cont = (str[0] == ' ' || str[0] == '\t');
	if (!(c->cont && c->last_key) && check_section_header(c, str))
		return NULL;
	return str;
}

static const struct ini_key *key_find(struct ini_ctx *c, const char *cls, const char *key)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		const struct ini_key *k = &c->keys[i];
		if (strcmp(k->section, cls) == 0 && strcmp(k->key, key) == 0 &&
		    (!k->kinds || (k->kinds & c->kind_bit)))
			return k;
	}
	return NULL;
}

static int unknown_key(struct ini_ctx *c, const char *cls, const char *key)
{
	const char *cands[64];
	size_t n = 0;
	for (size_t i = 0; i < c->nkeys && n < 64; i++) {
		const struct ini_key *k = &c->keys[i];
		if (strcmp(k->section, cls) == 0 && (!k->kinds || (k->kinds & c->kind_bit)))
			cands[n++] = k->key;
	}
	const char *sug = str_nearest(key, cands, n);
	if (sug)
		return ini_error(c, c->line, "unknown key '%s' in [%s] (did you mean '%s'?)", key,
				 c->cur_sect, sug);
	return ini_error(c, c->line, "unknown key '%s' in [%s]", key, c->cur_sect);
}

static bool has_blank(const char *s)
{
	return strpbrk(s, " \t\n") != NULL;
}

static int set_value(struct ini_ctx *c, const struct ini_key *k, const char *v)
{
	char *base = c->cur_obj;
	void *field = base + k->off;
	char **sp = field;
	switch (k->type) {
	case IT_WORD:
		if (has_blank(v) || !*v)
			return ini_error(c, c->line, "%s: expected one word, got '%s'", k->key, v);
		break;
	case IT_VERSION:
		if (!version_valid(v))
			return ini_error(c, c->line,
					 "%s: bad version '%s' (expected digits and dots, e.g. 1.19.8)",
					 k->key, v);
		break;
	case IT_SHA256:
		if (!is_hex(v, 64))
			return ini_error(c, c->line, "sha256: expected 64 hex digits, got '%s' (%zu characters)",
					 v, strlen(v));
		break;
	case IT_SHA512:
		if (!is_hex(v, 128))
			return ini_error(c, c->line, "sha512: expected 128 hex digits, got '%s' (%zu characters)",
					 v, strlen(v));
		break;
	case IT_U64: {
		char *end;
		errno = 0;
		if (!isdigit((unsigned char)*v))
			return ini_error(c, c->line, "%s: expected a number, got '%s'", k->key, v);
		unsigned long long x = strtoull(v, &end, 10);
		if (*end || errno)
			return ini_error(c, c->line, "%s: expected a number, got '%s'", k->key, v);
		*(uint64_t *)field = x;
		return 0;
	}
	case IT_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(bool *)field = true;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			*(bool *)field = false;
		else
			return ini_error(c, c->line, "%s: expected yes or no, got '%s'", k->key, v);
		return 0;
	case IT_WORDS: {
		char **w = strv_split(v);
		if (!w)
			return ini_error(c, c->line, "out of memory");
		for (size_t i = 0; w[i]; i++)
			if (w[i][0] == '/' || strstr(w[i], "..")) {
				strv_free(w);
				return ini_error(c, c->line,
						 "%s: '%s' must be a relative path without '..'", k->key, v);
			}
		strv_free(*(char ***)field);
		*(char ***)field = w;
		return 0;
	}
	case IT_URL: {
		if (has_blank(v))
			return ini_error(c, c->line, "url: blanks are not allowed in '%s'", v);
		if (str_starts(v, "${mirror:")) {
			const char *e = strchr(v, '}');
			if (!e)
				return ini_error(c, c->line, "url: unterminated ${mirror:NAME} in '%s'", v);
			break;
		}
		if (!str_starts(v, "https://") && !str_starts(v, "file://")) {
			if (str_starts(v, "http://") && c->h->allow_http)
				break;
			return ini_error(c, c->line,
					 "url: scheme of '%s' is not allowed (use https:// or file://, "
					 "or a ${mirror:NAME}; plain http needs allow_http = yes in [fetch] "
					 "of config.ini)",
					 v);
		}
		break;
	}
	case IT_RELPATH:
		if (v[0] == '/' || !strcmp(v, "..") || str_starts(v, "../") || strstr(v, "/../") ||
		    str_ends(v, "/.."))
			return ini_error(c, c->line, "%s: '%s' must be a relative path without '..'",
					 k->key, v);
		break;
	case IT_ENUM: {
		size_t n = strlen(v);
		const char *p = k->choices;
		bool ok = false;
		while (*p && !ok) {
			size_t l = strcspn(p, " ");
			ok = l == n && strncmp(p, v, n) == 0;
			p += l;
			while (*p == ' ')
				p++;
		}
		if (!ok)
			return ini_error(c, c->line, "%s: '%s' is not one of: %s", k->key, v, k->choices);
		break;
	}
	case IT_STR:
		break;
	}
	char *d = strdup(v);
	if (!d)
		return ini_error(c, c->line, "out of memory");
	free(*sp);
	*sp = d;
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;
	if (c->err)
		return 0;
	if (!c->cur_obj) /* key before any section */
		return ini_error(c, c->line, "key '%s' outside of any section", name), 0;
	const char *cls = c->cur_cls;
	(void)section;
	if (c->cont && c->last_key && strcmp(c->last_key, name) == 0) {
		/* Continuation line: the value gains a newline and this line. */
		if (class_listed(c->free_sections, cls))
			return c->on_free(c, c->cur_obj, name, value, -c->line) == 0;
		const struct ini_key *k = key_find(c, cls, name);
		if (!k || (k->type != IT_STR))
			return ini_error(c, c->line, "'%s' cannot continue on a second line", name), 0;
		char **sp = (char **)((char *)c->cur_obj + k->off);
		return ini_append_line(c, sp, value) == 0;
	}
	/* Duplicates. */
	char *id = str_printf("%s\n%s", c->cur_sect, name);
	if (!id)
		return ini_error(c, c->line, "out of memory"), 0;
	size_t dup = map_find(c->seen_map, c->seen_map_cap, c->seen, sizeof(char *), id);
	if (dup != SIZE_MAX) {
		free(id);
		return ini_error(c, c->line, "duplicate key '%s' in [%s] (first set at line %d)",
				 name, c->cur_sect, c->seen_line[dup]),
		       0;
	}
	if (c->nseen == c->seen_cap) {
		size_t cap = c->seen_cap ? 2 * c->seen_cap : 16;
		char **ns = realloc(c->seen, cap * sizeof(*ns));
		if (ns)
			c->seen = ns;
		int *nl = ns ? realloc(c->seen_line, cap * sizeof(*nl)) : NULL;
		if (!nl) {
			free(id);
			return ini_error(c, c->line, "out of memory"), 0;
		}
		c->seen_line = nl;
		c->seen_cap = cap;
	}
	c->seen[c->nseen] = id;
	c->seen_line[c->nseen++] = c->line;
	if (map_add(&c->seen_map, &c->seen_map_cap, c->seen, sizeof(char *), c->nseen,
		    c->nseen - 1) < 0)
		return ini_error(c, c->line, "out of memory"), 0;
	free(c->last_key);
	c->last_key = strdup(name);

	if (class_listed(c->free_sections, cls))
		return c->on_free(c, c->cur_obj, name, value, c->line) == 0;
	const struct ini_key *k = key_find(c, cls, name);
	if (!k)
		return unknown_key(c, cls, name), 0;
	if (!*value && k->type != IT_STR)
		return ini_error(c, c->line, "%s: empty value", name), 0;
	return set_value(c, k, value) == 0;
}

int ini_append_line(struct ini_ctx *c, char **sp, const char *value)
{
	size_t vl = strlen(value);
	if (!*sp || *sp != c->grow) { /* a value not grown here before */
		c->grow_len = *sp ? strlen(*sp) : 0;
		c->grow_cap = c->grow_len + 1;
		c->grow = *sp;
	}
	if (c->grow_len + vl + 2 > c->grow_cap) {
		size_t cap = 2 * (c->grow_len + vl + 2);
		char *n = realloc(c->grow, cap);
		if (!n)
			return ini_error(c, c->line, "out of memory");
		if (!c->grow)
			n[0] = '\0';
		c->grow = n;
		c->grow_cap = cap;
	}
	c->grow[c->grow_len++] = '\n';
	memcpy(c->grow + c->grow_len, value, vl + 1);
	c->grow_len += vl;
	*sp = c->grow;
	return 0;
}

int ini_key_line(const struct ini_ctx *c, const char *sect, const char *key)
{
	char *id = str_printf("%s\n%s", sect, key);
	size_t i = id ? map_find(c->seen_map, c->seen_map_cap, c->seen, sizeof(char *), id)
		      : SIZE_MAX;
	free(id);
	return i == SIZE_MAX ? 0 : c->seen_line[i];
}

int ini_read(struct ini_ctx *c, const char *data, size_t len)
{
	c->data = data;
	c->len = len;
	c->pos = 0;
	c->line = 0;
	int rc = ini_parse_stream(reader, c, handler, c);
	if (c->err)
		return c->err;
	if (rc > 0)
		return ini_error(c, rc, "syntax error (expected 'key = value', '[section]' or a comment)");
	if (rc < 0)
		return ini_error(c, 0, "cannot parse");
	/* Required keys, per section seen. */
	for (size_t s = 0; s < c->nsects; s++) {
		for (size_t i = 0; i < c->nkeys; i++) {
			const struct ini_key *k = &c->keys[i];
			if (!(k->flags & IK_REQUIRED) || strcmp(k->section, c->sects[s].cls) != 0 ||
			    (k->kinds && !(k->kinds & c->kind_bit)))
				continue;
			if (!ini_key_line(c, c->sects[s].name, k->key))
				return ini_error(c, c->sects[s].line, "[%s]: missing required key '%s'",
						 c->sects[s].name, k->key);
		}
	}
	return 0;
}

void ini_ctx_free(struct ini_ctx *c)
{
	for (size_t i = 0; i < c->nseen; i++)
		free(c->seen[i]);
	free(c->seen);
	free(c->seen_line);
	for (size_t i = 0; i < c->nsects; i++)
		free(c->sects[i].name);
	free(c->sects);
	free(c->last_key);
	free(c->seen_map);
	free(c->sect_map);
	c->seen = NULL;
	c->sects = NULL;
	c->last_key = NULL;
	c->seen_map = c->sect_map = NULL;
	c->nseen = c->nsects = c->seen_cap = c->sects_cap = c->seen_map_cap = c->sect_map_cap = 0;
	c->grow = NULL;
}
