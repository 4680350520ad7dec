/* config.c - the handle: defaults, config.ini files, environment, paths. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gotc.h"
#include "mirror.h"
#include "ini_strict.h"
#include "repo.h"
#include "util.h"

#ifndef GOTC_SYSCONFDIR
#define GOTC_SYSCONFDIR "/etc"
#endif
#ifndef GOTC_DATADIR
#define GOTC_DATADIR "/usr/local/share/gotc"
#endif

void gotc_test_point(gotc_t *h, const char *point)
{
	const char *at = getenv("GOTC_TEST_KILL_AT");
	if (!at || strcmp(at, point) != 0)
		return;
	if (h->pid && (pid_t)h->pid != getpid())
		kill((pid_t)h->pid, SIGKILL);
	raise(SIGKILL);
}


/* ---- config.ini ---- */

struct cfg {
	gotc_t *h;
	char *home, *cache, *cafile, *oci, *oci_mount_from;
	uint64_t oci_chunk;
	uint64_t jobs, retries, connect_timeout, low_speed_time, low_speed_limit, max_unpack;
	uint64_t unpack_ratio, max_download;
	bool allow_http;
	bool fsync;
	bool record; /* a record's mirrors.ini: adds only what config.ini does not set */
};

#define C(f) offsetof(struct cfg, f)
static const struct ini_key config_keys[] = {
	{"paths", "home", IT_STR, 0, C(home), NULL, 0},
	{"paths", "cache", IT_STR, 0, C(cache), NULL, 0},
	{"fetch", "jobs", IT_U64, 0, C(jobs), NULL, 0},
	{"fetch", "retries", IT_U64, 0, C(retries), NULL, 0},
	{"fetch", "cafile", IT_STR, 0, C(cafile), NULL, 0},
	{"fetch", "connect_timeout", IT_U64, 0, C(connect_timeout), NULL, 0},
	{"fetch", "low_speed_time", IT_U64, 0, C(low_speed_time), NULL, 0},
	{"fetch", "low_speed_limit", IT_U64, 0, C(low_speed_limit), NULL, 0},
	{"fetch", "allow_http", IT_BOOL, 0, C(allow_http), NULL, 0},
	{"fetch", "max_download", IT_U64, 0, C(max_download), NULL, 0},
	{"unpack", "max_size", IT_U64, 0, C(max_unpack), NULL, 0},
	{"unpack", "max_ratio", IT_U64, 0, C(unpack_ratio), NULL, 0},
	{"store", "fsync", IT_BOOL, 0, C(fsync), NULL, 0},
	{"cache", "oci", IT_URL, 0, C(oci), NULL, 0},
	{"cache", "oci_mount_from", IT_WORD, 0, C(oci_mount_from), NULL, 0},
	{"cache", "oci_chunk_size", IT_U64, 0, C(oci_chunk), NULL, 0},
};
static const char *const config_sections[] = {"paths", "fetch", "unpack", "store", "cache", "mirrors", NULL};
static const char *const config_free[] = {"mirrors", NULL};

/* Takes urls and origin (malloc'd). */
static void mirror_set(gotc_t *h, const char *name, char **urls, char *origin)
{
	for (size_t i = 0; i < h->nmirrors; i++)
		if (strcmp(h->mirrors[i].name, name) == 0) {
			strv_free(h->mirrors[i].urls);
			free(h->mirrors[i].origin);
			h->mirrors[i].urls = urls;
			h->mirrors[i].from_apt = 0;
			h->mirrors[i].origin = origin;
			return;
		}
	struct gotc_mirror *m = realloc(h->mirrors, (h->nmirrors + 1) * sizeof(*m));
	if (!m) {
		strv_free(urls);
		free(origin);
		return;
	}
	h->mirrors = m;
	m[h->nmirrors].name = strdup(name);
	m[h->nmirrors].urls = urls;
	m[h->nmirrors].from_apt = 0;
	m[h->nmirrors].origin = origin;
	if (!m[h->nmirrors].name) {
		strv_free(urls);
		free(origin);
		return;
	}
	h->nmirrors++;
}

static void *cfg_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	(void)line;
	*cls = NULL;
	for (size_t i = 0; config_sections[i]; i++)
		if (strcmp(config_sections[i], sect) == 0)
			*cls = config_sections[i];
	return c->user;
}

