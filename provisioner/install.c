/* install.c - gotc install: plans -> fetch -> entries -> prefixes, under the lock. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "install.h"
#include "instance_record.h"
#include "oci.h"
#include "store.h"
#include "util.h"

static bool entry_present(gotc_t *h, const struct entry *e)
{
	if (h->reinstall)
		return false; /* built again, replacing the one in the store */
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

int install_targets(gotc_t *h, char *const *names, size_t n, char ***installed)
{
	struct plan *plans = calloc(n ? n : 1, sizeof(*plans));
	int rc = 0;
	if (installed)
		*installed = NULL;
	if (!plans)
		return gotc_fail(h, -ENOMEM, "out of memory");
	/* the search path, or an installed instance's record when its source is gone */
	for (size_t i = 0; i < n && !rc; i++) {
		/* --reinstall: what is installed, from its record, if it still reads */
		rc = instance_plan(h, names[i], h->reinstall ? INSTANCE_FIRST : SEARCH_FIRST, &plans[i], NULL);
		if (rc && rc != -ENOMEM && h->reinstall)
			rc = instance_plan(h, names[i], SEARCH_FIRST, &plans[i], NULL);
	}
	if (!rc)
		rc = install_plans(h, plans, n);
	if (!rc && installed) {
		*installed = calloc(1, sizeof(char *));
		for (size_t i = 0; i < n && *installed; i++)
			if (strv_push(installed, plans[i].rs.t->name)) {
				strv_free(*installed);
				*installed = NULL;
			}
		if (!*installed)
			rc = gotc_fail(h, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		plan_free(&plans[i]);
	free(plans);
	return rc;
}

int install_plans(gotc_t *h, struct plan *plans, size_t n)
{
	/* Fast path: every target already installed with this exact plan. */
	bool all_current = !h->reinstall;
	for (size_t i = 0; i < n && all_current; i++)
		all_current = prefix_current(h, &plans[i]);
	if (all_current) {
		/* up to date only if whole: a quick look (types, modes, sizes,
		 * links) at each prefix, and its store entries there (root/ and
		 * manifest).  Looking at every file of the entries (the Go entry
		 * alone has 20,000) cost a quarter of a second; gotc verify does
		 * that, and re-hashes contents. */
		for (size_t i = 0; i < n; i++) {
			const char *name = plans[i].rs.t->name;
			char *const one[] = {(char *)name, NULL};
			struct store_report r = {.quick = true, .shallow = true};
			int rc = target_verify(h, one, 1, &r);
			if (rc)
				return rc;
			if (r.problems || r.errors)
				return gotc_fail(h, GOTC_ESTORE,
						 "%s is installed, but %u file%s from the manifests written at "
						 "install (%s verify %s lists them): repair it with %s install "
						 "--reinstall %s",
						 name, r.problems + r.errors,
						 r.problems + r.errors == 1 ? " differs" : "s differ", h->self ? h->self : "gotc",
						 name, h->self ? h->self : "gotc", name);
			gotc_info(h, "%s is installed and up to date", name);
		}
		return 0;
	}
	int lock = store_lock(h);
	if (lock < 0)
		return lock;
	store_clean_staging(h, true);
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

/* Store entries are built by worker processes, as many as there are cores,
 * at the level of artifacts: every archive of every missing entry is one job,
 * unpacked into its entry's staging tree concurrently with the entry's other
 * archives (they may not overlap: unpack refuses a path another one holds),
 * the biggest first across all entries, each while its download arrives
 * (verifying the bytes it read, see assemble_entry.c).  When the last archive
 * of an entry is in, one more job lays it out and commits it.  If a download
 * was restarted or replaced under a job, the entry is built again, in one
 * job, from the verified files.  A worker sends its events (unpack progress,
 * steps done) and at the end its error through a pipe, as records the main
 * process reads while it downloads and waits; it re-emits the events, so the
 * front end shows what every worker does.  A worker is a process of its own
 * (install_worker.c) leading a process group: when it ends, what it started
 * and left running is killed with the group; when the install fails or is
 * stopped, every running worker's group is.  Each worker is waited for by
 * its pid (never waitpid(-1): the process may have other children). */

struct build {
	const struct entry *e;
	const struct plan *owner;
	char *stage; /* made when its first job starts */
	size_t left; /* unpack jobs not done yet */
	bool stale;  /* a job followed a replaced download: build it again */
	uint64_t bytes;
};

struct builder { /* one job */
	struct build *b;
	int art;	/* artifact index, JOB_FINISH or JOB_WHOLE */
	uint64_t bytes; /* to start the biggest first */
	pid_t pid;	/* running worker, or 0 */
	int fd;		/* read end of its pipe */
	struct buf in;	/* bytes read from it, not yet a whole record */
	int code;	/* its WIRE_ERROR record: code and text */
	char *msg;
	bool started, done, eof;
};

struct builders {
	gotc_t *h;
	struct build *bv;
	size_t nb;
	struct builder *v;
	size_t n, cap;
	int running, max;
	int rc;	     /* first worker failure */
	bool killed; /* workers were stopped on purpose: their end is no error */
};

/* Re-emit the whole records in b->in; keep a partial one. */
static void builder_records(struct builders *bs, struct builder *b)
{
	size_t off = 0;
	while (b->in.len - off >= sizeof(struct wire)) {
		struct wire w;
		memcpy(&w, b->in.s + off, sizeof(w));
		size_t len = sizeof(w) + (size_t)w.nlen + w.mlen;
		if (len > WIRE_MAX) {
			off = b->in.len; /* not ours: drop it */
			break;
		}
		if (b->in.len - off < len)
			break;
		char *name = str_ndup(b->in.s + off + sizeof(w), w.nlen);
		char *msg = str_ndup(b->in.s + off + sizeof(w) + w.nlen, w.mlen);
		if (w.type == WIRE_ERROR) {
			free(b->msg);
			b->code = w.code;
			b->msg = msg;
			msg = NULL;
		} else if (w.type <= GOTC_EV_UNPACK_PROGRESS) {
			struct gotc_event ev = {.type = (enum gotc_event_type)w.type, .name = name,
						.msg = msg, .now = w.now, .total = w.total};
			gotc_emit(bs->h, &ev);
		}
		free(name);
		free(msg);
		off += len;
	}
	memmove(b->in.s, b->in.s + off, b->in.len - off);
	b->in.len -= off;
}

/* Read what the worker sent so far (the pipe does not block). */
static void builder_drain(struct builders *bs, struct builder *b)
{
	char tmp[8192];
	while (b->fd >= 0 && !b->eof) {
		ssize_t n = read(b->fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			b->eof = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
			break;
		}
		buf_add(&b->in, tmp, (size_t)n);
	}
	if (b->in.len)
		builder_records(bs, b);
}

static void builders_drain(struct builders *bs)
{
	for (size_t i = 0; i < bs->n; i++)
		if (bs->v[i].pid)
			builder_drain(bs, &bs->v[i]);
}

static int job_add(struct builders *bs, struct build *b, int art, uint64_t bytes)
{
	if (bs->n == bs->cap) /* reserved up front: never reached */
		return gotc_fail(bs->h, GOTC_EASSEMBLE, "%s: too many jobs", b->e->name);
	bs->v[bs->n++] = (struct builder){.b = b, .art = art, .bytes = bytes, .fd = -1};
	return 0;
}

static void builder_spawn(struct builders *bs, struct builder *j)
{
	gotc_t *h = bs->h;
	struct build *eb = j->b;
	struct builder *b = j;
	b->started = true;
	if (!eb->stage && j->art >= 0) {
		struct gotc_event ev = {.type = GOTC_EV_STEP_START, .name = eb->e->name, .msg = "assemble"};
		gotc_emit(h, &ev);
		int rc = entry_stage(h, eb->e, &eb->stage);
		if (rc) {
			bs->rc = bs->rc ? bs->rc : rc;
			b->done = true;
			return;
		}
	}
	struct worker_job job = {.e = eb->e, .art = j->art, .stage = eb->stage,
				 .kernel_arch = eb->owner->rs.t->arch->kernel_arch};
	int rc = worker_spawn(h, &job, &b->pid, &b->fd);
	if (rc) {
		bs->rc = bs->rc ? bs->rc : rc;
		b->pid = 0;
		b->done = true;
		return;
	}
	buf_init(&b->in);
	bs->running++;
}

/* The last unpack job of b ended: commit it, or build it again. */
static void build_unpacked(struct builders *bs, struct build *b)
{
	if (bs->rc || bs->killed)
		return;
	if (!b->stale) {
		bs->rc = job_add(bs, b, JOB_FINISH, b->bytes);
		return;
	}
	rm_rf(b->stage);
	free(b->stage);
	b->stage = NULL;
	bs->rc = job_add(bs, b, JOB_WHOLE, b->bytes);
}

static void builder_reaped(struct builders *bs, struct builder *b, int status)
{
	gotc_t *h = bs->h;
	struct build *eb = b->b;
	builder_drain(bs, b);
	close(b->fd);
	b->fd = -1;
	buf_free(&b->in);
	b->pid = 0;
	b->done = true;
	bs->running--;
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (b->art >= 0 && !ok && b->msg && b->code == -ESTALE) {
		gotc_info(h, "%s: a download changed while it was unpacked: building %s again from the verified files",
			  eb->e->arts[b->art].src->name, eb->e->name);
		eb->stale = true;
		ok = true;
	}
	if (ok && b->art >= 0) {
		if (--eb->left == 0)
			build_unpacked(bs, eb);
		goto out;
	}
	if (ok) {
		gotc_test_point(h, "committed");
		goto out;
	}
	if (bs->rc || bs->killed)
		goto out;
	if (b->msg)
		bs->rc = gotc_fail(h, b->code, "%s", b->msg);
	else
		bs->rc = gotc_fail(h, GOTC_EASSEMBLE, "assembling %s: worker %s %d", eb->e->name,
				   WIFSIGNALED(status) ? "killed by signal" : "exited with status",
				   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
out:
	free(b->msg);
	b->msg = NULL;
}

/* Read the workers' pipes (block: wait up to 100 ms for news), reap the
 * finished workers, then start ready ones. */
static void builders_step(struct builders *bs, bool block)
{
	if (block && bs->running) {
		struct pollfd pf[64];
		nfds_t np = 0;
		for (size_t i = 0; i < bs->n && np < 64; i++)
			if (bs->v[i].pid && !bs->v[i].eof)
				pf[np++] = (struct pollfd){.fd = bs->v[i].fd, .events = POLLIN};
		if (np)
			poll(pf, np, 100);
	}
	builders_drain(bs);
	bool all_eof = bs->running > 0;
	for (size_t i = 0; i < bs->n; i++)
		if (bs->v[i].pid && !bs->v[i].eof)
			all_eof = false;
	/* wait for an exit only when every running worker closed its pipe;
	 * each worker by its pid */
	bool wait_one = block && all_eof;
	for (size_t i = 0; i < bs->n; i++) {
		struct builder *b = &bs->v[i];
		if (!b->pid)
			continue;
		int status;
		pid_t pid;
		do
			pid = waitpid(b->pid, &status, wait_one ? 0 : WNOHANG);
		while (pid < 0 && errno == EINTR);
		if (pid == 0)
			continue;
		pid_t group = b->pid;
		if (pid < 0) /* not ours any more: cannot happen, but never spin */
			status = 0x7f00;
		builder_reaped(bs, b, status);
		kill(-group, SIGKILL); /* what it started and left behind */
		wait_one = false;
	}
	/* the biggest waiting job first */
	while (bs->running < bs->max && !bs->rc) {
		struct builder *best = NULL;
		for (size_t i = 0; i < bs->n; i++)
			if (!bs->v[i].started && (!best || bs->v[i].bytes > best->bytes))
				best = &bs->v[i];
		if (!best)
			break;
		builder_spawn(bs, best);
	}
}

static int on_fetched(struct fetch_req *r, void *ctx)
{
	struct builders *bs = ctx;
	(void)r;
	builders_step(bs, false); /* reap finished workers, start waiting ones */
	return bs->rc;		  /* a worker failed: no point downloading more */
}

/* While downloading: the fetcher's progress events are the moments to read
 * the workers' pipes too (the front end gets both). */
struct relay {
	gotc_event_fn fn;
	void *ctx;
	struct builders *bs;
};

static void relay_event(const struct gotc_event *ev, void *ctx)
{
	struct relay *r = ctx;
	if (r->fn)
		r->fn(ev, r->ctx);
	if (ev->type == GOTC_EV_FETCH_PROGRESS)
		builders_drain(r->bs);
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
	size_t nreq = 0, nent = 0, narts = 0;
	int rc = 0;
	/* a toolchain this host cannot run: refuse before downloading it */
	for (size_t i = 0; i < n; i++)
		if ((rc = toolchain_host_check(h, plans[i].rs.r[TR_TOOLCHAIN])))
			return rc;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bs.max = cpus > 1 ? (int)(cpus < 16 ? cpus : 16) : 1;
	/* GOCACHE lives here when the home is writable by the user of the env
	 * (env_format.c falls back to the user's cache otherwise). */
	char *gc = store_path(h, "gocache");
	int gce = gc ? mkdir_p(gc, 0755) : -ENOMEM;
	if (gce < 0)
		gotc_info(h, "no GOCACHE directory in the home (%s): the env uses the user's cache",
			  strerror(-gce));
	free(gc);
	/* Entries a configured registry has come from there (verified). */
	if ((rc = oci_pull_entries(h, plans, n)))
		goto out;
	/* Room for every job up front (one per archive, one more per entry):
	 * workers' records point into the array while it runs. */
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < plans[i].nentries; j++, nent++)
			narts += plans[i].entries[j].narts;
	bs.cap = narts + nent + 1;
	bs.bv = calloc(nent + 1, sizeof(*bs.bv));
	bs.v = calloc(bs.cap, sizeof(*bs.v));
	if (!bs.bv || !bs.v) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	/* Missing entries (each once), one job per archive. */
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; j < plans[i].nentries; j++) {
			const struct entry *e = &plans[i].entries[j];
			bool dup = entry_present(h, e);
			for (size_t k = 0; k < bs.nb && !dup; k++)
				dup = strcmp(bs.bv[k].e->name, e->name) == 0;
			if (dup)
				continue;
			struct build *b = &bs.bv[bs.nb++];
			*b = (struct build){.e = e, .owner = &plans[i], .left = e->narts};
			for (size_t a = 0; a < e->narts; a++)
				b->bytes += e->arts[a].src->size;
			for (size_t a = 0; a < e->narts; a++)
				if ((rc = job_add(&bs, b, (int)a, e->arts[a].src->size)))
					goto out;
			if (!e->narts && (rc = job_add(&bs, b, JOB_FINISH, 0)))
				goto out;
		}
	}
	/* The biggest downloads first too (each once), so the workers that
	 * follow them start with them. */
	if (bs.n)
		qsort(bs.v, bs.n, sizeof(*bs.v), by_bytes);
	for (size_t k = 0; k < bs.n; k++)
		if (bs.v[k].art >= 0 && (rc = req_add(h, &reqs, &nreq, &bs.v[k].b->e->arts[bs.v[k].art])))
			goto out;
	uint64_t total = 0;
	for (size_t k = 0; k < nreq; k++)
		total += reqs[k].size;
	struct gotc_event plan_ev = {.type = GOTC_EV_PLAN, .total = total, .n_artifacts = (int)nreq,
				     .n_entries = (int)bs.nb};
	gotc_emit(h, &plan_ev);
	builders_step(&bs, false);
	if (nreq) {
		struct relay relay = {.fn = h->event, .ctx = h->event_ctx, .bs = &bs};
		h->event = relay_event;
		h->event_ctx = &relay;
		rc = fetch_all_cb(h, reqs, nreq, on_fetched, &bs);
		h->event = relay.fn;
		h->event_ctx = relay.ctx;
	}
	if (rc) {
		/* workers may wait for a download that will never come */
		bs.max = 0;
		bs.killed = true;
		for (size_t i = 0; i < bs.n; i++)
			if (bs.v[i].pid)
				kill(-bs.v[i].pid, SIGKILL); /* the worker and its group */
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
		store_clean_staging(h, false); /* what killed workers had unpacked */
	if (!rc)
		rc = bs.rc;
	for (size_t i = 0; !rc && i < bs.n; i++)
		if (!bs.v[i].done)
			rc = gotc_fail(h, GOTC_EASSEMBLE, "%s: not assembled", bs.v[i].b->e->name);
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
	for (size_t i = 0; i < bs.nb; i++) {
		if (bs.bv[i].stage)
			rm_rf(bs.bv[i].stage); /* gone when committed */
		free(bs.bv[i].stage);
	}
	free(bs.bv);
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
