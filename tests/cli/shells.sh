#!/bin/sh
# Switching targets in every shell: loading a target's env undoes the one
# loaded before (a variable only the first target sets, like a musl target's
# GOFLAGS, must not leak into the second), in the same shell and in a child
# shell that inherited it (CI steps); PATH never accumulates gotc directories;
# gotc_deactivate puts back what the user had.  dash, bash, zsh, ksh and fish
# (both `gotc env --format=fish T | source` and `source (gotc env --fish T)`).
# Then the GitHub formats, read by tests/lib/gh_file_commands.py (the runner's
# file-command rules): only valid $GITHUB_ENV lines, and $GITHUB_PATH.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
build_fixtures "$TMPROOT/fx"
S="$TMPROOT/fx/search"
# a static target: gotc sets GOFLAGS for it, as for a musl target
sed 's/^description = .*/description = static fixture (GOFLAGS, as a musl target has)/; s/^libc_version = .*/&\nlink = static/' \
	"$S/targets/fix-gcc.ini" >"$S/targets/fix-musl.ini"
start_server "$TMPROOT/fx/www"
trap 'stop_server; [ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
fresh
export GOTC_PATH="$S"
mirror_config
g install fix-gcc fix-musl
check "install two targets" 0
W="$T/w"
mkdir -p "$W"
# the gotc of this tree first on PATH, as a user has it
BASE="$ROOT:/usr/bin:/bin"

