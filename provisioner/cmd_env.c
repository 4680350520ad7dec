/* cmd_env.c - gotc env [--format=F] TARGET: the env file's path or content.
 * Reads one pre-rendered file; never parses recipes or touches the network. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "env.h"
#include "install.h"
#include "util.h"

/* A system-wide home (gotc --home /opt/gotc install, then chmod -R a+rX) is
 * read-only for its users: their GOCACHE goes to their own cache instead.
 * Returns the user's GOCACHE for a value under GOTC_HOME/gocache that this
 * user cannot write (malloc'd), else NULL. */
char *cli_gocache_fallback(struct cli *cli, const char *value)
{
	char *dir = path_join(cli->h.home, "gocache"), *out = NULL;
	size_t n = dir ? strlen(dir) : 0;
	if (dir && strncmp(value, dir, n) == 0 && value[n] == '/' && access(dir, W_OK) != 0)
		out = env_gocache_user(value + n + 1);
	free(dir);
	return out;
}

/* Formats that cannot decide at load time get the user's GOCACHE here. */
static void print_resolved(struct cli *cli, const char *data, size_t len)
{
	char *dir = path_join(cli->h.home, "gocache");
	char *pre = dir ? str_printf("%s/", dir) : NULL;
	char *user = env_gocache_user("");
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
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const struct cmd *c = cli_find("env");
	const char *format = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (o == 'f')
			format = optarg;
		else
			return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage_error(c, optind >= argc ? "missing TARGET" : "expected one TARGET");
	const char *name = argv[optind];
	const char *file = env_file_name(format ? format : "sh");
	if (!file)
		return cli_usage_error(c, "unknown format '%s' (sh, fish, json, make, github, cmake, meson)",
				       format);
	if (strchr(name, '/') || name[0] == '.')
		return cli_usage_error(c, "'%s' is not a target name", name);
	char *path = str_printf("%s/targets/%s/%s", cli->h.home, name, file);
	if (!path)
		return cli_error(cli, -12);
	int ex = EXIT_OK;
	if (!is_file(path)) {
		fprintf(stderr, "gotc env: target '%s' is not installed in %s (run: gotc install %s)\n",
			name, cli->h.home, name);
		ex = EXIT_FAIL;
	} else if (!format) {
		printf("%s\n", path);
	} else {
		char *data = NULL;
		size_t len = 0;
		int rc = read_file(path, &data, &len);
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
	return ex;
}
