/* env_format.c - one environment, seven file formats, every value quoted so
 * nothing in it is ever executed or expanded. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "env.h"

const char *const env_formats[] = {"sh", "fish", "json", "make", "github", "github-path", "cmake", "meson", NULL};

void quote_sh(struct buf *b, const char *s)
{
	/* '...' keeps every byte (newlines too); ' itself becomes '\'' */
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

void quote_fish(struct buf *b, const char *s)
{
	/* fish single quotes: only \\ and \' are special */
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

static void quote_json(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default:
			if (*p < 0x20)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_putc(b, (char)*p);
		}
	}
	buf_putc(b, '"');
}

/* A meson machine-file string, exactly as meson 1.0 reads it back: '...'
 * (it does not decode \' in machine files) or a raw '''...''' string when
 * the value holds a quote.  Newlines and backslashes do not survive meson's
 * machine-file reader, nor a quote at either end: returns -EINVAL for those. */
static int quote_meson(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	if (strpbrk(s, "\n\\"))
		return -EINVAL;
	if (!strchr(s, '\'')) {
		buf_putc(b, '\'');
		buf_puts(b, s);
		buf_putc(b, '\'');
		return 0;
	}
	if (s[0] == '\'' || s[n - 1] == '\'' || strstr(s, "\'\'\'"))
		return -EINVAL;
	buf_puts(b, "\'\'\'");
	buf_puts(b, s);
	buf_puts(b, "\'\'\'");
	return 0;
}

/* CMake bracket argument: [=*[ ... ]=*] with enough '=' that the first
 * closing bracket is the one we append. */
static void quote_cmake(struct buf *b, const char *s)
{
	int eq;
	for (eq = 0; eq < 64; eq++) {
		struct buf t;
		buf_init(&t);
		buf_puts(&t, s);
		size_t at = t.len;
		buf_putc(&t, ']');
		for (int i = 0; i < eq; i++)
			buf_putc(&t, '=');
		buf_putc(&t, ']');
		const char *close = t.s ? t.s + at : NULL;
		bool ok = close && strstr(t.s, close) == close;
		buf_free(&t);
		if (ok)
			break;
	}
	buf_putc(b, '[');
	for (int i = 0; i < eq; i++)
		buf_putc(b, '=');
	buf_putc(b, '[');
	if (s[0] == '\n') /* CMake drops a newline right after the bracket */
		buf_putc(b, '\n');
	buf_puts(b, s);
	buf_putc(b, ']');
	for (int i = 0; i < eq; i++)
		buf_putc(b, '=');
	buf_putc(b, ']');
}

/* What an env script records, exported so that child shells see it too:
 *   _GOTC_VARS       the variables it set, space-separated
 *   _GOTC_OLD_NAME   each one's value before (unset: there was none)
 *   _GOTC_PATH_DIRS  the directories it put first in PATH, colon-separated
 * gotc_deactivate (defined by every env script, generic) puts the old values
 * back and takes exactly those directories out of PATH; loading an env runs it
 * first, so switching targets leaves nothing of the previous one and PATH
 * never accumulates gotc directories. */
static void vars_list(const struct env *e, struct buf *b)
{
	for (size_t i = 0; i < e->n; i++)
		buf_printf(b, "%s%s", i ? " " : "", e->v[i].name);
}

static const char sh_undo[] =
	"_gotc_undo() {\n"
	"\t[ -n \"${_GOTC_VARS+x}\" ] || return 0\n"
	"\t_gotc_l=$_GOTC_VARS\n"
	"\twhile [ -n \"$_gotc_l\" ]; do\n"
	"\t\t_gotc_v=${_gotc_l%% *}\n"
	"\t\tcase $_gotc_l in *' '*) _gotc_l=${_gotc_l#* } ;; *) _gotc_l= ;; esac\n"
	"\t\tcase $_gotc_v in '' | [0-9]* | *[!A-Za-z0-9_]*) continue ;; esac\n"
	"\t\teval \"if [ -n \\\"\\${_GOTC_OLD_$_gotc_v+x}\\\" ]; then $_gotc_v=\\$_GOTC_OLD_$_gotc_v; "
	"export $_gotc_v; unset _GOTC_OLD_$_gotc_v; else unset $_gotc_v; fi\"\n"
	"\tdone\n"
	"\t_gotc_l=$PATH: _gotc_p=\n"
	"\twhile [ -n \"$_gotc_l\" ]; do\n"
	"\t\t_gotc_d=${_gotc_l%%:*} _gotc_l=${_gotc_l#*:}\n"
	"\t\tcase :$_GOTC_PATH_DIRS: in *\":$_gotc_d:\"*) ;; *) _gotc_p=$_gotc_p${_gotc_p:+:}$_gotc_d ;; esac\n"
	"\tdone\n"
	"\tPATH=$_gotc_p; export PATH\n"
	"\tunset _GOTC_VARS _GOTC_PATH_DIRS _gotc_l _gotc_v _gotc_d _gotc_p\n"
	"}\n";

