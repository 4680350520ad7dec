/* mirror_apt.c - the default ${mirror:debian}: the host's apt source of the
 * Debian archive itself.
 *
 * apt reads sources.list, then sources.list.d/ *.list and *.sources in name
 * order; any of them may name another repository (Docker's, a vendor's) with
 * a Debian suite name.  A source is the Debian archive when apt's own copy of
 * its Release file (in /var/lib/apt/lists) says "Origin: Debian"; without
 * that file (apt-get update never ran), when it has component main, only
 * Debian suite names (bookworm, sid, stable-updates, ...; never -security)
 * and no keyring but Debian's archive keyring.  Host names are not looked
 * at. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mirror.h"
#include "util.h"

struct apt_src {
	const char *file;
	char *uri;
	char **suites, **comps;
	char *signed_by; /* NULL: none given */
	bool disabled, is_deb;
};

static void src_clear(struct apt_src *s)
{
	free(s->uri);
	strv_free(s->suites);
	strv_free(s->comps);
	free(s->signed_by);
	memset(s, 0, sizeof(*s));
}

static const char *const debian_suites[] = {
	"buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid", "experimental",
	"oldoldstable", "oldstable", "stable", "testing", "unstable", NULL,
};
static const char *const suite_tails[] = {"-updates", "-backports", "-backports-sloppy",
					  "-proposed-updates", NULL};

static bool debian_suite(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; suite_tails[i]; i++)
		if (str_ends(s, suite_tails[i])) {
			n -= strlen(suite_tails[i]);
			break;
		}
	for (size_t i = 0; debian_suites[i]; i++)
		if (strlen(debian_suites[i]) == n && strncmp(s, debian_suites[i], n) == 0)
			return true;
	return false;
}

/* 1: apt's Release file of uri/suite says Origin: Debian; 0: another origin;
 * -ENOENT: no such file. */
static int release_origin(const char *root, const char *uri, const char *suite)
{
	const char *p = strstr(uri, "://");
	p = p ? p + 3 : uri;
	struct buf name;
	buf_init(&name);
	for (; *p; p++)
		buf_putc(&name, *p == '/' ? '_' : *p);
	while (name.len && name.s[name.len - 1] == '_')
		name.s[--name.len] = '\0';
	int rc = -ENOENT;
	static const char *const kinds[] = {"InRelease", "Release", NULL};
	for (size_t k = 0; kinds[k] && rc < 0 && name.s; k++) {
		char *path = str_printf("%s/var/lib/apt/lists/%s_dists_%s_%s", root, name.s, suite, kinds[k]);
		char *data = NULL;
		if (path && read_file(path, &data, NULL) == 0) {
			rc = 0;
			char *l = data;
			if (str_starts(l, "-----BEGIN PGP SIGNED MESSAGE-----")) {
				l = strstr(l, "\n\n"); /* past the armor header */
				l = l ? l + 2 : NULL;
			}
			while (l && *l && rc == 0) {
				char *nl = strchr(l, '\n');
				if (nl)
					*nl = '\0';
				if (l[0] == '\0')
					break; /* the end of the first paragraph */
				if (str_starts(l, "Origin:")) {
					char **w = strv_split(l + 7);
					rc = w && w[0] && !w[1] && strcmp(w[0], "Debian") == 0;
					strv_free(w);
					break;
				}
				l = nl ? nl + 1 : NULL;
			}
		}
		free(data);
		free(path);
	}
	buf_free(&name);
	return rc;
}

/* The Debian archive?  why: how we know. */
static bool is_debian(const char *root, const struct apt_src *s, char *why, size_t n)
{
	bool main_comp = false, named = true, any = false;
	if (s->disabled || !s->is_deb || !s->uri || !strstr(s->uri, "://") || !s->suites)
		return false;
	for (size_t i = 0; s->comps && s->comps[i]; i++)
		main_comp |= strcmp(s->comps[i], "main") == 0;
	if (!main_comp)
		return false;
	for (size_t i = 0; s->suites[i]; i++) {
		if (str_ends(s->suites[i], "-security") || strchr(s->suites[i], '/'))
			return false; /* the security archive, or a flat repository */
		int r = release_origin(root, s->uri, s->suites[i]);
		if (r == 0)
			return false;
		if (r == 1) {
			snprintf(why, n, "its Release file for %s says Origin: Debian", s->suites[i]);
			return true;
		}
		named &= debian_suite(s->suites[i]);
		any = true;
	}
	if (!any || !named)
		return false;
	if (s->signed_by && !strstr(s->signed_by, "debian-archive-keyring"))
		return false;
	snprintf(why, n, "suite %s, component main%s", s->suites[0],
		 s->signed_by ? ", Debian's archive keyring" : "");
	return true;
}

static char *field(const char *l, const char *key)
{
	size_t k = strlen(key);
	if (strncasecmp(l, key, k) != 0 || l[k] != ':')
		return NULL;
	return str_dup(l + k + 1);
}

