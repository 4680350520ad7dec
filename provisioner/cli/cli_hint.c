/* cli_hint.c - the next-step commands gotc suggests, exactly runnable. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

char *cli_shell_quote(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_./-+,:@%=";
	if (*s && strspn(s, safe) == strlen(s))
		return str_dup(s);
	struct buf b;
	buf_init(&b);
	buf_putc(&b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			buf_puts(&b, "'\\''");
		else
			buf_putc(&b, *p);
	}
	buf_putc(&b, '\'');
	return buf_steal(&b);
}

char *cli_hint_env(const struct cli *cli, const char *target)
{
	char *t = cli_shell_quote(target);
	char *home = cli->home_opt ? cli_shell_quote(cli->home_opt) : NULL;
	char *out = NULL;
	if (t && (home || !cli->home_opt))
		out = str_printf(". \"$(gotc%s%s env %s)\"", home ? " --home " : "", home ? home : "", t);
	free(t);
	free(home);
	return out;
}
