/* util_err.h - the core's one error convention (util_err.c implements it).
 *
 * A core function that fails returns a negative code, -errno for a system
 * error or GOTC_E* for ours, and sets the handle's detail (h->err and
 * h->errbuf: file:line, URL, expected and actual digest) in the same step.
 * The code and the message are never set apart, so a caller that gets a code
 * always finds its message.  In the style of pacman's RET_ERR / GOTO_ERR:
 *
 *	if (!ok)
 *		RET_ERR(h, GOTC_ESTORE, "%s: no manifest", dir);
 *	if (fd < 0)
 *		GOTO_ERR(h, rc, -errno, out, "cannot open %s: %s", path, strerror(errno));
 *	...
 *	out:	cleanup; return rc;
 *
 * RET_WRAP / GOTO_WRAP put a prefix before the detail a callee left
 * ("installing T: <the callee's message>"; never that detail as a format).
 *
 * Helpers without a handle (util_*.c, bounded parsers) return 0 or -errno,
 * never a bare -1: their caller adds the message.  The only other negative
 * returns are ones an interface fixes (comparison functions, libarchive and
 * libcurl callbacks, predicates returning -1 for "none"); tests/unit/
 * test_err.c (test_no_bare_negative) lists each one, so a new bare
 * `return -1` in provisioner/ fails the unit tier.
 *
 * GOTC_MUST_USE marks functions whose result must not be dropped (-Werror
 * makes a dropped one a build failure).
 */
#ifndef GOTC_UTIL_ERR_H
#define GOTC_UTIL_ERR_H

#define GOTC_MUST_USE __attribute__((warn_unused_result))

/* Set code and message on h and return code from the calling function. */
#define RET_ERR(h, code, ...)                                                                      \
	do {                                                                                       \
		return gotc_fail((h), (code), __VA_ARGS__);                                        \
	} while (0)

/* Set code and message on h, keep the code in rc and jump to label. */
#define GOTO_ERR(h, rc, code, label, ...)                                                          \
	do {                                                                                       \
		(rc) = gotc_fail((h), (code), __VA_ARGS__);                                        \
		goto label;                                                                        \
	} while (0)

/* Prefix the detail already in h ("PREFIX: detail") and return code. */
#define RET_WRAP(h, code, ...)                                                                     \
	do {                                                                                       \
		return gotc_wrap((h), (code), __VA_ARGS__);                                        \
	} while (0)

#define GOTO_WRAP(h, rc, code, label, ...)                                                         \
	do {                                                                                       \
		(rc) = gotc_wrap((h), (code), __VA_ARGS__);                                        \
		goto label;                                                                        \
	} while (0)

#endif
