/* env.h - the variables a target's environment sets, and their file formats. */
#ifndef GOTC_ENV_H
#define GOTC_ENV_H

#include "plan.h"
#include "util.h"

struct env_var_out {
	char *name;
	char *value;
};

struct env {
	struct env_var_out *v;
	size_t n;
	char **path_prepend; /* dirs put first on PATH, in order */
	/* facts the formats need beyond variables */
	char *target, *triple, *sysroot, *cc, *cxx, *ar, *pkgconfig_libdir;
	const struct arch_info *arch;
	/* GOCACHE is gocache_dir/gocache_leaf when the user of the env can write
	 * gocache_dir (GOTC_HOME/gocache), else the user's own
	 * ${XDG_CACHE_HOME:-$HOME/.cache}/gotc/gocache/LEAF: a system-wide home
	 * is read-only for its users.  sh and fish files decide when sourced,
	 * gotc env --format and gotc exec when they run (gocache_user). */
	char *gocache_dir, *gocache_leaf;
};

/* Compute the environment of a planned target installed at prefix (the
 * stable path $GOTC_HOME/targets/NAME). */
int env_compute(gotc_t *h, const struct plan *p, const char *prefix, struct env *out);
void env_free(struct env *e);
const char *env_get(const struct env *e, const char *name);


/* Formats: sh fish json make github cmake meson.  Appends to out. */
int env_format(const struct env *e, const char *format, struct buf *out);
extern const char *const env_formats[]; /* NULL-terminated */

/* Quoting primitives (exposed for tests). */
void quote_sh(struct buf *b, const char *s);
void quote_fish(struct buf *b, const char *s);

#endif
