/* assemble_prefix.c - a target prefix: compiler wrappers, links into the
 * store, env files in every format; committed, then swapped in atomically. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "install.h"
#include "instance_record.h"
#include "store.h"
#include "util.h"

char *target_link_path(gotc_t *h, const char *name)
{
	return str_printf("%s/targets/%s", h->home, name);
}

char *target_prefix_dir(gotc_t *h, const char *name)
{
	char *link = target_link_path(h, name);
	char buf[4096];
	ssize_t n = link ? readlink(link, buf, sizeof(buf) - 1) : -1;
	free(link);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	/* targets/NAME -> ../prefixes/NAME-ID/root */
	if (!str_ends(buf, "/root") || strncmp(buf, "../prefixes/", 12) != 0)
		return NULL;
	buf[n - 5] = '\0';
	return str_printf("%s/%s", h->home, buf + 3);
}

/* Find an executable on PATH; malloc'd absolute path or NULL. */
static char *which(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	const char *path = getenv("PATH");
	char *copy = strdup(path && *path ? path : "/usr/bin:/bin"), *save = NULL, *found = NULL;
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = path_join(d, name);
		if (p && access(p, X_OK) == 0 && is_file(p))
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

static int write_script(gotc_t *h, const char *dir, const char *name, const char *body)
{
	char *p = path_join(dir, name);
	int rc = p ? write_file_atomic(p, body, strlen(body), 0755) : -ENOMEM;
	if (rc)
		rc = gotc_fail(h, rc, "cannot write %s/%s: %s", dir, name, strerror(-rc));
	free(p);
	return rc;
}

struct wctx {
	gotc_t *h;
	const struct plan *p;
	const char *tcroot;  /* toolchain entry root, NULL for host tools */
	const char *sysroot; /* sysroot entry root (absolute, in the store) */
	const char *bindir;  /* staging bin dir */
	char *resource_dir;  /* clang -print-resource-dir, when a flag asks */
};

/* LD_LIBRARY_PATH=DIRS...; export LD_LIBRARY_PATH -- the toolchain's own
 * host libraries (binutils' libbfd, clang's libLLVM...), when it has any. */
static void lib_path(struct buf *b, const struct wctx *w)
{
	const struct recipe *tc = w->p->rs.r[TR_TOOLCHAIN];
	if (!w->tcroot || !tc->libdir || !tc->libdir[0])
		return;
	buf_puts(b, "LD_LIBRARY_PATH=");
	for (size_t i = 0; tc->libdir[i]; i++) {
		char *d = path_join(w->tcroot, tc->libdir[i]);
		buf_puts(b, i ? ":" : "");
		quote_sh(b, d ? d : "");
		free(d);
	}
	/* no empty entry: that would put the current directory on the path */
	buf_puts(b, "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; export LD_LIBRARY_PATH\n");
}

/* #!/bin/sh + header + optional LD_LIBRARY_PATH for the tool process only. */
static void script_head(struct buf *b, const struct wctx *w, const char *what)
{
	const struct recipe *tc = w->p->rs.r[TR_TOOLCHAIN];
	buf_printf(b, "#!/bin/sh\n# gotc wrapper: %s for target %s (toolchain %s)\n", what,
		   w->p->rs.t->name, tc->name);
	/* for this process and the compiler's children only: never the user's shell */
	lib_path(b, w);
}

static int tool_path(const struct wctx *w, const char *tool, char **out)
{
	const struct recipe *tc = w->p->rs.r[TR_TOOLCHAIN];
	bool in_entry = w->tcroot && !tc->host;
	*out = in_entry ? path_join(w->tcroot, tool) : which(tool);
	if (!*out || access(*out, X_OK) != 0) {
		free(*out);
		*out = NULL;
		return gotc_fail(w->h, GOTC_EASSEMBLE,
				 in_entry ? "toolchain %s: '%s' is not an executable in the unpacked toolchain (check the recipe's cc/cxx/ar keys)"
					   : "toolchain %s needs '%s' on PATH (apt-get install clang lld llvm)",
				 tc->name, tool);
	}
	return 0;
}

/* Output of `cc -print-resource-dir` (clang's own headers), malloc'd; cc
 * runs with the toolchain's own libraries, as in the wrappers. */
static char *resource_dir(const struct wctx *w, const char *cc)
{
	struct buf cmd;
	buf_init(&cmd);
	lib_path(&cmd, w);
	quote_sh(&cmd, cc);
	buf_puts(&cmd, " -print-resource-dir 2>/dev/null");
	FILE *f = cmd.s && !cmd.oom ? popen(cmd.s, "r") : NULL;
	char line[4096] = "";
	if (f && !fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (f)
		pclose(f);
	buf_free(&cmd);
	line[strcspn(line, "\n")] = '\0';
	return line[0] == '/' ? strdup(line) : NULL;
}

/* Append the words of flags to b, placeholders replaced, each word quoted. */
static int add_flags(struct wctx *w, struct buf *b, const char *flags, const char *cc)
{
	if (!flags)
		return 0;
	const struct target *t = w->p->rs.t;
	char **words = strv_split(flags);
	if (!words)
		return gotc_fail(w->h, -ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; !rc && words[i]; i++) {
		struct buf word;
		buf_init(&word);
		for (const char *s = words[i]; *s;) {
			const char *val = NULL;
			size_t n = 0;
			if (str_starts(s, "${toolchain}"))
				val = w->tcroot ? w->tcroot : "", n = 12;
			else if (str_starts(s, "${sysroot}"))
				val = w->sysroot, n = 10;
			else if (str_starts(s, "${triple}"))
				val = t->arch->libc[t->libc].triple, n = 9;
			else if (str_starts(s, "${gnu_triple}"))
				val = t->arch->libc[LIBC_GLIBC].triple, n = 13;
			else if (str_starts(s, "${clang_resource_dir}")) {
				if (!w->resource_dir && !(w->resource_dir = resource_dir(w, cc))) {
					rc = gotc_fail(w->h, GOTC_EASSEMBLE,
						       "%s -print-resource-dir gave no directory", cc);
					break;
				}
				val = w->resource_dir, n = 21;
			}
			if (val) {
				buf_puts(&word, val);
				s += n;
			} else {
				buf_putc(&word, *s++);
			}
		}
		if (!rc) {
			buf_putc(b, ' ');
			quote_sh(b, word.s ? word.s : "");
		}
		buf_free(&word);
	}
	strv_free(words);
	return rc;
}

enum wrapper_kind { W_TOOL, W_CC, W_CXX };

/* -B for a clang arch of bfd_arches: the entry's binutils for the target's
 * GNU triple, which must carry ld.bfd. */
static int gnu_ld(struct wctx *w, struct buf *b, const char *cc)
{
	const struct target *t = w->p->rs.t;
	const struct recipe *tc = w->p->rs.r[TR_TOOLCHAIN];
	const char *gt = t->arch->libc[LIBC_GLIBC].triple;
	char *ld = str_printf("%s/usr/%s/bin/ld.bfd", w->tcroot, gt);
	if (!ld)
		return gotc_fail(w->h, -ENOMEM, "out of memory");
	int rc = access(ld, X_OK) == 0
			 ? add_flags(w, b, "-B${toolchain}/usr/${gnu_triple}/bin", cc)
			 : gotc_fail(w->h, GOTC_EASSEMBLE,
				     "toolchain %s: bfd_arches has %s, but the unpacked toolchain has no "
				     "usr/%s/bin/ld.bfd (add that arch's binutils as a source)",
				     tc->name, t->arch->name, gt);
	free(ld);
	return rc;
}

/* A wrapper script: exec the tool; a compiler (W_CC, W_CXX) always gets the
 * sysroot, the target, the linker and the recipes' flags. */
static int wrapper(struct wctx *w, const char *name, const char *tool, enum wrapper_kind kind)
{
	const struct plan *p = w->p;
	const struct recipe *tc = p->rs.r[TR_TOOLCHAIN], *sr = p->rs.r[TR_SYSROOT];
	const struct target *t = p->rs.t;
	bool clang = strcmp(tc->type, "clang") == 0, cxx = kind == W_CXX;
	char *exe = NULL;
	struct buf b;
	int rc = tool_path(w, tool, &exe);
	if (rc)
		return rc;
	buf_init(&b);
	script_head(&b, w, name);
	buf_puts(&b, "exec ");
	quote_sh(&b, exe);
	if (kind != W_TOOL) {
		if (clang) {
			/* clang's cpu spelling (armv7a) with the libc's environment */
			const char *ct = t->arch->clang_target, *triple = t->arch->libc[t->libc].triple;
			buf_printf(&b, " --target=%.*s%s", (int)strcspn(ct, "-"), ct, strchr(triple, '-'));
		}
		buf_puts(&b, " --sysroot=");
		quote_sh(&b, w->sysroot);
		bool bfd = clang && w->tcroot && !tc->host && strv_has(tc->bfd_arches, t->arch->name);
		if (clang) {
			const char *ld = bfd ? "bfd" : tc->linker ? tc->linker : "lld";
			buf_printf(&b, " -fuse-ld=%s -Wno-unused-command-line-argument", ld);
			if (cxx && strcmp(t->cxx_stdlib, "libc++") == 0)
				buf_puts(&b, " -stdlib=libc++");
		}
		/* this arch links with the entry's GNU ld (binutils' TRIPLE/bin/ld.bfd) */
		if (bfd)
			rc = gnu_ld(w, &b, exe);
		if (!rc)
			rc = add_flags(w, &b, tc->flags, exe);
		if (!rc && cxx)
			rc = add_flags(w, &b, tc->cxx_flags, exe);
		if (!rc && sr && cxx)
			rc = add_flags(w, &b, clang ? sr->clang_cxx_flags : sr->gcc_cxx_flags, exe);
		if (!rc && sr)
			rc = add_flags(w, &b, clang ? sr->clang_flags : sr->gcc_flags, exe);
		/* After the libc headers and libraries, the multiarch dirs the
		 * distribution's -dev packages use, as a native compiler does. */
		if (!rc)
			rc = add_flags(w, &b,
				       "-idirafter ${sysroot}/usr/include/${triple} -idirafter ${sysroot}/usr/include"
				       " -L${sysroot}/usr/lib/${triple} -L${sysroot}/lib/${triple}",
				       exe);
		if (!rc && !clang)
			rc = add_flags(w, &b,
				       "-Wl,-rpath-link,${sysroot}/usr/lib/${triple}:${sysroot}/lib/${triple}",
				       exe);
	}
	buf_puts(&b, " \"$@\"\n");
	if (!rc)
		rc = b.oom ? gotc_fail(w->h, -ENOMEM, "out of memory") : write_script(w->h, w->bindir, name, b.s);
	buf_free(&b);
	free(exe);
	return rc;
}

/* cxx_stdlib = none: a C++ compiler that refuses, saying why and what to use. */
static int no_cxx_wrapper(const struct wctx *w, const char *name)
{
	const struct target *t = w->p->rs.t;
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "#!/bin/sh\n# gotc: target %s has no C++ library\n", t->name);
	buf_puts(&b, "echo ");
	char *msg = str_printf(
		"gotc: target %s has no C++ standard library (cxx_stdlib = none: its %s sysroot "
		"carries no libstdc++ or libc++ built for %s), so C++ cannot be compiled for it. "
		"Linking another libc's libstdc++ would be an ABI mismatch. Use a target whose "
		"toolchain carries a %s C++ library (a musl toolchain recipe such as musl.cc or "
		"Bootlin musl, see 'gotc targets'), or build without C++.",
		t->name, libc_name((enum libc_kind)t->libc), libc_name((enum libc_kind)t->libc),
		libc_name((enum libc_kind)t->libc));
	quote_sh(&b, msg ? msg : "gotc: no C++ library for this target");
	free(msg);
	buf_puts(&b, " >&2\nexit 1\n");
	int rc = b.oom ? gotc_fail(w->h, -ENOMEM, "out of memory") : write_script(w->h, w->bindir, name, b.s);
	buf_free(&b);
	return rc;
}

static int make_wrappers(struct wctx *w)
{
	const struct plan *p = w->p;
	const struct recipe *tc = p->rs.r[TR_TOOLCHAIN];
	const struct target *t = p->rs.t;
	const char *triple = t->arch->libc[t->libc].triple;
	bool clang = strcmp(tc->type, "clang") == 0;
	bool nocxx = strcmp(t->cxx_stdlib, "none") == 0;
	char *ccn = clang ? strdup("cc") : str_printf("%s-gcc", triple);
	char *cxxn = clang ? strdup("c++") : str_printf("%s-g++", triple);
	char *arn = clang ? strdup("ar") : str_printf("%s-ar", triple);
	int rc;
	if (!ccn || !cxxn || !arn) {
		rc = gotc_fail(w->h, -ENOMEM, "out of memory");
		goto out;
	}
	rc = wrapper(w, ccn, tc->cc, W_CC);
	if (!rc)
		rc = nocxx || !tc->cxx ? no_cxx_wrapper(w, cxxn) : wrapper(w, cxxn, tc->cxx, W_CXX);
	if (!rc)
		rc = wrapper(w, arn, tc->ar ? tc->ar : (clang ? "llvm-ar" : "ar"), W_TOOL);
out:
	free(ccn);
	free(cxxn);
	free(arn);
	return rc;
}

/* go_linux_GOARCH_exec: the program `go run` and `go test` look up on PATH to
 * run a foreign GOARCH's binaries (and `go test -exec` takes for the host's
 * own).  It runs PROGRAM under qemu-user with the sysroot's runtime root as
 * the library root and the loader's library path set to that root's own
 * library directories, in the loader's order: every library comes from the
 * sysroot, never from the host (no /etc/ld.so.cache lookup is reached, no
 * host libc.so.6 is mapped next to the sysroot's ld.so). */
static int exec_wrapper(const struct wctx *w)
{
	const struct target *t = w->p->rs.t;
	const struct recipe *sr = w->p->rs.r[TR_SYSROOT];
	const char *rr = sr && sr->runtime_root ? sr->runtime_root : NULL;
	const char *triple = t->arch->libc[t->libc].triple;
	char *name = str_printf("go_linux_%s_exec", t->arch->goarch);
	/* which library directories exist: the sysroot entry's (a packages
	 * layer, viewed in the prefix, adds files to those same directories) */
	const struct entry *se = plan_entry(w->p, ER_SYSROOT);
	char *store_root = se ? str_printf("%s/store/%s/root%s%s", w->h->home, se->name, rr ? "/" : "", rr ? rr : "")
			      : rr ? path_join(w->sysroot, rr) : strdup(w->sysroot);
	char *root = str_printf("%s/targets/%s/sysroot%s%s", w->h->home, t->name, rr ? "/" : "", rr ? rr : "");
	char *qemu = str_printf("qemu-%s-static", t->arch->qemu);
	char *seen[8] = {NULL};
	size_t nseen = 0;
	struct buf b, lp;
	int rc = 0;
	buf_init(&b);
	buf_init(&lp);
	if (!name || !store_root || !root || !qemu) {
		rc = gotc_fail(w->h, -ENOMEM, "out of memory");
		goto out;
	}
	/* glibc's search order: the multiarch dirs, then lib64 and lib */
	char *dirs[] = {str_printf("/lib/%s", triple), str_printf("/usr/lib/%s", triple),
			strdup("/lib64"), strdup("/usr/lib64"), strdup("/lib"), strdup("/usr/lib")};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *in = dirs[i] ? str_printf("%s%s", store_root, dirs[i]) : NULL;
		char *real = in && is_dir(in) ? realpath(in, NULL) : NULL;
		bool dup = false;
		for (size_t k = 0; real && k < nseen && !dup; k++)
			dup = strcmp(seen[k], real) == 0;
		if (real && !dup && nseen < 8) {
			seen[nseen++] = real;
			buf_printf(&lp, "%s%s", lp.len ? ":" : "", dirs[i]);
		} else {
			free(real);
		}
		free(in);
		free(dirs[i]);
	}
	/* the added packages' library directories: absolute paths of the
	 * prefix's sysroot view, which qemu finds outside its -L root */
	const struct entry *pe = plan_entry(w->p, ER_PACKAGES);
	for (int i = 0; pe && i < 2 && !rc; i++) {
		char *d = str_printf(i ? "/usr/lib/%s" : "/lib/%s", triple);
		char *in = d ? str_printf("%s/store/%s/root%s", w->h->home, pe->name, d) : NULL;
		if (!d || !in)
			rc = gotc_fail(w->h, -ENOMEM, "out of memory");
		else if (is_dir(in))
			buf_printf(&lp, "%s%s/targets/%s/sysroot%s", lp.len ? ":" : "", w->h->home, t->name, d);
		free(d);
		free(in);
	}
	if (rc)
		goto out;
	buf_printf(&b,
		   "#!/bin/sh\n"
		   "# gotc: %s for target %s.\n"
		   "# Runs a linux/%s program under %s with the target's sysroot as\n"
		   "# its library root; the loader searches only the sysroot's\n"
		   "# own library directories.  go run and go test find it on PATH when GOARCH is\n"
		   "# not the host's; otherwise pass it: go test -exec %s\n"
		   "if [ $# -eq 0 ]; then echo 'usage: %s PROGRAM [ARGS...]' >&2; exit 2; fi\n"
		   "if ! command -v %s >/dev/null 2>&1; then\n"
		   "\techo '%s: %s is not on PATH (apt-get install qemu-user-static)' >&2; exit 127\n"
		   "fi\n"
		   "exec %s -L ",
		   name, t->name, t->arch->goarch, qemu, name, name, qemu, name, qemu, qemu);
	quote_sh(&b, root);
	buf_puts(&b, " -U LD_PRELOAD");
	if (lp.len) {
		buf_puts(&b, " -E ");
		char *e = str_printf("LD_LIBRARY_PATH=%s", lp.s);
		quote_sh(&b, e ? e : "");
		free(e);
	}
	buf_puts(&b, " \"$@\"\n");
	rc = b.oom || lp.oom ? gotc_fail(w->h, -ENOMEM, "out of memory") : write_script(w->h, w->bindir, name, b.s);
out:
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	buf_free(&b);
	buf_free(&lp);
	free(name);
	free(store_root);
	free(root);
	free(qemu);
	return rc;
}

