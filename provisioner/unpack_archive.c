/* unpack_archive.c - archive extraction through libarchive; the only file that includes it.
 *
 * One code path for every format: open a reader (file or memory), read the
 * first header, then either extract its entries (tar, zip, rpm's cpio, apk's
 * concatenated tar) or, for an ar archive, find the Debian data.tar.* member
 * and read it as a stream through a second reader fed from the first.
 *
 * Every member is checked by us before archive_write_disk sees it:
 *   - names: no absolute paths, no '..' components;
 *   - no parent directory under root may be a symlink (checked with lstat, so
 *     links created earlier in this archive or by an earlier layer count);
 *   - symlink targets: relative ones may climb ('..') only as a leading run and
 *     not above root, computed lexically from the link's directory; because
 *     that directory is a real one (see above) and every other link obeys the
 *     same rule, resolution stays inside root.  Absolute targets are rewritten
 *     to the equivalent relative link when fix_abs_symlinks, else refused;
 *   - hardlinks must name a regular file extracted earlier from this archive;
 *   - devices, FIFOs and sockets are refused; setuid/setgid/sticky are dropped.
 * archive_write_disk then adds SECURE_NODOTDOT (SECURE_SYMLINKS would repeat
 * our parent check uncached, at ~15 opens per member).  It cannot add
 * SECURE_NOABSOLUTEPATHS: we write to root-prefixed absolute paths instead
 * of chdir()ing (the process cwd belongs to the caller); our own check refuses
 * absolute member names before the prefix is added.  root is realpath()ed so
 * the prefix itself holds no symlink or '..'.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "unpack.h"
#include "lazy.h"
#include "util.h"

#define BLOCK (256 * 1024)

enum { NAME_OK, NAME_ABS, NAME_DOTDOT };

struct strset {
	char **v;
	size_t n, cap; /* cap is 0 or a power of two */
};

struct ctx {
	gotc_t *h;
	struct unpack_opts *o;
	const char *label; /* archive path, for messages */
	char *root;	   /* realpath of root */
	char **inc;	   /* normalized include prefixes, or NULL */
	struct archive *disk;
	struct archive *outer; /* ar archive feeding the inner data.tar */
	char *blk;	       /* buffer for the inner reader */
	char *fblk;	       /* buffer for opts->read_fn */
	long peeked;	       /* bytes of fblk read ahead, returned first */
	uint64_t limit, total, files;
	bool apk;
	struct strset okdirs; /* parent dirs found free of symlinks */
	struct strset regs;  /* regular files extracted: hardlink targets */
	struct buf path;     /* scratch: root/rel */
	struct buf link;     /* scratch: root/hardlink or rewritten symlink */
	struct buf name;     /* current member's name as stored */
};

/* ---- small helpers ---- */

static uint64_t fnv1a(const char *s)
{
	uint64_t x = 1469598103934665603ULL;
	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 1099511628211ULL;
	return x;
}

static bool set_has(const struct strset *s, const char *k)
{
	if (!s->cap)
		return false;
	for (size_t i = fnv1a(k) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->v[i], k) == 0)
			return true;
	return false;
}

static int set_add(struct strset *s, const char *k)
{
	if (set_has(s, k))
		return 0;
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		char **v = calloc(cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->v[j])
				continue;
			size_t i = fnv1a(s->v[j]) & (cap - 1);
			while (v[i])
				i = (i + 1) & (cap - 1);
			v[i] = s->v[j];
		}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	char *d = strdup(k);
	if (!d)
		return -ENOMEM;
	size_t i = fnv1a(k) & (s->cap - 1);
	while (s->v[i])
		i = (i + 1) & (s->cap - 1);
	s->v[i] = d;
	s->n++;
	return 0;
}

static void set_free(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
}

/* Normalize an archive path: drop "." and empty components (so a leading
 * "./" and a trailing "/"), join the rest with '/'.  *out is malloc'd (""
 * for the archive root) or NULL on ENOMEM. */
