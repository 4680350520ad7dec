/* plan.h - what a target needs: store entries, their sources, the env. */
#ifndef GOTC_PLAN_H
#define GOTC_PLAN_H

#include "model.h"

enum entry_role { ER_GO, ER_TOOLCHAIN, ER_SYSROOT, ER_PACKAGES, ER__COUNT };

/* One artifact to download: a recipe source after mirror rewriting. */
struct artifact {
	const struct source *src;
	const struct recipe *recipe;
	char **urls;	 /* mirror-expanded, in fallback order */
	char *cache_path; /* where the verified file lives in the cache */
	/* unpack parameters */
	char *subdir;	 /* where it lands inside the entry ("" = root) */
	int is_kernel;	 /* kernel headers layered into the sysroot */
};

struct entry {
	enum entry_role role;
	char *name;	/* e.g. go-1.19.8-0123456789ab */
	char *key;	/* full sha256 of the inputs */
	const struct recipe *recipe;  /* main recipe */
	const struct recipe *kernel;  /* sysroot entries: the kernel headers */
	struct artifact *arts;
	size_t narts;
};

struct plan {
	struct resolved rs;
	struct entry entries[ER__COUNT];
	int nentries;	/* host toolchains need no entry */
	char *prefix_id;	/* hash of everything the prefix depends on */
	struct recipe *packages; /* the resolved [packages] as a recipe, or NULL */
	char *index_date, *index_key; /* the verified InRelease's Date and signer */
};

/* A resolved package set, pinned (plan_pins.c): kept in an installed
 * instance's record as packages.ini, or taken from a lock. */
struct pkg_pin {
	char *name; /* NAME_VERSION */
	char *url;  /* as resolved: ${mirror:NAME}/pool/... */
	char *sha256;
	uint64_t size;
};
struct pkg_pins {
	char *index_date, *index_key; /* the InRelease it was resolved from */
	struct pkg_pin **v;
	size_t n;
	char *path; /* where it was read from, for messages */
};
/* p's resolved packages as packages.ini text (malloc'd; NULL: ENOMEM). */
char *pins_render(const struct plan *p);
/* Read a packages.ini; GOTC_ENOTFOUND when absent, GOTC_ERECIPE
 * ("PATH:LINE: message") when malformed. */
int pins_read(gotc_t *h, const char *path, struct pkg_pins *pp);
/* The same from data/len (path labels messages; for tests and fuzzing). */
int pins_parse(gotc_t *h, const char *path, const char *data, size_t len, struct pkg_pins *pp);
/* Append one pin (copies); 0 or -ENOMEM. */
int pins_add(struct pkg_pins *pp, const char *name, const char *url, const char *sha256, uint64_t size);
void pins_free(struct pkg_pins *pp);

/* Build the plan for a target: resolve, select host-specific sources,
 * expand mirrors, name entries.  GOTC_ERECIPE / GOTC_ENOTFOUND on error. */
int plan_build(gotc_t *h, const char *target, struct plan *p);
/* The same with the target's packages taken from pins (NULL: from the
 * record's packages.ini of a target planned from a record, else resolved
 * from the signed index): no index is fetched. */
int plan_build_pinned(gotc_t *h, const char *target, const struct pkg_pins *pins, struct plan *p);
void plan_free(struct plan *p);

/* plan_packages.c: resolve the target's [packages] against the sysroot
 * recipe's signed index (or take them from pins, see plan_build_pinned)
 * into a recipe whose sources are the .debs (pool path, sha256, size);
 * p->packages, p->index_date, p->index_key set. */
int plan_packages(gotc_t *h, struct plan *p, const struct pkg_pins *pins);
const struct entry *plan_entry(const struct plan *p, enum entry_role role);

#endif
