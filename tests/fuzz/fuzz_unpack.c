/* fuzz_unpack.c - libFuzzer target for unpack_archive_mem.
 *
 * Each input is unpacked into a fresh DIR/root beside an empty DIR/outside;
 * besides sanitizer reports, anything appearing in DIR other than root is a
 * finding (an escape), and so is a symlink left in root whose target is
 * absolute.  Odd-length inputs run with fix_abs_symlinks, even ones without.
 *
 * make && clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -iquote provisioner \
 *   tests/fuzz/fuzz_unpack.c provisioner/unpack_archive.c provisioner/util_fs.c provisioner/util_str.c \
 *   build/libgotc.a $(pkg-config --libs libarchive libcrypto inih) -o build/fuzz_unpack
 * (libgotc.a supplies gotc_fail/gotc_info: config.c drags in the rest.)
 * Run: build/fuzz_unpack -max_total_time=60 SCRATCH tests/fuzz/seeds/unpack
 * (seeds: GOTC_UNPACK_SEEDS=DIR build/tests/test_unpack, plain tar/cpio/deb,
 * and regress-* reproducers of fixed crashes)
 */
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unpack.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* libarchive makes single multi-GB mallocs on some corrupt inputs (and never
 * touches the memory); raise libFuzzer's malloc limit unless one was given. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char flag[] = "-malloc_limit_mb=8192";
	static char *args[256];
	if (*argc < 1 || *argc > 250)
		return 0;
	for (int i = 1; i < *argc; i++)
		if (str_starts((*argv)[i], "-malloc_limit_mb="))
			return 0;
	args[0] = (*argv)[0];
	args[1] = flag;
	for (int i = 1; i < *argc; i++)
		args[i + 1] = (*argv)[i];
	args[*argc + 1] = NULL;
	*argc += 1;
	*argv = args;
	return 0;
}

static char dir[64], root[80];

static void cleanup(void)
{
	rm_rf(dir);
}

static int no_abs_link(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	char t[4096];
	ssize_t n;
	if (flag == FTW_SL && (n = readlink(p, t, sizeof(t) - 1)) > 0 && t[0] == '/') {
		fprintf(stderr, "absolute symlink left in root: %s\n", p);
		abort();
	}
	return 0;
}

/* With exclusive, the hashes unpack notes (as install keeps them for the
 * commit): a note for a file in exactly its present state must hold that
 * file's sha256, or the commit would write a manifest that lies. */
struct note {
	struct stat st;
	char sha[129];
};
static struct note notes[512];
static size_t nnotes;

static void note_cb(void *ctx, const struct stat *st, const char *sha256)
{
	(void)ctx;
	if (nnotes < sizeof(notes) / sizeof(notes[0])) {
		notes[nnotes].st = *st;
		snprintf(notes[nnotes].sha, sizeof(notes[nnotes].sha), "%s", sha256 ? sha256 : "");
		nnotes++;
	}
}

static int notes_true(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	for (size_t i = 0; i < nnotes; i++) {
		const struct stat *n = &notes[i].st;
		char hex[129];
		if (!notes[i].sha[0] || n->st_ino != st->st_ino || n->st_size != st->st_size ||
		    n->st_ctim.tv_sec != st->st_ctim.tv_sec || n->st_ctim.tv_nsec != st->st_ctim.tv_nsec)
			continue;
		if (hash_file(p, HASH_SHA256, hex) == 0 && strcmp(hex, notes[i].sha) != 0) {
			fprintf(stderr, "%s: noted sha256 %s, the file has %s\n", p, notes[i].sha, hex);
			abort();
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/gotc-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(root, sizeof(root), "%s/root", dir);
		char out[80];
		snprintf(out, sizeof(out), "%s/outside", dir);
		mkdir(out, 0755);
		atexit(cleanup);
	}
	mkdir(root, 0755);
	gotc_t h = {0};
	/* the second bit: claimed (exclusive) extraction, as installs unpack */
	struct unpack_opts o = {.max_bytes = 4 << 20, .fix_abs_symlinks = size & 1,
				.exclusive = (size >> 1) & 1, .file_hashed = note_cb};
	nnotes = 0;
	unpack_archive_mem(&h, data, size, root, &o);
	nftw(root, no_abs_link, 16, FTW_PHYS);
	nftw(root, notes_true, 16, FTW_PHYS);
	rm_rf(root);
	DIR *d = opendir(dir);
	size_t n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "outside");
	if (d)
		closedir(d);
	char out[80];
	snprintf(out, sizeof(out), "%s/outside", dir);
	d = opendir(out);
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	if (n) {
		fprintf(stderr, "escape: %zu entries beside root in %s\n", n, dir);
		abort();
	}
	return 0;
}
