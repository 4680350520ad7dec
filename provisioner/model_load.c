/* model_load.c - recipe and target files into validated structs. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ini_strict.h"
#include "model.h"
#include "util.h"

const char *const recipe_kind_names[RK__COUNT] = {"go", "toolchain", "sysroot", "kernel"};

#define G (1u << RK_GO)
#define T (1u << RK_TOOLCHAIN)
#define S (1u << RK_SYSROOT)
#define K (1u << RK_KERNEL)
#define R(f) offsetof(struct recipe, f)
#define SRC(f) offsetof(struct source, f)
#define TG(f) offsetof(struct target, f)
#define REQ IK_REQUIRED
#define ARCHES "x86_64 arm64 armv7 mips64 mips64le riscv64"

static const struct ini_key recipe_keys[] = {
	{"recipe", "version", IT_VERSION, REQ, R(version), NULL, 0},
	{"recipe", "description", IT_STR, 0, R(description), NULL, 0},
	{"recipe", "goroot", IT_RELPATH, 0, R(goroot), NULL, G},
	{"recipe", "min_kernel", IT_VERSION, 0, R(min_kernel), NULL, G},
	{"recipe", "type", IT_ENUM, REQ, R(type), "gcc clang", T},
	{"recipe", "triple", IT_WORD, 0, R(triple), NULL, T},
	{"recipe", "libc", IT_ENUM, 0, R(libc_str), "glibc musl", T},
	{"recipe", "libc", IT_ENUM, REQ, R(libc_str), "glibc musl", S},
	{"recipe", "cc", IT_WORD, REQ, R(cc), NULL, T},
	{"recipe", "cxx", IT_WORD, 0, R(cxx), NULL, T},
	{"recipe", "ar", IT_WORD, 0, R(ar), NULL, T},
	{"recipe", "linker", IT_ENUM, 0, R(linker), "bfd lld gold", T},
	{"recipe", "libdir", IT_WORDS, 0, R(libdir), NULL, T},
	{"recipe", "bfd_arches", IT_WORDS, 0, R(bfd_arches), NULL, T},
	{"recipe", "host", IT_BOOL, 0, R(host), NULL, T},
	{"recipe", "sysroot", IT_RELPATH, 0, R(sysroot_dir), NULL, T},
	{"recipe", "host_glibc", IT_WORD, 0, R(host_glibc), NULL, T},
	{"recipe", "flags", IT_STR, 0, R(flags), NULL, T},
	{"recipe", "cxx_flags", IT_STR, 0, R(cxx_flags), NULL, T},
	{"recipe", "gcc_flags", IT_STR, 0, R(gcc_flags), NULL, S},
	{"recipe", "gcc_cxx_flags", IT_STR, 0, R(gcc_cxx_flags), NULL, S},
	{"recipe", "clang_flags", IT_STR, 0, R(clang_flags), NULL, S},
	{"recipe", "clang_cxx_flags", IT_STR, 0, R(clang_cxx_flags), NULL, S},
	{"recipe", "libc_version", IT_VERSION, REQ, R(libc_version), NULL, S},
	{"recipe", "libc_version", IT_VERSION, 0, R(libc_version), NULL, T},
	{"recipe", "glibcxx", IT_VERSION, 0, R(glibcxx), NULL, S | T},
	{"recipe", "runtime_root", IT_RELPATH, 0, R(runtime_root), NULL, S | T},
	{"recipe", "method", IT_ENUM, REQ, R(method), "package headers_install", K},
	{"recipe", "include", IT_RELPATH, 0, R(include), NULL, K | S | T},
	{"packages", "distribution", IT_WORD, REQ, R(pkg_distribution), NULL, S},
	{"packages", "suite", IT_WORD, REQ, R(pkg_suite), NULL, S},
	{"packages", "components", IT_WORDS, REQ, R(pkg_components), NULL, S},
	{"packages", "architecture", IT_WORD, REQ, R(pkg_arch), NULL, S},
	{"packages", "archive", IT_URL, REQ, R(pkg_archive), NULL, S},
	{"packages", "keyring", IT_RELPATH, REQ, R(pkg_keyring), NULL, S},
	{"source", "url", IT_URL, REQ, SRC(url), NULL, 0},
	{"source", "sha256", IT_SHA256, 0, SRC(sha256), NULL, 0},
	{"source", "sha512", IT_SHA512, 0, SRC(sha512), NULL, 0},
	{"source", "size", IT_U64, 0, SRC(size), NULL, 0},
	{"source", "host_arch", IT_ENUM, 0, SRC(host_arch), ARCHES, 0},
	{"source", "include", IT_WORDS, 0, SRC(include), NULL, 0},
	{"source", "strip", IT_U64, 0, SRC(strip), NULL, 0},
	{"source", "dest", IT_RELPATH, 0, SRC(dest), NULL, 0},
	{"source", "package", IT_WORD, 0, SRC(package), NULL, 0},
};

static const struct ini_key target_keys[] = {
	{"target", "description", IT_STR, REQ, TG(description), NULL, 0},
	{"target", "arch", IT_ENUM, REQ, TG(arch_str), ARCHES, 0},
	{"target", "libc", IT_ENUM, REQ, TG(libc_str), "glibc musl", 0},
	{"target", "libc_version", IT_VERSION, REQ, TG(libc_version), NULL, 0},
	{"target", "kernel", IT_VERSION, REQ, TG(kernel), NULL, 0},
	{"target", "cxx_stdlib", IT_ENUM, REQ, TG(cxx_stdlib), "libstdc++ libc++ none", 0},
	{"target", "glibcxx", IT_VERSION, 0, TG(glibcxx), NULL, 0},
	{"target", "cxxabi", IT_VERSION, 0, TG(cxxabi), NULL, 0},
	{"target", "link", IT_ENUM, 0, TG(link), "dynamic static", 0},
	{"target", "go_subarch", IT_WORD, 0, TG(go_subarch), NULL, 0},
	{"recipes", "go", IT_WORD, REQ, TG(recipe[TR_GO]), NULL, 0},
	{"recipes", "toolchain", IT_WORD, REQ, TG(recipe[TR_TOOLCHAIN]), NULL, 0},
	{"recipes", "sysroot", IT_WORD, 0, TG(recipe[TR_SYSROOT]), NULL, 0},
	{"recipes", "kernel_headers", IT_WORD, REQ, TG(recipe[TR_KERNEL]), NULL, 0},
	{"packages", "install", IT_WORDS, REQ, TG(packages), NULL, 0},
};

static const char *const recipe_sections[] = {"recipe", "source", "packages", NULL};
static const char *const target_sections[] = {"target", "recipes", "env", "packages", NULL};
static const char *const target_free_sections[] = {"env", NULL};

/* Variables gotc computes; [env] may not override them. */
static const char *const managed_vars[] = {
	"GOROOT", "GOPATH_UNUSED", "PATH", "GOOS", "GOARCH", "GOARM", "GOAMD64", "GOMIPS64",
	"GORISCV64", "GOARM64", "CGO_ENABLED", "CC", "CXX", "AR", "CGO_CFLAGS", "CGO_CXXFLAGS",
	"CGO_LDFLAGS", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR", "PKG_CONFIG_PATH", "GOCACHE",
	"GOTOOLCHAIN", "GOTC_TARGET", "GOTC_PREFIX", "GOFLAGS", "GOTC_SYSROOT", "GOTC_QEMU",
	"GOTC_QEMU_LD_PREFIX", NULL};