static int norm_path(const char *in, char **out)
{
	*out = NULL;
	if (in[0] == '/')
		return NAME_ABS;
	char *s = malloc(strlen(in) + 1), *d = s;
	if (!s)
		return -ENOMEM;
	for (const char *p = in; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			free(s);
			return NAME_DOTDOT;
		}
		if (n && !(n == 1 && p[0] == '.')) {
			if (d != s)
				*d++ = '/';
			memcpy(d, p, n);
			d += n;
		}
		p += n + (p[n] == '/');
	}
	*d = '\0';
	*out = s;
	return NAME_OK;
}

static const char *strip_n(const char *p, uint64_t n)
{
	for (; n; n--) {
		const char *s = strchr(p, '/');
		if (!s)
			return "";
		p = s + 1;
	}
	return p;
}

static bool included(const struct ctx *c, const char *name)
{
	if (!c->inc)
		return true;
	for (char **i = c->inc; *i; i++) {
		size_t n = strlen(*i);
		if (!n || (strncmp(name, *i, n) == 0 && (name[n] == '\0' || name[n] == '/')))
			return true;
	}
	return false;
}

static const char *full(struct ctx *c, struct buf *b, const char *rel)
{
	b->len = 0;
	buf_printf(b, "%s/%s", c->root, rel);
	return b->oom ? NULL : b->s;
}

static int oom(struct ctx *c)
{
	return gotc_fail(c->h, -ENOMEM, "%s: out of memory", c->label);
}

