#!/bin/sh
# End to end for the terminal: `gotc install` runs in a real terminal emulator
# (a detached tmux pane, 24 rows) at 80 and 120 columns while the loopback
# server sends slowly; the pane is captured every 0.2 s and at the end with
# its whole scrollback (wrapped lines joined).  No line may exceed the width,
# no live line (fetch/unpack/assemble/total) may stay behind, the total line
# and the workers' unpack progress must show.  Then TERM=dumb and a pipe (no
# escape code at all), colours on a terminal and NO_COLOR, and Ctrl-C (one
# clean "interrupted" line, exit status 130).
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
if ! command -v tmux >/dev/null || ! command -v script >/dev/null; then
	fresh
	notok "tmux and script are installed (tools/install-deps)"
	done_testing
	exit 1
fi
build_fixtures "$TMPROOT/fx"
start_server "$TMPROOT/fx/www" --rate 50000
SLOW_PORT=$PORT SLOW_PID=$SERVER_PID
start_server "$TMPROOT/fx/www"
FAST_PORT=$PORT FAST_PID=$SERVER_PID
trap 'kill $SLOW_PID $FAST_PID 2>/dev/null; [ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
ESC=$(printf '\033')

# setup PORT: a fresh home whose config points the test mirror at PORT
setup() {
	fresh
	export GOTC_PATH="$TMPROOT/fx/search"
	PORT=$1
	mirror_config
}

# in_tmux NAME COLS CMD: run CMD (a shell command line) in a COLS x 24 tmux
# pane; frames in $T/NAME.frames/N, the scrollback in $T/NAME.screen, CMD's
# exit status in $xrc.  With STOP_AT=REGEX: Ctrl-C once a frame matches it.
in_tmux() {
	_nm=$1 _cols=$2 _cmd=$3
	_d="$T/$_nm.frames" _sock="gotc-test-$$-$_nm"
	mkdir -p "$_d"
	printf 'set -g history-limit 5000\nset -g status off\n' >"$T/tmux.conf"
	tmux -L "$_sock" -f "$T/tmux.conf" new-session -d -x "$_cols" -y 24 -s t \
		"trap true INT; $_cmd; echo \"__EXIT \$?\"; sleep 60"
	_i=0 _sent=
	while [ $_i -lt 300 ]; do
		_i=$((_i + 1))
		sleep 0.2
		tmux -L "$_sock" capture-pane -p -J -t t 2>/dev/null | sed 's/ *$//' >"$_d/$_i"
		if [ -n "${STOP_AT:-}" ] && [ -z "$_sent" ] && grep -Eq "$STOP_AT" "$_d/$_i"; then
			tmux -L "$_sock" send-keys -t t C-c
			_sent=1
		fi
		grep -q '^__EXIT ' "$_d/$_i" && break
	done
	tmux -L "$_sock" capture-pane -p -J -S - -t t 2>/dev/null | sed 's/ *$//' >"$T/$_nm.screen"
	tmux -L "$_sock" kill-server 2>/dev/null
	xrc=$(sed -n 's/^__EXIT //p' "$T/$_nm.screen" | tail -n 1)
}

