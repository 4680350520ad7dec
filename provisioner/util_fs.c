/* util_fs.c - directories, whole-file I/O, atomic writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gotc.h"
#include "util.h"

int mkdir_p(const char *path, mode_t mode)
{
	char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			rc = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!rc && !is_dir(path))
		rc = -ENOTDIR;
	free(p);
	return rc;
}

/* rm_rf works from one open directory at a time (openat, unlinkat,
 * fdopendir), so neither the depth of a tree nor the length of its paths
 * limits it, and it holds two descriptors whatever the depth.  It never
 * follows a symbolic link: a directory is entered with O_NOFOLLOW |
 * O_DIRECTORY, so one swapped for a link is unlinked as the link; it climbs
 * back through "..", checked against the device and inode it came from, so
 * a directory moved away under it stops it (-ESTALE) instead of leading it
 * elsewhere.  A read-only directory (store entries are 0555) is made
 * writable by its owner before its children go. */
struct rm_level {
	dev_t dev;
	ino_t ino;
	char *name; /* of the child entered, in this directory */
};

static int rm_open_dir(int at, const char *name)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if ((st.st_mode & 0700) != 0700)
		(void)fchmod(fd, (st.st_mode & 07777) | 0700); /* unlinkat reports it if it failed */
	return fd;
}

/* Remove one entry of dir fd; *sub gets the fd of a directory to enter
 * instead (its children first), else -1. */
static int rm_entry(int fd, const char *name, int *sub)
{
	*sub = -1;
	struct stat st;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		if (unlinkat(fd, name, AT_REMOVEDIR) == 0)
			return 0; /* empty (and writable) */
		int d = rm_open_dir(fd, name);
		if (d >= 0) {
			*sub = d;
			return 0;
		}
		if (d == -ENOENT)
			return 0;
		if (d != -ENOTDIR && d != -ELOOP)
			return d;
		/* swapped for something else meanwhile: unlink that */
	}
	if (unlinkat(fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	return -errno;
}

static int rm_tree(int top)
{
	struct rm_level *stack = NULL;
	size_t depth = 0, cap = 0;
	int fd = top, rc = 0;
	while (!rc) {
		int dfd = dup(fd);
		DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
		if (!d) {
			rc = -errno;
			if (dfd >= 0)
				close(dfd);
			break;
		}
		rewinddir(d); /* the dup shares the offset of the last pass */
		int sub = -1;
		struct dirent *de;
		char *entered = NULL;
		size_t seen = 0;
		errno = 0;
		while (!rc && sub < 0 && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			seen++;
			rc = rm_entry(fd, de->d_name, &sub);
			if (sub >= 0 && !(entered = strdup(de->d_name))) {
				close(sub);
				sub = -1;
				rc = -ENOMEM;
			}
			errno = 0;
		}
		if (!rc && sub < 0 && errno)
			rc = -errno; /* readdir failed */
		closedir(d);
		if (rc)
			break;
		if (sub >= 0) { /* go down, remembering the way back */
			struct stat st;
			if (depth == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct rm_level *ns = realloc(stack, nc * sizeof(*ns));
				if (!ns) {
					rc = -ENOMEM;
				} else {
					stack = ns;
					cap = nc;
				}
			}
			if (!rc && fstat(fd, &st) < 0)
				rc = -errno;
			if (rc) {
				free(entered);
				close(sub);
				break;
			}
			stack[depth++] = (struct rm_level){.dev = st.st_dev, .ino = st.st_ino, .name = entered};
			if (fd != top)
				close(fd);
			fd = sub;
			continue;
		}
		if (seen)
			continue; /* removing while reading may skip entries (tmpfs): read it again */
		if (!depth)
			break; /* top is empty */
		/* fd is empty: back up to its parent and remove it there */
		struct rm_level *up = &stack[depth - 1];
		int pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat pst;
		if (pfd < 0 || fstat(pfd, &pst) < 0) {
			rc = -errno;
		} else if (pst.st_dev != up->dev || pst.st_ino != up->ino) {
			rc = -ESTALE; /* moved away under us */
		} else if (unlinkat(pfd, up->name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			rc = -errno;
		}
		close(fd);
		fd = depth == 1 && pfd >= 0 ? (close(pfd), top) : pfd;
		free(up->name);
		depth--;
		if (fd < 0)
			break;
	}
	if (fd >= 0 && fd != top)
		close(fd);
	while (depth)
		free(stack[--depth].name);
	free(stack);
	return rc;
}

int rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	int top = rm_open_dir(AT_FDCWD, path);
	if (top == -ENOTDIR || top == -ELOOP) /* swapped for a link or a file */
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	if (top < 0)
		return top == -ENOENT ? 0 : top;
	int rc = rm_tree(top);
	close(top);
	if (!rc && rmdir(path) < 0 && errno != ENOENT)
		rc = -errno;
	return rc;
}

int open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISREG(st.st_mode) ? -errno : GOTC_ENOTREG;
		close(fd);
		return e;
	}
	/* a regular file: O_NONBLOCK changes nothing, but clear it anyway */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int read_file(const char *path, char **out, size_t *len)
{
	int fd = open_regular(path);
	if (fd < 0)
		return fd;
	struct buf b;
	buf_init(&b);
	char tmp[8192];
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			close(fd);
			buf_free(&b);
			return e;
		}
		if (n == 0)
			break;
		buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	size_t l = b.len;
	char *s = buf_steal(&b);
	if (!s)
		return -ENOMEM;
	*out = s;
	if (len)
		*len = l;
	return 0;
}

