/* fetch.h - downloads through libcurl (the only module that includes curl). */
#ifndef GOTC_FETCH_H
#define GOTC_FETCH_H

#include <stdint.h>

#include "gotc.h"

struct fetch_req {
	const char *label;    /* for events and messages, e.g. "golang-1.19-go" */
	char *const *urls;    /* NULL-terminated fallback list (mirrors in order) */
	const char *sha256;   /* expected lowercase hex, or NULL when sha512 is given */
	const char *sha512;
	uint64_t size;	      /* expected size, 0 = unknown */
	const char *dest;     /* final path; bytes go to dest.part and are renamed
				 into place only once verified */
	int unverified;	      /* no digest: the caller verifies the file otherwise
				 (a signed index); always fetched again */
	/* results */
	int rc;		      /* 0 or GOTC_E* / -errno */
	char *error;	      /* malloc'd detail when rc != 0 (caller frees) */
	int from_cache;	      /* dest existed and re-verified */
};

/* Fetch every request, at most h->jobs transfers at a time (curl multi).
 * A dest that already exists is re-hashed: reused when it verifies, deleted
 * and fetched again when it does not.  h->offline: never touch the network.
 * Returns 0 when all succeeded, else the first failure's code with its detail
 * in h->errbuf.  Nothing unverified is ever left at dest. */
int fetch_all(gotc_t *h, struct fetch_req *reqs, size_t n);
/* The same, calling done(req, ctx) as each request completes successfully
 * (verified download, or verified cache file), so work can start on it while
 * the other transfers go on.  done must not block for long; a non-zero
 * return (an error code, its detail in h->errbuf) stops every transfer and
 * becomes fetch_all_cb's result. */
typedef int (*fetch_done_fn)(struct fetch_req *req, void *ctx);
int fetch_all_cb(gotc_t *h, struct fetch_req *reqs, size_t n, fetch_done_fn done, void *ctx);

#endif
