/* cmd_list.c - gotc list [--json]: installed targets and store entries. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "install.h"
#include "util.h"

int cmd_list(struct cli *cli, int argc, char **argv)
{
	bool json;
	int ex = cli_json_only(cli_find("list"), argc, argv, &json);
	if (ex >= 0)
		return ex;
	char *tdir = path_join(cli->h.home, "targets"), *sdir = path_join(cli->h.home, "store");
	char **targets = tdir ? dir_list(tdir, "") : NULL, **entries = sdir ? dir_list(sdir, "") : NULL;
	if (!targets || !entries) {
		free(tdir);
		free(sdir);
		strv_free(targets);
		strv_free(entries);
		return cli_error(cli, -12);
	}
	if (json)
		printf("{\"home\": "), json_str(stdout, cli->h.home), printf(",\n \"targets\": [");
	else
		printf("targets in %s:\n", cli->h.home);
	for (size_t i = 0; targets[i]; i++) {
		char *pd = target_prefix_dir(&cli->h, targets[i]);
		if (json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, targets[i]);
			printf(", \"prefix\": ");
			json_str(stdout, pd ? pd : "");
			printf("}");
		} else {
			printf("  %-28s %s\n", targets[i], pd ? pd : "(broken link)");
		}
		free(pd);
	}
	if (!json && !targets[0])
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
	free(tdir);
	free(sdir);
	strv_free(targets);
	strv_free(entries);
	return EXIT_OK;
}
