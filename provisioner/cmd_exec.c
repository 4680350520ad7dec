/* cmd_exec.c - gotc exec TARGET -- CMD ARGS...: run a command in the target's
 * environment, without a shell. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

int cmd_exec(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("exec");
	int i = 1;
	if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0)
		return cli_usage_error(c, "unknown option '%s'", argv[i]);
	if (i >= argc)
		return cli_usage_error(c, "missing TARGET");
	const char *name = argv[i++];
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return cli_usage_error(c, "missing COMMAND after TARGET");
	if (strchr(name, '/') || name[0] == '.')
		return cli_usage_error(c, "'%s' is not a target name", name);
	char *path = str_printf("%s/targets/%s/env.0", cli->h.home, name), *data = NULL;
	size_t len = 0;
	int rc = path ? read_file(path, &data, &len) : -ENOMEM;
	if (rc) {
		fprintf(stderr, "gotc exec: target '%s' is not installed in %s (run: gotc install %s)\n",
			name, cli->h.home, name);
		free(path);
		return EXIT_FAIL;
	}
	struct buf pathv;
	char *user = NULL;
	buf_init(&pathv);
	for (size_t off = 0; off < len;) {
		char *rec = data + off;
		size_t n = strnlen(rec, len - off);
		off += n + 1;
		char *eq = strchr(rec, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(rec, "+PATH") == 0) {
			buf_puts(&pathv, eq + 1);
			buf_putc(&pathv, ':');
		} else if (strcmp(rec, "GOCACHE") == 0 && (user = cli_gocache_fallback(cli, eq + 1))) {
			setenv(rec, user, 1); /* a read-only (system-wide) home */
			free(user);
		} else if (setenv(rec, eq + 1, 1) < 0) {
			fprintf(stderr, "gotc exec: setenv %s: %s\n", rec, strerror(errno));
		}
	}
	const char *old = getenv("PATH");
	buf_puts(&pathv, old ? old : "/usr/bin:/bin");
	setenv("PATH", pathv.s ? pathv.s : "/usr/bin:/bin", 1);
	buf_free(&pathv);
	free(data);
	free(path);
	fflush(stdout);
	execvp(argv[i], argv + i);
	fprintf(stderr, "gotc exec: %s: %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
