/* store_manifest.c - write and verify the manifest of a tree.
 *
 * One line per entry, sorted by path, fields separated by tabs; paths and
 * link targets escape '\\', '\t' and '\n':
 *   d MODE PATH
 *   f MODE SIZE SHA256 PATH
 *   l TARGET PATH
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

struct mline {
	char *path; /* relative, unescaped */
	char *line; /* the manifest line */
};

/* A file as unpack wrote it, with the sha256 of the bytes it wrote. */
struct known {
	uint64_t ino, size, seq;
	int64_t ms, mns, cs, cns; /* mtime and ctime */
	char sha[65];		  /* "" for a hard link not resolved */
};

struct walk {
	gotc_t *h;
	size_t rootlen;
	struct mline *v;
	size_t n, cap;
	uint64_t bytes;
	int rc;
	bool quick;    /* files by type, mode and size: no hashing */
	bool readonly; /* take the write bits away on the way */
	struct known *kv; /* sorted by inode */
	size_t nk;
};

static __thread struct walk *cur_walk;

static void escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '\t')
			buf_puts(b, "\\t");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *s);
	}
}

/* Describe one filesystem object as a manifest line (without newline). */
static int describe(gotc_t *h, const char *full, const char *rel, const struct stat *st,
		    char **line, uint64_t *bytes, bool quick, const char *known)
{
	struct buf b;
	buf_init(&b);
	if (S_ISDIR(st->st_mode)) {
		buf_printf(&b, "d\t%04o\t", (unsigned)(st->st_mode & 07777));
	} else if (S_ISREG(st->st_mode)) {
		char hex[129] = "-";
		if (known)
			snprintf(hex, sizeof(hex), "%s", known);
		int rc = quick || known ? 0 : hash_file(full, HASH_SHA256, hex);
		if (rc) {
			buf_free(&b);
			return gotc_fail(h, rc, "cannot read %s: %s", full, strerror(-rc));
		}
		buf_printf(&b, "f\t%04o\t%llu\t%s\t", (unsigned)(st->st_mode & 07777),
			   (unsigned long long)st->st_size, hex);
		if (bytes)
			*bytes += (uint64_t)st->st_size;
	} else if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlink(full, target, sizeof(target) - 1);
		if (n < 0) {
			buf_free(&b);
			return gotc_fail(h, -errno, "readlink %s: %s", full, strerror(errno));
		}
		target[n] = '\0';
		buf_puts(&b, "l\t");
		escape(&b, target);
		buf_putc(&b, '\t');
	} else {
		buf_free(&b);
		return gotc_fail(h, GOTC_EUNSAFE, "%s: not a file, directory or symlink", full);
	}
	escape(&b, rel);
	*line = buf_steal(&b);
	return *line ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
}

/* The hash unpack noted for the file in exactly the state st, or NULL: same
 * inode, size, mtime and ctime (any later change to the file, a write, a
 * chmod, a link, moves its ctime). */
static const char *known_hash(const struct walk *w, const struct stat *st)
{
	size_t lo = 0, hi = w->nk;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->kv[mid].ino < (uint64_t)st->st_ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < w->nk && w->kv[i].ino == (uint64_t)st->st_ino; i++) {
		const struct known *k = &w->kv[i];
		if (k->sha[0] && k->size == (uint64_t)st->st_size && k->ms == (int64_t)st->st_mtim.tv_sec &&
		    k->mns == (int64_t)st->st_mtim.tv_nsec && k->cs == (int64_t)st->st_ctim.tv_sec &&
		    k->cns == (int64_t)st->st_ctim.tv_nsec)
			return k->sha;
	}
	return NULL;
}

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct walk *w = cur_walk;
	(void)flag;
	const char *known = S_ISREG(st->st_mode) && w->nk ? known_hash(w, st) : NULL;
	struct stat ro;
	if (w->readonly && !S_ISLNK(st->st_mode)) {
		/* no write bits; directories stay traversable by the owner and
		 * files readable (verify hashes them) */
		mode_t m = (st->st_mode & 07777 & ~(mode_t)0222) | (S_ISDIR(st->st_mode) ? 0500 : 0400);
		ro = *st;
		if (m != (st->st_mode & 07777) && chmod(path, m) == 0)
			ro.st_mode = (st->st_mode & ~(mode_t)07777) | m;
		st = &ro;
	}
	if (ftw->level == 0)
		return 0;
	const char *rel = path + w->rootlen + 1;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct mline *nv = realloc(w->v, cap * sizeof(*nv));
		if (!nv) {
			w->rc = gotc_fail(w->h, -ENOMEM, "out of memory");
			return 1;
		}
		w->v = nv;
		w->cap = cap;
	}
	struct mline *m = &w->v[w->n];
	m->path = strdup(rel);
	int rc = m->path ? describe(w->h, path, rel, st, &m->line, &w->bytes, w->quick, known)
			 : gotc_fail(w->h, -ENOMEM, "out of memory");
	if (rc) {
		free(m->path);
		w->rc = rc;
		return 1;
	}
	w->n++;
	return 0;
}

