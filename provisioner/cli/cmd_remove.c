/* cmd_remove.c - gotc remove TARGET...: uninstall targets (entries stay until gc). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "install.h"
#include "store.h"
#include "util.h"

int cmd_remove(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("remove");
	if (argc < 2)
		return cli_usage_error(c, "missing TARGET");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' || strchr(argv[i], '/'))
			return cli_usage_error(c, "'%s' is not a target name", argv[i]);
	int lock = store_lock(&cli->h);
	if (lock < 0)
		return cli_error(cli, lock);
	int ex = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		char *link = target_link_path(&cli->h, argv[i]);
		char *pd = target_prefix_dir(&cli->h, argv[i]);
		if (!pd) {
			fprintf(stderr, "gotc remove: target '%s' is not installed\n", argv[i]);
			ex = EXIT_FAIL;
		} else if (unlink(link) < 0) {
			fprintf(stderr, "gotc remove: %s: %s\n", link, strerror(errno));
			ex = EXIT_FAIL;
		} else {
			store_discard(&cli->h, pd);
			if (!cli->quiet)
				fprintf(stderr, "removed %s (run 'gotc gc' to free its store entries)\n",
					argv[i]);
		}
		free(link);
		free(pd);
	}
	store_unlock(lock);
	return ex;
}
