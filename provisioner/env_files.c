/* env_files.c - which file of a target prefix holds which env format. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "install.h"
#include "model.h"
#include "util.h"

const struct env_file env_files[] = {{"sh", "env.sh"},	 {"fish", "env.fish"},	   {"json", "env.json"},
		 {"make", "env.mk"},	 {"github", "env.github"}, {"github-path", "env.github-path"},
		 {"cmake", "toolchain.cmake"},
		 {"meson", "cross.ini"}, {"nul", "env.0"}};

const size_t env_file_count = sizeof(env_files) / sizeof(env_files[0]);

const char *env_file_name(const char *format)
{
	for (size_t i = 0; i < env_file_count; i++)
		if (strcmp(env_files[i].format, format) == 0)
			return env_files[i].file;
	return NULL;
}


char *gocache_user(const char *leaf)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = user_home();
	if (x && *x == '/')
		return str_printf("%s/gotc/gocache/%s", x, leaf);
	return home ? str_printf("%s/.cache/gotc/gocache/%s", home, leaf) : NULL;
}

char *gocache_fallback(gotc_t *h, const char *value)
{
	char *dir = path_join(h->home, "gocache"), *out = NULL;
	size_t n = dir ? strlen(dir) : 0;
	if (dir && strncmp(value, dir, n) == 0 && value[n] == '/' && access(dir, W_OK) != 0)
		out = gocache_user(value + n + 1);
	free(dir);
	return out;
}

/* Here, not in model_resolve.c: the light front end (gotc env, exec,
 * which) suggests a name too, on its failure path only. */
char *target_nearest(gotc_t *h, const char *name)
{
	char **all = calloc(1, sizeof(char *));
	for (size_t i = 0; all && h->search && h->search[i]; i++) {
		char *d = path_join(h->search[i], "targets");
		char **v = d ? dir_list(d, ".ini") : NULL;
		for (size_t k = 0; v && v[k]; k++) {
			v[k][strlen(v[k]) - 4] = '\0';
			if (strv_push(&all, v[k]))
				break;
		}
		strv_free(v);
		free(d);
	}
	const char *sug = all ? str_nearest(name, (const char *const *)all, (size_t)-1) : NULL;
	char *out = sug ? strdup(sug) : NULL;
	strv_free(all);
	return out;
}

bool target_known(gotc_t *h, const char *name)
{
	bool known = false;
	/* an instance TARGET@goVERSION installs from TARGET's file */
	int tl = (int)strcspn(name, "@");
	for (size_t i = 0; h->search && h->search[i] && !known; i++) {
		char *p = str_printf("%s/targets/%.*s.ini", h->search[i], tl, name);
		known = p && is_file(p);
		free(p);
	}
	return known;
}

char *hint_install(gotc_t *h, const char *name)
{
	const char *self = h->self ? h->self : "gotc";
	if (!target_known(h, name)) {
		char *sug = target_nearest(h, name);
		char *out = str_printf("no target '%s' on the search path either: %s%s%ssee '%s targets'", name,
				       sug ? "did you mean '" : "", sug ? sug : "", sug ? "'? " : "", self);
		free(sug);
		return out;
	}
	char *q = str_shell_quote(name);
	char *out = q ? str_printf("run: %s install %s", self, q) : NULL;
	free(q);
	return out;
}

int target_not_installed(gotc_t *h, const char *name)
{
	char *hint = hint_install(h, name);
	int code = target_known(h, name) ? GOTC_ENOTINST : GOTC_ENOTARGET;
	int rc = gotc_fail(h, code, "target '%s' is not installed in %s (%s)", name, h->home,
			   hint ? hint : "out of memory");
	free(hint);
	return rc;
}

int env_apply(gotc_t *h, const char *target)
{
	char *path = str_printf("%s/targets/%s/env.0", h->home, target), *data = NULL;
	size_t len = 0;
	int rc = path ? read_file(path, &data, &len) : -ENOMEM;
	free(path);
	if (rc == -ENOENT)
		return target_not_installed(h, target);
	if (rc)
		return gotc_fail(h, rc, "cannot read the env of target '%s' in %s: %s", target, h->home,
				 strerror(-rc));
	struct buf pathv;
	buf_init(&pathv);
	for (size_t off = 0; off < len && !rc;) {
		char *rec = data + off;
		size_t n = strnlen(rec, len - off);
		off += n + 1;
		char *eq = strchr(rec, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(rec, "+PATH") == 0) {
			buf_puts(&pathv, eq + 1);
			buf_putc(&pathv, ':');
		} else {
			/* a read-only (system-wide) home: GOCACHE in the user's cache */
			char *user = strcmp(rec, "GOCACHE") == 0 ? gocache_fallback(h, eq + 1) : NULL;
			if (setenv(rec, user ? user : eq + 1, 1) < 0)
				rc = gotc_fail(h, -errno, "setenv %s: %s", rec, strerror(errno));
			free(user);
		}
	}
	const char *old = getenv("PATH");
	if (old && !*old && pathv.len)
		pathv.s[--pathv.len] = '\0'; /* no empty entry (the current directory) */
	else
		buf_puts(&pathv, old ? old : "/usr/bin:/bin");
	if (!rc && setenv("PATH", pathv.s ? pathv.s : "/usr/bin:/bin", 1) < 0)
		rc = gotc_fail(h, -errno, "setenv PATH: %s", strerror(errno));
	buf_free(&pathv);
	free(data);
	return rc;
}
