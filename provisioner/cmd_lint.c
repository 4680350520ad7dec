/* cmd_lint.c - gotc lint [FILE...]: validate targets and recipes. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "util.h"

/* Kind of a file from where it lives: targets/X.ini or recipes/KIND/X.ini. */
static int file_kind(const char *path, int *kind)
{
	char *dir = path_dirname(path);
	char *parent = dir ? path_dirname(dir) : NULL;
	const char *d = dir ? path_basename(dir) : "";
	const char *pd = parent ? path_basename(parent) : "";
	int rc = -1;
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

static int lint_one(struct cli *cli, const char *path, bool quiet_ok)
{
	int kind, rc;
	if (file_kind(path, &kind) < 0) {
		fprintf(stderr, "%s:1: cannot tell what this file is: put targets in targets/NAME.ini "
				"and recipes in recipes/{go,toolchain,sysroot,kernel}/NAME.ini\n",
			path);
		return EXIT_USAGE;
	}
	if (kind < 0) {
		/* A target: load it and everything it names, cross-checked. */
		struct resolved rs;
		rc = target_resolve(&cli->h, path, &rs);
		if (!rc)
			resolved_free(&rs);
	} else {
		struct recipe *r = NULL;
		rc = recipe_load(&cli->h, path, (enum recipe_kind)kind, &r);
		if (!rc)
			rc = recipe_check_mirrors(&cli->h, r);
		recipe_free(r);
	}
	if (rc)
		return cli_error(cli, rc);
	if (!quiet_ok && cli->verbose)
		printf("%s: ok\n", path);
	return EXIT_OK;
}

static int lint_dir(struct cli *cli, const char *dir, int *nfiles)
{
	DIR *d = opendir(dir);
	if (!d)
		return EXIT_OK;
	int ex = EXIT_OK;
	struct dirent *de;
	char **files = calloc(1, sizeof(char *));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && str_ends(de->d_name, ".ini"))
			strv_push(&files, de->d_name);
	closedir(d);
	for (size_t i = 0; files && files[i]; i++) {
		char *p = path_join(dir, files[i]);
		int e = p ? lint_one(cli, p, false) : EXIT_FAIL;
		if (e > ex)
			ex = e;
		(*nfiles)++;
		free(p);
	}
	strv_free(files);
	return ex;
}

int cmd_lint(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("lint");
	int ex = EXIT_OK, n = 0;
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
			return cli_usage_error(c, "unknown option '%s'", argv[i]);
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			if (!is_file(argv[i])) {
				fprintf(stderr, "gotc lint: %s: no such file\n", argv[i]);
				ex = EXIT_USAGE;
				continue;
			}
			int e = lint_one(cli, argv[i], false);
			if (e > ex)
				ex = e;
			n++;
		}
	} else {
		for (size_t i = 0; cli->h.search[i]; i++) {
			char *t = path_join(cli->h.search[i], "targets");
			int e = t ? lint_dir(cli, t, &n) : EXIT_FAIL;
			ex = e > ex ? e : ex;
			free(t);
			for (int k = 0; k < RK__COUNT; k++) {
				char *r = str_printf("%s/recipes/%s", cli->h.search[i], recipe_kind_names[k]);
				e = r ? lint_dir(cli, r, &n) : EXIT_FAIL;
				ex = e > ex ? e : ex;
				free(r);
			}
		}
	}
	if (!cli->quiet)
		fprintf(stderr, "gotc lint: %d file%s checked, %s\n", n, n == 1 ? "" : "s",
			ex ? "errors found" : "no errors");
	return ex;
}
