/* cmd_exec.c - gotc exec TARGET -- CMD ARGS...: run a command in the target's
 * environment, without a shell. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gomod.h"
#include "install.h"
#include "util.h"

__attribute__((format(printf, 1, 2))) static int usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_usage_errorv("exec", fmt, ap);
	va_end(ap);
	return rc;
}

int cmd_exec(struct cli *cli, int argc, char **argv)
{
	int i = 1;
	if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0)
		return usage("unknown option '%s'", argv[i]);
	if (i >= argc)
		return usage("%s", "missing TARGET");
	const char *name = argv[i++];
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return usage("%s", "missing COMMAND after TARGET");
	if (strchr(name, '/') || name[0] == '.')
		return cli_not_a_name("exec", name);
	/* a module that needs a newer Go: refuse before running anything */
	int rc = gomod_guard(&cli->h, name);
	if (rc == GOTC_ERECIPE) {
		fprintf(stderr, "%s\n", cli->h.errbuf);
		return EXIT_USAGE;
	}
	if (!rc)
		rc = env_apply(&cli->h, name);
	if (rc) {
		fprintf(stderr, "gotc exec: %s\n", cli->h.errbuf);
		return EXIT_FAIL;
	}
	fflush(stdout);
	execvp(argv[i], argv + i);
	fprintf(stderr, "gotc exec: %s: %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
