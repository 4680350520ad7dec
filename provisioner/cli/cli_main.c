/* cli_main.c - gotc's entry point and command table. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "install.h"
#include "util.h"

const struct cmd cli_commands[] = {
	{"targets", "list the targets on the search path", cmd_targets,
	 "[-l|--long] [--json]\n"
	 "  one line each: name, arch, libc, kernel headers, default Go, compiler and\n"
	 "  whether it is installed (fits 80 columns)\n"
	 "  -l, --long    each target's description too, on the line below it\n"
	 "  --json        machine-readable output (with go, compiler and installed)\n", CMD_ARGS_NONE},
	{"show", "print a target's resolved plan and the env it will emit", cmd_show,
	 "[--installed] [--go VERSION] [--json] TARGET\n"
	 "  TARGET        a target name from 'gotc targets', or a path to a .ini file;\n"
	 "                TARGET@goVERSION names an instance with that Go\n"
	 "  --go VERSION  show TARGET@goVERSION: the newest pinned Go 1.24.x for 1.24,\n"
	 "                exactly 1.24.4 for 1.24.4; an unknown version lists the pinned ones\n"
	 "  --installed   the installed instance TARGET, from the files it was built\n"
	 "                from (kept in its prefix), whatever the search path holds\n"
	 "  --json        the plan as JSON (schema gotc-show/1, see gotc(1))\n", CMD_ARGS_TARGETS},
	{"lint", "validate target and recipe files", cmd_lint,
	 "[FILE|TARGET...]\n"
	 "  FILE          target (targets/*.ini) or recipe (recipes/KIND/*.ini) files;\n"
	 "                without FILE, every file on the search path\n"
	 "  TARGET        a target name (or REPO/TARGET) on the search path, else an\n"
	 "                installed instance: that target and the recipes it composes\n", CMD_ARGS_TARGETS},
	{"install", "download, verify, unpack and assemble targets", cmd_install,
	 "[-j N] [--offline] [--go VERSION] [--with PKG,...] [--reinstall] [--warm]\n"
	 "       [--json] TARGET...\n"
	 "       gotc install [-j N] [--offline]     (in a project: its targets)\n"
	 "       gotc install --locked FILE [TARGET...]\n"
	 "       gotc install --from-bundle FILE [TARGET...]\n"
	 "  -j, --jobs N  parallel downloads (default 4, or [fetch] jobs)\n"
	 "  --offline     use the download cache only; never touch the network\n"
	 "  --go VERSION  install each TARGET with that Go as the instance\n"
	 "                TARGET@goVERSION (1.24: the newest pinned 1.24.x; 1.24.4: exactly)\n"
	 "  --with PKG,... add the sysroot distribution's packages (libssl-dev,zlib1g-dev)\n"
	 "                to each TARGET, as the instance TARGET@with-PKG_PKG... (sorted)\n"
	 "  --reinstall   build an installed target again from scratch (repair what\n"
	 "                gotc verify reports): each store entry is unpacked again from\n"
	 "                its verified downloads and the prefix rebuilt, from the files\n"
	 "                it was installed from; each new tree replaces the old one in\n"
	 "                one atomic exchange, so the old stays whole until then\n"
	 "  --locked FILE install the targets of a lockfile (all, or those named)\n"
	 "                exactly; refuse (exit 2) if any target or recipe file changed\n"
	 "  --from-bundle FILE  install from a bundle with no network; every store\n"
	 "                entry is verified against its manifest first\n"
	 "  --warm        then build each target's standard library into its GOCACHE\n"
	 "                (go build std), so that the first go build need not build it\n"
	 "  --json        then print what was installed as JSON on stdout (schema\n"
	 "                gotc-install/1, see gotc(1))\n", CMD_ARGS_TARGETS},
	{"lock", "pin targets' files, artifacts and store entries in a lockfile", cmd_lock,
	 "[-o FILE] [--offline] [--go VERSION] TARGET...\n"
	 "       gotc lock [-o FILE] [--offline]     (in a project: its targets)\n"
	 "  -o, --output FILE  write FILE (default gotc.lock; '-' for stdout)\n"
	 "  --go VERSION  lock each TARGET as the instance TARGET@goVERSION\n"
	 "  artifacts whose size no recipe gives are downloaded to learn it\n", CMD_ARGS_TARGETS},
	{"mirror", "download targets' artifacts into a directory any HTTP server can serve", cmd_mirror,
	 "[-j N] [--offline] DIR TARGET...\n"
	 "  DIR/NAME/PATH for ${mirror:NAME}/PATH; prints the config.ini lines to use it\n", CMD_ARGS_TARGETS},
	{"bundle", "write installed targets into one file for offline installs", cmd_bundle,
	 "-o FILE TARGET...\n"
	 "  -o, --output FILE  the bundle (tar + zstd); install it with\n"
	 "                     gotc install --from-bundle FILE\n", CMD_ARGS_INSTALLED},
	{"sbom", "write the software bill of materials of an installed target", cmd_sbom,
	 "[--format spdx|cyclonedx] [-o FILE] [TARGET]\n"
	 "  --format F    spdx (SPDX 2.3 JSON, the default) or cyclonedx (CycloneDX 1.5\n"
	 "                JSON)\n"
	 "  -o, --output FILE  write FILE (default '-': stdout)\n"
	 "  Every artifact the installed instance was built from (Go, toolchain,\n"
	 "  sysroot, kernel headers, added packages): name, version, download URL\n"
	 "  (without credentials), sha256, and a purl for distribution packages;\n"
	 "  from the instance's record (no search path needed).  Without TARGET: the\n"
	 "  default target of the project (gotc.ini)\n", CMD_ARGS_INSTALLED},
	{"push", "upload installed targets' store entries to the OCI registry", cmd_push,
	 "[TARGET...]\n"
	 "  Uploads each store entry the targets use (all installed targets when none\n"
	 "  is named) to the registry of [cache] oci in config.ini, one OCI artifact\n"
	 "  per entry tagged by its key; entries already there are skipped.  gotc\n"
	 "  install then takes missing entries from the registry before the mirrors.\n"
	 "  Credentials: GOTC_OCI_USERNAME and GOTC_OCI_PASSWORD, else the docker\n"
	 "  config.json ($DOCKER_CONFIG or ~/.docker).\n", CMD_ARGS_INSTALLED},
	{"env", "print the path (or content) of an installed target's env file", cmd_env,
	 "[--check] [--format=FORMAT | --fish] [TARGET]\n"
	 "  without TARGET: the default target of the project (gotc.ini)\n"
	 "  without --format: the path of the POSIX sh env file, for\n"
	 "                    . \"$(gotc env TARGET)\"   (sh, bash, zsh, dash, ksh)\n"
	 "  --fish        the path of the fish env file: source (gotc env --fish TARGET)\n"
	 "  --format=F    print the content: sh, fish (gotc env --format=fish T | source),\n"
	 "                json, make, github (for $GITHUB_ENV), github-path (for\n"
	 "                $GITHUB_PATH), cmake (a toolchain file), meson (a cross file)\n"
	 "  loading an env undoes the one loaded before (its variables and PATH\n"
	 "  entries); gotc_deactivate undoes it\n"
	 "  --check       first check the Go module holding the working directory:\n"
	 "                refuse (exit 2) if its go.mod needs a newer Go than TARGET's\n",
	 CMD_ARGS_INSTALLED | CMD_ARGS_ONE},
	{"exec", "run a command in a target's environment, without a shell", cmd_exec,
	 "TARGET [--] COMMAND [ARGS...]\n"
	 "       gotc exec [-t TARGET] -- COMMAND [ARGS...]   (in a project)\n"
	 "  -t TARGET     that target, with the project's Go; without -t: the\n"
	 "                project's default target (see gotc-project(5))\n"
	 "  refuses (exit 2), before running anything, when the go.mod of the module\n"
	 "  holding the working directory needs a newer Go than TARGET's\n",
	 CMD_ARGS_INSTALLED | CMD_ARGS_ONE},
	{"which", "print the path of a tool in an installed target's environment", cmd_which,
	 "TOOL [TARGET]\n"
	 "  TOOL          go, cc, c++, ar or pkg-config: what a build in the target's\n"
	 "                env runs (the prefix's wrappers; pkg-config is the one on\n"
	 "                the env's PATH, which the env points at the target's\n"
	 "                sysroot with PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR)\n"
	 "  TARGET        an installed target (default: the one whose env is loaded,\n"
	 "                $GOTC_TARGET, else the only one installed)\n", CMD_ARGS_TOOLS},
	{"list", "installed targets and store entries with sizes", cmd_list,
	 "[--json]\n"
	 "  each target with its Go, compiler and libc versions; * marks the project's\n"
	 "  default target and the one whose env is loaded; -v adds each prefix\n", CMD_ARGS_NONE},
	{"remove", "uninstall targets (their store entries stay until gc)", cmd_remove,
	 "TARGET...\n"
	 "  TARGET   an installed instance, or REPO/NAME for one from recipe repository REPO\n",
	 CMD_ARGS_INSTALLED},
	{"gc", "delete store entries and prefixes no installed target references", cmd_gc,
	 "[--dry-run]\n"
	 "  -n, --dry-run print what would be deleted\n", CMD_ARGS_NONE},
	{"verify", "re-hash installed files against their manifests", cmd_verify,
	 "[TARGET...]\n"
	 "  TARGET   an installed instance, or REPO/NAME for one from recipe repository REPO\n"
	 "  reports modified, missing and extra files; exit status 1 if any\n", CMD_ARGS_INSTALLED},
	{"check", "check that ELF files keep a target's ABI promise", cmd_check,
	 "[--json] [--sysroot DIR] TARGET FILE...\n"
	 "  TARGET        a target name or a path to a target .ini file (its recipes\n"
	 "                need not resolve)\n"
	 "  FILE          executables or shared libraries, built by anything\n"
	 "  --json        machine-readable output\n"
	 "  --sysroot DIR look DT_NEEDED libraries up in DIR (default: the\n"
	 "                installed target's sysroot)\n"
	 "  checks ELF class, byte order, machine, ABI flags, PT_INTERP, DT_NEEDED,\n"
	 "  GLIBC_/GLIBCXX_/CXXABI_ versions, the C++ library and the ABI note's\n"
	 "  kernel; exit status 1 if any check fails\n", CMD_ARGS_TARGETS | CMD_ARGS_ONE},
	{"doctor", "build, check and run probes in an installed target's env", cmd_doctor,
	 "[--json] [--keep] TARGET\n"
	 "  builds a C, a C++, a cgo (C + C++) and a pure-Go program in the\n"
	 "  target's environment, checks each with 'gotc check', runs each under\n"
	 "  qemu-user when available, and checks go version, GOTOOLCHAIN,\n"
	 "  CGO_ENABLED and GOCACHE; exit status 1 if any check fails\n"
	 "  --json        machine-readable output\n"
	 "  --keep        keep (and name) the temporary build directory\n", CMD_ARGS_INSTALLED | CMD_ARGS_ONE},
	{"repo", "add, update, list and remove recipe repositories (git)", cmd_repo,
	 "SUBCOMMAND [ARGS...]\n"
	 "  add [--ref REF] NAME URL   clone a git repository holding targets/ and\n"
	 "                             recipes/; its targets join the search path\n"
	 "  update [--force] [NAME...] fetch and fast-forward (--force: rewritten\n"
	 "                             history); files must pass lint to be used\n"
	 "  list [--json]              name, commit in use, ref, URL\n"
	 "  remove NAME...             delete repositories\n"
	 "  'gotc repo SUBCOMMAND --help' describes each one.\n", CMD_ARGS_NONE},
	{"help", "show help for a command", cmd_help, "[COMMAND]\n", CMD_ARGS_COMMANDS | CMD_ARGS_ONE},
	{"version", "print gotc's version", cmd_version, "\n", CMD_ARGS_NONE},
	{"completion", "print a bash, zsh or fish completion script", cmd_completion,
	 "SHELL\n"
	 "  SHELL         bash (. <(gotc completion bash)), zsh (source <(gotc\n"
	 "                completion zsh), after compinit) or fish (gotc completion\n"
	 "                fish | source); it completes commands, options, target\n"
	 "                names and installed instances\n", CMD_ARGS_SHELLS | CMD_ARGS_ONE},
	{NULL, NULL, NULL, NULL, CMD_ARGS_NONE},
};

const struct cmd *cli_find(const char *name)
{
	for (const struct cmd *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_usage(FILE *f, const struct cmd *c)
{
	fprintf(f, "gotc %s: %s.\n\n", c->name, c->summary);
	fprintf(f, "usage: gotc %s %s", c->name, c->usage);
}

static void main_usage(FILE *f)
{
	fprintf(f, "usage: gotc [--home DIR] [-v|-q] COMMAND [ARGS...]\n\n"
		   "Provision Go + cgo cross-compilation toolchains from target files.\n\n"
		   "Commands:\n");
	for (const struct cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nGlobal options:\n"
		   "  --home DIR    use DIR as GOTC_HOME (store and installed targets)\n"
		   "  -v, --verbose more detail; -q, --quiet no progress\n"
		   "  --version     print the version\n"
		   "  -h, --help    this help; 'gotc help COMMAND' or 'gotc COMMAND --help'\n\n"
		   "Exit status: 0 ok, 1 operation failed, 2 usage or recipe error.\n"
		   "See gotc(1) and gotc-recipe(5).\n");
}

int cli_error(struct cli *cli, int rc)
{
	if (!rc)
		return EXIT_OK;
	const char *detail = cli->h.err == rc && cli->h.errbuf[0] ? cli->h.errbuf : gotc_strerror(rc);
	cli_progress_clear(cli);
	/* Recipe errors are already FILE:LINE: message. */
	if (rc == GOTC_ERECIPE)
		fprintf(stderr, "%s\n", detail);
	else
		fprintf(stderr, "%sgotc:%s %s\n", cli_color(cli, stderr, CLI_ERR),
			cli_color(cli, stderr, CLI_RESET), detail);
	return rc == GOTC_ERECIPE || rc == GOTC_EUSAGE || rc == GOTC_ENOTARGET ? EXIT_USAGE : EXIT_FAIL;
}


