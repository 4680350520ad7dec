#!/bin/sh
# The go.mod guard: gotc exec, gotc doctor and gotc env --check refuse, before
# running anything, a module whose go.mod needs a newer Go than the target's
# (the fixture target's Go says go1.19.8); gotc env alone never reads go.mod.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
serve_fixtures
fresh; mirror_config
g -q install fix-gcc
check "install the fixture target" 0
M="$T/mod"
mkdir -p "$M/sub"
# in_mod DIR ARGS...: run gotc in DIR
in_mod() { _d=$1; shift; (cd "$_d" && ${GOTC_WRAP:-} "$(vg_bin "$@")" "$@") >"$T/out" 2>"$T/err"; rc=$?; }

printf 'module example.com/m\n\ngo 1.22\n' >"$M/go.mod"
in_mod "$M" exec fix-gcc -- touch "$T/RAN"
check "exec: a module needing go 1.22" 2 \
	"go.mod:3: module needs go 1.22; fix-gcc uses Go 1.19.8 (run: gotc install fix-gcc --go 1.22, or set go = 1.22 in gotc.ini)"
[ ! -e "$T/RAN" ] && ok "exec: nothing ran" || notok "exec ran the command"
in_mod "$M/sub" exec fix-gcc -- true
check "exec: go.mod found walking up" 2 \
	"../go.mod:3: module needs go 1.22; fix-gcc uses Go 1.19.8 (run: gotc install fix-gcc --go 1.22, or set go = 1.22 in gotc.ini)"
in_mod "$M" env fix-gcc
check "env never reads go.mod" 0
in_mod "$M" env --check fix-gcc
check "env --check refuses" 2 \
	"go.mod:3: module needs go 1.22; fix-gcc uses Go 1.19.8 (run: gotc install fix-gcc --go 1.22, or set go = 1.22 in gotc.ini)"
[ ! -s "$T/out" ] && ok "env --check prints no path when it refuses" || notok "env --check output"
in_mod "$M" doctor fix-gcc
check "doctor refuses before building" 2 \
	"go.mod:3: module needs go 1.22; fix-gcc uses Go 1.19.8 (run: gotc install fix-gcc --go 1.22, or set go = 1.22 in gotc.ini)"

printf 'module example.com/m\n\ngo 1.19\n// a comment\ntoolchain go1.23.0 // dev\n' >"$M/go.mod"
in_mod "$M" exec fix-gcc -- true
check "a toolchain line needs Go 1.21" 2 \
	"go.mod:5: module's toolchain line needs go 1.21; fix-gcc uses Go 1.19.8 (run: gotc install fix-gcc --go 1.21, or set go = 1.21 in gotc.ini)"
printf 'module example.com/m\n\ngo 1.19.0\n' >"$M/go.mod"
in_mod "$M" exec fix-gcc -- true
check "a go line in the 1.N.N form needs Go 1.21" 2 \
	"go.mod:3: module's go line (the 1.N.N form) needs go 1.21; fix-gcc uses Go 1.19.8 (run: gotc install fix-gcc --go 1.21, or set go = 1.21 in gotc.ini)"
printf 'module example.com/m\ngo 1.x\n' >"$M/go.mod"
in_mod "$M" exec fix-gcc -- true
check "a malformed go line" 2 "go.mod:2: invalid go version '1.x' (expected 1.N, 1.N.N or 1.NrcN)"
printf 'module example.com/m\ngo 1.18\ngo 1.19\n' >"$M/go.mod"
in_mod "$M" exec fix-gcc -- true
check "a repeated go line" 2 "go.mod:3: repeated go line (first on line 2)"
printf 'module example.com/m\ngo 1.18\nrequire (\n\tx.org/y v1.0.0\n' >"$M/go.mod"
in_mod "$M" exec fix-gcc -- true
check "an unclosed block" 2 "go.mod:3: the block opened here is never closed"

printf 'module example.com/m\n\ngo 1.19\n\nrequire (\n\tgo v1.0.0 // a path named go in a block\n)\n' >"$M/go.mod"
in_mod "$M" exec fix-gcc -- sh -c 'echo "$GOTC_TARGET" >"$0"' "$T/RAN"
check "a module that fits runs" 0
[ "$(cat "$T/RAN" 2>/dev/null)" = fix-gcc ] && ok "the command ran in the env" || notok "the command ran"
in_mod "$M" env --check fix-gcc
check "env --check passes a module that fits" 0
out_has "env --check prints the path" "$GOTC_HOME/targets/fix-gcc/env.sh"
rm -f "$M/go.mod"
in_mod "$M" exec nosuch -- true
check "exec of a target that exists nowhere" 2 "gotc exec: target 'nosuch' is not installed in $GOTC_HOME (no target 'nosuch' on the search path either: see 'gotc targets')"
stop_server
done_testing
