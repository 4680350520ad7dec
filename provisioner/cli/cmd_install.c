/* cmd_install.c - gotc install TARGET... */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cli.h"
#include "install.h"
#include "lock.h"
#include "util.h"

/* install --json: gotc-install/1 (gotc(1) JSON OUTPUT) on stdout. */
static void print_json(struct cli *cli, char *const *names)
{
	struct cli_stats st;
	bool did = cli_progress_stats(cli, &st);
	json_open(stdout, "install");
	printf(", \"changed\": %s, \"seconds\": %.1f, \"fetched_bytes\": %llu, "
	       "\"cached_bytes\": %llu, \"store_bytes\": %llu,\n \"instances\": [",
	       did ? "true" : "false", st.seconds, (unsigned long long)st.fetched,
	       (unsigned long long)st.cached, (unsigned long long)st.stored);
	for (size_t i = 0; names && names[i]; i++) {
		char *prefix = target_prefix_dir(&cli->h, names[i]);
		char *link = target_link_path(&cli->h, names[i]);
		char *envf = link ? str_printf("%s/env.sh", link) : NULL; /* as gotc env prints */
		free(link);
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(stdout, names[i]);
		printf(", \"prefix\": ");
		json_str(stdout, prefix ? prefix : "");
		printf(", \"env\": ");
		json_str(stdout, envf ? envf : "");
		putchar('}');
		free(envf);
		free(prefix);
	}
	printf("%s]}\n", names && names[0] ? "\n " : "");
}

int cmd_install(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"offline", no_argument, NULL, 'o'},
		{"locked", required_argument, NULL, 'L'},
		{"from-bundle", required_argument, NULL, 'B'},
		{"go", required_argument, NULL, 'G'},
		{"with", required_argument, NULL, 'P'},
		{"reinstall", no_argument, NULL, 'R'},
		{"warm", no_argument, NULL, 'W'},
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("install");
	const char *locked = NULL, *bundle = NULL, *go = NULL, *with = NULL;
	int o, ex;
	bool warm = false, json = false;
	optind = 0; /* reinitialize getopt: options may follow the operands */
	while ((o = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			if ((ex = cli_jobs(cli, c, optarg)))
				return ex;
			break;
		case 'o': cli->h.offline = 1; break;
		case 'L': locked = optarg; break;
		case 'B': bundle = optarg; break;
		case 'G': go = optarg; break;
		case 'P': with = optarg; break;
		case 'R': cli->h.reinstall = 1; break;
		case 'W': warm = true; break;
		case 'J': json = true; break;
		default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (locked && bundle)
		return cli_usage_error(c, "--locked and --from-bundle do not go together");
	if (cli->h.reinstall && (locked || bundle))
		return cli_usage_error(c, "--reinstall takes TARGET names, not --%s",
				       locked ? "locked" : "from-bundle");
	if (go && (locked || bundle))
		return cli_usage_error(c, "--go does not go with --%s (the lock or bundle names its "
				       "instances)", locked ? "locked" : "from-bundle");
	if (with && (locked || bundle))
		return cli_usage_error(c, "--with does not go with --%s (the lock or bundle names its "
				       "instances)", locked ? "locked" : "from-bundle");
	size_t n = (size_t)(argc - optind);
	if (warm && !n && (locked || bundle))
		return cli_usage_error(c, "--warm with --%s needs the TARGETs named",
				       locked ? "locked" : "from-bundle");
	char **names = NULL, **args = NULL;
	if (!n && !locked && !bundle) {
		/* no TARGET: the targets of the project (gotc.ini), with its Go */
		if (go)
			return cli_usage_error(c, "--go needs a TARGET (a project's Go is go = in its "
					       "gotc.ini)");
		if (with)
			return cli_usage_error(c, "--with needs a TARGET (a project's packages are "
					       "[packages] install = in its gotc.ini)");
		if ((ex = cli_project_targets(cli, "install", &args)) >= 0)
			return ex;
		n = strv_len(args);
	} else if ((ex = cli_instances(cli, c, go, with, argv + optind, n, &args)) >= 0) {
		return ex;
	}
	int rc = locked ? lock_install(&cli->h, locked, args, n)
		 : bundle ? bundle_install(&cli->h, bundle, args, n)
			  : install_targets(&cli->h, args, n, &names);
	/* the installed names (TARGET or its instance) */
	for (size_t i = 0; warm && !rc && i < n; i++)
		rc = install_warm(&cli->h, names && i < strv_len(names) ? names[i] : args[i]);
	if (!rc && json)
		print_json(cli, names ? names : args);
	if (rc || cli->quiet) {
		strv_free(names);
		strv_free(args);
		return cli_error(cli, rc);
	}
	char sum[256];
	bool did = cli_progress_summary(cli, sum, sizeof(sum));
	cli_progress_clear(cli);
	struct buf what;
	buf_init(&what);
	/* the instances' own names: what gotc env takes, whatever was typed */
	for (size_t i = 0; i < n; i++)
		buf_printf(&what, "%s%s", i ? ", " : "", names && names[i] ? names[i] : args[i]);
	if (!n)
		buf_printf(&what, "the targets of %s", locked ? locked : bundle);
	if (did)
		fprintf(stderr, "%s%sinstalled%s %s %s\n", cli_color(cli, stderr, CLI_OK),
			cli->h.reinstall ? "re" : "", cli_color(cli, stderr, CLI_RESET), what.s, sum);
	else
		fprintf(stderr, "%s: already installed, nothing to do\n", what.s);
	buf_free(&what);
	for (size_t i = 0; i < n; i++) {
		char *hint = cli_hint_env(cli, names && names[i] ? names[i] : args[i]);
		fprintf(stderr, "  use it: %s\n", hint ? hint : "");
		free(hint);
	}
	if (!n)
		fprintf(stderr, "  see 'gotc list'\n");
	strv_free(names);
	strv_free(args);
	return EXIT_OK;
}