__attribute__((format(printf, 3, 4))) static int unsafe(struct ctx *c, const char *name,
							 const char *fmt, ...)
{
	char why[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return gotc_fail(c->h, GOTC_EUNSAFE, "%s: member '%s': %s", c->label, name, why);
}

static int read_fail(struct ctx *c, struct archive *a, const char *name)
{
	const char *msg = archive_error_string(a);
	if (!msg)
		msg = "unreadable archive";
	if (name)
		return gotc_fail(c->h, GOTC_EARCHIVE, "%s: member '%s': %s", c->label, name, msg);
	return gotc_fail(c->h, GOTC_EARCHIVE, "%s: %s", c->label, msg);
}

/* archive_write_disk refused: system errors keep their errno; its own
 * refusals (symlink, '..') have none and are reported as unsafe. */
static int disk_fail(struct ctx *c, const char *name)
{
	int e = archive_errno(c->disk);
	const char *msg = archive_error_string(c->disk);
	return gotc_fail(c->h, e > 0 ? -e : GOTC_EUNSAFE, "%s: member '%s': %s", c->label, name,
			 msg ? msg : "cannot extract");
}

/* ---- checks ---- */

/* A path the file system and every tool can use: each name at most NAME_MAX
 * bytes and root/rel under PATH_MAX, so the entry can be hashed, read and
 * removed by path.  The message shows the name's ends only. */
static int check_length(struct ctx *c, const char *name, const char *rel)
{
	size_t total = strlen(c->root) + 1 + strlen(rel), longest = 0;
	for (const char *s = rel; *s;) {
		size_t n = strcspn(s, "/");
		if (n > longest)
			longest = n;
		s += n + (s[n] == '/');
	}
	if (total < PATH_MAX && longest <= NAME_MAX)
		return 0;
	size_t len = strlen(name);
	char shown[128];
	if (len < sizeof(shown))
		snprintf(shown, sizeof(shown), "%s", name);
	else
		snprintf(shown, sizeof(shown), "%.60s...%s", name, name + len - 60);
	if (longest > NAME_MAX)
		return gotc_fail(c->h, GOTC_EUNSAFE, "%s: member '%s' (%zu bytes): File name too long (a "
				 "name of %zu bytes; the limit is %d)", c->label, shown, len, longest, NAME_MAX);
	return gotc_fail(c->h, GOTC_EUNSAFE, "%s: member '%s' (%zu bytes): File name too long (%zu "
			 "bytes in the store; the limit is %d)", c->label, shown, len, total, PATH_MAX - 1);
}

/* o->exclusive: other archives unpack into the same tree at the same time, so
 * every path a member creates is claimed atomically first: a directory with
 * mkdir (an existing directory is shared), anything else with O_EXCL.  A
 * regular file is then written through the claimed descriptor (*fd); the
 * rest is what archive_write_disk replaces.  A path another archive (or an
 * earlier member) already holds is refused: the layering would depend on
 * timing. */
static int claim_once(const char *dst, mode_t type, int *fd)
{
	struct stat st;
	if (type == AE_IFDIR) {
		if (mkdir(dst, 0700) == 0)
			return 0;
		if (errno == EEXIST)
			return lstat(dst, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -EEXIST;
		return -errno;
	}
	int f = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f < 0)
		return -errno;
	if (fd)
		*fd = f;
	else
		close(f);
	return 0;
}

static int claim(struct ctx *c, const char *name, const char *dst, mode_t type, int *fd)
{
	int rc = claim_once(dst, type, fd);
	if (rc == -ENOENT) { /* parents come later in the archive, or from another one */
		char *dir = path_dirname(dst);
		rc = dir ? mkdir_p(dir, 0755) : -ENOMEM;
		free(dir);
		if (!rc)
			rc = claim_once(dst, type, fd);
	}
	if (rc == -EEXIST)
		return unsafe(c, name, "another archive of this store entry (or an earlier member) "
				       "already holds this path: the archives overlap");
	if (rc == -ENOMEM)
		return oom(c);
	if (rc)
		return gotc_fail(c->h, rc, "%s: member '%s': %s", c->label, name, strerror(-rc));
	return 0;
}

/* No existing parent of rel under root may be a symlink.  Directories found
 * clean are remembered (until a symlink is extracted), so a tree of N files
 * costs about one lstat per directory, not one per path component per file. */
static int check_parents(struct ctx *c, const char *name, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	if (!slash)
		return 0;
	size_t dlen = (size_t)(slash - rel);
	char *dir = str_ndup(rel, dlen);
	if (!dir)
		return oom(c);
	int rc = 0;
	if (set_has(&c->okdirs, dir))
		goto out;
	const char *p = full(c, &c->path, rel);
	if (!p) {
		rc = oom(c);
		goto out;
	}
	size_t base = strlen(c->root) + 1;
	for (size_t i = 0; i <= dlen; i++) {
		if (rel[i] != '/')
			continue;
		dir[i] = '\0';
		bool known = set_has(&c->okdirs, dir);
		dir[i] = i < dlen ? '/' : '\0';
		if (known)
			continue;
		struct stat st;
		c->path.s[base + i] = '\0';
		int r = lstat(p, &st);
		c->path.s[base + i] = '/';
		if (r < 0)
			break; /* missing: nothing deeper exists either */
		if (S_ISLNK(st.st_mode)) {
			char *bad = str_ndup(rel, i);
			rc = bad ? unsafe(c, name, "path goes through symlink '%s'", bad) : oom(c);
			free(bad);
			goto out;
		}
		dir[i] = '\0';
		r = set_add(&c->okdirs, dir);
		dir[i] = i < dlen ? '/' : '\0';
		if (r < 0) {
			rc = oom(c);
			goto out;
		}
	}
out:
	free(dir);
	return rc;
}

/* Decide what a symlink at rel pointing at target may become.  *out is the
 * target to write (target itself, or the rewritten absolute one in c->link). */
static int check_symlink(struct ctx *c, const char *name, const char *rel, const char *target,
			 const char **out)
{
	size_t depth = 0;
	for (const char *s = rel; *s; s++)
		depth += *s == '/';
	if (!*target)
		return unsafe(c, name, "empty symlink target");
	if (target[0] == '/') {
		if (!c->o->fix_abs_symlinks)
			return unsafe(c, name, "absolute symlink target '%s'", target);
		/* Lexical, '..' stopping at '/' as the kernel does at the root. */
		struct buf t;
		buf_init(&t);
		for (const char *p = target; *p;) {
			size_t n = strcspn(p, "/");
			if (n == 2 && p[0] == '.' && p[1] == '.') {
				char *s = t.len ? strrchr(t.s, '/') : NULL;
				t.len = s ? (size_t)(s - t.s) : 0;
				if (t.s)
					t.s[t.len] = '\0';
			} else if (n && !(n == 1 && p[0] == '.')) {
				if (t.len)
					buf_putc(&t, '/');
				buf_add(&t, p, n);
			}
			p += n + (p[n] == '/');
		}
		c->link.len = 0;
		for (size_t i = 0; i < depth; i++)
			buf_puts(&c->link, i + 1 < depth || t.len ? "../" : "..");
		if (t.len)
			buf_add(&c->link, t.s, t.len);
		else if (!depth)
			buf_putc(&c->link, '.');
		bool bad = t.oom || c->link.oom;
		buf_free(&t);
		if (bad)
			return oom(c);
		*out = c->link.s;
		gotc_info(c->h, "%s: symlink %s -> %s rewritten to %s", c->label, rel, target, *out);
		return 0;
	}
	size_t up = 0;
	bool named = false;
	for (const char *p = target; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (named)
				return unsafe(c, name, "symlink target '%s' has '..' after a name",
					      target);
			up++;
		} else if (n && !(n == 1 && p[0] == '.')) {
			named = true;
		}
		p += n + (p[n] == '/');
	}
	if (up > depth)
		return unsafe(c, name, "symlink target '%s' escapes the root", target);
	*out = target;
	return 0;
}

