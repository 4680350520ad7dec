/* cmd_install.c - gotc install TARGET... */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "install.h"

int cmd_install(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"offline", no_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("install");
	int o;
	while ((o = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		switch (o) {
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > 16)
				return cli_usage_error(c, "--jobs takes a number from 1 to 16, not '%s'", optarg);
			cli->h.jobs = (int)j;
			break;
		}
		case 'o': cli->h.offline = 1; break;
		default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(c, "missing TARGET (see 'gotc targets')");
	int rc = install_targets(&cli->h, argv + optind, (size_t)(argc - optind));
	if (!rc && !cli->quiet)
		for (int i = optind; i < argc; i++)
			fprintf(stderr, "installed %s: source \"$(gotc env %s)\"\n", argv[i], argv[i]);
	return cli_error(cli, rc);
}
