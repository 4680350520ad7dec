/* cmd_show.c - gotc show TARGET: the resolved plan and a preview of its env. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "install.h"
#include "env.h"
#include "instance_record.h"
#include "plan.h"
#include "store.h"
#include "util.h"

static const char *const role_names[ER__COUNT] = {"go", "toolchain", "sysroot", "packages"};

/* The names of the mirrors p's sources use, each once (NULL when out of
 * memory: no mirror is shown). */
static char **mirror_names(const struct plan *p)
{
	char **seen = calloc(1, sizeof(char *));
	for (int i = 0; seen && i < p->nentries; i++)
		for (size_t j = 0; seen && j < p->entries[i].narts; j++) {
			char name[128];
			if (url_mirror_name(p->entries[i].arts[j].src->url, name, sizeof(name)) &&
			    !strv_has(seen, name) && strv_push(&seen, name)) {
				strv_free(seen);
				seen = NULL;
			}
		}
	return seen;
}

static void json_key(const char *key, const char *v)
{
	printf(", \"%s\": ", key);
	v ? json_str(stdout, v) : (void)fputs("null", stdout);
}

static void json_urls(char *const *urls)
{
	printf(", \"urls\": [");
	for (size_t k = 0; urls[k]; k++) {
		char *shown = url_redact(urls[k]); /* credentials are never shown */
		printf("%s", k ? ", " : "");
		json_str(stdout, shown ? shown : "");
		free(shown);
	}
	putchar(']');
}

