/* ini.h - strict INI reading on top of inih: line numbers, duplicate keys,
 * unknown sections/keys with suggestions, typed values from a key table. */
#ifndef GOTC_INIFILE_H
#define GOTC_INIFILE_H

#include <stddef.h>

#include "gotc.h"

enum ini_type {
	IT_STR,	    /* any bytes, kept as written                   */
	IT_WORD,    /* one token without blanks                     */
	IT_VERSION, /* 1.19.8, 2.36, 6.1, 12.2.0-14                 */
	IT_SHA256,
	IT_SHA512,
	IT_U64,
	IT_BOOL,
	IT_WORDS,   /* space separated list -> char **              */
	IT_URL,
	IT_RELPATH, /* relative path without .. components          */
	IT_ENUM,    /* one of ini_key.choices (space separated)     */
};

struct ini_key {
	const char *section; /* section class: "recipe", "source", "target", ... */
	const char *key;
	enum ini_type type;
	unsigned flags;      /* IK_* */
	size_t off;	     /* offset of the field in the section's struct */
	const char *choices; /* IT_ENUM */
	unsigned kinds;	     /* bitmask of file kinds the key applies to (0 = all) */
};
#define IK_REQUIRED 1u

struct ini_ctx;
/* Called for a new section: return the struct to fill (or NULL on OOM) and
 * its class name; sect is "source NAME" etc. */
typedef void *(*ini_section_fn)(struct ini_ctx *c, const char *sect, int line, const char **cls);
/* Called for keys of free-form sections (cls has no table keys, e.g. "env"). */
typedef int (*ini_free_fn)(struct ini_ctx *c, void *obj, const char *key, const char *value,
			   int line);

struct ini_ctx {
	gotc_t *h;
	const char *path;
	const struct ini_key *keys;
	size_t nkeys;
	unsigned kind_bit;	     /* which file kind, matched against ini_key.kinds */
	const char *const *sections; /* allowed section classes, NULL-terminated;
					"source" matches "source NAME" */
	const char *const *free_sections; /* classes whose keys go to on_free */
	const char *const *named_sections; /* classes written [CLASS NAME]; NULL = "source" */
	ini_section_fn on_section;
	ini_free_fn on_free;
	void *user;
	/* state */
	const char *data;
	size_t len, pos;
	int line;
	int cont; /* current line is a continuation line */
	int err;
	char *cur_sect;
	const char *cur_cls;
	void *cur_obj;
	int sect_line;
	char **seen;   /* "section\nkey" per key seen */
	int *seen_line;
	size_t nseen, seen_cap;
	size_t *seen_map, seen_map_cap; /* hash of seen: index + 1, 0 = empty */
	size_t *sect_map, sect_map_cap; /* hash of sects[].name, the same way */
	char *grow;			/* the value continuation lines last grew */
	size_t grow_len, grow_cap;
	char *last_key;
	/* sections seen, for required-key checks at the end */
	struct ini_seen_sect {
		char *name;
		const char *cls;
		void *obj;
		int line;
	} *sects;
	size_t nsects, sects_cap;
};

/* Parse a buffer.  Errors are "PATH:LINE: msg", code GOTC_ERECIPE. */
int ini_read(struct ini_ctx *c, const char *data, size_t len);
void ini_ctx_free(struct ini_ctx *c);
int ini_error(struct ini_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A continuation line: *sp (malloc'd or NULL) gains "\n" and value.  Amortized
 * linear over the lines of one value.  0 or an ini_error. */
int ini_append_line(struct ini_ctx *c, char **sp, const char *value);
/* Line where key was set in section (0 if absent). */
int ini_key_line(const struct ini_ctx *c, const char *sect, const char *key);

#endif
