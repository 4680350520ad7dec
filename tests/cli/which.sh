#!/bin/sh
# gotc which TOOL [TARGET]: the path of go, cc, c++, ar and pkg-config in an
# installed target's environment, each one the program the env runs; the
# default target is the loaded env's ($GOTC_TARGET), else the only installed.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"
trap 'stop_server; [ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
export GOTC_TEST_PATH="$FX/search"
fresh; mirror_config
g which cc
check "no target, none installed" 2 "gotc which: missing TARGET: no env is loaded and 0 targets are installed in $GOTC_HOME (see 'gotc list')"
# the install is not under valgrind (install.sh runs installs there)
wrap=${GOTC_WRAP:-}
GOTC_WRAP=
g install fix-gcc
check "install fix-gcc" 0
GOTC_WRAP=$wrap
P="$GOTC_HOME/targets/fix-gcc"
# what the env says each tool is, read by a shell that loaded it
env -i PATH=/usr/bin:/bin sh -c '. "$1"; command -v go; command -v "$CC"; command -v "$CXX"; command -v "$AR"; command -v pkg-config' \
	sh "$P/env.sh" >"$T/want" 2>&1
i=0
for tool in go cc c++ ar pkg-config; do
	i=$((i + 1))
	want=$(sed -n "${i}p" "$T/want")
	g which $tool fix-gcc
	check "which $tool fix-gcc" 0
	[ "$(cat "$T/out")" = "$want" ] && [ -n "$want" ] && ok "$tool: $want, what the env runs" ||
		notok "which $tool" "got $(cat "$T/out"), the env runs '$want'"
done
case $(sed -n 1p "$T/want") in "$P"/*) ok "go is the prefix's" ;; *) notok "go in the prefix" "$(cat "$T/want")" ;; esac
g which go
check "no TARGET: the only one installed" 0
[ "$(cat "$T/out")" = "$(sed -n 1p "$T/want")" ] && ok "the only installed target's go" || notok "default target" "$(cat "$T/out")"
"$(cat "$T/out")" version >"$T/v" 2>&1 && grep -q "go1.19.8" "$T/v" && ok "the go it names runs" || notok "go runs" "$(cat "$T/v")"
GOTC_TARGET=nosuch g which cc
check "no TARGET: the loaded env's (GOTC_TARGET), not installed here" 1
err_has "names the target" "nosuch"
g which cc nosuch
check "a target not installed" 1
g which gcc fix-gcc
check "an unknown tool" 2 "gotc which: unknown tool 'gcc' (go, cc, c++, ar or pkg-config)"
g which
check "no TOOL" 2 "gotc which: missing TOOL (go, cc, c++, ar or pkg-config)"
done_testing