/* A hardlink must name a regular file this archive already extracted. */
static int check_hardlink(struct ctx *c, const char *name, const char *self, const char *target,
			  const char **out)
{
	char *norm = NULL;
	int k = norm_path(target, &norm);
	if (k < 0)
		return oom(c);
	int rc = 0;
	if (k != NAME_OK || !*norm) {
		rc = unsafe(c, name, "hardlink target '%s' is outside the root", target);
		goto out;
	}
	const char *rel = strip_n(norm, c->o->strip);
	struct stat st;
	/* libarchive skips a link to itself with a warning and no data state:
	 * writing its data then puts the writer in its fatal state */
	if (strcmp(rel, self) == 0) {
		rc = unsafe(c, name, "hard link to itself");
		goto out;
	}
	if (!*rel || !set_has(&c->regs, rel)) {
		rc = unsafe(c, name, "hardlink target '%s' is not a file extracted before it", target);
		goto out;
	}
	if ((rc = check_parents(c, name, rel)))
		goto out;
	if (!(*out = full(c, &c->link, rel))) {
		rc = oom(c);
		goto out;
	}
	if (lstat(*out, &st) < 0 || !S_ISREG(st.st_mode))
		rc = unsafe(c, name, "hardlink target '%s' is no longer a regular file", target);
out:
	free(norm);
	return rc;
}

/* ---- extraction ---- */

static int file_fail(struct ctx *c, const char *name)
{
	int e = errno ? errno : EIO;
	return gotc_fail(c->h, -e, "%s: member '%s': %s", c->label, name, strerror(e));
}

