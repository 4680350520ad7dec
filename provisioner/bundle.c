/* bundle.c - gotc bundle and gotc install --from-bundle (format in bundle.h). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "ini_strict.h"
#include "install.h"
#include "instance_record.h"
#include "store.h"
#include "unpack.h"
#include "util.h"

/* ---- the trailer: sha256 of everything before it, in a zstd skippable frame ---- */

#define TAG "gotc-bundle-v1 sha256="
#define TAG_LEN (sizeof(TAG) - 1)
#define PAYLOAD_LEN (TAG_LEN + 64)
#define TRAILER_LEN (8 + PAYLOAD_LEN)
static const unsigned char skip_magic[4] = {0x5B, 0x2A, 0x4D, 0x18}; /* 0x184D2A5B LE */

static int hash_prefix(int fd, uint64_t len, char hex[65])
{
	struct hasher *hs = hasher_new(HASH_SHA256);
	char buf[65536];
	if (!hs)
		return -ENOMEM;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		hasher_free(hs);
		return -errno;
	}
	while (len) {
		ssize_t n = read(fd, buf, len < sizeof(buf) ? (size_t)len : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = n < 0 ? -errno : -EIO;
			hasher_free(hs);
			return rc;
		}
		hasher_update(hs, buf, (size_t)n);
		len -= (uint64_t)n;
	}
	hasher_final(hs, hex);
	return 0;
}

static int trailer_append(gotc_t *h, int fd, const char *path)
{
	int rc = 0;
	struct stat st;
	char hex[65];
	unsigned char t[TRAILER_LEN];
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (!(rc = hash_prefix(fd, (uint64_t)st.st_size, hex))) {
		memcpy(t, skip_magic, 4);
		t[4] = PAYLOAD_LEN & 0xff;
		t[5] = t[6] = t[7] = 0;
		memcpy(t + 8, TAG, TAG_LEN);
		memcpy(t + 8 + TAG_LEN, hex, 64);
		errno = 0;
		if (pwrite(fd, t, sizeof(t), st.st_size) != (ssize_t)sizeof(t) || fsync(fd) < 0)
			rc = errno ? -errno : -EIO; /* a short write sets no errno */
	}
	return rc ? gotc_fail(h, rc, "%s: %s", path, strerror(-rc)) : 0;
}

/* Check the digest the trailer records against the bytes before it.  On
 * success *fdp is the open file (the one later unpacked: never reopened by
 * path), *payload the length before the trailer, rec the recorded digest. */
