/* fetch_curl.c - parallel, resumable, verified downloads over libcurl's multi interface.
 *
 * One struct xfer per request, moving QUEUED -> RUNNING <-> BACKOFF -> DONE.  Bytes go
 * to dest.part and into the hasher as they arrive.  A transient failure (connection,
 * timeout, HTTP 408/429/5xx, short body) is retried on the same URL after a backoff,
 * resuming with a Range request; any other failure, or the last retry, moves on to the
 * next fallback URL from byte zero.  Only a verified .part is renamed onto dest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fetch.h"
#include "lazy.h"
#include "util.h"

#define BACKOFF_BASE 0.2 /* seconds before the 2nd attempt, doubled each time */
#define BACKOFF_MAX 2.0
#define PROGRESS_EVERY 0.1
#define MAX_JOBS 64

enum xstate { X_QUEUED, X_RUNNING, X_BACKOFF, X_DONE };

struct xfer {
	gotc_t *h;
	struct fetch_req *req;
	enum xstate state;
	CURL *easy;
	int slot;
	int url;     /* index into req->urls */
	int attempt; /* attempts made on req->urls[url] */
	int fd;
	int lockfd;	/* dest.lock, held (flock) while this process writes dest.part */
	bool locked, lock_waited;
	char *lockpath;
	uint64_t cap;	/* the declared size, else [fetch] max_download */
	char *part;
	enum hash_algo algo;
	const char *want;
	struct hasher *hash;
	uint64_t got;	/* bytes in .part, all of them hashed */
	uint64_t total; /* for progress: declared size, else Content-Length */
	int first;	/* no body byte of this attempt seen yet */
	int err;	/* set by the write callback: -errno or GOTC_ESIZE */
	int rc;		/* most telling failure over the URLs tried */
	double wake, last_progress;
	struct buf why; /* "URL: cause" for each URL that failed */
	char cerr[CURL_ERROR_SIZE];
};