/* Variables that change how shells and the dynamic loader behave: an env
 * file sourced by a shell, or a compiler run under it, must not inherit them
 * from a target file. */
static const char *const unsafe_vars[] = {
	"BASH_ENV", "ENV", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "PROMPT_COMMAND", "IFS",
	"PS4", "SHELLOPTS", "BASHOPTS", "CDPATH", "HOME", "GOENV", NULL};

static void source_clear(struct source *s)
{
	free(s->name);
	free(s->url);
	free(s->sha256);
	free(s->sha512);
	free(s->host_arch);
	strv_free(s->include);
	free(s->dest);
	free(s->package);
}

void recipe_free(struct recipe *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->path);
	free(r->hash);
	free(r->version);
	free(r->description);
	free(r->goroot);
	free(r->min_kernel);
	free(r->type);
	free(r->triple);
	free(r->libc_str);
	free(r->cc);
	free(r->cxx);
	free(r->ar);
	free(r->linker);
	strv_free(r->libdir);
	strv_free(r->bfd_arches);
	free(r->sysroot_dir);
	free(r->host_glibc);
	free(r->flags);
	free(r->cxx_flags);
	free(r->gcc_flags);
	free(r->gcc_cxx_flags);
	free(r->clang_flags);
	free(r->clang_cxx_flags);
	free(r->libc_version);
	free(r->glibcxx);
	free(r->runtime_root);
	free(r->pkg_distribution);
	free(r->pkg_suite);
	free(r->pkg_arch);
	free(r->pkg_archive);
	free(r->pkg_keyring);
	strv_free(r->pkg_components);
	free(r->method);
	free(r->include);
	for (size_t i = 0; i < r->nsources; i++)
		source_clear(&r->sources[i]);
	free(r->sources);
	free(r);
}

