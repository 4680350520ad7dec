/* install.c - gotc install: plans -> fetch -> entries -> prefixes, under the lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
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

/* Append the download of art to reqs, once per cache file. */
static int req_add(gotc_t *h, struct fetch_req **reqs, size_t *nreq, const struct artifact *art)
{
	for (size_t k = 0; k < *nreq; k++)
		if (strcmp((*reqs)[k].dest, art->cache_path) == 0)
			return 0;
	struct fetch_req *nr = realloc(*reqs, (*nreq + 1) * sizeof(*nr));
	if (!nr)
		return gotc_fail(h, -ENOMEM, "out of memory");
	*reqs = nr;
	nr[*nreq] = (struct fetch_req){
		.label = art->src->name,
		.urls = art->urls,
		.sha256 = art->src->sha256,
		.sha512 = art->src->sha512,
		.size = art->src->size,
		.dest = art->cache_path,
	};
	(*nreq)++;
	return 0;
}

/* Entries are assembled by worker processes, one per core, started with the
 * downloads: a worker unpacks each archive while it arrives (verifying the
 * bytes it read, see assemble_entry.c), so downloading, decompressing and
 * hashing overlap on every core.  A worker reports its error text through a
 * pipe. */
struct builder {
	const struct entry *e;
	const struct plan *owner;
	uint64_t bytes;	/* declared download size, to start the biggest first */
	pid_t pid;	/* running worker, or 0 */
	int fd;		/* read end of its error pipe */
	bool started, done;
};

struct builders {
	gotc_t *h;
	struct builder *v;
	size_t n;
	int running, max;
	int rc;	     /* first worker failure */
	bool killed; /* workers were stopped on purpose: their end is no error */
};

static void builder_spawn(struct builders *bs, struct builder *b)
{
	gotc_t *h = bs->h;
	int p[2];
	struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = b->e->name, .msg = "assemble"};
	b->started = true;
	if (pipe2(p, O_CLOEXEC) < 0) {
		bs->rc = bs->rc ? bs->rc : gotc_fail(h, -errno, "pipe: %s", strerror(errno));
		b->done = true;
		return;
	}
	gotc_emit(h, &ev);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		/* a worker dies with the main process (kill -9 gotc): its staging
		 * directory is then cleaned by the next run */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != (pid_t)h->pid)
			_exit(1);
		h->event = NULL; /* the main process renders; workers stay silent */
		int rc = assemble_entry(h, b->owner, b->e);
		if (rc) {
			int code = rc;
			if (write(p[1], &code, sizeof(code)) < 0 || write(p[1], h->errbuf, strlen(h->errbuf)) < 0)
				_exit(3);
		}
		_exit(rc ? 1 : 0);
	}
	close(p[1]);
	if (pid < 0) {
		bs->rc = bs->rc ? bs->rc : gotc_fail(h, -errno, "fork: %s", strerror(errno));
		close(p[0]);
		b->done = true;
		return;
	}
	b->pid = pid;
	b->fd = p[0];
	bs->running++;
}

