/* bundle_archive.c - the bundle writer: tar + zstd through libarchive.
 * With unpack_archive.c (the reader) this is the archive module: the only
 * two files that include libarchive. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle.h"
#include "lazy.h"
#include "util.h"

struct bundle_writer {
	gotc_t *h;
	struct archive *a;
	const char *path;
};

static int wfail(struct bundle_writer *w, const char *what)
{
	return gotc_fail(w->h, GOTC_EARCHIVE, "%s: %s: %s", w->path, what, archive_error_string(w->a));
}

int bundle_writer_open(gotc_t *h, const char *path, int fd, struct bundle_writer **out)
{
	*out = NULL;
	int need = lazy_need(h, LAZY_ARCHIVE);
	if (need)
		return need;
	struct bundle_writer *w = calloc(1, sizeof(*w));
	if (!w || !(w->a = archive_write_new())) {
		free(w);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	w->h = h;
	w->path = path;
	int rc = 0;
	/* File names are byte strings (Debian's Go ships Äfoo.go; a name need
	 * not be UTF-8 at all): hdrcharset=BINARY stores them as they are, with
	 * no conversion through the locale, and marks them so for the reader. */
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_add_filter_zstd(w->a) != ARCHIVE_OK)
		rc = wfail(w, "tar + zstd not available in this libarchive");
	else if (archive_write_set_format_option(w->a, "pax", "hdrcharset", "BINARY") != ARCHIVE_OK)
		rc = wfail(w, "pax hdrcharset=BINARY not available in this libarchive");
	else if ((fd >= 0 ? archive_write_open_fd(w->a, fd) : archive_write_open_filename(w->a, path)) != ARCHIVE_OK)
		rc = wfail(w, "cannot create");
	if (rc) {
		archive_write_free(w->a);
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

int bundle_writer_add_data(struct bundle_writer *w, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	if (!e)
		return gotc_fail(w->h, -ENOMEM, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0444);
	archive_entry_set_size(e, (la_int64_t)len);
	int rc = 0;
	if (archive_write_header(w->a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(w->a, data, len) != (la_ssize_t)len))
		rc = wfail(w, name);
	archive_entry_free(e);
	return rc;
}

int bundle_writer_add(struct bundle_writer *w, const char *disk, const char *name)
{
	struct stat st;
	if (lstat(disk, &st) < 0)
		return gotc_fail(w->h, -errno, "%s: %s", disk, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode))
		return gotc_fail(w->h, GOTC_EUNSAFE, "%s: not a file, directory or symlink", disk);
	struct archive_entry *e = archive_entry_new();
	int fd = -1, rc = 0;
	if (!e)
		return gotc_fail(w->h, -ENOMEM, "out of memory");
	archive_entry_copy_stat(e, &st);
	archive_entry_set_pathname(e, name);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_nlink(e, 1);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(disk, target, sizeof(target) - 1);
		if (n < 0) {
			rc = gotc_fail(w->h, -errno, "readlink %s: %s", disk, strerror(errno));
			goto out;
		}
		target[n] = '\0';
		archive_entry_set_symlink(e, target);
	}
	if (S_ISREG(st.st_mode) && (fd = open(disk, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = gotc_fail(w->h, -errno, "%s: %s", disk, strerror(errno));
		goto out;
	}
	if (archive_write_header(w->a, e) != ARCHIVE_OK) {
		rc = wfail(w, name);
		goto out;
	}
	char buf[65536];
	uint64_t left = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	while (left) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = gotc_fail(w->h, n < 0 ? -errno : GOTC_ESTORE, "%s: %s", disk,
				       n < 0 ? strerror(errno) : "file shrank while writing the bundle");
			goto out;
		}
		if ((uint64_t)n > left)
			n = (ssize_t)left;
		if (archive_write_data(w->a, buf, (size_t)n) != n) {
			rc = wfail(w, name);
			goto out;
		}
		left -= (uint64_t)n;
	}
out:
	if (fd >= 0)
		close(fd);
	archive_entry_free(e);
	return rc;
}

int bundle_writer_close(struct bundle_writer *w, bool ok)
{
	int rc = 0;
	if (!w)
		return 0;
	if (ok && archive_write_close(w->a) != ARCHIVE_OK)
		rc = wfail(w, "cannot finish");
	archive_write_free(w->a);
	free(w);
	return rc;
}
