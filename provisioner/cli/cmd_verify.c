/* cmd_verify.c - gotc verify [TARGET...]: re-hash installed files against
 * their manifests; report modified, missing and extra files (target_verify). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "instance_record.h"
#include "store.h"
#include "util.h"

struct out {
	struct cli *cli;
	bool unknown;	   /* a name neither installed nor on the search path */
	unsigned problems; /* in the directory being checked */
	char **bad;	   /* the directories with problems */
};

static void problem(void *ctx, const char *kind, const char *path, const char *detail)
{
	struct out *o = ctx;
	o->problems++;
	printf("%-8s %s (%s)\n", kind, path, detail);
}

static void item(void *ctx, const char *dir, uint64_t bytes, int rc)
{
	struct out *o = ctx;
	(void)bytes;
	if (rc)
		fprintf(stderr, "gotc verify: %s\n", o->cli->h.errbuf);
	if (rc == GOTC_ENOTARGET)
		o->unknown = true;
	else if (o->cli->verbose && !o->problems)
		printf("ok       %s\n", dir);
	if ((o->problems || rc) && strv_push(&o->bad, dir))
		fprintf(stderr, "gotc verify: out of memory: the repair line may leave %s out\n", dir);
	o->problems = 0;
}

/* The installed targets whose prefix or store entries had problems, and the
 * command that repairs them. */
static void repair_hint(struct cli *cli, char *const *bad)
{
	struct installed *v = NULL;
	size_t n = 0;
	if (!bad || target_list(&cli->h, false, &v, &n))
		return;
	struct buf args;
	buf_init(&args);
	buf_printf(&args, "install --reinstall");
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		bool hit = v[i].prefix && strv_has(bad, v[i].prefix);
		for (char **e = v[i].info.entries; e && *e && !hit; e++) {
			char *ed = str_printf("%s/store/%s", cli->h.home, *e);
			hit = ed && strv_has(bad, ed);
			free(ed);
		}
		char *q = hit ? str_shell_quote(v[i].name) : NULL;
		if (q) {
			buf_printf(&args, " %s", q);
			any = true;
		}
		free(q);
	}
	char *cmd = any && args.s ? cli_hint_gotc(cli, args.s) : NULL;
	if (cmd)
		printf("repair:  %s\n", cmd);
	free(cmd);
	buf_free(&args);
	installed_free(v, n);
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("verify");
	char **names;
	int ex = cli_installed_names(cli, c, argv + 1, (size_t)(argc - 1), &names);
	if (ex >= 0)
		return ex;
	struct out o = {cli, false, 0, NULL};
	struct store_report r = {.problem = problem, .item = item, .ctx = &o};
	int rc = target_verify(&cli->h, argc > 1 ? names : NULL, (size_t)(argc - 1), &r);
	if (rc) {
		strv_free(names);
		strv_free(o.bad);
		return cli_error(cli, rc);
	}
	unsigned checked = r.items - r.errors, bad = r.problems + r.errors;
	/* not damage: the search path's copy moved on since the install */
	unsigned changed = 0;
	struct installed *v = NULL;
	size_t n = 0;
	if (argc < 2 && target_list(&cli->h, false, &v, &n))
		n = 0;
	for (size_t i = 0; i < (argc < 2 ? n : (size_t)(argc - 1)); i++) {
		const char *name = argc < 2 ? v[i].name : names[i];
		struct instance_status st;
		if (instance_status(&cli->h, name, &st) == 0 && st.changed) {
			printf("changed  %s: recipe changed since install: %s (run: gotc install %s)\n",
			       name, st.changed, st.source);
			changed++;
		}
		instance_status_clear(&st);
	}
	installed_free(v, n);
	strv_free(names);
	repair_hint(cli, o.bad);
	strv_free(o.bad);
	if (!cli->quiet)
		fprintf(stderr, "verify: %u director%s checked, %u problem%s%s\n", checked,
			checked == 1 ? "y" : "ies", bad, bad == 1 ? "" : "s",
			changed ? ", recipes changed since install (see above)" : "");
	return o.unknown ? EXIT_USAGE : bad ? EXIT_FAIL : EXIT_OK;
}