static int trailer_check(gotc_t *h, const char *path, int *fdp, uint64_t *payload, char rec[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc = 0;
	struct stat st;
	unsigned char t[TRAILER_LEN];
	char hex[65];
	const char *why = NULL;
	*fdp = -1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = gotc_fail(h, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = gotc_fail(h, GOTC_EARCHIVE, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size < (off_t)TRAILER_LEN ||
	    pread(fd, t, sizeof(t), st.st_size - (off_t)TRAILER_LEN) != (ssize_t)sizeof(t))
		why = "too short";
	else if (memcpy(rec, t + 8 + TAG_LEN, 64), rec[64] = '\0', memcmp(t, skip_magic, 4) != 0 ||
		 t[4] != PAYLOAD_LEN || t[5] || t[6] || t[7] || memcmp(t + 8, TAG, TAG_LEN) != 0 ||
		 !is_hex(rec, 64))
		why = "its trailer is missing or damaged";
	else if ((rc = hash_prefix(fd, (uint64_t)st.st_size - TRAILER_LEN, hex)))
		rc = gotc_fail(h, rc, "%s: %s", path, strerror(-rc));
	else if (strcmp(hex, rec) != 0)
		why = "its sha256 differs from the one recorded in it";
	if (why)
		rc = gotc_fail(h, GOTC_ECHECKSUM,
			       "%s: not an intact gotc bundle (%s): it was changed or truncated after "
			       "gotc bundle wrote it; nothing was installed (copy it again, or make it "
			       "again with gotc bundle)",
			       path, why);
out:
	if (!rc) {
		*fdp = fd;
		*payload = (uint64_t)st.st_size - TRAILER_LEN;
	} else if (fd >= 0) {
		close(fd);
	}
	return rc;
}

/* Unpacking reads the bundle from the fd trailer_check hashed, hashing it
 * again: the bytes unpacked are the bytes whose digest was checked. */
struct bundle_reader {
	int fd;
	uint64_t off, len;
	struct hasher *hs;
};

static long bundle_read(void *ctx, void *buf, size_t len)
{
	struct bundle_reader *r = ctx;
	if (len > r->len - r->off)
		len = (size_t)(r->len - r->off);
	if (!len)
		return 0;
	ssize_t n;
	do
		n = pread(r->fd, buf, len, (off_t)r->off);
	while (n < 0 && errno == EINTR);
	if (n <= 0) /* the file shrank or cannot be read */
		return n < 0 ? -errno : -EIO;
	hasher_update(r->hs, buf, (size_t)n);
	r->off += (uint64_t)n;
	return (long)n;
}

/* ---- gotc-bundle.ini ---- */

enum { BS_BUNDLE, BS_ENTRY, BS_FILE };
struct bsect {
	int kind;
	char *name;
	int line;
	uint64_t version, bytes;
	char *gotc, *host, *manifest, *info, *sha256;
	char **targets, **mirrors;
};
struct bini {
	struct bsect **s;
	size_t n;
};

#define B(f) offsetof(struct bsect, f)
static const struct ini_key bundle_keys[] = {
	{"bundle", "version", IT_U64, IK_REQUIRED, B(version), NULL, 0},
	{"bundle", "gotc", IT_STR, 0, B(gotc), NULL, 0},
	{"bundle", "host", IT_WORD, IK_REQUIRED, B(host), NULL, 0},
	{"bundle", "targets", IT_WORDS, IK_REQUIRED, B(targets), NULL, 0},
	{"bundle", "mirrors", IT_WORDS, 0, B(mirrors), NULL, 0},
	{"entry", "manifest", IT_SHA256, IK_REQUIRED, B(manifest), NULL, 0},
	{"entry", "info", IT_SHA256, IK_REQUIRED, B(info), NULL, 0},
	{"entry", "bytes", IT_U64, 0, B(bytes), NULL, 0},
	{"file", "sha256", IT_SHA256, IK_REQUIRED, B(sha256), NULL, 0},
};
static const char *const bundle_sections[] = {"bundle", "entry", "file", NULL};
static const char *const bundle_named[] = {"entry", "file", NULL};

static bool plain_name(const char *s)
{
	return *s && *s != '.' && !strchr(s, '/');
}

/* targets/NAME.ini, packages/INSTANCE.ini or recipes/KIND/NAME.ini, plain
 * names only */
static bool file_name_ok(const char *s)
{
	if (str_starts(s, "targets/"))
		return plain_name(s + 8) && str_ends(s, ".ini");
	if (str_starts(s, "packages/"))
		return plain_name(s + 9) && str_ends(s, ".ini");
	if (!str_starts(s, "recipes/"))
		return false;
	const char *k = s + 8, *sl = strchr(k, '/');
	return sl && sl > k && *k != '.' && plain_name(sl + 1) && str_ends(s, ".ini");
}

static void *bundle_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	struct bini *bi = c->user;
	size_t cl = strcspn(sect, " \t");
	*cls = NULL;
	struct bsect *s = calloc(1, sizeof(*s));
	struct bsect **nv = s ? realloc(bi->s, (bi->n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(s);
		return NULL;
	}
	bi->s = nv;
	nv[bi->n++] = s;
	s->line = line;
	for (int k = 0; bundle_sections[k]; k++)
		if (strlen(bundle_sections[k]) == cl && strncmp(sect, bundle_sections[k], cl) == 0)
			s->kind = k;
	const char *name = sect + cl;
	while (*name == ' ' || *name == '\t')
		name++;
	if (!(s->name = strdup(name)))
		return NULL;
	if ((s->kind == BS_ENTRY && !plain_name(name)) || (s->kind == BS_FILE && !file_name_ok(name))) {
		ini_error(c, line, "[%.*s %s]: not a %s", (int)cl, sect, name,
			  s->kind == BS_ENTRY ? "store entry name"
					     : "targets/NAME.ini, packages/NAME.ini or recipes/KIND/NAME.ini path");
		return NULL;
	}
	return s;
}

static void bini_free(struct bini *bi)
{
	for (size_t i = 0; i < bi->n; i++) {
		struct bsect *s = bi->s[i];
		free(s->name);
		free(s->gotc);
		free(s->host);
		free(s->manifest);
		free(s->info);
		free(s->sha256);
		strv_free(s->targets);
		strv_free(s->mirrors);
		free(s);
	}
	free(bi->s);
	memset(bi, 0, sizeof(*bi));
}

static struct bsect *bfind(const struct bini *bi, int kind, const char *name)
{
	for (size_t i = 0; i < bi->n; i++)
		if (bi->s[i]->kind == kind && (!name || strcmp(bi->s[i]->name, name) == 0))
			return bi->s[i];
	return NULL;
}

static int bini_read(gotc_t *h, const char *path, const char *label, struct bini *bi)
{
	char *data = NULL;
	size_t len = 0;
	memset(bi, 0, sizeof(*bi));
	int rc = read_file(path, &data, &len);
	if (rc)
		return gotc_fail(h, GOTC_EARCHIVE, "%s: no gotc-bundle.ini inside: not a gotc bundle", label);
	struct ini_ctx c = {0};
	c.h = h;
	c.path = label;
	c.keys = bundle_keys;
	c.nkeys = sizeof(bundle_keys) / sizeof(bundle_keys[0]);
	c.sections = bundle_sections;
	c.named_sections = bundle_named;
	c.on_section = bundle_section;
	c.user = bi;
	rc = ini_read(&c, data, len);
	struct bsect *b = rc ? NULL : bfind(bi, BS_BUNDLE, NULL);
	if (!rc && !b)
		rc = ini_error(&c, 1, "no [bundle] section");
	else if (!rc && b->version != 1)
		rc = ini_error(&c, b->line, "bundle version %llu is not supported by gotc %s (expected 1)",
			       (unsigned long long)b->version, GOTC_VERSION);
	else if (!rc && strcmp(b->host, host_arch()) != 0)
		rc = ini_error(&c, b->line,
			       "the bundle was made for %s hosts, this host is %s (make one on a %s host)",
			       b->host, host_arch(), host_arch());
	ini_ctx_free(&c);
	free(data);
	if (rc)
		bini_free(bi);
	return rc;
}

/* ---- writing ---- */

struct bfile {
	char *rel, *data;
	size_t len;
	char hex[65];
};

/* Add member rel (taken) with data (taken, malloc'd) unless rel is there. */
static int add_data(gotc_t *h, struct bfile **v, size_t *n, char *rel, char *data, size_t len)
{
	for (size_t i = 0; rel && i < *n; i++)
		if (strcmp((*v)[i].rel, rel) == 0) {
			free(rel);
			free(data);
			return 0;
		}
	struct bfile *nv = rel ? realloc(*v, (*n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(rel);
		free(data);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	*v = nv;
	struct bfile *f = &nv[(*n)++];
	memset(f, 0, sizeof(*f));
	f->rel = rel;
	f->data = data;
	f->len = len;
	sha256_hex(f->data ? f->data : "", f->len, f->hex);
	return 0;
}

static int add_file(gotc_t *h, struct bfile **v, size_t *n, char *rel, const char *path)
{
	for (size_t i = 0; rel && i < *n; i++)
		if (strcmp((*v)[i].rel, rel) == 0) {
			free(rel);
			return 0;
		}
	char *data = NULL;
	size_t len = 0;
	int rc = read_file(path, &data, &len);
	if (rc) {
		free(rel);
		return gotc_fail(h, rc, "%s: %s", path, strerror(-rc));
	}
	return add_data(h, v, n, rel, data, len);
}

/* Each ${mirror:NAME} of url once in *mirrors. */
static int add_mirror(gotc_t *h, char ***mirrors, const char *u)
{
	char name[128];
	if (!url_mirror_name(u, name, sizeof(name)) || strv_has(*mirrors, name))
		return 0;
	return strv_push(mirrors, name) ? gotc_fail(h, -ENOMEM, "out of memory") : 0;
}

int bundle_add_entry(gotc_t *h, struct bundle_writer *w, const char *name, const char *prefix)
{
	char *dir = str_printf("%s/store/%s", h->home, name), **paths = NULL;
	char *man = dir ? path_join(dir, "manifest") : NULL;
	struct buf d, a;
	buf_init(&d);
	buf_init(&a);
	int rc = man ? manifest_list(h, man, &paths) : gotc_fail(h, -ENOMEM, "out of memory");
	static const char *const top[] = {"", "/info", "/manifest", "/root"};
	for (size_t i = 0; !rc && i < 4; i++) {
		d.len = a.len = 0;
		buf_printf(&d, "%s%s", dir, top[i]);
		buf_printf(&a, "%s%s%s", prefix, name, top[i]);
		rc = d.oom || a.oom ? gotc_fail(h, -ENOMEM, "out of memory") : bundle_writer_add(w, d.s, a.s);
	}
	for (size_t i = 0; !rc && paths[i]; i++) {
		d.len = a.len = 0;
		buf_printf(&d, "%s/root/%s", dir, paths[i]);
		buf_printf(&a, "%s%s/root/%s", prefix, name, paths[i]);
		rc = d.oom || a.oom ? gotc_fail(h, -ENOMEM, "out of memory") : bundle_writer_add(w, d.s, a.s);
	}
	buf_free(&d);
	buf_free(&a);
	strv_free(paths);
	free(man);
	free(dir);
	return rc;
}

/* Is store entry name present and intact?  Fills the bundle.ini section. */
static int check_entry(gotc_t *h, const char *name, const char *target, struct buf *ini)
{
	char *dir = str_printf("%s/store/%s", h->home, name);
	char *root = dir ? path_join(dir, "root") : NULL, *man = dir ? path_join(dir, "manifest") : NULL;
	char *info = dir ? path_join(dir, "info") : NULL;
	char mh[129], ih[129];
	int rc = 0;
	if (!root || !man || !info) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (!is_file(man)) {
		rc = gotc_fail(h, GOTC_ENOTINST,
			       "target %s is not installed with its current files (store entry %s is "
			       "missing): run %s install %s first",
			       target, name, h->self ? h->self : "gotc", target);
		goto out;
	}
	struct verify_report r = {0};
	if ((rc = manifest_verify(h, root, man, &r)))
		goto out;
	if (r.modified + r.missing + r.extra) {
		rc = gotc_fail(h, GOTC_EVERIFY,
			       "store entry %s differs from its manifest (%u modified, %u missing, %u "
			       "extra): see gotc verify; remove the target, gc and install it again",
			       name, r.modified, r.missing, r.extra);
		goto out;
	}
	if ((rc = hash_file(man, HASH_SHA256, mh)) || (rc = hash_file(info, HASH_SHA256, ih))) {
		rc = gotc_fail(h, rc, "%s: %s", dir, strerror(-rc));
		goto out;
	}
	buf_printf(ini, "\n[entry %s]\nmanifest = %s\ninfo = %s\nbytes = %llu\n", name, mh, ih,
		   (unsigned long long)dir_size(root));
out:
	free(dir);
	free(root);
	free(man);
	free(info);
	return rc;
}

int bundle_write(gotc_t *h, char *const *names, size_t n, const char *path)
{
	struct plan *plans = calloc(n ? n : 1, sizeof(*plans));
	struct bfile *files = NULL;
	size_t np = 0, nf = 0;
	char **entries = calloc(1, sizeof(char *)), **mirrors = calloc(1, sizeof(char *));
	char *tmp = NULL;
	struct bundle_writer *w = NULL;
	struct buf ini;
	int rc = 0, lock = -1, fd = -1;
	buf_init(&ini);
	if (!plans || !entries || !mirrors) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	/* The entries must not change (gc, remove, install) while they are read. */
	lock = store_lock(h);
	if (lock < 0) {
		rc = lock;
		goto out;
	}
	/* each installed instance from the files it was built from */
	for (size_t i = 0; i < n && !rc; i++)
		if (!(rc = instance_plan(h, names[i], INSTANCE_FIRST, &plans[np], NULL)))
			np++;
	buf_printf(&ini, "; gotc bundle: install with gotc install --from-bundle FILE\n[bundle]\n"
			 "version = 1\ngotc = %s\nhost = %s\ntargets =",
		   GOTC_VERSION, host_arch());
	for (size_t i = 0; i < np; i++)
		buf_printf(&ini, " %s", plans[i].rs.t->name);
	for (size_t i = 0; i < np && !rc; i++) {
		const struct plan *p = &plans[i];
		/* an instance (NAME@goV) bundles its target file, NAME.ini */
		const char *tn = p->rs.t->name;
		rc = add_file(h, &files, &nf, str_printf("targets/%.*s.ini", (int)strcspn(tn, "@"), tn),
			      p->rs.t->path);
		for (int k = 0; k < TR__COUNT && !rc; k++) {
			const struct recipe *r = p->rs.r[k];
			if (!r)
				continue;
			rc = add_file(h, &files, &nf,
				      str_printf("recipes/%s/%s.ini", recipe_kind_names[r->kind], r->name), r->path);
			for (size_t s = 0; !rc && s < r->nsources; s++)
				rc = add_mirror(h, &mirrors, r->sources[s].url);
		}
		/* an instance with packages (NAME@with-...): the pins it was
		 * installed from, so the bundle installs it with no index */
		if (p->packages && !rc) {
			char *pins = pins_render(p);
			rc = pins ? add_data(h, &files, &nf, str_printf("packages/%s.ini", tn), pins, strlen(pins))
				  : gotc_fail(h, -ENOMEM, "out of memory");
			for (size_t s = 0; !rc && s < p->packages->nsources; s++)
				rc = add_mirror(h, &mirrors, p->packages->sources[s].url);
		}
		for (int j = 0; j < p->nentries && !rc; j++) {
			bool have = false;
			for (size_t k = 0; entries[k] && !have; k++)
				have = strcmp(entries[k], p->entries[j].name) == 0;
			if (!have && strv_push(&entries, p->entries[j].name))
				rc = gotc_fail(h, -ENOMEM, "out of memory");
		}
	}
	if (rc)
		goto out;
	buf_puts(&ini, "\nmirrors =");
	for (size_t i = 0; mirrors[i]; i++)
		buf_printf(&ini, " %s", mirrors[i]);
	buf_putc(&ini, '\n');
	for (size_t i = 0; i < nf; i++)
		buf_printf(&ini, "\n[file %s]\nsha256 = %s\n", files[i].rel, files[i].hex);
	for (size_t i = 0; entries[i] && !rc; i++) {
		const char *owner = "";
		for (size_t k = 0; k < np && !*owner; k++)
			for (int j = 0; j < plans[k].nentries; j++)
				if (strcmp(plans[k].entries[j].name, entries[i]) == 0)
					owner = plans[k].rs.t->name;
		struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = entries[i], .msg = "verify"};
		gotc_emit(h, &ev);
		rc = check_entry(h, entries[i], owner, &ini);
	}
	if (!rc && ini.oom)
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	if (rc)
		goto out;
	if ((fd = file_create_tmp(path, 0644, &tmp)) < 0) {
		rc = gotc_fail(h, fd, "cannot create a file beside %s: %s", path, strerror(-fd));
		goto out;
	}
	if ((rc = bundle_writer_open(h, tmp, fd, &w)))
		goto out;
	rc = bundle_writer_add_data(w, "gotc-bundle.ini", ini.s, ini.len);
	for (size_t i = 0; i < nf && !rc; i++) {
		char *a = str_printf("files/%s", files[i].rel);
		rc = a ? bundle_writer_add_data(w, a, files[i].data, files[i].len)
		       : gotc_fail(h, -ENOMEM, "out of memory");
		free(a);
	}
	for (size_t i = 0; entries[i] && !rc; i++) {
		struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = entries[i], .msg = "bundle"};
		gotc_emit(h, &ev);
		rc = bundle_add_entry(h, w, entries[i], "store/");
	}
	int crc = bundle_writer_close(w, !rc);
	w = NULL;
	if (!rc)
		rc = crc;
	if (!rc)
		rc = trailer_append(h, fd, tmp);
	if (close(fd) < 0 && !rc)
		rc = gotc_fail(h, -errno, "%s: %s", tmp, strerror(errno));
	fd = -1;
	if (!rc && rename(tmp, path) < 0)
		rc = gotc_fail(h, -errno, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
out:
	if (w)
		bundle_writer_close(w, false);
	if (fd >= 0)
		close(fd);
	if (rc && tmp)
		unlink(tmp);
	free(tmp);
	buf_free(&ini);
	for (size_t i = 0; i < nf; i++) {
		free(files[i].rel);
		free(files[i].data);
	}
	free(files);
	strv_free(entries);
	strv_free(mirrors);
	for (size_t i = 0; i < np; i++)
		plan_free(&plans[i]);
	free(plans);
	store_unlock(lock);
	return rc;
}

int bundle_ini_check(gotc_t *h, const char *path)
{
	struct bini bi;
	int rc = bini_read(h, path, path, &bi);
	bini_free(&bi);
	return rc;
}

/* ---- installing ---- */

static void problem(void *ctx, const char *kind, const char *path, const char *detail)
{
	gotc_t *h = ctx;
	gotc_warn(h, "bundle: %s %s (%s)", kind, path, detail);
}

/* The entry's info must carry the key the plan computes from the bundled
 * recipes: an entry cannot pass for another. */
static int entry_key_matches(gotc_t *h, const char *label, const char *dir, const struct entry *e)
{
	struct store_info in;
	bool ok = store_info_read(h, dir, STORE_INFO_ENTRY, &in) == 0 && strcmp(in.key, e->key) == 0;
	store_info_free(&in);
	return ok ? 0
		  : gotc_fail(h, GOTC_EVERIFY,
			      "%s: store entry %s was not built from the recipes the bundle carries "
			      "(its key differs); nothing was installed",
			      label, e->name);
}

/* Check one carried entry in staging (dir = .../NAME) against the digests
 * of its manifest and info the carrier recorded, then every file against its
 * manifest. */
static int verify_entry(gotc_t *h, const char *label, const char *where, const char *name,
			const char *manifest_sha, const char *info_sha)
{
	char *dir = strdup(where);
	char *root = dir ? path_join(dir, "root") : NULL, *man = dir ? path_join(dir, "manifest") : NULL;
	char *info = dir ? path_join(dir, "info") : NULL;
	struct store_info in = {0};
	char mh[129], ih[129];
	int rc = 0;
	if (!root || !man || !info) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (!is_dir(root) || hash_file(man, HASH_SHA256, mh) || hash_file(info, HASH_SHA256, ih) ||
	    strcasecmp(mh, manifest_sha) || strcasecmp(ih, info_sha) ||
	    store_info_read(h, dir, STORE_INFO_ENTRY, &in) || strcmp(in.name, name)) {
		rc = gotc_fail(h, GOTC_EVERIFY,
			       "%s: store entry %s: its manifest or info is missing or differs from "
			       "the digests recorded with it; nothing was installed (it is damaged)",
			       label, name);
		goto out;
	}
	store_make_readonly(root);
	struct verify_report r = {.problem = problem, .ctx = h};
	if ((rc = manifest_verify(h, root, man, &r)))
		goto out;
	if (r.modified + r.missing + r.extra)
		rc = gotc_fail(h, GOTC_EVERIFY,
			       "%s: store entry %s differs from its manifest (%u modified, %u missing, "
			       "%u extra); nothing was installed (it is damaged)",
			       label, name, r.modified, r.missing, r.extra);
out:
	store_info_free(&in);
	free(dir);
	free(root);
	free(man);
	free(info);
	return rc;
}

/* Commit a verified entry at from (in staging) as e, unless it is there. */
static int entry_adopt(gotc_t *h, const char *label, const char *from, const struct entry *e)
{
	char *to = str_printf("%s/store/%s", h->home, e->name);
	char *m = to ? path_join(to, "manifest") : NULL;
	int rc = !to || !m ? gotc_fail(h, -ENOMEM, "out of memory") : entry_key_matches(h, label, from, e);
	if (!rc && !is_file(m))
		rc = store_publish(h, from, to);
	free(to);
	free(m);
	return rc;
}

int bundle_adopt_entry(gotc_t *h, const char *label, const char *dir, const struct entry *e,
		       const char *manifest_sha, const char *info_sha)
{
	int rc = verify_entry(h, label, dir, e->name, manifest_sha, info_sha);
	return rc ? rc : entry_adopt(h, label, dir, e);
}

/* Mirrors the bundled recipes name but this host does not configure: they
 * are never used (nothing is fetched), but resolving recipes needs them. */
static int placeholder_mirrors(gotc_t *h, char *const *names, size_t *added)
{
	*added = 0;
	for (size_t i = 0; names && names[i]; i++) {
		if (gotc_mirror_find(h, names[i]))
			continue;
		struct gotc_mirror *m = realloc(h->mirrors, (h->nmirrors + 1) * sizeof(*m));
		if (!m)
			return gotc_fail(h, -ENOMEM, "out of memory");
		h->mirrors = m;
		m[h->nmirrors].name = strdup(names[i]);
		m[h->nmirrors].origin = NULL;
		m[h->nmirrors].urls = calloc(2, sizeof(char *));
		if (m[h->nmirrors].urls)
			m[h->nmirrors].urls[0] = strdup("file:///nonexistent/gotc-bundle-offline");
		h->nmirrors++;
		(*added)++;
		if (!m[h->nmirrors - 1].name || !m[h->nmirrors - 1].urls || !m[h->nmirrors - 1].urls[0])
			return gotc_fail(h, -ENOMEM, "out of memory");
	}
	return 0;
}

static void drop_mirrors(gotc_t *h, size_t added)
{
	for (; added; added--) {
		struct gotc_mirror *m = &h->mirrors[--h->nmirrors];
		free(m->name);
		strv_free(m->urls);
		free(m->origin);
	}
}

int bundle_install(gotc_t *h, const char *path, char *const *names, size_t n)
{
	struct bini bi = {0};
	struct plan *plans = NULL;
	char *stage = NULL, *x = NULL, *files = NULL, **saved_search = h->search, **search = NULL;
	size_t np = 0, added = 0;
	int saved_offline = h->offline, lock = -1, fd = -1;
	char rec[65];
	struct bundle_reader br = {0};
	int rc = trailer_check(h, path, &fd, &br.len, rec);
	if (rc)
		return rc;
	if ((lock = store_lock(h)) < 0) {
		close(fd);
		return lock;
	}
	store_clean_staging(h, true);
	if ((rc = store_stage(h, "bundle", &stage)))
		goto out;
	x = path_join(stage, "x");
	files = x ? path_join(x, "files") : NULL;
	char *ini = x ? path_join(x, "gotc-bundle.ini") : NULL;
	if (!files || !ini || mkdir(x, 0755) < 0) {
		free(ini);
		rc = gotc_fail(h, -errno, "%s: %s", stage, strerror(errno));
		goto out;
	}
	struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = path_basename(path), .msg = "unpack"};
	gotc_emit(h, &ev);
	br.fd = fd;
	if (!(br.hs = hasher_new(HASH_SHA256))) {
		free(ini);
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	/* the ratio to the bundle's size, with no absolute cap: bundles of
	 * several targets are larger than one archive may be */
	uint64_t bsize = br.len;
	struct unpack_opts o = {.read_fn = bundle_read,
				.read_ctx = &br,
				.read_fd = -1,
				.max_bytes = bsize && h->unpack_ratio &&
						     bsize <= UINT64_MAX / h->unpack_ratio
					     ? bsize * h->unpack_ratio
					     : UINT64_MAX};
	rc = unpack_archive(h, path, x, &o);
	if (!rc) {
		/* the rest of the payload (zstd frames after the tar's end) */
		char buf[65536];
		long nr;
		while ((nr = bundle_read(&br, buf, sizeof(buf))) > 0)
			;
		char hex[65];
		hasher_final(br.hs, hex);
		br.hs = NULL;
		if (nr < 0 || strcmp(hex, rec) != 0)
			rc = gotc_fail(h, GOTC_ECHECKSUM,
				       "%s: not an intact gotc bundle (it changed while it was read); "
				       "nothing was installed",
				       path);
	}
	if (!rc)
		rc = bini_read(h, ini, path, &bi);
	free(ini);
	if (rc)
		goto out;
	/* Every file, then every entry, against gotc-bundle.ini. */
	for (size_t i = 0; i < bi.n && !rc; i++) {
		const struct bsect *s = bi.s[i];
		char hex[129], *f = s->kind == BS_FILE ? path_join(files, s->name) : NULL;
		if (s->kind == BS_FILE && (!f || hash_file(f, HASH_SHA256, hex) || strcmp(hex, s->sha256)))
			rc = gotc_fail(h, GOTC_EVERIFY,
				       "%s: %s is missing or differs from gotc-bundle.ini; nothing was "
				       "installed (the bundle is damaged)",
				       path, s->name);
		free(f);
		if (!rc && s->kind == BS_ENTRY) {
			struct gotc_event v = {.type = GOTC_EV_STEP_START, .name = s->name, .msg = "verify"};
			gotc_emit(h, &v);
			char *d = str_printf("%s/store/%s", x, s->name);
			rc = d ? verify_entry(h, path, d, s->name, s->manifest, s->info)
			       : gotc_fail(h, -ENOMEM, "out of memory");
			free(d);
		}
	}
	if (rc)
		goto out;
	/* Plan the targets from the bundled files only, offline. */
	if (strv_push(&search, files) || (rc = placeholder_mirrors(h, bfind(&bi, BS_BUNDLE, NULL)->mirrors, &added))) {
		rc = rc ? rc : gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	h->search = search;
	h->offline = 1;
	char **have = bfind(&bi, BS_BUNDLE, NULL)->targets;
	char *const *want = n ? names : have;
	size_t nw = n ? n : strv_len(have);
	if (!(plans = calloc(nw ? nw : 1, sizeof(*plans)))) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nw && !rc; i++) {
		bool in = false;
		for (size_t k = 0; have[k] && !in; k++)
			in = strcmp(have[k], want[i]) == 0;
		if (!in || !plain_name(want[i])) {
			rc = gotc_fail(h, GOTC_ENOTARGET, "%s: target '%s' is not in the bundle (see gotc-bundle.ini [bundle] targets)",
				       path, want[i]);
			break;
		}
		/* an instance with packages plans from the pins it carries */
		char *pn = str_printf("packages/%s.ini", want[i]);
		char *pf = pn ? path_join(files, pn) : NULL;
		bool pinned = pn && bfind(&bi, BS_FILE, pn);
		struct pkg_pins pins = {0};
		rc = !pf ? gotc_fail(h, -ENOMEM, "out of memory") : pinned ? pins_read(h, pf, &pins) : 0;
		free(pn);
		free(pf);
		if (!rc)
			rc = plan_build_pinned(h, want[i], pinned ? &pins : NULL, &plans[np]);
		pins_free(&pins);
		if (rc)
			break;
		np++;
		/* every entry comes from the bundle or is already here */
		for (int j = 0; j < plans[np - 1].nentries && !rc; j++) {
			const char *en = plans[np - 1].entries[j].name;
			char *m = str_printf("%s/store/%s/manifest", h->home, en);
			if (!bfind(&bi, BS_ENTRY, en) && !(m && is_file(m)))
				rc = gotc_fail(h, GOTC_ESTORE, "%s: target %s needs store entry %s, which the bundle lacks",
					       path, want[i], en);
			free(m);
		}
	}
	if (rc)
		goto out;
	/* Commit the verified entries (each rename is atomic), then the prefixes. */
	char *sdir = path_join(h->home, "store");
	rc = sdir ? mkdir_p(sdir, 0755) : -ENOMEM;
	if (rc)
		rc = gotc_fail(h, rc, "cannot create %s: %s", sdir ? sdir : h->home, strerror(-rc));
	for (size_t i = 0; i < bi.n && !rc; i++) {
		const struct bsect *s = bi.s[i];
		if (s->kind != BS_ENTRY)
			continue;
		/* only entries the planned targets use, built from these recipes */
		const struct entry *pe = NULL;
		for (size_t k = 0; k < np && !pe; k++)
			for (int j = 0; j < plans[k].nentries && !pe; j++)
				if (strcmp(plans[k].entries[j].name, s->name) == 0)
					pe = &plans[k].entries[j];
		if (!pe)
			continue;
		char *from = str_printf("%s/store/%s", x, s->name);
		rc = from ? entry_adopt(h, path, from, pe) : gotc_fail(h, -ENOMEM, "out of memory");
		free(from);
	}
	free(sdir);
	if (!rc)
		rc = install_plans_locked(h, plans, np);
out:
	h->search = saved_search;
	h->offline = saved_offline;
	drop_mirrors(h, added);
	strv_free(search);
	for (size_t i = 0; i < np; i++)
		plan_free(&plans[i]);
	free(plans);
	bini_free(&bi);
	if (stage)
		rm_rf(stage);
	free(stage);
	free(x);
	free(files);
	hasher_free(br.hs);
	if (fd >= 0)
		close(fd);
	store_unlock(lock);
	return rc;
}
