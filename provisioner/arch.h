/* arch.h - the one table mapping a target arch to everything derived from it. */
#ifndef GOTC_ARCH_H
#define GOTC_ARCH_H

#include <stdbool.h>

enum libc_kind { LIBC_GLIBC, LIBC_MUSL };

struct arch_libc {
	const char *triple;	/* canonical GNU triple for this libc      */
	const char *loader;	/* PT_INTERP of dynamic executables         */
};

struct arch_info {
	const char *name;	  /* target file spelling: arm64            */
	const char *goarch;	  /* amd64, arm64, arm, mips64, ...         */
	const char *subarch_var;  /* GOAMD64, GOARM, GOMIPS64, NULL         */
	const char *subarch_def;  /* v1, 7, hardfloat                       */
	const char *cpus;	  /* accepted first triple components       */
	const char *debian_arch;  /* dpkg architecture, NULL if none        */
	const char *qemu;	  /* qemu-<this>-static                     */
	const char *kernel_arch;  /* ARCH= for make headers_install          */
	const char *clang_target; /* --target= for clang (glibc flavour)    */
	int elf_machine;	  /* EM_*                                   */
	int elf_class;		  /* ELFCLASS32 / ELFCLASS64                */
	int elf_data;		  /* ELFDATA2LSB / ELFDATA2MSB              */
	unsigned elf_flags_mask;  /* e_flags bits that must equal ...       */
	unsigned elf_flags;	  /* ... these                              */
	const char *abi_desc;	  /* human name of the ABI flags            */
	struct arch_libc libc[2]; /* indexed by enum libc_kind              */
	/* e_flags bits of elf_flags a static executable may leave unset: no C
	 * ABI boundary (Go's linker marks ARM binaries EABI5 without a float ABI) */
	unsigned elf_flags_static_unmarked;
};

extern const struct arch_info arch_table[];
extern const unsigned arch_count;

const struct arch_info *arch_find(const char *name);
/* "glibc"/"musl" -> kind, -1 if unknown. */
int libc_parse(const char *s);
const char *libc_name(enum libc_kind k);
/* Does a toolchain triple (any vendor, e.g. aarch64-buildroot-linux-gnu)
 * name this arch and libc? */
bool arch_triple_matches(const struct arch_info *a, enum libc_kind libc, const char *triple);
/* Does the triple's cpu part (its first component) name this arch? */
bool arch_cpu_matches(const struct arch_info *a, const char *triple);
/* Comma list of arch names, for messages. */
const char *arch_names(void);

#endif
