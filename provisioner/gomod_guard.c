/* gomod_guard.c - read go.mod's go and toolchain lines; refuse a module that
 * needs a newer Go than the target's.  See gomod.h. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomod.h"
#include "install.h"
#include "util.h"

#define GOMOD_MAX (4u << 20) /* bytes; a go.mod is a few KiB */
#define MAXTOK 8

/* N, digits without a leading zero (unless "0"); returns the end or NULL. */
static const char *num(const char *s, bool zero_ok)
{
	if (!isdigit((unsigned char)*s) || (*s == '0' && !zero_ok))
		return NULL;
	if (*s == '0')
		return s + 1;
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

/* Go's go-line form: 1.N[.N][rcN|betaN...]; *prerelease set if a suffix. */
static bool go_version_ok(const char *v, bool *prerelease, int *dots)
{
	const char *p = num(v, false);
	*prerelease = false;
	*dots = 0;
	for (int i = 0; p && *p == '.' && i < 2; i++) {
		p = num(p + 1, true);
		(*dots)++;
	}
	if (!p || !*dots)
		return false;
	if (*p) {
		const char *q = p;
		while (*q >= 'a' && *q <= 'z')
			q++;
		if (q == p || !(q = num(q, true)) || *q)
			return false;
		*prerelease = true;
	}
	return true;
}

static bool toolchain_ok(const char *v)
{
	bool pre;
	int dots;
	char base[48];
	if (strcmp(v, "default") == 0)
		return true;
	if (strncmp(v, "go", 2) != 0)
		return false;
	/* go1.21.0, go1.21rc1, go1.21.0+auto, go1.21.0-custom */
	snprintf(base, sizeof(base), "%s", v + 2);
	base[strcspn(base, "+-")] = '\0';
	return go_version_ok(base, &pre, &dots);
}

/* Split one line into tokens (quoted strings kept whole), dropping a // comment.
 * Returns the count, or -1 for an unterminated string or too many tokens. */
static int tokens(char *line, char **tok)
{
	int n = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || (p[0] == '/' && p[1] == '/'))
			return n;
		if (n == MAXTOK)
			return -EINVAL;
		tok[n++] = p;
		if (*p == '"' || *p == '`') {
			char q = *p++;
			while (*p && *p != q)
				p += (q == '"' && *p == '\\' && p[1]) ? 2 : 1;
			if (!*p)
				return -EINVAL;
			p++;
		} else if (*p == '(' || *p == ')') {
			p++;
		} else {
			while (*p && !strchr(" \t\r()\"`", *p) && !(p[0] == '/' && p[1] == '/'))
				p++;
		}
		if (!*p)
			return n;
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			*p++ = '\0';
		} else {
			/* a token that runs into ( ) " ` or //: move the rest one byte on */
			memmove(p + 1, p, strlen(p) + 1);
			*p++ = '\0';
		}
	}
}

int gomod_parse(gotc_t *h, const char *file, const char *data, size_t len, struct gomod *out)
{
	memset(out, 0, sizeof(*out));
	if (len > GOMOD_MAX)
		return gotc_fail(h, GOTC_ERECIPE, "%s:1: larger than %u bytes: not a go.mod", file, GOMOD_MAX);
	if (memchr(data, '\0', len))
		return gotc_fail(h, GOTC_ERECIPE, "%s:1: holds a NUL byte: not a go.mod", file);
	int lineno = 0, block = 0;
	size_t off = 0;
	char line[4096 + 2 * MAXTOK];
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (data + off)) : len - off;
		lineno++;
		if (n > 4096)
			return gotc_fail(h, GOTC_ERECIPE, "%s:%d: line longer than 4096 bytes", file, lineno);
		memcpy(line, data + off, n);
		line[n] = '\0';
		off += n + 1;
		char *tok[MAXTOK];
		int nt = tokens(line, tok);
		if (nt < 0)
			return gotc_fail(h, GOTC_ERECIPE, "%s:%d: unterminated string or too many words",
					 file, lineno);
		if (nt == 0)
			continue;
		if (block) {
			if (strcmp(tok[0], ")") == 0) {
				if (nt != 1)
					return gotc_fail(h, GOTC_ERECIPE, "%s:%d: unexpected '%s' after ')'",
							 file, lineno, tok[1]);
				block = 0;
			} else if (strcmp(tok[nt - 1], "(") == 0) {
				return gotc_fail(h, GOTC_ERECIPE, "%s:%d: a block inside the block of line %d",
						 file, lineno, block);
			}
			continue;
		}
		if (strcmp(tok[0], ")") == 0 || strcmp(tok[0], "(") == 0)
			return gotc_fail(h, GOTC_ERECIPE, "%s:%d: unexpected '%s'", file, lineno, tok[0]);
		bool is_go = strcmp(tok[0], "go") == 0, is_tc = strcmp(tok[0], "toolchain") == 0;
		if (strcmp(tok[nt - 1], "(") == 0) {
			if (is_go || is_tc || nt != 2)
				return gotc_fail(h, GOTC_ERECIPE, "%s:%d: '%s' does not take a ( block", file,
						 lineno, tok[0]);
			block = lineno;
			continue;
		}
		if (!is_go && !is_tc)
			continue; /* module, require, replace, ...: not ours to judge */
		int *where = is_go ? &out->go_line : &out->toolchain_line;
		if (*where)
			return gotc_fail(h, GOTC_ERECIPE, "%s:%d: repeated %s line (first on line %d)", file,
					 lineno, tok[0], *where);
		if (nt != 2)
			return gotc_fail(h, GOTC_ERECIPE, "%s:%d: expected '%s %s'", file, lineno, tok[0],
					 is_go ? "VERSION" : "goVERSION");
		bool pre;
		int dots;
		if (is_go && (strlen(tok[1]) >= sizeof(out->go) || !go_version_ok(tok[1], &pre, &dots)))
			return gotc_fail(h, GOTC_ERECIPE,
					 "%s:%d: invalid go version '%s' (expected 1.N, 1.N.N or 1.NrcN)",
					 file, lineno, tok[1]);
		if (is_tc && (strlen(tok[1]) >= sizeof(out->toolchain) || !toolchain_ok(tok[1])))
			return gotc_fail(h, GOTC_ERECIPE,
					 "%s:%d: invalid toolchain '%s' (expected goVERSION or default)", file,
					 lineno, tok[1]);
		snprintf(is_go ? out->go : out->toolchain, is_go ? sizeof(out->go) : sizeof(out->toolchain),
			 "%s", tok[1]);
		*where = lineno;
	}
	if (block)
		return gotc_fail(h, GOTC_ERECIPE, "%s:%d: the block opened here is never closed", file, block);
	return 0;
}

