/* cmd_remove.c - gotc remove TARGET...: uninstall targets (entries stay until gc). */
#include <string.h>

#include "cli.h"
#include "store.h"

int cmd_remove(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("remove");
	if (argc < 2)
		return cli_usage_error(c, "missing TARGET");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' || strchr(argv[i], '/'))
			return cli_not_a_name(c->name, argv[i]);
	int ex = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		int rc = target_remove(&cli->h, argv[i]);
		if (rc) {
			fprintf(stderr, "gotc remove: %s\n", cli->h.errbuf);
			ex = EXIT_FAIL;
		} else if (!cli->quiet) {
			fprintf(stderr, "removed %s (run 'gotc gc' to free its store entries)\n", argv[i]);
		}
	}
	return ex;
}
