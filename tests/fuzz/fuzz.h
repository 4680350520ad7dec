/* fuzz.h - helpers shared by the fuzz targets. */
#ifndef GOTC_FUZZ_H
#define GOTC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Write the input to path, plainly (no fsync: thousands of runs a second). */
static inline bool spill(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(data, 1, size, f) == size;
	return fclose(f) == 0 && ok;
}

#endif
