/* oci_store.c - store entries pulled from and pushed to an OCI registry
 * (format in oci.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "install.h"
#include "oci.h"
#include "store.h"
#include "unpack.h"
#include "util.h"

static bool present(gotc_t *h, const char *name)
{
	char *p = str_printf("%s/store/%s/manifest", h->home, name);
	bool ok = p && is_file(p);
	free(p);
	return ok;
}

/* Pull e: 0 committed, 1 not in the registry, < 0 error. */
static int pull_one(gotc_t *h, struct oci_reg *r, const struct entry *e)
{
	struct oci_entry_manifest m = {0};
	char *json = NULL, *stage = NULL, *layer = NULL, *x = NULL, *dir = NULL, *label = NULL;
	size_t len = 0;
	int rc = oci_get_manifest(r, e->key, &json, &len);
	if (rc)
		return rc;
	label = str_printf("%s:%s", oci_url(r), e->key);
	if (!label) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = oci_manifest_parse(h, label, json, len, &m)))
		goto out;
	if (strcmp(m.key, e->key) != 0 || strcmp(m.name, e->name) != 0) {
		rc = gotc_fail(h, GOTC_EVERIFY, "%s: holds %s (key %s), not %s: refused", label, m.name,
			       m.key, e->name);
		goto out;
	}
	/* The manifest is not pinned: its layer size bounds the download only
	 * within [fetch] max_download, like any source of no trusted size. */
	uint64_t cap = h->max_download ? h->max_download : UINT64_MAX;
	if (m.layer_size == 0 || m.layer_size > cap) {
		rc = gotc_fail(h, GOTC_EVERIFY,
			       "%s: layer of %llu bytes (allowed: 1 to %llu, [fetch] max_download): refused",
			       label, (unsigned long long)m.layer_size, (unsigned long long)cap);
		goto out;
	}
	struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = e->name, .msg = "pull",
				.total = m.layer_size};
	gotc_emit(h, &ev);
	if ((rc = store_stage(h, "oci", &stage)))
		goto out;
	layer = path_join(stage, "layer.tar.zst");
	x = path_join(stage, "x");
	dir = x ? path_join(x, e->name) : NULL;
	if (!layer || !dir) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (mkdir(x, 0755) < 0) {
		rc = gotc_fail(h, -errno, "mkdir %s: %s", x, strerror(errno));
		goto out;
	}
	if ((rc = oci_get_blob(r, m.layer_digest, m.layer_size, layer)))
		goto out;
	/* an archive bomb is refused as for any download: [unpack] max_ratio, max_size */
	struct unpack_opts o = {.max_bytes = unpack_limit(h, m.layer_size), .read_fd = -1};
	if ((rc = unpack_archive(h, layer, x, &o)))
		goto out;
	if ((rc = bundle_adopt_entry(h, label, dir, e, m.manifest_sha256, m.info_sha256)))
		goto out;
	struct gotc_event done = {.type = GOTC_EV_STEP_DONE, .name = e->name, .now = m.layer_size};
	gotc_emit(h, &done);
out:
	if (stage)
		rm_rf(stage);
	free(stage);
	free(layer);
	free(x);
	free(dir);
	free(label);
	free(json);
	oci_entry_manifest_free(&m);
	return rc;
}

