/* cli_progress.c - render core events: live lines on a TTY, plain lines in logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

struct slot {
	char name[96];
	unsigned long long now, total;
	double start;
	int active;
};

struct progress {
	struct cli *cli;
	struct slot slots[16];
	int lines; /* live lines currently drawn */
	double last_draw;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human(char *out, size_t n, double v)
{
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int i = 0;
	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(out, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static void clear_live(struct progress *p)
{
	for (int i = 0; i < p->lines; i++)
		fputs("\033[1A\033[2K", stderr);
	p->lines = 0;
}

static void draw_live(struct progress *p)
{
	double t = now_s();
	for (int i = 0; i < 16; i++) {
		struct slot *s = &p->slots[i];
		if (!s->active)
			continue;
		char a[32], b[32], sp[32];
		double el = t - s->start;
		double rate = el > 0.2 ? (double)s->now / el : 0;
		human(a, sizeof(a), (double)s->now);
		human(b, sizeof(b), (double)s->total);
		human(sp, sizeof(sp), rate);
		if (s->total) {
			double pct = 100.0 * (double)s->now / (double)s->total;
			double eta = rate > 0 ? (double)(s->total - (s->now < s->total ? s->now : s->total)) / rate : 0;
			int bars = (int)(pct / 5);
			char bar[21];
			for (int k = 0; k < 20; k++)
				bar[k] = k < bars ? '#' : '.';
			bar[20] = '\0';
			fprintf(stderr, "  %-40.40s [%s] %3.0f%% %10s/%-10s %9s/s ETA %3.0fs\n", s->name,
				bar, pct, a, b, sp, eta);
		} else {
			fprintf(stderr, "  %-40.40s %10s %9s/s\n", s->name, a, sp);
		}
		p->lines++;
	}
	p->last_draw = t;
}

static void on_event(const struct gotc_event *ev, void *ctx)
{
	struct progress *p = ctx;
	struct cli *cli = p->cli;
	int slot = ev->slot >= 0 && ev->slot < 16 ? ev->slot : 0;
	struct slot *s = &p->slots[slot];
	char a[32];
	if (ev->type == GOTC_EV_WARN) {
		if (cli->tty)
			clear_live(p);
		fprintf(stderr, "gotc: warning: %s\n", ev->msg);
		return;
	}
	if (ev->type == GOTC_EV_LOCK_WAIT) {
		fprintf(stderr, "gotc: waiting for lock %s (another gotc is installing)\n", ev->msg);
		return;
	}
	if (cli->quiet)
		return;
	switch (ev->type) {
	case GOTC_EV_FETCH_START:
		snprintf(s->name, sizeof(s->name), "%s", ev->name ? ev->name : "");
		s->now = 0;
		s->total = ev->total;
		s->start = now_s();
		s->active = 1;
		if (!cli->tty)
			fprintf(stderr, "fetch %s <- %s\n", ev->name, ev->url);
		break;
	case GOTC_EV_FETCH_PROGRESS:
		s->now = ev->now;
		if (ev->total)
			s->total = ev->total;
		if (cli->tty && now_s() - p->last_draw > 0.1) {
			clear_live(p);
			draw_live(p);
		}
		return;
	case GOTC_EV_FETCH_RETRY:
		if (cli->tty)
			clear_live(p);
		fprintf(stderr, "retry %s (attempt %d): %s\n", ev->name, ev->attempt, ev->msg);
		break;
	case GOTC_EV_FETCH_DONE:
		s->active = 0;
		if (cli->tty)
			clear_live(p);
		human(a, sizeof(a), (double)ev->now);
		fprintf(stderr, "fetched %s (%s%s%s)\n", ev->name, a, ev->msg ? ", " : "",
			ev->msg ? ev->msg : "");
		break;
	case GOTC_EV_FETCH_FAIL:
		s->active = 0;
		if (cli->tty)
			clear_live(p);
		if (cli->verbose)
			fprintf(stderr, "failed %s\n", ev->name);
		break;
	case GOTC_EV_STEP_START:
		if (cli->tty)
			clear_live(p);
		fprintf(stderr, "%s %s\n", ev->msg, ev->name);
		break;
	case GOTC_EV_STEP_DONE:
		if (cli->verbose) {
			human(a, sizeof(a), (double)ev->now);
			fprintf(stderr, "done %s (%s)\n", ev->name, a);
		}
		break;
	case GOTC_EV_INFO:
		if (cli->verbose) {
			if (cli->tty)
				clear_live(p);
			fprintf(stderr, "%s\n", ev->msg);
		}
		break;
	default:
		break;
	}
	if (cli->tty)
		draw_live(p);
}

void cli_progress_init(struct cli *cli)
{
	struct progress *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->cli = cli;
	cli->progress = p;
	cli->h.event = on_event;
	cli->h.event_ctx = p;
}

void cli_progress_done(struct cli *cli)
{
	struct progress *p = cli->progress;
	if (p && cli->tty)
		clear_live(p);
	free(p);
	cli->progress = NULL;
	cli->h.event = NULL;
}