int file_create_tmp(const char *path, mode_t mode, char **tmp)
{
	char *t = str_printf("%s.XXXXXX", path);
	*tmp = NULL;
	if (!t)
		return -ENOMEM;
	int fd = mkostemp(t, O_CLOEXEC); /* O_EXCL: never an existing file or link */
	if (fd < 0 || fchmod(fd, mode) < 0) {
		int e = -errno;
		if (fd >= 0) {
			close(fd);
			unlink(t);
		}
		free(t);
		return e;
	}
	*tmp = t;
	return fd;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = NULL;
	int rc = 0, fd = file_create_tmp(path, mode, &tmp);
	if (fd < 0)
		return fd;
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (!*b)
		return strndup(a, la);
	return str_printf("%.*s/%s", (int)la, a, b);
}

char *path_dirname(const char *p)
{
	const char *s = strrchr(p, '/');
	if (!s)
		return strdup(".");
	if (s == p)
		return strdup("/");
	return strndup(p, (size_t)(s - p));
}

const char *path_basename(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static uint64_t du_total;
static int du_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode))
		du_total += (uint64_t)st->st_size;
	return 0;
}

uint64_t dir_size(const char *dir)
{
	du_total = 0;
	nftw(dir, du_one, 32, FTW_PHYS);
	return du_total;
}

char *exe_dir(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return path_dirname(buf);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dir_list(const char *dir, const char *suffix)
{
	char **v = calloc(1, sizeof(*v));
	DIR *d = v ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && str_ends(de->d_name, suffix) && strv_push(&v, de->d_name) < 0) {
			strv_free(v);
			v = NULL;
			break;
		}
	if (d)
		closedir(d);
	if (v)
		qsort(v, strv_len(v), sizeof(*v), cmp_names);
	return v;
}

static int walk_dir(gotc_t *h, const char *root, const char *rel, int depth, int max_depth, tree_fn fn,
		    void *ctx)
{
	char *dir = rel[0] ? path_join(root, rel) : strdup(root);
	if (!dir)
		return gotc_fail(h, -ENOMEM, "out of memory");
	DIR *d = opendir(dir);
	int rc = 0;
	if (!d) {
		rc = gotc_fail(h, -errno, "opendir %s: %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		const char *n = de->d_name;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		char *sub = rel[0] ? str_printf("%s/%s", rel, n) : strdup(n);
		char *full = sub ? path_join(root, sub) : NULL;
		struct stat st;
		if (!sub || !full) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		} else if (lstat(full, &st) < 0) {
			rc = gotc_fail(h, -errno, "lstat %s: %s", full, strerror(errno));
		} else {
			rc = fn(h, sub, full, &st, ctx);
			if (rc == 0 && S_ISDIR(st.st_mode) && depth < max_depth)
				rc = walk_dir(h, root, sub, depth + 1, max_depth, fn, ctx);
			else if (rc > 0)
				rc = 0;
		}
		free(sub);
		free(full);
	}
	closedir(d);
	free(dir);
	return rc;
}

int tree_walk(gotc_t *h, const char *root, int max_depth, tree_fn fn, void *ctx)
{
	return walk_dir(h, root, "", 0, max_depth, fn, ctx);
}

const char *user_home(void)
{
	const char *home = getenv("HOME");
	if (home && *home == '/')
		return home;
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_dir && *pw->pw_dir == '/')
		return pw->pw_dir;
	errno = ENOENT;
	return NULL;
}
