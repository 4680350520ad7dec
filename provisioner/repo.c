/* repo.c - recipe repositories: add, update, remove, list (see repo.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini_strict.h"
#include "lock.h"
#include "model.h"
#include "repo.h"
#include "store.h"
#include "util.h"

/* A branch or tag name as git allows them, more strictly. */
static bool ref_valid(const char *ref)
{
	if (!*ref || strlen(ref) > 200 || ref[0] == '-' || ref[0] == '/' || ref[0] == '.' ||
	    strstr(ref, "..") || strstr(ref, "//") || str_ends(ref, "/") || str_ends(ref, ".lock"))
		return false;
	for (const char *p = ref; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("~^:?*[\\\x7f", *p))
			return false;
	return true;
}

static int url_check(gotc_t *h, const char *url)
{
	char *shown = url_redact(url); /* messages never carry credentials */
	int rc = 0;
	if (!shown)
		return gotc_fail(h, -ENOMEM, "out of memory");
	for (const char *p = url; *p && !rc; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			rc = gotc_fail(h, GOTC_EUSAGE, "URL '%s' has blanks or control characters", shown);
	if (rc || str_starts(url, "https://") || (str_starts(url, "file://") && url[7]) ||
	    (str_starts(url, "http://") && h->allow_http))
		;
	else if (str_starts(url, "http://"))
		rc = gotc_fail(h, GOTC_EUSAGE,
			       "URL '%s': plain http needs allow_http = yes in [fetch] of config.ini "
			       "(use https:// or file://)",
			       shown);
	else
		rc = gotc_fail(h, GOTC_EUSAGE,
			       "URL '%s' is not https:// or file:// (for a local repository, say "
			       "file:///absolute/path)",
			       shown);
	free(shown);
	return rc;
}


/* ---- repo.ini ---- */

struct repo_conf {
	char *url, *ref;
};

#define R(f) offsetof(struct repo_conf, f)
static const struct ini_key repo_keys[] = {
	{"repo", "url", IT_STR, IK_REQUIRED, R(url), NULL, 0},
	{"repo", "ref", IT_WORD, 0, R(ref), NULL, 0},
};
static const char *const repo_sections[] = {"repo", NULL};

static void *conf_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	(void)line;
	*cls = strcmp(sect, "repo") == 0 ? repo_sections[0] : NULL;
	return c->user;
}

static int conf_read(gotc_t *h, const char *name, struct repo_conf *conf)
{
	char *path = repo_path(h, name, "repo.ini"), *data = NULL;
	size_t len = 0;
	memset(conf, 0, sizeof(*conf));
	int rc = path ? read_file(path, &data, &len) : -ENOMEM;
	if (rc == -ENOENT)
		rc = gotc_fail(h, GOTC_ENOTFOUND, "no repository '%s' (see 'gotc repo list')", name);
	else if (rc)
		rc = gotc_fail(h, rc, "%s: %s", path ? path : name, strerror(-rc));
	if (rc)
		goto out;
	struct ini_ctx c = {0};
	c.h = h;
	c.path = path;
	c.keys = repo_keys;
	c.nkeys = sizeof(repo_keys) / sizeof(repo_keys[0]);
	c.sections = repo_sections;
	c.on_section = conf_section;
	c.user = conf;
	rc = ini_read(&c, data, len);
	ini_ctx_free(&c);
out:
	if (rc) {
		free(conf->url);
		free(conf->ref);
		memset(conf, 0, sizeof(*conf));
	}
	free(data);
	free(path);
	return rc;
}

static int conf_write(gotc_t *h, const char *path, const char *url, const char *ref)
{
	char *s = str_printf("; written by gotc repo: the repository's URL and the ref it follows\n"
			     "[repo]\nurl = %s\n%s%s%s",
			     url, ref ? "ref = " : "", ref ? ref : "", ref ? "\n" : "");
	int rc = s ? write_file_atomic(path, s, strlen(s), 0644) : -ENOMEM;
	free(s);
	return rc ? gotc_fail(h, rc, "%s: %s", path, strerror(-rc)) : 0;
}

/* ---- list ---- */

