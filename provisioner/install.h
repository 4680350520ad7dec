/* install.h - turn targets into store entries and target prefixes. */
#ifndef GOTC_INSTALL_H
#define GOTC_INSTALL_H

#include <stdint.h>
#include <sys/types.h>

#include "plan.h"

/* Install (or confirm) every target; all-or-nothing per target.
 * Already-installed targets with the same plan cost one plan + a readlink.
 * A target is found on the search path, else (an image without its
 * sources) in the record of the installed instance it names.
 * *installed (optional): the instances' names, in order (strv_free). */
int install_targets(gotc_t *h, char *const *targets, size_t n, char ***installed);
/* The same for plans already built (the caller keeps and frees them). */
int install_plans(gotc_t *h, struct plan *plans, size_t n);
/* The same with the store lock already held by the caller (no fast path). */
int install_plans_locked(gotc_t *h, struct plan *plans, size_t n);

/* Run argv (PATH searched) in a child with stdout and stderr to log, after
 * prep(h, ctx) in the child when given; wait.  Returns its exit status
 * (128 + signal; 126 when prep or the log failed, 127 when not found), or
 * < 0 with the detail in the handle; *text (malloc'd) holds the log when the
 * status is not 0. */
int run_logged(gotc_t *h, const char *log, char *const argv[], int (*prep)(gotc_t *, void *),
	       void *ctx, char **text);
/* Build the standard library of an installed target (go build std in its
 * environment) into its GOCACHE; output in GOTC_HOME/gocache/warm-TARGET.log. */
int install_warm(gotc_t *h, const char *target);

/* Fetch every artifact of the plans into the download cache (each once,
 * verified; cached files are re-verified).  unsized_only: only those whose
 * size no recipe gives and that are not cached yet. */
int install_fetch(gotc_t *h, const struct plan *plans, size_t n, bool unsized_only);

/* Build the store entry e in a staging dir and commit it (lock held):
 * every artifact in turn, reading only the verified download if a first
 * attempt (made while the downloads arrive) found one restarted or replaced.
 * kernel_arch: the target's ARCH= for make headers_install. */
int assemble_entry(gotc_t *h, const char *kernel_arch, const struct entry *e);
/* The same in steps, so that the artifacts of one entry unpack concurrently
 * (install.c runs each step in its own worker):
 * entry_stage makes a staging dir for e (*stage malloc'd, caller frees and
 * removes it on failure); entry_unpack unpacks artifact i of e into it,
 * refusing members another artifact already put there, -ESTALE when the
 * download it followed was restarted or replaced (final_only: read only the
 * verified file); entry_finish lays out the sysroot and kernel headers and
 * commits the stage as the store entry. */
int entry_stage(gotc_t *h, const struct entry *e, char **stage);
int entry_unpack(gotc_t *h, const struct entry *e, size_t i, const char *stage, bool final_only);
int entry_finish(gotc_t *h, const char *kernel_arch, const struct entry *e, const char *stage);

/* install_worker.c: the worker processes.  A worker is this program again
 * (/proc/self/exe --worker, a mode no help lists), leading a process group
 * of its own that holds what it starts; it dies, with its group, when the
 * main process does.  Its job: unpack artifact art of e into stage,
 * JOB_FINISH (entry_finish) or JOB_WHOLE (assemble_entry). */
enum { JOB_FINISH = -1, JOB_WHOLE = -2 };
struct worker_job {
	const struct entry *e;
	int art;
	const char *stage;	 /* NULL for JOB_WHOLE */
	const char *kernel_arch; /* or NULL */
};
/* Start a worker for job: *pid (also its process group), *fd the
 * non-blocking read end of its records.  0 or an error in the handle. */
int worker_spawn(gotc_t *h, const struct worker_job *job, pid_t *pid, int *fd);
/* The worker's side (gotc-core --worker): read the job on fd 0, do it,
 * send the records on fd 3.  The exit status: 0 done, else 1. */