static int cfg_mirror(struct ini_ctx *c, void *obj, const char *key, const char *value, int line)
{
	struct cfg *cfg = obj;
	if (line < 0)
		return ini_error(c, -line, "mirror URLs go on one line, separated by spaces");
	char **urls = strv_split(value);
	if (!urls || !urls[0]) {
		strv_free(urls);
		return ini_error(c, line, "[mirrors] %s: no URL given", key);
	}
	for (size_t i = 0; urls[i]; i++)
		if (!str_starts(urls[i], "https://") && !str_starts(urls[i], "http://") &&
		    !str_starts(urls[i], "file://")) {
			int rc = ini_error(c, line, "[mirrors] %s: '%s' is not an http(s):// or file:// URL",
					   key, urls[i]);
			strv_free(urls);
			return rc;
		}
	if (cfg->record) {
		/* config.ini, then the record, then the host's apt source */
		for (size_t i = 0; i < cfg->h->nmirrors; i++)
			if (strcmp(cfg->h->mirrors[i].name, key) == 0 && !cfg->h->mirrors[i].from_apt) {
				strv_free(urls);
				return 0;
			}
		mirror_set(cfg->h, key, urls, str_printf("%s:%d (recorded at install)", c->path, line));
		return 0;
	}
	mirror_set(cfg->h, key, urls, str_printf("%s:%d", c->path, line));
	return 0;
}

static int config_file(gotc_t *h, struct cfg *cfg, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int rc = read_file(path, &data, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return gotc_fail(h, GOTC_ERECIPE, "%s: %s", path, gotc_strerror(rc));
	struct ini_ctx c = {0};
	c.h = h;
	c.path = path;
	c.keys = config_keys;
	c.nkeys = sizeof(config_keys) / sizeof(config_keys[0]);
	c.sections = config_sections;
	c.free_sections = config_free;
	c.on_section = cfg_section;
	c.on_free = cfg_mirror;
	c.user = cfg;
	rc = ini_read(&c, data, len);
	ini_ctx_free(&c);
	free(data);
	return rc;
}

static const char *const record_sections[] = {"mirrors", NULL};

static void *record_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	(void)line;
	*cls = strcmp(sect, "mirrors") == 0 ? record_sections[0] : NULL;
	return c->user;
}

int config_record_mirrors(gotc_t *h, const char *dir)
{
	char *path = path_join(dir, "mirrors.ini"), *data = NULL;
	size_t len = 0;
	int rc = path ? read_file(path, &data, &len) : -ENOMEM;
	if (rc == -ENOENT) { /* recorded before mirrors were */
		free(path);
		return 0;
	}
	if (rc) {
		rc = gotc_fail(h, rc == -ENOMEM ? rc : GOTC_ESTORE, "%s: %s", path ? path : dir, gotc_strerror(rc));
		free(path);
		return rc;
	}
	struct cfg cfg = {.h = h, .record = true};
	struct ini_ctx c = {0};
	c.h = h;
	c.path = path;
	c.sections = record_sections;
	c.free_sections = record_sections;
	c.on_section = record_section;
	c.on_free = cfg_mirror;
	c.user = &cfg;
	rc = ini_read(&c, data, len);
	ini_ctx_free(&c);
	if (rc == GOTC_ERECIPE)
		rc = gotc_wrap(h, GOTC_ESTORE, "the installed record is damaged (reinstall the target)");
	free(data);
	free(path);
	return rc;
}

const struct gotc_mirror *gotc_mirror_find(gotc_t *h, const char *name)
{
	for (size_t i = 0; i < h->nmirrors; i++)
		if (strcmp(h->mirrors[i].name, name) == 0)
			return &h->mirrors[i];
	/* ${mirror:debian} defaults to the host's apt archive; looked up only when
	 * a recipe asks, so gotc env and exec never read the apt sources */
	if (strcmp(name, "debian") != 0 || h->apt_default_tried)
		return NULL;
	h->apt_default_tried = 1;
	char *u = NULL, *origin = NULL;
	char **v = mirror_apt_debian(&u, &origin) == 0 ? calloc(2, sizeof(*v)) : NULL;
	if (!v) {
		free(u);
		free(origin);
		return NULL;
	}
	v[0] = u;
	mirror_set(h, "debian", v, origin);
	const struct gotc_mirror *m = gotc_mirror_find(h, name);
	if (m)
		((struct gotc_mirror *)m)->from_apt = 1;
	return m;
}

char *install_relative(const char *exe_dir, const char *leaf)
{
	char *prefix = NULL;
	if (str_ends(exe_dir, "/bin"))
		prefix = str_ndup(exe_dir, strlen(exe_dir) - 4);
	else if (str_ends(exe_dir, "/libexec/gotc"))
		prefix = str_ndup(exe_dir, strlen(exe_dir) - 13);
	char *out = prefix ? str_printf("%s/%s", prefix, leaf) : NULL;
	free(prefix);
	return out;
}

/* $var/leaf, else HOME/fallback/leaf; NULL with errno ENOENT when there is no home. */
static char *xdg(const char *var, const char *fallback, const char *leaf)
{
	const char *v = getenv(var);
	if (v && *v == '/')
		return str_printf("%s/%s", v, leaf);
	const char *home = user_home();
	return home ? str_printf("%s/%s/%s", home, fallback, leaf) : NULL;
}