static void fmt_sh(const struct env *e, struct buf *b)
{
	buf_puts(b, "# gotc environment for target ");
	buf_puts(b, e->target);
	buf_puts(b, "; load it with:  . \"$(gotc env TARGET)\"; undo: gotc_deactivate\n"
		    "# Every value is single-quoted: nothing here is expanded or executed.\n");
	buf_puts(b, sh_undo);
	buf_puts(b, "_gotc_undo\n");
	/* Save what was there before, for gotc_deactivate. */
	for (size_t i = 0; i < e->n; i++)
		buf_printf(b, "if [ -n \"${%1$s+x}\" ]; then _GOTC_OLD_%1$s=$%1$s; export _GOTC_OLD_%1$s; "
			      "else unset _GOTC_OLD_%1$s; fi\n",
			   e->v[i].name);
	for (size_t i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].name, "GOCACHE") == 0 && e->gocache_dir) {
			/* gotc's own text, not recipe data: the one deliberate expansion */
			buf_puts(b, "if [ -w ");
			quote_sh(b, e->gocache_dir);
			buf_puts(b, " ]; then GOCACHE=");
			quote_sh(b, e->v[i].value);
			buf_puts(b, "; else GOCACHE=\"${XDG_CACHE_HOME:-$HOME/.cache}\"/gotc/gocache/");
			quote_sh(b, e->gocache_leaf);
			buf_puts(b, "; fi; export GOCACHE\n");
			continue;
		}
		buf_printf(b, "%s=", e->v[i].name);
		quote_sh(b, e->v[i].value);
		buf_printf(b, "; export %s\n", e->v[i].name);
	}
	struct buf t;
	buf_init(&t);
	vars_list(e, &t);
	buf_puts(b, "_GOTC_VARS=");
	quote_sh(b, t.s ? t.s : "");
	buf_puts(b, "; export _GOTC_VARS\n_GOTC_PATH_DIRS=");
	buf_free(&t);
	buf_init(&t);
	for (size_t i = 0; e->path_prepend[i]; i++)
		buf_printf(&t, "%s%s", i ? ":" : "", e->path_prepend[i]);
	quote_sh(b, t.s ? t.s : "");
	buf_free(&t);
	buf_puts(b, "; export _GOTC_PATH_DIRS\nPATH=");
	for (size_t i = 0; e->path_prepend[i]; i++) {
		quote_sh(b, e->path_prepend[i]);
		buf_putc(b, ':');
	}
	buf_puts(b, "$PATH; export PATH\n"
		    "gotc_deactivate() { _gotc_undo; unset -f gotc_deactivate _gotc_undo; }\n");
}

static const char fish_undo[] =
	"function _gotc_undo\n"
	"    set -q _GOTC_VARS; or return 0\n"
	"    for _gotc_v in (string split ' ' -- $_GOTC_VARS)\n"
	"        string match -qr '^[A-Za-z_][A-Za-z0-9_]*$' -- $_gotc_v; or continue\n"
	"        set -l _gotc_o _GOTC_OLD_$_gotc_v\n"
	"        if set -q $_gotc_o\n"
	"            set -gx $_gotc_v $$_gotc_o\n"
	"            set -e -g $_gotc_o\n"
	"        else\n"
	"            set -e -g $_gotc_v\n"
	"        end\n"
	"    end\n"
	"    set -l _gotc_dirs (string split ':' -- $_GOTC_PATH_DIRS)\n"
	"    set -l _gotc_p\n"
	"    for _gotc_d in $PATH\n"
	"        contains -- $_gotc_d $_gotc_dirs; or set -a _gotc_p $_gotc_d\n"
	"    end\n"
	"    set -gx PATH $_gotc_p\n"
	"    set -e -g _GOTC_VARS\n"
	"    set -e -g _GOTC_PATH_DIRS\n"
	"end\n";

