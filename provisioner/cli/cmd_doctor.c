/* cmd_doctor.c - gotc doctor TARGET: in a temporary directory with the
 * installed target's env, build a C, a C++, a cgo (C + C++) and a pure-Go
 * program, check each with the ELF checker, run each under qemu-user when
 * possible, and check the Go environment itself.  On musl targets a cgo
 * setgid probe runs too: musl before 1.2.4 runs its setxid signal handler
 * on the goroutine stack (golang/go#39857) and the program crashes.  Prints
 * a table. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "gomod.h"
#include "plan.h"
#include "instance_record.h"
#include "install.h"
#include "lazy.h"
#include "elf_check.h"
#include "model.h"
#include "util.h"

enum { ST_OK, ST_FAIL, ST_SKIP };
static const char *const st_names[] = {"ok", "FAIL", "skip"};

#define BUILD_TIMEOUT 600 /* seconds: a first cgo build compiles the runtime */
#define RUN_TIMEOUT 120

struct row {
	char *check;
	int st;
	char *detail;
};

struct doctor {
	struct cli *cli;
	struct target *t;
	char *sysroot;
	char *dir;
	struct row *rows;
	size_t n;
	char *runner;	 /* qemu-ARCH-static path, NULL: binfmt or native */
	const char *run_how; /* for the table */
	bool can_run;
};

/* Probe sources: what each program prints is what the table expects. */
static const char c_src[] = "#include <stdio.h>\n#include <string.h>\n"
			    "int main(void) { printf(\"c: %d %zu\\n\", 6 * 7, strlen(\"gotc!\")); "
			    "return 0; }\n";
static const char c_want[] = "c: 42 5\n";
static const char cxx_src[] =
	"#include <cstdio>\n#include <stdexcept>\n#include <string>\n"
	"int main() {\n  std::string s(\"gotc\");\n  s += \"+std::string\";\n"
	"  try { throw std::runtime_error(s); }\n"
	"  catch (const std::exception &e) { std::printf(\"c++: caught %s\\n\", e.what()); }\n"
	"  return 0;\n}\n";
static const char cxx_want[] = "c++: caught gotc+std::string\n";
static const char gomod[] = "module doctor\n\ngo 1.17\n";
static const char cgo_c_src[] = "int c_mul(int a, int b) { return a * b; }\n";
static const char cgo_cxx_src[] =
	"#include <stdexcept>\n#include <string>\n"
	"extern \"C\" const char *cxx_greet(void) {\n  static std::string r;\n"
	"  try { std::string v(\"gotc\"); v += \"+std::string\"; throw std::runtime_error(v); }\n"
	"  catch (const std::exception &e) { r = e.what(); }\n  return r.c_str();\n}\n";
static const char cgo_go_cxx[] =
	"package main\n\n/*\nint c_mul(int a, int b);\nconst char *cxx_greet(void);\n*/\n"
	"import \"C\"\n\nimport \"fmt\"\n\nfunc main() {\n"
	"\tfmt.Printf(\"cgo: c=%d cxx=%s\\n\", int(C.c_mul(6, 7)), C.GoString(C.cxx_greet()))\n}\n";
static const char cgo_go_c[] = "package main\n\n/*\nint c_mul(int a, int b);\n*/\n"
			       "import \"C\"\n\nimport \"fmt\"\n\nfunc main() {\n"
			       "\tfmt.Printf(\"cgo: c=%d\\n\", int(C.c_mul(6, 7)))\n}\n";
static const char cgo_want_cxx[] = "cgo: c=42 cxx=gotc+std::string\n";
static const char cgo_want_c[] = "cgo: c=42\n";
/* setgid while locked threads run Go code and the GC scans their stacks:
 * the case musl < 1.2.4 corrupts (golang/go#39857).  setgid(getgid()) is
 * allowed for any user. */
