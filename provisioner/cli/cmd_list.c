/* cmd_list.c - gotc list [--json]: installed targets and store entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "instance_record.h"
#include "model.h"
#include "project.h"
#include "store.h"
#include "util.h"

struct versions {
	char *go, *cc, *libc; /* "1.27.4", "gcc 12.2.0", "glibc 2.36"; NULL: unknown */
};

/* What an installed instance was built with, from its record (nothing when
 * it has none or it does not read: list still lists it). */
static void instance_versions(gotc_t *h, const char *name, struct versions *v)
{
	struct instance_record rec;
	struct target *t = NULL;
	char *rpaths[TR__COUNT] = {NULL};
	memset(v, 0, sizeof(*v));
	if (instance_record_read(h, name, &rec) == 0) {
		char *path = instance_record_target(&rec);
		if (path && target_locate(h, path, rec.go, rec.with, &t, rpaths) == 0) {
			struct recipe *r = NULL;
			if (rpaths[TR_GO] && recipe_load(h, rpaths[TR_GO], RK_GO, &r) == 0)
				v->go = strdup(r->version);
			recipe_free(r);
			r = NULL;
			if (rpaths[TR_TOOLCHAIN] && recipe_load(h, rpaths[TR_TOOLCHAIN], RK_TOOLCHAIN, &r) == 0)
				v->cc = str_printf("%s %s", r->type ? r->type : "", r->version);
			recipe_free(r);
			v->libc = str_printf("%s %s", libc_name((enum libc_kind)t->libc),
					     t->libc_version ? t->libc_version : "");
		}
		for (int i = 0; i < TR__COUNT; i++)
			free(rpaths[i]);
		target_free(t);
		free(path);
		instance_record_clear(&rec);
	}
	h->err = 0;
	h->errbuf[0] = '\0';
}

static void versions_free(struct versions *v)
{
	free(v->go);
	free(v->cc);
	free(v->libc);
}

static void json_or_null(const char *key, const char *v)
{
	printf(", \"%s\": ", key);
	v ? json_str(stdout, v) : (void)fputs("null", stdout);
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	bool json;
	int ex = cli_json_only(cli_find("list"), argc, argv, &json);
	if (ex >= 0)
		return ex;
	struct installed *targets = NULL;
	size_t nt = 0;
	int rc = target_list(&cli->h, false, &targets, &nt);
	if (rc)
		return cli_error(cli, rc);
	char *sdir = path_join(cli->h.home, "store");
	char **entries = sdir ? dir_list(sdir, "") : NULL;
	if (!entries) {
		free(sdir);
		installed_free(targets, nt);
		return cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
	}
	/* the project's default target (gotc.ini) and the one whose env is loaded */
	struct project proj;
	char *pdef = NULL;
	if (project_find(&cli->h, &proj) == 0) {
		if (proj.path && proj.targets && proj.targets[0])
			pdef = project_instance(&proj, proj.targets[0]);
		project_free(&proj);
	}
	cli->h.err = 0;
	cli->h.errbuf[0] = '\0';
	const char *loaded = getenv("GOTC_TARGET");
	if (json)
		json_open(stdout, "list"), printf(", \"home\": "), json_str(stdout, cli->h.home),
			printf(",\n \"targets\": [");
	else
		printf("targets in %s:\n", cli->h.home);
	if (!json && nt)
		printf("  %-27s %-8s %-11s LIBC\n", "TARGET", "GO", "COMPILER");
	for (size_t i = 0; i < nt; i++) {
		const struct installed *t = &targets[i];
		/* its source on the search path against the files it was built from */
		struct instance_status st;
		if (!t->prefix || instance_status(&cli->h, t->name, &st))
			memset(&st, 0, sizeof(st));
		struct versions v;
		instance_versions(&cli->h, t->name, &v);
		bool is_proj = pdef && strcmp(pdef, t->name) == 0;
		bool is_loaded = loaded && strcmp(loaded, t->name) == 0;
		if (json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, t->name);
			printf(", \"prefix\": ");
			json_str(stdout, t->prefix ? t->prefix : "");
			if (t->err) {
				printf(", \"error\": ");
				json_str(stdout, t->errmsg ? t->errmsg : "");
			}
			json_or_null("source", st.source);
			json_or_null("changed", st.changed);
			json_or_null("go", v.go);
			json_or_null("compiler", v.cc);
			json_or_null("libc", v.libc);
			printf(", \"project_default\": %s, \"loaded\": %s}", is_proj ? "true" : "false",
			       is_loaded ? "true" : "false");
		} else {
			char line[1024];
			int n = snprintf(line, sizeof(line), "%c %-27s %-8s %-11s %-10s %s%s%s%s%s",
					 is_proj || is_loaded ? '*' : ' ', t->name, v.go ? v.go : "?", v.cc ? v.cc : "?",
					 v.libc ? v.libc : "?", is_proj ? "(project default) " : "",
					 is_loaded ? "(env loaded) " : "", !t->prefix ? "(broken link)" : "",
					 t->prefix && t->err ? t->prefix : "",
					 t->prefix && t->err ? " (damaged: see gotc verify)" : "");
			size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
			while (len && line[len - 1] == ' ')
				len--;
			printf("%.*s\n", (int)len, line);
			if (cli->verbose && t->prefix)
				printf("    %s\n", t->prefix);
			if (st.changed)
				printf("    recipe changed since install: %s (run: gotc install %s)\n",
				       st.changed, st.source);
		}
		instance_status_clear(&st);
		versions_free(&v);
	}
	free(pdef);
	if (!json && !nt)
		printf("  (none)\n");
	printf(json ? "],\n \"entries\": [" : "store entries:\n");
	for (size_t i = 0; entries[i]; i++) {
		char *root = str_printf("%s/%s/root", sdir, entries[i]);
		unsigned long long size = root ? dir_size(root) : 0;
		if (json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, entries[i]);
			printf(", \"bytes\": %llu}", size);
		} else {
			printf("  %-40s %8.1f MiB\n", entries[i], (double)size / 1048576.0);
		}
		free(root);
	}
	if (!json && !entries[0])
		printf("  (none)\n");
	if (json)
		printf("\n]}\n");
	free(sdir);
	strv_free(entries);
	installed_free(targets, nt);
	return EXIT_OK;
}
