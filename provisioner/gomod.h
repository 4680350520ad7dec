/* gomod.h - what a Go module asks of the Go that builds it (gomod_guard.c).
 *
 * A strict reader of two go.mod directives, `go` and `toolchain`; every other
 * line only has to be a well-formed go.mod line (blocks balanced).  No Go
 * toolchain runs: `gotc exec`, `gotc doctor` and `gotc env --check` refuse a
 * module whose go.mod needs a newer Go than the target's before they start
 * anything.  Linked into the light front end: libc only. */
#ifndef GOTC_GOMOD_H
#define GOTC_GOMOD_H

#include <stddef.h>

#include "gotc.h"

struct gomod {
	char go[32];	    /* the go line's version ("1.22", "1.23.0", "1.21rc1"); "" = none */
	int go_line;
	char toolchain[48]; /* the toolchain line's name ("go1.23.0", "default"); "" = none */
	int toolchain_line;
};

/* Parse go.mod text; file names it in errors ("FILE:LINE: message",
 * GOTC_ERECIPE) for a malformed go or toolchain line, a directive given twice
 * or an unbalanced block. */
int gomod_parse(gotc_t *h, const char *file, const char *data, size_t len, struct gomod *out);

/* The go.mod of the module holding the working directory: walk up from it to
 * the filesystem root.  Returns a malloc'd path relative to the working
 * directory ("go.mod", "../go.mod", ...), or NULL when there is none. */
char *gomod_find(void);

/* The Go version an installed target (or instance) uses, from its GOROOT's
 * VERSION file ("1.19.8"), into buf; 0 or an error (GOTC_ENOTINST). */
int gomod_target_go(gotc_t *h, const char *target, char *buf, size_t size);

/* The guard: if the working directory is inside a Go module whose go.mod needs
 * a newer Go than target's (go line newer than the target's Go; a toolchain
 * line or a go line in the X.Y.Z / release-candidate form needs Go 1.21),
 * fail with GOTC_ERECIPE:
 *   go.mod:3: module needs go 1.22; debian12-arm64 uses Go 1.19.8 (run: gotc
 *   install debian12-arm64 --go 1.22, or set go = 1.22 in gotc.ini)
 * 0 when it fits or there is no module. */
int gomod_guard(gotc_t *h, const char *target);

#endif
