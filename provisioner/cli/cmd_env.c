/* cmd_env.c - gotc env [--format=F] TARGET: the env file's path or content.
 * Reads one pre-rendered file; never parses recipes or touches the network. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "gomod.h"
#include "env.h"
#include "install.h"
#include "util.h"

__attribute__((format(printf, 1, 2))) static int usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_usage_errorv("env", fmt, ap);
	va_end(ap);
	return rc;
}

/* Formats that cannot decide at load time get the user's GOCACHE here. */
static void print_resolved(struct cli *cli, const char *data, size_t len)
{
	char *dir = path_join(cli->h.home, "gocache");
	char *pre = dir ? str_printf("%s/", dir) : NULL;
	char *user = gocache_user("");
	bool swap = pre && user && access(dir, W_OK) != 0;
	size_t pl = pre ? strlen(pre) : 0;
	for (size_t i = 0; i < len;) {
		if (swap && len - i >= pl && memcmp(data + i, pre, pl) == 0) {
			fputs(user, stdout);
			i += pl;
		} else {
			putchar(data[i++]);
		}
	}
	free(dir);
	free(pre);
	free(user);
}

int cmd_env(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"fish", no_argument, NULL, 'F'},
					     {"check", no_argument, NULL, 'c'},
					     {NULL, 0, NULL, 0}};
	const char *format = NULL;
	bool fish_path = false, check = false;
	int o;
	while ((o = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (o == 'f')
			format = optarg;
		else if (o == 'F')
			fish_path = true;
		else if (o == 'c')
			check = true;
		else
			return usage("unknown option '%s'", argv[optind - 1]);
	}
	if (fish_path && format)
		return usage("--fish and --format do not go together");
	if (argc - optind > 1)
		return usage("%s", "expected one TARGET");
	const char *file = env_file_name(format ? format : fish_path ? "fish" : "sh");
	if (!file)
		return usage("unknown format '%s' (sh, fish, json, make, github, github-path, cmake, meson)",
			     format);
	char *pname = NULL; /* no TARGET: the project's default */
	int ex = optind < argc ? -1 : cli_project_target(cli, "env", NULL, &pname);
	if (ex >= 0)
		return ex;
	const char *name = pname ? pname : argv[optind];
	char *owned = NULL; /* REPO/NAME's instance */
	if ((ex = cli_env_name(cli, "env", &name, &owned)) != -1) {
		free(pname);
		return ex;
	}
	char *path = str_printf("%s/targets/%s/%s", cli->h.home, name, file);
	if (!path) {
		fprintf(stderr, "gotc env: out of memory\n");
		free(owned);
		free(pname);
		return EXIT_FAIL;
	}
	ex = EXIT_OK;
	/* --check: the module here must fit the target's Go (gotc exec's guard) */
	int rc = check && is_file(path) ? gomod_guard(&cli->h, name) : 0;
	if (rc) {
		fprintf(stderr, "%s%s\n", rc == GOTC_ERECIPE ? "" : "gotc env: ", cli->h.errbuf);
		ex = rc == GOTC_ERECIPE || rc == GOTC_ENOTARGET ? EXIT_USAGE : EXIT_FAIL;
	} else if (!is_file(path)) {
		/* the failure path only: the search path is read for a suggestion */
		rc = target_not_installed(&cli->h, name);
		fprintf(stderr, "gotc env: %s\n", cli->h.errbuf);
		ex = rc == GOTC_ENOTARGET ? EXIT_USAGE : EXIT_FAIL;
	} else if (!format) {
		printf("%s\n", path);
	} else {
		char *data = NULL;
		size_t len = 0;
		rc = read_file(path, &data, &len);
		if (rc) {
			fprintf(stderr, "gotc env: %s: %s\n", path, strerror(-rc));
			ex = EXIT_FAIL;
		} else if (strcmp(format, "sh") == 0 || strcmp(format, "fish") == 0) {
			fwrite(data, 1, len, stdout); /* they decide when sourced */
		} else {
			print_resolved(cli, data, len);
		}
		free(data);
	}
	free(path);
	free(owned);
	free(pname);
	return ex;
}
