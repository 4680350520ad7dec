/* cmd_bundle.c - gotc bundle -o FILE TARGET...: installed targets in one file. */
#include <getopt.h>
#include <stdio.h>

#include "bundle.h"
#include "cli.h"

int cmd_bundle(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	const struct cmd *c = cli_find("bundle");
	const char *out = NULL;
	int o;
	optind = 0; /* reinitialize getopt: options may follow the operands */
	while ((o = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (o == 'o')
			out = optarg;
		else
			return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
	}
	if (!out)
		return cli_usage_error(c, "missing -o FILE");
	if (optind >= argc)
		return cli_usage_error(c, "missing TARGET (installed targets: gotc list)");
	int rc = bundle_write(&cli->h, argv + optind, (size_t)(argc - optind), out);
	if (!rc && !cli->quiet)
		fprintf(stderr, "wrote %s: install it with: gotc install --from-bundle %s\n", out, out);
	return cli_error(cli, rc);
}
