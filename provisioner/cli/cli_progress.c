/* cli_progress.c - render core events.
 *
 * On a terminal (stderr a TTY, TERM set and not "dumb") the bottom of the
 * screen is a live region redrawn in place: one line per download and per
 * archive being unpacked, and a total line (bytes, speed, ETA, artifacts and
 * entries done).  Every line fits the terminal's width (TIOCGWINSZ, else
 * COLUMNS, else 80), so nothing wraps and nothing stale stays behind.
 * Messages that stay (fetched, assembled, warnings) are printed above it.
 * Anywhere else (a pipe, a log file, TERM=dumb) only plain lines, no escape
 * codes. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

enum kind { K_FETCH, K_UNPACK, K_ASSEMBLE };
static const char *const verbs[] = {"fetch", "unpack", "assemble"};

#define NITEMS 32

struct item {
	bool used;
	enum kind kind;
	char name[96];
	uint64_t now, total;
	bool unsized; /* a source with no declared size: not in the plan's total */
	double start;
};

struct progress {
	struct cli *cli;
	bool live;     /* cursor codes allowed */
	int rows;      /* rows of the live region now on screen */
	double last_draw, t0;
	struct item items[NITEMS];
	/* the install as a whole (GOTC_EV_PLAN and what followed) */
	bool planned;
	uint64_t plan_bytes;
	int n_art, n_ent, art_done, ent_done;
	uint64_t fetched, cached; /* bytes of finished downloads / cache hits */
	uint64_t unpacked;	  /* archive bytes of finished unpacks */
	uint64_t stored;	  /* sizes of the entries assembled */
	double fetch_t0, unpack_t0;
};

/* What the signal handler needs: how many rows to erase.  A handler can reach
 * nothing else, hence these two statics. */
