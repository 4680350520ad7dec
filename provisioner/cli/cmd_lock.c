/* cmd_lock.c - gotc lock [-o FILE] TARGET...: pin every input of targets. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lock.h"
#include "util.h"

int cmd_lock(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"offline", no_argument, NULL, 'O'},
		{"go", required_argument, NULL, 'G'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("lock");
	const char *out = "gotc.lock", *go = NULL;
	int o, ex;
	optind = 0; /* reinitialize getopt: options may follow the operands */
	while ((o = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (o) {
		case 'o': out = optarg; break;
		case 'O': cli->h.offline = 1; break;
		case 'G': go = optarg; break;
		default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	char **names = NULL;
	size_t n = (size_t)(argc - optind);
	if (!n) {
		/* no TARGET: the targets of the project (gotc.ini), with its Go */
		if (go)
			return cli_usage_error(c, "--go needs a TARGET (a project's Go is go = in its "
					       "gotc.ini)");
		if ((ex = cli_project_targets(cli, "lock", &names)) >= 0)
			return ex;
		n = strv_len(names);
	} else if ((ex = cli_with_go(cli, c, go, argv + optind, n, &names)) >= 0) {
		return ex;
	}
	struct buf b;
	buf_init(&b);
	int rc = lock_render(&cli->h, names, n, &b);
	strv_free(names);
	if (!rc && strcmp(out, "-") == 0) {
		fwrite(b.s, 1, b.len, stdout);
	} else if (!rc) {
		rc = write_file_atomic(out, b.s, b.len, 0644);
		if (rc)
			rc = gotc_fail(&cli->h, rc, "cannot write %s: %s", out, strerror(-rc));
		else if (!cli->quiet)
			fprintf(stderr, "wrote %s: install exactly this with: gotc install --locked %s\n", out, out);
	}
	buf_free(&b);
	return cli_error(cli, rc);
}
