/* cmd_completion.c - gotc completion SHELL: a bash, zsh or fish completion
 * script, generated from the command table (cli_main.c): the commands and
 * their summaries, each command's options as its usage text spells them, and
 * what its operands are (struct cmd's args).  Target names and installed
 * instances are asked of gotc when completing: gotc completion --names KIND. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "env.h"
#include "sbom.h"
#include "store.h"
#include "util.h"

/* Global options (cli_usage.c), the ones taking a value first. */
static const char *const global_valued[] = {"--home", NULL};
static const char *const global_flags[] = {"-v", "--verbose", "-q", "--quiet", "--version",
					   "-h", "--help", NULL};

/* The values of a command's --format (the core's own tables). */
static const struct {
	const char *cmd;
	const char *const *values;
} format_values[] = {{"env", env_formats}, {"sbom", sbom_formats}};

static const char *const *formats_of(const char *cmd)
{
	for (size_t i = 0; i < sizeof(format_values) / sizeof(format_values[0]); i++)
		if (strcmp(format_values[i].cmd, cmd) == 0)
			return format_values[i].values;
	return NULL;
}

struct opts {
	char **all;    /* every option of the command, with --help */
	char **valued; /* those taking a value: "-j N", "--locked FILE" */
};

static bool has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Whether the line holding p (in usage text u) quotes another command
 * ("gotc install --from-bundle FILE" in bundle's text). */
static bool other_command(const char *u, const char *p, const char *self)
{
	const char *line = p;
	while (line > u && line[-1] != '\n')
		line--;
	const char *g = NULL;
	for (const char *s = line; s + 5 <= p; s++)
		if (strncmp(s, "gotc ", 5) == 0)
			g = s + 5;
	size_t n = strlen(self);
	return g && !(strncmp(g, self, n) == 0 && g[n] == ' ');
}

/* The options a usage text names: "-x" or "--long" after a blank, '[', '|'
 * or ',' and before a blank, ',', ']', '|' or '=' ("--long=" when it reads
 * --long=VALUE); valued when an operand in capitals other than the
 * command's own (TARGET, COMMAND) follows ("--locked FILE", "-j N"). */
static int usage_opts(const char *name_of_cmd, const char *u, struct opts *o)
{
	int rc = 0;
	for (const char *p = u; *p && !rc; p++) {
		if (*p != '-' || (p > u && !strchr(" \t\n[|,", p[-1])))
			continue;
		const char *q = p + 1;
		if (*q == '-')
			q++;
		if (!isalpha((unsigned char)*q))
			continue;
		while (isalnum((unsigned char)*q) || *q == '-')
			q++;
		if (*q == '=')
			q++;
		else if (*q && !strchr(" ,]|\n", *q))
			continue; /* prose: "without --format:" */
		if (other_command(u, p, name_of_cmd)) {
			p = q - 1;
			continue;
		}
		char *name = str_ndup(p, (size_t)(q - p));
		bool valued = q[0] == ' ' && isupper((unsigned char)q[1]) &&
			      strncmp(q + 1, "TARGET", 6) != 0 && strncmp(q + 1, "COMMAND", 7) != 0;
		if (!name)
			rc = -1;
		else if (!has(o->all, name) && strv_push(&o->all, name))
			rc = -1;
		else if (valued && !has(o->valued, name) && strv_push(&o->valued, name))
			rc = -1;
		free(name);
		p = q - 1;
	}
	if (!rc && !has(o->all, "--help"))
		rc = strv_push(&o->all, "--help");
	return rc;
}

static void opts_free(struct opts *o)
{
	strv_free(o->all);
	strv_free(o->valued);
}

static const char *kind_name(int args)
{
	switch (args & ~CMD_ARGS_ONE) {
	case CMD_ARGS_TARGETS: return "targets";
	case CMD_ARGS_INSTALLED: return "installed";
	case CMD_ARGS_COMMANDS: return "commands";
	case CMD_ARGS_SHELLS: return "shells";
	case CMD_ARGS_TOOLS: return "tools";
	default: return "";
	}
}

static void words(FILE *f, char *const *v)
{
	for (size_t i = 0; v && v[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", v[i]);
}

static void commands(FILE *f)
{
	for (const struct cmd *c = cli_commands; c->name; c++)
		fprintf(f, "%s%s", c == cli_commands ? "" : " ", c->name);
}

static void globals(FILE *f, bool valued_only)
{
	words(f, (char *const *)global_valued);
	if (!valued_only) {
		fputc(' ', f);
		words(f, (char *const *)global_flags);
	}
}

/* bash and zsh: one case line a command, setting o (its options), v (those
 * taking a value), f (the values of its --format), k (what its operands are)
 * and one (only the first is) */
static int case_lines(FILE *f)
{
	fprintf(f, "\tcase $cmd in\n");
	for (const struct cmd *c = cli_commands; c->name; c++) {
		struct opts o = {0};
		if (usage_opts(c->name, c->usage, &o)) {
			opts_free(&o);
			return -1;
		}
		fprintf(f, "\t%s) o=\"", c->name);
		words(f, o.all);
		fprintf(f, "\"; v=\"");
		words(f, o.valued);
		fprintf(f, "\"; f=\"");
		words(f, (char *const *)formats_of(c->name));
		fprintf(f, "\"; k=%s; one=%s ;;\n", kind_name(c->args), c->args & CMD_ARGS_ONE ? "1" : "");
		opts_free(&o);
	}
	fprintf(f, "\tesac\n");
	return 0;
}

/* The bash and zsh scripts share one shape: find the command word (global
 * options and --home's value skipped), count its operands (valued options'
 * values skipped), then complete an option, an option's value (a file), or
 * the operand as args says. */
static int gen_bash(FILE *f)
{
	fprintf(f, "# bash completion for gotc (generated by: gotc completion bash)\n"
		   "# load it: . <(gotc completion bash), or save it as\n"
		   "# ~/.local/share/bash-completion/completions/gotc\n"
		   "_gotc() {\n"
		   "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		   "\tlocal i=1 cmd= home= o= v= f= k= one= nops=0\n"
		   "\twhile ((i < COMP_CWORD)); do\n"
		   "\t\tcase ${COMP_WORDS[i]} in\n"
		   "\t\t--home) home=${COMP_WORDS[i+1]}; ((i++)) ;;\n"
		   "\t\t-*) ;;\n"
		   "\t\t*) cmd=${COMP_WORDS[i]}; break ;;\n"
		   "\t\tesac\n"
		   "\t\t((i++))\n"
		   "\tdone\n"
		   "\tif [[ -z $cmd ]]; then\n"
		   "\t\tif [[ $prev == --home ]]; then COMPREPLY=($(compgen -d -- \"$cur\"))\n"
		   "\t\telif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"");
	globals(f, false);
	fprintf(f, "\" -- \"$cur\"))\n"
		   "\t\telse COMPREPLY=($(compgen -W \"");
	commands(f);
	fprintf(f, "\" -- \"$cur\")); fi\n"
		   "\t\treturn\n"
		   "\tfi\n");
	if (case_lines(f))
		return -1;
	/* --format's values: "--format=VALUE" is one word, or three when '=' is
	 * in COMP_WORDBREAKS (then readline completes what follows the '=') */
	fprintf(f, "\tif [[ -n $f ]]; then\n"
		   "\t\tif [[ $cur == --format=* ]]; then COMPREPLY=($(compgen -P --format= -W \"$f\" -- \"${cur#--format=}\")); return\n"
		   "\t\telif [[ $cur == = && $prev == --format ]]; then COMPREPLY=($(compgen -W \"$f\")); return\n"
		   "\t\telif [[ $prev == --format || ($prev == = && ${COMP_WORDS[COMP_CWORD-2]} == --format) ]]; then\n"
		   "\t\t\tCOMPREPLY=($(compgen -W \"$f\" -- \"$cur\")); return\n"
		   "\t\tfi\n"
		   "\tfi\n"
		   "\tfor ((i++; i < COMP_CWORD; i++)); do\n"
		   "\t\tcase \" $v --home \" in *\" ${COMP_WORDS[i]} \"*) ((i++)); continue ;; esac\n"
		   "\t\t[[ ${COMP_WORDS[i]} == = ]] && { ((i++)); continue; }\n"
		   "\t\t[[ ${COMP_WORDS[i]} == -* ]] || ((nops++))\n"
		   "\tdone\n"
		   "\tif [[ \" $v --home \" == *\" $prev \"* ]]; then COMPREPLY=($(compgen -f -- \"$cur\"))\n"
		   "\telif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$o\" -- \"$cur\"))\n"
		   "\telif [[ -n $one && $nops -gt 0 ]]; then COMPREPLY=($(compgen -f -- \"$cur\"))\n"
		   "\telse\n"
		   "\t\tcase $k in\n"
		   "\t\ttargets|installed) COMPREPLY=($(compgen -W \"$(command gotc ${home:+--home} ${home:+\"$home\"} "
		   "completion --names $k 2>/dev/null)\" -- \"$cur\")) ;;\n"
		   "\t\tcommands) COMPREPLY=($(compgen -W \"");
	commands(f);
	fprintf(f, "\" -- \"$cur\")) ;;\n"
		   "\t\tshells) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")) ;;\n"
		   "\t\ttools) if ((nops == 0)); then COMPREPLY=($(compgen -W \"go cc c++ ar pkg-config\" -- \"$cur\"))\n"
		   "\t\t\telif ((nops == 1)); then COMPREPLY=($(compgen -W \"$(command gotc ${home:+--home} ${home:+\"$home\"} "
		   "completion --names installed 2>/dev/null)\" -- \"$cur\")); fi ;;\n"
		   "\t\tesac\n"
		   "\tfi\n"
		   "}\n"
		   "complete -F _gotc gotc\n");
	return 0;
}

static int gen_zsh(FILE *f)
{
	fprintf(f, "#compdef gotc\n"
		   "# zsh completion for gotc (generated by: gotc completion zsh)\n"
		   "# load it: source <(gotc completion zsh) after compinit, or save it as\n"
		   "# _gotc in a directory on $fpath\n"
		   "_gotc() {\n"
		   "\tlocal cur=${words[CURRENT]} prev=${words[CURRENT-1]}\n"
		   "\tlocal i=2 cmd= home= o= v= f= k= one= nops=0\n"
		   "\twhile ((i < CURRENT)); do\n"
		   "\t\tcase ${words[i]} in\n"
		   "\t\t--home) home=${words[i+1]}; ((i++)) ;;\n"
		   "\t\t-*) ;;\n"
		   "\t\t*) cmd=${words[i]}; break ;;\n"
		   "\t\tesac\n"
		   "\t\t((i++))\n"
		   "\tdone\n"
		   "\tif [[ -z $cmd ]]; then\n"
		   "\t\tif [[ $prev == --home ]]; then _files -/\n"
		   "\t\telif [[ $cur == -* ]]; then compadd -- ");
	globals(f, false);
	fprintf(f, "\n\t\telse\n"
		   "\t\t\tlocal -a cmds=(\n");
	for (const struct cmd *c = cli_commands; c->name; c++) {
		char *e = str_printf("%s:%s", c->name, c->summary);
		char *q = e ? str_shell_quote(e) : NULL;
		free(e);
		if (!q)
			return -1;
		fprintf(f, "\t\t\t\t%s\n", q);
		free(q);
	}
	fprintf(f, "\t\t\t)\n"
		   "\t\t\t_describe command cmds\n"
		   "\t\tfi\n"
		   "\t\treturn\n"
		   "\tfi\n");
	if (case_lines(f))
		return -1;
	fprintf(f, "\tif [[ -n $f && $cur == --format=* ]]; then compadd -- ${${=f}/#/--format=}; return\n"
		   "\telif [[ -n $f && $prev == --format ]]; then compadd -- ${=f}; return\n"
		   "\tfi\n"
		   "\tfor ((i++; i < CURRENT; i++)); do\n"
		   "\t\tcase \" $v --home \" in *\" ${words[i]} \"*) ((i++)); continue ;; esac\n"
		   "\t\t[[ ${words[i]} == -* ]] || ((nops++))\n"
		   "\tdone\n"
		   "\tif [[ \" $v --home \" == *\" $prev \"* ]]; then _files\n"
		   "\telif [[ $cur == -* ]]; then compadd -- ${=o}\n"
		   "\telif [[ -n $one && $nops -gt 0 ]]; then _files\n"
		   "\telse\n"
		   "\t\tcase $k in\n"
		   "\t\ttargets|installed) compadd -- ${(f)\"$(command gotc ${home:+--home} ${home:+\"$home\"} "
		   "completion --names $k 2>/dev/null)\"} ;;\n"
		   "\t\tcommands) compadd -- ");
	commands(f);
	fprintf(f, " ;;\n"
		   "\t\tshells) compadd -- bash zsh fish ;;\n"
		   "\t\ttools) if ((nops == 0)); then compadd -- go cc c++ ar pkg-config\n"
		   "\t\t\telif ((nops == 1)); then compadd -- ${(f)\"$(command gotc ${home:+--home} ${home:+\"$home\"} "
		   "completion --names installed 2>/dev/null)\"}; fi ;;\n"
		   "\t\tesac\n"
		   "\tfi\n"
		   "}\n"
		   "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
		   "\t_gotc \"$@\"\n"
		   "else\n"
		   "\tcompdef _gotc gotc\n"
		   "fi\n");
	return 0;
}

/* fish: 'text' with \ and ' escaped */
static void fish_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '\'')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static void fish_opt(FILE *f, const char *cond, const char *opt, bool valued,
		     const char *const *values)
{
	fprintf(f, "complete -c gotc -n %s", cond);
	if (opt[1] == '-') {
		size_t n = strlen(opt);
		fprintf(f, " -l %.*s", (int)(opt[n - 1] == '=' ? n - 3 : n - 2), opt + 2);
	} else {
		fprintf(f, " -s %s", opt + 1);
	}
	if (values && strncmp(opt, "--format", 8) == 0) {
		fprintf(f, " -x -a '");
		words(f, (char *const *)values);
		fprintf(f, "'\n");
		return;
	}
	fprintf(f, "%s\n", valued || opt[strlen(opt) - 1] == '=' ? " -r -F" : "");
}

static int gen_fish(FILE *f)
{
	fprintf(f, "# fish completion for gotc (generated by: gotc completion fish)\n"
		   "# load it: gotc completion fish | source, or save it as\n"
		   "# ~/.config/fish/completions/gotc.fish\n"
		   "# __gotc_cmd: the command word; __gotc_is CMD: whether it is CMD;\n"
		   "# __gotc_nops [VALUED-OPTION...]: its operands so far\n"
		   "function __gotc_words\n"
		   "\tset -l toks (commandline -opc)\n"
		   "\tset -e toks[1]\n"
		   "\tset -l skip 0\n"
		   "\tfor t in $toks\n"
		   "\t\tif test $skip = 1\n"
		   "\t\t\tset skip 0\n"
		   "\t\telse if contains -- $t $argv\n"
		   "\t\t\tset skip 1\n"
		   "\t\telse if not string match -q -- '-*' $t\n"
		   "\t\t\techo $t\n"
		   "\t\tend\n"
		   "\tend\n"
		   "end\n"
		   "function __gotc_cmd\n"
		   "\tset -l w (__gotc_words --home)\n"
		   "\ttest (count $w) -gt 0; and echo $w[1]\n"
		   "end\n"
		   "function __gotc_is\n"
		   "\tset -l c (__gotc_cmd); and test \"$c\" = $argv[1]\n"
		   "end\n"
		   "function __gotc_nops\n"
		   "\tset -l w (__gotc_words --home $argv)\n"
		   "\tmath (count $w) - 1\n"
		   "end\n"
		   "function __gotc_home\n"
		   "\tset -l toks (commandline -opc)\n"
		   "\tset -l i (contains -i -- --home $toks); and set -q toks[(math $i + 1)]\n"
		   "\tand printf '%%s\\n' --home $toks[(math $i + 1)]\n"
		   "end\n"
		   "complete -c gotc -f\n"
		   "complete -c gotc -n 'not __gotc_cmd' -l home -r -F -a '(__fish_complete_directories)'\n");
	for (size_t i = 0; global_flags[i]; i++)
		fish_opt(f, "'not __gotc_cmd'", global_flags[i], false, NULL);
	for (const struct cmd *c = cli_commands; c->name; c++) {
		fprintf(f, "complete -c gotc -n 'not __gotc_cmd' -a %s -d ", c->name);
		fish_quote(f, c->summary);
		fputc('\n', f);
	}
	for (const struct cmd *c = cli_commands; c->name; c++) {
		struct opts o = {0};
		if (usage_opts(c->name, c->usage, &o)) {
			opts_free(&o);
			return -1;
		}
		char *cond = str_printf("'__gotc_is %s'", c->name);
		char *first = str_printf("'__gotc_is %s; and test (__gotc_nops", c->name);
		if (!cond || !first) {
			free(cond);
			free(first);
			opts_free(&o);
			return -1;
		}
		for (size_t i = 0; o.all[i]; i++)
			fish_opt(f, cond, o.all[i], has(o.valued, o.all[i]), formats_of(c->name));
		/* the operands after the first, when args says ONE: files */
		const char *k = kind_name(c->args);
		bool at_first = (c->args & CMD_ARGS_ONE) || !strcmp(k, "tools");
		fprintf(f, "complete -c gotc -n %s", at_first ? first : cond);
		if (at_first) {
			for (size_t i = 0; o.valued && o.valued[i]; i++)
				fprintf(f, " %s", o.valued[i]);
			fprintf(f, ") = 0'");
		}
		if (!strcmp(k, "targets") || !strcmp(k, "installed"))
			fprintf(f, " -a '(gotc (__gotc_home) completion --names %s 2>/dev/null)'\n", k);
		else if (!strcmp(k, "commands")) {
			fprintf(f, " -a '");
			commands(f);
			fprintf(f, "'\n");
		} else if (!strcmp(k, "shells"))
			fprintf(f, " -a 'bash zsh fish'\n");
		else if (!strcmp(k, "tools"))
			fprintf(f, " -a 'go cc c++ ar pkg-config'\n"
				   "complete -c gotc -n '__gotc_is %s; and test (__gotc_nops) = 1'"
				   " -a '(gotc (__gotc_home) completion --names installed 2>/dev/null)'\n",
				c->name);
		else
			fprintf(f, "\n");
		if (c->args & CMD_ARGS_ONE) {
			fprintf(f, "complete -c gotc -n %s", first);
			for (size_t i = 0; o.valued && o.valued[i]; i++)
				fprintf(f, " %s", o.valued[i]);
			fprintf(f, ") -gt 0' -F\n");
		}
		free(cond);
		free(first);
		opts_free(&o);
	}
	return 0;
}

/* One name a line: the targets on the search path, or the installed ones. */
static int names(struct cli *cli, const char *kind)
{
	if (strcmp(kind, "targets") == 0) {
		char **v = cli_target_names(&cli->h);
		if (!v)
			return cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
		for (size_t i = 0; v[i]; i++)
			printf("%s\n", v[i]);
		strv_free(v);
		return EXIT_OK;
	}
	if (strcmp(kind, "installed") == 0) {
		struct installed *v = NULL;
		size_t n = 0;
		int rc = target_list(&cli->h, false, &v, &n);
		if (rc)
			return cli_error(cli, rc);
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].name);
		installed_free(v, n);
		return EXIT_OK;
	}
	return cli_usage_error(cli_find("completion"), "--names takes targets or installed, not '%s'", kind);
}

int cmd_completion(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("completion");
	if (argc == 3 && strcmp(argv[1], "--names") == 0)
		return names(cli, argv[2]);
	if (argc < 2)
		return cli_usage_error(c, "missing SHELL (bash, zsh or fish)");
	if (argc > 2)
		return cli_usage_error(c, "unexpected argument '%s'", argv[2]);
	int rc = strcmp(argv[1], "bash") == 0 ? gen_bash(stdout)
		 : strcmp(argv[1], "zsh") == 0	? gen_zsh(stdout)
		 : strcmp(argv[1], "fish") == 0 ? gen_fish(stdout)
						: 1;
	if (rc > 0)
		return cli_usage_error(c, "unknown shell '%s' (bash, zsh or fish)", argv[1]);
	if (rc < 0)
		return cli_error(cli, gotc_fail(&cli->h, -ENOMEM, "out of memory"));
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
