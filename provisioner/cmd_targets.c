/* cmd_targets.c - gotc targets: list the targets on the search path. */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every target name on the search path, first occurrence wins, sorted. */
char **cli_target_names(gotc_t *h)
{
	char **names = calloc(1, sizeof(char *));
	for (size_t i = 0; names && h->search[i]; i++) {
		char *dir = path_join(h->search[i], "targets");
		DIR *d = dir ? opendir(dir) : NULL;
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' || !str_ends(de->d_name, ".ini"))
				continue;
			char *n = strndup(de->d_name, strlen(de->d_name) - 4);
			bool dup = false;
			for (size_t j = 0; n && names[j]; j++)
				dup |= strcmp(names[j], n) == 0;
			if (n && !dup)
				strv_push(&names, n);
			free(n);
		}
		if (d)
			closedir(d);
		free(dir);
	}
	if (names)
		qsort(names, strv_len(names), sizeof(char *), cmp_str);
	return names;
}

int cmd_targets(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	const struct cmd *c = cli_find("targets");
	bool json = false;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'j')
			json = true;
		else
			return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
	char **names = cli_target_names(&cli->h);
	if (!names)
		return cli_error(cli, -12);
	int ex = EXIT_OK;
	if (json)
		printf("[");
	for (size_t i = 0; names[i]; i++) {
		char *path = find_target_file(&cli->h, names[i]);
		struct target *t = NULL;
		int rc = path ? target_load(&cli->h, path, &t) : GOTC_ENOTFOUND;
		if (rc) {
			cli_error(cli, rc);
			ex = EXIT_USAGE;
		} else if (json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, t->name);
			printf(", \"description\": ");
			json_str(stdout, t->description);
			printf(", \"arch\": \"%s\", \"libc\": \"%s\", \"libc_version\": ", t->arch->name,
			       libc_name((enum libc_kind)t->libc));
			json_str(stdout, t->libc_version);
			printf(", \"kernel\": ");
			json_str(stdout, t->kernel);
			printf(", \"path\": ");
			json_str(stdout, path);
			printf("}");
		} else {
			printf("%-28s %s\n", t->name, t->description);
		}
		target_free(t);
		free(path);
	}
	if (json)
		printf("\n]\n");
	strv_free(names);
	return ex;
}
