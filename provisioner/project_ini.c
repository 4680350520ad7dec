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
};

#define P(f) offsetof(struct pfields, f)
static const struct ini_key project_keys[] = {
	{"project", "go", IT_WORD, 0, P(go), NULL, 0},
	{"project", "targets", IT_WORDS, IK_REQUIRED, P(targets), NULL, 0},
};
static const char *const project_sections[] = {"project", NULL};

static void *p_section(struct ini_ctx *c, const char *sect, int line, const char **cls)
{
	(void)line;
	*cls = strcmp(sect, "project") == 0 ? project_sections[0] : NULL;
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
	strv_free(p->targets);
	memset(p, 0, sizeof(*p));
}

int project_read(gotc_t *h, const char *path, const char *data, size_t len, struct project *p)
{
	struct pfields f = {NULL, NULL};
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
	ini_ctx_free(&c);
	if (!rc && !(p->path = strdup(path)))
		rc = gotc_fail(h, -ENOMEM, "out of memory");
	if (rc) {
		free(f.go);
		strv_free(f.targets);
		return rc;
	}
	p->go = f.go;
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
	if (!p->go || strchr(target, '@'))
		return strdup(target);
	return str_printf("%s@go%s", target, p->go);
}