static int cmp_mline(const void *a, const void *b)
{
	return strcmp(((const struct mline *)a)->path, ((const struct mline *)b)->path);
}

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].path);
		free(w->v[i].line);
	}
	free(w->v);
}

static int walk_tree(gotc_t *h, const char *root, struct walk *w, bool quick)
{
	struct known *kv = w->kv;
	size_t nk = w->nk;
	bool ro = w->readonly;
	memset(w, 0, sizeof(*w));
	w->h = h;
	w->quick = quick;
	w->kv = kv;
	w->nk = nk;
	w->readonly = ro;
	w->rootlen = strlen(root);
	while (w->rootlen > 1 && root[w->rootlen - 1] == '/')
		w->rootlen--;
	cur_walk = w;
	if (nftw(root, walk_one, 64, FTW_PHYS) < 0 && !w->rc)
		w->rc = gotc_fail(h, -errno, "cannot walk %s: %s", root, strerror(errno));
	cur_walk = NULL;
	if (!w->rc)
		qsort(w->v, w->n, sizeof(*w->v), cmp_mline);
	return w->rc;
}

static int manifest_walk_write(gotc_t *h, const char *root, const char *path, uint64_t *bytes,
			       struct walk *wp)
{
	struct walk w = *wp;
	int rc = walk_tree(h, root, &w, false);
	if (!rc) {
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; i < w.n; i++) {
			buf_puts(&b, w.v[i].line);
			buf_putc(&b, '\n');
		}
		rc = b.oom ? -ENOMEM : write_file_atomic(path, b.s ? b.s : "", b.len, 0444);
		if (rc)
			rc = gotc_fail(h, rc, "cannot write %s: %s", path, strerror(-rc));
		buf_free(&b);
		if (bytes)
			*bytes = w.bytes;
	}
	walk_free(&w);
	return rc;
}

int manifest_write(gotc_t *h, const char *root, const char *path, uint64_t *bytes)
{
	struct walk w = {0};
	return manifest_walk_write(h, root, path, bytes, &w);
}

void store_hash_note(void *ctx, const struct stat *st, const char *sha256)
{
	buf_printf(ctx, "%" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %s\n",
		   (uint64_t)st->st_ino, (uint64_t)st->st_size, (int64_t)st->st_mtim.tv_sec,
		   (int64_t)st->st_mtim.tv_nsec, (int64_t)st->st_ctim.tv_sec, (int64_t)st->st_ctim.tv_nsec,
		   sha256 ? sha256 : "-");
}

static int cmp_known(const void *a, const void *b)
{
	const struct known *x = a, *y = b;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Append the records of one file store_hash_note wrote; a line that does
 * not parse is skipped (that file is hashed from the disk). */
static int known_load(const char *file, struct known **kv, size_t *n, size_t *cap)
{
	char *data = NULL, *save = NULL;
	int rc = read_file(file, &data, NULL);
	if (rc)
		return rc;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct known k = {.seq = *n};
		char sha[80];
		if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %79s",
			   &k.ino, &k.size, &k.ms, &k.mns, &k.cs, &k.cns, sha) != 7 ||
		    (strcmp(sha, "-") != 0 && (strlen(sha) != 64 || !is_hex(sha, 64))))
			continue;
		if (sha[0] != '-')
			memcpy(k.sha, sha, 65);
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 1024;
			struct known *nv = realloc(*kv, nc * sizeof(*nv));
			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			*kv = nv;
			*cap = nc;
		}
		(*kv)[(*n)++] = k;
	}
	free(data);
	return rc;
}

