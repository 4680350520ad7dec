/* cmd_verify.c - gotc verify [TARGET...]: re-hash installed files against
 * their manifests; report modified, missing and extra files (target_verify). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store.h"

struct out {
	struct cli *cli;
	unsigned problems; /* in the directory being checked */
};

static void problem(void *ctx, const char *kind, const char *path, const char *detail)
{
	struct out *o = ctx;
	o->problems++;
	printf("%-8s %s (%s)\n", kind, path, detail);
}

static void item(void *ctx, const char *dir, uint64_t bytes, int rc)
{
	struct out *o = ctx;
	(void)bytes;
	if (rc)
		fprintf(stderr, "gotc verify: %s\n", o->cli->h.errbuf);
	else if (o->cli->verbose && !o->problems)
		printf("ok       %s\n", dir);
	o->problems = 0;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("verify");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' || strchr(argv[i], '/'))
			return cli_usage_error(c, "'%s' is not a target name", argv[i]);
	struct out o = {cli, 0};
	struct store_report r = {.problem = problem, .item = item, .ctx = &o};
	int rc = target_verify(&cli->h, argc > 1 ? argv + 1 : NULL, (size_t)(argc - 1), &r);
	if (rc)
		return cli_error(cli, rc);
	unsigned checked = r.items - r.errors, bad = r.problems + r.errors;
	if (!cli->quiet)
		fprintf(stderr, "verify: %u director%s checked, %u problem%s\n", checked,
			checked == 1 ? "y" : "ies", bad, bad == 1 ? "" : "s");
	return bad ? EXIT_FAIL : EXIT_OK;
}
