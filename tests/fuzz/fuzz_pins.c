/* fuzz_pins.c - libFuzzer target for an installed record's packages.ini
 * (the resolved package set, plan_pins.c). */
#include <stdint.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gotc_t h;
	struct pkg_pins pp;
	memset(&h, 0, sizeof(h));
	if (pins_parse(&h, "packages.ini", (const char *)data, size, &pp) == 0) {
		if (!pp.n || !pp.index_key)
			__builtin_trap();
		for (size_t i = 0; i < pp.n; i++)
			if (!pp.v[i]->url || !pp.v[i]->sha256 || !strchr(pp.v[i]->name, '_'))
				__builtin_trap();
		pins_free(&pp);
	}
	return 0;
}
