/* util.h - strings, files and hashing helpers shared by the core and the CLI. */
#ifndef GOTC_UTIL_H
#define GOTC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util_err.h"

/* Every --json document (and env --format=json) opens with
 * "schema": "gotc-NAME/GOTC_JSON_SCHEMA"; a change of any shape bumps it.
 * gotc(1) JSON OUTPUT lists the names and their fields. */
#define GOTC_JSON_SCHEMA 1

/* Growable byte buffer; s is always NUL-terminated when len > 0 or after buf_init. */
struct buf {
	char *s;
	size_t len, cap;
	int oom;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Detach the string (caller frees); NULL if allocation ever failed. */
char *buf_steal(struct buf *b);

/* Return a malloc'd string or NULL. Caller frees. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_dup(const char *s);
/* s as one POSIX shell word: as is when it holds only safe characters, else
 * single-quoted (malloc'd). */
char *str_shell_quote(const char *s);
char *str_ndup(const char *s, size_t n);
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* url with any "user:password@" of its authority replaced by "***@", for
 * messages; malloc'd, NULL on ENOMEM. */
char *url_redact(const char *url);
/* Split on spaces/tabs into a NULL-terminated vector (caller frees with strv_free). */
char **strv_split(const char *s);
size_t strv_len(char *const *v);
/* 0 or -ENOMEM. */
int strv_push(char ***v, const char *s) GOTC_MUST_USE;
bool strv_has(char *const *v, const char *s);
void strv_free(char **v);
/* Levenshtein distance, for "did you mean". */
size_t str_distance(const char *a, const char *b);
/* The candidate nearest to word (n of them, NULLs skipped, or up to a NULL
 * when n is (size_t)-1), if near enough to suggest; else NULL. */
const char *str_nearest(const char *word, const char *const *cands, size_t n);
/* Compare dotted version strings numerically: <0, 0, >0.  Non-digits stop. */
int version_cmp(const char *a, const char *b);
/* Compare a with b, a cut to as many components as b has: 6.1.4 vs 6.1 is 0. */
int version_cmp_prefix(const char *a, const char *b);
/* 1 if s is digits separated by single dots, with an optional -suffix of [A-Za-z0-9.+~]. */
bool version_valid(const char *s);
/* A Go release as a user chooses one: MAJOR.MINOR (1.24) or MAJOR.MINOR.PATCH. */
bool go_release_valid(const char *v);
/* A Debian package name: [a-z0-9][a-z0-9+.-]+. */
bool deb_name_valid(const char *s);
/* A list of package names separated by commas, blanks or '_', sorted, each
 * once, joined by '_' (which no package name holds, and which paths, PATH,
 * -Wl, and qemu -E take as it is) (malloc'd); NULL when empty, malformed or
 * out of memory. */
char *packages_canonical(const char *list);

/* Files. All return 0 or -errno. */
int mkdir_p(const char *path, mode_t mode) GOTC_MUST_USE;
int rm_rf(const char *path);
int read_file(const char *path, char **out, size_t *len) GOTC_MUST_USE;
/* Open path for reading only if it is a regular file: O_NONBLOCK, so a FIFO
 * never blocks, then fstat.  The fd, or -errno / GOTC_ENOTREG. */
int open_regular(const char *path) GOTC_MUST_USE;
/* Create PATH.XXXXXX exclusively (never following a link) with mode; the
 * open fd, or -errno; *tmp is its malloc'd name. */
int file_create_tmp(const char *path, mode_t mode, char **tmp) GOTC_MUST_USE;
/* Write to a file_create_tmp name, fsync, rename over path. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode) GOTC_MUST_USE;
bool is_dir(const char *path);
bool is_file(const char *path);
char *path_join(const char *a, const char *b);
/* Parent directory and base name (malloc'd). */
char *path_dirname(const char *p);
const char *path_basename(const char *p);
/* Directory of the running executable (malloc'd), NULL if unknown. */
char *exe_dir(void);
/* Sorted names in dir ending with suffix ("" = all), hidden ones left out;
 * NULL-terminated, strv_free; NULL on ENOMEM. */
char **dir_list(const char *dir, const char *suffix);
/* The user's home directory: $HOME if absolute, else the password
 * database's; NULL (errno ENOENT) when neither names one (never /tmp). */
const char *user_home(void);
/* Sum of the sizes of regular files under dir (st_blocks not used: apparent size). */
uint64_t dir_size(const char *dir);
/* Walk the tree under root (not following links): fn(h, rel, full, st, ctx)
 * for every entry, rel relative to root; fn returns < 0 to stop with that
 * error, 1 to not descend into a directory, 0 to go on.  Directories deeper
 * than max_depth are not entered.  Errors are reported through gotc_fail. */
struct gotc;
struct stat;
typedef int (*tree_fn)(struct gotc *h, const char *rel, const char *full, const struct stat *st,
		       void *ctx);
int tree_walk(struct gotc *h, const char *root, int max_depth, tree_fn fn, void *ctx) GOTC_MUST_USE;

/* Hashing (OpenSSL EVP behind this interface only). */
enum hash_algo { HASH_SHA256, HASH_SHA512 };
struct hasher;
struct hasher *hasher_new(enum hash_algo algo);
void hasher_update(struct hasher *h, const void *p, size_t n);
/* Write lowercase hex into out (129 bytes fit either); frees h.  If OpenSSL
 * failed at any step, a text no digest can match ("(the hash library failed)"). */
void hasher_final(struct hasher *h, char *out);
void hasher_free(struct hasher *h);
/* Hash a file: 0 or -errno. */
int hash_file(const char *path, enum hash_algo algo, char *out) GOTC_MUST_USE;
void sha256_hex(const void *p, size_t n, char out[65]);
/* Valid lowercase/uppercase hex of exactly n digits. */
bool is_hex(const char *s, size_t n);

#endif
