/* model_lint.c - validate target and recipe files, one at a time or a whole tree. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

/* Kind of a file from where it lives: targets/X.ini (-1) or recipes/KIND/X.ini. */
static int file_kind(const char *path, int *kind)
{
	char *dir = path_dirname(path);
	char *parent = dir ? path_dirname(dir) : NULL;
	const char *d = dir ? path_basename(dir) : "";
	const char *pd = parent ? path_basename(parent) : "";
	int rc = -EINVAL;
	if (strcmp(d, "targets") == 0) {
		*kind = -1;
		rc = 0;
	} else if (strcmp(pd, "recipes") == 0) {
		for (int k = 0; k < RK__COUNT; k++)
			if (strcmp(d, recipe_kind_names[k]) == 0) {
				*kind = k;
				rc = 0;
			}
	}
	free(dir);
	free(parent);
	return rc;
}

int lint_file(gotc_t *h, const char *path)
{
	int kind, rc;
	if (file_kind(path, &kind) < 0)
		return gotc_fail(h, GOTC_ERECIPE,
				 "%s:1: cannot tell what this file is: put targets in targets/NAME.ini "
				 "and recipes in recipes/{go,toolchain,sysroot,kernel}/NAME.ini",
				 path);
	if (kind < 0) {
		/* A target: load it and everything it names, cross-checked. */
		struct resolved rs;
		rc = target_resolve(h, path, &rs);
		if (!rc)
			resolved_free(&rs);
		return rc;
	}
	struct recipe *r = NULL;
	rc = recipe_load(h, path, (enum recipe_kind)kind, &r);
	if (!rc)
		rc = recipe_check_mirrors(h, r);
	recipe_free(r);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **lint_dir_files(const char *dir)
{
	char **files = calloc(1, sizeof(char *));
	DIR *d = opendir(dir);
	struct dirent *de;
	while (files && d && (de = readdir(d)))
		if (de->d_name[0] != '.' && str_ends(de->d_name, ".ini")) {
			char *p = path_join(dir, de->d_name);
			if (!p || strv_push(&files, p)) {
				strv_free(files);
				files = NULL;
			}
			free(p);
		}
	if (d)
		closedir(d);
	if (files)
		qsort(files, strv_len(files), sizeof(char *), cmp_str);
	return files;
}

int lint_tree(gotc_t *h, const char *dir, int *nfiles)
{
	int rc = 0;
	for (int k = -1; k < RK__COUNT && !rc; k++) {
		char *sub = k < 0 ? path_join(dir, "targets")
				  : str_printf("%s/recipes/%s", dir, recipe_kind_names[k]);
		char **files = sub ? lint_dir_files(sub) : NULL;
		if (!files)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		for (size_t i = 0; files && files[i] && !rc; i++) {
			rc = lint_file(h, files[i]);
			if (nfiles)
				(*nfiles)++;
		}
		strv_free(files);
		free(sub);
	}
	return rc;
}
