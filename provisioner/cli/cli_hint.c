/* cli_hint.c - the next-step commands gotc suggests, exactly runnable. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

char *cli_hint_env(const struct cli *cli, const char *target)
{
	char *t = str_shell_quote(target);
	char *home = cli->home_opt ? str_shell_quote(cli->home_opt) : NULL;
	char *out = NULL;
	if (t && (home || !cli->home_opt))
		out = str_printf(". \"$(gotc%s%s env %s)\"", home ? " --home " : "", home ? home : "", t);
	free(t);
	free(home);
	return out;
}

char *cli_hint_gotc(const struct cli *cli, const char *args)
{
	char *home = cli->home_opt ? str_shell_quote(cli->home_opt) : NULL;
	char *out = NULL;
	if (home || !cli->home_opt)
		out = str_printf("gotc%s%s %s", home ? " --home " : "", home ? home : "", args);
	free(home);
	return out;
}