void target_free(struct target *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->path);
	free(t->hash);
	free(t->description);
	free(t->arch_str);
	free(t->libc_str);
	free(t->link);
	free(t->libc_version);
	free(t->kernel);
	free(t->cxx_stdlib);
	free(t->glibcxx);
	free(t->cxxabi);
	free(t->go_subarch);
	strv_free(t->packages);
	for (int i = 0; i < TR__COUNT; i++)
		free(t->recipe[i]);
	for (size_t i = 0; i < t->nenv; i++) {
		free(t->env[i].name);
		free(t->env[i].value);
	}
	free(t->env);
	free(t);
}

static const char *const placeholders[] = {"${toolchain}", "${sysroot}", "${triple}",
					    "${gnu_triple}", "${clang_resource_dir}", NULL};

const char *const *flag_placeholders(void)
{
	return placeholders;
}

/* First "${" in s that is not a known placeholder, or NULL. */
static const char *flags_bad_placeholder(const char *s)
{
	for (const char *p = s ? strstr(s, "${") : NULL; p; p = strstr(p + 2, "${")) {
		bool known = false;
		for (size_t i = 0; placeholders[i]; i++)
			known |= str_starts(p, placeholders[i]);
		if (!known)
			return p;
	}
	return NULL;
}

static void *recipe_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	struct recipe *r = c->user;
	if (strcmp(sect, "packages") == 0) {
		*cls = "packages";
		r->pkg_line = line;
		return r;
	}
	if (strncmp(sect, "source", 6) != 0) {
		*cls = "recipe";
		return r;
	}
	struct source *ns = r->sources;
	if (!(r->nsources & (r->nsources - 1))) { /* grow at powers of two */
		ns = realloc(r->sources, (r->nsources ? 2 * r->nsources : 1) * sizeof(*ns));
		if (!ns)
			return NULL;
		r->sources = ns;
	}
	struct source *s = &ns[r->nsources++];
	memset(s, 0, sizeof(*s));
	const char *n = sect + 6;
	while (*n == ' ' || *n == '\t')
		n++;
	s->name = strdup(n);
	s->line = line;
	if (!s->name) {
		r->nsources--;
		return NULL;
	}
	*cls = "source";
	return s;
}

static char *file_name_stem(const char *path)
{
	const char *b = path_basename(path);
	size_t n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".ini") == 0)
		n -= 4;
	return strndup(b, n);
}

static int load_file(gotc_t *h, const char *path, char **data, size_t *len, char **hash)
{
	int rc = read_file(path, data, len);
	if (rc)
		return gotc_fail(h, GOTC_ENOTFOUND, "%s: %s", path, gotc_strerror(rc));
	char hex[65];
	sha256_hex(*data, *len, hex);
	*hash = strdup(hex);
	if (!*hash)
		return gotc_fail(h, -ENOMEM, "out of memory");
	return 0;
}