static int link_to(gotc_t *h, const char *target, const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	int rc = 0;
	if (!p || symlink(target, p) < 0)
		rc = gotc_fail(h, p ? -errno : -ENOMEM, "symlink %s: %s", p ? p : name, strerror(errno));
	free(p);
	return rc;
}

static int write_env_files(gotc_t *h, const struct plan *p, const char *root)
{
	char *prefix = str_printf("%s/targets/%s", h->home, p->rs.t->name);
	struct env env;
	int rc = prefix ? env_compute(h, p, prefix, &env) : gotc_fail(h, -ENOMEM, "out of memory");
	free(prefix);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < env_file_count; i++) {
		struct buf b;
		buf_init(&b);
		if (env_format(&env, env_files[i].format, &b) || b.oom) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
		} else {
			char *f = path_join(root, env_files[i].file);
			rc = f ? write_file_atomic(f, b.s, b.len, 0644) : -ENOMEM;
			if (rc)
				rc = gotc_fail(h, rc, "cannot write %s: %s", f ? f : "env", strerror(-rc));
			free(f);
		}
		buf_free(&b);
	}
	env_free(&env);
	return rc;
}

/* cxx_stdlib = libc++: the sysroot must carry it, or C++ would silently link
 * whatever libstdc++ is there. */
