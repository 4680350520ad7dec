#!/bin/sh
# Every next-step hint gotc prints is exactly runnable: it is run here, by a
# POSIX sh, as printed (with --home when one was given, `.` not `source`),
# and a hint never suggests installing a target that does not exist.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
build_fixtures "$TMPROOT/fx"
start_server "$TMPROOT/fx/www"
trap 'stop_server; [ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
# run_hint TEXT: run TEXT in sh, with this gotc first on PATH, in another directory
run_hint() { (cd "$TMPROOT" && PATH="$ROOT:$PATH" sh -c "$1") >"$T/hint.out" 2>&1; }

fresh
export GOTC_PATH="$TMPROOT/fx/search"
mirror_config
H="$T/a home"
g --home "$H" env fix-gcc
check "env before install" 1
hint=$(sed -n 's/.*(run: \(.*\))$/\1/p' "$T/err")
[ "$hint" = "gotc --home '$H' install fix-gcc" ] && ok "env: the install hint carries --home" || notok "env: install hint" "$(cat "$T/err")"
run_hint "$hint" && ok "env: the install hint runs" || notok "env: the install hint runs" "$(cat "$T/hint.out")"
g --home "$H" install fix-gcc
check "install again" 0
g --home "$H" remove fix-gcc
g --home "$H" install fix-gcc
check "install with --home" 0
hint=$(sed -n 's/^  use it: //p' "$T/err")
[ "$hint" = ". \"\$(gotc --home '$H' env fix-gcc)\"" ] && ok "install: the env hint uses . and --home" || notok "install: env hint" "$(cat "$T/err")"
run_hint "$hint && echo \"\$GOARCH \$CGO_ENABLED\"" && [ "$(cat "$T/hint.out")" = "arm64 1" ] &&
	ok "install: the env hint runs in sh" || notok "install: the env hint runs in sh" "$(cat "$T/hint.out")"
g --home "$H" exec nosuch -- true
check "exec of a target that exists nowhere" 2
err_has "exec: no install hint for a target that does not exist" "no target 'nosuch' on the search path either: see 'gotc --home '$H' targets'"
grep -q 'install nosuch' "$T/err" && notok "never 'install nosuch'" "$(cat "$T/err")" || ok "never 'install nosuch'"
g env nosuch
check "env of a target that exists nowhere" 2
grep -q 'install nosuch' "$T/err" && notok "env: never 'install nosuch'" "$(cat "$T/err")" || ok "env: never 'install nosuch'"
g exec fix-clang -- true
check "exec of a known target not installed" 1
err_has "exec: install hint without --home" "(run: gotc install fix-clang)"
done_testing
