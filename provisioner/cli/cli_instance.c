/* cli_instance.c - `--go VERSION`: TARGET operands become TARGET@goVERSION. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "util.h"

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
