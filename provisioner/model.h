/* model.h - targets, recipes and configuration as validated data. */
#ifndef GOTC_MODEL_H
#define GOTC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "gotc.h"

enum recipe_kind { RK_GO, RK_TOOLCHAIN, RK_SYSROOT, RK_KERNEL, RK__COUNT };
extern const char *const recipe_kind_names[RK__COUNT]; /* "go", "toolchain", ... */

struct source {
	char *name;	 /* section suffix: [source NAME]           */
	char *url;	 /* as written, may hold ${mirror:NAME}      */
	char *sha256;	 /* lowercase hex, or NULL when sha512 given */
	char *sha512;
	uint64_t size;	 /* 0 = unknown                              */
	char *host_arch; /* NULL = any host                          */
	char **include;	 /* member prefixes, NULL = everything       */
	uint64_t strip;
	char *dest;	 /* subdirectory of the entry, NULL = root   */
	char *package;	 /* informational (tools/update-pins)        */
	int line;	 /* line of the section header               */
	int url_line;
};

struct recipe {
	enum recipe_kind kind;
	char *name;	/* file name without .ini */
	char *path;	/* file it came from     */
	char *hash;	/* sha256 of the file's bytes */
	char *version;
	char *description;
	/* go */
	char *goroot;
	char *min_kernel;
	/* toolchain */
	char *type;	/* gcc | clang */
	char *triple;
	int libc;	/* enum libc_kind, -1 unset */
	char *libc_str;
	char *cc, *cxx, *ar;
	char *linker;
	char **libdir;
	char **bfd_arches; /* clang: arches linked with the entry's GNU ld */
	bool host;
	char *sysroot_dir; /* toolchain carrying its own sysroot */
	char *host_glibc;  /* glibc its host programs need, "none"; verified at assembly */
	int host_glibc_line;
	/* compiler flags the wrappers always pass (placeholders ${toolchain},
	 * ${sysroot}, ${triple}, ${gnu_triple}, ${clang_resource_dir}) */
	char *flags, *cxx_flags;		/* toolchain */
	char *gcc_flags, *gcc_cxx_flags;	/* sysroot, with a gcc toolchain */
	char *clang_flags, *clang_cxx_flags;	/* sysroot, with a clang toolchain */
	/* sysroot */
	char *libc_version;
	char *glibcxx;
	char *runtime_root;
	/* sysroot [packages]: where the distribution's packages come from */
	char *pkg_distribution, *pkg_suite, *pkg_arch, *pkg_archive, *pkg_keyring;
	char **pkg_components;
	int pkg_line; /* line of [packages] */
	/* kernel */
	char *method;	/* package | headers_install */
	char *include;
	struct source *sources;
	size_t nsources;
	int version_line;
};

struct env_var {
	char *name, *value;
	int line;
};

enum { TR_GO, TR_TOOLCHAIN, TR_SYSROOT, TR_KERNEL, TR__COUNT };

struct target {
	char *name;
	char *path;
	char *hash;
	char *description;
	const struct arch_info *arch;
	int libc;
	char *arch_str, *libc_str, *link;
	char *libc_version;
	char *kernel;
	char *cxx_stdlib; /* libstdc++ | libc++ | none */
	char *glibcxx, *cxxabi;
	bool is_static;
	char *go_subarch;  /* override of GOAMD64/GOARM/GOMIPS64 */
	char *recipe[TR__COUNT];
	int recipe_line[TR__COUNT];
	int kernel_line;
	struct env_var *env;
	size_t nenv;
	char **packages; /* [packages] install: distribution packages added to the sysroot */
	int packages_line;
};

/* Parse; on error return GOTC_ERECIPE with "FILE:LINE: message" in h->errbuf. */
int recipe_load(gotc_t *h, const char *path, enum recipe_kind kind, struct recipe **out);
int target_load(gotc_t *h, const char *path, struct target **out);
/* Letters, digits, . _ + -, not starting with . or -. */
bool target_name_valid(const char *s);
void recipe_free(struct recipe *r);
void target_free(struct target *t);

/* The placeholders flags may use, NULL-terminated. */
const char *const *flag_placeholders(void);

/* Find files on the search path; return malloc'd path or NULL.  A target is a
 * NAME (first match), REPO/NAME (that repository's; see repo.h) or a path to
 * an .ini file.  find_recipe_file searches outside repository trees. */
char *find_target_file(gotc_t *h, const char *name);
/* GOTC_ENOTARGET: "no target NAME on the search path", with a "did you
 * mean" naming the nearest target there. */
int target_not_found(gotc_t *h, const char *name, bool installed_too);
/* The target name on the search path nearest to name, if near enough to
 * suggest (malloc'd), else NULL (env_files.c: the light front end uses it). */
char *target_nearest(gotc_t *h, const char *name);
char *find_recipe_file(gotc_t *h, enum recipe_kind kind, const char *name);