# Lines longer than COLS in the frames and the scrollback of NAME.
too_wide() { cat "$T/$1.frames"/* "$T/$1.screen" | awk -v w="$2" 'length($0) > w' | head -n 3; }
# Live lines (indented: fetch, unpack, assemble, total) left in the scrollback
# once gotc has finished; only the hint after the summary is indented.
stale() { grep -E '^  ' "$T/$1.screen" | grep -v '^  use it: ' | head -n 3; }

for cols in 80 120; do
	setup "$SLOW_PORT"
	in_tmux "w$cols" "$cols" "\"$GOTC_BIN\" install fix-gcc"
	[ "$cols" = 80 ] && W80=$T
	if [ "$xrc" = 0 ]; then ok "$cols columns: install in a terminal"; else notok "$cols columns: install in a terminal" "exit '$xrc': $(tail -5 "$T/w$cols.screen")"; fi
	w=$(too_wide "w$cols" "$cols")
	if [ -z "$w" ]; then ok "$cols columns: no line exceeds the width"; else notok "$cols columns: line wider than $cols" "$w"; fi
	s=$(stale "w$cols")
	if [ -z "$s" ]; then ok "$cols columns: no stale live line in the scrollback"; else notok "$cols columns: stale lines" "$s"; fi
	if cat "$T/w$cols.frames"/* | grep -Eq '^  total +[0-9.]+ ?[KMG]?i?B?/[0-9.]+ [KMG]?i?B.*artifacts [0-9]+/[0-9]+ +entries [0-9]+/[0-9]+'; then
		ok "$cols columns: a total line (bytes, artifacts, entries)"
	else
		notok "$cols columns: total line" "$(cat "$T/w$cols.frames"/* | grep '^  total' | head -3)"
	fi
	if cat "$T/w$cols.frames"/* | grep -Eq '^  unpack +[^ ]+ +(\[[#.]+\] )? *[0-9]+% '; then
		ok "$cols columns: workers' unpack progress shows"
	else
		notok "$cols columns: unpack progress" "$(cat "$T/w$cols.frames"/* | grep '^  unpack' | sort -u | head -5)"
	fi
	if grep -Eq '^installed fix-gcc in [0-9.]+ s: [0-9.]+ [KM]iB fetched, [0-9.]+ [KM]iB in the store$' "$T/w$cols.screen"; then
		ok "$cols columns: end summary"
	else
		notok "$cols columns: end summary" "$(grep installed "$T/w$cols.screen")"
	fi
	if grep -Eq '^assembled go-1\.19\.8-[0-9a-f]+ \([0-9.]+ [KM]iB\)$' "$T/w$cols.screen" &&
		! grep -q '(0 B)' "$T/w$cols.screen"; then
		ok "$cols columns: assembled entries show their real size"
	else
		notok "$cols columns: entry sizes" "$(grep -E 'assembled|0 B' "$T/w$cols.screen")"
	fi
	if grep -Eq '0 B/s|ETA 0s' "$T/w$cols.frames"/*; then
		notok "$cols columns: no '0 B/s' nor 'ETA 0s'" "$(grep -Eh '0 B/s|ETA 0s' "$T/w$cols.frames"/* | head -3)"
	else
		ok "$cols columns: no '0 B/s' nor 'ETA 0s'"
	fi
done

# TERM=dumb on a terminal (script gives gotc a pty): plain lines, no escape code.
setup "$FAST_PORT"
script -q -e -c "TERM=dumb \"$GOTC_BIN\" install fix-gcc" "$T/typescript" >/dev/null 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q "$ESC" "$T/typescript" && grep -q '^fetched go (' "$T/typescript" &&
	grep -q '^installed fix-gcc in ' "$T/typescript"; then
	ok "TERM=dumb: plain lines, no escape code"
else
	notok "TERM=dumb: plain lines" "exit $rc: $(cat -v "$T/typescript" | head -8)"
fi

# A pipe: the same plain lines; a second install is "already installed".
setup "$FAST_PORT"
g install fix-gcc
if [ "$rc" -eq 0 ] && ! grep -q "$ESC" "$T/err" && grep -q '^fetch go <- http://127.0.0.1' "$T/err" &&
	grep -q '^unpack go$' "$T/err" && grep -Eq '^assembled go-1\.19\.8-[0-9a-f]+ \([0-9.]+ KiB\)$' "$T/err"; then
	ok "piped: plain lines (fetch, unpack, assembled with size), no escape code"
else
	notok "piped: plain lines" "$(cat -v "$T/err")"
fi
g install fix-gcc
check "piped: installed again: nothing to do" 0 "fix-gcc: already installed, nothing to do"
# cached downloads say so, and are not counted as fetched
rm -rf "$GOTC_HOME"
g install fix-gcc
if grep -q '^cached  go (' "$T/err" && ! grep -q '^fetched go ' "$T/err" &&
	grep -Eq '^installed fix-gcc in [0-9.]+ s: 0 B fetched \([0-9.]+ KiB from the download cache\)' "$T/err"; then
	ok "piped: cache hits say 'cached', the summary does not count them as fetched"
else
	notok "piped: cache hits" "$(cat "$T/err")"
fi

# Colours: on a terminal; never with NO_COLOR, TERM=dumb or a pipe.
setup "$FAST_PORT"
script -q -c "TERM=xterm \"$GOTC_BIN\" install no-such-target" "$T/typescript" >/dev/null 2>&1
if grep -q "${ESC}\[1;31mgotc:${ESC}\[0m" "$T/typescript"; then ok "colour: errors in red on a terminal"; else notok "colour on a terminal" "$(cat -v "$T/typescript")"; fi
script -q -c "NO_COLOR=1 TERM=xterm \"$GOTC_BIN\" install no-such-target" "$T/typescript" >/dev/null 2>&1
if grep -q "$ESC" "$T/typescript" || ! grep -q 'gotc:' "$T/typescript"; then notok "NO_COLOR: no colour" "$(cat -v "$T/typescript")"; else ok "NO_COLOR: no colour"; fi
g install no-such-target
if grep -q "$ESC" "$T/err"; then notok "piped: no colour" "$(cat -v "$T/err")"; else ok "piped: no colour"; fi
# ok/FAIL of gotc check (an x86-64 program against an arm64 target fails)
script -q -c "TERM=xterm \"$GOTC_BIN\" check fix-gcc /bin/true" "$T/typescript" >/dev/null 2>&1
if grep -q "${ESC}\[1;31mFAIL${ESC}\[0m /bin/true: machine" "$T/typescript" && grep -q "${ESC}\[32mok  ${ESC}\[0m /bin/true" "$T/typescript"; then
	ok "colour: ok and FAIL on a terminal"
else
	notok "colour: ok and FAIL" "$(cat -v "$T/typescript")"
fi
g check fix-gcc /bin/true
if [ "$rc" -eq 1 ] && ! grep -q "$ESC" "$T/out" && grep -q '^FAIL /bin/true: machine' "$T/out"; then ok "piped: check without colour"; else notok "piped: check without colour" "$(cat -v "$T/out")"; fi

# Ctrl-C during the downloads: one clean line, no live line left, status 130.
setup "$SLOW_PORT"
STOP_AT='^  total ' in_tmux intr 80 "\"$GOTC_BIN\" install fix-gcc"
s=$(stale intr)
if [ "$xrc" = 130 ] && grep -q '^gotc: interrupted$' "$T/intr.screen" && [ -z "$s" ]; then
	ok "Ctrl-C: a clean 'interrupted' line, exit status 130"
else
	notok "Ctrl-C" "exit '$xrc' stale '$s': $(grep -v '^$' "$T/intr.screen" | tail -8)"
fi
g install fix-gcc
check "after Ctrl-C the next install completes" 0
# GOTC_FRAMES=DIR keeps the 80-column frames
[ -n "${GOTC_FRAMES:-}" ] && cp -R "$W80/w80.frames" "$W80/w80.screen" "$GOTC_FRAMES/"
done_testing