static const char setgid_src[] =
	"package main\n\n/*\n#include <unistd.h>\n"
	"static int c_setgid(void) { return setgid(getgid()); }\n*/\nimport \"C\"\n\n"
	"import (\n\t\"fmt\"\n\t\"os\"\n\t\"runtime\"\n\t\"sync\"\n\t\"syscall\"\n)\n\n"
	"func deep(n int) int {\n\tvar pad [64]byte\n\tpad[n%64] = byte(n)\n"
	"\tif n == 0 {\n\t\treturn int(pad[0])\n\t}\n\treturn deep(n-1) + int(pad[n%64])\n}\n\n"
	"func main() {\n\truntime.GOMAXPROCS(4)\n\tstop := make(chan struct{})\n"
	"\tvar wg sync.WaitGroup\n\tfor i := 0; i < 4; i++ {\n\t\twg.Add(1)\n"
	"\t\tgo func(i int) {\n\t\t\tdefer wg.Done()\n\t\t\truntime.LockOSThread()\n"
	"\t\t\tfor {\n\t\t\t\tselect {\n\t\t\t\tcase <-stop:\n\t\t\t\t\treturn\n"
	"\t\t\t\tdefault:\n\t\t\t\t\tdeep(50 + i)\n\t\t\t\t}\n\t\t\t}\n\t\t}(i)\n\t}\n"
	"\tfor i := 0; i < 16; i++ {\n\t\tif C.c_setgid() != 0 {\n"
	"\t\t\tfmt.Println(\"setgid: C setgid failed\")\n\t\t\tos.Exit(1)\n\t\t}\n"
	"\t\truntime.GC()\n\t\tif err := syscall.Setgid(os.Getgid()); err != nil {\n"
	"\t\t\tfmt.Println(\"setgid:\", err)\n\t\t\tos.Exit(1)\n\t\t}\n\t}\n"
	"\tclose(stop)\n\twg.Wait()\n\tfmt.Printf(\"setgid: ok %d\\n\", deep(10))\n}\n";
static const char setgid_want[] = "setgid: ok 55\n";
static const char go_src[] = "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\n"
			     "func main() { fmt.Printf(\"go: %s/%s\\n\", runtime.GOOS, runtime.GOARCH) }\n";

