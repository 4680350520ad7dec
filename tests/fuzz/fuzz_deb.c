/* fuzz_deb.c - libFuzzer target for the deb822 reader: a Packages index
 * (then a resolution over it and its Filenames through the .deb file name
 * decoder) or a Release file, picked by the first byte; with bit 1 the
 * input is also decoded as a .deb file name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	const char *text = (const char *)data + 1;
	if (data[0] & 2) {
		char *s = malloc(size), *n, *v, *a;
		if (!s)
			return 0;
		memcpy(s, text, size - 1);
		s[size - 1] = '\0';
		if (deb_file_parse(s, &n, &v, &a) == 0) {
			free(n);
			free(v);
			free(a);
		}
		free(s);
	}
	if (data[0] & 1) {
		struct deb_release r;
		if (deb_release_read(&h, "Release", text, size - 1, &r) == 0) {
			deb_release_find(&r, "main/binary-arm64/Packages");
			deb_release_free(&r);
		}
		return 0;
	}
	struct deb_index idx = {0};
	if (deb_index_read(&h, "Packages", text, size - 1, &idx) == 0 && idx.n) {
		static const struct deb_base base[] = {{"libc6", "2.36-8"}};
		char *want[] = {idx.p[0].name, NULL};
		struct deb_resolution res;
		if (deb_resolve(&h, &idx, "arm64", base, 1, want, &res) == 0)
			deb_resolution_free(&res);
		for (size_t i = 0; i < idx.n; i++) {
			char *v;
			if (deb_file_parse(idx.p[i].filename, NULL, &v, NULL) == 0) {
				deb_version_cmp(v, idx.p[i].version);
				free(v);
			}
		}
		if (idx.n > 1)
			deb_version_cmp(idx.p[0].version, idx.p[1].version);
	}
	deb_index_free(&idx);
	return 0;
}
