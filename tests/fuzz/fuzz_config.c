/* fuzz_config.c - libFuzzer target for config.ini, read through gotc_init as
 * gotc reads it (GOTC_CONFIG names the file). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gotc.h"
#include "util.h"
#include "fuzz.h"

static char dir[64], *cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/gotc-fuzz-config.%ld", (long)getpid());
		mkdir_p(dir, 0755);
		cfg = path_join(dir, "config.ini");
		setenv("GOTC_CONFIG", cfg, 1);
		setenv("GOTC_HOME", dir, 1);
		unsetenv("GOTC_PATH");
		unsetenv("GOTC_CACHE");
		unsetenv("GOTC_CAFILE");
	}
	if (!cfg || !spill(cfg, data, size))
		return 0;
	gotc_t h;
	gotc_init(&h, NULL, NULL);
	gotc_free(&h);
	return 0;
}