static void fmt_fish(const struct env *e, struct buf *b)
{
	buf_puts(b, "# gotc environment for target ");
	buf_puts(b, e->target);
	buf_puts(b, "; load it with:  gotc env --format=fish TARGET | source\n"
		    "# (or: source (gotc env --fish TARGET)); undo: gotc_deactivate\n");
	buf_puts(b, fish_undo);
	buf_puts(b, "_gotc_undo\n");
	for (size_t i = 0; i < e->n; i++)
		buf_printf(b, "if set -q %1$s; set -gx _GOTC_OLD_%1$s $%1$s; else; set -e -g _GOTC_OLD_%1$s; end\n",
			   e->v[i].name);
	for (size_t i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].name, "GOCACHE") == 0 && e->gocache_dir) {
			buf_puts(b, "if test -w ");
			quote_fish(b, e->gocache_dir);
			buf_puts(b, "\n    set -gx GOCACHE ");
			quote_fish(b, e->v[i].value);
			buf_puts(b, "\nelse if string match -q '/*' -- \"$XDG_CACHE_HOME\"\n"
				    "    set -gx GOCACHE \"$XDG_CACHE_HOME\"/gotc/gocache/");
			quote_fish(b, e->gocache_leaf);
			buf_puts(b, "\nelse\n    set -gx GOCACHE \"$HOME\"/.cache/gotc/gocache/");
			quote_fish(b, e->gocache_leaf);
			buf_puts(b, "\nend\n");
			continue;
		}
		buf_printf(b, "set -gx %s ", e->v[i].name);
		quote_fish(b, e->v[i].value);
		buf_putc(b, '\n');
	}
	struct buf t;
	buf_init(&t);
	vars_list(e, &t);
	buf_puts(b, "set -gx _GOTC_VARS ");
	quote_fish(b, t.s ? t.s : "");
	buf_free(&t);
	buf_init(&t);
	for (size_t i = 0; e->path_prepend[i]; i++)
		buf_printf(&t, "%s%s", i ? ":" : "", e->path_prepend[i]);
	buf_puts(b, "\nset -gx _GOTC_PATH_DIRS ");
	quote_fish(b, t.s ? t.s : "");
	buf_free(&t);
	buf_puts(b, "\nset -gx PATH");
	for (size_t i = 0; e->path_prepend[i]; i++) {
		buf_putc(b, ' ');
		quote_fish(b, e->path_prepend[i]);
	}
	buf_puts(b, " $PATH\n"
		    "function gotc_deactivate --description 'undo the gotc env loaded last'\n"
		    "    _gotc_undo\n    functions -e gotc_deactivate _gotc_undo\nend\n");
}

static void fmt_json(const struct env *e, struct buf *b)
{
	buf_printf(b, "{\n  \"schema\": \"gotc-env/%d\",\n  \"target\": ", GOTC_JSON_SCHEMA);
	quote_json(b, e->target);
	buf_puts(b, ",\n  \"path_prepend\": [");
	for (size_t i = 0; e->path_prepend[i]; i++) {
		buf_puts(b, i ? ", " : "");
		quote_json(b, e->path_prepend[i]);
	}
	buf_puts(b, "],\n  \"env\": {\n");
	for (size_t i = 0; i < e->n; i++) {
		buf_puts(b, "    ");
		quote_json(b, e->v[i].name);
		buf_puts(b, ": ");
		quote_json(b, e->v[i].value);
		buf_puts(b, i + 1 < e->n ? ",\n" : "\n");
	}
	buf_puts(b, "  }\n}\n");
}

static void make_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '$')
			buf_puts(b, "$$");
		else
			buf_putc(b, *s);
	}
}

static bool make_definable(const char *v)
{
	for (const char *line = v;;) {
		size_t n = strcspn(line, "\n");
		const char *w = line;
		while (w < line + n && (*w == ' ' || *w == '\t'))
			w++;
		size_t wl = (size_t)(line + n - w);
		if ((wl >= 5 && strncmp(w, "endef", 5) == 0) || (wl >= 6 && strncmp(w, "define", 6) == 0) ||
		    (wl >= 8 && strncmp(w, "override", 8) == 0) || (n && line[n - 1] == '\\'))
			return false;
		if (!line[n])
			return true;
		line += n + 1;
	}
}

