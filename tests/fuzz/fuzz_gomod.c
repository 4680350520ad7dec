/* fuzz_gomod.c - libFuzzer target for the go.mod reader (gomod_parse). */
#include <stdint.h>
#include <string.h>

#include "gomod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gotc_t h;
	struct gomod m;
	memset(&h, 0, sizeof(h));
	int rc = gomod_parse(&h, "go.mod", (const char *)data, size, &m);
	if (!rc && m.go[0] && !m.go_line)
		__builtin_trap();
	if (!rc && m.toolchain[0] && !m.toolchain_line)
		__builtin_trap();
	return 0;
}