/* A target with its recipes, cross-validated. */
struct resolved {
	struct target *t;
	struct recipe *r[TR__COUNT]; /* r[TR_SYSROOT] may be NULL (toolchain's own) */
};
int target_resolve(gotc_t *h, const char *name_or_path, struct resolved *out);
/* Load the target file at path and find the files of the recipes it names
 * (rpaths[i] malloc'd, NULL where it names none), without loading them.
 * A target inside an installed instance's record (see instance_record.h)
 * takes its recipes from that record only.  go (NULL: the target's own):
 * the instance's Go (see instance_pick_go); the target is then named as the
 * instance TARGET@goVERSION.  with (NULL: none): the instance's added
 * packages (see struct instance), appended to the target's [packages]. */
int target_locate(gotc_t *h, const char *path, const char *go, const char *with, struct target **t,
		  char *rpaths[TR__COUNT]);
/* DIR when path is DIR/targets/NAME.ini of an installed record (DIR is
 * named record and holds record.ini), else NULL; malloc'd. */
char *target_record_tree(const char *path);
void resolved_free(struct resolved *rs);

/* Mirror rewriting: ${mirror:NAME}/rest -> every configured base + rest.
 * Returns a NULL-terminated vector, or NULL with the error set. */
char **url_expand(gotc_t *h, const char *url, const char *file, int line);
/* The NAME of a url "${mirror:NAME}/...", copied into name (size bytes);
 * false when url names no mirror or NAME is empty or too long. */
bool url_mirror_name(const char *url, char *name, size_t size);
/* Every source URL's mirror is configured: 0 or GOTC_ERECIPE. */
int recipe_check_mirrors(gotc_t *h, const struct recipe *r);
/* Validation (model_lint.c).  lint_file: one target (resolved with its
 * recipes) or recipe (with its mirrors); its kind comes from where it lives.
 * lint_tree: every targets/NAME.ini and recipes/KIND/NAME.ini under dir, stopping at
 * the first error; *nfiles (optional) counts the files checked.  Errors are
 * GOTC_ERECIPE with "FILE:LINE: message". */
int lint_file(gotc_t *h, const char *path);
int lint_tree(gotc_t *h, const char *dir, int *nfiles);
/* The *.ini files of dir, sorted (malloc'd, strv_free); NULL only on OOM. */
char **lint_dir_files(const char *dir);
/* This machine as a target arch name (x86_64, arm64, ...). */
const char *host_arch(void);
/* Minimum kernel a Go release runs on ("2.6.32", "3.2"). */
const char *go_min_kernel(const char *go_version);

/* Instances (model_instance.c).  An installed instance is a target with
 * choices made at install time, named
 *
 *     TARGET[@goVERSION][@with-PKG_PKG...]
 *
 * '@' never occurs in a target name, so the split is unambiguous.  Each
 * component after the target starts with a tag naming the axis it chooses:
 * "go" (VERSION = MAJOR.MINOR, the newest pinned patch release of that
 * minor, or MAJOR.MINOR.PATCH, exactly) and "with-" (distribution packages
 * added to the target's [packages], see gotc-recipe(5)).  A new axis adds a
 * tag to the table in model_instance.c and a field here.  The canonical name
 * is the target followed by the components in table order, the Go as the
 * user wrote it, the packages sorted and each named once: the name the user
 * asked for.  A plain TARGET is the target with its own default choices.  A
 * path to a .ini file is never split. */
struct instance {
	char *target; /* TARGET (or REPO/TARGET, or a path to a .ini file) */
	char *go;     /* "1.24" or "1.24.4"; NULL = the target's default Go */
	char *with;   /* "libssl-dev_zlib1g-dev" (sorted); NULL = none added */
};
/* deb_name_valid, packages_canonical: util.h */
/* Parse s; GOTC_EUSAGE with the reason on a malformed name. */
int instance_parse(gotc_t *h, const char *s, struct instance *out);
/* The canonical name of in, with base as the target part (malloc'd). */
char *instance_name(const struct instance *in, const char *base);
void instance_free(struct instance *in);
/* Load the target file an instance name refers to (no recipes); its name
 * becomes the instance's canonical name.  *inst (optional) gets the parse. */
int target_load_instance(gotc_t *h, const char *name, struct target **out, struct instance *inst);
/* Pick the Go recipe an instance asks for (in->go): among the go recipes on
 * the search path (origin first, see target_resolve) that have a source for
 * this host and whose version matches, prefer those from the same place as
 * the target's default Go recipe (def; the same ${mirror:NAME} or host),
 * then the newest version; strict: origin alone (an installed record).
 * *name: malloc'd recipe name.  No match:
 * GOTC_EUSAGE naming the pinned versions. */
int instance_pick_go(gotc_t *h, const char *origin, bool strict, const struct target *t,
		     const char *want, const struct recipe *def, char **name);

#endif