static int no_home(gotc_t *h)
{
	if (user_home())
		return gotc_fail(h, -ENOMEM, "out of memory");
	return gotc_fail(h, GOTC_EUSAGE,
			 "HOME is not set and uid %lu has no home directory: set HOME, or GOTC_HOME, "
			 "GOTC_CACHE and GOTC_CONFIG",
			 (unsigned long)geteuid());
}

/* The home and the cache hold what gotc runs: refuse a directory another user
 * (not root: system-wide homes) owns or everyone may write, and a path that
 * PATH or the env files cannot carry. */
static int place_check(gotc_t *h, const char *what, const char *how, const char *path, bool in_path)
{
	if (strchr(path, '\n') || (in_path && strchr(path, ':')))
		return gotc_fail(h, GOTC_EUSAGE,
				 "the %s '%s' contains a %s, which PATH and the env files cannot carry: choose "
				 "another (%s)",
				 what, path, strchr(path, ':') ? "':'" : "newline", how);
	struct stat st;
	if (stat(path, &st) < 0)
		return 0; /* created on first install, as this user */
	if (!S_ISDIR(st.st_mode))
		return gotc_fail(h, GOTC_EUSAGE, "the %s %s is not a directory (%s)", what, path, how);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return gotc_fail(h, GOTC_EUSAGE,
				 "the %s %s belongs to uid %lu, not to you (uid %lu) or root: refusing it, since "
				 "its owner could change what gotc installs and runs (%s)",
				 what, path, (unsigned long)st.st_uid, (unsigned long)geteuid(), how);
	if (st.st_mode & S_IWOTH)
		return gotc_fail(h, GOTC_EUSAGE,
				 "the %s %s is writable by every user (mode %03o): refusing it; run chmod o-w %s",
				 what, path, (unsigned)(st.st_mode & 0777), path);
	return 0;
}

/* 0, or -ENOMEM (a search path missing a directory would find other files). */
static int search_add(gotc_t *h, const char *dir)
{
	char *t = path_join(dir, "targets"), *r = path_join(dir, "recipes");
	int rc = t && r ? 0 : -ENOMEM;
	if (!rc && (is_dir(t) || is_dir(r))) {
		bool dup = false;
		for (size_t i = 0; h->search && h->search[i]; i++)
			dup |= strcmp(h->search[i], dir) == 0;
		if (!dup)
			rc = strv_push(&h->search, dir);
	}
	free(t);
	free(r);
	return rc;
}

