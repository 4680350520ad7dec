/* cmd_targets.c - gotc targets: list the targets on the search path. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "repo.h"
#include "util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Target names in dir/targets (malloc'd vector, NULL on OOM). */
static char **dir_targets(const char *dir)
{
	char *t = path_join(dir, "targets");
	char **v = t ? dir_list(t, ".ini") : NULL;
	free(t);
	for (size_t i = 0; v && v[i]; i++)
		v[i][strlen(v[i]) - 4] = '\0'; /* the target's name */
	return v;
}

/* Every target name on the search path, sorted.  A plain NAME is the first
 * match; a name several sources share is also listed as REPO/NAME for each
 * recipe repository that has it. */
char **cli_target_names(gotc_t *h)
{
	char **names = calloc(1, sizeof(char *)), **shared = calloc(1, sizeof(char *));
	bool oom = !names || !shared;
	for (size_t i = 0; !oom && h->search[i]; i++) {
		char **v = dir_targets(h->search[i]);
		oom = !v;
		for (size_t j = 0; !oom && v[j]; j++) {
			if (!has(names, v[j]))
				oom = strv_push(&names, v[j]) != 0;
			else if (!has(shared, v[j]))
				oom = strv_push(&shared, v[j]) != 0;
		}
		strv_free(v);
	}
	char repo[80];
	for (size_t i = 0; !oom && shared[0] && h->search[i]; i++) {
		if (!repo_of_dir(h, h->search[i], repo, sizeof(repo)))
			continue;
		char **v = dir_targets(h->search[i]);
		oom = !v;
		for (size_t j = 0; !oom && v[j]; j++) {
			if (!has(shared, v[j]))
				continue;
			char *q = str_printf("%s/%s", repo, v[j]);
			oom = !q || strv_push(&names, q);
			free(q);
		}
		strv_free(v);
	}
	strv_free(shared);
	if (oom) {
		strv_free(names);
		return NULL;
	}
	qsort(names, strv_len(names), sizeof(char *), cmp_str);
	return names;
}

int cmd_targets(struct cli *cli, int argc, char **argv)
{
	bool json;
	int ex = cli_json_only(cli_find("targets"), argc, argv, &json);
	if (ex >= 0)
		return ex;
	char **names = cli_target_names(&cli->h);
	if (!names)
		return cli_error(cli, -12);
	ex = EXIT_OK;
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
			json_str(stdout, names[i]);
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
			printf("%-28s %s\n", names[i], t->description);
		}
		target_free(t);
		free(path);
	}
	if (json)
		printf("\n]\n");
	strv_free(names);
	return ex;
}
