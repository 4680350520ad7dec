/* fuzz_lock.c - libFuzzer target for lockfiles (gotc install --locked FILE). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "util.h"
#include "fuzz.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/gotc-fuzz-lock.%ld", (long)getpid());
	if (!spill(path, data, size))
		return 0;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct lockfile lf;
	if (lock_read(&h, path, &lf) == 0) {
		char **t = lock_targets(&lf);
		for (size_t i = 0; t && t[i]; i++)
			free(lock_target_arg(&lf, t[i])); /* malloc'd */
		lock_free(&lf);
	}
	return 0;
}