/* gotc show --json: the plan as gotc-show/1 (gotc(1) JSON OUTPUT). */
static void show_json(struct cli *cli, const struct plan *p, const char *instance,
		      const char *prefix, const struct env *env)
{
	const struct target *t = p->rs.t;
	json_open(stdout, "show");
	json_key("target", t->name);
	json_key("instance", instance);
	json_key("path", t->path);
	json_key("description", t->description);
	json_key("arch", t->arch->name);
	json_key("goarch", t->arch->goarch);
	json_key("libc", t->libc_str);
	json_key("libc_version", t->libc_version);
	json_key("kernel", t->kernel);
	json_key("cxx_stdlib", t->cxx_stdlib);
	json_key("glibcxx", t->glibcxx);
	json_key("cxxabi", t->cxxabi);
	json_key("link", t->is_static ? "static" : "dynamic");
	json_key("host_glibc", host_glibc_version());
	printf(",\n \"mirrors\": [");
	char **mirrors = mirror_names(p);
	size_t nm = 0;
	for (size_t i = 0; mirrors && mirrors[i]; i++) {
		const struct gotc_mirror *m = gotc_mirror_find(&cli->h, mirrors[i]);
		if (!m)
			continue;
		printf("%s\n  {\"name\": ", nm++ ? "," : "");
		json_str(stdout, m->name);
		json_urls(m->urls);
		json_key("from", m->origin);
		putchar('}');
	}
	strv_free(mirrors);
	printf("],\n \"entries\": [");
	for (int i = 0; i < p->nentries; i++) {
		const struct entry *e = &p->entries[i];
		printf("%s\n  {\"role\": \"%s\"", i ? "," : "", role_names[e->role]);
		json_key("name", e->name);
		json_key("key", e->key);
		json_key("recipe", e->recipe->name);
		json_key("version", e->recipe->version);
		json_key("kernel_headers", e->kernel ? e->kernel->name : NULL);
		json_key("host_glibc", e->role == ER_TOOLCHAIN ? e->recipe->host_glibc : NULL);
		char *sub = str_printf("store/%s", e->name);
		char *dir = sub ? store_path(&cli->h, sub) : NULL;
		free(sub);
		printf(", \"in_store\": %s, \"artifacts\": [", dir && access(dir, F_OK) == 0 ? "true" : "false");
		free(dir);
		for (size_t j = 0; j < e->narts; j++) {
			const struct artifact *a = &e->arts[j];
			printf("%s\n    {\"source\": ", j ? "," : "");
			json_str(stdout, a->src->name);
			printf(", \"kernel_headers\": %s", a->is_kernel ? "true" : "false");
			json_urls(a->urls);
			json_key(a->src->sha256 ? "sha256" : "sha512", a->src->sha256 ? a->src->sha256 : a->src->sha512);
			if (a->src->size)
				printf(", \"size\": %llu}", (unsigned long long)a->src->size);
			else
				printf(", \"size\": null}");
		}
		printf("%s]}", e->narts ? "\n  " : "");
	}
	printf("\n ]");
	json_key("prefix", prefix);
	printf(",\n \"env\": {");
	for (size_t i = 0; env && i < env->n; i++) {
		printf("%s\n  ", i ? "," : "");
		json_str(stdout, env->v[i].name);
		printf(": ");
		json_str(stdout, env->v[i].value);
	}
	printf("%s},\n \"path_prepend\": [", env && env->n ? "\n " : "");
	for (size_t i = 0; env && env->path_prepend[i]; i++) {
		printf("%s", i ? ", " : "");
		json_str(stdout, env->path_prepend[i]);
	}
	printf("]}\n");
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"go", required_argument, NULL, 'G'},
		{"installed", no_argument, NULL, 'I'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const struct cmd *c = cli_find("show");
	const char *go = NULL;
	bool installed = false, json = false;
	int o, ex;
	optind = 0; /* options may follow the operand */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'G')
			go = optarg;
		else if (o == 'I')
			installed = true;
		else if (o == 'j')
			json = true;
		else
			return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage_error(c, optind >= argc ? "missing TARGET" : "expected exactly one TARGET");
	char **names = NULL;
	if ((ex = cli_with_go(cli, c, go, argv + optind, 1, &names)) >= 0)
		return ex;
	struct plan p;
	struct instance_record rec;
	memset(&rec, 0, sizeof(rec));
	/* --installed: what the instance was built from, from its own record */
	int rc = installed ? instance_record_find(&cli->h, names[0], &rec) : 0;
	if (!rc)
		rc = installed ? instance_plan(&cli->h, names[0], INSTANCE_ONLY, &p, NULL)
			       : plan_build(&cli->h, names[0], &p);
	strv_free(names);
	if (rc) {
		instance_record_clear(&rec);
		return cli_error(cli, rc);
	}
	const struct target *t = p.rs.t;
	if (json) {
		char *prefix = str_printf("%s/targets/%s", cli->h.home,
					  installed && rec.instance ? rec.instance : t->name);
		struct env env;
		rc = prefix ? env_compute(&cli->h, &p, prefix, &env) : gotc_fail(&cli->h, -12, "out of memory");
		if (!rc) {
			show_json(cli, &p, installed ? rec.instance : NULL, prefix, &env);
			env_free(&env);
		}
		free(prefix);
		instance_record_clear(&rec);
		plan_free(&p);
		return cli_error(cli, rc);
	}
	printf("target %s (%s)\n  %s\n", t->name, t->path, t->description);
	if (installed) {
		printf("  installed as %s from %s", rec.instance,
		       rec.source && rec.source[0] ? rec.source : rec.file);
		if (rec.repo)
			printf(" (repository %s at commit %s%s%s)", rec.repo, rec.commit ? rec.commit : "?",
			       rec.url ? ", " : "", rec.url ? rec.url : "");
		printf("\n");
	}
	instance_record_clear(&rec);
	printf("  arch %s (GOARCH=%s), %s <= %s, kernel >= %s, C++ %s", t->arch->name,
	       t->arch->goarch, t->libc_str, t->libc_version, t->kernel, t->cxx_stdlib);
	if (t->glibcxx)
		printf(" <= GLIBCXX_%s", t->glibcxx);
	if (t->cxxabi)
		printf(" CXXABI_%s", t->cxxabi);
	printf(", link %s\n", t->is_static ? "static" : "dynamic");
	/* the mirrors its sources use: which URL, and where it was set */
	char **mirrors = mirror_names(&p);
	for (size_t i = 0; mirrors && mirrors[i]; i++) {
		const struct gotc_mirror *m = gotc_mirror_find(&cli->h, mirrors[i]);
		if (!m)
			continue;
		printf("mirror %s =", m->name);
		for (size_t k = 0; m->urls[k]; k++) {
			char *shown = url_redact(m->urls[k]);
			printf(" %s", shown ? shown : "(out of memory)");
			free(shown);
		}
		printf("\n  from %s\n", m->origin ? m->origin : "(built in)");
	}
	strv_free(mirrors);
	const struct recipe *tc = p.rs.r[TR_TOOLCHAIN];
	if (tc->host)
		printf("\ntoolchain  host %s (recipe %s: %s%s%s)\n", tc->type, tc->name, tc->cc,
		       tc->cxx ? ", " : "", tc->cxx ? tc->cxx : "");
	for (int i = 0; i < p.nentries; i++) {
		const struct entry *e = &p.entries[i];
		printf("\n%-10s %s (recipe %s %s%s%s)\n", role_names[e->role], e->name, e->recipe->name,
		       e->recipe->version, e->kernel ? ", kernel headers " : "",
		       e->kernel ? e->kernel->name : "");
		if (e->role == ER_TOOLCHAIN)
			printf("  runs on  %s hosts with glibc %s%s (this host: %s)\n",
			       e->recipe->sources[0].host_arch ? e->recipe->sources[0].host_arch : "any",
			       e->recipe->host_glibc ? "\u2265 " : "",
			       e->recipe->host_glibc ? e->recipe->host_glibc : "(not declared)",
			       host_glibc_version());
		for (size_t j = 0; j < e->narts; j++) {
			const struct artifact *a = &e->arts[j];
			printf("  source %s%s\n", a->src->name, a->is_kernel ? " (kernel headers)" : "");
			for (size_t k = 0; a->urls[k]; k++) {
				char *shown = url_redact(a->urls[k]);
				printf("    url    %s\n", shown ? shown : "?");
				free(shown);
			}
			if (a->src->sha256)
				printf("    sha256 %s\n", a->src->sha256);
			else
				printf("    sha512 %s\n", a->src->sha512);
			if (a->src->size)
				printf("    size   %llu\n", (unsigned long long)a->src->size);
		}
	}
	char *prefix = str_printf("%s/targets/%s", cli->h.home, t->name);
	struct env env;
	rc = prefix ? env_compute(&cli->h, &p, prefix, &env) : -12;
	if (!rc) {
		struct buf b;
		buf_init(&b);
		printf("\nenv (preview; installed at %s)\n", prefix);
		for (size_t i = 0; i < env.n; i++) {
			buf_printf(&b, "  %s=", env.v[i].name);
			quote_sh(&b, env.v[i].value);
			buf_putc(&b, '\n');
		}
		buf_puts(&b, "  PATH=");
		for (size_t i = 0; env.path_prepend[i]; i++) {
			quote_sh(&b, env.path_prepend[i]);
			buf_putc(&b, ':');
		}
		buf_puts(&b, "$PATH\n");
		fputs(b.s ? b.s : "", stdout);
		buf_free(&b);
		env_free(&env);
	}
	free(prefix);
	plan_free(&p);
	return cli_error(cli, rc);
}
