/* cmd_check.c - gotc check TARGET FILE...: does each ELF file keep the
 * target's ABI promise?  One line per check; --json for CI. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "elf_check.h"
#include "instance_record.h"
#include "model.h"
#include "util.h"

int cli_load_check_target(struct cli *cli, const char *name, const char *sysroot_opt,
			  struct target **t, char **sysroot)
{
	*t = NULL;
	*sysroot = NULL;
	/* The target file alone (its recipes need not resolve): an installed
	 * instance's own copy first, else the search path's.  An instance
	 * (NAME@goV) has its target's ABI and its own installed sysroot. */
	int rc = instance_target_load(&cli->h, name, INSTANCE_FIRST, t, NULL);
	if (rc)
		return rc;
	if (sysroot_opt) {
		if (!is_dir(sysroot_opt)) {
			target_free(*t);
			*t = NULL;
			return gotc_fail(&cli->h, GOTC_EUSAGE, "--sysroot %s: not a directory",
					 sysroot_opt);
		}
		*sysroot = strdup(sysroot_opt);
	} else {
		char *s = str_printf("%s/targets/%s/sysroot", cli->h.home, (*t)->name);
		if (s && is_dir(s))
			*sysroot = s;
		else
			free(s);
	}
	return 0;
}

static void print_json_report(const char *file, int rc, const char *err,
			      const struct elf_report *r, bool first)
{
	printf("%s\n    {\"file\": ", first ? "" : ",");
	json_str(stdout, file);
	printf(", \"ok\": %s, \"error\": ", !rc && !r->failed ? "true" : "false");
	if (rc)
		json_str(stdout, err);
	else
		fputs("null", stdout);
	printf(", \"checks\": [");
	for (size_t i = 0; i < r->n; i++) {
		printf("%s\n      {\"check\": ", i ? "," : "");
		json_str(stdout, r->v[i].name);
		printf(", \"ok\": %s, \"message\": ", r->v[i].ok ? "true" : "false");
		json_str(stdout, r->v[i].msg);
		putchar('}');
	}
	printf("%s]}", r->n ? "\n    " : "");
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"sysroot", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("check");
	bool json = false;
	const char *sysroot_opt = NULL;
	int o;
	while ((o = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 's': sysroot_opt = optarg; break;
		case ':': return cli_usage_error(c, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(c, "missing TARGET");
	if (optind + 1 >= argc)
		return cli_usage_error(c, "missing FILE after TARGET");
	struct target *t = NULL;
	char *sysroot = NULL;
	int rc = cli_load_check_target(cli, argv[optind], sysroot_opt, &t, &sysroot);
	if (rc)
		return cli_error(cli, rc);
	size_t files_failed = 0, checks_failed = 0;
	if (json) {
		json_open(stdout, "check");
		printf(", \"target\": ");
		json_str(stdout, t->name);
		printf(", \"sysroot\": ");
		if (sysroot)
			json_str(stdout, sysroot);
		else
			fputs("null", stdout);
		printf(", \"files\": [");
	}
	for (int i = optind + 1; i < argc; i++) {
		struct elf_report r;
		const char *file = argv[i];
		rc = elf_check_file(&cli->h, t, sysroot, file, &r);
		if (rc || r.failed)
			files_failed++;
		checks_failed += rc ? 1 : r.failed;
		if (json) {
			print_json_report(file, rc, cli->h.errbuf, &r, i == optind + 1);
		} else if (rc) {
			printf("%sFAIL%s %s: elf: %s\n", cli_color(cli, stdout, CLI_FAIL),
			       cli_color(cli, stdout, CLI_RESET), file,
			       cli->h.err == rc ? cli->h.errbuf : gotc_strerror(rc));
		} else {
			for (size_t k = 0; k < r.n; k++)
				printf("%s%-4s%s %s: %s: %s\n",
				       cli_color(cli, stdout, r.v[k].ok ? CLI_OK : CLI_FAIL),
				       r.v[k].ok ? "ok" : "FAIL", cli_color(cli, stdout, CLI_RESET), file,
				       r.v[k].name, r.v[k].msg);
		}
		elf_report_free(&r);
	}
	size_t nfiles = (size_t)(argc - optind - 1);
	if (json)
		printf("\n  ],\n  \"ok\": %s}\n", files_failed ? "false" : "true");
	else
		printf("%s: %zu file%s checked, %zu failed (%zu failed check%s)\n", t->name, nfiles,
		       nfiles == 1 ? "" : "s", files_failed, checks_failed,
		       checks_failed == 1 ? "" : "s");
	target_free(t);
	free(sysroot);
	return files_failed ? EXIT_FAIL : EXIT_OK;
}