/* deb822 .sources: the first Debian paragraph. */
static bool scan_sources(const char *root, const char *path, char **uri, char **origin)
{
	char *data = NULL, why[256];
	bool found = false;
	if (read_file(path, &data, NULL) != 0)
		return false;
	struct apt_src s = {.file = path};
	char *l = data;
	for (;;) {
		char *nl = l ? strchr(l, '\n') : NULL;
		if (nl)
			*nl = '\0';
		bool end = !l || l[strspn(l, " \t\r")] == '\0'; /* a blank line ends a paragraph */
		if (end) {
			if (s.uri && is_debian(root, &s, why, sizeof(why))) {
				*uri = s.uri;
				s.uri = NULL;
				*origin = str_printf("apt source %s: %s", path, why);
				found = true;
			}
			src_clear(&s);
			s.file = path;
			if (found || !l)
				break;
		} else if (*l != '#' && *l != ' ' && *l != '\t') {
			char *v;
			if ((v = field(l, "Types"))) {
				char **w = strv_split(v);
				for (size_t i = 0; w && w[i]; i++)
					s.is_deb |= strcmp(w[i], "deb") == 0;
				strv_free(w);
			} else if ((v = field(l, "URIs"))) {
				char **w = strv_split(v);
				free(s.uri);
				s.uri = w && w[0] ? str_dup(w[0]) : NULL;
				strv_free(w);
			} else if ((v = field(l, "Suites"))) {
				strv_free(s.suites);
				s.suites = strv_split(v);
			} else if ((v = field(l, "Components"))) {
				strv_free(s.comps);
				s.comps = strv_split(v);
			} else if ((v = field(l, "Signed-By"))) {
				free(s.signed_by);
				s.signed_by = str_dup(v[strspn(v, " \t")] ? v : "(inline key)");
			} else if ((v = field(l, "Enabled"))) {
				s.disabled = strstr(v, "no") != NULL;
			}
			free(v);
		}
		l = nl ? nl + 1 : NULL;
	}
	src_clear(&s);
	free(data);
	return found;
}

/* One-line style: deb [opt=value ...] URI SUITE COMPONENT... */
static bool scan_list(const char *root, const char *path, char **uri, char **origin)
{
	char *data = NULL, why[256];
	bool found = false;
	if (read_file(path, &data, NULL) != 0)
		return false;
	for (char *l = data, *nl; l && !found; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		char *hash = strchr(l, '#');
		if (hash)
			*hash = '\0';
		char **w = strv_split(l);
		struct apt_src s = {.file = path};
		size_t i = 1;
		if (w && w[0] && strcmp(w[0], "deb") == 0) {
			s.is_deb = true;
			if (w[1] && w[1][0] == '[') {
				for (; w[i]; i++) {
					const char *o = w[i] + (w[i][0] == '[');
					if (str_starts(o, "signed-by="))
						s.signed_by = str_dup(o + 10);
					if (strchr(w[i], ']')) {
						i++;
						break;
					}
				}
			}
			if (w[i] && w[i + 1]) {
				s.uri = str_dup(w[i]);
				s.suites = calloc(2, sizeof(char *));
				if (s.suites)
					s.suites[0] = str_dup(w[i + 1]);
				s.comps = calloc(strv_len(w) + 1, sizeof(char *));
				for (size_t k = i + 2, j = 0; s.comps && w[k]; k++)
					s.comps[j++] = str_dup(w[k]);
			}
			if (s.uri && is_debian(root, &s, why, sizeof(why))) {
				*uri = s.uri;
				s.uri = NULL;
				*origin = str_printf("apt source %s: %s", path, why);
				found = true;
			}
		}
		src_clear(&s);
		strv_free(w);
	}
	free(data);
	return found;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int mirror_apt_debian(char **uri, char **origin)
{
	const char *root = getenv("GOTC_TEST_APT_ROOT"); /* tests: a fake /etc/apt */
	char *list, *dir;
	bool found = false;
	*uri = *origin = NULL;
	if (!root)
		root = "";
	list = str_printf("%s/etc/apt/sources.list", root);
	dir = str_printf("%s/etc/apt/sources.list.d", root);
	if (!list || !dir)
		goto out;
	found = scan_list(root, list, uri, origin);
	DIR *d = found ? NULL : opendir(dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!str_ends(de->d_name, ".sources") && !str_ends(de->d_name, ".list"))
			continue;
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn)
			break;
		names = nn;
		if ((names[n] = str_dup(de->d_name)))
			n++;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char *p = str_printf("%s/%s", dir, names[i]);
		if (p && !found)
			found = str_ends(p, ".sources") ? scan_sources(root, p, uri, origin)
							: scan_list(root, p, uri, origin);
		free(p);
		free(names[i]);
	}
	free(names);
out:
	free(list);
	free(dir);
	if (found && (!*uri || !*origin)) {
		free(*uri);
		free(*origin);
		*uri = *origin = NULL;
		return -ENOMEM;
	}
	return found ? 0 : -ENOENT;
}
