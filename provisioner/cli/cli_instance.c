/* cli_instance.c - `--go VERSION` and `--with PKG,...`: TARGET operands
 * become the instances TARGET@goVERSION, TARGET@with-PKG_PKG... */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "instance_record.h"
#include "model.h"
#include "util.h"

int cli_installed_names(struct cli *cli, const struct cmd *c, char **args, size_t n, char ***out)
{
	*out = calloc(n + 1, sizeof(**out));
	if (!*out)
		return cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
	for (size_t i = 0; i < n; i++) {
		const char *a = args[i], *slash = strchr(a, '/');
		if (a[0] == '-' || a[0] == '.' || (slash && (strchr(slash + 1, '/') || str_ends(a, ".ini")))) {
			strv_free(*out);
			*out = NULL;
			return cli_not_a_name(c->name, a);
		}
		if (!slash) {
			(*out)[i] = strdup(a);
		} else { /* REPO/NAME: instance NAME, if it came from REPO */
			struct instance_record rec;
			int rc = instance_record_find(&cli->h, a, &rec);
			if (rc) {
				strv_free(*out);
				*out = NULL;
				fprintf(stderr, "gotc %s: %s\n", c->name, cli->h.errbuf);
				(void)rc;
				return EXIT_FAIL;
			}
			(*out)[i] = strdup(rec.instance);
			instance_record_clear(&rec);
		}
		if (!(*out)[i]) {
			strv_free(*out);
			*out = NULL;
			return cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
		}
	}
	return -1;
}

int cli_repo_instance(struct cli *cli, const char *cmd, const char *name, char **out)
{
	char *args[] = {(char *)name, NULL}, **v = NULL;
	const struct cmd *c = cli_find(cmd);
	int ex = c ? cli_installed_names(cli, c, args, 1, &v) : EXIT_FAIL;
	if (ex < 0) {
		*out = v[0];
		v[0] = NULL;
		strv_free(v);
	}
	return ex;
}

/* One operand as the instance --go/--with ask for (malloc'd in *out); -1 if
 * fine, else the exit status of the error printed. */
static int one(struct cli *cli, const struct cmd *c, const char *go, const char *with, const char *name,
	       char **out)
{
	struct instance in;
	*out = NULL;
	if (instance_parse(&cli->h, name, &in))
		return cli_error(cli, cli->h.err);
	int ex = -1;
	if (go && in.go)
		ex = cli_usage_error(c, "'%s' already names an instance; --go %s does not go with it", name, go);
	else if (with && in.with)
		ex = cli_usage_error(c, "'%s' already names its packages; --with %s does not go with it", name,
				     with);
	else if (go && !go_release_valid(go))
		ex = cli_usage_error(c, "--go %s: expected a Go version like 1.24 or 1.24.4", go);
	else if (with && !(in.with = packages_canonical(with)))
		ex = cli_usage_error(c, "--with %s: expected package names separated by commas, like "
					"libssl-dev,zlib1g-dev", with);
	else if (go && !(in.go = strdup(go)))
		ex = cli_error(cli, gotc_fail(&cli->h, -12, "out of memory"));
	if (ex < 0 && !(*out = instance_name(&in, in.target)))
		ex = cli_error(cli, gotc_fail(&cli->h, -12, "out of memory"));
	instance_free(&in);
	return ex;
}

int cli_instances(struct cli *cli, const struct cmd *c, const char *go, const char *with, char **names,
		  size_t n, char ***out)
{
	*out = NULL;
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return cli_error(cli, gotc_fail(&cli->h, -12, "out of memory"));
	for (size_t i = 0; i < n; i++) {
		int ex = -1;
		if (!go && !with) {
			if (!(v[i] = strdup(names[i])))
				ex = cli_error(cli, gotc_fail(&cli->h, -12, "out of memory"));
		} else {
			ex = one(cli, c, go, with, names[i], &v[i]);
		}
		if (ex >= 0) {
			strv_free(v);
			return ex;
		}
	}
	*out = v;
	return -1;
}

int cli_with_go(struct cli *cli, const struct cmd *c, const char *go, char **names, size_t n,
		char ***out)
{
	return cli_instances(cli, c, go, NULL, names, n, out);
}
