/* cmd_install.c - gotc install TARGET... */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cli.h"
#include "install.h"
#include "lock.h"
#include "util.h"

int cmd_install(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"offline", no_argument, NULL, 'o'},
		{"locked", required_argument, NULL, 'L'},
		{"from-bundle", required_argument, NULL, 'B'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("install");
	const char *locked = NULL, *bundle = NULL;
	int o, ex;
	while ((o = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			if ((ex = cli_jobs(cli, c, optarg)))
				return ex;
			break;
		case 'o': cli->h.offline = 1; break;
		case 'L': locked = optarg; break;
		case 'B': bundle = optarg; break;
		default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (locked && bundle)
		return cli_usage_error(c, "--locked and --from-bundle do not go together");
	if (optind >= argc && !locked && !bundle)
		return cli_usage_error(c, "missing TARGET (see 'gotc targets')");
	size_t n = (size_t)(argc - optind);
	char **names = NULL;
	int rc = locked ? lock_install(&cli->h, locked, argv + optind, n)
		 : bundle ? bundle_install(&cli->h, bundle, argv + optind, n)
			  : install_targets(&cli->h, argv + optind, n, &names);
	if (rc || cli->quiet) {
		strv_free(names);
		return cli_error(cli, rc);
	}
	char sum[256];
	bool did = cli_progress_summary(cli, sum, sizeof(sum));
	cli_progress_clear(cli);
	struct buf what;
	buf_init(&what);
	/* the instances' own names: what gotc env takes, whatever was typed */
	for (size_t i = 0; i < n; i++)
		buf_printf(&what, "%s%s", i ? ", " : "", names && names[i] ? names[i] : argv[optind + i]);
	if (!n)
		buf_printf(&what, "the targets of %s", locked ? locked : bundle);
	if (did)
		fprintf(stderr, "%sinstalled%s %s %s\n", cli_color(cli, stderr, CLI_OK),
			cli_color(cli, stderr, CLI_RESET), what.s, sum);
	else
		fprintf(stderr, "%s: already installed, nothing to do\n", what.s);
	buf_free(&what);
	for (size_t i = 0; i < n; i++) {
		char *hint = cli_hint_env(cli, names && names[i] ? names[i] : argv[optind + i]);
		fprintf(stderr, "  use it: %s\n", hint ? hint : "");
		free(hint);
	}
	if (!n)
		fprintf(stderr, "  see 'gotc list'\n");
	strv_free(names);
	return EXIT_OK;
}
