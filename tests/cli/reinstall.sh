#!/bin/sh
# gotc install --reinstall: verify names it for a damaged target; it rebuilds
# the target's store entries and prefix from the download cache (no network),
# each replacing the old tree in one atomic exchange: killed before or
# between the exchanges, the old target is still whole and usable.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
serve_fixtures

# the install, the killed runs and the state checks are not under valgrind
# (install.sh runs installs there; a killed process has nothing to report)
wrap=${GOTC_WRAP:-}
fresh; mirror_config
GOTC_WRAP=
g install fix-gcc
check "install" 0
GOTC_WRAP=$wrap
n0=$(wc -l <"$SERVER_LOG")
# damage a store entry (a header changed, a library gone) and the prefix
hdr=$(ls "$GOTC_HOME"/store/sysroot-*/root/usr/aarch64-linux-gnu/include/stdio.h)
lib=$(ls "$GOTC_HOME"/store/sysroot-*/root/usr/aarch64-linux-gnu/lib/libm.so)
envf="$GOTC_HOME/targets/fix-gcc/env.sh"
chmod u+w "$(dirname "$hdr")" "$hdr" "$(dirname "$lib")" "$(dirname "$envf")" "$envf"
echo '#error damaged' >>"$hdr"
rm -f "$lib"
echo 'export DAMAGED=1' >>"$envf"
chmod a-w "$(dirname "$hdr")" "$hdr" "$(dirname "$lib")" "$(dirname "$envf")" "$envf"
g --home "$GOTC_HOME" verify
check "verify finds the damage" 1
out_has "verify names the repair, with --home" "repair:  gotc --home $GOTC_HOME install --reinstall fix-gcc"
grep -c '^\(modified\|missing\) ' "$T/out" >"$T/nbad"
[ "$(cat "$T/nbad")" = 3 ] && ok "three problems" || notok "three problems" "$(cat "$T/out")"
cp "$T/out" "$T/verify.before"
# install's quick look: the prefix's files, the store entries' presence
# (their files are verify's, above)
g --home "$GOTC_HOME" install fix-gcc
check "install of the damaged target is not 'up to date'" 1 "gotc: fix-gcc is installed, but 1 file differs from the manifests written at install (gotc --home $GOTC_HOME verify fix-gcc lists them): repair it with gotc --home $GOTC_HOME install --reinstall fix-gcc"
sysroot=$(ls -d "$GOTC_HOME"/store/sysroot-*)
chmod u+w "$sysroot"
mv "$sysroot/manifest" "$sysroot/manifest.away"
g --home "$GOTC_HOME" install fix-gcc
check "an entry without its manifest: install is not 'up to date'" 1 "gotc: fix-gcc is installed, but 2 files differ from the manifests written at install (gotc --home $GOTC_HOME verify fix-gcc lists them): repair it with gotc --home $GOTC_HOME install --reinstall fix-gcc"
mv "$sysroot/manifest.away" "$sysroot/manifest"
chmod a-w "$sysroot"

# killed while the new entries are staged, then after the first exchange:
# every entry and the prefix in place, whole (old or new), the target usable
GOTC_WRAP=
for point in unpacked committed; do
	GOTC_TEST_KILL_AT=$point g install --reinstall fix-gcc
	[ "$rc" -eq 137 ] || [ "$rc" -eq 9 ] && ok "reinstall killed at $point" || notok "reinstall killed at $point" "exit $rc"
	bad=
	for e in "$GOTC_HOME"/store/*; do
		[ -f "$e/manifest" ] || bad="$bad $e"
	done
	[ -z "$bad" ] && [ -f "$envf" ] && ok "after a kill at $point: every entry and the env in place" ||
		notok "after a kill at $point" "no manifest:$bad"
	g --home "$GOTC_HOME" verify
	if [ "$point" = unpacked ]; then
		cmp -s "$T/out" "$T/verify.before" && ok "killed before any exchange: the old trees untouched" ||
			notok "old trees untouched" "$(diff "$T/verify.before" "$T/out")"
	else
		! grep -q "^missing .*/manifest\|cannot" "$T/out" "$T/err" && ok "killed between exchanges: each tree whole" ||
			notok "each tree whole" "$(cat "$T/out" "$T/err")"
	fi
done
GOTC_WRAP=$wrap

g install --reinstall fix-gcc
check "reinstall" 0
err_has "it says reinstalled" "reinstalled fix-gcc"
[ "$(wc -l <"$SERVER_LOG")" -eq "$n0" ] && ok "reinstall reads the download cache, no network" ||
	notok "reinstall used the network" "$(tail -3 "$SERVER_LOG")"
GOTC_WRAP= # the state checks below are not under valgrind (verify ran there)
g verify
check "verify after reinstall" 0
[ -z "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ] && ok "no staging left" ||
	notok "staging left" "$(ls "$GOTC_HOME/store/.staging")"
out=$(sh -c ". \"$envf\"; echo \"\${DAMAGED-none}|\$GOARCH\"; go version" 2>&1)
case $out in "none|arm64
go version go1.19.8 linux/amd64") ok "the rebuilt env works" ;; *) notok "rebuilt env" "$out" ;; esac
g install --reinstall --locked x.lock
check "--reinstall with --locked is a usage error" 2 "gotc install: --reinstall takes TARGET names, not --locked"
done_testing