static void fmt_make(const struct env *e, struct buf *b)
{
	buf_puts(b, "# gotc environment for target ");
	buf_puts(b, e->target);
	buf_puts(b, "; use it with:  include path/to/this.mk\n");
	/* define/endef keeps '#', blanks and newlines literal; '$' is doubled.
	 * A line that make would read as the block's own define/endef, or a
	 * trailing backslash, cannot be kept: such a value is left out. */
	for (size_t i = 0; i < e->n; i++) {
		if (!make_definable(e->v[i].value)) {
			buf_printf(b, "# %s omitted: a line of its value reads as make syntax "
				      "(define/endef or a trailing backslash)\n",
				   e->v[i].name);
			continue;
		}
		buf_printf(b, "define %s\n", e->v[i].name);
		make_escape(b, e->v[i].value);
		buf_printf(b, "\nendef\nexport %s\n", e->v[i].name);
	}
	buf_puts(b, "define _GOTC_PATH_PREPEND\n");
	for (size_t i = 0; e->path_prepend[i]; i++) {
		make_escape(b, e->path_prepend[i]);
		buf_putc(b, ':');
	}
	buf_puts(b, "\nendef\nPATH := $(_GOTC_PATH_PREPEND)$(PATH)\nexport PATH\n");
}

/* $GITHUB_ENV: only NAME<<DELIM heredoc entries (the runner rejects any
 * other line, comments included), with a delimiter the value does not hold. */
static void fmt_github(const struct env *e, struct buf *b)
{
	for (size_t i = 0; i < e->n; i++) {
		char hex[65], delim[64];
		sha256_hex(e->v[i].value, strlen(e->v[i].value), hex);
		for (size_t k = 16; k <= 64; k += 8) {
			snprintf(delim, sizeof(delim), "GOTC_EOF_%.*s", (int)k, hex);
			if (!strstr(e->v[i].value, delim))
				break;
		}
		buf_printf(b, "%s<<%s\n", e->v[i].name, delim);
		buf_puts(b, e->v[i].value);
		buf_printf(b, "\n%s\n", delim);
	}
}

/* $GITHUB_PATH: one directory a line; the runner puts the last line first,
 * so the directory that must come first is written last. */
static void fmt_github_path(const struct env *e, struct buf *b)
{
	size_t n = 0;
	while (e->path_prepend[n])
		n++;
	while (n-- > 0)
		buf_printf(b, "%s\n", e->path_prepend[n]);
}

static const char *cmake_processor(const struct arch_info *a)
{
	if (strcmp(a->name, "armv7") == 0)
		return "armv7";
	if (strcmp(a->name, "arm64") == 0)
		return "aarch64";
	if (strcmp(a->name, "mips64le") == 0)
		return "mips64el";
	return a->name;
}

static void fmt_cmake(const struct env *e, struct buf *b)
{
	buf_puts(b, "# gotc CMake toolchain file for target ");
	buf_puts(b, e->target);
	buf_puts(b, "\n# use it with:  cmake -DCMAKE_TOOLCHAIN_FILE=this.cmake\n"
		    "set(CMAKE_SYSTEM_NAME Linux)\nset(CMAKE_SYSTEM_PROCESSOR ");
	buf_puts(b, cmake_processor(e->arch));
	buf_puts(b, ")\nset(CMAKE_SYSROOT ");
	quote_cmake(b, e->sysroot);
	buf_puts(b, ")\nset(CMAKE_C_COMPILER ");
	quote_cmake(b, e->cc);
	buf_puts(b, ")\nset(CMAKE_CXX_COMPILER ");
	quote_cmake(b, e->cxx);
	buf_puts(b, ")\nset(CMAKE_AR ");
	quote_cmake(b, e->ar);
	buf_puts(b, " CACHE FILEPATH \"gotc archiver\")\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)\n");
	for (size_t i = 0; i < e->n; i++) {
		buf_printf(b, "set(ENV{%s} ", e->v[i].name);
		quote_cmake(b, e->v[i].value);
		buf_puts(b, ")\n");
	}
}

static const char *meson_cpu_family(const struct arch_info *a)
{
	if (strcmp(a->name, "arm64") == 0)
		return "aarch64";
	if (strcmp(a->name, "armv7") == 0)
		return "arm";
	if (strcmp(a->name, "mips64le") == 0)
		return "mips64";
	return a->name;
}

