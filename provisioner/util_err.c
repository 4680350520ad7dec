/* util_err.c - error codes, the handle's error detail and events.  Below
 * config.c and ini_strict.c, which both report through it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gotc.h"

const char *gotc_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case GOTC_ERECIPE: return "invalid recipe, target or configuration";
	case GOTC_EUSAGE: return "usage error";
	case GOTC_ENOTFOUND: return "not found";
	case GOTC_EFETCH: return "download failed";
	case GOTC_ECHECKSUM: return "checksum mismatch";
	case GOTC_ESIZE: return "size mismatch";
	case GOTC_EUNSAFE: return "unsafe archive member";
	case GOTC_EARCHIVE: return "unreadable archive";
	case GOTC_EOFFLINE: return "not in the cache and --offline given";
	case GOTC_ESTORE: return "store inconsistent";
	case GOTC_EVERIFY: return "installed files differ from the manifest";
	case GOTC_ETOOBIG: return "archive expands past the size limit";
	case GOTC_EASSEMBLE: return "assembly failed";
	case GOTC_ENOTINST: return "target not installed";
	case GOTC_EELF: return "not a valid ELF file";
	case GOTC_EREPO: return "repository update refused";
	case GOTC_ENOTARGET: return "no such target";
	case GOTC_ESIGNATURE: return "signature verification failed";
	case GOTC_EDEPENDS: return "unsatisfiable package dependency";
	case GOTC_EHOST: return "this host cannot run the toolchain";
	case GOTC_ENOTREG: return "not a regular file";
	default: return err < 0 && err > GOTC_EBASE ? strerror(-err) : "unknown error";
	}
}

int gotc_fail(gotc_t *h, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->errbuf, sizeof(h->errbuf), fmt, ap);
	va_end(ap);
	h->err = code;
	return code;
}

int gotc_wrap(gotc_t *h, int code, const char *fmt, ...)
{
	char prefix[1024], inner[sizeof(h->errbuf)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(inner, h->errbuf, sizeof(inner));
	inner[sizeof(inner) - 1] = '\0';
	/* truncation keeps the start of the message: the return value is the
	 * would-be length and is deliberately not an error */
	int n = snprintf(h->errbuf, sizeof(h->errbuf), "%s: %s", prefix, inner[0] ? inner : gotc_strerror(code));
	(void)n;
	h->err = code;
	return code;
}

void gotc_emit(gotc_t *h, const struct gotc_event *ev)
{
	if (h->event)
		h->event(ev, h->event_ctx);
}

__attribute__((format(printf, 3, 0))) static void emit_msg(gotc_t *h, enum gotc_event_type type, const char *fmt, va_list ap)
{
	if (!h->event)
		return;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	struct gotc_event ev = {.type = type, .msg = msg};
	h->event(&ev, h->event_ctx);
}

void gotc_info(gotc_t *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit_msg(h, GOTC_EV_INFO, fmt, ap);
	va_end(ap);
}

void gotc_warn(gotc_t *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit_msg(h, GOTC_EV_WARN, fmt, ap);
	va_end(ap);
}

