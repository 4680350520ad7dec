/* cmd_targets.c - gotc targets: list the targets on the search path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "install.h"
#include "model.h"
#include "repo.h"
#include "util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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
			if (!strv_has(names, v[j]))
				oom = strv_push(&names, v[j]) != 0;
			else if (!strv_has(shared, v[j]))
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
			if (!strv_has(shared, v[j]))
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

/* "VERSION" of t's recipe of kind k ("TYPE VERSION" for a toolchain), or
 * "?" when it does not load; malloc'd (NULL: out of memory). */
static char *recipe_label(gotc_t *h, const struct target *t, int tr, enum recipe_kind k)
{
	char *rp = t->recipe[tr] ? find_recipe_file(h, k, t->recipe[tr]) : NULL;
	struct recipe *r = NULL;
	char *v = NULL;
	if (rp && recipe_load(h, rp, k, &r) == 0)
		v = r->type ? str_printf("%s %s", r->type, r->version) : strdup(r->version);
	else
		v = strdup("?");
	recipe_free(r);
	free(rp);
	h->err = 0;
	h->errbuf[0] = '\0';
	return v;
}

/* One table row (the widths fit 80 columns for names up to 23 characters);
 * --long: the description on a line of its own below it. */
static void row(const char *const col[7], const char *desc)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%-23s %-8s %-10s %-6s %-7s %-11s %s", col[0], col[1], col[2],
			 col[3], col[4], col[5], col[6]);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	while (len && line[len - 1] == ' ')
		len--;
	printf("%.*s\n", (int)len, line);
	if (desc)
		printf("    %s\n", desc);
}

int cmd_targets(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("targets");
	bool json = false, full = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "--long") == 0)
			full = true;
		else if (argv[i][0] == '-')
			return cli_usage_error(c, "unknown option '%s'", argv[i]);
		else
			return cli_usage_error(c, "unexpected argument '%s'", argv[i]);
	}
	char **names = cli_target_names(&cli->h);
	if (!names)
		return cli_error(cli, -12);
	int ex = EXIT_OK;
	if (json) {
		json_open(stdout, "targets");
		printf(", \"targets\": [");
	} else {
		const char *const head[7] = {"TARGET", "ARCH", "LIBC", "KERNEL", "GO", "COMPILER", "INSTALLED"};
		row(head, NULL);
	}
	for (size_t i = 0; names[i]; i++) {
		char *path = find_target_file(&cli->h, names[i]);
		struct target *t = NULL;
		int rc = path ? target_load(&cli->h, path, &t) : GOTC_ENOTFOUND;
		char *go = rc ? NULL : recipe_label(&cli->h, t, TR_GO, RK_GO);
		char *cc = rc ? NULL : recipe_label(&cli->h, t, TR_TOOLCHAIN, RK_TOOLCHAIN);
		char *pd = rc ? NULL : target_prefix_dir(&cli->h, names[i]);
		if (rc) {
			cli_error(cli, rc);
			ex = EXIT_USAGE;
		} else if (!go || !cc) {
			ex = cli_error(cli, gotc_fail(&cli->h, -12, "out of memory"));
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
			printf(", \"go\": ");
			json_str(stdout, go);
			printf(", \"compiler\": ");
			json_str(stdout, cc);
			printf(", \"installed\": %s, \"path\": ", pd ? "true" : "false");
			json_str(stdout, path);
			printf("}");
		} else {
			char libc[64];
			snprintf(libc, sizeof(libc), "%s %s", libc_name((enum libc_kind)t->libc),
				 t->libc_version ? t->libc_version : "");
			const char *const col[7] = {names[i], t->arch->name, libc, t->kernel ? t->kernel : "",
						    go, cc, pd ? "yes" : ""};
			row(col, full ? (t->description ? t->description : "") : NULL);
		}
		free(go);
		free(cc);
		free(pd);
		target_free(t);
		free(path);
	}
	if (json)
		printf("\n]}\n");
	strv_free(names);
	return ex;
}