static void builder_reaped(struct builders *bs, struct builder *b, int status)
{
	gotc_t *h = bs->h;
	char msg[sizeof(h->errbuf)];
	int code = 0;
	ssize_t n = read(b->fd, &code, sizeof(code));
	ssize_t m = n == (ssize_t)sizeof(code) ? read(b->fd, msg, sizeof(msg) - 1) : 0;
	close(b->fd);
	b->pid = 0;
	b->done = true;
	bs->running--;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		struct gotc_event ev = {.type = GOTC_EV_STEP_DONE, .name = b->e->name};
		gotc_emit(h, &ev);
		gotc_test_point(h, "committed");
		return;
	}
	if (bs->rc || bs->killed)
		return;
	if (n == (ssize_t)sizeof(code) && m >= 0) {
		msg[m] = '\0';
		bs->rc = gotc_fail(h, code, "%s", msg);
	} else {
		bs->rc = gotc_fail(h, GOTC_EASSEMBLE, "assembling %s: worker %s %d", b->e->name,
				   WIFSIGNALED(status) ? "killed by signal" : "exited with status",
				   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
}

/* Reap finished workers (blocking: wait for one), then start ready ones. */
static void builders_step(struct builders *bs, bool block)
{
	for (;;) {
		int status;
		pid_t pid = bs->running ? waitpid(-1, &status, block ? 0 : WNOHANG) : 0;
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		for (size_t i = 0; i < bs->n; i++)
			if (bs->v[i].pid == pid)
				builder_reaped(bs, &bs->v[i], status);
		block = false;
	}
	for (size_t i = 0; i < bs->n && bs->running < bs->max && !bs->rc; i++) {
		struct builder *b = &bs->v[i];
		if (!b->started)
			builder_spawn(bs, b);
	}
}

static int on_fetched(struct fetch_req *r, void *ctx)
{
	struct builders *bs = ctx;
	(void)r;
	builders_step(bs, false); /* reap finished workers, start waiting ones */
	return bs->rc;		  /* a worker failed: no point downloading more */
}

static int by_bytes(const void *a, const void *b)
{
	uint64_t x = ((const struct builder *)a)->bytes, y = ((const struct builder *)b)->bytes;
	return x < y ? 1 : x > y ? -1 : 0;
}

int install_plans_locked(gotc_t *h, struct plan *plans, size_t n)
{
	struct fetch_req *reqs = NULL;
	struct builders bs = {.h = h};
	size_t nreq = 0;
	int rc = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bs.max = cpus > 1 ? (int)(cpus < 8 ? cpus : 8) : 1;
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
			for (size_t k = 0; k < bs.n && !dup; k++)
				dup = strcmp(bs.v[k].e->name, e->name) == 0;
			if (dup)
				continue;
			struct builder *nb = realloc(bs.v, (bs.n + 1) * sizeof(*nb));
			if (!nb) {
				rc = gotc_fail(h, -ENOMEM, "out of memory");
				goto out;
			}
			bs.v = nb;
			bs.v[bs.n] = (struct builder){.e = e, .owner = &plans[i], .fd = -1};
			for (size_t a = 0; a < e->narts; a++)
				bs.v[bs.n].bytes += e->arts[a].src->size;
			bs.n++;
			for (size_t a = 0; a < e->narts; a++)
				if ((rc = req_add(h, &reqs, &nreq, &e->arts[a])))
					goto out;
		}
	}
	if (bs.n)
		qsort(bs.v, bs.n, sizeof(*bs.v), by_bytes);
	builders_step(&bs, false);
	if (nreq)
		rc = fetch_all_cb(h, reqs, nreq, on_fetched, &bs);
	if (rc) {
		/* workers may wait for a download that will never come */
		bs.max = 0;
		bs.killed = true;
		for (size_t i = 0; i < bs.n; i++)
			if (bs.v[i].pid)
				kill(bs.v[i].pid, SIGKILL);
	} else {
		gotc_test_point(h, "fetched");
	}
	/* Let running workers finish (what they commit is complete and valid);
	 * start the rest unless something failed. */
	for (;;) {
		builders_step(&bs, false);
		if (!bs.running)
			break;
		builders_step(&bs, true);
	}
	if (rc)
		store_clean_staging(h); /* what killed workers had unpacked */
	if (!rc)
		rc = bs.rc;
	for (size_t i = 0; !rc && i < bs.n; i++)
		if (!bs.v[i].done)
			rc = gotc_fail(h, GOTC_EASSEMBLE, "%s: not assembled", bs.v[i].e->name);
	for (size_t i = 0; i < n && !rc; i++) {
		struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = plans[i].rs.t->name,
					.msg = "install target"};
		gotc_emit(h, &ev);
		rc = assemble_prefix(h, &plans[i]);
	}
out:
	for (size_t k = 0; k < nreq; k++)
		free(reqs[k].error);
	free(reqs);
	free(bs.v);
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
				if (!unsized_only || (!art->src->size && !is_file(art->cache_path)))
					rc = req_add(h, &reqs, &nreq, art);
			}
		}
	if (!rc && nreq)
		rc = fetch_all(h, reqs, nreq);
	for (size_t k = 0; k < nreq; k++)
		free(reqs[k].error);
	free(reqs);
	return rc;
}
