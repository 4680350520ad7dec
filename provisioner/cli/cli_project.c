/* cli_project.c - the target a command means inside a project (gotc.ini). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "project.h"
#include "util.h"

int cli_project_target(struct cli *cli, const char *cmd, const char *target, char **out)
{
	struct project p;
	*out = NULL;
	int rc = project_find(&cli->h, &p);
	if (rc) {
		fprintf(stderr, "%s%s\n", rc == GOTC_ERECIPE ? "" : "gotc: ", cli->h.errbuf);
		return rc == GOTC_ERECIPE ? EXIT_USAGE : EXIT_FAIL;
	}
	if (!target && !p.path) {
		fprintf(stderr, "gotc %s: missing TARGET (and no gotc.ini project file here or above)\n"
				"see 'gotc %s --help'\n",
			cmd, cmd);
		return EXIT_USAGE;
	}
	/* installed under the target's own name: REPO/NAME is NAME */
	const char *t = target ? target : p.targets[0], *slash = strchr(t, '/');
	*out = p.path ? project_instance(&p, slash && !strchr(slash, '@') ? slash + 1 : t) : strdup(t);
	project_free(&p);
	if (!*out) {
		fprintf(stderr, "gotc %s: out of memory\n", cmd);
		return EXIT_FAIL;
	}
	return -1;
}

int cli_project_targets(struct cli *cli, const char *cmd, char ***out)
{
	struct project p;
	*out = NULL;
	int rc = project_find(&cli->h, &p);
	if (rc) {
		fprintf(stderr, "%s%s\n", rc == GOTC_ERECIPE ? "" : "gotc: ", cli->h.errbuf);
		return rc == GOTC_ERECIPE ? EXIT_USAGE : EXIT_FAIL;
	}
	if (!p.path) {
		fprintf(stderr, "gotc %s: missing TARGET (see 'gotc targets'; or write a gotc.ini "
				"project file, see gotc-project(5))\n",
			cmd);
		return EXIT_USAGE;
	}
	char **v = calloc(strv_len(p.targets) + 1, sizeof(*v));
	for (size_t i = 0; v && p.targets[i]; i++)
		if (!(v[i] = project_instance(&p, p.targets[i]))) {
			strv_free(v);
			v = NULL;
		}
	project_free(&p);
	if (!v) {
		fprintf(stderr, "gotc %s: out of memory\n", cmd);
		return EXIT_FAIL;
	}
	*out = v;
	return -1;
}
