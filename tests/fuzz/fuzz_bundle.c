/* fuzz_bundle.c - libFuzzer target for what a bundle carries besides archive
 * members: gotc-bundle.ini and the store entries' info files.  The first
 * byte picks which; the rest is the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "store.h"
#include "util.h"
#include "fuzz.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	if (data[0] % 3 == 0) {
		if (!path[0])
			snprintf(path, sizeof(path), "/tmp/gotc-fuzz-bundle.%ld", (long)getpid());
		if (spill(path, data + 1, size - 1))
			bundle_ini_check(&h, path);
		return 0;
	}
	char *text = str_ndup((const char *)data + 1, size - 1);
	struct store_info in;
	if (text && store_info_parse(&h, "info", text, data[0] % 3 == 1 ? STORE_INFO_ENTRY : STORE_INFO_PREFIX,
				     &in) == 0)
		store_info_free(&in);
	free(text);
	return 0;
}