static int check_libcxx(gotc_t *h, const struct plan *p, const char *sysroot)
{
	const struct target *t = p->rs.t;
	if (strcmp(t->cxx_stdlib, "libc++") != 0)
		return 0;
	const char *tr = t->arch->libc[t->libc].triple;
	const char *dirs[] = {"usr/lib", "lib", "usr/lib64", "lib64", NULL};
	for (size_t i = 0; dirs[i]; i++)
		for (int k = 0; k < 6; k++) {
			static const char *const f[] = {"libc++.so", "libc++.a"};
			char *c = k < 2   ? str_printf("%s/%s/%s", sysroot, dirs[i], f[k & 1])
				  : k < 4 ? str_printf("%s/%s/%s/%s", sysroot, dirs[i], tr, f[k & 1])
					  : str_printf("%s/usr/%s/lib/%s", sysroot, tr, f[k & 1]);
			bool found = c && access(c, F_OK) == 0;
			free(c);
			if (found)
				return 0;
		}
	return gotc_fail(h, GOTC_EASSEMBLE,
			 "target %s says cxx_stdlib = libc++, but its sysroot has no libc++.so or "
			 "libc++.a (add libc++ to the sysroot recipe, or use libstdc++)",
			 t->name);
}

/* An installed target of the same name must come from the same file: two
 * sources' targets (REPO/NAME and NAME) never replace each other. */