struct fetch {
	gotc_t *h;
	fetch_done_fn done; /* told of each request that completes */
	void *done_ctx;
	int stop;	    /* done's non-zero answer: end every transfer */
	CURLM *multi;
	int jobs, attempts;
	uint64_t busy; /* slot bitmap */
	char **dead_hosts, **dead_msgs; /* unreachable "scheme://host:port", and why */
	size_t ndead;
	bool found_dead; /* the failure at hand is the one that found a host unreachable */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *label(const struct xfer *x)
{
	return x->req->label ? x->req->label : x->req->dest;
}

static void emit(struct xfer *x, enum gotc_event_type type, const char *msg, uint64_t now)
{
	/* URLs in events and messages never carry user:password@ */
	const char *u = x->req->urls ? x->req->urls[x->url] : NULL;
	char *shown = u ? url_redact(u) : NULL;
	struct gotc_event ev = {.type = type, .slot = x->slot, .name = label(x),
				.url = shown, .msg = msg,
				.now = now, .total = x->total, .attempt = x->attempt + 1};
	gotc_emit(x->h, &ev);
	free(shown);
}

/* Empty the .part and the hash: the next byte written is byte 0 of the file. */
static int restart(struct xfer *x)
{
	hasher_free(x->hash);
	x->hash = hasher_new(x->algo);
	x->got = 0;
	if (!x->hash)
		return -ENOMEM;
	if (ftruncate(x->fd, 0) < 0 || lseek(x->fd, 0, SEEK_SET) < 0)
		return -errno;
	return 0;
}

/* The response's first body byte: if we asked for a range and got the whole file
 * (200), start over; refuse at once a Content-Length past the declared size. */
static int body_begins(struct xfer *x)
{
	long code = 0;
	curl_off_t cl = -1;
	x->first = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (x->got && code != 206 && (x->err = restart(x)) < 0)
		return x->err;
	uint64_t len = cl >= 0 ? x->got + (uint64_t)cl : 0;
	if (len > x->cap)
		return x->err = GOTC_ESIZE;
	x->total = x->req->size ? x->req->size : len;
	return 0;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	if (x->first && body_begins(x) < 0)
		return 0;
	if (x->got + n > x->cap || x->got + n < x->got) {
		x->err = GOTC_ESIZE;
		return 0; /* CURLE_WRITE_ERROR: the transfer stops here */
	}
	for (size_t off = 0; off < n;) {
		ssize_t w = write(x->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			x->err = -errno;
			return 0;
		}
		off += (size_t)w;
	}
	hasher_update(x->hash, p, n);
	x->got += n;
	double t = now_s();
	if (t - x->last_progress >= PROGRESS_EVERY) {
		x->last_progress = t;
		emit(x, GOTC_EV_FETCH_PROGRESS, NULL, x->got);
	}
	return n;
}

static int transient(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* A host that does not resolve or refuses connections does not heal by
 * retrying: the first such failure says so once, naming the mirror, where it
 * was set and the [mirrors] key, and every other transfer to that host fails
 * at once (or moves on to its next mirror URL).  5xx, resets and stalls are
 * still retried. */
static bool unreachable(CURLcode cc)
{
	return cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_CONNECT ||
	       cc == CURLE_COULDNT_RESOLVE_PROXY;
}

/* "scheme://host[:port]" of url (malloc'd). */
static char *url_host(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return str_dup(url);
	p += 3;
	return str_ndup(url, (size_t)(p - url) + strcspn(p, "/?#"));
}

static const char *dead_msg(struct fetch *f, const char *url)
{
	char *host = url_host(url);
	const char *msg = NULL;
	for (size_t i = 0; host && i < f->ndead && !msg; i++)
		if (strcmp(f->dead_hosts[i], host) == 0)
			msg = f->dead_msgs[i];
	free(host);
	return msg;
}

static void mark_dead(struct fetch *f, const char *url, const char *cause)
{
	gotc_t *h = f->h;
	const struct gotc_mirror *m = NULL;
	const char *base = NULL;
	for (size_t i = 0; i < h->nmirrors && !m; i++)
		for (size_t j = 0; h->mirrors[i].urls[j] && !m; j++)
			if (str_starts(url, h->mirrors[i].urls[j])) {
				m = &h->mirrors[i];
				base = m->urls[j];
			}
	char *host = url_host(url), *msg;
	char *sbase = base ? url_redact(base) : NULL, *surl = url_redact(url), *shost = host ? url_redact(host) : NULL;
	const char *cfg = h->user_config ? h->user_config : "config.ini";
	if (m && m->origin && str_starts(m->origin, "apt source"))
		msg = str_printf("mirror '%s' (%s) is unreachable: %s; it is the default, from the %s; "
				 "set another in %s, [mirrors] %s = URL",
				 m->name, sbase ? sbase : "?", cause, m->origin, cfg, m->name);
	else if (m)
		msg = str_printf("mirror '%s' (%s) is unreachable: %s; it is set in %s, [mirrors] %s",
				 m->name, sbase ? sbase : "?", cause, m->origin ? m->origin : cfg, m->name);
	else
		msg = str_printf("%s is unreachable: %s (%s)", shost ? shost : "?", cause, surl ? surl : "?");
	free(sbase);
	free(surl);
	free(shost);
	char **nh = realloc(f->dead_hosts, (f->ndead + 1) * sizeof(*nh));
	if (nh)
		f->dead_hosts = nh;
	char **nm = realloc(f->dead_msgs, (f->ndead + 1) * sizeof(*nm));
	if (nm)
		f->dead_msgs = nm;
	if (nh && nm && host && msg) {
		f->dead_hosts[f->ndead] = host;
		f->dead_msgs[f->ndead] = msg;
		f->ndead++;
	} else {
		free(host);
		free(msg);
	}
}

static void url_failed(struct fetch *f, struct xfer *x, int code, const char *cause);

static int is_http(const char *url)
{
	return str_starts(url, "http://") || str_starts(url, "https://");
}

/* A file:// source must be a regular file: a FIFO would block curl, a device
 * like /dev/zero would never end.  Opened O_NONBLOCK, then fstat.  0, or a
 * message in cause. */
static int file_url_check(const char *url, char *cause, size_t len)
{
	if (!str_starts(url, "file://"))
		return 0;
	const char *p = url + 7;
	if (str_starts(p, "localhost/"))
		p += 9;
	if (*p != '/' || strchr(p, '%') || strchr(p, '?') || strchr(p, '#'))
		return 0; /* curl decides; only plain paths are opened here */
	int fd = open_regular(p);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fd == -ENOENT)
		return 0; /* curl reports it, and the next URL is tried */
	snprintf(cause, len, "%s", gotc_strerror(fd));
	return fd;
}

static int attempt_start(struct fetch *f, struct xfer *x)
{
	gotc_t *h = f->h;
	const char *url = x->req->urls[x->url];
	char range[32];
	int rc;
	const char *dead = dead_msg(f, url);
	if (dead) {
		url_failed(f, x, GOTC_EFETCH, dead);
		return 0;
	}
	if (!x->easy && !(x->easy = curl_easy_init()))
		return -ENOMEM;
	if (x->got && !is_http(url) && (rc = restart(x)) < 0)
		return rc;
	CURL *e = x->easy;
	curl_easy_reset(e);
	x->first = 1;
	x->err = 0;
	x->cerr[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->cerr);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "gotc/" GOTC_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	/* an https URL never redirects to plain http */
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
			 str_starts(url, "https://") ? "https" : "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
			 str_starts(url, "https://") ? CURLPROTO_HTTPS : CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->cafile && *h->cafile)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->cafile);
	if (h->connect_timeout > 0)
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, h->connect_timeout);
	if (h->low_speed_time > 0 && h->low_speed_limit > 0) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->low_speed_time);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, h->low_speed_limit);
	}
	if (x->got) {
		snprintf(range, sizeof(range), "%llu-", (unsigned long long)x->got);
		curl_easy_setopt(e, CURLOPT_RANGE, range); /* copied by curl */
	}
	if (curl_multi_add_handle(f->multi, e) != CURLM_OK)
		return -ENOMEM;
	x->state = X_RUNNING;
	return 0;
}

