/* fuzz_project.c - libFuzzer target for the project file reader (gotc.ini). */
#include <stdint.h>
#include <string.h>

#include "project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gotc_t h;
	struct project p;
	memset(&h, 0, sizeof(h));
	if (project_read(&h, "gotc.ini", (const char *)data, size, &p) == 0) {
		if (!p.targets || !p.targets[0])
			__builtin_trap();
		project_free(&p);
	}
	return 0;
}
