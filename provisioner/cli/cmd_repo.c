/* cmd_repo.c - gotc repo add|update|list|remove: recipe repositories. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "repo.h"
#include "util.h"

static int repo_add_run(struct cli *, int, char **);
static int repo_update_run(struct cli *, int, char **);
static int repo_list_run(struct cli *, int, char **);
static int repo_remove_run(struct cli *, int, char **);

static const struct cmd repo_cmds[] = {
	{"repo add", "clone a recipe repository; its targets join the search path", repo_add_run,
	 "[--ref REF] NAME URL\n"
	 "  NAME          what to call it: letters, digits, '.', '_', '-'; NAME/TARGET\n"
	 "                names its TARGET when another source has one of that name\n"
	 "  URL           a git repository holding targets/ and recipes/: https://...,\n"
	 "                file:///path, or http://... with allow_http = yes in [fetch]\n"
	 "  --ref REF     the branch or tag to follow (default: the remote's HEAD)\n"
	 "  The files must pass 'gotc lint' or nothing is added.\n", CMD_ARGS_NONE},
	{"repo update", "fetch recipe repositories and move them to their ref's new commit",
	 repo_update_run,
	 "[--force] [NAME...]\n"
	 "  NAME          the repositories to update (default: all)\n"
	 "  --force       accept a commit that does not descend from the one in use\n"
	 "                (rewritten history); without it only fast-forwards are taken\n"
	 "  A commit whose files fail lint is not activated: the one in use stays.\n", CMD_ARGS_NONE},
	{"repo list", "recipe repositories with their URL, ref and commit in use", repo_list_run,
	 "[--json]\n"
	 "  --json        machine-readable output\n", CMD_ARGS_NONE},
	{"repo remove", "delete recipe repositories; their targets leave the search path",
	 repo_remove_run, "NAME...\n", CMD_ARGS_NONE},
	{NULL, NULL, NULL, NULL, CMD_ARGS_NONE},
};

/* Options of one subcommand; returns -1 when argv is done, '?' on error. */
static int sub_getopt(const struct cmd *c, int argc, char **argv, const struct option *opts)
{
	int o = getopt_long(argc, argv, "", opts, NULL);
	if (o == '?') {
		cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
	} else if (o == ':') {
		cli_usage_error(c, "option '%s' needs a value", argv[optind - 1]);
		o = '?';
	}
	return o;
}

static int repo_add_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"ref", required_argument, NULL, 'r'},
					     {NULL, 0, NULL, 0}};
	const struct cmd *c = &repo_cmds[0];
	const char *ref = NULL;
	int o;
	while ((o = sub_getopt(c, argc, argv, opts)) != -1) {
		if (o != 'r')
			return EXIT_USAGE;
		ref = optarg;
	}
	if (argc - optind != 2)
		return cli_usage_error(c, argc - optind < 2 ? "expected NAME and URL"
							    : "unexpected argument '%s'",
				       argv[argc - 1]);
	struct repo_info ri;
	int rc = repo_add(&cli->h, argv[optind], argv[optind + 1], ref, &ri);
	if (rc)
		return cli_error(cli, rc);
	char *shown = url_redact(ri.url);
	printf("added %s at %.12s (%s %s)\n", ri.name, ri.commit, shown ? shown : "", ri.ref ? ri.ref : "HEAD");
	free(shown);
	repo_info_clear(&ri);
	return EXIT_OK;
}

static int update_one(struct cli *cli, const char *name, bool force)
{
	struct repo_change ch;
	int rc = repo_update(&cli->h, name, force, &ch);
	if (rc)
		return cli_error(cli, rc);
	if (!ch.changed)
		printf("%s: up to date at %.12s\n", name, ch.old_commit);
	else
		printf("%s: %.12s -> %.12s%s\n", name, ch.old_commit, ch.new_commit,
		       ch.forced ? " (forced: history was rewritten)" : "");
	return EXIT_OK;
}

static int repo_update_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const struct cmd *c = &repo_cmds[1];
	bool force = false;
	int o, ex = EXIT_OK;
	while ((o = sub_getopt(c, argc, argv, opts)) != -1) {
		if (o != 'f')
			return EXIT_USAGE;
		force = true;
	}
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			int e = update_one(cli, argv[i], force);
			ex = e > ex ? e : ex;
		}
		return ex;
	}
	struct repo_info *v = NULL;
	size_t n = 0;
	int rc = repo_list(&cli->h, &v, &n);
	if (rc)
		return cli_error(cli, rc);
	if (!n && !cli->quiet)
		fprintf(stderr, "gotc repo update: no repositories (add one with 'gotc repo add NAME URL')\n");
	for (size_t i = 0; i < n; i++) {
		int e = update_one(cli, v[i].name, force);
		ex = e > ex ? e : ex;
	}
	repo_info_free(v, n);
	return ex;
}

static int repo_list_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	const struct cmd *c = &repo_cmds[2];
	bool json = false;
	int o;
	while ((o = sub_getopt(c, argc, argv, opts)) != -1) {
		if (o != 'j')
			return EXIT_USAGE;
		json = true;
	}
	if (optind < argc)
		return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
	struct repo_info *v = NULL;
	size_t n = 0;
	int rc = repo_list(&cli->h, &v, &n);
	if (rc)
		return cli_error(cli, rc);
	if (json)
		json_open(stdout, "repos"), printf(", \"repositories\": [");
	for (size_t i = 0; i < n; i++) {
		char *shown = url_redact(v[i].url); /* credentials are never shown */
		if (json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, v[i].name);
			printf(", \"url\": ");
			json_str(stdout, shown ? shown : "");
			printf(", \"ref\": ");
			if (v[i].ref)
				json_str(stdout, v[i].ref);
			else
				printf("null");
			printf(", \"commit\": ");
			json_str(stdout, v[i].commit);
			printf(", \"dir\": ");
			json_str(stdout, v[i].dir);
			printf("}");
		} else {
			printf("%-16s %.12s  %-12s %s\n", v[i].name, v[i].commit,
			       v[i].ref ? v[i].ref : "HEAD", shown ? shown : "");
		}
		free(shown);
	}
	if (json)
		printf("%s]}\n", n ? "\n" : "");
	repo_info_free(v, n);
	return EXIT_OK;
}

static int repo_remove_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	const struct cmd *c = &repo_cmds[3];
	int ex = EXIT_OK;
	if (sub_getopt(c, argc, argv, opts) != -1)
		return EXIT_USAGE;
	if (optind >= argc)
		return cli_usage_error(c, "missing NAME");
	for (int i = optind; i < argc; i++) {
		int rc = repo_remove(&cli->h, argv[i]);
		int e = cli_error(cli, rc);
		if (!rc)
			printf("removed %s\n", argv[i]);
		ex = e > ex ? e : ex;
	}
	return ex;
}

int cmd_repo(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("repo");
	if (argc < 2)
		return cli_usage_error(c, "missing SUBCOMMAND (add, update, list or remove)");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_usage(stdout, c);
		return EXIT_OK;
	}
	for (const struct cmd *s = repo_cmds; s->name; s++) {
		if (strcmp(s->name + 5, argv[1]) != 0)
			continue;
		if (cli_wants_help(s, argc - 1, argv + 1))
			return EXIT_OK;
		optind = 0; /* a fresh getopt scan of the subcommand's arguments */
		return s->run(cli, argc - 1, argv + 1);
	}
	return cli_usage_error(c, "no subcommand '%s' (add, update, list or remove)", argv[1]);
}
