/* cli.h - the front end: command table, option helpers, output. */
#ifndef GOTC_CLI_H
#define GOTC_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "gotc.h"

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli {
	gotc_t h;
	int verbose; /* -v count */
	int quiet;
	bool tty;    /* stderr is a terminal */
	bool live;   /* ... and TERM is not dumb: live progress, cursor codes */
	bool color_out, color_err; /* colours on stdout / stderr (TTY, no NO_COLOR) */
	const char *home_opt; /* --home as given, for the hints gotc prints */
	const char *argv0;
	char *exe_dir;
	void *progress; /* cli_progress state */
	/* REPO/NAME to the installed instance that came from REPO: -1 with
	 * *out malloc'd, else the exit status of the error printed.  Set by
	 * gotc-core (cli_instance.c); the light front end leaves it NULL, and its
	 * env and exec then answer CLI_HANDOFF: gotc-core takes the command. */
	int (*repo_instance)(struct cli *cli, const char *cmd, const char *name, char **out);
};
#define CLI_HANDOFF (-2)

struct cmd {
	const char *name;
	const char *summary;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage; /* options and operands, multi-line */
	int args;	   /* its operands, for completion: CMD_ARGS_* */
};
/* What a command's operands are (gotc completion): names of the targets on
 * the search path, of installed instances, of commands, of shells; with
 * CMD_ARGS_ONE only the first operand is one, the rest are files. */
enum {
	CMD_ARGS_NONE,
	CMD_ARGS_TARGETS,
	CMD_ARGS_INSTALLED,
	CMD_ARGS_COMMANDS,
	CMD_ARGS_SHELLS,
	CMD_ARGS_TOOLS, /* gotc which: a tool, then an installed instance */
	CMD_ARGS_ONE = 0x100,
};

extern const struct cmd cli_commands[];
const struct cmd *cli_find(const char *name);
void cli_usage(FILE *f, const struct cmd *c);

