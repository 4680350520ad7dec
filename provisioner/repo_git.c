/* repo_git.c - fetch and export recipe repositories (the only file using libgit2). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "repo.h"
#include "lazy.h"
#include "util.h"

/* A repository holds INI files: refuse anything that looks like a bomb. */
#define EXPORT_MAX_DEPTH 8
#define EXPORT_MAX_FILES 20000
#define EXPORT_MAX_FILE (1u << 20)
#define EXPORT_MAX_BYTES (64u << 20)
#define FETCH_REF "refs/gotc/fetched"

struct repo_git {
	gotc_t *h;
	git_repository *repo;
	char *gitdir;
};

struct export_state {
	size_t files;
	size_t bytes;
};

static int git_fail(gotc_t *h, int code, const char *what)
{
	const git_error *e = git_error_last();
	return gotc_fail(h, code, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

int repo_git_open(gotc_t *h, const char *gitdir, struct repo_git **out)
{
	*out = NULL;
	int need = lazy_need(h, LAZY_GIT2);
	if (need)
		return need;
	struct repo_git *g = calloc(1, sizeof(*g));
	if (!g)
		return gotc_fail(h, -ENOMEM, "out of memory");
	g->h = h;
	git_libgit2_init();
	int rc = 0;
	if (h->cafile &&
	    git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, h->cafile, NULL) < 0) {
		rc = git_fail(h, GOTC_EFETCH, h->cafile);
		goto out;
	}
	g->gitdir = strdup(gitdir);
	if (!g->gitdir) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (is_dir(gitdir) ? git_repository_open_bare(&g->repo, gitdir) < 0
			   : git_repository_init(&g->repo, gitdir, 1) < 0) {
		rc = git_fail(h, GOTC_ESTORE, gitdir);
		goto out;
	}
out:
	if (rc)
		repo_git_close(g);
	else
		*out = g;
	return rc;
}

void repo_git_close(struct repo_git *g)
{
	if (!g)
		return;
	git_repository_free(g->repo);
	free(g->gitdir);
	free(g);
	git_libgit2_shutdown();
}

/* The advertised ref that REF names: HEAD, refs/heads/REF, refs/tags/REF, REF. */
static const git_remote_head *pick_head(const git_remote_head **heads, size_t n, const char *ref)
{
	char full[512];
	const char *const prefixes[] = {"", "refs/heads/", "refs/tags/"};
	if (!ref)
		ref = "HEAD";
	for (size_t f = 0; f < sizeof(prefixes) / sizeof(prefixes[0]); f++) {
		if (f == 0 && strcmp(ref, "HEAD") != 0 && !str_starts(ref, "refs/"))
			continue;
		snprintf(full, sizeof(full), "%s%s", prefixes[f], ref);
		for (size_t i = 0; i < n; i++)
			if (strcmp(heads[i]->name, full) == 0)
				return heads[i];
	}
	return NULL;
}

int repo_git_fetch(struct repo_git *g, const char *url, const char *ref, char commit[41])
{
	gotc_t *h = g->h;
	char *shown = url_redact(url); /* messages never carry credentials */
	if (!shown)
		return gotc_fail(h, -ENOMEM, "out of memory");
	git_remote *remote = NULL;
	git_object *obj = NULL, *peeled = NULL;
	git_reference *fetched = NULL;
	char *spec = NULL;
	int rc = 0;
	git_remote_callbacks cbs;
	git_proxy_options proxy;
	git_fetch_options fo;
	git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION);
	git_proxy_options_init(&proxy, GIT_PROXY_OPTIONS_VERSION);
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	proxy.type = GIT_PROXY_AUTO; /* http.proxy, https_proxy and friends */
	/* An anonymous remote; url.*.insteadOf of the user's git config is not
	 * applied (the URL recorded is the one used; this also avoids a
	 * libgit2 1.5 leak in its config regex matching). */
	git_remote_create_options ro;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = g->repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(&remote, url, &ro) < 0) {
		rc = git_fail(h, GOTC_EUSAGE, shown);
		goto out;
	}
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs, &proxy, NULL) < 0) {
		rc = git_fail(h, GOTC_EFETCH, shown);
		goto out;
	}
	const git_remote_head **heads = NULL;
	size_t n = 0;
	if (git_remote_ls(&heads, &n, remote) < 0) {
		rc = git_fail(h, GOTC_EFETCH, shown);
		goto out;
	}
	const git_remote_head *head = pick_head(heads, n, ref);
	if (!head) {
		rc = ref ? gotc_fail(h, GOTC_ENOTFOUND,
				     "%s has no branch or tag '%s' (see 'git ls-remote %s')", shown, ref, shown)
			 : gotc_fail(h, GOTC_ENOTFOUND, "%s has no HEAD (empty, or HEAD names a missing branch): name a branch with --ref BRANCH", shown);
		goto out;
	}
	git_oid oid = head->oid;
	spec = str_printf("+%s:%s", head->name, FETCH_REF);
	if (!spec) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	git_strarray specs = {&spec, 1};
	fo.proxy_opts = proxy;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	gotc_info(h, "fetching %s from %s", head->name, shown);
	if (git_remote_download(remote, &specs, &fo) < 0) {
		rc = git_fail(h, GOTC_EFETCH, shown);
		goto out;
	}
	if (git_reference_create(&fetched, g->repo, FETCH_REF, &oid, 1, "gotc fetch") < 0 ||
	    git_object_lookup(&obj, g->repo, &oid, GIT_OBJECT_ANY) < 0) {
		rc = git_fail(h, GOTC_EFETCH, shown);
		goto out;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		rc = gotc_fail(h, GOTC_EFETCH, "%s: %s does not name a commit", shown, head->name);
		goto out;
	}
	git_oid_tostr(commit, 41, git_object_id(peeled));
