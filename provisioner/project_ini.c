/* project_ini.c - find and read gotc.ini (see project.h). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini_strict.h"
#include "project.h"
#include "util.h"

struct pfields {
	char *go;
	char **targets;
	char **packages;
};

#define P(f) offsetof(struct pfields, f)
static const struct ini_key project_keys[] = {
	{"project", "go", IT_WORD, 0, P(go), NULL, 0},
	{"project", "targets", IT_WORDS, IK_REQUIRED, P(targets), NULL, 0},
	{"packages", "install", IT_WORDS, IK_REQUIRED, P(packages), NULL, 0},
};
static const char *const project_sections[] = {"project", "packages", NULL};

static void *p_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	(void)line;
	*cls = NULL;
	for (int i = 0; project_sections[i]; i++)
		if (strcmp(sect, project_sections[i]) == 0)
			*cls = project_sections[i];
	return c->user;
}

/* NAME or REPO/NAME: letters, digits, . _ + -, not starting with . or - */
static bool name_ok(const char *s)
{
	const char *slash = strchr(s, '/');
	if (slash && strchr(slash + 1, '/'))
		return false;
	for (const char *part = s; part; part = slash ? slash + 1 : NULL, slash = NULL) {
		if (!*part || *part == '.' || *part == '-' || *part == '/')
			return false;
		for (const char *p = part; *p && *p != '/'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || strchr("._+-", *p)))
				return false;
	}
	return true;
}

void project_free(struct project *p)
{
	free(p->path);
	free(p->go);
	free(p->with);
	strv_free(p->targets);
	memset(p, 0, sizeof(*p));
}

int project_read(gotc_t *h, const char *path, const char *data, size_t len, struct project *p)
{
	struct pfields f = {NULL, NULL, NULL};
	char *with = NULL;
	struct ini_ctx c = {0};
	memset(p, 0, sizeof(*p));
	c.h = h;
	c.path = path;
	c.keys = project_keys;
	c.nkeys = sizeof(project_keys) / sizeof(project_keys[0]);
	c.sections = project_sections;
	c.on_section = p_section;
	c.user = &f;
	int rc = ini_read(&c, data, len);
	if (!rc && !c.nsects)
		rc = ini_error(&c, 1, "no [project] section (a project file holds [project] with targets = ...)");
	if (!rc && f.go && !go_release_valid(f.go))
		rc = ini_error(&c, ini_key_line(&c, "project", "go"),
			       "go: expected a Go version like 1.24 or 1.24.4, got '%s'", f.go);
	for (size_t i = 0; !rc && f.targets && f.targets[i]; i++) {
		if (!name_ok(f.targets[i]))
			rc = ini_error(&c, ini_key_line(&c, "project", "targets"),
				       "targets: '%s' is not a target name (NAME or REPO/NAME; the Go "
				       "comes from go = VERSION)",
				       f.targets[i]);
		for (size_t k = 0; !rc && k < i; k++)
			if (strcmp(f.targets[k], f.targets[i]) == 0)
				rc = ini_error(&c, ini_key_line(&c, "project", "targets"),
					       "targets: '%s' is listed twice", f.targets[i]);
	}
	if (!rc && (!f.targets || !f.targets[0]))
		rc = ini_error(&c, ini_key_line(&c, "project", "targets"), "targets: no target given");
	for (size_t i = 0; !rc && f.packages && f.packages[i]; i++)
		if (!deb_name_valid(f.packages[i]))
			rc = ini_error(&c, ini_key_line(&c, "packages", "install"),
				       "install: '%s' is not a Debian package name (lower-case letters, "
				       "digits, + . -)",
				       f.packages[i]);
	if (!rc && f.packages) {
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; f.packages[i]; i++)
			buf_printf(&b, "%s ", f.packages[i]);
		with = b.oom ? NULL : packages_canonical(b.s ? b.s : "");
		buf_free(&b);
		if (!with)
			rc = f.packages[0] ? gotc_fail(h, -ENOMEM, "out of memory")
					   : ini_error(&c, ini_key_line(&c, "packages", "install"),
						       "install: no package given");
	}
	ini_ctx_free(&c);
	if (!rc && !(p->path = strdup(path)))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	strv_free(f.packages);
	if (rc) {
		free(f.go);
		free(with);
		strv_free(f.targets);
		return rc;
	}
	p->go = f.go;
	p->with = with;
	p->targets = f.targets;
	return 0;
}

int project_find(gotc_t *h, struct project *p)
{
	memset(p, 0, sizeof(*p));
	char *dir = getcwd(NULL, 0);
	if (!dir)
		return gotc_fail(h, -errno, "cannot find the working directory: %s", strerror(errno));
	int rc = 0;
	for (;;) {
		char *f = path_join(*dir ? dir : "/", "gotc.ini");
		char *git = path_join(*dir ? dir : "/", ".git");
		if (!f || !git) {
			free(f);
			free(git);
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			break;
		}
		bool stop = access(git, F_OK) == 0;
		free(git);
		if (is_file(f)) {
			char *data = NULL;
			size_t len = 0;
			rc = read_file(f, &data, &len);
			rc = rc ? gotc_fail(h, GOTC_ERECIPE, "%s: %s", f, strerror(-rc))
				: project_read(h, f, data, len, p);
			free(data);
			free(f);
			break;
		}
		free(f);
		char *slash = strrchr(dir, '/');
		if (stop || !slash || !*dir)
			break;
		*slash = '\0'; /* "/a" -> "" = the root, looked at next */
	}
	free(dir);
	return rc;
}

char *project_instance(const struct project *p, const char *target)
{
	if ((!p->go && !p->with) || strchr(target, '@'))
		return strdup(target);
	return str_printf("%s%s%s%s%s", target, p->go ? "@go" : "", p->go ? p->go : "", p->with ? "@with-" : "",
			  p->with ? p->with : "");
}