/* Record the outcome; rc != 0: drop the .part and keep msg as the request's error. */
static void finish(struct fetch *f, struct xfer *x, int rc, const char *msg)
{
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	if (rc && x->part && x->locked) /* only our own .part */
		unlink(x->part);
	if (x->locked && x->lockpath)
		unlink(x->lockpath); /* waiters see a new inode and open it again */
	if (x->lockfd >= 0)
		close(x->lockfd); /* releases the lock */
	x->lockfd = -1;
	x->locked = false;
	x->req->rc = rc;
	if (rc)
		x->req->error = str_dup(msg ? msg : gotc_strerror(rc));
	x->state = X_DONE;
	if (x->slot >= 0)
		f->busy &= ~(1ull << x->slot);
	emit(x, rc ? GOTC_EV_FETCH_FAIL : GOTC_EV_FETCH_DONE, rc ? x->req->error : NULL, x->got);
	if (!rc && f->done && !f->stop)
		f->stop = f->done(x->req, f->done_ctx);
}

static void local_error(struct fetch *f, struct xfer *x, int rc)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s: %s", x->part, strerror(-rc));
	finish(f, x, rc, msg);
}

/* fsync, check the digest, rename onto dest.  0, -errno, or GOTC_ECHECKSUM with cause. */
static int commit(struct xfer *x, char *cause, size_t len)
{
	char got[129];
	if (fsync(x->fd) < 0)
		return -errno;
	hasher_final(x->hash, got);
	x->hash = NULL;
	if (x->want && strcasecmp(got, x->want) != 0) {
		snprintf(cause, len, "%s mismatch: expected %s, got %s",
			 x->algo == HASH_SHA512 ? "sha512" : "sha256", x->want, got);
		return GOTC_ECHECKSUM;
	}
	return rename(x->part, x->req->dest) < 0 ? -errno : 0;
}

