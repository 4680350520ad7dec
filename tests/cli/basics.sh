#!/bin/sh
# The CLI skeleton: --version, help, CMD --help, usage errors, targets --json,
# show, and the progress display on a terminal.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"

fresh
g --version
check "--version" 0
out_has "--version prints the version" "gotc 0.1.0"
g version
check "version command" 0
g --help
check "--help" 0
for c in targets show lint install env exec which list remove gc verify check doctor lock mirror bundle help version completion; do
	out_has "--help lists $c" "  $c "
done
g help show
check "help CMD" 0
out_has "help show prints usage" "usage: gotc show [--installed] [--go VERSION] [--json] TARGET"
g show --help
check "CMD --help" 0
out_has "show --help prints usage" "usage: gotc show [--installed] [--go VERSION] [--json] TARGET"
g env --help
check "env --help (front end hands help to the core)" 0
out_has "env --help prints usage" "usage: gotc env [--check] [--format=FORMAT | --fish] [TARGET]"
g help frobnicate
check "help of an unknown command" 2 "gotc help: no command 'frobnicate' (see 'gotc help')"
g frobnicate
check "unknown command" 2 "gotc: no command 'frobnicate' (see 'gotc --help')"
g --bogus
check "unknown global option" 2 "gotc: unknown option '--bogus' (see 'gotc --help')"
g
check "no command" 2
g show
check "show without TARGET" 2 "gotc show: missing TARGET"
g show nosuch-target
check "show of an unknown target exits 2" 2 "gotc: no target 'nosuch-target' on the search path (see 'gotc targets')"
g show test-arm6
check "unknown target: did you mean" 2 "gotc: no target 'test-arm6' on the search path (did you mean 'test-arm64'? see 'gotc targets')"
g install -q test-arm6
check "install of an unknown target exits 2, -q after the command" 2 "gotc: no target 'test-arm6' installed or on the search path (did you mean 'test-arm64'? see 'gotc list' and 'gotc targets')"
g shw test-arm64
check "unknown command: did you mean" 2 "gotc: no command 'shw' (did you mean 'show'? see 'gotc --help')"
g help instal
check "help of an unknown command: did you mean" 2 "gotc help: no command 'instal' (did you mean 'install'? see 'gotc help')"
# every command's unknown target is exit 2 with the nearest name (gotc(1)
# EXIT STATUS); a known target that is not installed stays exit 1
for c in env env-json exec which remove verify; do
	case $c in
	env-json) set -- env --format=json ;;
	exec) set -- exec ;;
	which) set -- which cc ;;
	*) set -- "$c" ;;
	esac
	g "$@" test-arm6 $([ "$c" = exec ] && echo true)
	check "$c of an unknown target exits 2" 2
	err_has "$c of an unknown target: did you mean" "did you mean 'test-arm64'?"
	g "$@" test-arm64 $([ "$c" = exec ] && echo true)
	check "$c of a known target not installed exits 1" 1
done
g remove test-arm64 test-arm6
check "remove: an unknown name among others exits 2" 2
# global options before or after the command, one policy
g targets -v --json
check "targets -v --json (a global option among the command's)" 0
g --home "$T/h2" list
check "--home before the command" 0
out_has "--home before the command is used" "targets in $T/h2:"
g list --home "$T/h3"
check "--home after the command" 0
out_has "--home after the command is used" "targets in $T/h3:"
g list --home
check "--home without DIR" 2 "gotc list: --home needs a directory"
g env -q nosuch
check "env -q: a global option after env (the light front end)" 2 "gotc env: target 'nosuch' is not installed in $GOTC_HOME (no target 'nosuch' on the search path either: see 'gotc targets')"
g exec nosuch -q
check "exec: options after TARGET belong to the command line" 2 "gotc exec: target 'nosuch' is not installed in $GOTC_HOME (no target 'nosuch' on the search path either: see 'gotc targets')"
g targets --bogus
check "targets with a bad option" 2 "gotc targets: unknown option '--bogus'"
g install
check "install without TARGET (and no project file)" 2 "gotc install: missing TARGET (see 'gotc targets'; or write a gotc.ini project file, see gotc-project(5))"
g install -j 0 test-arm64
check "install -j 0" 2 "gotc install: --jobs takes a number from 1 to 16, not '0'"
g env
check "env without TARGET (and no project file)" 2 "gotc env: missing TARGET (and no gotc.ini project file here or above)"
g exec
check "exec without TARGET" 2 "gotc exec: missing TARGET"
g exec test-arm64
check "exec without COMMAND" 2 "gotc exec: missing COMMAND after TARGET"