static int same_origin(gotc_t *h, const struct target *t, const char *prefix)
{
	struct store_info in;
	/* an unreadable info is a damaged prefix: the new one replaces it */
	int rc = store_info_read(h, prefix, STORE_INFO_PREFIX, &in);
	const char *have = rc ? NULL : in.file;
	rc = 0;
	char *want = instance_origin_file(h, t);
	/* a bundle installs the targets it names, whatever was there */
	if (have && want && strcmp(have, want) != 0 && strcmp(have, "bundle") != 0 &&
	    strcmp(want, "bundle") != 0)
		rc = gotc_fail(h, GOTC_EASSEMBLE,
			       "target %s is already installed from %s, not %s; run 'gotc remove %s' "
			       "first to replace it",
			       t->name, have, want, t->name);
	free(want);
	store_info_free(&in);
	return rc;
}
int assemble_prefix(gotc_t *h, const struct plan *p)
{
	const struct target *t = p->rs.t;
	const struct entry *ge = plan_entry(p, ER_GO), *te = plan_entry(p, ER_TOOLCHAIN);
	const struct entry *se = plan_entry(p, ER_SYSROOT), *pe = plan_entry(p, ER_PACKAGES);
	const struct recipe *go = p->rs.r[TR_GO];
	char *stage = NULL, *root = NULL, *bindir = NULL, *goroot = NULL, *sysroot = NULL;
	char *tcroot = NULL, *dest = NULL, *info = NULL, *link = NULL, *tmplink = NULL, *old = NULL;
	char *pname = str_printf("%s-%.12s", t->name, p->prefix_id);
	struct buf ib;
	int rc;
	buf_init(&ib);
	if (!pname)
		return gotc_fail(h, -ENOMEM, "out of memory");
	dest = str_printf("%s/prefixes/%s", h->home, pname);
	link = target_link_path(h, t->name);
	tmplink = str_printf("%s/targets/.%s.%ld", h->home, t->name, (long)getpid());
	if (!dest || !link || !tmplink) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	old = target_prefix_dir(h, t->name);
	if (old && (rc = same_origin(h, t, old)))
		goto out;
	if (h->reinstall || !is_dir(dest)) {
		if ((rc = store_stage(h, pname, &stage)))
			goto out;
		root = path_join(stage, "root");
		bindir = path_join(root, "bin");
		goroot = str_printf("%s/store/%s/root/%s", h->home, ge->name, go->goroot);
		sysroot = str_printf("%s/store/%s/root", h->home, se->name);
		if (pe) { /* the packages layered on the sysroot: a view in the prefix */
			char *layers[] = {sysroot, str_printf("%s/store/%s/root", h->home, pe->name), NULL};
			char *view = path_join(stage, "root/sysroot");
			rc = layers[1] && view ? sysroot_view(h, layers, view) : gotc_fail(h, -ENOMEM, "out of memory");
			/* this target's promise (the entry may have been checked for
			 * another), DT_NEEDED found in the view */
			if (!rc)
				rc = packages_abi_check(h, p, pe, layers[1], view, stage);
			free(layers[1]);
			free(view);
			free(sysroot);
			sysroot = str_printf("%s/root/sysroot", dest);
			if (rc)
				goto out;
		}
		tcroot = te ? str_printf("%s/store/%s/root", h->home, te->name) : NULL;
		if (!root || !bindir || !goroot || !sysroot || (te && !tcroot)) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = mkdir_p(bindir, 0755))) {
			rc = gotc_fail(h, rc, "mkdir %s: %s", bindir, strerror(-rc));
			goto out;
		}
		char *gobin = path_join(goroot, "bin/go");
		bool has_go = gobin && access(gobin, X_OK) == 0;
		free(gobin);
		if (!has_go) {
			rc = gotc_fail(h, GOTC_EASSEMBLE,
				       "%s: no executable bin/go under goroot = %s (check the recipe's "
				       "goroot and strip keys)",
				       go->path, go->goroot);
			goto out;
		}
		if ((rc = check_libcxx(h, p, sysroot)))
			goto out;
		struct wctx w = {h, p, tcroot, sysroot, bindir, NULL};
		rc = make_wrappers(&w);
		if (!rc)
			rc = exec_wrapper(&w);
		free(w.resource_dir);
		if (rc || (rc = link_to(h, goroot, root, "goroot")) ||
		    (!pe && (rc = link_to(h, sysroot, root, "sysroot"))) ||
		    (tcroot && (rc = link_to(h, tcroot, root, "toolchain"))) ||
		    (rc = write_env_files(h, p, root)) || (rc = instance_record_write(h, p, root)))
			goto out;
		char *origin = instance_origin_file(h, t);
		buf_printf(&ib, "target %s\nfile %s\nprefix_id %s\n", t->name, origin ? origin : t->path,
			   p->prefix_id);
		free(origin);
		for (int i = 0; i < p->nentries; i++)
			buf_printf(&ib, "entry %s\n", p->entries[i].name);
		info = buf_steal(&ib);
		if (!info) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = store_commit(h, stage, dest, info, NULL)))
			goto out;
	}
	gotc_test_point(h, "prefix");
	/* Swap targets/NAME to the new prefix in one rename. */
	char *tdir = path_dirname(link);
	rc = tdir ? mkdir_p(tdir, 0755) : -ENOMEM;
	free(tdir);
	char *rel = str_printf("../prefixes/%s/root", pname);
	if (rc || !rel) {
		free(rel);
		rc = gotc_fail(h, rc ? rc : -ENOMEM, "cannot create %s/targets", h->home);
		goto out;
	}
	unlink(tmplink);
	if (symlink(rel, tmplink) < 0 || rename(tmplink, link) < 0) {
		rc = gotc_fail(h, -errno, "cannot point %s at %s: %s", link, rel, strerror(errno));
		unlink(tmplink);
		free(rel);
		goto out;
	}
	free(rel);
	if (old && strcmp(old, dest) != 0)
		target_keep_previous(h, t->name, old, dest);
	rc = 0;
out:
	if (rc && stage)
		rm_rf(stage);
	buf_free(&ib);
	free(stage);
	free(root);
	free(bindir);
	free(goroot);
	free(sysroot);
	free(tcroot);
	free(dest);
	free(info);
	free(link);
	free(tmplink);
	free(old);
	free(pname);
	return rc;
}
