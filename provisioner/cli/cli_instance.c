/* cli_instance.c - `--go VERSION`: TARGET operands become TARGET@goVERSION. */
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

int cli_with_go(struct cli *cli, const struct cmd *c, const char *go, char **names, size_t n,
		char ***out)
{
	*out = NULL;
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return cli_error(cli, gotc_fail(&cli->h, -12, "out of memory"));
	for (size_t i = 0; i < n; i++) {
		struct instance in;
		if (!go) {
			v[i] = strdup(names[i]);
		} else if (strchr(names[i], '@') && !(str_ends(names[i], ".ini") && is_file(names[i]))) {
			strv_free(v);
			return cli_usage_error(c, "'%s' already names an instance; --go %s does not go with it",
					       names[i], go);
		} else {
			v[i] = str_printf("%s@go%s", names[i], go);
			if (v[i] && instance_parse(&cli->h, v[i], &in)) {
				strv_free(v);
				return cli_usage_error(c, "--go %s: expected a Go version like 1.24 or 1.24.4", go);
			}
			if (v[i])
				instance_free(&in);
		}
		if (!v[i]) {
			strv_free(v);
			return cli_error(cli, gotc_fail(&cli->h, -12, "out of memory"));
		}
	}
	*out = v;
	return -1;
}
