/* cli_front.c - the `gotc` program users run.
 *
 * `gotc env` and `gotc exec` must cost a few milliseconds: they read one
 * pre-rendered file.  Loading libcurl, libgit2, libarchive, libelf and
 * OpenSSL (45 shared objects) alone costs more than that, so this front end
 * links only libc and inih, answers env and exec itself, and hands every
 * other command, unchanged, to gotc-core (the full program, cli_main.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

#ifndef GOTC_LIBEXECDIR
#define GOTC_LIBEXECDIR "/usr/local/libexec/gotc"
#endif

/* gotc-core next to the sources (build/) when run from the tree; else in
 * ../libexec/gotc beside this program (installs are relocatable: make install
 * PREFIX=/x, then move /x anywhere); else where the build configured. */
static char *core_path(const char *dir)
{
	if (dir) {
		char *marker = str_printf("%s/provisioner/gotc.h", dir);
		bool tree = marker && is_file(marker);
		free(marker);
		if (tree)
			return str_printf("%s/build/gotc-core", dir);
		char *rel = install_relative(dir, "libexec/gotc/gotc-core");
		if (rel && access(rel, X_OK) == 0)
			return rel;
		free(rel);
	}
	return strdup(GOTC_LIBEXECDIR "/gotc-core");
}

int main(int argc, char **argv)
{
	const char *home = NULL;
	int i = 1;
	struct cli cli;
	memset(&cli, 0, sizeof(cli));
	/* Global options, as gotc-core reads them (cli_usage.c). */
	for (; i < argc && argv[i][0] == '-'; i++)
		if (cli_global_opt(&cli, &home, argc, argv, &i) <= 0)
			break;
	bool fast = i < argc && (strcmp(argv[i], "env") == 0 || strcmp(argv[i], "exec") == 0);
	for (int k = i + 1; fast && k < argc && strcmp(argv[k], "--") != 0; k++)
		if (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help"))
			fast = false; /* help text lives in the command table */
	char *dir = exe_dir();
	/* gotc-core gets argv as given, even after env or exec answered
	 * CLI_HANDOFF (cli_strip_global compacts the array in place) */
	char **given = fast ? malloc(((size_t)argc + 1) * sizeof(*given)) : NULL;
	if (fast && !given) {
		fprintf(stderr, "gotc: out of memory\n");
		free(dir);
		return EXIT_FAIL;
	}
	for (int k = 0; given && k <= argc; k++)
		given[k] = argv[k];
	int nc = argc - i;
	int ux = fast ? cli_strip_global(&cli, &home, &nc, argv + i, strcmp(argv[i], "exec") == 0) : 0;
	if (ux) {
		free(given);
		free(dir);
		return ux;
	}
	if (fast) {
		int rc = gotc_init(&cli.h, home, dir);
		int ex;
		if (rc) {
			fprintf(stderr, "%s%s\n", rc == GOTC_ERECIPE ? "" : "gotc: ",
				cli.h.errbuf[0] ? cli.h.errbuf : gotc_strerror(rc));
			ex = rc == GOTC_ERECIPE || rc == GOTC_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
		} else {
			optind = 1;
			ex = strcmp(argv[i], "env") == 0 ? cmd_env(&cli, nc, argv + i)
							 : cmd_exec(&cli, nc, argv + i);
		}
		gotc_free(&cli.h);
		if (ex != CLI_HANDOFF) {
			free(given);
			free(dir);
			if (fflush(stdout) != 0) {
				fprintf(stderr, "gotc: write error on standard output: %s\n", strerror(errno));
				return EXIT_FAIL;
			}
			return ex;
		}
		argv = given; /* REPO/NAME: the full program resolves it */
	}
	char *core = core_path(dir);
	free(dir);
	if (!core) {
		fprintf(stderr, "gotc: out of memory\n");
		return EXIT_FAIL;
	}
	execv(core, argv);
	fprintf(stderr, "gotc: cannot run %s: %s (is gotc installed completely? make install)\n", core,
		strerror(errno));
	free(core);
	free(given);
	return EXIT_FAIL;
}
