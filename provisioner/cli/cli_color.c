/* cli_color.c - terminal capabilities: live progress and colours. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* TERM unset or "dumb": no escape codes at all. */
static bool term_dumb(void)
{
	const char *t = getenv("TERM");
	return !t || !*t || strcmp(t, "dumb") == 0;
}

void cli_color_init(struct cli *cli)
{
	const char *nc = getenv("NO_COLOR");
	bool colour = !(nc && *nc) && !term_dumb(); /* no-color.org: set and not empty */
	cli->tty = isatty(STDERR_FILENO);
	cli->live = cli->tty && !term_dumb();
	cli->color_err = colour && cli->tty;
	cli->color_out = colour && isatty(STDOUT_FILENO);
}

const char *cli_color(const struct cli *cli, FILE *f, enum cli_colour c)
{
	static const char *const seq[] = {
		[CLI_RESET] = "\033[0m", [CLI_OK] = "\033[32m",	 [CLI_FAIL] = "\033[1;31m",
		[CLI_WARN] = "\033[33m", [CLI_ERR] = "\033[1;31m", [CLI_BOLD] = "\033[1m",
	};
	bool on = f == stdout ? cli->color_out : f == stderr ? cli->color_err : false;
	return on ? seq[c] : "";
}