/* n bytes at offset off of a claimed regular file. */
static int file_write(struct ctx *c, const char *name, int fd, const void *p, size_t n, uint64_t off)
{
	const char *s = p;
	while (n) {
		ssize_t w = pwrite(fd, s, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return file_fail(c, name);
		}
		s += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* The hash of a claimed file follows its bytes in order; a hole (a block
 * past the end so far, or the sparse tail) counts as zeros.  A block that
 * goes back drops the hash: the commit reads that file again. */
static void hash_to(struct hasher *hs, uint64_t *at, uint64_t off)
{
	static const char zeros[65536];
	while (*at < off) {
		uint64_t n = off - *at < sizeof(zeros) ? off - *at : sizeof(zeros);
		hasher_update(hs, zeros, (size_t)n);
		*at += n;
	}
}

/* A claimed regular file written: its declared size (a sparse tail), its
 * mode and times, as archive_write_disk would set them. */
static int file_finish(struct ctx *c, const char *name, int fd, struct archive_entry *e,
		       uint64_t size, uint64_t end)
{
	if (size > end && ftruncate(fd, (off_t)size) < 0)
		return file_fail(c, name);
	if (fchmod(fd, archive_entry_perm(e) & 0777) < 0)
		return file_fail(c, name);
	if (archive_entry_mtime_is_set(e)) {
		struct timespec ts[2];
		ts[1].tv_sec = archive_entry_mtime(e);
		ts[1].tv_nsec = archive_entry_mtime_nsec(e);
		ts[0] = ts[1];
		if (archive_entry_atime_is_set(e)) {
			ts[0].tv_sec = archive_entry_atime(e);
			ts[0].tv_nsec = archive_entry_atime_nsec(e);
		}
		if (futimens(fd, ts) < 0)
			return file_fail(c, name);
	}
	return 0;
}

static int extract_entry(struct ctx *c, struct archive *a, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	if (!name)
		name = archive_entry_pathname_utf8(e);
	if (!name)
		return gotc_fail(c->h, GOTC_EARCHIVE, "%s: member with an unreadable name", c->label);
	/* Keep a copy for messages: set_pathname below frees the entry's. */
	c->name.len = 0;
	buf_puts(&c->name, name);
	if (c->name.oom)
		return oom(c);
	name = c->name.s;
	char *norm = NULL;
	int k = norm_path(name, &norm), rc = 0;
	if (k < 0)
		return oom(c);
	if (k == NAME_ABS)
		return unsafe(c, name, "absolute path");
	if (k == NAME_DOTDOT)
		return unsafe(c, name, "'..' in path");
	const char *rel = strip_n(norm, c->o->strip);
	int fd = -1; /* a claimed regular file */
	struct hasher *hs = NULL; /* its bytes so far, when the caller wants them */
	if ((rc = check_length(c, name, rel)))
		goto out;
	if (!*norm || (c->apk && norm[0] == '.' && !strchr(norm, '/')) || !included(c, norm) ||
	    !*rel)
		goto out; /* archive root, apk metadata, not selected, stripped away */

	mode_t type = archive_entry_filetype(e);
	const char *hl = archive_entry_hardlink(e), *sl = NULL, *t = NULL;
	if (hl) {
		if ((rc = check_hardlink(c, name, rel, hl, &hl)))
			goto out;
		type = AE_IFREG;
	} else if (type == AE_IFLNK) {
		t = archive_entry_symlink(e);
		if ((rc = check_symlink(c, name, rel, t ? t : "", &sl)))
			goto out;
	} else if (type == AE_IFCHR || type == AE_IFBLK) {
		rc = unsafe(c, name, "device node");
		goto out;
	} else if (type == AE_IFIFO) {
		rc = unsafe(c, name, "FIFO");
		goto out;
	} else if (type == AE_IFSOCK) {
		rc = unsafe(c, name, "socket");
		goto out;
	} else if (type != AE_IFREG && type != AE_IFDIR) {
		rc = unsafe(c, name, "unsupported file type");
		goto out;
	}
	if ((rc = check_parents(c, name, rel)))
		goto out;

	uint64_t size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
				? (uint64_t)archive_entry_size(e)
				: 0;
	if (type != AE_IFREG)
		size = 0;
	if (size > c->limit - c->total)
		goto toobig;

	mode_t perm = archive_entry_perm(e) & 0777; /* no setuid, setgid, sticky */
	archive_entry_set_perm(e, type == AE_IFDIR ? perm | 0700 : perm);
	const char *dst = full(c, &c->path, rel);
	if (!dst) {
		rc = oom(c);
		goto out;
	}
	/* a claimed regular file is written through its descriptor: handing it
	 * to archive_write_disk would unlink and create it again */
	if (c->o->exclusive && (rc = claim(c, name, dst, type, type == AE_IFREG && !hl ? &fd : NULL)))
		goto out;
	archive_entry_set_pathname(e, dst);
	if (hl)
		archive_entry_set_hardlink(e, hl);
	if (sl) {
		if (sl != t) /* rewritten absolute target */
			archive_entry_set_symlink(e, sl);
		set_free(&c->okdirs); /* a new link may sit on a cached parent path */
		memset(&c->okdirs, 0, sizeof(c->okdirs));
	}
	if (fd < 0 && archive_write_header(c->disk, e) < ARCHIVE_WARN) {
		rc = disk_fail(c, name);
		goto out;
	}
	uint64_t end = 0, hashed = 0;
	if (fd >= 0 && c->o->file_hashed && !(hs = hasher_new(HASH_SHA256))) {
		rc = oom(c);
		goto out;
	}
	if (type == AE_IFREG) {
		for (;;) {
			const void *p;
			size_t n;
			la_int64_t off;
			int r = archive_read_data_block(a, &p, &n, &off);
			if (r == ARCHIVE_EOF)
				break;
			if (r < ARCHIVE_WARN) {
				rc = read_fail(c, a, name);
				goto out;
			}
			if (off < 0 || (uint64_t)off > c->limit || n > c->limit - (uint64_t)off)
				goto toobig;
			if ((uint64_t)off + n > end)
				end = (uint64_t)off + n;
			if (end > size && end - size > c->limit - c->total - size)
				goto toobig;
			if (fd >= 0) {
				if ((rc = file_write(c, name, fd, p, n, (uint64_t)off)))
					goto out;
				if (hs && (uint64_t)off < hashed) {
					hasher_free(hs);
					hs = NULL;
				} else if (hs) {
					hash_to(hs, &hashed, (uint64_t)off);
					hasher_update(hs, p, n);
					hashed += n;
				}
			} else if (archive_write_data_block(c->disk, p, n, off) < ARCHIVE_WARN) {
				rc = disk_fail(c, name);
				goto out;
			}
		}
	}
	if (fd >= 0) {
		if ((rc = file_finish(c, name, fd, e, size, end)))
			goto out;
		struct stat st;
		if (hs && fstat(fd, &st) == 0) {
			char hex[129];
			hash_to(hs, &hashed, (uint64_t)st.st_size);
			hasher_final(hs, hex);
			hs = NULL;
			c->o->file_hashed(c->o->hash_ctx, &st, hex);
		}
	} else if (archive_write_finish_entry(c->disk) < ARCHIVE_WARN) {
		rc = disk_fail(c, name);
		goto out;
	} else if (hl && c->o->exclusive && c->o->file_hashed) {
		struct stat st; /* the link changed the file's ctime */
		if (lstat(dst, &st) == 0 && S_ISREG(st.st_mode))
			c->o->file_hashed(c->o->hash_ctx, &st, NULL);
	}
	c->total += end > size ? end : size;
	c->files++;
	if (type == AE_IFREG && set_add(&c->regs, rel) < 0)
		rc = oom(c);
	goto out;
toobig:
	rc = gotc_fail(c->h, GOTC_ETOOBIG, "%s: member '%s': expands past the size limit of %llu bytes",
		       c->label, name, (unsigned long long)c->limit);
out:
	hasher_free(hs);
	if (fd >= 0 && close(fd) < 0 && !rc)
		rc = file_fail(c, name);
	free(norm);
	return rc;
}

/* Extract every entry of a, starting with first (already read) if given. */
static int extract_all(struct ctx *c, struct archive *a, struct archive_entry *e)
{
	for (;;) {
		if (!e) {
			int r = archive_read_next_header(a, &e);
			if (r == ARCHIVE_EOF)
				return 0;
			if (r < ARCHIVE_WARN)
				return read_fail(c, a, NULL);
		}
		int rc = extract_entry(c, a, e);
		if (rc)
			return rc;
		e = NULL;
	}
}

static struct archive *reader_new(bool outer)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	/* Built-in decoders only: no filter that would run an external program. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	if (outer) {
		archive_read_support_filter_rpm(a);
		archive_read_support_format_cpio(a); /* rpm payload */
		archive_read_support_format_zip(a);
		archive_read_support_format_ar(a); /* .deb */
	}
	/* Alpine .apk: gzip members of tar streams, each may end in zero blocks. */
	archive_read_set_format_option(a, "tar", "read_concatenated_archives", "1");
	return a;
}