out:
	git_object_free(peeled);
	git_object_free(obj);
	git_reference_free(fetched);
	if (remote)
		git_remote_disconnect(remote);
	git_remote_free(remote);
	free(spec);
	free(shown);
	return rc;
}

int repo_git_descends(struct repo_git *g, const char *commit, const char *ancestor)
{
	git_oid a, b;
	if (git_oid_fromstr(&a, commit) < 0 || git_oid_fromstr(&b, ancestor) < 0)
		return git_fail(g->h, GOTC_ESTORE, "bad commit id");
	if (git_oid_equal(&a, &b))
		return 1;
	int r = git_graph_descendant_of(g->repo, &a, &b);
	return r < 0 ? git_fail(g->h, GOTC_ESTORE, g->gitdir) : r;
}

static int write_blob(gotc_t *h, const git_blob *blob, const char *path, struct export_state *st)
{
	git_object_size_t size = git_blob_rawsize(blob);
	if (size > EXPORT_MAX_FILE || st->bytes + size > EXPORT_MAX_BYTES)
		return gotc_fail(h, GOTC_EUNSAFE, "%s: %llu bytes: too large for a recipe repository",
				 path, (unsigned long long)size);
	st->bytes += (size_t)size;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return gotc_fail(h, -errno, "%s: %s", path, strerror(errno));
	const char *p = git_blob_rawcontent(blob);
	size_t left = (size_t)size;
	int rc = 0;
	while (left && !rc) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno != EINTR)
			rc = gotc_fail(h, -errno, "%s: %s", path, strerror(errno));
		else if (n > 0) {
			p += n;
			left -= (size_t)n;
		}
	}
	if (close(fd) < 0 && !rc)
		rc = gotc_fail(h, -errno, "%s: %s", path, strerror(errno));
	return rc;
}

/* Write tree under dir; rel is its path in the repository, for messages. */
static int export_tree(struct repo_git *g, const git_tree *tree, const char *dir, const char *rel,
		       int depth, struct export_state *st)
{
	gotc_t *h = g->h;
	if (depth > EXPORT_MAX_DEPTH)
		return gotc_fail(h, GOTC_EUNSAFE, "%s: directories nested too deep", rel);
	if (mkdir(dir, 0755) < 0)
		return gotc_fail(h, -errno, "mkdir %s: %s", dir, strerror(errno));
	int rc = 0;
	for (size_t i = 0; i < git_tree_entrycount(tree) && !rc; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		char *path = path_join(dir, name), *erel = str_printf("%s/%s", rel, name);
		git_object *obj = NULL;
		if (!path || !erel) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		} else if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
			rc = gotc_fail(h, GOTC_EUNSAFE, "%s: bad file name", erel);
		} else if (++st->files > EXPORT_MAX_FILES) {
			rc = gotc_fail(h, GOTC_EUNSAFE, "%s: more than %d files", rel, EXPORT_MAX_FILES);
		} else {
			switch (git_tree_entry_filemode(e)) {
			case GIT_FILEMODE_TREE:
			case GIT_FILEMODE_BLOB:
			case GIT_FILEMODE_BLOB_EXECUTABLE:
				if (git_tree_entry_to_object(&obj, g->repo, e) < 0)
					rc = git_fail(h, GOTC_ESTORE, erel);
				else if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
					rc = export_tree(g, (const git_tree *)obj, path, erel, depth + 1, st);
				else
					rc = write_blob(h, (const git_blob *)obj, path, st);
				break;
			case GIT_FILEMODE_LINK:
				rc = gotc_fail(h, GOTC_EUNSAFE,
					       "%s is a symlink: a recipe repository holds plain files only", erel);
				break;
			default:
				rc = gotc_fail(h, GOTC_EUNSAFE,
					       "%s is a submodule: a recipe repository holds plain files only",
					       erel);
			}
		}
		git_object_free(obj);
		free(path);
		free(erel);
	}
	return rc;
}

int repo_git_export(struct repo_git *g, const char *commit, const char *dest)
{
	gotc_t *h = g->h;
	git_oid oid;
	git_commit *c = NULL;
	git_tree *root = NULL;
	struct export_state st = {0, 0};
	int rc = 0, found = 0;
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, g->repo, &oid) < 0 ||
	    git_commit_tree(&root, c) < 0) {
		rc = git_fail(h, GOTC_ESTORE, commit);
		goto out;
	}
	static const char *const tops[] = {"targets", "recipes"};
	for (size_t i = 0; i < 2 && !rc; i++) {
		const git_tree_entry *e = git_tree_entry_byname(root, tops[i]);
		if (!e)
			continue;
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			rc = gotc_fail(h, GOTC_EUNSAFE, "%s: not a directory at commit %.12s", tops[i],
				       commit);
			break;
		}
		git_object *t = NULL;
		char *path = path_join(dest, tops[i]);
		if (!path)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		else if (git_tree_entry_to_object(&t, g->repo, e) < 0)
			rc = git_fail(h, GOTC_ESTORE, tops[i]);
		else
			rc = export_tree(g, (const git_tree *)t, path, tops[i], 1, &st);
		git_object_free(t);
		free(path);
		found++;
	}
	if (!rc && !found)
		rc = gotc_fail(h, GOTC_ERECIPE,
			       "commit %.12s has neither targets/ nor recipes/ at its top: not a gotc "
			       "recipe repository",
			       commit);
out:
	git_tree_free(root);
	git_commit_free(c);
	return rc;
}
