/* cmd_push.c - gotc push [TARGET...]: installed store entries to the OCI registry. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "oci.h"

int cmd_push(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	const struct cmd *c = cli_find("push");
	int o;
	optind = 0; /* reinitialize getopt: options may follow the operands */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1)
		return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
	int rc = oci_push_targets(&cli->h, argv + optind, (size_t)(argc - optind));
	if (!rc && !cli->quiet)
		fprintf(stderr, "pushed to %s\n", cli->h.oci);
	return cli_error(cli, rc);
}
