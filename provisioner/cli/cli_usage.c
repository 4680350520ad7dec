/* cli_usage.c - usage errors, shared by gotc-core and the light front end. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_usage_errorv(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "gotc %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nsee 'gotc %s --help'\n", cmd);
	return EXIT_USAGE;
}

__attribute__((format(printf, 2, 3))) static int cli_usage_errorv_args(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_usage_errorv(cmd, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_usage_errorv(c->name, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_not_a_name(const char *cmd, const char *arg)
{
	/* an installed target goes by its file's name: targets/tx.ini and
	 * REPO/tx are installed as tx */
	const char *base = strrchr(arg, '/');
	base = base ? base + 1 : arg;
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	if (!n || base[0] == '.' || base[0] == '-' || (base == arg && n == strlen(base)))
		return cli_usage_errorv_args(cmd, "'%s' is not a target name", arg);
	return cli_usage_errorv_args(cmd, "'%s' is not a target name (installed targets go by name: gotc %s %.*s)",
				     arg, cmd, (int)n, base);
}

bool cli_repo_name_form(const char *a)
{
	const char *slash = strchr(a, '/');
	size_t n = strlen(a);
	return slash && slash != a && slash[1] && !strchr(slash + 1, '/') && a[0] != '.' &&
	       a[0] != '-' && !(n > 4 && strcmp(a + n - 4, ".ini") == 0);
}

int cli_env_name(struct cli *cli, const char *cmd, const char **name, char **owned)
{
	*owned = NULL;
	if (cli_repo_name_form(*name)) {
		if (!cli->repo_instance)
			return CLI_HANDOFF;
		int ex = cli->repo_instance(cli, cmd, *name, owned);
		if (ex < 0)
			*name = *owned;
		return ex;
	}
	if (strchr(*name, '/') || (*name)[0] == '.')
		return cli_not_a_name(cmd, *name);
	return -1;
}

int cli_global_opt(struct cli *cli, const char **home, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
		cli->verbose++;
	else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
		cli->quiet = 1;
	else if (strncmp(a, "--home=", 7) == 0)
		*home = cli->home_opt = a + 7;
	else if (strcmp(a, "--home") != 0)
		return 0;
	else if (*i + 1 >= argc)
		return -1;
	else
		*home = cli->home_opt = argv[++*i];
	return 1;
}

int cli_strip_global(struct cli *cli, const char **home, int *argc, char **argv, bool stop_at_operand)
{
	int out = 1, i = 1;
	for (; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0 || (stop_at_operand && argv[i][0] != '-'))
			break;
		int r = cli_global_opt(cli, home, *argc, argv, &i);
		if (r < 0)
			return cli_usage_errorv_args(argv[0], "--home needs a directory");
		if (!r)
			argv[out++] = argv[i];
	}
	while (i < *argc)
		argv[out++] = argv[i++];
	argv[out] = NULL;
	*argc = out;
	return 0;
}
