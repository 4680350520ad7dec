#!/bin/sh
# Project files (gotc.ini): install, env, exec and lock with no TARGET use the
# project's targets and Go; strict validation; the walk up stops at .git.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
serve_fixtures
# in_dir DIR ARGS...: run gotc in DIR
in_dir() { _d=$1; shift; (cd "$_d" && ${GOTC_WRAP:-} "$(vg_bin "$@")" "$@") >"$T/out" 2>"$T/err"; rc=$?; }

fresh; mirror_config
P="$T/proj"
mkdir -p "$P/sub/.git" "$P/a/b"
printf '; a project\n[project]\ntargets = fix-gcc fix-clang\n' >"$P/gotc.ini"
in_dir "$P/a/b" -q install
check "install with no TARGET installs the project's targets" 0
[ -d "$GOTC_HOME/targets/fix-gcc" ] && [ -d "$GOTC_HOME/targets/fix-clang" ] && ok "both targets installed" ||
	notok "project targets installed" "$(ls "$GOTC_HOME/targets")"
in_dir "$P/a" env
check "env with no TARGET" 0
out_has "env: the default (first) target" "$GOTC_HOME/targets/fix-gcc/env.sh"
in_dir "$P" exec -- sh -c 'echo "target=$GOTC_TARGET"'
check "exec -- CMD" 0
out_has "exec: the default target's env" "target=fix-gcc"
in_dir "$P" exec -t fix-clang -- sh -c 'echo "target=$GOTC_TARGET"'
check "exec -t TARGET -- CMD" 0
out_has "exec -t: that target's env" "target=fix-clang"
in_dir "$P" exec fix-clang -- true
check "exec TARGET CMD still works in a project" 0
in_dir "$P/a" list
grep -q '^\* fix-gcc .* (project default)$' "$T/out" && ! grep -q '^\* fix-clang' "$T/out" &&
	ok "list marks the project's default target" || notok "list: project default" "$(cat "$T/out")"
in_dir "$P" lock -o -
check "lock with no TARGET" 0
out_has "lock: the project's targets" "targets = fix-gcc fix-clang"
in_dir "$P/sub" env
check "the walk up stops at a directory holding .git" 2 \
	"gotc env: missing TARGET (and no gotc.ini project file here or above)"

# go = VERSION: every target as the instance TARGET@goVERSION
printf '[project]\ngo = 1.19.8\ntargets = fix-gcc\n' >"$P/gotc.ini"
in_dir "$P" -q install
check "install a project with go = 1.19.8" 0
[ -d "$GOTC_HOME/targets/fix-gcc@go1.19.8" ] && ok "the project's Go makes the instance fix-gcc@go1.19.8 (exactly: the fixtures also pin a 1.19.9)" ||
	notok "instance installed" "$(ls "$GOTC_HOME/targets")"
in_dir "$P" env
out_has "env: the instance" "$GOTC_HOME/targets/fix-gcc@go1.19.8/env.sh"
in_dir "$P" exec -- sh -c 'echo "target=$GOTC_TARGET"'
out_has "exec: the instance's env" "target=fix-gcc@go1.19.8"
in_dir "$P" install --go 1.19
check "--go without TARGET in a project" 2 \
	"gotc install: --go needs a TARGET (a project's Go is go = in its gotc.ini)"

# strict: FILE:LINE, exit 2
bad() {
	printf "$2" >"$P/gotc.ini"
	in_dir "$P" env
	check "$1" 2 "$P/gotc.ini:$3"
}
bad "an unknown key" '[project]\ntargets = fix-gcc\ngoo = 1.2\n' "3: unknown key 'goo' in [project] (did you mean 'go'?)"
bad "an unknown section" '[project]\ntargets = fix-gcc\n[extra]\n' "3: unknown section [extra]"
bad "a malformed go" '[project]\ngo = 1.x\ntargets = fix-gcc\n' "2: go: expected a Go version like 1.24 or 1.24.4, got '1.x'"
bad "an instance in targets" '[project]\ntargets = fix-gcc@go1.2\n' "2: targets: 'fix-gcc@go1.2' is not a target name (NAME or REPO/NAME; the Go comes from go = VERSION)"
bad "a target twice" '[project]\ntargets = a b a\n' "2: targets: 'a' is listed twice"
bad "no targets" '[project]\ngo = 1.24\n' "1: [project]: missing required key 'targets'"
bad "no [project]" '; nothing\n' "1: no [project] section (a project file holds [project] with targets = ...)"
in_dir "$P" install
check "install refuses a bad project file too" 2
in_dir "$P" exec -- true
check "exec refuses a bad project file too" 2
stop_server
done_testing
