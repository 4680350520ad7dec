/* test_fetch.c - fetch_all() against tests/lib/httpd.py on loopback (fault injection,
 * TLS, cache, offline).  Each test starts its own server over a fresh temp dir. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cmocka.h>

#include "fetch.h"
#include "gotc.h"
#include "util.h"

#define NFILES 3
static const size_t file_size[NFILES] = {300000, 200000, 250000};
static const char *const file_name[NFILES] = {"a.bin", "b.bin", "c.bin"};

struct t {
	char dir[64];
	char root[128], cache[128], log[128], cert[128], key[128];
	pid_t pid;
	int port, tls;
	gotc_t h;
	unsigned char *data[NFILES];
	char sha[NFILES][65];
	char urls[4][512];
	char *uv[5];
	char dest[256], part[262];
	/* events seen */
	int starts, dones, retries, warns, progress, inflight, max_inflight, max_slot;
	int last_attempt;
	uint64_t done_now;
	char retry_msg[512], warn_msg[512], done_msg[64];
};

static void on_event(const struct gotc_event *ev, void *ctx)
{
	struct t *t = ctx;
	switch (ev->type) {
	case GOTC_EV_FETCH_START:
		t->starts++;
		if (++t->inflight > t->max_inflight)
			t->max_inflight = t->inflight;
		if (ev->slot > t->max_slot)
			t->max_slot = ev->slot;
		assert_non_null(ev->url);
		break;
	case GOTC_EV_FETCH_PROGRESS:
		t->progress++;
		break;
	case GOTC_EV_FETCH_RETRY:
		t->retries++;
		t->last_attempt = ev->attempt;
		snprintf(t->retry_msg, sizeof(t->retry_msg), "%s", ev->msg ? ev->msg : "");
		break;
	case GOTC_EV_FETCH_DONE:
		t->dones++;
		if (!ev->msg)
			t->inflight--;
		t->done_now = ev->now;
		snprintf(t->done_msg, sizeof(t->done_msg), "%s", ev->msg ? ev->msg : "");
		break;
	case GOTC_EV_WARN:
		t->warns++;
		snprintf(t->warn_msg, sizeof(t->warn_msg), "%s", ev->msg);
		break;
	default:
		break;
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void start_server(struct t *t)
{
	const char *src = getenv("GOTC_SRC");
	char script[512], line[32] = "";
	int fds[2];
	snprintf(script, sizeof(script), "%s/tests/lib/httpd.py", src && *src ? src : ".");
	assert_int_equal(access(script, R_OK), 0);
	assert_int_equal(pipe(fds), 0);
	t->pid = fork();
	assert_true(t->pid >= 0);
	if (t->pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		if (t->tls)
			execlp("python3", "python3", script, "--root", t->root, "--log", t->log,
			       "--lifetime", "60", "--tls", t->cert, t->key, (char *)NULL);
		else
			execlp("python3", "python3", script, "--root", t->root, "--log", t->log,
			       "--lifetime", "60", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	size_t n = 0;
	struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
	while (n + 1 < sizeof(line) && !strchr(line, '\n') && poll(&pfd, 1, 30000) > 0) { /* python starts slowly on a loaded machine */
		ssize_t r = read(fds[0], line + n, sizeof(line) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		line[n] = '\0';
	}
	close(fds[0]);
	t->port = atoi(line);
	assert_true(t->port > 0);
}

static void stop_server(struct t *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
	}
	t->pid = 0;
}

static unsigned char *random_bytes(size_t n, uint32_t seed)
{
	unsigned char *p = malloc(n);
	uint32_t x = seed;
	for (size_t i = 0; p && i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return p;
}

static int setup_common(void **state, int tls)
{
	struct t *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	const char *tmp = getenv("TMPDIR");
	snprintf(t->dir, sizeof(t->dir), "%s/gotc-fetch-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->root, sizeof(t->root), "%s/root", t->dir);
	snprintf(t->cache, sizeof(t->cache), "%s/cache", t->dir);
	snprintf(t->log, sizeof(t->log), "%s/requests.log", t->dir);
	snprintf(t->cert, sizeof(t->cert), "%s/cert.pem", t->dir);
	snprintf(t->key, sizeof(t->key), "%s/key.pem", t->dir);
	assert_int_equal(mkdir_p(t->root, 0755), 0);
	for (int i = 0; i < NFILES; i++) {
		char path[256];
		t->data[i] = random_bytes(file_size[i], 0x9e3779b9u + (uint32_t)i);
		assert_non_null(t->data[i]);
		sha256_hex(t->data[i], file_size[i], t->sha[i]);
		snprintf(path, sizeof(path), "%s/%s", t->root, file_name[i]);
		assert_int_equal(write_file_atomic(path, t->data[i], file_size[i], 0644), 0);
	}
	if (tls) {
		char cmd[1024];
		snprintf(cmd, sizeof(cmd),
			 "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
			 "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' >/dev/null 2>&1",
			 t->key, t->cert);
		assert_int_equal(system(cmd), 0);
		t->tls = 1;
	}
	/* loopback never goes through a proxy from the environment */
	setenv("NO_PROXY", "127.0.0.1", 1);
	setenv("no_proxy", "127.0.0.1", 1);
	t->h.jobs = 2;
	t->h.retries = 3;
	t->h.connect_timeout = 5;
	t->h.low_speed_time = 5;
	t->h.low_speed_limit = 1000;
	t->h.event = on_event;
	t->h.event_ctx = t;
	t->max_slot = -1;
	snprintf(t->dest, sizeof(t->dest), "%s/sub/dir/a.bin", t->cache);
	snprintf(t->part, sizeof(t->part), "%s.part", t->dest);
	start_server(t);
	*state = t;
	return 0;
}

static int setup(void **state)
{
	return setup_common(state, 0);
}

static int setup_tls(void **state)
{
	return setup_common(state, 1);
}

static int teardown(void **state)
{
	struct t *t = *state;
	stop_server(t);
	rm_rf(t->dir);
	for (int i = 0; i < NFILES; i++)
		free(t->data[i]);
	free(t);
	return 0;
}

/* Up to 4 fallback URLs ("/path" is on the test server; "file:..." etc. as given). */
static char *const *urls(struct t *t, const char *a, const char *b)
{
	const char *in[] = {a, b};
	int n = 0;
	for (int i = 0; i < 2; i++) {
		if (!in[i])
			continue;
		if (in[i][0] == '/')
			snprintf(t->urls[n], sizeof(t->urls[n]), "%s://127.0.0.1:%d%s",
				 t->tls ? "https" : "http", t->port, in[i]);
		else
			snprintf(t->urls[n], sizeof(t->urls[n]), "%s", in[i]);
		t->uv[n] = t->urls[n];
		n++;
	}
	t->uv[n] = NULL;
	return t->uv;
}

static struct fetch_req req_for(struct t *t, int file, char *const *u)
{
	return (struct fetch_req){.label = file_name[file], .urls = u, .sha256 = t->sha[file],
				  .size = file_size[file], .dest = t->dest};
}

static void assert_file(const char *path, const unsigned char *data, size_t n)
{
	char *got = NULL;
	size_t len = 0;
	assert_int_equal(read_file(path, &got, &len), 0);
	assert_int_equal(len, n);
	assert_memory_equal(got, data, n);
	free(got);
}

static void assert_absent(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static int log_count(struct t *t, const char *needle)
{
	char *s = NULL;
	int n = 0;
	if (read_file(t->log, &s, NULL) < 0)
		return 0;
	for (char *p = s; (p = strstr(p, needle)); p++)
		n++;
	free(s);
	return n;
}

static void ok_one(struct t *t, const char *path, int expect_retry)
{
	struct fetch_req r = req_for(t, 0, urls(t, path, NULL));
	int rc = fetch_all(&t->h, &r, 1);
	assert_int_equal(rc, 0);
	assert_int_equal(r.rc, 0);
	assert_null(r.error);
	assert_int_equal(r.from_cache, 0);
	assert_file(t->dest, t->data[0], file_size[0]);
	assert_absent(t->part);
	assert_int_equal(t->starts, 1);
	assert_int_equal(t->dones, 1);
	assert_int_equal(t->done_now, file_size[0]);
	assert_int_equal(t->retries > 0, expect_retry);
}

static void test_plain(void **state)
{
	struct t *t = *state;
	ok_one(t, "/a.bin", 0);
	assert_int_equal(t->max_slot, 0);
	assert_int_equal(log_count(t, "GET /a.bin - 200"), 1);
}

static void test_parallel(void **state)
{
	struct t *t = *state;
	char d[NFILES][256], u[NFILES][256];
	char *uv[NFILES][2];
	struct fetch_req r[NFILES];
	for (int i = 0; i < NFILES; i++) {
		snprintf(d[i], sizeof(d[i]), "%s/p/%s", t->cache, file_name[i]);
		snprintf(u[i], sizeof(u[i]), "http://127.0.0.1:%d/%s", t->port, file_name[i]);
		uv[i][0] = u[i];
		uv[i][1] = NULL;
		r[i] = req_for(t, i, uv[i]);
		r[i].dest = d[i];
	}
	r[2].size = 0; /* unknown size is fine */
	assert_int_equal(fetch_all(&t->h, r, NFILES), 0);
	for (int i = 0; i < NFILES; i++) {
		assert_int_equal(r[i].rc, 0);
		assert_file(d[i], t->data[i], file_size[i]);
	}
	assert_int_equal(t->starts, NFILES);
	assert_int_equal(t->dones, NFILES);
	assert_true(t->max_inflight <= 2);
	assert_true(t->max_slot <= 1);
}

static void test_sha512(void **state)
{
	struct t *t = *state;
	char want[129];
	struct hasher *hs = hasher_new(HASH_SHA512);
	hasher_update(hs, t->data[1], file_size[1]);
	hasher_final(hs, want);
	struct fetch_req r = req_for(t, 1, urls(t, "/b.bin", NULL));
	r.sha256 = NULL;
	r.sha512 = want;
	assert_int_equal(fetch_all(&t->h, &r, 1), 0);
	assert_file(t->dest, t->data[1], file_size[1]);
}

static void test_503_then_ok(void **state)
{
	struct t *t = *state;
	ok_one(t, "/fault/503-then-ok/a.bin", 1);
	assert_int_equal(t->retries, 1);
	assert_int_equal(t->last_attempt, 2);
	assert_string_equal(t->retry_msg, "HTTP 503");
}

static void test_429_then_ok(void **state)
{
	struct t *t = *state;
	ok_one(t, "/fault/429-then-ok/a.bin", 1);
	assert_string_equal(t->retry_msg, "HTTP 429");
}

static void test_reset_resumes(void **state)
{
	struct t *t = *state;
	ok_one(t, "/fault/reset/a.bin", 1);
	assert_int_equal(log_count(t, "GET /fault/reset/a.bin - 200"), 1);
	assert_int_equal(log_count(t, "GET /fault/reset/a.bin bytes="), 1);
	assert_int_equal(log_count(t, "- 206"), 1);
}

static void test_reset_range_ignored(void **state)
{
	struct t *t = *state;
	/* the server answers the Range request with 200 and the whole file: start over */
	ok_one(t, "/fault/reset-norange/a.bin", 1);
	assert_int_equal(log_count(t, "GET /fault/reset-norange/a.bin bytes="), 1);
	assert_int_equal(log_count(t, " 206"), 0);
}

static void test_stall_times_out(void **state)
{
	struct t *t = *state;
	t->h.retries = 2;
	t->h.low_speed_time = 1;
	t->h.low_speed_limit = 50000;
	struct fetch_req r = req_for(t, 0, urls(t, "/fault/stall/a.bin", NULL));
	double t0 = now_s();
	int rc = fetch_all(&t->h, &r, 1);
	double took = now_s() - t0;
	assert_int_equal(rc, GOTC_EFETCH);
	assert_true(took < 8.0);
	assert_non_null(strstr(r.error, t->urls[0]));
	assert_non_null(strstr(r.error, "after 2 attempts"));
	assert_string_equal(t->h.errbuf, r.error);
	assert_int_equal(t->h.err, GOTC_EFETCH);
	assert_int_equal(log_count(t, "bytes=8192-"), 1); /* the retry resumed */
	assert_absent(t->dest);
	assert_absent(t->part);
	free(r.error);
}

static void test_wrong_bytes(void **state)
{
	struct t *t = *state;
	char bad[65], want[1024];
	unsigned char *x = malloc(file_size[0]);
	assert_non_null(x);
	for (size_t i = 0; i < file_size[0]; i++)
		x[i] = t->data[0][i] ^ 0x5A;
	sha256_hex(x, file_size[0], bad);
	free(x);
	struct fetch_req r = req_for(t, 0, urls(t, "/fault/wrong/a.bin", NULL));
	assert_int_equal(fetch_all(&t->h, &r, 1), GOTC_ECHECKSUM);
	assert_int_equal(r.rc, GOTC_ECHECKSUM);
	snprintf(want, sizeof(want), "%s: sha256 mismatch: expected %s, got %s", t->urls[0], t->sha[0],
		 bad);
	assert_string_equal(r.error, want);
	assert_string_equal(t->h.errbuf, want);
	assert_int_equal(t->retries, 0);
	assert_int_equal(log_count(t, "GET"), 1);
	assert_int_equal(t->dones, 0);
	assert_absent(t->dest);
	assert_absent(t->part);
	free(r.error);
}

static void test_404_falls_back(void **state)
{
	struct t *t = *state;
	struct fetch_req r = req_for(t, 0, urls(t, "/fault/404/a.bin", "/a.bin"));
	assert_int_equal(fetch_all(&t->h, &r, 1), 0);
	assert_file(t->dest, t->data[0], file_size[0]);
	assert_int_equal(t->retries, 1);
	assert_string_equal(t->retry_msg, "HTTP 404");
	assert_int_equal(log_count(t, "/fault/404/a.bin - 404"), 1); /* not retried */
	assert_int_equal(log_count(t, "GET /a.bin - 200"), 1);
}

static void test_refused_falls_back(void **state)
{
	struct t *t = *state;
	t->h.retries = 2;
	struct fetch_req r = req_for(t, 0, urls(t, "http://127.0.0.1:1/a.bin", "/a.bin"));
	assert_int_equal(fetch_all(&t->h, &r, 1), 0);
	assert_file(t->dest, t->data[0], file_size[0]);
	assert_int_equal(t->retries, 1); /* a refused port is not retried: on to the fallback */
	assert_int_equal(t->last_attempt, 1);
	assert_non_null(strstr(t->retry_msg, "127.0.0.1 port 1"));
}

static void test_404_only(void **state)
{
	struct t *t = *state;
	char want[1100];
	struct fetch_req r = req_for(t, 0, urls(t, "/fault/404/a.bin", "/fault/404/b.bin"));
	assert_int_equal(fetch_all(&t->h, &r, 1), GOTC_EFETCH);
	snprintf(want, sizeof(want), "%s: HTTP 404; %s: HTTP 404", t->urls[0], t->urls[1]);
	assert_string_equal(r.error, want);
	assert_int_equal(log_count(t, "GET"), 2);
	assert_absent(t->dest);
	assert_absent(t->part);
	free(r.error);
}

static void test_longer_than_declared(void **state)
{
	struct t *t = *state;
	char want[600];
	struct fetch_req r = req_for(t, 0, urls(t, "/fault/long/a.bin", NULL));
	assert_int_equal(fetch_all(&t->h, &r, 1), GOTC_ESIZE);
	snprintf(want, sizeof(want), "%s: body exceeds the declared size %zu", t->urls[0],
		 file_size[0]);
	assert_string_equal(r.error, want);
	assert_int_equal(t->retries, 0);
	assert_int_equal(t->progress, 0); /* cut off before a byte was kept */
	assert_absent(t->dest);
	assert_absent(t->part);
	free(r.error);
}

static void test_shorter_than_declared(void **state)
{
	struct t *t = *state;
	t->h.retries = 2;
	struct fetch_req r = req_for(t, 0, urls(t, "/a.bin", NULL));
	r.size = file_size[0] + 1000;
	assert_int_equal(fetch_all(&t->h, &r, 1), GOTC_ESIZE);
	assert_non_null(strstr(r.error, "short body (300000 of 301000 bytes) after 2 attempts"));
	assert_int_equal(log_count(t, "bytes=300000-"), 1); /* tried to resume */
	assert_absent(t->dest);
	assert_absent(t->part);
	free(r.error);
}

static void test_cached(void **state)
{
	struct t *t = *state;
	assert_int_equal(mkdir_p(t->cache, 0755), 0);
	snprintf(t->dest, sizeof(t->dest), "%s/a.bin", t->cache);
	assert_int_equal(write_file_atomic(t->dest, t->data[0], file_size[0], 0644), 0);
	struct fetch_req r = req_for(t, 0, urls(t, "/a.bin", NULL));
	assert_int_equal(fetch_all(&t->h, &r, 1), 0);
	assert_int_equal(r.from_cache, 1);
	assert_int_equal(t->starts, 0);
	assert_int_equal(t->dones, 1);
	assert_string_equal(t->done_msg, "cached");
	assert_int_equal(log_count(t, "GET"), 0);
}

static void test_cache_corrupt(void **state)
{
	struct t *t = *state;
	char want[512];
	assert_int_equal(mkdir_p(t->cache, 0755), 0);
	snprintf(t->dest, sizeof(t->dest), "%s/a.bin", t->cache);
	snprintf(t->part, sizeof(t->part), "%s.part", t->dest);
	assert_int_equal(write_file_atomic(t->dest, t->data[1], 1000, 0644), 0);
	struct fetch_req r = req_for(t, 0, urls(t, "/a.bin", NULL));
	assert_int_equal(fetch_all(&t->h, &r, 1), 0);
	assert_int_equal(r.from_cache, 0);
	snprintf(want, sizeof(want), "cache file %s corrupted, fetching again", t->dest);
	assert_int_equal(t->warns, 1);
	assert_string_equal(t->warn_msg, want);
	assert_file(t->dest, t->data[0], file_size[0]);
	assert_absent(t->part);
	assert_int_equal(log_count(t, "GET"), 1);
}

static void test_offline(void **state)
{
	struct t *t = *state;
	char want[512];
	t->h.offline = 1;
	struct fetch_req r = req_for(t, 0, urls(t, "/a.bin", NULL));
	/* missing */
	assert_int_equal(fetch_all(&t->h, &r, 1), GOTC_EOFFLINE);
	snprintf(want, sizeof(want), "a.bin: not in the download cache (%s) and --offline given",
		 t->dest);
	assert_string_equal(r.error, want);
	assert_string_equal(t->h.errbuf, want);
	/* corrupt: removed, still an error */
	assert_int_equal(mkdir_p(t->cache, 0755), 0);
	snprintf(t->dest, sizeof(t->dest), "%s/a.bin", t->cache);
	assert_int_equal(write_file_atomic(t->dest, "junk", 4, 0644), 0);
	assert_int_equal(fetch_all(&t->h, &r, 1), GOTC_EOFFLINE); /* frees the old r.error */
	assert_int_equal(t->warns, 1);
	assert_absent(t->dest);
	/* cached */
	assert_int_equal(write_file_atomic(t->dest, t->data[0], file_size[0], 0644), 0);
	assert_int_equal(fetch_all(&t->h, &r, 1), 0);
	assert_null(r.error);
	assert_int_equal(r.from_cache, 1);
	assert_int_equal(log_count(t, "GET"), 0);
	assert_int_equal(t->starts, 0);
}

static void test_file_url(void **state)
{
	struct t *t = *state;
	char u[300];
	snprintf(u, sizeof(u), "file://%s/a.bin", t->root);
	ok_one(t, u, 0);
}

static void test_mixed_batch(void **state)
{
	struct t *t = *state;
	char d[2][256], want[600];
	struct fetch_req r[3];
	char *ok[] = {t->urls[0], NULL}, *bad[] = {t->urls[1], NULL};
	snprintf(t->urls[0], sizeof(t->urls[0]), "http://127.0.0.1:%d/b.bin", t->port);
	snprintf(t->urls[1], sizeof(t->urls[1]), "http://127.0.0.1:%d/missing", t->port);
	snprintf(d[0], sizeof(d[0]), "%s/m/b1", t->cache);
	snprintf(d[1], sizeof(d[1]), "%s/m/b2", t->cache);
	r[0] = req_for(t, 1, ok);
	r[0].dest = d[0];
	r[1] = req_for(t, 0, bad);
	r[2] = req_for(t, 1, ok);
	r[2].dest = d[1];
	r[1].error = strdup("stale"); /* results are reset on entry */
	assert_int_equal(fetch_all(&t->h, r, 3), GOTC_EFETCH);
	snprintf(want, sizeof(want), "%s: HTTP 404", t->urls[1]);
	assert_string_equal(t->h.errbuf, want);
	assert_int_equal(r[0].rc, 0);
	assert_int_equal(r[1].rc, GOTC_EFETCH);
	assert_int_equal(r[2].rc, 0);
	assert_file(d[0], t->data[1], file_size[1]);
	assert_file(d[1], t->data[1], file_size[1]);
	free(r[1].error);
}

static void test_bad_input(void **state)
{
	struct t *t = *state;
	char *none[] = {NULL};
	struct fetch_req r[3] = {req_for(t, 0, none), req_for(t, 0, urls(t, "/a.bin", NULL)),
				 req_for(t, 0, urls(t, "/a.bin", NULL))};
	r[1].sha256 = "abc";
	r[2].dest = NULL;
	assert_int_equal(fetch_all(&t->h, NULL, 0), 0);
	assert_int_equal(fetch_all(&t->h, r, 3), -EINVAL);
	assert_string_equal(r[0].error, "a.bin: no URL given");
	assert_non_null(strstr(r[1].error, "no valid sha256"));
	assert_non_null(strstr(r[2].error, "no destination"));
	assert_int_equal(log_count(t, "GET"), 0);
	for (int i = 0; i < 3; i++)
		free(r[i].error);
}

static void test_https_untrusted(void **state)
{
	struct t *t = *state;
	struct fetch_req r = req_for(t, 0, urls(t, "/a.bin", NULL));
	assert_int_equal(fetch_all(&t->h, &r, 1), GOTC_EFETCH);
	assert_true(str_starts(r.error, t->urls[0]));
	assert_non_null(strstr(r.error, "certificate"));
	assert_int_equal(t->retries, 0);
	assert_absent(t->dest);
	assert_absent(t->part);
	free(r.error);
}

static void test_https_cafile(void **state)
{
	struct t *t = *state;
	t->h.cafile = t->cert;
	ok_one(t, "/a.bin", 0);
}

/* Another process holds dest.lock and is writing dest.part: this one waits
 * instead of truncating and interleaving the same .part, then takes the
 * other's verified file without downloading it again. */
static void test_cache_lock(void **state)
{
	struct t *t = *state;
	assert_int_equal(mkdir_p(t->cache, 0755), 0);
	snprintf(t->dest, sizeof(t->dest), "%s/a.bin", t->cache);
	snprintf(t->part, sizeof(t->part), "%s.part", t->dest);
	char lock[300];
	snprintf(lock, sizeof(lock), "%s.lock", t->dest);
	int sync[2];
	assert_int_equal(pipe(sync), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(lock, O_RDWR | O_CREAT, 0644);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		int p = open(t->part, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (p < 0 || write(p, t->data[0], 1000) != 1000 || write(sync[1], "x", 1) != 1)
			_exit(1);
		usleep(300000);
		if (write(p, t->data[0] + 1000, file_size[0] - 1000) != (ssize_t)(file_size[0] - 1000) ||
		    rename(t->part, t->dest) < 0)
			_exit(1);
		_exit(0); /* the lock goes with the process */
	}
	char c;
	assert_int_equal(read(sync[0], &c, 1), 1);
	close(sync[0]);
	close(sync[1]);
	struct fetch_req r = req_for(t, 0, urls(t, "/a.bin", NULL));
	int rc = fetch_all(&t->h, &r, 1);
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (rc)
		fail_msg("fetch: %d: %s", rc, r.error ? r.error : "");
	assert_int_equal(r.from_cache, 1);
	assert_int_equal(log_count(t, "GET"), 0);
	assert_file(t->dest, t->data[0], file_size[0]);
	free(r.error);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parallel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sha512, setup, teardown),
		cmocka_unit_test_setup_teardown(test_503_then_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_429_then_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_range_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stall_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_404_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_404_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longer_than_declared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shorter_than_declared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_https_untrusted, setup_tls, teardown),
		cmocka_unit_test_setup_teardown(test_https_cafile, setup_tls, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
