/* unpack.h - archive extraction through libarchive (the only module that includes it). */
#ifndef GOTC_UNPACK_H
#define GOTC_UNPACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "gotc.h"

struct unpack_opts {
	char *const *include;  /* member path prefixes as named in the archive
				  (leading "./" ignored), NULL = every member */
	uint64_t strip;	       /* leading path components removed after matching */
	uint64_t max_bytes;    /* limit on total bytes written; 0 = h->max_unpack */
	bool fix_abs_symlinks; /* rewrite absolute symlinks to relative links inside
				  root (sysroots); otherwise they are rejected */
	bool exclusive;	       /* other archives unpack into root concurrently:
				  refuse a non-directory path that is already
				  there (GOTC_EUNSAFE, "the archives overlap") */
	uint64_t written;      /* out: bytes of file data written */
	/* Optional, with exclusive: called for each regular file written
	 * through its claimed descriptor, with its state once written (fstat)
	 * and the sha256 of its bytes as they were written (holes as zeros);
	 * sha256 NULL for a hard link made to such a file: st is the file's
	 * state after the link.  The store's commit uses these instead of
	 * reading the files again (store_hashes_*, store.h). */
	void (*file_hashed)(void *ctx, const struct stat *st, const char *sha256);
	void *hash_ctx;
	/* Optional: read the archive through this function instead of from the
	 * file (the file name then only labels messages), e.g. while it is still
	 * being downloaded.  Returns bytes read, 0 at the end, or -1 (error). */
	long (*read_fn)(void *ctx, void *buf, size_t len);
	void *read_ctx;
	/* With read_fn: the descriptor read_fn reads, or -1.  A zip keeps its
	 * modes and symlinks in its central directory, at the end: it is read
	 * through read_fn to the end, then extracted from the file (which must
	 * then be the same file as read_fd). */
	int read_fd;
};

/* The default limit for an archive of archive_size bytes (0: unknown): the
 * ratio times its size ([unpack] max_ratio), never above [unpack] max_size.
 * Unverified bytes streamed from a download are held to the declared size,
 * so staging never holds more than the declared size times the ratio. */
uint64_t unpack_limit(const gotc_t *h, uint64_t archive_size);

/* Unpack archive into root (an existing directory).  Formats: tar (gz, xz,
 * bz2, zstd), zip, Debian .deb (data.tar.* read as a stream), .rpm, Alpine
 * .apk.  Returns 0, or GOTC_EUNSAFE / GOTC_EARCHIVE / GOTC_ETOOBIG with
 * "ARCHIVE: member 'NAME': reason" in h->errbuf. */
int unpack_archive(gotc_t *h, const char *archive, const char *root, struct unpack_opts *o);
int unpack_archive_mem(gotc_t *h, const void *data, size_t len, const char *root, struct unpack_opts *o); /* same, archive in memory (fuzzing) */

/* Decompress a single compressed file (xz, gz, bz2, zstd, or plain) into
 * memory (*out malloc'd, NUL-terminated), at most max bytes. */
int unpack_decompress(gotc_t *h, const char *path, uint64_t max, char **out, size_t *len);

#endif
