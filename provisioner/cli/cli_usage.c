/* cli_usage.c - usage errors, shared by gotc-core and the light front end. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

int cli_usage_errorv(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "gotc %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nsee 'gotc %s --help'\n", cmd);
	return EXIT_USAGE;
}

int cli_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_usage_errorv(c->name, fmt, ap);
	va_end(ap);
	return rc;
}
