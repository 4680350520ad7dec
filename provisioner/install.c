/* install.c - gotc install: plans -> fetch -> entries -> prefixes, under the lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "install.h"
#include "store.h"
#include "util.h"

static bool entry_present(gotc_t *h, const struct entry *e)
{
	char *p = str_printf("%s/store/%s/manifest", h->home, e->name);
	bool ok = p && is_file(p);
	free(p);
	return ok;
}

static bool prefix_current(gotc_t *h, const struct plan *p)
{
	char *want = str_printf("%s/prefixes/%s-%.12s", h->home, p->rs.t->name, p->prefix_id);
	char *have = target_prefix_dir(h, p->rs.t->name);
	bool ok = want && have && strcmp(want, have) == 0 && is_dir(want);
	free(want);
	free(have);
	return ok;
}

int install_targets(gotc_t *h, char *const *names, size_t n)
{
	struct plan *plans = calloc(n ? n : 1, sizeof(*plans));
	int rc = 0;
	if (!plans)
		return gotc_fail(h, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++)
		rc = plan_build(h, names[i], &plans[i]);
	if (!rc)
		rc = install_plans(h, plans, n);
	for (size_t i = 0; i < n; i++)
		plan_free(&plans[i]);
	free(plans);
	return rc;
}

int install_plans(gotc_t *h, struct plan *plans, size_t n)
{
	/* Fast path: every target already installed with this exact plan. */
	bool all_current = true;
	for (size_t i = 0; i < n && all_current; i++)
		all_current = prefix_current(h, &plans[i]);
	if (all_current) {
		for (size_t i = 0; i < n; i++)
			gotc_info(h, "%s is installed and up to date", plans[i].rs.t->name);
		return 0;
	}
	int lock = store_lock(h);
	if (lock < 0)
		return lock;
	store_clean_staging(h);
	int rc = install_plans_locked(h, plans, n);
	store_unlock(lock);
	return rc;
}

int install_plans_locked(gotc_t *h, struct plan *plans, size_t n)
{
	struct fetch_req *reqs = NULL;
	const struct entry **todo = NULL;
	size_t nreq = 0, ntodo = 0;
	int rc = 0;
	/* GOCACHE lives here when the home is writable by the user of the env
	 * (env_format.c falls back to the user's cache otherwise). */
	char *gc = store_path(h, "gocache");
	if (gc)
		mkdir_p(gc, 0755);
	free(gc);
	/* Missing entries (each once) and their downloads (each once). */
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; j < plans[i].nentries; j++) {
			const struct entry *e = &plans[i].entries[j];
			bool dup = entry_present(h, e);
			for (size_t k = 0; k < ntodo && !dup; k++)
				dup = strcmp(todo[k]->name, e->name) == 0;
			if (dup)
				continue;
			const struct entry **nt = realloc(todo, (ntodo + 1) * sizeof(*nt));
			if (!nt) {
				rc = gotc_fail(h, -ENOMEM, "out of memory");
				goto out;
			}
			todo = nt;
			todo[ntodo++] = e;
			for (size_t a = 0; a < e->narts; a++) {
				const struct artifact *art = &e->arts[a];
				bool have = false;
				for (size_t k = 0; k < nreq && !have; k++)
					have = strcmp(reqs[k].dest, art->cache_path) == 0;
				if (have)
					continue;
				struct fetch_req *nr = realloc(reqs, (nreq + 1) * sizeof(*nr));
				if (!nr) {
					rc = gotc_fail(h, -ENOMEM, "out of memory");
					goto out;
				}
				reqs = nr;
				memset(&reqs[nreq], 0, sizeof(*reqs));
				reqs[nreq].label = art->src->name;
				reqs[nreq].urls = art->urls;
				reqs[nreq].sha256 = art->src->sha256;
				reqs[nreq].sha512 = art->src->sha512;
				reqs[nreq].size = art->src->size;
				reqs[nreq].dest = art->cache_path;
				nreq++;
			}
		}
	}
	if (nreq && (rc = fetch_all(h, reqs, nreq)))
		goto out;
	gotc_test_point("fetched");
	for (size_t k = 0; k < ntodo; k++) {
		/* find the plan that owns this entry */
		const struct plan *owner = NULL;
		for (size_t i = 0; i < n && !owner; i++)
			for (int j = 0; j < plans[i].nentries; j++)
				if (&plans[i].entries[j] == todo[k])
					owner = &plans[i];
		if ((rc = assemble_entry(h, owner, todo[k])))
			goto out;
		gotc_test_point("committed");
	}
	for (size_t i = 0; i < n; i++) {
		struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = plans[i].rs.t->name,
					.msg = "install target"};
		gotc_emit(h, &ev);
		if ((rc = assemble_prefix(h, &plans[i])))
			goto out;
	}
out:
	for (size_t k = 0; k < nreq; k++)
		free(reqs[k].error);
	free(reqs);
	free(todo);
	return rc;
}

int install_fetch(gotc_t *h, const struct plan *plans, size_t n, bool unsized_only)
{
	struct fetch_req *reqs = NULL;
	size_t nreq = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		for (int j = 0; j < plans[i].nentries && !rc; j++) {
			const struct entry *e = &plans[i].entries[j];
			for (size_t a = 0; a < e->narts && !rc; a++) {
				const struct artifact *art = &e->arts[a];
				bool skip = unsized_only && (art->src->size || is_file(art->cache_path));
				for (size_t k = 0; k < nreq && !skip; k++)
					skip = strcmp(reqs[k].dest, art->cache_path) == 0;
				if (skip)
					continue;
				struct fetch_req *nr = realloc(reqs, (nreq + 1) * sizeof(*nr));
				if (!nr) {
					rc = gotc_fail(h, -ENOMEM, "out of memory");
					break;
				}
				reqs = nr;
				memset(&reqs[nreq], 0, sizeof(*reqs));
				reqs[nreq].label = art->src->name;
				reqs[nreq].urls = art->urls;
				reqs[nreq].sha256 = art->src->sha256;
				reqs[nreq].sha512 = art->src->sha512;
				reqs[nreq].size = art->src->size;
				reqs[nreq].dest = art->cache_path;
				nreq++;
			}
		}
	if (!rc && nreq)
		rc = fetch_all(h, reqs, nreq);
	for (size_t k = 0; k < nreq; k++)
		free(reqs[k].error);
	free(reqs);
	return rc;
}