void repo_info_clear(struct repo_info *ri)
{
	free(ri->name);
	free(ri->url);
	free(ri->ref);
	free(ri->commit);
	free(ri->dir);
	memset(ri, 0, sizeof(*ri));
}

void repo_info_free(struct repo_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		repo_info_clear(&v[i]);
	free(v);
}

static int info_fill(gotc_t *h, const char *name, struct repo_info *ri)
{
	struct repo_conf conf;
	char commit[41];
	memset(ri, 0, sizeof(*ri));
	int rc = conf_read(h, name, &conf);
	if (rc)
		return rc;
	if ((rc = repo_current_commit(h, name, commit))) {
		free(conf.url);
		free(conf.ref);
		return gotc_fail(h, GOTC_ESTORE,
				 "repository '%s' has no commit in use (%s/repos/%s/current): "
				 "'gotc repo remove %s' and add it again",
				 name, h->home, name, name);
	}
	ri->name = strdup(name);
	ri->url = conf.url;
	ri->ref = conf.ref;
	ri->commit = strdup(commit);
	ri->dir = str_printf("%s/repos/%s/trees/%s", h->home, name, commit);
	if (!ri->name || !ri->commit || !ri->dir) {
		repo_info_clear(ri);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	return 0;
}

int repo_list(gotc_t *h, struct repo_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char **names = repo_names(h);
	if (!names)
		return gotc_fail(h, -ENOMEM, "out of memory");
	size_t cnt = strv_len(names), i = 0;
	struct repo_info *v = calloc(cnt ? cnt : 1, sizeof(*v));
	int rc = v ? 0 : gotc_fail(h, -ENOMEM, "out of memory");
	for (; !rc && i < cnt; i++)
		rc = info_fill(h, names[i], &v[i]);
	strv_free(names);
	if (rc) {
		repo_info_free(v, i);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* For lockfiles (lock.h): names and commits in use, two parallel vectors. */
int repo_commits(gotc_t *h, char ***names, char ***commits)
{
	struct repo_info *v = NULL;
	size_t n = 0;
	*names = calloc(1, sizeof(char *));
	*commits = calloc(1, sizeof(char *));
	int rc = *names && *commits ? repo_list(h, &v, &n) : gotc_fail(h, -ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++)
		if (strv_push(names, v[i].name) || strv_push(commits, v[i].commit))
			rc = gotc_fail(h, -ENOMEM, "out of memory");
	repo_info_free(v, n);
	if (rc) {
		strv_free(*names);
		strv_free(*commits);
		*names = *commits = NULL;
	}
	return rc;
}

/* ---- changes (store lock held) ---- */

/* Lint the exported tree before it is used: the candidate first on the search
 * path.  An error inside the tree is reported relative to the repository. */
static int lint_candidate(gotc_t *h, const char *tree, const char *name, const char *commit,
			  const char *old)
{
	char **saved = h->search, **v = calloc(1, sizeof(char *));
	if (!v || strv_push(&v, tree)) {
		strv_free(v);
		return gotc_fail(h, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; saved[i]; i++)
		if (strv_push(&v, saved[i])) {
			strv_free(v);
			return gotc_fail(h, -ENOMEM, "out of memory");
		}
	h->search = v;
	int rc = lint_tree(h, tree, NULL);
	h->search = saved;
	strv_free(v);
	if (!rc)
		return 0;
	size_t tl = strlen(tree);
	char detail[sizeof(h->errbuf)];
	const char *d = h->errbuf;
	if (strncmp(d, tree, tl) == 0 && d[tl] == '/')
		d += tl + 1;
	snprintf(detail, sizeof(detail), "%s", d);
	char *hint = old ? str_printf("gotc: repository '%s': commit %.12s not activated: its files "
				      "fail lint; still using %.12s",
				      name, commit, old)
			 : str_printf("gotc: repository '%s' not added: commit %.12s fails lint", name,
				      commit);
	gotc_fail(h, rc, "%s\n%s", detail, hint ? hint : "");
	free(hint);
	return rc;
}

/* Export commit into a staging directory, lint it, move it to dest. */
static int stage_tree(gotc_t *h, struct repo_git *g, const char *name, const char *commit,
		      const char *old, const char *dest)
{
	char *stage = NULL, *tree = NULL;
	int rc = store_stage(h, "repo-tree", &stage);
	if (rc)
		return rc;
	tree = path_join(stage, "tree");
	if (!tree) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (mkdir(tree, 0755) < 0) {
		rc = gotc_fail(h, -errno, "mkdir %s: %s", tree, strerror(errno));
		goto out;
	}
	if ((rc = repo_git_export(g, commit, tree)))
		goto out;
	if ((rc = lint_candidate(h, tree, name, commit, old)))
		goto out;
	rm_rf(dest);
	if (rename(tree, dest) < 0)
		rc = gotc_fail(h, -errno, "rename %s to %s: %s", tree, dest, strerror(errno));
out:
	if (stage)
		rm_rf(stage);
	free(stage);
	free(tree);
	return rc;
}

/* Point NAME/current at trees/COMMIT atomically, then drop the other trees. */
static int activate(gotc_t *h, const char *dir, const char *commit)
{
	char *link = path_join(dir, "current"), *tmp = path_join(dir, "current.tmp");
	char *target = str_printf("trees/%s", commit), *trees = path_join(dir, "trees");
	int rc = 0;
	if (!link || !tmp || !target || !trees) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		rc = gotc_fail(h, -errno, "%s: %s", link, strerror(errno));
		unlink(tmp);
		goto out;
	}
	DIR *d = opendir(trees);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, commit) == 0)
			continue;
		char *p = path_join(trees, de->d_name);
		if (p)
			rm_rf(p);
		free(p);
	}
	if (d)
		closedir(d);
out:
	free(link);
	free(tmp);
	free(target);
	free(trees);
	return rc;
}

