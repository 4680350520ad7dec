/* deb_verify.c - OpenPGP verification of a suite's InRelease with gpgv (the
 * verifier apt uses), the only file that runs it.
 *
 * gpgv runs with an empty private home (so no user keyring is trusted), the
 * recipe's keyring file as the only keyring, and --status-fd for
 * machine-readable results.  The signed text is what gpgv writes with
 * --output: nothing outside the signature is ever read. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deb.h"
#include "util.h"

extern char **environ;

/* The first status line starting with "[GNUPG:] WORD", or NULL. */
static const char *status_line(const char *st, const char *word)
{
	size_t wl = strlen(word);
	for (const char *l = st; l && *l;) {
		if (str_starts(l, "[GNUPG:] ") && !strncmp(l + 9, word, wl) &&
		    (l[9 + wl] == ' ' || l[9 + wl] == '\n' || !l[9 + wl]))
			return l + 9 + wl;
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	return NULL;
}

static char *word_after(const char *s, int n)
{
	for (int i = 0; i < n && s; i++) {
		s += strspn(s, " ");
		s = strpbrk(s, " \n");
	}
	if (!s)
		return NULL;
	s += strspn(s, " ");
	return str_ndup(s, strcspn(s, " \n"));
}

int deb_verify_inrelease(gotc_t *h, const char *inrelease, const char *keyring, char **out_text,
			 size_t *out_len, struct deb_signer *who)
{
	char tmpl[] = "/tmp/gotc-gpgv.XXXXXX";
	char *dir = mkdtemp(tmpl) ? tmpl : NULL;
	char *out = NULL, *status = NULL, *log = NULL, *st = NULL, *logtext = NULL;
	char *kr = NULL;
	int rc = 0;
	*out_text = NULL;
	if (!dir)
		return gotc_fail(h, -errno, "mkdtemp: %s", strerror(errno));
	out = path_join(dir, "signed");
	status = path_join(dir, "status");
	log = path_join(dir, "log");
	kr = keyring[0] == '/' ? strdup(keyring) : realpath(keyring, NULL);
	if (!out || !status || !log) {
		rc = gotc_fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	if (!kr || access(kr, R_OK) != 0) {
		rc = gotc_fail(h, GOTC_ESIGNATURE, "keyring %s: %s", keyring, strerror(errno));
		goto out;
	}
	int sfd = open(status, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, lfd, 1);
	posix_spawn_file_actions_adddup2(&fa, lfd, 2);
	posix_spawn_file_actions_adddup2(&fa, sfd, 3);
	char *argv[] = {"gpgv", "--homedir", dir, "--status-fd", "3", "--keyring", kr, "--output", out,
			(char *)inrelease, NULL};
	pid_t pid;
	int err = sfd < 0 || lfd < 0 ? errno : posix_spawnp(&pid, "gpgv", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (sfd >= 0)
		close(sfd);
	if (lfd >= 0)
		close(lfd);
	if (err) {
		rc = gotc_fail(h, GOTC_ESIGNATURE,
			       "cannot run gpgv to verify %s: %s (apt-get install gpgv)", inrelease,
			       strerror(err));
		goto out;
	}
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR) {
			rc = gotc_fail(h, -errno, "waitpid: %s", strerror(errno));
			goto out;
		}
	/* without gpgv's status or log the reason below is the generic one */
	if (read_file(status, &st, NULL) < 0)
		st = NULL;
	if (read_file(log, &logtext, NULL) < 0)
		logtext = NULL;
	const char *s = st ? st : "";
	const char *why = status_line(s, "EXPKEYSIG")    ? "the signing key has expired"
			  : status_line(s, "REVKEYSIG")  ? "the signing key was revoked"
			  : status_line(s, "EXPSIG")     ? "the signature has expired"
			  : status_line(s, "BADSIG")     ? "BAD signature (the file was changed after it was signed)"
			  : status_line(s, "NO_PUBKEY")  ? "signed by a key that is not in the keyring"
			  : status_line(s, "NODATA")     ? "no OpenPGP signature in the file"
			  : status_line(s, "ERRSIG")     ? "the signature could not be checked"
			  : !status_line(s, "GOODSIG")   ? "no good signature"
			  : !status_line(s, "VALIDSIG")  ? "no valid signature"
			  : !WIFEXITED(ws) || WEXITSTATUS(ws) ? "gpgv failed"
							       : NULL;
	if (why) {
		const char *k = status_line(s, "EXPKEYSIG");
		char *keyid = k ? word_after(k, 0) : NULL;
		rc = gotc_fail(h, GOTC_ESIGNATURE, "%s: %s%s%s (keyring %s)%s%.400s", inrelease, why,
			       keyid ? ": key " : "", keyid ? keyid : "", keyring,
			       logtext && *logtext ? "\ngpgv: " : "", logtext ? logtext : "");
		free(keyid);
		goto out;
	}
	const char *v = status_line(s, "VALIDSIG");
	/* VALIDSIG SIGNING-FPR DATE TIMESTAMP ... PRIMARY-FPR: the key, not its subkey */
	char *fpr = word_after(v, 9), *ts = word_after(v, 2);
	if (!fpr || strlen(fpr) != 40) {
		free(fpr);
		fpr = word_after(v, 0);
	}
	if (!fpr || strlen(fpr) != 40 || !ts) {
		rc = gotc_fail(h, GOTC_ESIGNATURE, "%s: gpgv gave no fingerprint", inrelease);
	} else if (who) {
		memcpy(who->fingerprint, fpr, 41);
		who->sig_time = strtoll(ts, NULL, 10);
	}
	free(fpr);
	free(ts);
	if (!rc && (rc = read_file(out, out_text, out_len)))
		rc = gotc_fail(h, rc, "%s: reading the signed text: %s", inrelease, strerror(-rc));
out:
	if (dir)
		rm_rf(dir);
	free(out);
	free(status);
	free(log);
	free(st);
	free(logtext);
	free(kr);
	return rc;
}
