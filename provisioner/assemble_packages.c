/* assemble_packages.c - the ABI promise for the libraries a target's
 * [packages] add: every shared library the packages entry holds is checked
 * with the checker of gotc check (elf_check.c) against the target (class,
 * byte order, machine and ABI flags, the GLIBC_/GLIBCXX_/CXXABI_ ceilings,
 * the C++ standard library, the kernel ABI note, DT_NEEDED looked up in the
 * sysroot view) when a prefix is assembled on it.  A refusal names the package, the library and
 * the evidence (the symbol version). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_check.h"
#include "install.h"
#include "unpack.h"
#include "util.h"

/* libNAME.so or libNAME.so.N... */
static bool shared_name(const char *n)
{
	const char *so = strstr(n, ".so");
	return so && (so[3] == '\0' || so[3] == '.');
}

static bool is_elf(const char *path)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool ok = fd >= 0 && read(fd, m, 4) == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The shared libraries under root/rel (relative paths pushed to *v). */
static int walk(const char *root, const char *rel, char ***v, int depth)
{
	char *dir = rel[0] ? path_join(root, rel) : strdup(root);
	DIR *d = dir && depth < 32 ? opendir(dir) : NULL;
	int rc = dir ? 0 : -ENOMEM;
	for (struct dirent *de; !rc && d && (de = readdir(d));) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *r = rel[0] ? str_printf("%s/%s", rel, de->d_name) : strdup(de->d_name);
		char *full = r ? path_join(root, r) : NULL;
		struct stat st;
		if (!r || !full)
			rc = -ENOMEM;
		else if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			rc = walk(root, r, v, depth + 1);
		else if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && shared_name(de->d_name) && is_elf(full))
			rc = strv_push(v, r) ? -ENOMEM : 0;
		free(r);
		free(full);
	}
	if (d)
		closedir(d);
	free(dir);
	return rc;
}

/* The package of e whose .deb holds rel (its source), or NULL. */
static const struct source *owner_of(gotc_t *h, const struct entry *e, const char *rel, const char *scratch)
{
	char *inc[] = {(char *)rel, NULL};
	const struct source *found = NULL;
	for (size_t i = 0; i < e->narts && !found; i++) {
		char *dir = str_printf("%s/owner-%zu", scratch, i);
		char *f = dir ? path_join(dir, rel) : NULL;
		struct unpack_opts o = {.include = inc, .fix_abs_symlinks = true, .read_fd = -1};
		if (f && mkdir_p(dir, 0755) == 0 && unpack_archive(h, e->arts[i].cache_path, dir, &o) == 0 && is_file(f))
			found = e->arts[i].src;
		if (dir)
			rm_rf(dir);
		free(dir);
		free(f);
	}
	return found;
}

int packages_abi_check(gotc_t *h, const struct plan *p, const struct entry *e, const char *root,
		       const char *sysroot, const char *scratch)
{
	const struct target *t = p->rs.t;
	char **libs = calloc(1, sizeof(char *));
	int rc = libs ? walk(root, "", &libs, 0) : -ENOMEM;
	if (rc)
		return gotc_fail(h, rc, "%s: %s", root, strerror(-rc));
	for (size_t i = 0; !rc && libs[i]; i++) {
		char *full = path_join(root, libs[i]);
		struct elf_report rep;
		rc = full ? elf_check_file(h, t, sysroot, full, &rep) : gotc_fail(h, -ENOMEM, "out of memory");
		free(full);
		if (rc) {
			rc = gotc_wrap(h, GOTC_EASSEMBLE, "package library %s", libs[i]);
			break;
		}
		const struct elf_check *bad = NULL;
		for (size_t k = 0; k < rep.n && !bad; k++)
			if (!rep.v[k].ok && (sysroot || strcmp(rep.v[k].name, "needed") != 0))
				bad = &rep.v[k];
		if (bad) {
			const struct source *s = owner_of(h, e, libs[i], scratch);
			const char *ver = s ? strchr(s->name, '_') : NULL;
			rc = gotc_fail(h, GOTC_EASSEMBLE,
				       "package %s%s%s: library /%s breaks the ABI promise of %s (%s: %s); "
				       "the target was not installed",
				       s && s->package ? s->package : "(of the packages entry)", ver ? " " : "",
				       ver ? ver + 1 : "", libs[i], t->name, bad->name, bad->msg);
		}
		elf_report_free(&rep);
	}
	strv_free(libs);
	return rc;
}
