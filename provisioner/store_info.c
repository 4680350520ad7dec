/* store_info.c - the one reader of the `info` file of a store entry or a
 * target prefix: "KEY VALUE" lines, one table of keys below.
 *
 * To add a key: a field in struct store_info (store.h) and a row here.  Keys
 * this gotc does not know are skipped, so an older gotc reads a newer info. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

enum { IK_ONE, IK_LIST };

static const struct info_key {
	const char *key;
	size_t off;
	int type;		/* IK_ONE: char *; IK_LIST: char ** (repeated key) */
	unsigned required;	/* mask of the kinds that must have it */
} info_keys[] = {
	/* store entries (assemble_entry.c writes them) */
	{"name", offsetof(struct store_info, name), IK_ONE, 1u << STORE_INFO_ENTRY},
	{"role", offsetof(struct store_info, role), IK_ONE, 0},
	{"recipe", offsetof(struct store_info, recipe), IK_ONE, 0},
	{"version", offsetof(struct store_info, version), IK_ONE, 0},
	{"key", offsetof(struct store_info, key), IK_ONE, 1u << STORE_INFO_ENTRY},
	{"kernel_headers", offsetof(struct store_info, kernel_headers), IK_ONE, 0},
	/* target prefixes (assemble_prefix.c writes them) */
	{"target", offsetof(struct store_info, target), IK_ONE, 1u << STORE_INFO_PREFIX},
	{"file", offsetof(struct store_info, file), IK_ONE, 0},
	{"prefix_id", offsetof(struct store_info, prefix_id), IK_ONE, 1u << STORE_INFO_PREFIX},
	{"entry", offsetof(struct store_info, entries), IK_LIST, 1u << STORE_INFO_PREFIX},
};

void store_info_free(struct store_info *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < sizeof(info_keys) / sizeof(info_keys[0]); i++) {
		void *f = (char *)in + info_keys[i].off;
		if (info_keys[i].type == IK_ONE)
			free(*(char **)f);
		else
			strv_free(*(char ***)f);
	}
	free(in->path);
	memset(in, 0, sizeof(*in));
}

static const struct info_key *find_key(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof(info_keys) / sizeof(info_keys[0]); i++)
		if (strlen(info_keys[i].key) == n && strncmp(info_keys[i].key, k, n) == 0)
			return &info_keys[i];
	return NULL;
}

int store_info_parse(gotc_t *h, const char *path, const char *text, enum store_info_kind kind,
		     struct store_info *in)
{
	int rc = 0, line = 0;
	memset(in, 0, sizeof(*in));
	if (!(in->path = str_dup(path)))
		return gotc_fail(h, -ENOMEM, "out of memory");
	for (const char *l = text; *l && !rc; line++) {
		const char *nl = strchr(l, '\n'), *end = nl ? nl : l + strlen(l);
		const char *sp = memchr(l, ' ', (size_t)(end - l));
		if (!nl) {
			rc = gotc_fail(h, GOTC_ESTORE, "%s:%d: truncated (no newline at the end)", path, line + 1);
			break;
		}
		if (!sp || sp == l || sp + 1 == end) {
			rc = gotc_fail(h, GOTC_ESTORE, "%s:%d: not a 'KEY VALUE' line", path, line + 1);
			break;
		}
		const struct info_key *k = find_key(l, (size_t)(sp - l));
		if (k) {
			char *v = str_ndup(sp + 1, (size_t)(end - sp - 1));
			void *f = (char *)in + k->off;
			if (!v)
				rc = gotc_fail(h, -ENOMEM, "out of memory");
			else if (k->type == IK_LIST)
				rc = strv_push((char ***)f, v) ? gotc_fail(h, -ENOMEM, "out of memory") : 0;
			else if (*(char **)f)
				rc = gotc_fail(h, GOTC_ESTORE, "%s:%d: '%s' given twice", path, line + 1, k->key);
			else
				*(char **)f = v, v = NULL;
			free(v);
		}
		l = end + 1;
	}
	for (size_t i = 0; !rc && i < sizeof(info_keys) / sizeof(info_keys[0]); i++) {
		const struct info_key *k = &info_keys[i];
		void *f = (char *)in + k->off;
		if ((k->required & (1u << kind)) && !*(void **)f)
			rc = gotc_fail(h, GOTC_ESTORE, "%s: no '%s' line", path, k->key);
	}
	if (rc)
		store_info_free(in);
	return rc;
}

int store_info_read(gotc_t *h, const char *dir, enum store_info_kind kind, struct store_info *in)
{
	char *path = path_join(dir, "info"), *text = NULL;
	int rc;
	memset(in, 0, sizeof(*in));
	if (!path)
		return gotc_fail(h, -ENOMEM, "out of memory");
	if ((rc = read_file(path, &text, NULL)))
		rc = gotc_fail(h, GOTC_ESTORE, "cannot read %s: %s", path, strerror(-rc));
	else
		rc = store_info_parse(h, path, text, kind, in);
	free(text);
	free(path);
	return rc;
}