g targets --json
check "targets --json" 0
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"] == "gotc-targets/1", d; n=[t["name"] for t in d["targets"]]; assert "test-arm64" in n and "test-arm64-clang" in n, n' "$T/out" &&
	ok "targets --json parses and lists the fixtures" || notok "targets --json parses"
g targets
check "targets" 0
[ "$(head -n 1 "$T/out")" = "TARGET                  ARCH     LIBC       KERNEL GO      COMPILER    INSTALLED" ] &&
	ok "targets: a header" || notok "targets: a header" "$(head -n 1 "$T/out")"
grep -q '^test-arm64  *arm64  *glibc 2.36  *6.1  *1.19.8  *gcc 12.2.0$' "$T/out" &&
	ok "targets: arch, libc, kernel, Go and compiler columns" || notok "targets: columns" "$(cat "$T/out")"
awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$T/out" && ok "targets fits 80 columns" ||
	notok "targets fits 80 columns" "$(cat "$T/out")"
g targets --long
out_has "targets --long lists descriptions" "    Test fleet: arm64, glibc 2.36"
g targets --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=[t for t in d["targets"] if t["name"] == "test-arm64"][0]; assert t["go"] and t["compiler"] and t["installed"] is False, t' "$T/out" &&
	ok "targets --json: go, compiler, installed" || notok "targets --json fields" "$(cat "$T/out")"

