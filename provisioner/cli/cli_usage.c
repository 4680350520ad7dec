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