static int lock_repos(gotc_t *h)
{
	int fd = store_lock(h);
	if (fd >= 0)
		store_clean_staging(h, true);
	return fd;
}

int repo_add(gotc_t *h, const char *name, const char *url, const char *ref, struct repo_info *info)
{
	char *dir = NULL, *stage = NULL, *gitdir = NULL, *trees = NULL, *tree = NULL, *ini = NULL;
	char commit[41];
	struct repo_git *g = NULL;
	int lock = -1, rc;
	if (info)
		memset(info, 0, sizeof(*info));
	if (!repo_name_valid(name))
		return gotc_fail(h, GOTC_EUSAGE,
				 "bad repository name '%s' (letters, digits, '.', '_' and '-', starting "
				 "with a letter or digit; at most 64)",
				 name);
	if (ref && !ref_valid(ref))
		return gotc_fail(h, GOTC_EUSAGE, "bad ref '%s' (a branch or tag name)", ref);
	if ((rc = url_check(h, url)))
		return rc;
	if ((lock = lock_repos(h)) < 0)
		return lock;
	dir = repo_path(h, name, NULL);
	if (!dir) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (access(dir, F_OK) == 0) {
		rc = gotc_fail(h, GOTC_EUSAGE,
			       "repository '%s' exists: 'gotc repo update %s' fetches it again, "
			       "'gotc repo remove %s' deletes it",
			       name, name, name);
		goto out;
	}
	if ((rc = store_stage(h, "repo-add", &stage)))
		goto out;
	gitdir = path_join(stage, "git");
	trees = path_join(stage, "trees");
	ini = path_join(stage, "repo.ini");
	if (!gitdir || !trees || !ini) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = repo_git_open(h, gitdir, &g)) || (rc = repo_git_fetch(g, url, ref, commit)))
		goto out;
	tree = path_join(trees, commit);
	if (!tree) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (mkdir(trees, 0755) < 0) {
		rc = gotc_fail(h, -errno, "mkdir %s: %s", trees, strerror(errno));
		goto out;
	}
	if ((rc = stage_tree(h, g, name, commit, NULL, tree)) || (rc = activate(h, stage, commit)) ||
	    (rc = conf_write(h, ini, url, ref)))
		goto out;
	char *parent = path_join(h->home, "repos");
	rc = parent ? mkdir_p(parent, 0755) : -ENOMEM;
	free(parent);
	if (rc || rename(stage, dir) < 0) {
		rc = gotc_fail(h, rc ? rc : -errno, "cannot create %s: %s", dir,
			       strerror(rc ? -rc : errno));
		goto out;
	}
	if (info)
		rc = info_fill(h, name, info);
