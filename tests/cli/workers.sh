#!/bin/sh
# Install's workers: each is a process of its own leading a process group,
# and what it starts (make headers_install) goes with that group when the
# worker fails, when gotc is stopped and when gotc is killed; gotc waits
# for its own workers only, never for another child of its process.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"
trap 'stop_server; [ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
export GOTC_TEST_PATH="$FX/search"
S="$FX/search"

# kernel_fixture NAME LAST: a kernel "source" whose make headers_install
# starts a long-lived child in the background, writes its pid to
# $TMPROOT/NAME.pid, then runs LAST (fails, or hangs); target fix-NAME
kernel_fixture() {
	d="$FX/src/$1/linux"
	mkdir -p "$d"
	printf 'headers_install:\n\tsleep 300 >/dev/null 2>&1 & echo $$! >%s.tmp; mv %s.tmp %s; %s\n' \
		"$TMPROOT/$1.pid" "$TMPROOT/$1.pid" "$TMPROOT/$1.pid" "$2" >"$d/Makefile"
	tar -C "$FX/src/$1" -czf "$FX/www/$1.tar.gz" linux
	printf '[recipe]\nversion = 6.1.0\nmethod = headers_install\n[source linux]\nurl = ${mirror:test}/%s.tar.gz\nsha256 = %s\nsize = %s\nstrip = 1\n' \
		"$1" "$(sha "$FX/www/$1.tar.gz")" "$(size "$FX/www/$1.tar.gz")" >"$S/recipes/kernel/$1.ini"
	sed "s/^kernel_headers = kh-fix\$/kernel_headers = $1/" "$S/targets/fix-gcc.ini" >"$S/targets/fix-$1.ini"
}
kernel_fixture kfail "exit 3"
kernel_fixture khang "sleep 300"

# wait_file FILE: up to 60 s for it to appear (under load: a bound, not a check)
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1
		sleep 0.1
	done
}
# pstate PID: its state letter (Z: a zombie), empty when gone
pstate() { sed 's/^.*) \([A-Z]\).*$/\1/' "/proc/$1/stat" 2>/dev/null; }
pgroup() { sed 's/^.*) [A-Z] [0-9]* \([0-9]*\).*$/\1/' "/proc/$1/stat" 2>/dev/null; }
# group_live PGID: the live (not zombie) processes of the group, one awk
group_live() {
	awk -v g="$1" '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " ");
		if (f[3] == g && f[1] != "Z") printf " %s", FILENAME }' /proc/[0-9]*/stat 2>/dev/null
}
# group_gone PGID: up to 10 s for no live process of the group to remain
group_gone() {
	i=0
	while :; do
		live=$(group_live "$1")
		[ -z "$live" ] && return 0
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

# --- a build step fails: what the worker started dies with its group
fresh; mirror_config
rm -f "$TMPROOT/kfail.pid"
nw install fix-kfail
check "a failing make headers_install fails the install" 1
err_has "the failure names make headers_install" "make headers_install ARCH=arm64 failed"
kid=$(cat "$TMPROOT/kfail.pid" 2>/dev/null)
if [ -z "$kid" ]; then
	notok "the build step ran" "no pid file"
elif ! group_gone "$(pgroup "$kid" || echo none)" || [ -n "$(pstate "$kid")" ] && [ "$(pstate "$kid")" != Z ]; then
	notok "the build step's background child is gone after the failure" "pid $kid: $(pstate "$kid")"
	kill "$kid" 2>/dev/null
else
	ok "the build step's background child is gone after the failure"
fi
[ -z "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ] && ok "no staging left after the failure" ||
	notok "no staging left after the failure" "$(ls "$GOTC_HOME/store/.staging")"

# --- stopped (SIGTERM), then killed (SIGKILL), mid-build: the worker's group goes each time;
# gotc (exec'd by a shell that started a short child first) leaves that
# child to its parent's wait: it is a zombie, not reaped by gotc
for how in TERM KILL; do
	fresh; mirror_config
	rm -f "$TMPROOT/khang.pid" "$T/other.pid"
	sh -c 'sleep 1 & echo $! >"$1"; shift; exec "$@"' sh "$T/other.pid" "$GOTC_BIN" install fix-khang \
		>"$T/out" 2>"$T/err" &
	gp=$!
	if ! wait_file "$TMPROOT/khang.pid"; then
		kill -9 "$gp" 2>/dev/null
		notok "$how: make headers_install started" "no pid file"
		continue
	fi
	kid=$(cat "$TMPROOT/khang.pid")
	pg=$(pgroup "$kid")
	[ -n "$pg" ] && [ "$pg" != "$(pgroup "$gp")" ] && ok "$how: the build step runs in a process group of its own" ||
		notok "$how: the build step's process group" "child $kid in group '$pg', gotc $gp in $(pgroup "$gp")"
	if [ $how = TERM ]; then
		other=$(cat "$T/other.pid")
		i=0
		while [ "$(pstate "$other")" != Z ] && [ -n "$(pstate "$other")" ] && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		[ "$(pstate "$other")" = Z ] && ok "gotc does not reap a child it did not start" ||
			notok "gotc does not reap a child it did not start" "pid $other: '$(pstate "$other")'"
	fi
	kill -$how "$gp"
	wait "$gp"
	rc=$?
	[ $how = TERM ] && check "stopped (SIGTERM, as a shell's background job ignores SIGINT): exit 143" 143
	group_gone "$pg" && ok "$how: the worker's process group is gone" ||
		{ notok "$how: the worker's process group is gone" "left: $live"; kill -9 -"$pg" 2>/dev/null; }
done
# --- under valgrind (the vg tier), one install with its workers traced too
if [ -n "${GOTC_WRAP:-}" ]; then
	fresh; mirror_config
	_w=$GOTC_WRAP
	GOTC_WRAP=$(printf '%s' "$_w" | sed 's/ --trace-children-skip-by-arg=[^ ]*//')
	g install fix-gcc
	GOTC_WRAP=$_w
	check "an install with its workers traced by valgrind" 0
fi
done_testing