/* This URL is done for: note why, then go on to the next one or give up. */
static void url_failed(struct fetch *f, struct xfer *x, int code, const char *cause)
{
	int rc;
	bool dead = dead_msg(f, x->req->urls[x->url]) == cause;
	char *shown = url_redact(x->req->urls[x->url]);
	if (dead) /* the message names the mirror and its URL */
		buf_printf(&x->why, "%s%s", x->why.len ? "; " : "", cause);
	else
		buf_printf(&x->why, "%s%s: %s", x->why.len ? "; " : "", shown ? shown : "?", cause);
	free(shown);
	if (x->attempt > 1)
		buf_printf(&x->why, " after %d attempts", x->attempt);
	if (!x->rc || x->rc == GOTC_EFETCH)
		x->rc = code;
	if (!x->req->urls[x->url + 1]) {
		finish(f, x, x->why.oom ? -ENOMEM : x->rc, x->why.s);
		return;
	}
	x->url++;
	x->attempt = 0;
	if (!dead || f->found_dead) /* said once per unreachable host, not per download */
		emit(x, GOTC_EV_FETCH_RETRY, cause, x->got);
	if ((rc = restart(x)) < 0 || (rc = attempt_start(f, x)) < 0)
		local_error(f, x, rc);
}

static void attempt_done(struct fetch *f, struct xfer *x, CURLcode cc)
{
	struct fetch_req *r = x->req;
	char cause[CURL_ERROR_SIZE + 300];
	long code = 0;
	int retry = 0, rc = GOTC_EFETCH;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_multi_remove_handle(f->multi, x->easy);
	x->attempt++;
	if (cc == CURLE_OK && x->first)
		body_begins(x); /* empty body */
	if (x->err && x->err != GOTC_ESIZE) {
		local_error(f, x, x->err);
		return;
	}
	if (x->err == GOTC_ESIZE) {
		if (r->size)
			snprintf(cause, sizeof(cause), "body exceeds the declared size %llu",
				 (unsigned long long)r->size);
		else
			snprintf(cause, sizeof(cause),
				 "body exceeds %llu bytes, the limit for a source without a size "
				 "(max_download in [fetch] of config.ini; or give the recipe a size)",
				 (unsigned long long)x->cap);
		rc = GOTC_ESIZE;
	} else if (cc == CURLE_HTTP_RETURNED_ERROR && code == 416 && x->got) {
		/* nothing past what we have: the file is shorter than declared; start over */
		if (r->size)
			snprintf(cause, sizeof(cause), "short body (%llu of %llu bytes)",
				 (unsigned long long)x->got, (unsigned long long)r->size);
		else
			snprintf(cause, sizeof(cause), "HTTP 416");
		rc = GOTC_ESIZE;
		retry = 1;
		if ((x->err = restart(x)) < 0) {
			local_error(f, x, x->err);
			return;
		}
	} else if (cc == CURLE_HTTP_RETURNED_ERROR) {
		snprintf(cause, sizeof(cause), "HTTP %ld", code);
		retry = code == 408 || code == 429 || code >= 500;
	} else if (cc != CURLE_OK && unreachable(cc) && !x->got) {
		const char *url = x->req->urls[x->url];
		snprintf(cause, sizeof(cause), "%s", x->cerr[0] ? x->cerr : curl_easy_strerror(cc));
		bool found = !dead_msg(f, url);
		if (found)
			mark_dead(f, url, cause);
		const char *dm = dead_msg(f, url);
		if (dm) {
			f->found_dead = found;
			url_failed(f, x, GOTC_EFETCH, dm);
			f->found_dead = false;
			return;
		}
	} else if (cc != CURLE_OK) {
		snprintf(cause, sizeof(cause), "%s", x->cerr[0] ? x->cerr : curl_easy_strerror(cc));
		retry = transient(cc);
	} else if (r->size && x->got < r->size) {
		snprintf(cause, sizeof(cause), "short body (%llu of %llu bytes)",
			 (unsigned long long)x->got, (unsigned long long)r->size);
		rc = GOTC_ESIZE;
		retry = 1;
	} else {
		rc = commit(x, cause, sizeof(cause));
		if (rc == 0)
			finish(f, x, 0, NULL);
		else if (rc != GOTC_ECHECKSUM)
			local_error(f, x, rc);
		if (rc != GOTC_ECHECKSUM)
			return;
	}
	if (retry && x->attempt < f->attempts) {
		double delay = BACKOFF_BASE * (double)(1u << (x->attempt - 1 < 8 ? x->attempt - 1 : 8));
		x->wake = now_s() + (delay < BACKOFF_MAX ? delay : BACKOFF_MAX);
		x->state = X_BACKOFF;
		emit(x, GOTC_EV_FETCH_RETRY, cause, x->got);
		return;
	}
	url_failed(f, x, rc, cause);
}

