/* cmd_gc.c - gotc gc [--dry-run]: delete what no installed target references
 * (store_gc does the work and fails closed). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store.h"

struct gc_out {
	struct cli *cli;
	bool dry;
};

static void item(void *ctx, const char *path, uint64_t bytes, int rc)
{
	struct gc_out *o = ctx;
	if (rc) {
		cli_error(o->cli, rc);
		return;
	}
	printf("%s %s (%.1f MiB)\n", o->dry ? "would delete" : "deleted", path, (double)bytes / 1048576.0);
}

int cmd_gc(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("gc");
	bool dry = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 || strcmp(argv[i], "-n") == 0)
			dry = true;
		else
			return cli_usage_error(c, "unexpected argument '%s'", argv[i]);
	}
	struct gc_out o = {cli, dry};
	struct store_report r = {.item = item, .ctx = &o};
	int rc = store_gc(&cli->h, dry, &r);
	if (rc)
		return cli_error(cli, rc);
	unsigned n = r.items - r.errors;
	if (!cli->quiet)
		fprintf(stderr, "gc: %s %u item%s, %.1f MiB\n", dry ? "would free" : "freed", n,
			n == 1 ? "" : "s", (double)r.bytes / 1048576.0);
	return r.errors ? EXIT_FAIL : EXIT_OK;
}
