/* cmd_which.c - gotc which TOOL [TARGET]: the path of a tool in an installed
 * target's environment (go, cc, c++, ar, pkg-config), as loading its env
 * would run it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "install.h"
#include "store.h"
#include "util.h"

static const char *const tools[] = {"go", "cc", "c++", "ar", "pkg-config", NULL};

/* name on PATH (or name itself when it holds a '/'), malloc'd, or NULL */
static char *on_path(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	const char *path = getenv("PATH");
	for (const char *p = path; p && *p;) {
		size_t n = strcspn(p, ":");
		char *f = n ? str_printf("%.*s/%s", (int)n, p, name) : NULL;
		if (f && access(f, X_OK) == 0 && is_file(f))
			return f;
		free(f);
		p += n + (p[n] == ':');
	}
	return NULL;
}

/* No TARGET: the one whose env is loaded, else the only one installed. */
static int default_target(struct cli *cli, const struct cmd *c, char **out)
{
	const char *loaded = getenv("GOTC_TARGET");
	if (loaded && *loaded)
		return (*out = strdup(loaded)) ? 0 : cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
	struct installed *v = NULL;
	size_t n = 0;
	int rc = target_list(&cli->h, false, &v, &n);
	if (rc)
		return cli_error(cli, rc);
	if (n == 1)
		*out = strdup(v[0].name);
	installed_free(v, n);
	if (n == 1)
		return *out ? 0 : cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
	return cli_usage_error(c, "missing TARGET: no env is loaded and %zu targets are installed in %s "
				  "(see 'gotc list')",
			       n, cli->h.home);
}

int cmd_which(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("which");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return cli_usage_error(c, "unknown option '%s'", argv[i]);
	if (argc < 2)
		return cli_usage_error(c, "missing TOOL (go, cc, c++, ar or pkg-config)");
	if (argc > 3)
		return cli_usage_error(c, "unexpected argument '%s'", argv[3]);
	const char *tool = argv[1];
	bool known = false;
	for (size_t i = 0; tools[i] && !known; i++)
		known = strcmp(tools[i], tool) == 0;
	if (!known)
		return cli_usage_error(c, "unknown tool '%s' (go, cc, c++, ar or pkg-config)", tool);
	char *target = NULL;
	if (argc == 3) {
		if (strchr(argv[2], '/') || argv[2][0] == '.')
			return cli_not_a_name("which", argv[2]);
		target = strdup(argv[2]);
	} else {
		int ex = default_target(cli, c, &target);
		if (ex)
			return ex;
	}
	if (!target)
		return cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
	/* the target's environment, as gotc exec sets it: its PATH first */
	int rc = env_apply(&cli->h, target);
	if (rc) {
		fprintf(stderr, "gotc which: %s\n", cli->h.errbuf);
		free(target);
		return rc == GOTC_ENOTARGET ? EXIT_USAGE : EXIT_FAIL;
	}
	char *path = NULL;
	if (strcmp(tool, "go") == 0) {
		const char *goroot = getenv("GOROOT");
		path = goroot ? path_join(goroot, "bin/go") : NULL;
	} else {
		const char *var = strcmp(tool, "cc") == 0    ? "CC"
				  : strcmp(tool, "c++") == 0 ? "CXX"
				  : strcmp(tool, "ar") == 0  ? "AR"
							     : NULL;
		const char *val = var ? getenv(var) : "pkg-config";
		path = val && *val ? on_path(val) : NULL;
	}
	if (!path || access(path, X_OK) != 0) {
		fprintf(stderr, "gotc which: %s: not found in the environment of %s\n", tool, target);
		free(path);
		free(target);
		return EXIT_FAIL;
	}
	printf("%s\n", path);
	free(path);
	free(target);
	return EXIT_OK;
}
