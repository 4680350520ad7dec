#!/bin/sh
# Env files: every format carries hostile values (command substitutions,
# backquotes, quotes, runs of spaces, a newline) byte for byte and executes
# nothing; the sh file works in dash, bash, zsh and ksh, can be sourced twice
# without growing PATH, and gotc_deactivate restores the previous environment.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"
export GOTC_TEST_PATH="$FX/search"
fresh; mirror_config
g install fix-gcc
check "install" 0
stop_server
H='$(touch PWNED) `touch PWNED2` '"'q'"' "dq"  two  spaces'
M='first $(touch PWNED3) line
second '"'line'"' \ end'
printf '%s' "$H" >"$T/want-h"
printf '%s' "$M" >"$T/want-m"
ENVF="$GOTC_HOME/targets/fix-gcc/env.sh"
W="$T/work"
mkdir -p "$W"
same() { # NAME FILE-GOT FILE-WANT
	if cmp -s "$2" "$3"; then ok "$1"; else notok "$1" "got: $(cat "$2")"; fi
}
nothing_ran() {
	if ls "$W" | grep -q PWNED; then notok "$1: nothing executed" "$(ls "$W")"; else ok "$1: nothing executed"; fi
}

for shell in dash bash zsh ksh; do
	command -v $shell >/dev/null || { notok "$shell installed (tools/install-deps)"; continue; }
	(cd "$W" && env -i PATH=/usr/bin:/bin CC=host-cc HOME="$W" $shell -c '
		. "$1"; . "$1"
		printf "%s" "$HOSTILE" >h.out; printf "%s" "$MULTI" >m.out
		echo "$PATH" >path1.out
		gotc_deactivate
		echo "$PATH" >path2.out
		echo "${CC-unset} ${GOROOT-unset} ${MULTI-unset}" >restored.out
		type gotc_deactivate >/dev/null 2>&1 && echo still-defined >>restored.out
		exit 0' "$shell" "$ENVF") >"$T/out" 2>"$T/err"
	rc=$?
	check "$shell: source twice and deactivate" 0
	same "$shell: value with quotes and substitutions" "$W/h.out" "$T/want-h"
	same "$shell: value with a newline" "$W/m.out" "$T/want-m"
	n=$(tr ':' '\n' <"$W/path1.out" | grep -c "targets/fix-gcc/bin")
	[ "$n" -eq 1 ] && ok "$shell: sourcing twice does not grow PATH" || notok "$shell: PATH" "$(cat "$W/path1.out")"
	[ "$(cat "$W/path2.out")" = "/usr/bin:/bin" ] && ok "$shell: deactivate restores PATH" || notok "$shell: deactivate PATH" "$(cat "$W/path2.out")"
	[ "$(cat "$W/restored.out")" = "host-cc unset unset" ] && ok "$shell: deactivate restores CC, unsets the rest" || notok "$shell: deactivate vars" "$(cat "$W/restored.out")"
	nothing_ran "$shell"
	rm -f "$W"/*.out
done

# fish
g env --format=fish fix-gcc
cp "$T/out" "$W/env.fish"
(cd "$W" && env -i PATH=/usr/bin:/bin HOME="$W" fish --no-config -c 'source env.fish; source env.fish; printf "%s" $HOSTILE >h.out; printf "%s" "$MULTI" >m.out; string join : $PATH >path.out') >"$T/out" 2>"$T/err"
rc=$?
check "fish: source" 0
same "fish: hostile value" "$W/h.out" "$T/want-h"
same "fish: value with a newline" "$W/m.out" "$T/want-m"
[ "$(tr ':' '\n' <"$W/path.out" | grep -c "targets/fix-gcc")" -eq 2 ] && grep -q ':/usr/bin:/bin$' "$W/path.out" &&
	ok "fish: PATH has bin and goroot/bin once after sourcing twice" || notok "fish: PATH" "$(cat "$W/path.out")"
nothing_ran fish
rm -f "$W"/*.out

# json
g env --format=json fix-gcc
python3 - "$T/out" "$T/want-h" "$T/want-m" <<'P' && ok "json: exact values" || notok "json: exact values"
import json, sys
d = json.load(open(sys.argv[1]))["env"]
assert d["HOSTILE"] == open(sys.argv[2]).read(), d["HOSTILE"]
assert d["MULTI"] == open(sys.argv[3]).read(), d["MULTI"]
P

# make
g env --format=make fix-gcc
cp "$T/out" "$W/env.mk"
(cd "$W" && printf 'include env.mk\nall:\n\t@printf "%%s" "$$HOSTILE" >h.out; printf "%%s" "$$MULTI" >m.out\n' >Makefile &&
	env -i PATH=/usr/bin:/bin make -s) >"$T/out" 2>"$T/err"
rc=$?
check "make: include" 0
same "make: hostile value" "$W/h.out" "$T/want-h"
same "make: value with a newline" "$W/m.out" "$T/want-m"
nothing_ran make
rm -f "$W"/*.out "$W/Makefile"

# github ($GITHUB_ENV syntax)
g env --format=github fix-gcc
python3 - "$T/out" "$T/want-h" "$T/want-m" <<'P' && ok "github: exact values" || notok "github: exact values"
import sys
lines = open(sys.argv[1]).read().split("\n")
env, i = {}, 0
while i < len(lines):
    l = lines[i]
    if "<<" in l and not l.startswith("#"):
        name, delim = l.split("<<", 1)
        j = lines.index(delim, i + 1)
        env[name] = "\n".join(lines[i + 1:j])
        i = j
    i += 1
assert env["HOSTILE"] == open(sys.argv[2]).read(), env["HOSTILE"]
assert env["MULTI"] == open(sys.argv[3]).read(), env["MULTI"]
P

# cmake toolchain file
g env --format=cmake fix-gcc
cp "$T/out" "$W/toolchain.cmake"
printf 'include(toolchain.cmake)\nfile(WRITE h.out "$ENV{HOSTILE}")\nfile(WRITE m.out "$ENV{MULTI}")\nfile(WRITE sysroot.out "${CMAKE_SYSROOT}")\n' >"$W/t.cmake"
(cd "$W" && cmake -P t.cmake) >"$T/out" 2>"$T/err"
rc=$?
check "cmake: toolchain file evaluates" 0
same "cmake: hostile value" "$W/h.out" "$T/want-h"
same "cmake: value with a newline" "$W/m.out" "$T/want-m"
[ "$(cat "$W/sysroot.out")" = "$GOTC_HOME/targets/fix-gcc/sysroot" ] && ok "cmake: CMAKE_SYSROOT" || notok "cmake: CMAKE_SYSROOT" "$(cat "$W/sysroot.out")"
nothing_ran cmake

# meson cross file: meson's string syntax
g env --format=meson fix-gcc
cp "$T/out" "$W/cross.ini"
python3 "$ROOT/tests/lib/machinefile.py" "$W/cross.ini" gotc_env_HOSTILE >"$W/h.out"
same "meson: hostile value" "$W/h.out" "$T/want-h"
grep -q '^# gotc_env_MULTI omitted: meson machine files cannot hold its value exactly' "$W/cross.ini" &&
	ok "meson: a value meson cannot hold is omitted, with a comment" || notok "meson: MULTI omitted"
if command -v meson >/dev/null; then
	mkdir -p "$W/m"
	cat >"$W/m/meson.build" <<'MB'
project('p')
message('sys_root=' + meson.get_external_property('sys_root'))
run_command('python3', '-c', 'import sys; open(sys.argv[1], "w").write(sys.argv[2])',
	'../mh.out', meson.get_external_property('gotc_env_HOSTILE'), check: true)
MB
	(cd "$W/m" && meson setup --cross-file ../cross.ini build >"$T/out" 2>"$T/err")
	rc=$?
	check "meson: setup with the cross file" 0
	grep -q "sys_root=$GOTC_HOME/targets/fix-gcc/sysroot" "$T/out" && ok "meson: sys_root read back" || notok "meson: sys_root"
	same "meson: hostile value read back by meson itself" "$W/mh.out" "$T/want-h"
	nothing_ran meson
else
	skip "meson reads the cross file" "meson not installed (tools/install-deps)"
fi
done_testing
