/* lazy.c - dlopen of libarchive, libcurl and libgit2 when first used (lazy.h). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "gotc.h"
#include "lazy.h"
#include "util.h"

#ifndef GOTC_SONAME_ARCHIVE
#define GOTC_SONAME_ARCHIVE "libarchive.so.13"
#endif
#ifndef GOTC_SONAME_CURL
#define GOTC_SONAME_CURL "libcurl.so.4"
#endif
#ifndef GOTC_SONAME_GIT2
#define GOTC_SONAME_GIT2 "libgit2.so.1.5"
#endif

static const char *const sonames[LAZY_NLIBS] = {GOTC_SONAME_ARCHIVE, GOTC_SONAME_CURL, GOTC_SONAME_GIT2};
static void *handles[LAZY_NLIBS];
/* why a library did not load: a copy (dlerror's buffer is reused by the next
 * failing dl call); empty while it has not failed */
static char load_err[LAZY_NLIBS][512];

/* Addresses by the name's address: each call site passes a string literal,
 * so the few hundred names of the program fit; a full table only costs a
 * dlsym per call. */
#define SLOTS 1024
static struct {
	const char *name;
	void *addr;
} cache[SLOTS];

const char *lazy_try(enum lazy_lib lib)
{
	if (handles[lib] || load_err[lib][0])
		return handles[lib] ? NULL : load_err[lib];
	/* RTLD_LOCAL: its symbols stay out of the global scope (one copy of
	 * each library in a process that also links it, e.g. the unit tests) */
	handles[lib] = dlopen(sonames[lib], RTLD_NOW | RTLD_LOCAL);
	if (handles[lib])
		return NULL;
	const char *e = dlerror();
	snprintf(load_err[lib], sizeof(load_err[lib]), "%s", e && *e ? e : "unknown error");
	return load_err[lib];
}

void *lazy_sym(enum lazy_lib lib, const char *name)
{
	size_t i = (size_t)(((uintptr_t)name >> 3) * 2654435761u) % SLOTS;
	for (size_t n = 0; n < SLOTS && cache[i].name; n++, i = (i + 1) % SLOTS)
		if (cache[i].name == name)
			return cache[i].addr;
	const char *err = lazy_try(lib);
	if (err) {
		fprintf(stderr, "gotc: cannot load %s (needed for %s): %s\n", sonames[lib], name, err);
		exit(127);
	}
	dlerror();
	void *addr = dlsym(handles[lib], name);
	if (!addr) {
		const char *e = dlerror();
		fprintf(stderr, "gotc: %s has no %s: %s\n", sonames[lib], name, e ? e : "symbol not found");
		exit(127);
	}
	if (!cache[i].name) {
		cache[i].name = name;
		cache[i].addr = addr;
	}
	return addr;
}

const char *lazy_soname(enum lazy_lib lib)
{
	return sonames[lib];
}

int lazy_need(gotc_t *h, enum lazy_lib lib)
{
	const char *err = lazy_try(lib);
	return err ? gotc_fail(h, GOTC_EASSEMBLE, "cannot load %s: %s (install the library gotc was "
			       "built against, or build gotc again on this host)", sonames[lib], err)
		   : 0;
}
