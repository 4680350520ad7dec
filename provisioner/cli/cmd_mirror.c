/* cmd_mirror.c - gotc mirror DIR TARGET...: a servable mirror of targets'
 * downloads, and the config lines that point gotc at it. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mirror.h"
#include "util.h"

int cmd_mirror(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"offline", no_argument, NULL, 'O'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("mirror");
	int o, ex;
	optind = 0; /* reinitialize getopt: options may follow the operands */
	while ((o = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			if ((ex = cli_jobs(cli, c, optarg)))
				return ex;
			break;
		case 'O': cli->h.offline = 1; break;
		default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return cli_usage_error(c, optind >= argc ? "missing DIR and TARGET" : "missing TARGET after DIR");
	const char *dir = argv[optind];
	char **mirrors = NULL;
	size_t files = 0, direct = 0;
	int rc = mkdir_p(dir, 0755);
	if (rc) {
		fprintf(stderr, "gotc mirror: cannot create %s: %s\n", dir, strerror(-rc));
		return EXIT_FAIL;
	}
	rc = mirror_targets(&cli->h, dir, argv + optind + 1, (size_t)(argc - optind - 1), &mirrors, &files,
			    &direct);
	if (rc)
		return cli_error(cli, rc);
	char *abs = realpath(dir, NULL);
	printf("; gotc mirror: %zu file%s in %s\n"
	       "; serve that directory with any static HTTP server (for example:\n"
	       ";   cd %s && python3 -m http.server 8080), replace HOST:PORT below,\n"
	       "; and put these lines in config.ini (plain http also needs [fetch] allow_http = yes):\n"
	       "[mirrors]\n",
	       files, files == 1 ? "" : "s", abs ? abs : dir, abs ? abs : dir);
	for (size_t i = 0; mirrors[i]; i++)
		printf("%s = http://HOST:PORT/%s\n", mirrors[i], mirrors[i]);
	printf("; or, on this machine, without a server:\n");
	for (size_t i = 0; mirrors[i]; i++)
		printf("; %s = file://%s/%s\n", mirrors[i], abs ? abs : dir, mirrors[i]);
	if (direct)
		printf("; %zu file%s with plain URLs (not ${mirror:NAME}) are under _direct/HOST/PATH;\n"
		       "; gotc does not rewrite such URLs: move their recipes to a mirror.\n",
		       direct, direct == 1 ? "" : "s");
	free(abs);
	strv_free(mirrors);
	return EXIT_OK;
}