static int row(struct doctor *d, const char *check, int st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int row(struct doctor *d, const char *check, int st, const char *fmt, ...)
{
	struct row *r = realloc(d->rows, (d->n + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	d->rows = r;
	va_list ap;
	va_start(ap, fmt);
	char *detail = NULL;
	if (vasprintf(&detail, fmt, ap) < 0)
		detail = NULL;
	va_end(ap);
	r[d->n].check = strdup(check);
	r[d->n].st = st;
	r[d->n].detail = detail;
	if (!r[d->n].check || !detail) {
		free(r[d->n].check);
		free(detail);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		return NULL;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *f = str_printf("%.*s/%s", (int)n, p, name);
		if (f && n && access(f, X_OK) == 0 && is_file(f))
			return f;
		free(f);
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/* Run argv in cwd, stdout+stderr into out (malloc'd, NUL-terminated).
 * Returns the exit status, 128+signal, or -ETIMEDOUT/-errno. */
static int run(char *const argv[], const char *cwd, int timeout, char **out)
{
	char tmpl[] = "/tmp/gotc-doctor-out.XXXXXX";
	int fd = mkstemp(tmpl);
	*out = NULL;
	if (fd < 0)
		return -errno;
	unlink(tmpl);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (pid == 0) {
		setpgid(0, 0);
		if (chdir(cwd) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	int status = 0, rc;
	struct timespec ts = {0, 20 * 1000 * 1000};
	long waited = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		if (w < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (waited++ > (long)timeout * 50) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			rc = -ETIMEDOUT;
			break;
		}
		nanosleep(&ts, NULL);
	}
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while (b.len < (1u << 20) && (n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	*out = buf_steal(&b);
	if (!*out)
		*out = strdup("");
	return rc;
}

/* The last line of output, for a table cell (points into s). */
static const char *last_line(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	char *nl = strrchr(s, '\n');
	return nl ? nl + 1 : s;
}

static int write_src(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name);
	int rc = p ? write_file_atomic(p, text, strlen(text), 0644) : -ENOMEM;
	free(p);
	return rc;
}

/* Apply the installed target's env.0 to this process (as gotc exec does). */
static int apply_env(struct doctor *d)
{
	/* the user's Go settings must not leak into the probes */
	static const char *const drop[] = {"GOFLAGS", "GO111MODULE", "GOWORK", "GOARM",
					   "GOMIPS64", "GOAMD64", "GOENV", NULL};
	for (size_t i = 0; drop[i]; i++)
		unsetenv(drop[i]);
	int rc = env_apply(&d->cli->h, d->t->name);
	if (rc)
		return rc;
	char *gopath = path_join(d->dir, "gopath");
	if (gopath) {
		setenv("GOPATH", gopath, 1);
		free(gopath);
	}
	setenv("GOENV", "off", 1);
	setenv("GOPROXY", "off", 1);
	return 0;
}

static int check_go_env(struct doctor *d)
{
	const struct target *t = d->t;
	const char *goroot = getenv("GOROOT"), *gocache = getenv("GOCACHE");
	char *go = find_in_path("go");
	char rgo[PATH_MAX], want[PATH_MAX];
	char *want_go = goroot ? str_printf("%s/bin/go", goroot) : NULL;
	int rc;
	if (!go)
		rc = row(d, "go-on-path", ST_FAIL, "no go on PATH");
	else if (!want_go || !realpath(go, rgo) || !realpath(want_go, want) || strcmp(rgo, want))
		rc = row(d, "go-on-path", ST_FAIL, "%s is not $GOROOT/bin/go (%s)", go,
			 want_go ? want_go : "GOROOT unset");
	else
		rc = row(d, "go-on-path", ST_OK, "%s", go);
	free(want_go);
	/* go version vs GOROOT/VERSION */
	char *vpath = goroot ? str_printf("%s/VERSION", goroot) : NULL, *vdata = NULL, *out = NULL;
	size_t vlen;
	char *argv_v[] = {(char *)"go", (char *)"version", NULL};
	int st = go ? run(argv_v, d->dir, 60, &out) : -ENOENT;
	if (!rc) {
		if (!vpath || read_file(vpath, &vdata, &vlen) != 0) {
			rc = row(d, "go-version", ST_FAIL, "cannot read %s", vpath ? vpath : "$GOROOT/VERSION");
		} else {
			vdata[strcspn(vdata, "\n")] = '\0';
			char want_v[128];
			snprintf(want_v, sizeof(want_v), "go version %s ", vdata);
			if (st == 0 && out && str_starts(out, want_v))
				rc = row(d, "go-version", ST_OK, "%s = $GOROOT/VERSION", vdata);
			else
				rc = row(d, "go-version", ST_FAIL, "'go version' says '%s', $GOROOT/VERSION says %s",
					 out ? last_line(out) : "(did not run)", vdata);
		}
	}
	free(vpath);
	free(vdata);
	free(out);
	out = NULL;
	const char *tc = getenv("GOTOOLCHAIN");
	if (!rc)
		rc = tc && strcmp(tc, "local") == 0
			     ? row(d, "gotoolchain", ST_OK, "GOTOOLCHAIN=local")
			     : row(d, "gotoolchain", ST_FAIL, "GOTOOLCHAIN=%s, want local (Go may switch itself)",
				   tc ? tc : "(unset)");
	const char *sub = t->arch->subarch_var;
	char *argv_e[] = {(char *)"go", (char *)"env", (char *)"CGO_ENABLED", (char *)"GOCACHE",
			  (char *)"GOARCH", (char *)(sub ? sub : "GOOS"), NULL};
	st = go ? run(argv_e, d->dir, 60, &out) : -ENOENT;
	char *lines[4] = {NULL, NULL, NULL, NULL};
	if (st == 0 && out) {
		char *p = out;
		for (int i = 0; i < 4 && p; i++) {
			lines[i] = p;
			p = strchr(p, '\n');
			if (p)
				*p++ = '\0';
		}
	}
	if (!rc)
		rc = lines[0] && strcmp(lines[0], "1") == 0
			     ? row(d, "cgo-enabled", ST_OK, "go env CGO_ENABLED=1")
			     : row(d, "cgo-enabled", ST_FAIL, "go env CGO_ENABLED=%s, want 1",
				   lines[0] ? lines[0] : "(go env failed)");
	if (!rc) {
		/* the home's gocache, or, when the user cannot write there (a
		 * system-wide home), the per-user fallback the env documents */
		char *own = str_printf("%s/gocache/", d->cli->h.home);
		char *tag = str_printf("-%s-", t->name);
		char *user = gocache_user("");
		bool ro = own && access(own, W_OK) != 0;
		bool same = lines[1] && gocache && strcmp(lines[1], gocache) == 0;
		if (!own || !tag || !user)
			rc = -ENOMEM;
		else if (same && str_starts(gocache, own) && strstr(gocache + strlen(own), tag))
			rc = row(d, "gocache", ST_OK, "%s", gocache);
		else if (same && ro && str_starts(gocache, user) && strstr(gocache + strlen(user), tag))
			rc = row(d, "gocache", ST_OK, "%s (the per-user fallback: %s is not writable)", gocache,
				 own);
		else
			rc = row(d, "gocache", ST_FAIL, "go env GOCACHE=%s is not %s's own (%s...%s...)",
				 lines[1] ? lines[1] : "?", t->name, ro ? user : own, tag);
		free(own);
		free(tag);
		free(user);
	}
	if (!rc)
		rc = lines[2] && strcmp(lines[2], t->arch->goarch) == 0
			     ? row(d, "goarch", ST_OK, "GOARCH=%s", lines[2])
			     : row(d, "goarch", ST_FAIL, "go env GOARCH=%s, want %s",
				   lines[2] ? lines[2] : "?", t->arch->goarch);
	if (!rc && sub) {
		const char *w = t->go_subarch ? t->go_subarch : t->arch->subarch_def;
		rc = lines[3] && strcmp(lines[3], w) == 0
			     ? row(d, "go-subarch", ST_OK, "%s=%s", sub, w)
			     : row(d, "go-subarch", ST_FAIL, "go env %s=%s, want %s", sub,
				   lines[3] ? lines[3] : "?", w);
	}
	free(out);
	free(go);
	return rc;
}

/* Can this host run the target's toolchain (its recipe's host_glibc)? */
static int check_host(struct doctor *d)
{
	/* an installed instance's own record first, like the target itself */
	struct plan p;
	int rc = instance_plan(&d->cli->h, d->t->name, INSTANCE_FIRST, &p, NULL);
	if (rc)
		return row(d, "host-glibc", ST_FAIL, "%s", d->cli->h.errbuf);
	const struct recipe *tc = p.rs.r[TR_TOOLCHAIN];
	if (!tc->host_glibc || strcmp(tc->host_glibc, "none") == 0)
		rc = row(d, "host-glibc", ST_OK, "%s declares no glibc need (this host: %s)", tc->name,
			 host_glibc_version());
	else if (toolchain_host_check(&d->cli->h, tc) == 0)
		rc = row(d, "host-glibc", ST_OK, "%s needs glibc %s, this host has %s", tc->name,
			 tc->host_glibc, host_glibc_version());
	else
		rc = row(d, "host-glibc", ST_FAIL, "%s", d->cli->h.errbuf);
	plan_free(&p);
	return rc;
}

/* Can gotc load the libraries it loads on first use (lazy.h)?  A missing
 * one would end an install or a git repo's fetch midway. */
static int check_libraries(struct doctor *d)
{
	static const enum lazy_lib libs[] = {LAZY_ARCHIVE, LAZY_CURL, LAZY_GIT2};
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		if (lazy_need(&d->cli->h, libs[i])) { /* one row: the first that fails */
			buf_free(&b);
			return row(d, "gotc-libraries", ST_FAIL, "%s", d->cli->h.errbuf);
		}
		buf_printf(&b, "%s%s", b.len ? ", " : "", lazy_soname(libs[i]));
	}
	int rc = b.oom ? -ENOMEM : row(d, "gotc-libraries", ST_OK, "%s load", b.s);
	buf_free(&b);
	return rc;
}

/* How to run target binaries here: qemu-ARCH-static on PATH, else binfmt,
 * else natively when the arch is the host's. */
static void pick_runner(struct doctor *d)
{
	const char *q = getenv("GOTC_QEMU");
	char *qpath = q ? find_in_path(q) : NULL;
	char *bf = str_printf("/proc/sys/fs/binfmt_misc/qemu-%s", d->t->arch->qemu);
	d->can_run = true;
	if (qpath) {
		d->runner = qpath;
		d->run_how = "qemu-user";
	} else if (bf && access(bf, F_OK) == 0) {
		d->run_how = "binfmt";
		const char *lp = getenv("GOTC_QEMU_LD_PREFIX");
		if (lp)
			setenv("QEMU_LD_PREFIX", lp, 1);
	} else if (strcmp(d->t->arch->name, host_arch()) == 0) {
		d->run_how = "native";
	} else {
		d->can_run = false;
		d->run_how = NULL;
	}
	free(bf);
}

static int check_binary(struct doctor *d, const char *what, const char *bin, const char *want)
{
	struct elf_report r;
	char name[32];
	snprintf(name, sizeof(name), "check-%s", what);
	int rc = elf_check_file(&d->cli->h, d->t, d->sysroot, bin, &r);
	if (rc && rc != -ENOMEM) {
		rc = row(d, name, ST_FAIL, "%s", d->cli->h.errbuf);
	} else if (!rc) {
		if (!r.failed) {
			rc = row(d, name, ST_OK, "gotc check: %zu checks ok", r.n);
		} else {
			struct buf b;
			buf_init(&b);
			for (size_t i = 0; i < r.n; i++)
				if (!r.v[i].ok)
					buf_printf(&b, "%s%s: %s", b.len ? "; " : "", r.v[i].name,
						   r.v[i].msg);
			rc = b.oom ? -ENOMEM : row(d, name, ST_FAIL, "%s", b.s);
			buf_free(&b);
		}
		elf_report_free(&r);
	}
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "run-%s", what);
	if (!d->can_run)
		return row(d, name, ST_SKIP, "no %s on PATH and no binfmt_misc entry (install the "
			   "package that has it: qemu-user-static on Debian and Ubuntu)",
			   getenv("GOTC_QEMU") ? getenv("GOTC_QEMU") : "qemu");
	/* under qemu: through the prefix's go_linux_GOARCH_exec, as go test does */
	const char *pre = getenv("GOTC_PREFIX");
	char *wrap = pre ? str_printf("%s/bin/go_linux_%s_exec", pre, d->t->arch->goarch) : NULL;
	char *argv_q[] = {wrap, (char *)bin, NULL};
	char *argv_n[] = {(char *)bin, NULL};
	char *out = NULL;
	if (d->runner && !wrap)
		return -ENOMEM;
	int st = run(d->runner ? argv_q : argv_n, d->dir, RUN_TIMEOUT, &out);
	free(wrap);
	if (!out)
		return -ENOMEM;
	if (st == 0 && strcmp(out, want) == 0) {
		rc = row(d, name, ST_OK, "%s: %s", d->run_how, last_line(out));
	} else {
		char w[128];
		snprintf(w, sizeof(w), "%s", want);
		rc = row(d, name, ST_FAIL, "%s: exit %d, output '%s', want '%s'", d->run_how, st,
			 last_line(out), last_line(w));
	}
	free(out);
	return rc;
}

static int build(struct doctor *d, const char *what, char *const argv[], const char *cwd,
		 const char *bin, const char *want)
{
	char name[32], *out = NULL;
	snprintf(name, sizeof(name), "build-%s", what);
	int st = run(argv, cwd, BUILD_TIMEOUT, &out);
	if (!out)
		return -ENOMEM;
	int rc;
	if (st != 0 || !is_file(bin))
		rc = row(d, name, ST_FAIL, "%s failed (exit %d): %s", argv[0], st, last_line(out));
	else
		rc = row(d, name, ST_OK, "%s", path_basename(bin));
	free(out);
	if (rc || st != 0 || !is_file(bin))
		return rc;
	return check_binary(d, what, bin, want);
}

static int probes(struct doctor *d)
{
	const struct target *t = d->t;
	bool cxx = strcmp(t->cxx_stdlib, "none") != 0;
	char *cc = getenv("CC") ? strdup(getenv("CC")) : NULL;
	char *cxxc = getenv("CXX") ? strdup(getenv("CXX")) : NULL;
	char *cgo = path_join(d->dir, "cgo"), *gop = path_join(d->dir, "gopure");
	char *cbin = path_join(d->dir, "c-prog"), *xbin = path_join(d->dir, "cxx-prog");
	char *gbin = path_join(d->dir, "cgo-prog"), *pbin = path_join(d->dir, "go-prog");
	char *sgd = path_join(d->dir, "setgid"), *sbin = path_join(d->dir, "setgid-prog");
	int rc = 0;
	if (!cgo || !gop || !cbin || !xbin || !gbin || !pbin || !sgd || !sbin) {
		rc = -ENOMEM;
		goto out;
	}
	const char *st = t->is_static ? "-static" : "-O2";
	rc = write_src(d->dir, "hello.c", c_src);
	rc = rc ? rc : write_src(d->dir, "hello.cpp", cxx_src);
	rc = rc ? rc : mkdir_p(cgo, 0755);
	rc = rc ? rc : mkdir_p(gop, 0755);
	rc = rc ? rc : write_src(cgo, "go.mod", gomod);
	rc = rc ? rc : write_src(cgo, "main.go", cxx ? cgo_go_cxx : cgo_go_c);
	rc = rc ? rc : write_src(cgo, "mul.c", cgo_c_src);
	if (!rc && cxx)
		rc = write_src(cgo, "greet.cpp", cgo_cxx_src);
	rc = rc ? rc : write_src(gop, "go.mod", gomod);
	rc = rc ? rc : write_src(gop, "main.go", go_src);
	if (rc)
		goto out;
	char *argv_c[] = {cc ? cc : (char *)"cc", (char *)st, (char *)"-o", cbin,
			  (char *)"hello.c", NULL};
	rc = build(d, "c", argv_c, d->dir, cbin, c_want);
	if (rc)
		goto out;
	char *argv_x[] = {cxxc ? cxxc : (char *)"c++", (char *)st, (char *)"-o", xbin,
			  (char *)"hello.cpp", NULL};
	if (cxx) {
		rc = build(d, "c++", argv_x, d->dir, xbin, cxx_want);
	} else {
		/* the target promises no C++: its CXX must refuse, clearly */
		char *out = NULL;
		int s = run(argv_x, d->dir, BUILD_TIMEOUT, &out);
		if (!out) {
			rc = -ENOMEM;
			goto out;
		}
		if (s != 0 && strstr(out, "has no C++ standard library"))
			rc = row(d, "build-c++", ST_OK, "refused as promised (cxx_stdlib = none): %s",
				 last_line(out));
		else
			rc = row(d, "build-c++", ST_FAIL,
				 "cxx_stdlib = none but CXX %s (exit %d): %s",
				 s == 0 ? "built a C++ program" : "failed without saying why", s,
				 last_line(out));
		free(out);
	}
	if (rc)
		goto out;
	char *argv_g[] = {(char *)"go", (char *)"build", (char *)"-o", gbin, (char *)".", NULL};
	rc = build(d, "cgo", argv_g, cgo, gbin, cxx ? cgo_want_cxx : cgo_want_c);
	if (rc)
		goto out;
	char want_go[64];
	snprintf(want_go, sizeof(want_go), "go: linux/%s\n", t->arch->goarch);
	char *argv_p[] = {(char *)"go", (char *)"build", (char *)"-o", pbin, (char *)".", NULL};
	rc = build(d, "go", argv_p, gop, pbin, want_go);
	if (rc || t->libc != LIBC_MUSL)
		goto out;
	rc = mkdir_p(sgd, 0755);
	rc = rc ? rc : write_src(sgd, "go.mod", gomod);
	rc = rc ? rc : write_src(sgd, "main.go", setgid_src);
	if (rc)
		goto out;
	char *argv_s[] = {(char *)"go", (char *)"build", (char *)"-o", sbin, (char *)".", NULL};
	rc = build(d, "setgid", argv_s, sgd, sbin, setgid_want);
out:
	free(cc);
	free(cxxc);
	free(cgo);
	free(gop);
	free(cbin);
	free(xbin);
	free(gbin);
	free(pbin);
	free(sgd);
	free(sbin);
	return rc;
}

static void print_table(const struct cli *cli, const struct doctor *d, bool json, bool keep)
{
	size_t failed = 0, skipped = 0;
	for (size_t i = 0; i < d->n; i++) {
		failed += d->rows[i].st == ST_FAIL;
		skipped += d->rows[i].st == ST_SKIP;
	}
	if (json) {
		json_open(stdout, "doctor");
		printf(", \"target\": ");
		json_str(stdout, d->t->name);
		printf(", \"dir\": ");
		if (keep)
			json_str(stdout, d->dir);
		else
			fputs("null", stdout);
		printf(", \"ok\": %s, \"checks\": [", failed ? "false" : "true");
		for (size_t i = 0; i < d->n; i++) {
			printf("%s\n  {\"check\": ", i ? "," : "");
			json_str(stdout, d->rows[i].check);
			printf(", \"status\": \"%s\", \"detail\": ", st_names[d->rows[i].st]);
			json_str(stdout, d->rows[i].detail);
			putchar('}');
		}
		printf("\n]}\n");
		return;
	}
	printf("gotc doctor %s%s%s\n", d->t->name, keep ? " in " : "", keep ? d->dir : "");
	printf("%-12s %-6s %s\n", "CHECK", "STATUS", "DETAIL");
	for (size_t i = 0; i < d->n; i++)
		printf("%-12s %s%-6s%s %s\n", d->rows[i].check,
		       cli_color(cli, stdout, d->rows[i].st == ST_OK ? CLI_OK : d->rows[i].st == ST_FAIL ? CLI_FAIL : CLI_WARN),
		       st_names[d->rows[i].st], cli_color(cli, stdout, CLI_RESET), d->rows[i].detail);
	printf("%s: %zu checks, %zu failed, %zu skipped\n", d->t->name, d->n, failed, skipped);
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"keep", no_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("doctor");
	bool json = false, keep = false;
	int o;
	while ((o = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'k': keep = true; break;
		default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(c, "missing TARGET");
	if (optind + 1 < argc)
		return cli_usage_error(c, "expected exactly one TARGET");
	const char *name = argv[optind];
	struct doctor d;
	memset(&d, 0, sizeof(d));
	d.cli = cli;
	/* a module here that needs a newer Go: refuse before building anything */
	int rc = gomod_guard(&cli->h, name);
	if (!rc)
		rc = cli_load_check_target(cli, name, NULL, &d.t, &d.sysroot);
	if (rc)
		return cli_error(cli, rc);
	const char *tmp = getenv("TMPDIR");
	d.dir = str_printf("%s/gotc-doctor.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!d.dir || !mkdtemp(d.dir)) {
		rc = gotc_fail(&cli->h, d.dir ? -errno : -ENOMEM, "cannot make a temporary directory");
		free(d.dir);
		d.dir = NULL;
		goto out;
	}
	if ((rc = apply_env(&d)))
		goto out;
	pick_runner(&d);
	rc = check_host(&d);
	rc = rc ? rc : check_libraries(&d);
	rc = rc ? rc : check_go_env(&d);
	rc = rc ? rc : probes(&d);
	if (rc)
		goto out;
	print_table(cli, &d, json, keep);
out:;
	size_t failed = 0;
	for (size_t i = 0; i < d.n; i++)
		failed += d.rows[i].st == ST_FAIL;
	if (d.dir && !keep)
		rm_rf(d.dir);
	for (size_t i = 0; i < d.n; i++) {
		free(d.rows[i].check);
		free(d.rows[i].detail);
	}
	free(d.rows);
	free(d.dir);
	free(d.runner);
	free(d.sysroot);
	target_free(d.t);
	if (rc)
		return cli_error(cli, rc);
	return failed ? EXIT_FAIL : EXIT_OK;
}
