/* fuzz_elf.c - libFuzzer target for the ELF checker: any bytes give a report
 * or an error, never a crash, a leak or an out-of-bounds read.  Each input is
 * checked against every arch (glibc, dynamic, with an empty sysroot so the
 * DT_NEEDED lookup runs) and against a static musl libc++ target.  Seeds:
 * tests/fuzz/seeds/elf (small real binaries). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_check.h"
#include "model.h"
#include "util.h"

static char sysroot[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sysroot[0]) {
		snprintf(sysroot, sizeof(sysroot), "/tmp/gotc-fuzz-elf.%ld", (long)getpid());
		mkdir_p(sysroot, 0755);
	}
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct target t;
	memset(&t, 0, sizeof(t));
	t.name = (char *)"fuzz";
	t.libc_version = (char *)"2.34";
	t.kernel = (char *)"4.18";
	t.glibcxx = (char *)"3.4.29";
	t.cxxabi = (char *)"1.3.13";
	for (unsigned i = 0; i <= arch_count; i++) {
		bool musl = i == arch_count;
		t.arch = &arch_table[musl ? 0 : i];
		t.libc = musl ? LIBC_MUSL : LIBC_GLIBC;
		t.is_static = musl;
		t.cxx_stdlib = (char *)(musl ? "libc++" : "libstdc++");
		struct elf_report r;
		if (elf_check_mem(&h, &t, musl ? NULL : sysroot, data, size, &r) == 0)
			elf_report_free(&r);
	}
	return 0;
}