g show test-arm64
check "show" 0
out_has "show: entries" "go         go-1.19.8-"
out_has "show: mirror rewritten, first URL" "url    https://mirror.invalid/a/go1.19.8.linux-amd64.tar.gz"
out_has "show: mirror rewritten, fallback URL" "url    https://127.0.0.1:9/b/go1.19.8.linux-amd64.tar.gz"
out_has "show: sha256" "sha256 0123456789abcdef"
out_has "show: env preview" "GOARCH='arm64'"
out_has "show: GOTOOLCHAIN pinned" "GOTOOLCHAIN='local'"
out_has "show: CGO_ENABLED" "CGO_ENABLED='1'"
g show --json test-arm64
python3 - "$T/out" <<'P' && ok "show --json: the plan, its mirrors and env" || notok "show --json" "$(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "gotc-show/1" and d["target"] == "test-arm64" and d["arch"] == "arm64", d
assert [e["role"] for e in d["entries"]] == ["go", "toolchain", "sysroot"], d["entries"]
go = d["entries"][0]
assert go["name"].startswith("go-1.19.8-") and go["in_store"] is False and len(go["key"]) == 64, go
a = go["artifacts"][0]
assert a["urls"][0] == "https://mirror.invalid/a/go1.19.8.linux-amd64.tar.gz" and a["sha256"].startswith("0123456789abcdef"), a
assert d["mirrors"][0]["name"] == "test" and d["env"]["GOARCH"] == "arm64" and d["env"]["GOTOOLCHAIN"] == "local", d
P
g show test-arm64-clang
out_has "show: clang target uses cc/c++ wrappers" "/bin/cc'"
# The same plan with another mirror configuration names the same store entries.
a=$(grep -o 'go-1.19.8-[0-9a-f]*' "$T/out" | head -1)
printf '[mirrors]\ntest = https://elsewhere.invalid/x\n' >"$GOTC_CONFIG"
g show test-arm64-clang
b=$(grep -o 'go-1.19.8-[0-9a-f]*' "$T/out" | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "store entry names do not depend on mirrors" || notok "entry names and mirrors" "$a vs $b"

# make install lays out the binary, the core, man pages, targets and recipes.
fresh
if make -s -C "$ROOT" install DESTDIR="$T/dest" PREFIX=/opt/gotc-test >"$T/out" 2>"$T/err"; then
	missing=
	for f in bin/gotc libexec/gotc/gotc-core share/man/man1/gotc.1 share/man/man5/gotc-recipe.5 \
		share/gotc/targets/debian12-arm64.ini share/gotc/recipes/go/go-1.19.8-debian12.ini; do
		[ -e "$T/dest/opt/gotc-test/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "make install DESTDIR= PREFIX= lays out every file" || notok "make install" "missing:$missing"
else
	notok "make install" "$(cat "$T/err")"
fi

# Progress on a terminal: live lines with percent and speed (script(1) gives a
# pty; the server sends 100 kB/s, so the 300 KiB take 3 s: speed and ETA need
# a refresh while bytes remain, which a busy machine may skip in 1 s).  Not
# under valgrind in the vg tier (under a pty it is slow): gotc runs as is.
if ! command -v script >/dev/null; then
	skip "progress on a terminal" "script(1) not installed (bsdutils)"
else
	. "$ROOT/tests/lib/pipeline.sh"
	build_fixtures "$TMPROOT/fx"
	start_server "$TMPROOT/fx/www" --rate 100000
	fresh
	export GOTC_PATH="$TMPROOT/fx/search"
	mirror_config
	TERM=xterm script -qec "$GOTC_BIN install fix-gcc" /dev/null >"$T/out" 2>&1
	rc=$?
	check "install on a terminal" 0
	grep -q '\] *[0-9]*% ' "$T/out" && ok "terminal shows a progress bar with percent" || notok "progress bar" "$(head -c 600 "$T/out")"
	grep -q '/s ETA' "$T/out" && ok "terminal shows speed and ETA" || notok "speed and ETA"
	# the fixture has an unsized source: its bytes join the total as they come,
	# so "total A/B" never shows A > B (it showed 347.1/295.9 KiB)
	python3 - "$T/out" <<-'PY' && ok "the total line never runs past its total" || notok "total overshoots" "$(grep -a -o 'total  *[^ ]* [^ ]*' "$T/out" | sort -u | head)"
	import re, sys
	u = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
	seen = 0
	for m in re.finditer(r"total +([0-9.]+) ?([KMG]?i?B)?/([0-9.]+) ([KMG]?i?B)", open(sys.argv[1], errors="replace").read()):
	    a = float(m.group(1)) * u[m.group(2) or m.group(4)]
	    b = float(m.group(3)) * u[m.group(4)]
	    seen += 1
	    if a > b * 1.001:
	        sys.exit(1)
	sys.exit(0 if seen else 1)
	PY
	fresh
	export GOTC_PATH="$TMPROOT/fx/search"
	mirror_config
	g install fix-gcc
	grep -q '\] *[0-9]*% ' "$T/err" && notok "no progress bar off a terminal" || ok "no progress bar off a terminal"
	err_has "off a terminal: one line per artifact start" "fetch go <- http://127.0.0.1:$PORT/go1.19.8.linux-amd64.tar.gz"
	err_has "off a terminal: one line per artifact end" "fetched go ("
	fresh
	export GOTC_PATH="$TMPROOT/fx/search"
	mirror_config
	g -q install fix-gcc
	check "install -q" 0
	[ ! -s "$T/err" ] && ok "-q prints nothing" || notok "-q prints nothing" "$(cat "$T/err")"
	stop_server
fi
done_testing
