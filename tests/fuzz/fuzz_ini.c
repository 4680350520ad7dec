/* fuzz_ini.c - libFuzzer target for the INI model: recipes, targets, config,
 * an installed instance's record.ini.
 * The first byte picks the file kind; the rest is the file's content. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance_record.h"
#include "model.h"
#include "util.h"

static char dir[64];

static void setup(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "/tmp/gotc-fuzz-ini.%ld", (long)getpid());
	char *p = str_printf("%s/recipes/go", dir);
	mkdir_p(p, 0755);
	free(p);
	for (int k = 1; k < RK__COUNT; k++) {
		p = str_printf("%s/recipes/%s", dir, recipe_kind_names[k]);
		mkdir_p(p, 0755);
		free(p);
	}
	p = str_printf("%s/targets", dir);
	mkdir_p(p, 0755);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	setup();
	int kind = data[0] % (RK__COUNT + 2); /* RK__COUNT: a target, + 1: record.ini */
	char *path = kind == RK__COUNT + 1 ? str_printf("%s/record.ini", dir)
		     : kind == RK__COUNT ? str_printf("%s/targets/t.ini", dir)
				       : str_printf("%s/recipes/%s/r.ini", dir, recipe_kind_names[kind]);
	if (!path || write_file_atomic(path, data + 1, size - 1, 0644)) {
		free(path);
		return 0;
	}
	gotc_t h;
	memset(&h, 0, sizeof(h));
	char *urls[] = {(char *)"https://m.invalid/x", NULL};
	struct gotc_mirror m = {.name = (char *)"test", .urls = urls};
	h.mirrors = &m;
	h.nmirrors = 1;
	char *search[] = {dir, NULL};
	h.search = search;
	if (kind == RK__COUNT + 1) {
		struct instance_record rec;
		if (instance_record_load(&h, dir, &rec) == 0)
			instance_record_clear(&rec);
	} else if (kind == RK__COUNT) {
		struct target *t = NULL;
		if (target_load(&h, path, &t) == 0)
			target_free(t);
	} else {
		struct recipe *r = NULL;
		if (recipe_load(&h, path, (enum recipe_kind)kind, &r) == 0) {
			recipe_check_mirrors(&h, r);
			recipe_free(r);
		}
	}
	free(path);
	return 0;
}