static la_ssize_t inner_read(struct archive *inner, void *ud, const void **buf)
{
	struct ctx *c = ud;
	la_ssize_t n = archive_read_data(c->outer, c->blk, BLOCK);
	if (n < 0) {
		int e = archive_errno(c->outer);
		const char *msg = archive_error_string(c->outer);
		archive_set_error(inner, e > 0 ? e : EIO, "%s", msg ? msg : "read error");
		return -1;
	}
	*buf = c->blk;
	return n;
}

static bool is_data_tar(const char *n)
{
	static const char *const ok[] = {"data.tar", "data.tar.gz", "data.tar.xz", "data.tar.zst",
					 "data.tar.bz2", "data.tar.lzma", NULL};
	for (size_t i = 0; ok[i]; i++)
		if (strcmp(n, ok[i]) == 0)
			return true;
	return false;
}

/* Debian package: stream data.tar.* out of the ar archive, never to disk. */
static int unpack_deb(struct ctx *c, struct archive *outer, struct archive_entry *e)
{
	while (!archive_entry_pathname(e) || !is_data_tar(archive_entry_pathname(e))) {
		int r = archive_read_next_header(outer, &e);
		if (r == ARCHIVE_EOF)
			return gotc_fail(c->h, GOTC_EARCHIVE,
					 "%s: ar archive without a data.tar member (not a Debian package)",
					 c->label);
		if (r < ARCHIVE_WARN)
			return read_fail(c, outer, NULL);
	}
	char member[32];
	snprintf(member, sizeof(member), "%s", archive_entry_pathname(e));
	int rc = 0;
	struct archive *in = reader_new(false);
	c->outer = outer;
	c->blk = malloc(BLOCK);
	if (!in || !c->blk) {
		rc = oom(c);
		goto out;
	}
	if (archive_read_open(in, c, NULL, inner_read, NULL) < ARCHIVE_WARN) {
		rc = read_fail(c, in, member);
		goto out;
	}
	rc = extract_all(c, in, NULL);
out:
	archive_read_free(in);
	free(c->blk);
	c->blk = NULL;
	return rc;
}

