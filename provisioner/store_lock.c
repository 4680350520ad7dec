/* store_lock.c - the store's flock(), staging directories and atomic commits. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

char *store_path(gotc_t *h, const char *sub)
{
	return path_join(h->home, sub);
}

int store_lock_try(gotc_t *h)
{
	char *p = store_path(h, "lock");
	if (!p)
		return gotc_fail(h, -ENOMEM, "out of memory");
	int fd = open(p, O_RDWR | O_CLOEXEC);
	free(p);
	if (fd < 0)
		return -errno; /* no store yet, or not writable: nothing to clean */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int store_lock(gotc_t *h)
{
	int rc = mkdir_p(h->home, 0755);
	if (rc)
		return gotc_fail(h, rc, "cannot create %s: %s", h->home, strerror(-rc));
	char *p = store_path(h, "lock");
	if (!p)
		return gotc_fail(h, -ENOMEM, "out of memory");
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = gotc_fail(h, -errno, "cannot open %s: %s (is %s writable?)", p, strerror(errno),
			       h->home);
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			rc = gotc_fail(h, -errno, "cannot lock %s: %s", p, strerror(errno));
			close(fd);
			goto out;
		}
		struct gotc_event ev = {.type = GOTC_EV_LOCK_WAIT, .msg = p};
		gotc_emit(h, &ev);
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				rc = gotc_fail(h, -errno, "cannot lock %s: %s", p, strerror(errno));
				close(fd);
				goto out;
			}
		}
	}
	rc = fd;
out:
	free(p);
	return rc;
}

void store_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

void store_clean_staging(gotc_t *h, bool stale)
{
	/* With the exclusive lock held, anything in staging belongs to a run
	 * that died (kill -9, power loss): remove it. */
	char *p = store_path(h, "store/.staging");
	if (p && is_dir(p)) {
		DIR *d = opendir(p);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char *c = path_join(p, de->d_name);
			if (c) {
				uint64_t sz = stale ? dir_size(c) : 0;
				if (stale)
					gotc_warn(h, "removed %s (%.1f MiB), left by an interrupted run", c,
					  (double)sz / (1024.0 * 1024.0));
				rm_rf(c);
			}
			free(c);
		}
		if (d)
			closedir(d);
	}
	free(p);
}

int store_stage(gotc_t *h, const char *name, char **out)
{
	char *base = store_path(h, "store/.staging");
	int rc = base ? mkdir_p(base, 0755) : -ENOMEM;
	*out = NULL;
	if (rc) {
		free(base);
		return gotc_fail(h, rc, "cannot create staging directory under %s: %s", h->home,
				 strerror(-rc));
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char *p = str_printf("%s/%s.%ld.%ld", base, name, (long)getpid(), (long)ts.tv_nsec);
	free(base);
	if (!p)
		return gotc_fail(h, -ENOMEM, "out of memory");
	if (mkdir(p, 0755) < 0) {
		rc = gotc_fail(h, -errno, "mkdir %s: %s", p, strerror(errno));
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int store_discard(gotc_t *h, const char *path)
{
	/* Rename first, so a crash never leaves a half-deleted entry in place:
	 * staging leftovers are cleaned by the next run. */
	char *trash = NULL;
	int rc = store_stage(h, "discard", &trash);
	if (rc)
		return rc;
	char *dest = path_join(trash, "x");
	if (!dest || rename(path, dest) < 0) {
		rc = gotc_fail(h, dest ? -errno : -ENOMEM, "cannot remove %s: %s", path, strerror(errno));
		rmdir(trash);
	} else {
		rm_rf(trash);
	}
	free(dest);
	free(trash);
	return rc;
}

static int ro_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_SL || S_ISLNK(st->st_mode))
		return 0;
	mode_t m = st->st_mode & 07777 & ~(mode_t)0222;
	if (flag == FTW_DP || flag == FTW_D)
		m |= 0500; /* directories stay traversable by the owner */
	else
		m |= 0400; /* and files readable: the manifest hashes them */
	chmod(path, m);
	return 0;
}

void store_make_readonly(const char *root)
{
	nftw(root, ro_one, 64, FTW_PHYS | FTW_DEPTH);
}

int store_publish(gotc_t *h, const char *stage, const char *dest)
{
	char *parent = path_dirname(dest);
	int rc;
	if (!parent)
		return gotc_fail(h, -ENOMEM, "out of memory");
	if ((rc = mkdir_p(parent, 0755))) {
		rc = gotc_fail(h, rc, "mkdir %s: %s", parent, strerror(-rc));
		goto out;
	}
	/* Make the bytes durable before the rename publishes them, so a power
	 * loss cannot leave a committed entry with empty files ([store] fsync). */
	if (h->fsync) {
		int dfd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || syncfs(dfd) < 0) {
			rc = gotc_fail(h, -errno, "cannot flush %s to disk: %s", stage, strerror(errno));
			if (dfd >= 0)
				close(dfd);
			goto out;
		}
		close(dfd);
	}
	int r = rename(stage, dest);
	if (r < 0 && (errno == ENOTEMPTY || errno == EEXIST) && h->reinstall) {
		/* --reinstall: the new tree and the old swap places in one step,
		 * so dest is whole at every moment; stage then holds the old */
		r = renameat2(AT_FDCWD, stage, AT_FDCWD, dest, RENAME_EXCHANGE);
		if (r == 0) {
			rm_rf(stage);
			rc = 0;
			goto out;
		}
		if (errno == EINVAL || errno == ENOSYS) {
			rc = gotc_fail(h, -errno, "cannot replace %s: this file system cannot exchange "
				       "two directories atomically (renameat2 RENAME_EXCHANGE: %s)",
				       dest, strerror(errno));
			goto out;
		}
	} else if (r < 0 && (errno == ENOTEMPTY || errno == EEXIST)) {
		/* a directory without a manifest is no entry (an interrupted
		 * delete by an older gotc): replace it */
		char *m = path_join(dest, "manifest");
		if (m && !is_file(m) && store_discard(h, dest) == 0)
			r = rename(stage, dest);
		else
			errno = ENOTEMPTY;
		free(m);
	}
	if (r < 0) {
		rc = gotc_fail(h, -errno, "rename %s -> %s: %s", stage, dest, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(parent);
	return rc;
}

int store_commit(gotc_t *h, const char *stage, const char *dest, const char *info, uint64_t *size)
{
	char *root = path_join(stage, "root");
	char *man = path_join(stage, "manifest");
	char *inf = path_join(stage, "info");
	uint64_t bytes = 0;
	int rc;
	if (!root || !man || !inf) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	/* Immutable from here on: no write bits anywhere in the tree (taken
	 * away while the manifest is written). */
	if ((rc = manifest_commit(h, stage, root, man, &bytes)))
		goto out;
	if ((rc = write_file_atomic(inf, info, strlen(info), 0444))) {
		rc = gotc_fail(h, rc, "%s: %s", inf, strerror(-rc));
		goto out;
	}
	struct stat st;
	if (size && stat(man, &st) == 0)
		bytes += (uint64_t)st.st_size;
	if (size)
		*size = bytes + strlen(info);
	rc = store_publish(h, stage, dest);
out:
	free(root);
	free(man);
	free(inf);
	return rc;
}