int manifest_commit(gotc_t *h, const char *stage, const char *root, const char *path, uint64_t *bytes)
{
	struct walk w = {.readonly = true};
	size_t cap = 0;
	char **names = dir_list(stage, "");
	int rc = names ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
	for (size_t i = 0; !rc && names[i]; i++) {
		if (!str_starts(names[i], STORE_HASHES))
			continue;
		char *f = path_join(stage, names[i]);
		int r = f ? known_load(f, &w.kv, &w.nk, &cap) : -ENOMEM;
		if (r == -ENOMEM)
			rc = gotc_fail(h, r, "out of memory");
		if (f && unlink(f) < 0 && !rc)
			rc = gotc_fail(h, -errno, "cannot remove %s: %s", f, strerror(errno));
		free(f);
	}
	if (!rc && w.nk) {
		/* a hard link's record: the hash of that inode's record before it */
		qsort(w.kv, w.nk, sizeof(*w.kv), cmp_known);
		for (size_t i = 1; i < w.nk; i++)
			if (!w.kv[i].sha[0] && w.kv[i - 1].ino == w.kv[i].ino)
				memcpy(w.kv[i].sha, w.kv[i - 1].sha, sizeof(w.kv[i].sha));
	}
	if (!rc)
		rc = manifest_walk_write(h, root, path, bytes, &w);
	free(w.kv);
	strv_free(names);
	return rc;
}

static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int manifest_list(gotc_t *h, const char *manifest, char ***paths)
{
	char *data = NULL, *save = NULL, **v = NULL;
	size_t n = 0, cap = 0;
	int rc = read_file(manifest, &data, NULL);
	*paths = NULL;
	if (rc)
		return gotc_fail(h, rc, "cannot read manifest %s: %s", manifest, strerror(-rc));
	for (char *line = strtok_r(data, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strrchr(line, '\t');
		if (!tab)
			continue;
		unescape(tab + 1);
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 256;
			char **nv = realloc(v, cap * sizeof(*nv));
			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[n] = strdup(tab + 1)))
			rc = -ENOMEM;
		else
			v[++n] = NULL;
	}
	free(data);
	if (!rc && !v && !(v = calloc(1, sizeof(*v))))
		rc = -ENOMEM;
	if (rc) {
		if (v)
			v[n] = NULL;
		strv_free(v);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	*paths = v;
	return 0;
}

static void report(struct verify_report *r, const char *kind, const char *path, const char *detail)
{
	if (r->problem)
		r->problem(r->ctx, kind, path, detail);
}

/* A tree's line against the manifest's; quick: a file's hash is not
 * compared (the tree's line has "-" in its place). */
static bool same_line(const char *tree, const char *man, bool quick)
{
	if (!quick || man[0] != 'f')
		return strcmp(tree, man) == 0;
	/* f MODE SIZE SHA256 PATH: all but the fourth field */
	const char *t = tree, *m = man;
	for (int field = 0; field < 3; field++) {
		size_t tl = strcspn(t, "\t"), ml = strcspn(m, "\t");
		if (tl != ml || memcmp(t, m, tl) != 0 || !t[tl] || !m[ml])
			return false;
		t += tl + 1;
		m += ml + 1;
	}
	t = strchr(t, '\t');
	m = strchr(m, '\t');
	return t && m && strcmp(t, m) == 0;
}

int manifest_verify(gotc_t *h, const char *root, const char *manifest, struct verify_report *r)
{
	char *data = NULL;
	int rc = read_file(manifest, &data, NULL);
	if (rc)
		return gotc_fail(h, rc, "cannot read manifest %s: %s", manifest, strerror(-rc));
	struct walk w = {0};
	if ((rc = walk_tree(h, root, &w, r->quick))) {
		free(data);
		walk_free(&w);
		return rc;
	}
	/* Merge the sorted manifest with the sorted tree. */
	size_t i = 0;
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strrchr(line, '\t');
		if (!tab)
			continue;
		char *mpath = strdup(tab + 1);
		if (!mpath) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			break;
		}
		unescape(mpath);
		while (i < w.n && strcmp(w.v[i].path, mpath) < 0) {
			report(r, "extra", w.v[i].path, "not in the manifest");
			r->extra++;
			i++;
		}
		if (i < w.n && strcmp(w.v[i].path, mpath) == 0) {
			if (!same_line(w.v[i].line, line, r->quick)) {
				report(r, "modified", mpath, w.v[i].line[0] == line[0] ? "content or mode differs"
									       : "type differs");
				r->modified++;
			}
			i++;
		} else {
			report(r, "missing", mpath, "in the manifest but not on disk");
			r->missing++;
		}
		free(mpath);
	}
	for (; i < w.n; i++) {
		report(r, "extra", w.v[i].path, "not in the manifest");
		r->extra++;
	}
	free(data);
	walk_free(&w);
	return rc;
}