static int unpack_from(struct ctx *c, struct archive *a)
{
	struct archive_entry *e;
	int r = archive_read_next_header(a, &e);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN)
		return read_fail(c, a, NULL);
	if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_AR)
		return unpack_deb(c, a, e);
	const char *n = archive_entry_pathname(e);
	if (n && (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR) {
		while (n[0] == '.' && n[1] == '/')
			n += 2;
		c->apk = str_starts(n, ".SIGN.") || strcmp(n, ".PKGINFO") == 0;
	}
	return extract_all(c, a, e);
}

/* Shared by both entry points: open (file or memory), extract, clean up. */
static la_ssize_t fn_read(struct archive *a, void *ud, const void **buf)
{
	struct ctx *c = ud;
	long n = c->peeked ? c->peeked : c->o->read_fn(c->o->read_ctx, c->fblk, BLOCK);
	c->peeked = 0;
	if (n < 0) {
		archive_set_error(a, EIO, "reading the download failed");
		return -1;
	}
	*buf = c->fblk;
	return (la_ssize_t)n;
}

static int unpack(gotc_t *h, const char *label, const char *file, const void *mem, size_t len,
		  const char *root, struct unpack_opts *o)
{
	struct ctx c = {.h = h, .o = o, .label = label};
	struct archive *a = NULL;
	int rc = lazy_need(h, LAZY_ARCHIVE), zfd = -1;
	if (rc)
		return rc;
	buf_init(&c.path);
	buf_init(&c.link);
	buf_init(&c.name);
	o->written = 0;
	c.limit = o->max_bytes ? o->max_bytes : h->max_unpack;
	if (!c.limit)
		c.limit = UINT64_MAX;
	if (!(c.root = realpath(root, NULL))) {
		rc = gotc_fail(h, -errno, "%s: unpack into %s: %s", label, root, strerror(errno));
		goto out;
	}
	for (char *const *i = o->include; i && *i; i++) {
		char *n = NULL;
		int k = norm_path(*i, &n);
		if (k == NAME_OK && strv_push(&c.inc, n) < 0)
			k = -ENOMEM;
		free(n);
		if (k < 0) {
			rc = oom(&c);
			goto out;
		}
		if (k != NAME_OK) {
			rc = gotc_fail(h, GOTC_EUSAGE, "%s: include '%s': not a relative path inside the archive",
				       label, *i);
			goto out;
		}
	}
	if (!(a = reader_new(true)) || !(c.disk = archive_write_disk_new())) {
		rc = oom(&c);
		goto out;
	}
	/* check_parents() has already refused every path through a symlink, with
	 * a cache; libarchive's SECURE_SYMLINKS would walk every component of the
	 * root-prefixed path again for every member (~15 opens per file). */
	archive_write_disk_set_options(c.disk, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
						       ARCHIVE_EXTRACT_SECURE_NODOTDOT);
	int r;
	if (o->read_fn) {
		if (!(c.fblk = malloc(BLOCK))) {
			rc = oom(&c);
			goto out;
		}
		/* A zip's modes and symlinks are only in its central directory, at
		 * the end: read it all through read_fn (which verifies what it
		 * reads), then extract from the same file, seekable. */
		while (c.peeked < 4) {
			long n = o->read_fn(o->read_ctx, c.fblk + c.peeked, BLOCK - (size_t)c.peeked);
			if (n < 0) {
				rc = gotc_fail(h, GOTC_EARCHIVE, "%s: reading the download failed", label);
				goto out;
			}
			if (n == 0)
				break;
			c.peeked += n;
		}
		if (file && o->read_fd >= 0 && c.peeked >= 4 && memcmp(c.fblk, "PK\003\004", 4) == 0) {
			long n;
			while ((n = o->read_fn(o->read_ctx, c.fblk, BLOCK)) > 0)
				;
			struct stat a1, a2;
			if (n < 0 || (zfd = open_regular(file)) < 0 || fstat(zfd, &a1) < 0 ||
			    fstat(o->read_fd, &a2) < 0 || a1.st_dev != a2.st_dev || a1.st_ino != a2.st_ino) {
				rc = gotc_fail(h, GOTC_EARCHIVE, "%s: reading the download failed", label);
				goto out;
			}
			c.peeked = 0;
			r = archive_read_open_fd(a, zfd, BLOCK);
		} else {
			r = archive_read_open(a, &c, NULL, fn_read, NULL);
		}
	} else {
		r = file ? archive_read_open_filename(a, file, BLOCK) : archive_read_open_memory(a, mem, len);
	}
	if (r < ARCHIVE_WARN) {
		rc = read_fail(&c, a, NULL);
		goto out;
	}
	rc = unpack_from(&c, a);
	/* Directory permissions and times are applied at close. */
	if (archive_write_close(c.disk) < ARCHIVE_WARN && !rc)
		rc = gotc_fail(h, GOTC_EARCHIVE, "%s: %s", label, archive_error_string(c.disk));
	o->written = c.total;
	if (!rc)
		gotc_info(h, "%s: unpacked %llu members, %llu bytes", label,
			  (unsigned long long)c.files, (unsigned long long)c.total);
out:
	archive_read_free(a);
	archive_write_free(c.disk);
	strv_free(c.inc);
	set_free(&c.regs);
	buf_free(&c.path);
	buf_free(&c.link);
	buf_free(&c.name);
	set_free(&c.okdirs);
	free(c.fblk);
	free(c.root);
	if (zfd >= 0)
		close(zfd);
	return rc;
}

