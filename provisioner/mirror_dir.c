/* mirror_dir.c - gotc mirror: lay verified downloads out as a mirror tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "install.h"
#include "mirror.h"
#include "util.h"

/* Path of an artifact inside the mirror dir (malloc'd), NULL with the error
 * set when the URL has no safe relative path. */
static char *layout_path(gotc_t *h, const struct artifact *a, char **mirror)
{
	const char *url = a->src->url, *rest;
	char *prefix = NULL;
	*mirror = NULL;
	if (str_starts(url, "${mirror:")) {
		const char *e = strchr(url, '}');
		*mirror = e ? str_ndup(url + 9, (size_t)(e - url - 9)) : NULL;
		prefix = *mirror ? strdup(*mirror) : NULL;
		rest = e ? e + 1 : url;
	} else {
		const char *s = strstr(url, "://");
		rest = s ? s + 3 : url;
		if (str_starts(url, "file://"))
			prefix = strdup("_direct/file");
		else
			prefix = strdup("_direct");
	}
	while (*rest == '/')
		rest++;
	size_t rl = strcspn(rest, "?#");
	char *rel = prefix ? str_printf("%s/%.*s", prefix, (int)rl, rest) : NULL;
	free(prefix);
	if (!rel) {
		gotc_fail(h, -ENOMEM, "out of memory");
		return NULL;
	}
	/* every component a plain name: nothing may land outside the dir */
	bool ok = rel[strlen(rel) - 1] != '/';
	for (char *c = rel; ok && *c;) {
		size_t l = strcspn(c, "/");
		ok = l && !(l == 1 && c[0] == '.') && !(l == 2 && c[0] == '.' && c[1] == '.');
		c += l;
		if (*c)
			c++;
	}
	if (!ok) {
		gotc_fail(h, GOTC_ERECIPE, "%s:%d: url '%s' has no plain path to store in a mirror",
			  a->recipe->path, a->src->url_line, url);
		free(rel);
		return NULL;
	}
	return rel;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
	if (in < 0)
		return -errno;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		rc = -errno;
		goto out;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = -errno;
				goto out;
			}
			off += w;
		}
	}
	if (!rc && fsync(out) < 0)
		rc = -errno;
out:
	if (out >= 0 && close(out) < 0 && !rc)
		rc = -errno;
	close(in);
	return rc;
}

/* Put the verified cache file at dest: reuse a correct copy, else link or copy. */
static int place(gotc_t *h, const struct artifact *a, const char *dest)
{
	const char *want = a->src->sha256 ? a->src->sha256 : a->src->sha512;
	enum hash_algo algo = a->src->sha256 ? HASH_SHA256 : HASH_SHA512;
	char hex[129];
	if (is_file(dest) && hash_file(dest, algo, hex) == 0 && strcmp(hex, want) == 0)
		return 0;
	char *dir = path_dirname(dest), *tmp = NULL;
	int rc = dir ? mkdir_p(dir, 0755) : -ENOMEM;
	if (rc) {
		rc = gotc_fail(h, rc, "cannot create %s: %s", dir ? dir : dest, strerror(-rc));
		goto out;
	}
	int fd = file_create_tmp(dest, 0644, &tmp);
	if (fd < 0) {
		rc = gotc_fail(h, fd, "cannot create a file beside %s: %s", dest, strerror(-fd));
		goto out;
	}
	close(fd);
	/* a hard link where the file system allows, else a copy into the new file */
	if (unlink(tmp) < 0 || link(a->cache_path, tmp) < 0) {
		if ((rc = copy_file(a->cache_path, tmp))) {
			rc = gotc_fail(h, rc, "cannot copy %s to %s: %s", a->cache_path, tmp, strerror(-rc));
			goto out;
		}
	}
	if (rename(tmp, dest) < 0)
		rc = gotc_fail(h, -errno, "cannot rename %s to %s: %s", tmp, dest, strerror(errno));
out:
	if (rc && tmp)
		unlink(tmp);
	free(dir);
	free(tmp);
	return rc;
}

int mirror_targets(gotc_t *h, const char *dir, char *const *names, size_t n, char ***mirrors,
		   size_t *files, size_t *direct)
{
	struct plan *plans = calloc(n ? n : 1, sizeof(*plans));
	char **done = calloc(1, sizeof(char *));
	size_t np = 0;
	int rc = 0;
	*files = *direct = 0;
	*mirrors = calloc(1, sizeof(char *));
	if (!plans || !done || !*mirrors) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		if (!(rc = plan_build(h, names[i], &plans[np])))
			np++;
	if (!rc)
		rc = install_fetch(h, plans, np, false);
	for (size_t i = 0; i < np && !rc; i++)
		for (int j = 0; j < plans[i].nentries && !rc; j++)
			for (size_t k = 0; k < plans[i].entries[j].narts && !rc; k++) {
				const struct artifact *a = &plans[i].entries[j].arts[k];
				char *mname = NULL, *rel = layout_path(h, a, &mname), *dest = NULL;
				bool seen = false;
				for (size_t d = 0; rel && done[d] && !seen; d++)
					seen = strcmp(done[d], rel) == 0;
				if (!rel) {
					rc = h->err;
				} else if (!seen) {
					dest = path_join(dir, rel);
					rc = dest ? place(h, a, dest) : gotc_fail(h, -ENOMEM, "out of memory");
					if (!rc && strv_push(&done, rel))
						rc = gotc_fail(h, -ENOMEM, "out of memory");
					if (!rc) {
						(*files)++;
						*direct += mname == NULL;
						gotc_info(h, "mirror: %s", dest);
					}
				}
				bool known = !mname;
				for (size_t m = 0; mname && (*mirrors)[m] && !known; m++)
					known = strcmp((*mirrors)[m], mname) == 0;
				if (!rc && !known && strv_push(mirrors, mname))
					rc = gotc_fail(h, -ENOMEM, "out of memory");
				free(mname);
				free(rel);
				free(dest);
			}
out:
	for (size_t i = 0; i < np; i++)
		plan_free(&plans[i]);
	free(plans);
	strv_free(done);
	if (rc) {
		strv_free(*mirrors);
		*mirrors = NULL;
	}
	return rc;
}