out:
	repo_git_close(g);
	if (stage && is_dir(stage))
		rm_rf(stage);
	store_unlock(lock);
	free(dir);
	free(stage);
	free(gitdir);
	free(trees);
	free(tree);
	free(ini);
	return rc;
}

int repo_update(gotc_t *h, const char *name, bool force, struct repo_change *ch)
{
	struct repo_conf conf = {NULL, NULL};
	struct repo_git *g = NULL;
	char *dir = NULL, *gitdir = NULL, *tree = NULL;
	int lock = -1, rc;
	memset(ch, 0, sizeof(*ch));
	if (!repo_name_valid(name))
		return gotc_fail(h, GOTC_ENOTFOUND, "no repository '%s' (see 'gotc repo list')", name);
	if ((lock = lock_repos(h)) < 0)
		return lock;
	if ((rc = conf_read(h, name, &conf)))
		goto out;
	if ((rc = url_check(h, conf.url)))
		goto out;
	if (repo_current_commit(h, name, ch->old_commit)) {
		rc = gotc_fail(h, GOTC_ESTORE,
			       "repository '%s' has no commit in use: 'gotc repo remove %s' and add it "
			       "again",
			       name, name);
		goto out;
	}
	dir = repo_path(h, name, NULL);
	gitdir = repo_path(h, name, "git");
	if (!dir || !gitdir) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = repo_git_open(h, gitdir, &g)) ||
	    (rc = repo_git_fetch(g, conf.url, conf.ref, ch->new_commit)))
		goto out;
	if (strcmp(ch->new_commit, ch->old_commit) == 0)
		goto out;
	rc = repo_git_descends(g, ch->new_commit, ch->old_commit);
	if (rc < 0)
		goto out;
	ch->forced = rc == 0;
	rc = 0;
	if (ch->forced && !force) {
		rc = gotc_fail(h, GOTC_EREPO,
			       "repository '%s': %s %s moved from %.12s to %.12s, which does not "
			       "contain it (history was rewritten: a force-push?); still using %.12s. "
			       "Accept it with 'gotc repo update --force %s'",
			       name, conf.url, conf.ref ? conf.ref : "HEAD", ch->old_commit,
			       ch->new_commit, ch->old_commit, name);
		goto out;
	}
	tree = str_printf("%s/trees/%s", dir, ch->new_commit);
	if (!tree) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = stage_tree(h, g, name, ch->new_commit, ch->old_commit, tree)) ||
	    (rc = activate(h, dir, ch->new_commit)))
		goto out;
	ch->changed = true;
out:
	repo_git_close(g);
	store_unlock(lock);
	free(conf.url);
	free(conf.ref);
	free(dir);
	free(gitdir);
	free(tree);
	return rc;
}

int repo_remove(gotc_t *h, const char *name)
{
	char *dir = NULL, *stage = NULL;
	int lock, rc = 0;
	if (!repo_name_valid(name))
		return gotc_fail(h, GOTC_ENOTFOUND, "no repository '%s' (see 'gotc repo list')", name);
	if ((lock = lock_repos(h)) < 0)
		return lock;
	dir = repo_path(h, name, NULL);
	if (!dir) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (!is_dir(dir)) {
		rc = gotc_fail(h, GOTC_ENOTFOUND, "no repository '%s' (see 'gotc repo list')", name);
		goto out;
	}
	/* Out of the search path in one rename, then deleted. */
	if ((rc = store_stage(h, "repo-remove", &stage)))
		goto out;
	if (rename(dir, stage) < 0) {
		rc = gotc_fail(h, -errno, "rename %s: %s", dir, strerror(errno));
		goto out;
	}
out:
	if (stage)
		rm_rf(stage);
	store_unlock(lock);
	free(dir);
	free(stage);
	return rc;
}