uint64_t unpack_limit(const gotc_t *h, uint64_t archive_size)
{
	uint64_t cap = h->max_unpack ? h->max_unpack : UINT64_MAX;
	if (!archive_size || !h->unpack_ratio)
		return cap;
	uint64_t r = archive_size > UINT64_MAX / h->unpack_ratio ? UINT64_MAX
								   : archive_size * h->unpack_ratio;
	return r < cap ? r : cap;
}

int unpack_archive(gotc_t *h, const char *archive, const char *root, struct unpack_opts *o)
{
	return unpack(h, archive, archive, NULL, 0, root, o);
}

int unpack_archive_mem(gotc_t *h, const void *data, size_t len, const char *root,
		       struct unpack_opts *o)
{
	return unpack(h, "<memory>", NULL, data, len, root, o);
}

int unpack_decompress(gotc_t *h, const char *path, uint64_t max, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int need = lazy_need(h, LAZY_ARCHIVE);
	if (need)
		return need;
	struct archive *a = archive_read_new();
	struct buf b;
	int rc = 0;
	buf_init(&b);
	if (!a)
		return gotc_fail(h, -ENOMEM, "out of memory");
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	struct archive_entry *e;
	if (archive_read_open_filename(a, path, BLOCK) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		rc = gotc_fail(h, GOTC_EARCHIVE, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	char chunk[65536];
	la_ssize_t n;
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if (b.len + (size_t)n > max) {
			rc = gotc_fail(h, GOTC_ETOOBIG, "%s: expands past %llu bytes", path, (unsigned long long)max);
			goto out;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	if (n < 0)
		rc = gotc_fail(h, GOTC_EARCHIVE, "%s: %s", path, archive_error_string(a));
	else if (b.oom)
		rc = gotc_fail(h, -ENOMEM, "out of memory");
out:
	archive_read_free(a);
	if (!rc) {
		*len = b.len;
		*out = buf_steal(&b);
		if (!*out)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
	} else {
		buf_free(&b);
	}
	return rc;
}
