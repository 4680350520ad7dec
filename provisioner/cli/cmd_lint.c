/* cmd_lint.c - gotc lint [FILE...]: validate targets and recipes. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "instance_record.h"
#include "model.h"
#include "util.h"

/* Lint one file.  A recipe's error is also each target's that composes it
 * (the same FILE:LINE: message): said holds what was printed, so each is
 * printed once. */
static int lint_one(struct cli *cli, const char *path, char ***said)
{
	int rc = lint_file(&cli->h, path);
	if (rc && rc == cli->h.err && strv_has(*said, cli->h.errbuf))
		return rc == GOTC_ERECIPE ? EXIT_USAGE : EXIT_FAIL;
	if (rc && rc == cli->h.err && strv_push(said, cli->h.errbuf)) {
		strv_free(*said); /* out of memory: repeats are printed again */
		*said = NULL;
	}
	if (rc)
		return cli_error(cli, rc);
	if (cli->verbose)
		printf("%s: ok\n", path);
	return EXIT_OK;
}

static int lint_dir(struct cli *cli, const char *dir, int *nfiles, char ***said)
{
	char **files = lint_dir_files(dir);
	if (!files)
		return cli_error(cli, -12);
	int ex = EXIT_OK;
	for (size_t i = 0; files[i]; i++) {
		int e = lint_one(cli, files[i], said);
		if (e > ex)
			ex = e;
		(*nfiles)++;
	}
	strv_free(files);
	return ex;
}

int cmd_lint(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("lint");
	int ex = EXIT_OK, n = 0;
	char **said = NULL;
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
			return cli_usage_error(c, "unknown option '%s'", argv[i]);
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			char **files = NULL;
			int e;
			if (is_file(argv[i])) {
				e = lint_one(cli, argv[i], &said);
				n++;
			} else if ((e = instance_lint_files(&cli->h, argv[i], &files))) {
				/* a target NAME (or REPO/NAME, or an installed instance):
				 * that target and the recipes it composes */
				fprintf(stderr, "gotc lint: %s\n", cli->h.errbuf);
				e = EXIT_USAGE;
			}
			for (size_t k = 0; files && files[k]; k++, n++) {
				int ek = lint_one(cli, files[k], &said);
				e = ek > e ? ek : e;
			}
			strv_free(files);
			if (e > ex)
				ex = e;
		}
	} else {
		for (size_t i = 0; cli->h.search[i]; i++) {
			char *t = path_join(cli->h.search[i], "targets");
			int e = t ? lint_dir(cli, t, &n, &said) : EXIT_FAIL;
			ex = e > ex ? e : ex;
			free(t);
			for (int k = 0; k < RK__COUNT; k++) {
				char *r = str_printf("%s/recipes/%s", cli->h.search[i], recipe_kind_names[k]);
				e = r ? lint_dir(cli, r, &n, &said) : EXIT_FAIL;
				ex = e > ex ? e : ex;
				free(r);
			}
		}
	}
	strv_free(said);
	if (!cli->quiet)
		fprintf(stderr, "gotc lint: %d file%s checked, %s\n", n, n == 1 ? "" : "s",
			ex ? "errors found" : "no errors");
	return ex;
}