/* A value that must be written (paths gotc makes): '' if not representable. */
static void meson_value(struct buf *b, const char *s)
{
	struct buf v;
	buf_init(&v);
	if (quote_meson(&v, s) < 0)
		buf_puts(b, "''");
	else
		buf_puts(b, v.s ? v.s : "''");
	buf_free(&v);
}

static void meson_array(struct buf *b, const char *flags)
{
	char **w = strv_split(flags);
	buf_putc(b, '[');
	for (size_t i = 0; w && w[i]; i++) {
		buf_puts(b, i ? ", " : "");
		if (quote_meson(b, w[i]) < 0)
			buf_puts(b, "''");
	}
	buf_puts(b, "]\n");
	strv_free(w);
}

static void fmt_meson(const struct env *e, struct buf *b)
{
	buf_puts(b, "# gotc meson cross file for target ");
	buf_puts(b, e->target);
	buf_puts(b, "\n# use it with:  meson setup --cross-file this.ini builddir\n[binaries]\nc = ");
	meson_value(b, e->cc);
	buf_puts(b, "\ncpp = ");
	meson_value(b, e->cxx);
	buf_puts(b, "\nar = ");
	meson_value(b, e->ar);
	buf_puts(b, "\npkg-config = 'pkg-config'\n\n[built-in options]\nc_args = ");
	meson_array(b, env_get(e, "CGO_CFLAGS"));
	buf_puts(b, "cpp_args = ");
	meson_array(b, env_get(e, "CGO_CXXFLAGS"));
	buf_puts(b, "c_link_args = ");
	meson_array(b, env_get(e, "CGO_LDFLAGS"));
	buf_puts(b, "cpp_link_args = ");
	meson_array(b, env_get(e, "CGO_LDFLAGS"));
	buf_puts(b, "pkg_config_path = ''\n\n[properties]\nsys_root = ");
	meson_value(b, e->sysroot);
	buf_puts(b, "\npkg_config_libdir = ");
	meson_value(b, e->pkgconfig_libdir);
	buf_putc(b, '\n');
	for (size_t i = 0; i < e->n; i++) {
		struct buf v;
		buf_init(&v);
		if (quote_meson(&v, e->v[i].value) < 0)
			buf_printf(b, "# gotc_env_%s omitted: meson machine files cannot hold its "
				      "value exactly (newline, backslash, or a quote at an end)\n",
				   e->v[i].name);
		else
			buf_printf(b, "gotc_env_%s = %s\n", e->v[i].name, v.s ? v.s : "''");
		buf_free(&v);
	}
	buf_puts(b, "\n[host_machine]\nsystem = 'linux'\ncpu_family = ");
	meson_value(b, meson_cpu_family(e->arch));
	buf_puts(b, "\ncpu = ");
	meson_value(b, cmake_processor(e->arch));
	buf_printf(b, "\nendian = '%s'\n", strcmp(e->arch->name, "mips64") == 0 ? "big" : "little");
}

/* NUL-separated NAME=VALUE records for gotc exec; "+PATH=DIR" prepends. */
static void fmt_nul(const struct env *e, struct buf *b)
{
	for (size_t i = 0; i < e->n; i++) {
		buf_printf(b, "%s=", e->v[i].name);
		buf_puts(b, e->v[i].value);
		buf_putc(b, '\0');
	}
	for (size_t i = 0; e->path_prepend[i]; i++) {
		buf_printf(b, "+PATH=%s", e->path_prepend[i]);
		buf_putc(b, '\0');
	}
}

int env_format(const struct env *e, const char *format, struct buf *b)
{
	static const struct {
		const char *name;
		void (*fn)(const struct env *, struct buf *);
	} fmts[] = {{"sh", fmt_sh},	    {"fish", fmt_fish},	  {"json", fmt_json},
		    {"make", fmt_make},	    {"github", fmt_github}, {"github-path", fmt_github_path},
		    {"cmake", fmt_cmake},
		    {"meson", fmt_meson},   {"nul", fmt_nul}};
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if (strcmp(fmts[i].name, format) == 0) {
			fmts[i].fn(e, b);
			return b->oom ? -1 : 0;
		}
	return GOTC_EUSAGE;
}