/* Validate a request and try the cache.  Leaves x QUEUED or DONE. */
static void prepare(struct fetch *f, struct xfer *x)
{
	struct fetch_req *r = x->req;
	char msg[4096], got[129];
	int rc;
	x->state = X_QUEUED;
	if (!r->dest || !*r->dest || !r->urls || !r->urls[0]) {
		snprintf(msg, sizeof(msg), "%s: no %s given", r->label ? r->label : "fetch",
			 r->dest && *r->dest ? "URL" : "destination");
		finish(f, x, -EINVAL, msg);
		return;
	}
	x->want = r->sha256 ? r->sha256 : r->sha512;
	x->algo = r->sha256 ? HASH_SHA256 : HASH_SHA512;
	x->total = r->size; /* every event says the declared size, cache hits too */
	if (r->unverified) {
		x->want = NULL;
		x->algo = HASH_SHA256;
		if (unlink(r->dest) < 0 && errno != ENOENT) {
			snprintf(msg, sizeof(msg), "%s: cannot remove: %s", r->dest, strerror(errno));
			finish(f, x, -errno, msg);
			return;
		}
	} else if (!x->want || !is_hex(x->want, x->algo == HASH_SHA256 ? 64 : 128)) {
		snprintf(msg, sizeof(msg), "%s: no valid sha256 or sha512 given", label(x));
		finish(f, x, -EINVAL, msg);
		return;
	}
	struct stat st;
	if (!r->unverified && lstat(r->dest, &st) == 0) {
		if (hash_file(r->dest, x->algo, got) == 0 && strcasecmp(got, x->want) == 0) {
			r->from_cache = 1;
			x->got = (uint64_t)st.st_size;
			x->state = X_DONE;
			emit(x, GOTC_EV_FETCH_DONE, "cached", x->got);
			if (f->done && !f->stop)
				f->stop = f->done(r, f->done_ctx);
			return;
		}
		if (unlink(r->dest) < 0 && errno != ENOENT) {
			rc = -errno;
			snprintf(msg, sizeof(msg), "%s: cannot remove corrupted cache file: %s", r->dest,
				 strerror(-rc));
			finish(f, x, rc, msg);
			return;
		}
		gotc_warn(f->h, f->h->offline ? "cache file %s corrupted, removed"
					      : "cache file %s corrupted, fetching again", r->dest);
	}
	if (f->h->offline) {
		snprintf(msg, sizeof(msg), "%s: not in the download cache (%s) and --offline given",
			 label(x), r->dest);
		finish(f, x, GOTC_EOFFLINE, msg);
		return;
	}
	char *dir = path_dirname(r->dest);
	rc = dir ? mkdir_p(dir, 0755) : -ENOMEM;
	free(dir);
	if (!rc && !(x->part = str_printf("%s.part", r->dest)))
		rc = -ENOMEM;
	x->cap = r->size ? r->size : f->h->max_download ? f->h->max_download : UINT64_MAX;
	if (rc) {
		snprintf(msg, sizeof(msg), "%s: cannot create its directory: %s", r->dest, strerror(-rc));
		finish(f, x, rc, msg);
	}
}

