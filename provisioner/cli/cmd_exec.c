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

/* Run cmd in the env of the installed target (or instance) name. */
static int run_name(struct cli *cli, const char *name, char **cmd)
{
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
		return rc == GOTC_ENOTARGET ? EXIT_USAGE : EXIT_FAIL;
	}
	fflush(stdout);
	execvp(cmd[0], cmd);
	fprintf(stderr, "gotc exec: %s: %s\n", cmd[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

static int run_in(struct cli *cli, const char *name, char **cmd)
{
	char *owned = NULL; /* REPO/NAME's instance */
	int ex = cli_env_name(cli, "exec", &name, &owned);
	if (ex == -1)
		ex = run_name(cli, name, cmd);
	free(owned);
	return ex;
}

int cmd_exec(struct cli *cli, int argc, char **argv)
{
	int i = 1, ex;
	const char *target = NULL;
	bool project = false;
	/* exec TARGET [--] CMD; in a project also exec [-t TARGET] -- CMD */
	if (i < argc && strcmp(argv[i], "-t") == 0) {
		if (i + 1 >= argc)
			return usage("%s", "-t needs a TARGET");
		target = argv[i + 1];
		project = true;
		i += 2;
	} else if (i < argc && strcmp(argv[i], "--") == 0) {
		project = true;
	} else if (i < argc && argv[i][0] == '-') {
		return usage("unknown option '%s'", argv[i]);
	} else if (i < argc) {
		target = argv[i++];
	}
	if (!project && !target)
		return usage("%s", "missing TARGET");
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return usage("%s", "missing COMMAND after TARGET");
	char *name = NULL;
	if (project && (ex = cli_project_target(cli, "exec", target, &name)) >= 0)
		return ex;
	ex = run_in(cli, name ? name : target, argv + i);
	free(name);
	return ex;
}
