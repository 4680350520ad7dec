/* assemble_sysroot.c - fix-ups that make an unpacked sysroot usable from
 * wherever it lives.
 *
 * Distribution packages install linker scripts (libc.so, libm.so, libm.a,
 * libpthread.so...) that name their members by absolute native paths:
 *   GROUP ( /usr/lib/x86_64-linux-gnu/libm-2.36.a /usr/lib/x86_64-linux-gnu/libmvec.a )
 * Inside a sysroot such a path either does not exist (the cross packages keep
 * the archives in usr/TRIPLE/lib) or only resolves when the linker decides the
 * script lies inside its --sysroot, which it does after resolving symlinks.
 * Every absolute member is rewritten to "=/PATH", the linker's explicit
 * "inside the sysroot" spelling (GNU ld and lld), naming the file that exists
 * in this tree: the same path if it exists, else the file of that name next to
 * the script.  Absolute symlinks are made relative by the unpacker.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install.h"
#include "util.h"

#define SCRIPT_MAX (64 * 1024)

static bool lib_name(const char *n)
{
	return str_ends(n, ".so") || str_ends(n, ".a") || strstr(n, ".so.") != NULL;
}

/* A linker script: small, text, with an INPUT or GROUP command. */
static bool is_script(const char *s, size_t n)
{
	if (n < 6 || memchr(s, '\0', n))
		return false;
	if (!memcmp(s, "\177ELF", 4) || !memcmp(s, "!<arch>", n < 7 ? n : 7))
		return false;
	return strstr(s, "GROUP") || strstr(s, "INPUT");
}

/* root/rel exists (any type, symlinks followed within the tree's own links). */
static bool exists_in(const char *root, const char *rel)
{
	char *p = path_join(root, rel);
	struct stat st;
	bool ok = p && stat(p, &st) == 0 && !S_ISDIR(st.st_mode);
	free(p);
	return ok;
}

/* The sysroot-relative spelling of member path (absolute), or NULL to keep it. */
static char *member_in(const char *root, const char *dir_rel, const char *path)
{
	if (exists_in(root, path + 1))
		return str_printf("=%s", path);
	const char *base = path_basename(path);
	char *near = str_printf("%s/%s", dir_rel, base);
	if (near && exists_in(root, near)) {
		char *r = str_printf("=/%s", near);
		free(near);
		return r;
	}
	free(near);
	return NULL;
}

/* Rewrite one script's text; *changed set when anything changed. */
static char *rewrite(const char *root, const char *dir_rel, const char *s, bool *changed)
{
	struct buf b;
	buf_init(&b);
	*changed = false;
	while (*s) {
		if (s[0] == '/' && s[1] == '*') { /* a comment, kept as it is */
			const char *end = strstr(s + 2, "*/");
			size_t n = end ? (size_t)(end + 2 - s) : strlen(s);
			buf_add(&b, s, n);
			s += n;
		} else if (*s == '/') {
			size_t n = strcspn(s, " \t\r\n()");
			char *path = str_ndup(s, n);
			char *to = path ? member_in(root, dir_rel, path) : NULL;
			if (to) {
				buf_puts(&b, to);
				*changed = true;
			} else {
				buf_add(&b, s, n);
			}
			free(to);
			free(path);
			s += n;
		} else if (*s == '=' || (*s != ' ' && *s != '\t' && *s != '\n' && *s != '(' && *s != ')')) {
			size_t n = strcspn(s, " \t\r\n()");
			buf_add(&b, s, n ? n : 1);
			s += n ? n : 1;
		} else {
			buf_putc(&b, *s++);
		}
	}
	return buf_steal(&b);
}

static int fix_file(gotc_t *h, const char *root, const char *dir_rel, const char *path, int *count)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SCRIPT_MAX)
		return 0;
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len);
	if (rc)
		return gotc_fail(h, rc, "read %s: %s", path, strerror(-rc));
	if (is_script(text, len)) {
		bool changed = false;
		char *out = rewrite(root, dir_rel, text, &changed);
		if (!out)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		else if (changed && (rc = write_file_atomic(path, out, strlen(out), st.st_mode & 0777)))
			rc = gotc_fail(h, rc, "write %s: %s", path, strerror(-rc));
		else if (changed)
			++*count;
		free(out);
	}
	free(text);
	return rc;
}

struct fix_ctx {
	const char *root;
	int count;
};

static int fix_one(gotc_t *h, const char *rel, const char *full, const struct stat *st, void *ctx)
{
	struct fix_ctx *f = ctx;
	const char *slash = strrchr(rel, '/');
	if (!S_ISREG(st->st_mode) || !lib_name(slash ? slash + 1 : rel))
		return 0;
	char *dir_rel = slash ? strndup(rel, (size_t)(slash - rel)) : strdup("");
	int rc = dir_rel ? fix_file(h, f->root, dir_rel, full, &f->count) : gotc_fail(h, -ENOMEM, "out of memory");
	free(dir_rel);
	return rc;
}

int sysroot_fix_scripts(gotc_t *h, const char *root, int *count)
{
	struct fix_ctx f = {.root = root, .count = 0};
	int rc = tree_walk(h, root, 32, fix_one, &f);
	if (count)
		*count = f.count;
	return rc;
}

/* Layer the tree from/ onto to/: directories merged, files hard-linked (they
 * are immutable store files), symlinks copied; a later layer replaces. */
static int layer(gotc_t *h, const char *from, const char *to, int depth)
{
	int rc = mkdir_p(to, 0755);
	if (rc)
		return gotc_fail(h, rc, "mkdir %s: %s", to, strerror(-rc));
	DIR *d = opendir(from);
	if (!d)
		return gotc_fail(h, -errno, "opendir %s: %s", from, strerror(errno));
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *s = path_join(from, de->d_name), *t = path_join(to, de->d_name);
		struct stat st, tt;
		if (!s || !t) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		} else if (lstat(s, &st) < 0) {
			rc = gotc_fail(h, -errno, "lstat %s: %s", s, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (lstat(t, &tt) == 0 && !S_ISDIR(tt.st_mode) && unlink(t) < 0)
				rc = gotc_fail(h, -errno, "unlink %s: %s", t, strerror(errno));
			else if (depth > 64)
				rc = gotc_fail(h, GOTC_EASSEMBLE, "%s: too deep", s);
			else
				rc = layer(h, s, t, depth + 1);
		} else {
			if (lstat(t, &tt) == 0 && (S_ISDIR(tt.st_mode) ? rm_rf(t) : unlink(t)) < 0) {
				rc = gotc_fail(h, -errno, "remove %s: %s", t, strerror(errno));
			} else if (S_ISLNK(st.st_mode)) {
				char lt[4096];
				ssize_t n = readlink(s, lt, sizeof(lt) - 1);
				if (n < 0)
					rc = gotc_fail(h, -errno, "readlink %s: %s", s, strerror(errno));
				else if ((lt[n] = '\0', symlink(lt, t)) < 0)
					rc = gotc_fail(h, -errno, "symlink %s: %s", t, strerror(errno));
			} else if (S_ISREG(st.st_mode) && link(s, t) < 0) {
				rc = gotc_fail(h, -errno, "link %s -> %s: %s", s, t, strerror(errno));
			}
		}
		free(s);
		free(t);
	}
	closedir(d);
	return rc;
}

int sysroot_view(gotc_t *h, char *const *layers, const char *dest)
{
	int rc = 0;
	for (size_t i = 0; !rc && layers[i]; i++)
		rc = layer(h, layers[i], dest, 0);
	return rc;
}
