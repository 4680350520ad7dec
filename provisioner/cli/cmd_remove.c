/* cmd_remove.c - gotc remove TARGET...: uninstall targets (entries stay until gc). */
#include <string.h>

#include "cli.h"
#include "store.h"
#include "util.h"

int cmd_remove(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("remove");
	if (argc < 2)
		return cli_usage_error(c, "missing TARGET");
	char **names;
	int ex = cli_installed_names(cli, c, argv + 1, (size_t)(argc - 1), &names);
	if (ex >= 0)
		return ex;
	ex = EXIT_OK;
	for (size_t i = 0; names[i]; i++) {
		int rc = target_remove(&cli->h, names[i]);
		if (rc) {
			fprintf(stderr, "gotc remove: %s\n", cli->h.errbuf);
			/* an unknown name is a usage error, whatever else failed */
			ex = rc == GOTC_ENOTARGET || ex == EXIT_USAGE ? EXIT_USAGE : EXIT_FAIL;
		} else if (!cli->quiet) {
			fprintf(stderr, "removed %s (run 'gotc gc' to free its store entries)\n", names[i]);
		}
	}
	strv_free(names);
	return ex;
}
