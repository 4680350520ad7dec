/* cmd_list.c - gotc list [--json]: installed targets and store entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "instance_record.h"
#include "store.h"
#include "util.h"

int cmd_list(struct cli *cli, int argc, char **argv)
{
	bool json;
	int ex = cli_json_only(cli_find("list"), argc, argv, &json);
	if (ex >= 0)
		return ex;
	struct installed *targets = NULL;
	size_t nt = 0;
	int rc = target_list(&cli->h, false, &targets, &nt);
	if (rc)
		return cli_error(cli, rc);
	char *sdir = path_join(cli->h.home, "store");
	char **entries = sdir ? dir_list(sdir, "") : NULL;
	if (!entries) {
		free(sdir);
		installed_free(targets, nt);
		return cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
	}
	if (json)
		printf("{\"home\": "), json_str(stdout, cli->h.home), printf(",\n \"targets\": [");
	else
		printf("targets in %s:\n", cli->h.home);
	for (size_t i = 0; i < nt; i++) {
		const struct installed *t = &targets[i];
		/* its source on the search path against the files it was built from */
		struct instance_status st;
		if (!t->prefix || instance_status(&cli->h, t->name, &st))
			memset(&st, 0, sizeof(st));
		if (json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, t->name);
			printf(", \"prefix\": ");
			json_str(stdout, t->prefix ? t->prefix : "");
			if (t->err) {
				printf(", \"error\": ");
				json_str(stdout, t->errmsg ? t->errmsg : "");
			}
			printf(", \"source\": ");
			st.source ? json_str(stdout, st.source) : (void)fputs("null", stdout);
			printf(", \"changed\": ");
			st.changed ? json_str(stdout, st.changed) : (void)fputs("null", stdout);
			printf("}");
		} else {
			printf("  %-28s %s%s\n", t->name, t->prefix ? t->prefix : "(broken link)",
			       t->prefix && t->err ? " (damaged: see gotc verify)" : "");
			if (st.changed)
				printf("    recipe changed since install: %s (run: gotc install %s)\n",
				       st.changed, st.source);
		}
		instance_status_clear(&st);
	}
	if (!json && !nt)
		printf("  (none)\n");
	printf(json ? "],\n \"entries\": [" : "store entries:\n");
	for (size_t i = 0; entries[i]; i++) {
		char *root = str_printf("%s/%s/root", sdir, entries[i]);
		unsigned long long size = root ? dir_size(root) : 0;
		if (json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, entries[i]);
			printf(", \"bytes\": %llu}", size);
		} else {
			printf("  %-40s %8.1f MiB\n", entries[i], (double)size / 1048576.0);
		}
		free(root);
	}
	if (!json && !entries[0])
		printf("  (none)\n");
	if (json)
		printf("\n]}\n");
	free(sdir);
	strv_free(entries);
	installed_free(targets, nt);
	return EXIT_OK;
}