int recipe_load(gotc_t *h, const char *path, enum recipe_kind kind, struct recipe **out)
{
	struct recipe *r = calloc(1, sizeof(*r));
	char *data = NULL;
	size_t len = 0;
	struct ini_ctx c = {0};
	int rc;
	if (!r)
		return -ENOMEM;
	r->kind = kind;
	r->libc = -1;
	r->path = strdup(path);
	r->name = file_name_stem(path);
	if ((rc = load_file(h, path, &data, &len, &r->hash)))
		goto out;
	c.h = h;
	c.path = path;
	c.keys = recipe_keys;
	c.nkeys = sizeof(recipe_keys) / sizeof(recipe_keys[0]);
	c.kind_bit = 1u << kind;
	c.sections = recipe_sections;
	c.on_section = recipe_section;
	c.user = r;
	if ((rc = ini_read(&c, data, len)))
		goto out;
	if (!ini_key_line(&c, "recipe", "version") && !c.nsects) {
		rc = ini_error(&c, 1, "missing section [recipe]");
		goto out;
	}
	bool have_recipe = false;
	for (size_t i = 0; i < c.nsects; i++)
		have_recipe |= strcmp(c.sects[i].name, "recipe") == 0;
	if (!have_recipe) {
		rc = ini_error(&c, 1, "missing section [recipe]");
		goto out;
	}
	r->version_line = ini_key_line(&c, "recipe", "version");
	r->host_glibc_line = ini_key_line(&c, "recipe", "host_glibc");
	for (size_t i = 0; i < r->nsources; i++) {
		struct source *s = &r->sources[i];
		char *sect = str_printf("source %s", s->name);
		s->url_line = sect ? ini_key_line(&c, sect, "url") : 0;
		free(sect);
		if (!s->sha256 && !s->sha512) {
			rc = ini_error(&c, s->line, "[source %s]: missing required key 'sha256'", s->name);
			goto out;
		}
	}
	if (r->libc_str)
		r->libc = libc_parse(r->libc_str);
	if (kind == RK_TOOLCHAIN) {
		/* clang is a cross compiler for every arch and libc (--target): a
		 * clang toolchain without a triple serves any target, one without
		 * a libc (clang plus a GNU linker for one arch) any libc */
		bool clang = r->type && strcmp(r->type, "clang") == 0;
		int bline = ini_key_line(&c, "recipe", "bfd_arches");
		if (r->bfd_arches && (!clang || r->host)) {
			rc = ini_error(&c, bline, "bfd_arches: only a clang toolchain with its own files "
						  "links some arches with GNU ld");
			goto out;
		}
		for (size_t i = 0; r->bfd_arches && r->bfd_arches[i]; i++)
			if (!arch_find(r->bfd_arches[i])) {
				rc = ini_error(&c, bline, "bfd_arches: unknown arch '%s' (one of " ARCHES ")",
					       r->bfd_arches[i]);
				goto out;
			}
		if (!r->host && !clang && (!r->triple || r->libc < 0)) {
			rc = ini_error(&c, 1, "[recipe]: a toolchain needs 'triple' and 'libc' "
					      "(or host = yes for host compilers)");
			goto out;
		}
		if (!r->host && !r->nsources) {
			rc = ini_error(&c, 1, "[recipe]: no [source NAME] section (a toolchain that "
					      "uses host compilers says host = yes)");
			goto out;
		}
	} else if (!r->nsources) {
		rc = ini_error(&c, 1, "[recipe]: no [source NAME] section: a %s recipe needs at "
				      "least one source",
			       recipe_kind_names[kind]);
		goto out;
	}
	static const char *const flag_keys[] = {"flags", "cxx_flags", "gcc_flags", "gcc_cxx_flags",
						"clang_flags", "clang_cxx_flags"};
	char *const flag_vals[] = {r->flags, r->cxx_flags, r->gcc_flags, r->gcc_cxx_flags,
				   r->clang_flags, r->clang_cxx_flags};
	for (size_t i = 0; i < 6; i++) {
		const char *bad = flags_bad_placeholder(flag_vals[i]);
		if (bad) {
			rc = ini_error(&c, ini_key_line(&c, "recipe", flag_keys[i]),
				       "%s: unknown placeholder '%.*s' (use ${toolchain}, ${sysroot}, "
				       "${triple}, ${gnu_triple} or ${clang_resource_dir})",
				       flag_keys[i], (int)(strcspn(bad, "}") + 1), bad);
			goto out;
		}
	}
	if (r->host_glibc && !r->nsources) {
		rc = ini_error(&c, r->host_glibc_line,
			       "host_glibc: the toolchain has no files (host = yes uses the host's own compilers)");
		goto out;
	}
	if (r->host_glibc && strcmp(r->host_glibc, "none") != 0 && !version_valid(r->host_glibc)) {
		rc = ini_error(&c, r->host_glibc_line, "host_glibc: '%s' is not a version (X.Y) or none",
			       r->host_glibc);
		goto out;
	}
	if (kind == RK_TOOLCHAIN && r->sysroot_dir && !r->libc_version) {
		rc = ini_error(&c, ini_key_line(&c, "recipe", "sysroot"),
			       "sysroot: a toolchain that carries its sysroot says its libc version "
			       "(libc_version = X.Y) so targets can check their ceiling");
		goto out;
	}
	if (kind == RK_GO && !r->goroot)
		r->goroot = strdup("go");
	/* a toolchain's include: where its carried sysroot keeps the libc
	 * headers (musl.cc: include), where the kernel headers are layered */
	if ((kind == RK_KERNEL || kind == RK_SYSROOT || (kind == RK_TOOLCHAIN && r->sysroot_dir)) &&
	    !r->include)
		r->include = strdup("usr/include");
	rc = 0;
out:
	ini_ctx_free(&c);
	free(data);
	if (rc) {
		recipe_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}

static bool env_name_valid(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

bool target_name_valid(const char *s)
{
	if (!*s || *s == '.' || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("._+-", *s)))
			return false;
	return true;
}

static void *target_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	(void)line;
	*cls = strcmp(sect, "env") == 0 ? "env" : strcmp(sect, "recipes") == 0 ? "recipes"
						: strcmp(sect, "packages") == 0 ? "packages" : "target";
	return c->user;
}