int gotc_init(gotc_t *h, const char *home_override, const char *exe_dir)
{
	struct cfg cfg = {.h = h, .jobs = 4, .retries = 4, .connect_timeout = 30,
			  .low_speed_time = 30, .low_speed_limit = 1024, .max_unpack = 2ull << 30,
			  .unpack_ratio = 25, .max_download = 2ull << 30, .oci_chunk = 8u << 20,
			  .fsync = true};
	int rc = 0;
	memset(h, 0, sizeof(*h));
	h->search = calloc(1, sizeof(char *));
	if (!h->search)
		return -ENOMEM;
	const char *cf = getenv("GOTC_CONFIG");
	h->user_config = cf && *cf ? strdup(cf) : xdg("XDG_CONFIG_HOME", ".config", "gotc/config.ini");
	if (!h->user_config)
		return no_home(h);
	if (home_override) {
		char *q = str_shell_quote(home_override);
		h->self = q ? str_printf("gotc --home %s", q) : NULL;
		free(q);
	} else {
		h->self = strdup("gotc");
	}
	if (cf && *cf) {
		if (!is_file(cf))
			return gotc_fail(h, GOTC_ERECIPE, "GOTC_CONFIG=%s: no such file", cf);
		rc = config_file(h, &cfg, cf);
	} else {
		const char *sys = getenv("GOTC_SYSCONFDIR");
		char *p = str_printf("%s/gotc/config.ini", sys ? sys : GOTC_SYSCONFDIR);
		rc = p ? config_file(h, &cfg, p) : -ENOMEM;
		free(p);
		if (!rc)
			rc = config_file(h, &cfg, h->user_config);
	}
	if (rc)
		goto out;
	const char *e;
	if (home_override)
		h->home = strdup(home_override);
	else if ((e = getenv("GOTC_HOME")) && *e)
		h->home = strdup(e);
	else if (cfg.home)
		h->home = strdup(cfg.home);
	else
		h->home = xdg("XDG_DATA_HOME", ".local/share", "gotc");
	if ((e = getenv("GOTC_CACHE")) && *e)
		h->cache = strdup(e);
	else if (cfg.cache)
		h->cache = strdup(cfg.cache);
	else
		h->cache = xdg("XDG_CACHE_HOME", ".cache", "gotc");
	h->cafile = cfg.cafile ? strdup(cfg.cafile) : NULL;
	h->oci = cfg.oci && *cfg.oci ? strdup(cfg.oci) : NULL;
	h->oci_mount_from = cfg.oci_mount_from ? strdup(cfg.oci_mount_from) : NULL;
	h->oci_chunk = cfg.oci_chunk;
	if (h->oci && !str_starts(h->oci, "https://")) {
		rc = gotc_fail(h, GOTC_ERECIPE, "[cache] oci = %s: registries are reached over https:// only", h->oci);
		goto out;
	}
	if ((e = getenv("GOTC_CAFILE")) && *e) {
		free(h->cafile);
		h->cafile = strdup(e);
	}
	h->jobs = cfg.jobs ? (int)cfg.jobs : 1;
	h->retries = (int)cfg.retries;
	h->connect_timeout = (long)cfg.connect_timeout;
	h->low_speed_time = (long)cfg.low_speed_time;
	h->low_speed_limit = (long)cfg.low_speed_limit;
	h->allow_http = cfg.allow_http;
	h->max_unpack = cfg.max_unpack;
	h->unpack_ratio = cfg.unpack_ratio;
	h->max_download = cfg.max_download;
	h->fsync = cfg.fsync;
	h->pid = (long)getpid();
	/* Search path: GOTC_PATH, recipe repositories, the installed share dir,
	 * the source tree. */
	int oom = 0;
	if ((e = getenv("GOTC_PATH")) && *e) {
		char *copy = strdup(e), *save = NULL;
		oom |= !copy;
		for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save))
			oom |= search_add(h, d);
		free(copy);
	}
	char **repos = h->home ? repo_search_dirs(h) : NULL;
	for (size_t i = 0; repos && repos[i]; i++)
		oom |= search_add(h, repos[i]);
	strv_free(repos);
	/* Installed: the share directory beside this program (PREFIX/bin/gotc or
	 * PREFIX/libexec/gotc/gotc-core -> PREFIX/share/gotc), so an install is
	 * relocatable; then the one configured at build time. */
	char *rel = exe_dir ? install_relative(exe_dir, "share/gotc") : NULL;
	if (rel && is_dir(rel))
		oom |= search_add(h, rel);
	free(rel);
	oom |= search_add(h, GOTC_DATADIR);
	/* The source tree, when gotc runs from it (gotc at the top, the core in build/). */
	for (int up = 0; exe_dir && up < 2; up++) {
		char *dir = up ? path_dirname(exe_dir) : strdup(exe_dir);
		char *marker = dir ? str_printf("%s/provisioner/gotc.h", dir) : NULL;
		if (marker && is_file(marker))
			oom |= search_add(h, dir);
		free(marker);
		free(dir);
	}
	if (oom)
		GOTO_ERR(h, rc, -ENOMEM, out, "out of memory building the search path");
	if (!h->home || !h->cache) {
		rc = no_home(h);
		goto out;
	}
	/* Links, wrappers and env files hold these paths: make them absolute. */
	char **abs[] = {&h->home, &h->cache};
	for (int i = 0; i < 2; i++) {
		if ((*abs[i])[0] == '/')
			continue;
		char cwd[4096];
		char *a = getcwd(cwd, sizeof(cwd)) ? path_join(cwd, *abs[i]) : NULL;
		if (!a) {
			rc = gotc_fail(h, -errno ? -errno : -ENOMEM, "cannot make %s absolute", *abs[i]);
			goto out;
		}
		free(*abs[i]);
		*abs[i] = a;
	}
	rc = place_check(h, "home", home_override ? "--home"
				    : getenv("GOTC_HOME") && *getenv("GOTC_HOME") ? "GOTC_HOME"
				    : cfg.home ? "[paths] home"
						 : "XDG_DATA_HOME or HOME",
			 h->home, true);
	if (!rc)
		rc = place_check(h, "cache", getenv("GOTC_CACHE") && *getenv("GOTC_CACHE") ? "GOTC_CACHE"
					     : cfg.cache ? "[paths] cache"
							 : "XDG_CACHE_HOME or HOME",
				 h->cache, false);
out:
	free(cfg.home);
	free(cfg.cache);
	free(cfg.cafile);
	free(cfg.oci);
	free(cfg.oci_mount_from);
	return rc;
}

void gotc_free(gotc_t *h)
{
	free(h->home);
	free(h->cache);
	strv_free(h->search);
	for (size_t i = 0; i < h->nmirrors; i++) {
		free(h->mirrors[i].name);
		strv_free(h->mirrors[i].urls);
		free(h->mirrors[i].origin);
	}
	free(h->user_config);
	free(h->self);
	free(h->mirrors);
	free(h->cafile);
	free(h->oci);
	free(h->oci_mount_from);
	memset(h, 0, sizeof(*h));
}