int oci_pull_entries(gotc_t *h, struct plan *plans, size_t n)
{
	struct oci_reg *r = NULL;
	int rc = 0;
	if (!h->oci)
		return 0;
	char *sdir = store_path(h, "store");
	rc = sdir ? mkdir_p(sdir, 0755) : -ENOMEM;
	free(sdir);
	if (rc)
		return gotc_fail(h, rc, "cannot create the store in %s: %s", h->home, strerror(-rc));
	if ((rc = oci_open(h, h->oci, &r)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		for (int j = 0; j < plans[i].nentries && !rc; j++) {
			const struct entry *e = &plans[i].entries[j];
			if (present(h, e->name))
				continue;
			rc = pull_one(h, r, e);
			if (rc == 1) {
				gotc_info(h, "%s: not in %s", e->name, h->oci);
				rc = 0;
			} else if (rc == GOTC_EFETCH) {
				/* down or denied: the mirrors, as without a registry */
				gotc_warn(h, "OCI registry unavailable, building the store entries from the "
					     "mirrors: %s",
					  h->errbuf);
				rc = 0;
				goto out;
			}
		}
out:
	oci_close(r);
	return rc;
}

/* Push store entry name (key from its info) unless the registry has it. */
static int push_one(gotc_t *h, struct oci_reg *r, const char *name)
{
	char *stage = NULL, *layer = NULL, *man = NULL, *info = NULL, *json = NULL, *old = NULL;
	char hex[129], mh[129], ih[129];
	struct oci_entry_manifest m = {0};
	struct bundle_writer *w = NULL;
	struct store_info in = {0};
	struct stat st;
	size_t olen = 0;
	char *dir = str_printf("%s/store/%s", h->home, name);
	int rc = dir ? store_info_read(h, dir, STORE_INFO_ENTRY, &in) : gotc_fail(h, -ENOMEM, "out of memory");
	if (rc)
		goto out;
	struct entry e0 = {.name = in.name, .key = in.key}, *e = &e0;
	rc = oci_get_manifest(r, e->key, &old, &olen);
	free(old);
	if (rc == 0) {
		gotc_info(h, "%s: already in %s", e->name, oci_url(r));
		goto out;
	}
	if (rc != 1)
		goto out;
	struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = e->name, .msg = "push"};
	gotc_emit(h, &ev);
	man = str_printf("%s/manifest", dir);
	info = str_printf("%s/info", dir);
	if ((rc = store_stage(h, "push", &stage)))
		goto out;
	if (!man || !info || !(layer = path_join(stage, "layer.tar.zst"))) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	/* created by name: the staging dir is fresh and the store lock held */
	if ((rc = bundle_writer_open(h, layer, -1, &w)))
		goto out;
	rc = bundle_add_entry(h, w, e->name, "");
	int crc = bundle_writer_close(w, !rc);
	if (!rc)
		rc = crc;
	if (rc)
		goto out;
	if ((rc = hash_file(layer, HASH_SHA256, hex)) || (rc = hash_file(man, HASH_SHA256, mh)) ||
	    (rc = hash_file(info, HASH_SHA256, ih)) || (stat(layer, &st) < 0 && (rc = -errno))) {
		rc = gotc_fail(h, rc, "store entry %s: %s", e->name, strerror(-rc));
		goto out;
	}
	m.layer_digest = str_printf("sha256:%s", hex);
	m.layer_size = (uint64_t)st.st_size;
	m.name = e->name;
	m.key = e->key;
	m.manifest_sha256 = mh;
	m.info_sha256 = ih;
	if (!m.layer_digest || !(json = oci_manifest_json(&m))) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (!(rc = oci_put_blob(r, OCI_EMPTY_DIGEST, NULL, "{}", 2, NULL)) &&
	    !(rc = oci_put_blob(r, m.layer_digest, layer, NULL, m.layer_size, h->oci_mount_from)) &&
	    !(rc = oci_put_manifest(r, e->key, json))) {
		struct gotc_event done = {.type = GOTC_EV_STEP_DONE, .name = e->name, .now = m.layer_size};
		gotc_emit(h, &done);
	}
out:
	if (stage)
		rm_rf(stage);
	free(stage);
	free(layer);
	free(man);
	free(info);
	free(json);
	free(m.layer_digest);
	store_info_free(&in);
	free(dir);
	return rc;
}

int oci_push_targets(gotc_t *h, char *const *names, size_t n)
{
	struct oci_reg *r = NULL;
	struct installed *v = NULL;
	size_t nv = 0;
	char **done = NULL;
	int rc = 0, lock = -1;
	if (!h->oci)
		return gotc_fail(h, GOTC_EUSAGE,
				 "no registry configured: add [cache] oci = https://HOST/REPOSITORY to config.ini");
	if (!(done = calloc(1, sizeof(char *))))
		return gotc_fail(h, -ENOMEM, "out of memory");
	/* The entries must not change (gc, remove, install) while they are read. */
	if ((lock = store_lock(h)) < 0) {
		free(done);
		return lock;
	}
	/* The entries each installed target's prefix records it uses. */
	if (!(rc = target_list(h, true, &v, &nv)))
		for (size_t i = 0; i < n && !rc; i++) {
			bool in = false;
			for (size_t k = 0; k < nv && !in; k++)
				in = strcmp(v[k].name, names[i]) == 0;
			if (!in)
				rc = gotc_fail(h, GOTC_ENOTINST, "target %s is not installed (gotc list): install it first",
					       names[i]);
		}
	if (!rc)
		rc = oci_open(h, h->oci, &r);
	for (size_t k = 0; k < nv && !rc; k++) {
		bool want = n == 0;
		for (size_t i = 0; i < n && !want; i++)
			want = strcmp(v[k].name, names[i]) == 0;
		for (char **e = v[k].info.entries; want && e && *e && !rc; e++) {
			bool seen = false;
			for (size_t j = 0; done[j] && !seen; j++)
				seen = strcmp(done[j], *e) == 0;
			if (seen)
				continue;
			if (!present(h, *e))
				rc = gotc_fail(h, GOTC_ENOTINST,
					       "target %s uses store entry %s, which is missing: install it again",
					       v[k].name, *e);
			else if (strv_push(&done, *e))
				rc = gotc_fail(h, -ENOMEM, "out of memory");
			else
				rc = push_one(h, r, *e);
		}
	}
	oci_close(r);
	installed_free(v, nv);
	strv_free(done);
	store_unlock(lock);
	return rc;
}
