/* cmd_gc.c - gotc gc [--dry-run]: delete what no installed target references. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "install.h"
#include "store.h"
#include "util.h"

/* Entry names referenced by installed targets' prefixes, and the prefixes. */
static int referenced(gotc_t *h, char ***entries, char ***prefixes)
{
	char *tdir = path_join(h->home, "targets");
	DIR *d = tdir ? opendir(tdir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *pd = target_prefix_dir(h, de->d_name);
		char *info = pd ? path_join(pd, "info") : NULL, *data = NULL;
		if (pd)
			strv_push(prefixes, path_basename(pd));
		if (info && read_file(info, &data, NULL) == 0) {
			char *save = NULL;
			for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
				if (str_starts(l, "entry "))
					strv_push(entries, l + 6);
		}
		free(data);
		free(info);
		free(pd);
	}
	if (d)
		closedir(d);
	free(tdir);
	return 0;
}

static bool listed(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void sweep(struct cli *cli, const char *dir, char **keep, bool dry, unsigned *n,
		  unsigned long long *bytes)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || listed(keep, de->d_name))
			continue;
		char *p = path_join(dir, de->d_name);
		if (!p)
			continue;
		unsigned long long sz = dir_size(p);
		printf("%s %s (%.1f MiB)\n", dry ? "would delete" : "deleted", p, (double)sz / 1048576.0);
		if (!dry && store_discard(&cli->h, p))
			cli_error(cli, cli->h.err);
		(*n)++;
		*bytes += sz;
		free(p);
	}
	if (d)
		closedir(d);
}

int cmd_gc(struct cli *cli, int argc, char **argv)
{
	const struct cmd *c = cli_find("gc");
	bool dry = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 || strcmp(argv[i], "-n") == 0)
			dry = true;
		else
			return cli_usage_error(c, "unexpected argument '%s'", argv[i]);
	}
	int lock = store_lock(&cli->h);
	if (lock < 0)
		return cli_error(cli, lock);
	store_clean_staging(&cli->h);
	char **entries = calloc(1, sizeof(char *)), **prefixes = calloc(1, sizeof(char *));
	referenced(&cli->h, &entries, &prefixes);
	char *sdir = path_join(cli->h.home, "store"), *pdir = path_join(cli->h.home, "prefixes");
	unsigned n = 0;
	unsigned long long bytes = 0;
	if (sdir && pdir) {
		sweep(cli, pdir, prefixes, dry, &n, &bytes);
		sweep(cli, sdir, entries, dry, &n, &bytes);
	}
	if (!cli->quiet)
		fprintf(stderr, "gc: %s %u item%s, %.1f MiB\n", dry ? "would free" : "freed", n,
			n == 1 ? "" : "s", (double)bytes / 1048576.0);
	free(sdir);
	free(pdir);
	strv_free(entries);
	strv_free(prefixes);
	store_unlock(lock);
	return EXIT_OK;
}