static volatile sig_atomic_t sig_rows = -1; /* -1: not a live terminal */
static struct sigaction sig_old_int, sig_old_term;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_human(char *out, size_t n, double v)
{
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int i = 0;
	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(out, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

/* "27.0/59.8 MiB" when both share a unit, else "900.0 KiB/1.2 MiB". */
static void human_pair(char *out, size_t n, uint64_t a, uint64_t b)
{
	char x[32], y[32];
	cli_human(x, sizeof(x), (double)a);
	cli_human(y, sizeof(y), (double)b);
	const char *ux = strchr(x, ' '), *uy = strchr(y, ' ');
	if (ux && uy && strcmp(ux, uy) == 0)
		snprintf(out, n, "%.*s/%s", (int)(ux - x), x, y);
	else
		snprintf(out, n, "%s/%s", x, y);
}

static void human_time(char *out, size_t n, double s)
{
	long t = (long)(s + 0.999); /* an ETA under a second is "1s", never "0s" */
	if (t < 60)
		snprintf(out, n, "%lds", t);
	else if (t < 3600)
		snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(out, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
}

/* Speed and ETA, or nothing until they mean something. */
static void rate_eta(char *out, size_t n, uint64_t now, uint64_t total, double elapsed)
{
	out[0] = '\0';
	if (elapsed < 0.5 || now == 0)
		return;
	double rate = (double)now / elapsed;
	char r[32], e[32];
	cli_human(r, sizeof(r), rate);
	if (total > now) {
		human_time(e, sizeof(e), (double)(total - now) / rate);
		snprintf(out, n, "%s/s ETA %s", r, e);
	} else {
		snprintf(out, n, "%s/s", r);
	}
}

static void term_size(int *cols, int *lines)
{
	struct winsize ws;
	*cols = 0;
	*lines = 0;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0) {
		*cols = ws.ws_col;
		*lines = ws.ws_row;
	}
	if (*cols <= 0) {
		const char *c = getenv("COLUMNS");
		*cols = c ? atoi(c) : 0;
	}
	if (*cols <= 0)
		*cols = 80;
	if (*lines <= 0)
		*lines = 24;
}

/* Append s to b, cut so that the line holds at most max columns (the names
 * and numbers here are ASCII; a cut never splits a UTF-8 sequence). */
static void put_fit(struct buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	buf_add(b, s, n);
}

/* One live line: "  VERB     NAME [#####.....]  45% 26.8/59.8 MiB 1.1 MiB/s".
 * Every line uses the same name and bar widths, so the bars line up; what
 * does not fit the width is cut (names first, then the bars go). */
#define RIGHT_W 32 /* "100% 900.0 KiB/59.8 MiB 10.2 MiB/s" */
static void item_line(struct buf *b, const struct item *it, int width, int namemax, double t)
{
	char right[200], pair[64], rate[96], bar[40] = "", line[512];
	int namew = namemax, barw = width - 1 - 11 - namew - 4 - RIGHT_W;
	if (barw < 6 && namew > 16) {
		namew = namemax - (6 - barw) > 16 ? namemax - (6 - barw) : 16;
		barw = width - 1 - 11 - namew - 4 - RIGHT_W;
	}
	if (barw > 30)
		barw = 30;
	if (barw < 6)
		barw = 0;
	double el = t - it->start;
	rate[0] = '\0';
	if (el >= 0.5 && it->now) {
		cli_human(pair, sizeof(pair), (double)it->now / el);
		snprintf(rate, sizeof(rate), " %s/s", pair);
	}
	if (it->kind == K_ASSEMBLE) {
		human_time(right, sizeof(right), el);
	} else if (it->kind == K_UNPACK && !it->now) {
		snprintf(right, sizeof(right), "waiting for the download");
	} else if (it->total) {
		uint64_t now = it->now < it->total ? it->now : it->total;
		human_pair(pair, sizeof(pair), now, it->total);
		if (barw) {
			int full = (int)((double)barw * (double)now / (double)it->total);
			bar[0] = '[';
			for (int k = 0; k < barw; k++)
				bar[1 + k] = k < full ? '#' : '.';
			bar[1 + barw] = ']';
			bar[2 + barw] = ' ';
			bar[3 + barw] = '\0';
		}
		snprintf(right, sizeof(right), "%s%3.0f%% %s%s", bar, 100.0 * (double)now / (double)it->total,
			 pair, rate);
	} else {
		cli_human(pair, sizeof(pair), (double)it->now);
		snprintf(right, sizeof(right), "%s%s", pair, rate);
	}
	snprintf(line, sizeof(line), "  %-8s %-*.*s %s", verbs[it->kind], namew, namew, it->name, right);
	put_fit(b, line, (size_t)(width - 1));
}

static void total_line(struct progress *p, struct buf *b, int width, double t)
{
	char line[512], pair[80], re[80];
	uint64_t got = p->fetched + p->cached, unp = p->unpacked, total = p->plan_bytes;
	for (int i = 0; i < NITEMS; i++) {
		if (!p->items[i].used)
			continue;
		if (p->items[i].kind == K_FETCH) {
			got += p->items[i].now;
			/* an unsized source's bytes so far count on both sides, so the
			 * total never runs behind what was fetched */
			total += p->items[i].unsized ? p->items[i].now : 0;
		} else if (p->items[i].kind == K_UNPACK) {
			unp += p->items[i].now;
		}
	}
	if (p->art_done < p->n_art) {
		human_pair(pair, sizeof(pair), got, total);
		/* the speed of the network alone, not of cache hits */
		rate_eta(re, sizeof(re), got - p->cached, total - p->cached,
			 p->fetch_t0 ? t - p->fetch_t0 : 0);
		snprintf(line, sizeof(line), "  total    %s %s  artifacts %d/%d  entries %d/%d", pair, re,
			 p->art_done, p->n_art, p->ent_done, p->n_ent);
	} else {
		human_pair(pair, sizeof(pair), unp, p->plan_bytes);
		rate_eta(re, sizeof(re), unp, p->plan_bytes, p->unpack_t0 ? t - p->unpack_t0 : 0);
		snprintf(line, sizeof(line), "  total    fetched; unpacked %s %s  entries %d/%d", pair, re,
			 p->ent_done, p->n_ent);
	}
	put_fit(b, line, (size_t)(width - 1));
}

static void render(struct progress *p, struct buf *b)
{
	int width, height;
	term_size(&width, &height);
	double t = now_s();
	int max_rows = height - 2 > 1 ? height - 2 : 1, shown = 0, more = 0, namemax = 0;
	for (int i = 0; i < NITEMS; i++)
		if (p->items[i].used && (int)strlen(p->items[i].name) > namemax)
			namemax = (int)strlen(p->items[i].name);
	if (namemax > 24)
		namemax = 24;
	for (int i = 0; i < NITEMS; i++) {
		if (!p->items[i].used)
			continue;
		if (shown + 1 + (p->planned ? 1 : 0) >= max_rows) {
			more++;
			continue;
		}
		item_line(b, &p->items[i], width, namemax, t);
		buf_puts(b, "\n");
		shown++;
	}
	if (more) {
		char line[64];
		snprintf(line, sizeof(line), "  ... and %d more", more);
		put_fit(b, line, (size_t)(width - 1));
		buf_puts(b, "\n");
		shown++;
	}
	if (p->planned && (p->n_art || p->n_ent)) {
		total_line(p, b, width, t);
		buf_puts(b, "\n");
		shown++;
	}
	p->rows = shown;
	p->last_draw = t;
}

/* Paint: go up to the live region's first row, print msg there (a line that
 * stays), then the live lines, each ended by "erase to end of line", and
 * blank the rows the old region had beyond the new one.  No "erase display"
 * (some terminals push a cleared screen into the scrollback). */
static void paint(struct progress *p, struct buf *b, const char *msg, bool live_lines)
{
	int width, height, old = p->rows, used = 0;
	term_size(&width, &height);
	if (old > 0)
		buf_printf(b, "\033[%dA", old);
	buf_puts(b, "\r");
	if (msg) {
		size_t len = strlen(msg);
		buf_puts(b, msg);
		buf_puts(b, "\033[K\n");
		used += len ? (int)((len + (size_t)width - 1) / (size_t)width) : 1;
	}
	p->rows = 0;
	if (live_lines) {
		struct buf lines;
		buf_init(&lines);
		render(p, &lines);
		for (char *l = lines.s, *nl; l && (nl = strchr(l, '\n')); l = nl + 1) {
			buf_add(b, l, (size_t)(nl - l));
			buf_puts(b, "\033[K\n");
		}
		buf_free(&lines);
		used += p->rows;
	}
	if (old > used) {
		for (int i = used; i < old; i++)
			buf_puts(b, "\033[2K\n");
		buf_printf(b, "\033[%dA", old - used);
	}
	sig_rows = p->rows;
}

static void flush(struct buf *b)
{
	if (b->len)
		fwrite(b->s, 1, b->len, stderr);
	fflush(stderr);
	buf_free(b);
}

/* Print a line that stays (above the live region, which is redrawn). */
static void say(struct progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct progress *p, const char *fmt, ...)
{
	va_list ap;
	struct buf b;
	char *msg;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	buf_init(&b);
	if (p->live) {
		paint(p, &b, msg ? msg : "", true);
	} else {
		buf_puts(&b, msg ? msg : "");
		buf_puts(&b, "\n");
	}
	free(msg);
	flush(&b);
}

static void redraw(struct progress *p, bool force)
{
	if (!p->live || (!force && now_s() - p->last_draw < 0.1))
		return;
	struct buf b;
	buf_init(&b);
	paint(p, &b, NULL, true);
	flush(&b);
}

static struct item *item_find(struct progress *p, enum kind k, const char *name, bool create)
{
	struct item *free_slot = NULL;
	for (int i = 0; i < NITEMS; i++) {
		struct item *it = &p->items[i];
		if (it->used && it->kind == k && strncmp(it->name, name, sizeof(it->name) - 1) == 0)
			return it;
		if (!it->used && !free_slot)
			free_slot = it;
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->kind = k;
	snprintf(free_slot->name, sizeof(free_slot->name), "%s", name);
	free_slot->start = now_s();
	return free_slot;
}

static void item_drop(struct progress *p, enum kind k, const char *name)
{
	struct item *it = item_find(p, k, name, false);
	if (it)
		it->used = false;
}

static void on_event(const struct gotc_event *ev, void *ctx)
{
	struct progress *p = ctx;
	struct cli *cli = p->cli;
	const char *name = ev->name ? ev->name : "";
	struct item *it;
	char a[32];
	if (ev->type == GOTC_EV_WARN) {
		say(p, "%sgotc: warning:%s %s", cli_color(cli, stderr, CLI_WARN),
		    cli_color(cli, stderr, CLI_RESET), ev->msg);
		return;
	}
	if (ev->type == GOTC_EV_LOCK_WAIT) {
		say(p, "gotc: waiting for lock %s (another gotc is installing)", ev->msg);
		return;
	}
	if (cli->quiet)
		return;
	switch (ev->type) {
	case GOTC_EV_PLAN:
		p->planned = true;
		p->plan_bytes = ev->total;
		p->n_art = ev->n_artifacts;
		p->n_ent = ev->n_entries;
		redraw(p, true);
		break;
	case GOTC_EV_FETCH_START:
		if (!p->fetch_t0)
			p->fetch_t0 = now_s();
		if ((it = item_find(p, K_FETCH, name, true)))
			it->total = ev->total, it->unsized = !ev->total;
		if (!p->live)
			say(p, "fetch %s <- %s", name, ev->url ? ev->url : "");
		redraw(p, true);
		break;
	case GOTC_EV_FETCH_PROGRESS:
		if ((it = item_find(p, K_FETCH, name, true))) {
			it->now = ev->now;
			if (ev->total)
				it->total = ev->total;
		}
		redraw(p, false);
		break;
	case GOTC_EV_FETCH_RETRY:
		if ((it = item_find(p, K_FETCH, name, false)))
			it->now = 0, it->start = now_s();
		say(p, "retry %s (attempt %d): %s", name, ev->attempt, ev->msg ? ev->msg : "");
		break;
	case GOTC_EV_FETCH_DONE:
		/* the plan's total holds declared sizes only: an unsized source
		 * adds what it turned out to be (a cache hit has no start event) */
		it = item_find(p, K_FETCH, name, false);
		if (it ? it->unsized : !ev->total)
			p->plan_bytes += ev->now;
		item_drop(p, K_FETCH, name);
		p->art_done++;
		cli_human(a, sizeof(a), (double)ev->now);
		if (ev->msg && strcmp(ev->msg, "cached") == 0) {
			p->cached += ev->now;
			say(p, "cached  %s (%s, verified)", name, a);
		} else {
			p->fetched += ev->now;
			say(p, "fetched %s (%s)", name, a);
		}
		break;
	case GOTC_EV_FETCH_FAIL:
		item_drop(p, K_FETCH, name);
		if (cli->verbose)
			say(p, "failed  %s", name);
		else
			redraw(p, true);
		break;
	case GOTC_EV_STEP_START:
		if (ev->msg && strcmp(ev->msg, "unpack") == 0) {
			if (!p->unpack_t0)
				p->unpack_t0 = now_s();
			item_find(p, K_UNPACK, name, true);
			if (!p->live)
				say(p, "unpack %s", name);
			redraw(p, true);
		} else if (ev->msg && strcmp(ev->msg, "assemble") == 0) {
			item_find(p, K_ASSEMBLE, name, true);
			if (!p->live)
				say(p, "assemble %s", name);
			redraw(p, true);
		} else {
			say(p, "%s %s", ev->msg ? ev->msg : "", name);
		}
		break;
	case GOTC_EV_UNPACK_PROGRESS:
		if (!p->unpack_t0)
			p->unpack_t0 = now_s();
		if ((it = item_find(p, K_UNPACK, name, true))) {
			it->now = ev->now;
			it->total = ev->total;
		}
		redraw(p, false);
		break;
	case GOTC_EV_STEP_DONE:
		cli_human(a, sizeof(a), (double)ev->now);
		if (ev->msg && strcmp(ev->msg, "unpack") == 0) {
			if ((it = item_find(p, K_UNPACK, name, false))) {
				p->unpacked += it->total ? it->total : it->now;
				it->used = false;
			}
			if (cli->verbose)
				say(p, "unpacked %s (%s)", name, a);
			else
				redraw(p, true);
		} else if (ev->msg && strcmp(ev->msg, "assemble") == 0) {
			item_drop(p, K_ASSEMBLE, name);
			p->ent_done++;
			p->stored += ev->now;
			say(p, "assembled %s (%s)", name, a);
		} else if (cli->verbose) {
			say(p, "done %s (%s)", name, a);
		}
		break;
	case GOTC_EV_INFO:
		if (cli->verbose)
			say(p, "%s", ev->msg);
		break;
	default:
		break;
	}
}

/* Ctrl-C (or kill): leave the screen clean and one line saying why gotc
 * stopped, then die of the signal as if unhandled (the exit status tells
 * the shell).  Only async-signal-safe calls here. */
static size_t put_num(char *out, int v)
{
	char digits[12];
	size_t k = 0, n = 0;
	do
		digits[k++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && k < sizeof(digits));
	while (k > 0)
		out[n++] = digits[--k];
	return n;
}

static void on_signal(int sig)
{
	char msg[1024];
	size_t n = 0;
	int rows = sig_rows;
	const char *text = sig == SIGINT ? "gotc: interrupted" : "gotc: terminated";
	if (rows > 150)
		rows = 150;
	if (rows > 0) {
		msg[n++] = '\033';
		msg[n++] = '[';
		n += put_num(msg + n, rows);
		msg[n++] = 'A';
		msg[n++] = '\r';
	}
	memcpy(msg + n, text, strlen(text));
	n += strlen(text);
	if (rows >= 0) {
		memcpy(msg + n, "\033[K", 3);
		n += 3;
	}
	msg[n++] = '\n';
	if (rows > 1) {
		for (int i = 1; i < rows; i++) {
			memcpy(msg + n, "\033[2K\n", 5);
			n += 5;
		}
		msg[n++] = '\033';
		msg[n++] = '[';
		n += put_num(msg + n, rows - 1);
		msg[n++] = 'A';
	}
	ssize_t w = write(STDERR_FILENO, msg, n);
	(void)w;
	sigaction(SIGINT, &sig_old_int, NULL);
	sigaction(SIGTERM, &sig_old_term, NULL);
	raise(sig);
}

void cli_progress_init(struct cli *cli)
{
	struct progress *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->cli = cli;
	p->live = cli->live;
	p->t0 = now_s();
	cli->progress = p;
	cli->h.event = on_event;
	cli->h.event_ctx = p;
	sig_rows = p->live ? 0 : -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &sig_old_int);
	sigaction(SIGTERM, &sa, &sig_old_term);
}

void cli_progress_clear(struct cli *cli)
{
	struct progress *p = cli->progress;
	if (!p || !p->live || !p->rows)
		return;
	struct buf b;
	buf_init(&b);
	paint(p, &b, NULL, false);
	flush(&b);
}

bool cli_progress_summary(struct cli *cli, char *out, size_t n)
{
	struct progress *p = cli->progress;
	char f[32], c[32], s[32];
	if (!p || !p->planned || (!p->n_art && !p->n_ent))
		return false;
	cli_human(f, sizeof(f), (double)p->fetched);
	cli_human(c, sizeof(c), (double)p->cached);
	cli_human(s, sizeof(s), (double)p->stored);
	snprintf(out, n, "in %.1f s: %s fetched%s%s%s, %s in the store", now_s() - p->t0, f,
		 p->cached ? " (" : "", p->cached ? c : "", p->cached ? " from the download cache)" : "",
		 s);
	return true;
}

bool cli_progress_stats(struct cli *cli, struct cli_stats *st)
{
	struct progress *p = cli->progress;
	memset(st, 0, sizeof(*st));
	if (!p || !p->planned || (!p->n_art && !p->n_ent))
		return false;
	*st = (struct cli_stats){.seconds = now_s() - p->t0, .fetched = p->fetched,
				 .cached = p->cached, .stored = p->stored};
	return true;
}

void cli_progress_done(struct cli *cli)
{
	cli_progress_clear(cli);
	sigaction(SIGINT, &sig_old_int, NULL);
	sigaction(SIGTERM, &sig_old_term, NULL);
	sig_rows = -1;
	free(cli->progress);
	cli->progress = NULL;
	cli->h.event = NULL;
}
