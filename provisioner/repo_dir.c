/* repo_dir.c - recipe repositories on disk: names, the commit in use, the
 * trees on the search path.  libc only: the gotc front end links it. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "repo.h"
#include "util.h"

char *repo_path(gotc_t *h, const char *name, const char *leaf)
{
	return leaf ? str_printf("%s/repos/%s/%s", h->home, name, leaf)
		    : str_printf("%s/repos/%s", h->home, name);
}

bool repo_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 || !((name[0] >= 'a' && name[0] <= 'z') ||
				  (name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= '0' && name[0] <= '9')))
		return false;
	for (const char *p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
			return false;
	return true;
}

bool repo_of_dir(const gotc_t *h, const char *dir, char *buf, size_t size)
{
	size_t hl = strlen(h->home);
	if (strncmp(dir, h->home, hl) != 0 || !str_starts(dir + hl, "/repos/"))
		return false;
	const char *n = dir + hl + 7, *e = strchr(n, '/');
	size_t len = e ? (size_t)(e - n) : strlen(n);
	if (!len || len >= size)
		return false;
	memcpy(buf, n, len);
	buf[len] = '\0';
	return true;
}

/* The commit in use: the target of the current symlink, "trees/COMMIT". */
int repo_current_commit(gotc_t *h, const char *name, char out[41])
{
	char *link = repo_path(h, name, "current"), buf[128];
	if (!link)
		return -ENOMEM;
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	int rc = n < 0 ? -errno : 0;
	free(link);
	if (rc)
		return rc;
	buf[n] = '\0';
	if (!str_starts(buf, "trees/") || !is_hex(buf + 6, 40))
		return -EINVAL;
	memcpy(out, buf + 6, 41);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the repositories that have a commit in use, sorted. */
char **repo_names(gotc_t *h)
{
	char **names = calloc(1, sizeof(char *));
	char *dir = path_join(h->home, "repos");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	char commit[41];
	while (names && d && (de = readdir(d)))
		if (repo_name_valid(de->d_name) && repo_current_commit(h, de->d_name, commit) == 0 &&
		    strv_push(&names, de->d_name)) {
			strv_free(names);
			names = NULL;
		}
	if (d)
		closedir(d);
	free(dir);
	if (names)
		qsort(names, strv_len(names), sizeof(char *), cmp_str);
	return names;
}

char **repo_search_dirs(gotc_t *h)
{
	char **names = repo_names(h), **dirs = calloc(1, sizeof(char *));
	char commit[41];
	for (size_t i = 0; names && dirs && names[i]; i++) {
		if (repo_current_commit(h, names[i], commit))
			continue;
		char *d = str_printf("%s/repos/%s/trees/%s", h->home, names[i], commit);
		if (d && is_dir(d) && strv_push(&dirs, d)) {
			strv_free(dirs);
			dirs = NULL;
		}
		free(d);
	}
	strv_free(names);
	return dirs;
}