/* Print the handle's error as "gotc: detail" and map it to an exit code. */
int cli_error(struct cli *cli, int rc);
/* "gotc CMD: msg" + "see 'gotc CMD --help'", returns EXIT_USAGE (cli_usage.c). */
int cli_usage_errorv(const char *cmd, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int cli_usage_error(const struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usage error for a path or REPO/NAME where an installed target's name
 * is wanted, naming the name to use (cli_usage.c). */
int cli_not_a_name(const char *cmd, const char *arg);
/* Whether arg reads REPO/NAME (one '/', no .ini, no leading '.' or '-'). */
bool cli_repo_name_form(const char *arg);
/* The instance env and exec use for name (REPO/NAME resolved, a path
 * refused): -1 with *owned set when resolved (free it), else an exit
 * status or CLI_HANDOFF. */
int cli_env_name(struct cli *cli, const char *cmd, const char **name, char **owned);
/* One policy for the global options (--home DIR, -v, -q): accepted before
 * the command and among its own options, up to "--" (exec: up to its
 * TARGET, since a command line follows).  cli_global_opt takes argv[*i] if
 * it is one (1; -1: --home without DIR; 0: not one); cli_strip_global
 * removes them from a command's argv (argv[0] the command), returns 0 or
 * the usage error's exit status (cli_usage.c, shared by both front ends). */
int cli_global_opt(struct cli *cli, const char **home, int argc, char **argv, int *i);
int cli_strip_global(struct cli *cli, const char **home, int *argc, char **argv, bool stop_at_operand);
/* Handle -h/--help as the only option: returns 1 if help was printed. */
bool cli_wants_help(const struct cmd *c, int argc, char **argv);

/* Parse a command that takes only --json and no operands: -1 if fine (json
 * set), else the exit status of the usage error already printed. */
int cli_json_only(const struct cmd *c, int argc, char **argv, bool *json);
/* -j/--jobs N into the handle: 0, or the usage error's exit status. */
int cli_jobs(struct cli *cli, const struct cmd *c, const char *arg);

/* The command that puts target's env in a POSIX shell, exactly runnable:
 * . "$(gotc [--home DIR] env TARGET)" (malloc'd, NULL if out of memory). */
char *cli_hint_env(const struct cli *cli, const char *target);
/* "gotc [--home DIR] ARGS" (ARGS already shell-quoted), malloc'd or NULL */
char *cli_hint_gotc(const struct cli *cli, const char *args);

/* JSON string literal on f. */
void json_str(FILE *f, const char *s);
/* The opening of a --json document: {"schema": "gotc-NAME/N" (the caller
 * goes on with ", \"key\": ..."). */
void json_open(FILE *f, const char *name);

/* Event rendering (cli_progress.c). */
void cli_progress_init(struct cli *cli);
/* Erase the live region before printing anything else on the terminal. */
void cli_progress_clear(struct cli *cli);
/* The same figures for install --json; false when it had nothing to do. */
struct cli_stats {
	double seconds;
	uint64_t fetched, cached, stored; /* bytes */
};
bool cli_progress_stats(struct cli *cli, struct cli_stats *st);
/* "in 25.9 s: 127 MiB fetched, 676 MiB in the store" for the install that
 * just ran; false when it had nothing to do. */
bool cli_progress_summary(struct cli *cli, char *out, size_t n);
void cli_progress_done(struct cli *cli);
/* 1536 -> "1.5 KiB" */
void cli_human(char *out, size_t n, double bytes);

/* Colours (cli_color.c): on a terminal unless NO_COLOR is set or TERM=dumb;
 * cli_color returns the escape sequence for f, or "". */
enum cli_colour { CLI_RESET, CLI_OK, CLI_FAIL, CLI_WARN, CLI_ERR, CLI_BOLD };
void cli_color_init(struct cli *cli);
const char *cli_color(const struct cli *cli, FILE *f, enum cli_colour c);

char **cli_target_names(gotc_t *h);

/* --go VERSION (NULL: none): copy the n TARGET operands, as TARGET@goVERSION,
 * into *out (NULL-terminated, strv_free).  -1 if fine, else the exit status
 * of the error already printed (a bad version, an operand that is already an
 * instance).  cli_instance.c */
int cli_with_go(struct cli *cli, const struct cmd *c, const char *go, char **names, size_t n,
		char ***out);
/* The installed instances n operands name: NAME, or REPO/NAME when instance
 * NAME came from recipe repository REPO (its record says).  Into *out
 * (strv_free).  -1 if fine, else the exit status of the error printed (a
 * path: the name to use; not from that repository).  cli_instance.c */
int cli_installed_names(struct cli *cli, const struct cmd *c, char **args, size_t n, char ***out);
/* The same for one name, as struct cli's repo_instance (gotc-core). */
int cli_repo_instance(struct cli *cli, const char *cmd, const char *name, char **out);
/* The same with --with PKG,... (NULL: none) too: TARGET[@goVERSION]@with-PKG_PKG...
 * (the packages sorted, each once; an operand naming packages already is an
 * error). */
int cli_instances(struct cli *cli, const struct cmd *c, const char *go, const char *with, char **names,
		  size_t n, char ***out);

/* Projects (cli_project.c; gotc.ini, see project.h).  cli_project_target: the
 * instance a command means by target (NULL: the project's default target),
 * with the project's Go; without a project, target itself (NULL: a usage
 * error).  cli_project_targets: every target of the project (none: a usage
 * error).  -1 if fine (*out malloc'd, or a strv), else the exit status of
 * the error already printed. */
int cli_project_target(struct cli *cli, const char *cmd, const char *target, char **out);
int cli_project_targets(struct cli *cli, const char *cmd, char ***out);

/* check/doctor: load the target file NAME (name or path) alone, without
 * resolving its recipes, and find its sysroot: sysroot_opt, else the
 * installed $GOTC_HOME/targets/NAME/sysroot, else NULL.  Caller frees both
 * (target_free, free). */
struct target;
int cli_load_check_target(struct cli *cli, const char *name, const char *sysroot_opt,
			  struct target **t, char **sysroot);

/* Commands. */
int cmd_targets(struct cli *, int, char **);
int cmd_show(struct cli *, int, char **);
int cmd_lint(struct cli *, int, char **);
int cmd_install(struct cli *, int, char **);
int cmd_lock(struct cli *, int, char **);
int cmd_mirror(struct cli *, int, char **);
int cmd_bundle(struct cli *, int, char **);
int cmd_push(struct cli *, int, char **);
int cmd_env(struct cli *, int, char **);
int cmd_exec(struct cli *, int, char **);
int cmd_list(struct cli *, int, char **);
int cmd_remove(struct cli *, int, char **);
int cmd_gc(struct cli *, int, char **);
int cmd_verify(struct cli *, int, char **);
int cmd_check(struct cli *, int, char **);
int cmd_doctor(struct cli *, int, char **);
int cmd_repo(struct cli *, int, char **);
int cmd_help(struct cli *, int, char **);
int cmd_version(struct cli *, int, char **);
int cmd_completion(struct cli *, int, char **);
int cmd_which(struct cli *, int, char **);
int cmd_sbom(struct cli *, int, char **);

#endif
