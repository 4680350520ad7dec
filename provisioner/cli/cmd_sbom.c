/* cmd_sbom.c - gotc sbom TARGET [--format spdx|cyclonedx] [-o FILE]: the
 * software bill of materials of an installed instance, from its record. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sbom.h"
#include "util.h"

int cmd_sbom(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'F'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("sbom");
	const char *out = "-";
	enum sbom_format f = SBOM_SPDX;
	int o;
	optind = 0; /* options may follow the operand */
	while ((o = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (o == 'o') {
			out = optarg;
		} else if (o == 'F') {
			size_t k = 0;
			while (sbom_formats[k] && strcmp(optarg, sbom_formats[k]) != 0)
				k++;
			if (!sbom_formats[k])
				return cli_usage_error(c, "--format %s: expected spdx or cyclonedx", optarg);
			f = (enum sbom_format)k;
		} else {
			return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(c, "expected one TARGET");
	char *name = NULL;
	int ex = cli_project_target(cli, "sbom", optind < argc ? argv[optind] : NULL, &name);
	if (ex >= 0)
		return ex;
	struct buf b;
	buf_init(&b);
	int rc = sbom_render(&cli->h, name, f, (long long)time(NULL), &b);
	free(name);
	if (!rc && strcmp(out, "-") == 0) {
		if (fwrite(b.s, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
			rc = gotc_fail(&cli->h, -EIO, "cannot write the SBOM to standard output");
	} else if (!rc) {
		rc = write_file_atomic(out, b.s, b.len, 0644);
		if (rc)
			rc = gotc_fail(&cli->h, rc, "cannot write %s: %s", out, strerror(-rc));
	}
	buf_free(&b);
	return rc ? cli_error(cli, rc) : EXIT_OK;
}