/* Take dest.lock so no other gotc writes the same .part: 1 locked, 0 busy
 * (try later), <0 error. */
static int take_lock(struct xfer *x)
{
	if (!x->lockpath && !(x->lockpath = str_printf("%s.lock", x->req->dest)))
		return -ENOMEM;
	if (x->lockfd < 0 &&
	    (x->lockfd = open(x->lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
		return -errno;
	if (flock(x->lockfd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	/* the holder before us removes the file when done: ours must still be
	 * the one at the path, else open it again */
	struct stat a, b;
	if (fstat(x->lockfd, &a) < 0 || stat(x->lockpath, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(x->lockfd);
		x->lockfd = -1;
		return 0;
	}
	x->locked = true;
	return 1;
}

/* Give x a slot and its .part; start its first attempt.  Another process
 * downloading the same file: wait for it, then take its verified result. */
static void first_start(struct fetch *f, struct xfer *x)
{
	int rc = take_lock(x);
	char got[129], cause[512];
	if (rc == 0) {
		if (!x->lock_waited)
			gotc_info(f->h, "%s: another gotc is downloading %s: waiting", label(x),
				  x->req->dest);
		x->lock_waited = true;
		x->wake = now_s() + 0.1;
		return;
	}
	if (rc < 0) {
		snprintf(cause, sizeof(cause), "%s.lock: %s", x->req->dest, strerror(-rc));
		finish(f, x, rc, cause);
		return;
	}
	if (x->lock_waited && hash_file(x->req->dest, x->algo, got) == 0 &&
	    strcasecmp(got, x->want) == 0) {
		x->req->from_cache = 1;
		finish(f, x, 0, NULL);
		return;
	}
	if ((rc = file_url_check(x->req->urls[x->url], cause, sizeof(cause)))) {
		char *shown = url_redact(x->req->urls[x->url]);
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s: %s", shown ? shown : "?", cause);
		free(shown);
		finish(f, x, rc, msg);
		return;
	}
	for (x->slot = 0; f->busy & (1ull << x->slot); x->slot++)
		;
	f->busy |= 1ull << x->slot;
	x->total = x->req->size;
	emit(x, GOTC_EV_FETCH_START, NULL, 0);
	x->fd = open(x->part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (x->fd < 0 || !(x->hash = hasher_new(x->algo)))
		rc = x->fd < 0 ? -errno : -ENOMEM;
	else
		rc = attempt_start(f, x);
	if (rc)
		local_error(f, x, rc);
}

static int run(struct fetch *f, struct xfer *xs, size_t n)
{
	uint64_t full = f->jobs == 64 ? ~0ull : (1ull << f->jobs) - 1;
	for (;;) {
		if (f->stop)
			return f->stop;
		double t = now_s();
		long wait_ms = 1000;
		int running = 0, pending = 0, rc;
		for (size_t i = 0; i < n; i++) {
			struct xfer *x = &xs[i];
			if (x->state == X_QUEUED && f->busy != full && x->wake <= t)
				first_start(f, x);
			if (x->state == X_QUEUED && x->wake > t && (x->wake - t) * 1000 + 1 < wait_ms)
				wait_ms = (long)((x->wake - t) * 1000) + 1;
			else if (x->state == X_BACKOFF && x->wake <= t && (rc = attempt_start(f, x)) < 0)
				local_error(f, x, rc);
			if (x->state == X_BACKOFF && (x->wake - t) * 1000 + 1 < wait_ms)
				wait_ms = (long)((x->wake - t) * 1000) + 1;
			running += x->state == X_RUNNING;
			pending += x->state == X_QUEUED || x->state == X_BACKOFF;
		}
		if (!running && !pending)
			return 0;
		int still = 0, left = 0, got = 0;
		CURLMcode mc = curl_multi_perform(f->multi, &still);
		CURLMsg *m;
		while (mc == CURLM_OK && (m = curl_multi_info_read(f->multi, &left))) {
			char *p = NULL;
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
			attempt_done(f, (struct xfer *)(void *)p, m->data.result);
			got++;
		}
		if (mc == CURLM_OK && !got)
			mc = curl_multi_poll(f->multi, NULL, 0, (int)(wait_ms > 0 ? wait_ms : 0), NULL);
		if (mc != CURLM_OK)
			return gotc_fail(f->h, GOTC_EFETCH, "curl: %s", curl_multi_strerror(mc));
	}
}

int fetch_all(gotc_t *h, struct fetch_req *reqs, size_t n)
{
	return fetch_all_cb(h, reqs, n, NULL, NULL);
}

int fetch_all_cb(gotc_t *h, struct fetch_req *reqs, size_t n, fetch_done_fn done, void *ctx)
{
	static int curl_ready; /* curl_global_init, once per process */
	struct fetch f = {.h = h, .done = done, .done_ctx = ctx, .jobs = h->jobs > 0 ? h->jobs : 4,
			  .attempts = h->retries > 0 ? h->retries : 1};
	struct xfer *xs = calloc(n ? n : 1, sizeof(*xs));
	size_t queued = 0;
	int rc = 0;
	if (f.jobs > MAX_JOBS)
		f.jobs = MAX_JOBS;
	if (!xs)
		return gotc_fail(h, -ENOMEM, "fetch: out of memory");
	for (size_t i = 0; i < n; i++) {
		xs[i] = (struct xfer){.h = h, .req = &reqs[i], .slot = -1, .fd = -1, .lockfd = -1};
		buf_init(&xs[i].why);
		free(reqs[i].error);
		reqs[i].error = NULL;
		reqs[i].rc = 0;
		reqs[i].from_cache = 0;
		prepare(&f, &xs[i]);
		queued += xs[i].state == X_QUEUED;
	}
	if (queued && (rc = lazy_need(h, LAZY_CURL)))
		queued = 0;
	if (queued) {
		if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
			curl_ready = 1;
		if (!curl_ready)
			rc = gotc_fail(h, GOTC_EFETCH, "libcurl failed to initialise");
		else if (!(f.multi = curl_multi_init()))
			rc = gotc_fail(h, -ENOMEM, "fetch: out of memory");
		else
			rc = run(&f, xs, n);
	}
	for (size_t i = 0; i < n; i++) {
		struct xfer *x = &xs[i];
		if (x->easy) {
			curl_multi_remove_handle(f.multi, x->easy);
			curl_easy_cleanup(x->easy);
		}
		if (x->state != X_DONE) /* run() gave up: fail it, never leave a .part */
			finish(&f, x, rc ? rc : GOTC_EFETCH, rc ? h->errbuf : NULL);
		hasher_free(x->hash);
		buf_free(&x->why);
		free(x->part);
		free(x->lockpath);
	}
	if (f.multi)
		curl_multi_cleanup(f.multi);
	for (size_t i = 0; i < f.ndead; i++) {
		free(f.dead_hosts[i]);
		free(f.dead_msgs[i]);
	}
	free(f.dead_hosts);
	free(f.dead_msgs);
	free(xs);
	for (size_t i = 0; !rc && i < n; i++)
		if (reqs[i].rc)
			rc = gotc_fail(h, reqs[i].rc, "%s", reqs[i].error ? reqs[i].error : "");
	return rc;
}
