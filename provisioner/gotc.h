/* gotc.h - the core's handle, error codes and events.
 *
 * Conventions (see HACKING): functions return 0 or a negative code: -errno for
 * system errors, GOTC_E* (below -1000) for ours.  The human-readable detail of
 * the last error (file:line, URL, expected/actual digest) lives in the handle;
 * the caller prints it.  The core never prints: it emits events through the
 * callback the front end installs.
 */
#ifndef GOTC_H
#define GOTC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "util_err.h"

#define GOTC_VERSION "0.1.0"

enum gotc_err {
	GOTC_EBASE = -1000,
	GOTC_ERECIPE = -1001,	/* bad recipe / target / config file      */
	GOTC_EUSAGE = -1002,	/* bad command line                       */
	GOTC_ENOTFOUND = -1003, /* no such target / recipe                */
	GOTC_EFETCH = -1004,	/* download failed after retries          */
	GOTC_ECHECKSUM = -1005, /* sha256 / sha512 mismatch               */
	GOTC_ESIZE = -1006,	/* size mismatch or over declared size    */
	GOTC_EUNSAFE = -1007,	/* archive member rejected                */
	GOTC_EARCHIVE = -1008,	/* archive unreadable                     */
	GOTC_EOFFLINE = -1009,	/* --offline and not cached               */
	GOTC_ESTORE = -1010,	/* store inconsistent                     */
	GOTC_EVERIFY = -1011,	/* installed files differ from manifest   */
	GOTC_ETOOBIG = -1012,	/* archive expands past the size limit    */
	GOTC_EASSEMBLE = -1013, /* assembling a target failed             */
	GOTC_ENOTINST = -1014,	/* target not installed                   */
	GOTC_EELF = -1015,	/* not a readable ELF file                */
	GOTC_EREPO = -1016,	/* repository update refused (not a fast-forward) */
	GOTC_ENOTARGET = -1017, /* no such target on the search path (exit 2) */
	GOTC_ESIGNATURE = -1030, /* a signed index did not verify          */
	GOTC_EDEPENDS = -1031,	/* a package dependency nothing satisfies */
	GOTC_EHOST = -1040,	/* this host cannot run the toolchain     */
	GOTC_ENOTREG = -1045,	/* a FIFO, device or directory where a file belongs */
};

const char *gotc_strerror(int err);

/* Events: the core reports, the front end renders. */
enum gotc_event_type {
	GOTC_EV_FETCH_START,	/* name, url, total (may be 0)            */
	GOTC_EV_FETCH_PROGRESS, /* name, now, total                       */
	GOTC_EV_FETCH_RETRY,	/* name, url, msg (cause), attempt         */
	GOTC_EV_FETCH_DONE,	/* name, now (bytes), msg "cached"/NULL    */
	GOTC_EV_FETCH_FAIL,	/* name, msg (the error)                   */
	GOTC_EV_STEP_START,	/* name (store entry or artifact), msg: "assemble", "unpack", ... */
	GOTC_EV_STEP_DONE,	/* name, msg (the step), now (bytes written; for
				   "assemble": the entry's size in the store) */
	GOTC_EV_LOCK_WAIT,	/* msg: lock path                          */
	GOTC_EV_INFO,		/* msg (shown with -v)                     */
	GOTC_EV_WARN,		/* msg                                     */
	GOTC_EV_PLAN,		/* an install begins: total (declared bytes to
				   fetch), n_artifacts, n_entries (to assemble) */
	GOTC_EV_UNPACK_PROGRESS, /* name (artifact), now (archive bytes read),
				    total (its declared size, 0 = unknown) */
};

struct gotc_event {
	enum gotc_event_type type;
	int slot;		/* transfer slot, for progress lines   */
	const char *name;
	const char *url;
	const char *msg;
	uint64_t now;
	uint64_t total;
	int attempt;
	int n_artifacts, n_entries; /* GOTC_EV_PLAN */
};

typedef void (*gotc_event_fn)(const struct gotc_event *ev, void *ctx);

struct gotc_mirror {
	char *name;
	char **urls; /* ordered fallbacks, NULL-terminated */
	int from_apt; /* the host's apt default for "debian", not config.ini */
	char *origin; /* where it was set: "FILE:LINE", "apt source FILE: why"; may be NULL */
};

/* The one handle: configuration, paths, options, last error. */
typedef struct gotc {
	char *home;	   /* GOTC_HOME: store, targets     */
	char *cache;	   /* download cache                */
	char **search;	   /* NULL-terminated dirs holding targets/ recipes/ */
	struct gotc_mirror *mirrors;
	size_t nmirrors;
	char *cafile;
	char *user_config; /* the config file a user edits: GOTC_CONFIG, else the XDG one */
	char *self;	   /* this gotc as hints name it: "gotc", or "gotc --home DIR" */
	char *oci;	      /* [cache] oci: registry repository for store entries, or NULL */
	char *oci_mount_from; /* [cache] oci_mount_from: a repository to mount blobs from */
	uint64_t oci_chunk;   /* [cache] oci_chunk_size: blobs above go up in chunks */
	int jobs;
	int retries;
	long connect_timeout; /* seconds */
	long low_speed_time;  /* seconds below low_speed_limit */
	long low_speed_limit; /* bytes per second */
	int allow_http;
	int offline;
	int reinstall;	     /* install: rebuild existing entries and prefixes, each
			      * replacing the old one in one atomic exchange */
	int fsync;	     /* flush entries to disk before committing them */
	long pid;	     /* the main process (workers are forked from it) */
	int apt_default_tried; /* gotc_mirror_find looked at the apt sources */
	uint64_t max_unpack; /* bytes per archive, archive-bomb limit */
	uint64_t unpack_ratio; /* an archive expands to at most this times its size */
	uint64_t max_download; /* bytes of a source that declares no size */
	gotc_event_fn event;
	void *event_ctx;
	int err;
	char errbuf[2048];
} gotc_t;

/* Set the error detail; returns code so callers can `return gotc_fail(...)`. */
int gotc_fail(gotc_t *h, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Wrap the detail already in the handle: "PREFIX: previous detail" (the
 * previous detail is copied first, never used as a format). */
int gotc_wrap(gotc_t *h, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gotc_emit(gotc_t *h, const struct gotc_event *ev);
void gotc_info(gotc_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gotc_warn(gotc_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Load configuration: defaults, /etc/gotc/config.ini (or GOTC_SYSCONFDIR),
 * $XDG_CONFIG_HOME/gotc/config.ini, environment.  home_override: --home. */
int gotc_init(gotc_t *h, const char *home_override, const char *exe_dir);
void gotc_free(gotc_t *h);
/* For a program in PREFIX/bin or PREFIX/libexec/gotc (exe_dir), PREFIX/leaf
 * (malloc'd); NULL when exe_dir is neither. */
char *install_relative(const char *exe_dir, const char *leaf);
/* Test hook: GOTC_TEST_KILL_AT=POINT makes the process SIGKILL itself at POINT
 * (fetched, unpacked, committed, prefix), so tests can crash an install at
 * exact places; from a worker process it kills the main process too. */
void gotc_test_point(gotc_t *h, const char *point);
/* A configured mirror; "debian" falls back to the host's apt source of the
 * Debian archive (mirror_apt.c). */
const struct gotc_mirror *gotc_mirror_find(gotc_t *h, const char *name);
/* Add the mirrors an installed record kept (DIR/mirrors.ini: [mirrors] as
 * they were at install) for the names config.ini does not define; they come
 * before the host's apt source.  A record without the file adds nothing. */
int config_record_mirrors(gotc_t *h, const char *dir);

#endif