static int target_env(struct ini_ctx *c, void *obj, const char *key, const char *value, int line)
{
	struct target *t = obj;
	if (line < 0) /* continuation: append "\n" + value */
		return ini_append_line(c, &t->env[t->nenv - 1].value, value);
	if (!env_name_valid(key))
		return ini_error(c, line, "[env]: '%s' is not a valid variable name", key);
	for (size_t i = 0; unsafe_vars[i]; i++)
		if (strcmp(unsafe_vars[i], key) == 0)
			return ini_error(c, line,
					 "[env]: %s changes how shells or the dynamic loader behave; "
					 "it cannot be set by a target",
					 key);
	if (str_starts(key, "CGO_") || str_starts(key, "LD_"))
		return ini_error(c, line,
				 "[env]: %s is reserved (CGO_* come from the toolchain recipe, LD_* "
				 "change the dynamic loader); it cannot be set by a target",
				 key);
	for (size_t i = 0; managed_vars[i]; i++)
		if (strcmp(managed_vars[i], key) == 0)
			return ini_error(c, line,
					 "[env]: %s is set by gotc from the target and its recipes; "
					 "it cannot be overridden here",
					 key);
	struct env_var *ne = t->env;
	if (!(t->nenv & (t->nenv - 1))) { /* grow at powers of two */
		ne = realloc(t->env, (t->nenv ? 2 * t->nenv : 1) * sizeof(*ne));
		if (!ne)
			return ini_error(c, line, "out of memory");
		t->env = ne;
	}
	ne[t->nenv].name = strdup(key);
	ne[t->nenv].value = strdup(value);
	ne[t->nenv].line = line;
	if (!ne[t->nenv].name || !ne[t->nenv].value) {
		free(ne[t->nenv].name);
		free(ne[t->nenv].value);
		return ini_error(c, line, "out of memory");
	}
	t->nenv++;
	return 0;
}

int target_load(gotc_t *h, const char *path, struct target **out)
{
	struct target *t = calloc(1, sizeof(*t));
	char *data = NULL;
	size_t len = 0;
	struct ini_ctx c = {0};
	int rc;
	if (!t)
		return -ENOMEM;
	t->path = strdup(path);
	t->name = file_name_stem(path);
	if (!t->path || !t->name) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (!target_name_valid(t->name)) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:1: target name '%s' (the file's name) may only hold letters, digits, "
			       "'.', '_', '+' and '-', and may not start with '.'",
			       path, t->name);
		goto out;
	}
	if ((rc = load_file(h, path, &data, &len, &t->hash)))
		goto out;
	c.h = h;
	c.path = path;
	c.keys = target_keys;
	c.nkeys = sizeof(target_keys) / sizeof(target_keys[0]);
	c.sections = target_sections;
	c.free_sections = target_free_sections;
	c.on_section = target_section;
	c.on_free = target_env;
	c.user = t;
	if ((rc = ini_read(&c, data, len)))
		goto out;
	static const char *const need[] = {"target", "recipes"};
	for (int n = 0; n < 2; n++) {
		bool found = false;
		for (size_t i = 0; i < c.nsects; i++)
			found |= strcmp(c.sects[i].name, need[n]) == 0;
		if (!found) {
			rc = ini_error(&c, 1, "missing section [%s]", need[n]);
			goto out;
		}
	}
	t->arch = arch_find(t->arch_str);
	t->libc = libc_parse(t->libc_str);
	t->is_static = t->link && strcmp(t->link, "static") == 0;
	t->kernel_line = ini_key_line(&c, "target", "kernel");
	t->packages_line = ini_key_line(&c, "packages", "install");
	static const char *const rkeys[TR__COUNT] = {"go", "toolchain", "sysroot", "kernel_headers"};
	for (int i = 0; i < TR__COUNT; i++)
		t->recipe_line[i] = ini_key_line(&c, "recipes", rkeys[i]);
	if (strcmp(t->cxx_stdlib, "libstdc++") == 0 && !t->glibcxx) {
		rc = ini_error(&c, ini_key_line(&c, "target", "cxx_stdlib"),
			       "cxx_stdlib = libstdc++ needs its ceiling: glibcxx = 3.4.N");
		goto out;
	}
	if (t->go_subarch && !t->arch->subarch_var) {
		rc = ini_error(&c, ini_key_line(&c, "target", "go_subarch"),
			       "go_subarch: arch %s has no Go sub-architecture variable", t->arch->name);
		goto out;
	}
	rc = 0;
out:
	ini_ctx_free(&c);
	free(data);
	if (rc) {
		target_free(t);
		t = NULL;
	}
	*out = t;
	return rc;
}
