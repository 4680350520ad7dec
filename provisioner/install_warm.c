/* install_warm.c - gotc install --warm: build the target's standard library
 * into its GOCACHE once, so the first `go build` of a farm image does not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "install.h"
#include "store.h"
#include "util.h"

static int apply(gotc_t *h, void *target)
{
	return env_apply(h, target);
}

int install_warm(gotc_t *h, const char *target)
{
	char *dir = store_path(h, "gocache"), *log = dir ? str_printf("%s/warm-%s.log", dir, target) : NULL;
	char *text = NULL;
	int rc = 0;
	if (!log) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = target, .msg = "warm (go build std)"};
	gotc_emit(h, &ev);
	char *argv[] = {"go", "build", "std", NULL};
	int st = run_logged(h, log, argv, apply, (void *)target, &text);
	if (st < 0) {
		rc = st;
	} else if (st) {
		rc = gotc_fail(h, GOTC_EASSEMBLE, "%s: go build std in its environment failed (log: %s)%s%.600s",
			       target, log, text ? ":\n" : "", text ? text : "");
	} else {
		struct gotc_event done = {.type = GOTC_EV_STEP_DONE, .name = target};
		gotc_emit(h, &done);
	}
out:
	free(text);
	free(dir);
	free(log);
	return rc;
}
