/* cmd_verify.c - gotc verify [TARGET...]: re-hash installed files against
 * their manifests; report modified, missing and extra files. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "install.h"
#include "store.h"
#include "util.h"

static void problem(void *ctx, const char *kind, const char *path, const char *detail)
{
	const char *where = ctx;
	printf("%-8s %s/%s (%s)\n", kind, where, path, detail);
}

/* Verify one directory holding root/ and manifest. */
static int verify_dir(struct cli *cli, const char *dir, unsigned *bad)
{
	char *root = path_join(dir, "root"), *man = path_join(dir, "manifest");
	struct verify_report r = {.problem = problem, .ctx = root};
	int rc = root && man ? manifest_verify(&cli->h, root, man, &r) : -12;
	if (rc) {
		cli_error(cli, rc);
		(*bad)++;
	}
	*bad += r.modified + r.missing + r.extra;
	if (cli->verbose && !rc && !(r.modified + r.missing + r.extra))
		printf("ok       %s\n", dir);
	free(root);
	free(man);
	return rc;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("verify");
	char **names = calloc(1, sizeof(char *));
	unsigned bad = 0, checked = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || strchr(argv[i], '/')) {
			strv_free(names);
			return cli_usage_error(c, "'%s' is not a target name", argv[i]);
		}
		strv_push(&names, argv[i]);
	}
	if (argc < 2) {
		char *tdir = path_join(cli->h.home, "targets");
		DIR *d = tdir ? opendir(tdir) : NULL;
		struct dirent *de;
		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.')
				strv_push(&names, de->d_name);
		if (d)
			closedir(d);
		free(tdir);
	}
	char **done = calloc(1, sizeof(char *));
	for (size_t i = 0; names && names[i]; i++) {
		char *pd = target_prefix_dir(&cli->h, names[i]);
		if (!pd) {
			fprintf(stderr, "gotc verify: target '%s' is not installed\n", names[i]);
			bad++;
			continue;
		}
		verify_dir(cli, pd, &bad);
		checked++;
		char *info = path_join(pd, "info"), *data = NULL;
		if (info && read_file(info, &data, NULL) == 0) {
			char *save = NULL;
			for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
				if (!str_starts(l, "entry "))
					continue;
				bool seen = false;
				for (size_t k = 0; done[k]; k++)
					seen |= strcmp(done[k], l + 6) == 0;
				if (seen)
					continue;
				strv_push(&done, l + 6);
				char *ed = str_printf("%s/store/%s", cli->h.home, l + 6);
				if (ed)
					verify_dir(cli, ed, &bad);
				checked++;
				free(ed);
			}
		}
		free(data);
		free(info);
		free(pd);
	}
	strv_free(done);
	strv_free(names);
	if (!cli->quiet)
		fprintf(stderr, "verify: %u director%s checked, %u problem%s\n", checked,
			checked == 1 ? "y" : "ies", bad, bad == 1 ? "" : "s");
	return bad ? EXIT_FAIL : EXIT_OK;
}
