/* arch_table.c - every per-arch fact lives in this table and nowhere else. */
#include <elf.h>
#include <string.h>

#include "arch.h"

#ifndef EF_ARM_ABI_FLOAT_HARD
#define EF_ARM_ABI_FLOAT_HARD 0x400
#endif
#ifndef EF_ARM_ABI_FLOAT_SOFT
#define EF_ARM_ABI_FLOAT_SOFT 0x200
#endif
/* the MIPS ABI field: 0 for n64 (o32 is EF_MIPS_ABI_O32 in it) */
#ifndef EF_MIPS_ABI
#define EF_MIPS_ABI 0x0000f000
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef EF_RISCV_FLOAT_ABI
#define EF_RISCV_FLOAT_ABI 0x6
#define EF_RISCV_FLOAT_ABI_DOUBLE 0x4
#endif

const struct arch_info arch_table[] = {
	{"x86_64", "amd64", "GOAMD64", "v1", "x86_64", "amd64", "x86_64", "x86",
	 "x86_64-linux-gnu", EM_X86_64, ELFCLASS64, ELFDATA2LSB, 0, 0, "x86-64 SysV",
	 {{"x86_64-linux-gnu", "/lib64/ld-linux-x86-64.so.2"},
	  {"x86_64-linux-musl", "/lib/ld-musl-x86_64.so.1"}}, 0},
	{"arm64", "arm64", NULL, NULL, "aarch64", "arm64", "aarch64", "arm64",
	 "aarch64-linux-gnu", EM_AARCH64, ELFCLASS64, ELFDATA2LSB, 0, 0, "AArch64 LP64",
	 {{"aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1"},
	  {"aarch64-linux-musl", "/lib/ld-musl-aarch64.so.1"}}, 0},
	{"armv7", "arm", "GOARM", "7", "arm armv7 armv7l armv7a armv7hl", "armhf", "arm", "arm",
	 "armv7a-linux-gnueabihf", EM_ARM, ELFCLASS32, ELFDATA2LSB,
	 EF_ARM_EABIMASK | EF_ARM_ABI_FLOAT_HARD | EF_ARM_ABI_FLOAT_SOFT,
	 EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_HARD, "ARM EABI5 hard-float",
	 {{"arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3"},
	  {"arm-linux-musleabihf", "/lib/ld-musl-armhf.so.1"}},
	 EF_ARM_ABI_FLOAT_HARD},
	{"mips64", "mips64", "GOMIPS64", "hardfloat", "mips64", "mips64", "mips64", "mips",
	 "mips64-linux-gnuabi64", EM_MIPS, ELFCLASS64, ELFDATA2MSB, EF_MIPS_ABI2 | EF_MIPS_ABI,
	 0, "MIPS n64",
	 {{"mips64-linux-gnuabi64", "/lib64/ld.so.1"},
	  {"mips64-linux-musl", "/lib/ld-musl-mips64.so.1"}}, 0},
	{"mips64le", "mips64le", "GOMIPS64", "hardfloat", "mips64el", "mips64el", "mips64el", "mips",
	 "mips64el-linux-gnuabi64", EM_MIPS, ELFCLASS64, ELFDATA2LSB, EF_MIPS_ABI2 | EF_MIPS_ABI,
	 0, "MIPS n64",
	 {{"mips64el-linux-gnuabi64", "/lib64/ld.so.1"},
	  {"mips64el-linux-musl", "/lib/ld-musl-mips64el.so.1"}}, 0},
	{"riscv64", "riscv64", NULL, NULL, "riscv64", "riscv64", "riscv64", "riscv",
	 "riscv64-linux-gnu", EM_RISCV, ELFCLASS64, ELFDATA2LSB, EF_RISCV_FLOAT_ABI,
	 EF_RISCV_FLOAT_ABI_DOUBLE, "RISC-V LP64D",
	 {{"riscv64-linux-gnu", "/lib/ld-linux-riscv64-lp64d.so.1"},
	  {"riscv64-linux-musl", "/lib/ld-musl-riscv64.so.1"}}, 0},
};

const unsigned arch_count = sizeof(arch_table) / sizeof(arch_table[0]);

const struct arch_info *arch_find(const char *name)
{
	for (unsigned i = 0; i < arch_count; i++)
		if (strcmp(arch_table[i].name, name) == 0)
			return &arch_table[i];
	return NULL;
}

int libc_parse(const char *s)
{
	if (strcmp(s, "glibc") == 0)
		return LIBC_GLIBC;
	if (strcmp(s, "musl") == 0)
		return LIBC_MUSL;
	return -1;
}

const char *libc_name(enum libc_kind k)
{
	return k == LIBC_MUSL ? "musl" : "glibc";
}

static bool word_in(const char *word, size_t n, const char *list)
{
	while (*list) {
		size_t l = strcspn(list, " ");
		if (l == n && strncmp(list, word, n) == 0)
			return true;
		list += l;
		while (*list == ' ')
			list++;
	}
	return false;
}

bool arch_cpu_matches(const struct arch_info *a, const char *triple)
{
	return word_in(triple, strcspn(triple, "-"), a->cpus);
}

bool arch_triple_matches(const struct arch_info *a, enum libc_kind libc, const char *triple)
{
	/* cpu[-vendor]-linux-env : compare cpu against the accepted list and env
	 * against the canonical triple's env. */
	size_t cpu = strcspn(triple, "-");
	if (!word_in(triple, cpu, a->cpus))
		return false;
	const char *env = strrchr(triple, '-');
	const char *want = strrchr(a->libc[libc].triple, '-');
	if (!env || !want || strcmp(env, want) != 0)
		return false;
	/* the OS component must be linux */
	size_t tl = strlen(triple), el = strlen(env);
	return tl > el + 6 && strncmp(triple + tl - el - 6, "-linux", 6) == 0;
}

const char *arch_names(void)
{
	return "x86_64, arm64, armv7, mips64, mips64le, riscv64";
}
