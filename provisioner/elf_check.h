/* elf_check.h - does an ELF file keep a target's ABI promise?  (libelf) */
#ifndef GOTC_ELF_CHECK_H
#define GOTC_ELF_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* One check on one file: name is a static string ("class", "machine",
 * "abi", "interp", "needed", "glibc", "glibcxx", "cxxabi", "cxx-stdlib",
 * "kernel"); msg is the evidence. */
struct elf_check {
	const char *name;
	bool ok;
	char *msg;
};

/* The results for one file, in a fixed order.  Free with elf_report_free. */
struct elf_report {
	struct elf_check *v;
	size_t n;
	size_t failed;
};

/* Check the ELF file at path (or the bytes data/len) against target t.
 * sysroot: the installed target's sysroot, where DT_NEEDED libraries are
 * looked up; NULL when the target is not installed (the "needed" check of a
 * dynamic target then fails saying so).
 * Returns 0 with out filled (out->failed counts the failed checks), or
 * GOTC_EELF / -errno with the detail in h, without the path (out is then
 * empty): malformed input is an error, never a crash. */
int elf_check_file(gotc_t *h, const struct target *t, const char *sysroot, const char *path,
		   struct elf_report *out);
int elf_check_mem(gotc_t *h, const struct target *t, const char *sysroot, const void *data,
		  size_t len, struct elf_report *out);
void elf_report_free(struct elf_report *r);

/* What a host program needs: the highest GLIBC_x.y of the file at path, when
 * it is an ELF file for ELF machine `machine` (EM_*).  Returns 1 with the
 * version ("2.36") in out, 0 when the file is not ELF, is for another
 * machine or needs no GLIBC_ version, or GOTC_EELF / -errno (detail in h)
 * when it is malformed ELF. */
int elf_glibc_need(gotc_t *h, const char *path, int machine, char *out, size_t outlen);

/* Symbol-version ceilings (exposed for tests).
 * The numeric part of a version name: "GLIBC_2.34" with prefix "GLIBC_" ->
 * "2.34"; NULL if name lacks the prefix or the rest is not digits and dots
 * (GLIBC_PRIVATE, CXXABI_TM_1). */
const char *symver_number(const char *name, const char *prefix);
/* Index of the highest numbered version with that prefix among names[0..n),
 * or -1 if none. */
long symver_highest(const char *const *names, size_t n, const char *prefix);
/* Is the version name (GLIBC_2.35) at or below ceiling ("2.34")?  Names
 * without a number are not "within". */
bool symver_within(const char *name, const char *prefix, const char *ceiling);

#endif