bool cli_wants_help(const struct cmd *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_usage(stdout, c);
			return true;
		}
	}
	return false;
}

int cli_json_only(const struct cmd *c, int argc, char **argv, bool *json)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	int o;
	*json = false;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'j')
			return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		*json = true;
	}
	if (optind < argc)
		return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
	return -1;
}

int cli_jobs(struct cli *cli, const struct cmd *c, const char *arg)
{
	char *end;
	long j = strtol(arg, &end, 10);
	if (*end || j < 1 || j > 16)
		return cli_usage_error(c, "--jobs takes a number from 1 to 16, not '%s'", arg);
	cli->h.jobs = (int)j;
	return 0;
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void json_open(FILE *f, const char *name)
{
	fprintf(f, "{\"schema\": \"gotc-%s/%d\"", name, GOTC_JSON_SCHEMA);
}

/* "no command NAME", with the nearest command name. */
static int no_command(const char *who, const char *name, const char *see)
{
	const char *names[sizeof(cli_commands) / sizeof(cli_commands[0])] = {NULL};
	size_t n = 0;
	for (const struct cmd *c = cli_commands; c->name; c++)
		names[n++] = c->name;
	const char *sug = str_nearest(name, names, n);
	if (sug)
		fprintf(stderr, "%s: no command '%s' (did you mean '%s'? see '%s')\n", who, name, sug, see);
	else
		fprintf(stderr, "%s: no command '%s' (see '%s')\n", who, name, see);
	return EXIT_USAGE;
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc < 2) {
		main_usage(stdout);
		return EXIT_OK;
	}
	const struct cmd *c = cli_find(argv[1]);
	if (!c)
		return no_command("gotc help", argv[1], "gotc help");
	cli_usage(stdout, c);
	return EXIT_OK;
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	printf("gotc %s\n", GOTC_VERSION);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cli cli;
	const char *home = NULL;
	int o;
	/* install's worker processes (install_worker.c): a mode, not a command */
	if (argc == 2 && strcmp(argv[1], "--worker") == 0)
		return install_worker_main();
	memset(&cli, 0, sizeof(cli));
	cli.argv0 = argv[0];
	cli.repo_instance = cli_repo_instance;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "+vqh", opts, NULL)) != -1) {
		switch (o) {
		case 'H': home = cli.home_opt = optarg; break;
		case 'v': cli.verbose++; break;
		case 'q': cli.quiet = 1; break;
		case 'V': printf("gotc %s\n", GOTC_VERSION); return EXIT_OK;
		case 'h': main_usage(stdout); return EXIT_OK;
		default:
			fprintf(stderr, "gotc: unknown option '%s' (see 'gotc --help')\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	const struct cmd *c = cli_find(argv[optind]);
	if (!c)
		return no_command("gotc", argv[optind], "gotc --help");
	argc -= optind;
	argv += optind;
	int ux = c->run == cmd_repo ? 0 : cli_strip_global(&cli, &home, &argc, argv, c->run == cmd_exec);
	if (ux)
		return ux;
	/* repo has subcommands, each with its own --help. */
	if (c->run != cmd_repo && cli_wants_help(c, argc, argv))
		return EXIT_OK;
	cli.exe_dir = exe_dir();
	int rc = gotc_init(&cli.h, home, cli.exe_dir);
	int ex;
	if (rc) {
		ex = cli_error(&cli, rc);
	} else {
		cli_color_init(&cli);
		cli_progress_init(&cli);
		optind = 1;
		ex = c->run(&cli, argc, argv);
		cli_progress_done(&cli);
	}
	gotc_free(&cli.h);
	free(cli.exe_dir);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gotc: write error on standard output: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	return ex;
}
