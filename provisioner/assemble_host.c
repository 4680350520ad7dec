/* assemble_host.c - what a toolchain entry's host programs need of the host:
 * the highest GLIBC_ version over its ELF files for the host's machine,
 * measured with the ELF checker when the entry is assembled.  A recipe's
 * host_glibc must say exactly that (install refuses before downloading on a
 * host below it), so a wrong value is an assembly error, never a lie.  A
 * recipe without host_glibc (upstream toolchains nobody measured) cannot be
 * guarded before downloading: what its entry measures is held to the host at
 * assembly instead, so it is refused before anything is installed, and the
 * entry records what it needs. */
#include <dirent.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elf_check.h"
#include "install.h"
#include "util.h"

struct need {
	int machine;
	const char *skip; /* a carried target sysroot: not host programs */
	char best[32];
	char *file; /* relative path of the file that needs best */
};

static int need_one(gotc_t *h, const char *rel, const char *full, const struct stat *st, void *ctx)
{
	struct need *n = ctx;
	char v[32];
	if (n->skip && strcmp(rel, n->skip) == 0)
		return 1; /* the target's files */
	if (!S_ISREG(st->st_mode))
		return 0;
	int r = elf_glibc_need(h, full, n->machine, v, sizeof(v));
	if (r < 0)
		return r;
	if (r == 1 && (!n->best[0] || version_cmp(v, n->best) > 0)) {
		char *file = strdup(rel);
		if (!file)
			return gotc_fail(h, -ENOMEM, "out of memory");
		snprintf(n->best, sizeof(n->best), "%s", v);
		free(n->file);
		n->file = file;
	}
	return 0;
}

const char *host_glibc_version(void)
{
	const char *t = getenv("GOTC_TEST_HOST_GLIBC");
	return t && *t ? t : gnu_get_libc_version();
}

/* The Debian release that first has glibc v, for the advice. */
static const char *debian_for(const char *v)
{
	static const struct {
		const char *glibc, *debian;
	} rel[] = {{"2.24", "Debian 9"}, {"2.28", "Debian 10"}, {"2.31", "Debian 11"},
		   {"2.36", "Debian 12"}, {"2.41", "Debian 13"}};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
		if (version_cmp(v, rel[i].glibc) <= 0)
			return rel[i].debian;
	return NULL;
}

/* GOTC_EHOST: toolchain name needs glibc need (why: what says so, or ""),
 * this host has less. */
static int host_too_old(gotc_t *h, const char *name, const char *need, const char *why)
{
	const char *deb = debian_for(need);
	return gotc_fail(h, GOTC_EHOST,
			 "%s runs on hosts with glibc \u2265 %s%s; this host has %s (use a%s%s%s host or "
			 "container, or a relocatable toolchain such as the Bootlin-based targets)",
			 name, need, why, host_glibc_version(), deb ? " " : "", deb ? deb : "",
			 deb ? " or newer" : " newer");
}

int toolchain_host_need(gotc_t *h, const struct recipe *r, const char *root, char **info)
{
	const struct arch_info *ha = arch_find(host_arch());
	struct need n = {.machine = ha ? ha->elf_machine : -1, .skip = r->sysroot_dir};
	*info = NULL;
	int rc = tree_walk(h, root, 64, need_one, &n);
	if (rc)
		goto out;
	const char *want = r->host_glibc;
	if (want && strcmp(want, "none") == 0)
		want = NULL;
	/* no host_glibc: nothing to hold to (install cannot refuse early); the
	 * measured need is still recorded */
	if (r->host_glibc && n.best[0] && (!want || version_cmp(want, n.best) != 0)) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: host_glibc = %s, but its host programs need glibc %s (%s needs GLIBC_%s): "
			       "set host_glibc = %s",
			       r->path, r->host_glibc_line, r->host_glibc, n.best, n.file, n.best, n.best);
		goto out;
	}
	if (!n.best[0] && want) {
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "%s:%d: host_glibc = %s, but no host program of the toolchain needs a GLIBC_ version: "
			       "set host_glibc = none",
			       r->path, r->host_glibc_line, want);
		goto out;
	}
	/* undeclared (so not refused before downloading): refused now, before
	 * anything is installed, if this host cannot run what was measured */
	if (!r->host_glibc && n.best[0] && version_cmp(host_glibc_version(), n.best) < 0) {
		char *why = str_printf(" (its %s needs GLIBC_%s)", n.file, n.best);
		rc = why ? host_too_old(h, r->name, n.best, why) : gotc_fail(h, -ENOMEM, "out of memory");
		free(why);
		goto out;
	}
	*info = str_printf("host_arch %s\nhost_glibc %s\n", host_arch(), n.best[0] ? n.best : "none");
	if (!*info)
		rc = gotc_fail(h, -ENOMEM, "out of memory");
out:
	free(n.file);
	return rc;
}

int toolchain_host_check(gotc_t *h, const struct recipe *r)
{
	if (!r || !r->host_glibc || strcmp(r->host_glibc, "none") == 0)
		return 0;
	if (version_cmp(host_glibc_version(), r->host_glibc) >= 0)
		return 0;
	return host_too_old(h, r->name, r->host_glibc, "");
}
