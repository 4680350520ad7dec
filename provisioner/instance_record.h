/* instance_record.h - what an installed instance was built from.
 *
 * Every prefix carries, inside its root (so its manifest covers them and
 * gotc verify checks them), the exact files it was built from:
 *
 *   GOTC_HOME/targets/INSTANCE/record/
 *     record.ini              [record] instance, target, source, file,
 *                             prefix_id, go (the Go an instance
 *                             TARGET@goVERSION asks for), with (the
 *                             packages of TARGET@with-PKG_PKG...), and repo,
 *                             commit, url when the target came from a
 *                             recipe repository
 *     packages.ini            the [packages] as resolved at install
 *                             (plan.h: struct pkg_pins), when it has some
 *     targets/TARGET.ini      the target file, byte for byte
 *     recipes/KIND/NAME.ini   every recipe it composes (for an instance,
 *                             the Go recipe it picked, not the target's
 *                             default)
 *     mirrors.ini             [mirrors] its recipes named, as resolved at
 *                             install (no URL with credentials); planning
 *                             from the record uses them where config.ini
 *                             defines none (config_record_mirrors)
 *
 * A record is a tree like a search path directory, but closed: a target in
 * it takes its recipes from it alone (target_locate).  Commands that act on
 * an installed instance resolve it from its record first, so they work with
 * no search path at all; the search path's copy is only compared with it
 * (instance_status), never silently used instead.
 */
#ifndef GOTC_INSTANCE_RECORD_H
#define GOTC_INSTANCE_RECORD_H

#include <stdbool.h>

#include "plan.h"

struct instance_record {
	char *instance;	 /* the name under GOTC_HOME/targets */
	char *dir;	 /* GOTC_HOME/targets/INSTANCE/record */
	char *target;	 /* the target's name (its file: dir/targets/TARGET.ini) */
	char *source;	 /* what 'gotc install' takes to refresh it: NAME,
			    REPO/NAME or /abs/path.ini, with the instance's
			    components (@goVERSION); "" for a bundle's */
	char *file;	 /* the target file's real path at install, or "bundle" */
	char *prefix_id; /* the plan the record reproduces */
	char *go;	 /* the instance's Go (1.24, 1.24.4), NULL: the target's own */
	char *with;	 /* the packages it adds (a_b_c), NULL: none */
	char *repo, *commit, *url; /* NULL unless from a recipe repository */
};

/* Write the record of plan p into the staged prefix root (root/record).
 * Each file is copied only if its bytes still hash as they did when p was
 * planned (GOTC_EASSEMBLE otherwise). */
int instance_record_write(gotc_t *h, const struct plan *p, const char *root);

/* Read INSTANCE's record.  GOTC_ENOTINST: not installed; GOTC_ENOTFOUND:
 * installed by a gotc that kept no record; GOTC_ESTORE: unreadable. */
int instance_record_read(gotc_t *h, const char *instance, struct instance_record *rec);
void instance_record_clear(struct instance_record *rec);
/* Parse DIR/record.ini into rec (rec->dir: a copy of dir); GOTC_ENOTFOUND
 * when it does not exist, GOTC_ESTORE when it is unreadable or malformed. */
int instance_record_load(gotc_t *h, const char *dir, struct instance_record *rec);
/* The record a command argument names: an instance name, or REPO/NAME when
 * instance NAME came from repository REPO.  A path to an .ini file names a
 * file, never a record.  Errors as instance_record_read. */
int instance_record_find(gotc_t *h, const char *spec, struct instance_record *rec);
/* rec's target file (malloc'd). */
char *instance_record_target(const struct instance_record *rec);

enum instance_mode {
	INSTANCE_FIRST, /* the record of an installed instance, else the search path */
	INSTANCE_ONLY,	/* the record only (show --installed) */
	SEARCH_FIRST,	/* the search path, else the record (install) */
};
/* Plan spec as mode says.  A plan from a record is checked against the
 * prefix it describes (GOTC_ESTORE if it does not reproduce it).
 * *from_record (optional): whether the record was used. */
int instance_plan(gotc_t *h, const char *spec, enum instance_mode mode, struct plan *p,
		  bool *from_record);
/* The target file alone (its recipes need not resolve), as mode says. */
int instance_target_load(gotc_t *h, const char *spec, enum instance_mode mode, struct target **t,
			 bool *from_record);
/* The target file spec names, as mode says (malloc'd), or NULL with the
 * error set.  An instance's components follow the path (FILE@goVERSION),
 * ready for plan_build or target_load_instance. */
char *instance_target_file(gotc_t *h, const char *spec, enum instance_mode mode);

/* Where a target being installed comes from, for the prefix's info file and
 * the same-origin rule: its file's real path, "bundle" for a bundle's
 * files, or what the record it was planned from says.  malloc'd. */
char *instance_origin_file(gotc_t *h, const struct target *t);

/* An installed instance against its source on the search path. */
struct instance_status {
	bool record;   /* it has a record */
	bool found;    /* its source is on the search path */
	char *changed; /* NULL, or what differs: "targets/x.ini, recipes/go/y.ini",
			  or why the source no longer resolves */
	char *source;  /* what to install to refresh it (NULL: nothing) */
};
int instance_status(gotc_t *h, const char *instance, struct instance_status *st);
void instance_status_clear(struct instance_status *st);

/* gotc lint SPEC: the target file spec names (on the search path, else the
 * installed instance's record) and the recipe files it composes, target
 * first (strv_free).  GOTC_ENOTFOUND when spec names neither. */
int instance_lint_files(gotc_t *h, const char *spec, char ***files);

#endif
