/* deb.h - Debian package indexes: the deb822 reader (deb_index.c), the
 * signed-release check (deb_verify.c, gpgv) and the dependency resolver
 * (deb_resolve.c). */
#ifndef GOTC_DEB_H
#define GOTC_DEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotc.h"

/* ---- deb822 (deb_index.c) ---- */

/* One field of a stanza: pointers into the parsed text (not NUL-terminated).
 * A multi-line value keeps its continuation lines as written (newlines and
 * their leading space included); the trailing newline is left out. */
struct deb822_field {
	const char *name, *value;
	size_t name_len, value_len;
};

/* Called for each stanza; line: the stanza's first line.  Non-zero stops
 * the parse and is returned. */
typedef int (*deb822_fn)(void *ctx, const struct deb822_field *f, size_t n, int line);

/* Parse deb822 text (Packages, Release): stanzas separated by blank lines,
 * "Name: value" fields, continuation lines starting with space or tab,
 * '#' comment lines skipped.  A malformed line is GOTC_ERECIPE with
 * "LABEL:LINE: message" in h->errbuf. */
int deb822_parse(gotc_t *h, const char *label, const char *text, size_t len, deb822_fn fn, void *ctx);
/* A field's value by name (case-insensitive), or NULL; *len its length. */
const char *deb822_get(const struct deb822_field *f, size_t n, const char *name, size_t *len);

/* Debian version comparison (epoch:upstream-revision, '~' sorts first):
 * <0, 0, >0. */
int deb_version_cmp(const char *a, const char *b);

/* A .deb's name, version and architecture from its file name or URL
 * (".../NAME_VERSION_ARCH.deb", as the pool and apt-get download name them):
 * percent escapes are decoded (apt writes an epoch's ':' as %3a), so
 * "libc6_2%3a2.36-9_arm64.deb" gives "libc6", "2:2.36-9", "arm64".  Each of
 * name, version, arch may be NULL; the others get malloc'd strings.  -EINVAL
 * when the name is not of that form (no .deb, not three '_' fields, a bad
 * escape, a version deb-version(7) does not allow), -ENOMEM. */
int deb_file_parse(const char *url, char **name, char **version, char **arch);

/* One binary package of an index (every string malloc'd, owned by the index). */
struct deb_pkg {
	char *name, *version, *arch, *multi_arch, *source;
	char *depends, *pre_depends, *provides;
	char *conflicts, *breaks; /* never installed together with what they name */
	char *filename, *sha256;
	uint64_t size;
};

struct deb_index {
	struct deb_pkg *p;
	size_t n;
};

/* Read a Packages file into idx (appends).  Stanzas without Package, Version,
 * Filename, Size or SHA256 are errors (GOTC_ERECIPE, "LABEL:LINE: ..."). */
int deb_index_read(gotc_t *h, const char *label, const char *text, size_t len, struct deb_index *idx);
void deb_index_free(struct deb_index *idx);

/* The Release/InRelease fields gotc uses. */
struct deb_release {
	char *date, *valid_until, *suite, *codename;
	/* SHA256 lines: "HEX SIZE PATH" */
	struct deb_release_file {
		char *path, *sha256;
		uint64_t size;
	} *files;
	size_t nfiles;
};
/* Parse the (verified) Release text. */
int deb_release_read(gotc_t *h, const char *label, const char *text, size_t len, struct deb_release *r);
const struct deb_release_file *deb_release_find(const struct deb_release *r, const char *path);
void deb_release_free(struct deb_release *r);

/* ---- resolution (deb_resolve.c) ---- */

/* A package the base sysroot already provides (its cross package's name
 * without -ARCH-cross, and version). */
struct deb_base {
	const char *name, *version;
};

struct deb_resolution {
	const struct deb_pkg **pkgs; /* into the index, in index order */
	size_t n;
	char **left_to_host; /* Multi-Arch: foreign dependencies not installed */
};

/* The closure of want (package names) for architecture arch ("arm64"):
 * GOTC_ENOTFOUND for an unknown package (close names suggested),
 * GOTC_EDEPENDS for a dependency nothing satisfies (both named). */
int deb_resolve(gotc_t *h, const struct deb_index *idx, const char *arch, const struct deb_base *base,
		size_t nbase, char *const *want, struct deb_resolution *out);
void deb_resolution_free(struct deb_resolution *r);

/* ---- signature (deb_verify.c) ---- */

struct deb_signer {
	char fingerprint[41]; /* of the key that made the good signature */
	long long sig_time;   /* signature creation, seconds since the epoch */
};
/* Verify a clear-signed InRelease file with gpgv against keyring (an
 * OpenPGP keyring file) and write the signed text it covers to out_text
 * (malloc'd).  A bad signature, an unknown or expired key, or a missing gpgv
 * is GOTC_ESIGNATURE naming the file and the cause. */
int deb_verify_inrelease(gotc_t *h, const char *inrelease, const char *keyring, char **out_text,
			 size_t *out_len, struct deb_signer *who);

#endif