char *gomod_find(void)
{
	char *dir = getcwd(NULL, 0);
	struct buf rel;
	buf_init(&rel);
	for (char *end = dir ? dir + strlen(dir) : NULL; end;) {
		char *p = str_printf("%.*s/go.mod", (int)(end - dir), dir);
		bool found = p && is_file(p);
		free(p);
		if (found) {
			buf_puts(&rel, "go.mod");
			free(dir);
			return buf_steal(&rel);
		}
		buf_puts(&rel, "../");
		while (end > dir && *--end != '/')
			;
		if (end == dir) {
			/* the root itself */
			p = dir[0] == '/' && dir[1] ? strdup("/go.mod") : NULL;
			found = p && is_file(p);
			free(p);
			if (found) {
				free(dir);
				buf_puts(&rel, "go.mod");
				return buf_steal(&rel);
			}
			break;
		}
	}
	free(dir);
	buf_free(&rel);
	return NULL;
}

int gomod_target_go(gotc_t *h, const char *target, char *buf, size_t size)
{
	char *path = str_printf("%s/targets/%s/goroot/VERSION", h->home, target), *data = NULL;
	int rc = path ? read_file(path, &data, NULL) : -ENOMEM;
	if (rc == -ENOENT)
		rc = target_not_installed(h, target);
	else if (rc)
		rc = gotc_fail(h, rc, "%s: %s", path, strerror(-rc));
	else if (strncmp(data, "go", 2) != 0 || !isdigit((unsigned char)data[2]))
		rc = gotc_fail(h, GOTC_ESTORE, "%s: no Go version on its first line", path);
	else
		snprintf(buf, size, "%.*s", (int)strcspn(data + 2, "\n \t"), data + 2);
	free(data);
	free(path);
	return rc;
}

/* "1.21rc1" -> "1.21"; into buf. */
static void release_of(const char *v, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)strspn(v, "0123456789."), v);
}

int gomod_guard(gotc_t *h, const char *target)
{
	char *file = gomod_find(), *data = NULL;
	char have[48], need[48], minor[48];
	size_t len = 0;
	struct gomod m;
	int rc, line;
	if (!file)
		return 0;
	if ((rc = read_file(file, &data, &len))) {
		rc = gotc_fail(h, rc, "%s: %s", file, strerror(-rc));
		goto out;
	}
	if ((rc = gomod_parse(h, file, data, len, &m)) || (rc = gomod_target_go(h, target, have, sizeof(have))))
		goto out;
	/* Go before 1.21 knows no toolchain line and no 1.N.N / rc go line. */
	bool pre = false;
	int dots = 0;
	if (m.go[0])
		go_version_ok(m.go, &pre, &dots);
	release_of(m.go, need, sizeof(need));
	line = m.go_line;
	const char *what = "module needs go";
	if ((m.go[0] && (pre || dots == 2) && version_cmp(need, "1.21") < 0) || (m.toolchain[0] && (!need[0] || version_cmp(need, "1.21") < 0))) {
		if (!(m.go[0] && (pre || dots == 2)))
			line = m.toolchain_line, what = "module's toolchain line needs go";
		else
			what = pre ? "module's go line (a release candidate) needs go"
				   : "module's go line (the 1.N.N form) needs go";
		snprintf(need, sizeof(need), "1.21");
	}
	if (!need[0] || version_cmp(have, need) >= 0)
		goto out;
	snprintf(minor, sizeof(minor), "%s", need);
	char *d = strchr(minor, '.');
	d = d ? strchr(d + 1, '.') : NULL;
	if (d)
		*d = '\0';
	int tl = (int)strcspn(target, "@");
	rc = gotc_fail(h, GOTC_ERECIPE,
		       "%s:%d: %s %s; %s uses Go %s (run: %s install %.*s --go %s, or set go = %s in "
		       "gotc.ini)",
		       file, line, what, need, target, have, h->self ? h->self : "gotc", tl, target, minor,
		       minor);
out:
	free(data);
	free(file);
	return rc;
}