int install_worker_main(void);
/* What a worker sends: events (their type), then at the end its error. */
struct wire {
	uint32_t type; /* enum gotc_event_type, or WIRE_ERROR */
	int32_t code;  /* WIRE_ERROR: the error code */
	uint64_t now, total;
	uint32_t nlen, mlen; /* name and msg bytes that follow */
};
#define WIRE_ERROR 0xffffu
#define WIRE_MAX 4096 /* one record, written at once (PIPE_BUF) */
void wire_send(int fd, uint32_t type, int code, uint64_t now, uint64_t total, const char *name,
	       const char *msg);
/* Build and swap in the target prefix for p (lock held, entries present). */
int assemble_prefix(gotc_t *h, const struct plan *p);
/* Rewrite every linker script under root (a sysroot) so its absolute members
 * resolve inside the sysroot ("=/PATH"); *count (optional) = scripts changed. */
int sysroot_fix_scripts(gotc_t *h, const char *root, int *count);
/* A sysroot view: the trees of layers (NULL-terminated, the base first)
 * merged into dest, files hard-linked from the store. */
int sysroot_view(gotc_t *h, char *const *layers, const char *dest);
/* assemble_packages.c: the ABI promise for the shared libraries under root
 * (packages entry e of plan p): each checked against p's target as gotc
 * check does; DT_NEEDED in sysroot (NULL: not checked).  scratch: a
 * directory to find a library's package in.  GOTC_EASSEMBLE naming the
 * package, the library and the failed check's evidence. */
int packages_abi_check(gotc_t *h, const struct plan *p, const struct entry *e, const char *root,
		       const char *sysroot, const char *scratch);

/* assemble_host.c.  toolchain_host_need: measure the highest GLIBC_ version
 * the host programs under root need and hold r->host_glibc to it (a
 * mismatch is GOTC_ERECIPE naming the file); *info (malloc'd) gets the
 * "host_arch A\nhost_glibc V\n" lines of the entry's info file.
 * toolchain_host_check: GOTC_EHOST, with the message, when this host's glibc
 * is below r->host_glibc (call it before downloading).  host_glibc_version:
 * this host's glibc ("2.36"; GOTC_TEST_HOST_GLIBC overrides it for tests). */
int toolchain_host_need(gotc_t *h, const struct recipe *r, const char *root, char **info);
int toolchain_host_check(gotc_t *h, const struct recipe *r);
const char *host_glibc_version(void);

struct env_file {
	const char *format, *file;
};
extern const struct env_file env_files[]; /* sh -> env.sh, ..., nul -> env.0 */
extern const size_t env_file_count;

/* File name of an env format inside a prefix ("sh" -> "env.sh"), NULL if unknown. */
const char *env_file_name(const char *format);

/* The user's own GOCACHE for a leaf (malloc'd):
 * ${XDG_CACHE_HOME:-$HOME/.cache}/gotc/gocache/LEAF; NULL with no home. */
char *gocache_user(const char *leaf);
/* A system-wide home (gotc --home /opt/gotc install; chmod -R a+rX) is
 * read-only for its users: for a GOCACHE value under GOTC_HOME/gocache this
 * user cannot write, the user's own GOCACHE (malloc'd), else NULL. */
char *gocache_fallback(gotc_t *h, const char *value);
/* What to do about target NAME not being installed (malloc'd): "run: gotc
 * [--home DIR] install NAME" when the search path has it, else where to look. */
char *hint_install(gotc_t *h, const char *name);
/* Target (or instance) NAME is not installed: GOTC_ENOTINST, "target 'NAME'
 * is not installed in HOME (run: gotc install NAME)", when the search path
 * has its target; else GOTC_ENOTARGET (exit 2), an unknown name, with the
 * nearest target if one is close. */
int target_not_installed(gotc_t *h, const char *name);
/* The search path has the target file of NAME (TARGET or TARGET@goVERSION). */
bool target_known(gotc_t *h, const char *name);
/* Put an installed target's environment (its env.0) into this process's
 * environment, PATH prepended.  GOTC_ENOTINST when it is not installed. */
int env_apply(gotc_t *h, const char *target);

/* Paths of an installed target: GOTC_HOME/targets/NAME (malloc'd). */
char *target_link_path(gotc_t *h, const char *name);
/* The prefix directory a target link points at, or NULL if not installed. */
char *target_prefix_dir(gotc_t *h, const char *name);

#endif