for shell in dash bash zsh ksh; do
	command -v $shell >/dev/null || { notok "$shell installed (tools/install-deps)"; continue; }
	(cd "$W" && env -i PATH="$BASE" HOME="$W" GOTC_HOME="$GOTC_HOME" GOFLAGS=-mod=vendor $shell -c '
		. "$(gotc env fix-musl)"
		echo "$GOFLAGS" >1.out
		. "$(gotc env fix-gcc)"
		echo "${GOFLAGS-unset}|$PATH" >2.out
		'"$shell"' -c "echo \"\${GOFLAGS-unset}\" >child1.out; . \"\$(gotc env fix-musl)\"; . \"\$(gotc env fix-gcc)\"; echo \"\${GOFLAGS-unset}|\$PATH\" >child2.out"
		gotc_deactivate
		echo "${GOFLAGS-unset}|$PATH|${CC-unset}|${_GOTC_VARS-unset}" >3.out
		unset GOFLAGS
		. "$(gotc env fix-musl)"; . "$(gotc env fix-gcc)"
		echo "${GOFLAGS-unset}" >4.out
		exit 0') >"$T/out" 2>"$T/err"
	rc=$?
	check "$shell: switch targets and deactivate" 0
	gcc_path="$GOTC_HOME/targets/fix-gcc/bin:$GOTC_HOME/targets/fix-gcc/goroot/bin:$BASE"
	[ "$(cat "$W/1.out")" = "-tags=osusergo,netgo -ldflags=-extldflags=-static" ] && ok "$shell: the first target sets GOFLAGS" || notok "$shell: GOFLAGS set" "$(cat "$W/1.out")"
	[ "$(cat "$W/2.out")" = "-mod=vendor|$gcc_path" ] &&
		ok "$shell: switching puts the user's GOFLAGS back and PATH holds only the new target's dirs" ||
		notok "$shell: switching" "got $(cat "$W/2.out") want -mod=vendor|$gcc_path"
	[ "$(cat "$W/child2.out")" = "-mod=vendor|$gcc_path" ] &&
		ok "$shell: the same in a child shell that inherited the env" ||
		notok "$shell: child shell" "got $(cat "$W/child2.out")"
	[ "$(cat "$W/3.out")" = "-mod=vendor|$BASE|unset|unset" ] && ok "$shell: gotc_deactivate restores everything" || notok "$shell: deactivate" "$(cat "$W/3.out")"
	[ "$(cat "$W/4.out")" = "unset" ] && ok "$shell: a variable only the first target set is unset" || notok "$shell: leak" "$(cat "$W/4.out")"
	rm -f "$W"/*.out
done

if command -v fish >/dev/null; then
	(cd "$W" && env -i PATH="$BASE" HOME="$W" GOTC_HOME="$GOTC_HOME" GOFLAGS=-mod=vendor fish --no-config -c '
		gotc env --format=fish fix-musl | source
		echo $GOFLAGS >1.out
		source (gotc env --fish fix-gcc)
		echo (set -q GOFLAGS; and echo $GOFLAGS; or echo unset)"|"(string join : $PATH) >2.out
		gotc env --format=fish fix-gcc | source
		echo (string join : $PATH) >2b.out
		gotc_deactivate
		echo $GOFLAGS"|"(string join : $PATH)"|"(set -q CC; and echo $CC; or echo unset)"|"(functions -q gotc_deactivate; and echo defined; or echo gone) >3.out
		set -e GOFLAGS
		gotc env --format=fish fix-musl | source
		gotc env --format=fish fix-gcc | source
		set -q GOFLAGS; and echo $GOFLAGS >4.out; or echo unset >4.out') >"$T/out" 2>"$T/err"
	rc=$?
	check "fish: switch targets and deactivate" 0
	gcc_path="$GOTC_HOME/targets/fix-gcc/bin:$GOTC_HOME/targets/fix-gcc/goroot/bin:$BASE"
	[ "$(cat "$W/1.out" 2>/dev/null)" = "-tags=osusergo,netgo -ldflags=-extldflags=-static" ] && ok "fish: gotc env --format=fish T | source" || notok "fish: | source" "$(cat "$W/1.out" "$T/err")"
	[ "$(cat "$W/2.out" 2>/dev/null)" = "-mod=vendor|$gcc_path" ] && ok "fish: source (gotc env --fish T) switches cleanly" || notok "fish: switch" "$(cat "$W/2.out" "$T/err")"
	[ "$(cat "$W/2b.out" 2>/dev/null)" = "$gcc_path" ] && ok "fish: loading again does not grow PATH" || notok "fish: PATH" "$(cat "$W/2b.out")"
	[ "$(cat "$W/3.out" 2>/dev/null)" = "-mod=vendor|$BASE|unset|gone" ] && ok "fish: gotc_deactivate restores everything" || notok "fish: deactivate" "$(cat "$W/3.out")"
	[ "$(cat "$W/4.out" 2>/dev/null)" = "unset" ] && ok "fish: a variable only the first target set is unset" || notok "fish: leak" "$(cat "$W/4.out")"
else
	notok "fish installed (tools/install-deps)"
fi

# GitHub: $GITHUB_ENV and $GITHUB_PATH as the runner reads them.
g env --format=github fix-musl
cp "$T/out" "$W/github.env"
g env --format=github-path fix-musl
cp "$T/out" "$W/github.path"
g env --format=json fix-musl
cp "$T/out" "$W/env.json"
python3 "$ROOT/tests/lib/gh_file_commands.py" "$W/github.env" "$W/github.path" /usr/bin:/bin >"$W/gh.out"
if [ $? -eq 0 ]; then ok "github: the runner accepts every line"; else notok "github: the runner rejects" "$(cat "$W/gh.out")"; fi
if grep -q '^#' "$W/github.env" "$W/github.path"; then notok "github: no comment lines" "$(grep '^#' "$W/github.env" "$W/github.path")"; else ok "github: no comment lines"; fi
python3 - "$W/gh.out" "$W/env.json" <<'P' && ok "github: every value and PATH exactly as the env has them" || notok "github: values" "$(cat "$W/gh.out")"
import json, sys
got = {}
for line in open(sys.argv[1]).read().splitlines():
    k, v = line.split("=", 1)
    got[k] = v if k == "PATH" else json.loads(v)
want = json.load(open(sys.argv[2]))
for k, v in want["env"].items():
    assert got.get(k) == v, (k, got.get(k), v)
assert set(got) == set(want["env"]) | {"PATH"}, sorted(set(got) ^ (set(want["env"]) | {"PATH"}))
assert got["PATH"] == ":".join(want["path_prepend"] + ["/usr/bin:/bin"]), got["PATH"]
P
# the parser itself refuses what the runner refuses (a test that can fail)
printf '# a comment\nA=1\n' >"$W/bad.env"
python3 "$ROOT/tests/lib/gh_file_commands.py" "$W/bad.env" "$W/github.path" /bin >"$W/gh.out" &&
	notok "the parser refuses a comment line" || ok "the parser refuses a comment line"
g env --format=nosuch fix-musl
check "unknown format" 2
err_has "unknown format lists github-path" "github-path"
done_testing
