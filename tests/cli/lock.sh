#!/bin/sh
# Repeatable and offline installs over loopback: lockfiles (gotc lock,
# install --locked), mirrors (gotc mirror, served by a second loopback
# server), bundles (gotc bundle, install --from-bundle) and a system-wide
# home used read-only by a non-root user.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"
PORT1=$PORT PID1=$SERVER_PID LOG1=$SERVER_LOG
export GOTC_TEST_PATH="$FX/search"

entries_of() { sed -n 's/^entries = //p' "$1" | sort; }
store_names() { ls "$GOTC_HOME/store" 2>/dev/null | grep -v '^\.' | tr '\n' ' '; }
# every mirror but the ones given unreachable: a closed loopback port
dead_config() {
	printf '[mirrors]\ntest = http://127.0.0.1:9/test\ndebian = http://127.0.0.1:9/debian\n[fetch]\nallow_http = yes\nretries = 1\nconnect_timeout = 2\n' >"$GOTC_CONFIG"
}
flip() { # FILE OFFSET: change one byte
	python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); o = o % len(b); b[o] ^= 0x01; open(p, "wb").write(b)' "$1" "$2"
}

# --- lock, then install exactly that
fresh; mirror_config
g lock fix-gcc fix-clang -o "$T/gotc.lock"
check "lock two targets" 0
L="$T/gotc.lock"
grep -q '^version = 1$' "$L" && grep -q "^host = $(uname -m | sed 's/aarch64/arm64/')\$" "$L" && ok "lock: version and host" || notok "lock: version and host"
grep -q '^\[target fix-gcc\]$' "$L" && grep -q '^file = targets/fix-gcc.ini$' "$L" && ok "lock: target file, relative to its search dir" || notok "lock: target file"
grep -q "^sha256 = $(sha "$FX/search/recipes/go/go-fix.ini")\$" "$L" && ok "lock: recipe content hash" || notok "lock: recipe content hash"
grep -q "^\[artifact $(sha "$FX/www/libc6-dev-test.deb")\]\$" "$L" && ok "lock: artifact keyed by sha256" || notok "lock: artifact keyed by sha256"
grep -q '^url = ${mirror:test}/libc6-dev-test.deb$' "$L" && ok "lock: URL before mirror rewriting" || notok "lock: URL before rewriting"
grep -q "^resolved = http://127.0.0.1:$PORT1/libc6-dev-test.deb\$" "$L" && ok "lock: URL after mirror rewriting" || notok "lock: URL after rewriting"
grep -q "^size = $(size "$FX/www/libc6-dev-test.deb")\$" "$L" && ok "lock: size learnt for a source the recipe gives no size" || notok "lock: size learnt"
g install --locked "$L"
check "install --locked" 0
[ -e "$GOTC_HOME/targets/fix-gcc" ] && [ -e "$GOTC_HOME/targets/fix-clang" ] && ok "install --locked installs every locked target" || notok "locked targets installed"
want=$(sed -n 's/^\[target fix-gcc\]$/x/;/^entries = /p' "$L" | head -1 | sed 's/^entries = //' | tr ' ' '\n' | sort | tr '\n' ' ')
have=$(ls "$GOTC_HOME/store" | grep -v '^\.' | sort | tr '\n' ' ')
[ "$want" = "$have" ] && ok "store entry names are the locked ones" || notok "entry names" "lock: $want store: $have"
g verify
check "verify after install --locked" 0
g install --locked "$L" fix-clang
check "install --locked of one locked target" 0
g install --locked "$L" fix-nosuch
check "install --locked of a target not in the lock" 2
err_has "names the lockfile and the target" "$L: target fix-nosuch is not in the lock"
# a locked target gone from the search path: lock_install wraps the detail
# (which holds the name) and must never use it as a format
sed 's/fix-clang/fix-%s%n%x/g' "$L" >"$T/pct.lock"
g install --locked "$T/pct.lock" 'fix-%s%n%x'
check "install --locked of a target no longer on the search path" 2
err_has "the wrapped message keeps its '%' verbatim" "$T/pct.lock: target fix-%s%n%x (fix-%s%n%x in the lock) is no longer on the search path: no target 'fix-%s%n%x' on the search path"
g lock -o - fix-gcc
check "lock -o - writes stdout" 0
out_has "stdout has the lockfile" "[target fix-gcc]"

# --- two mirror configurations: the same entry names, other resolved URLs
fresh
printf '[mirrors]\ntest = http://localhost:%s/fault/404 http://127.0.0.1:%s\n[fetch]\nallow_http = yes\nretries = 1\n' "$PORT1" "$PORT1" >"$GOTC_CONFIG"
g lock fix-gcc -o "$T/other.lock"
check "lock with another mirror configuration" 0
mirror_config
g lock fix-gcc -o "$T/one.lock"
[ "$(entries_of "$T/one.lock")" = "$(entries_of "$T/other.lock")" ] && ok "same entry names under two mirror configurations" || notok "same entry names" "$(diff "$T/one.lock" "$T/other.lock")"
grep -q "^resolved = http://localhost:$PORT1/fault/404/" "$T/other.lock" && ok "resolved URLs follow the mirror configuration" || notok "resolved differs"
printf '[mirrors]\ntest = http://localhost:%s/fault/404 http://127.0.0.1:%s\n[fetch]\nallow_http = yes\nretries = 1\n' "$PORT1" "$PORT1" >"$GOTC_CONFIG"
g install --locked "$T/one.lock"
check "install --locked with another mirror configuration" 0
lst=$(store_names)
fresh; mirror_config
g install fix-gcc
[ "$(store_names)" = "$lst" ] && ok "same store entries from either mirror configuration" || notok "same store entries" "$lst vs $(store_names)"

# --- a tampered sha256 fails closed
fresh; mirror_config
g lock fix-gcc -o "$T/gotc.lock"
good=$(sha "$FX/www/go1.19.8.linux-amd64.tar.gz")
bad=$(printf '%s' "$good" | sed 's/^./0/;t;s/^/x/')
[ "$bad" = "$good" ] && bad=$(printf '%s' "$good" | sed 's/^./1/')
sed "s/$good/$bad/" "$T/gotc.lock" >"$T/tampered.lock"
n1=$(wc -l <"$LOG1")
g install --locked "$T/tampered.lock"
check "tampered artifact sha256 in the lock: refused" 2
err_has "says the source is not pinned" "source 'go' ($good) is not pinned in the lock"
[ ! -e "$GOTC_HOME/targets/fix-gcc" ] && [ -z "$(store_names)" ] && ok "nothing installed from a tampered lock" || notok "nothing installed from a tampered lock" "$(store_names)"
[ "$(wc -l <"$LOG1")" -eq "$n1" ] && ok "nothing fetched for a tampered lock" || notok "nothing fetched for a tampered lock"
rsha=$(sha "$FX/search/recipes/sysroot/sys-fix.ini")
sed "s/$rsha/$(printf '%s' "$rsha" | tr '0-9a-f' '1-9a-f0')/" "$T/gotc.lock" >"$T/tampered2.lock"
g install --locked "$T/tampered2.lock"
check "tampered recipe sha256 in the lock: refused" 2
err_has "names the recipe file" "recipes/sysroot/sys-fix.ini changed since the lock"
gs=$(size "$FX/www/go1.19.8.linux-amd64.tar.gz")
sed "s/^size = $gs\$/size = $((gs + 1))/" "$T/gotc.lock" >"$T/tampered3.lock"
g install --locked "$T/tampered3.lock"
check "tampered size in the lock: refused" 2
err_has "names the size difference" "size $((gs + 1)) in the lock, the recipe"
printf '[lock]\nversion = 1\nhost = x\ntargets = a\nbogus = 1\n' >"$T/bad.lock"
g install --locked "$T/bad.lock"
check "malformed lockfile: FILE:LINE error" 2 "$T/bad.lock:5: unknown key 'bogus' in [lock]"
g install --locked "$T/missing.lock"
check "missing lockfile" 2

# --- --locked after a recipe edit fails with the file named
fresh; mirror_config
cp -R "$FX/search" "$T/search"
GOTC_PATH="$T/search"; export GOTC_PATH
g lock fix-gcc -o "$T/gotc.lock"
check "lock from a copied search dir" 0
old=$(sha "$T/search/recipes/go/go-fix.ini")
printf '; edited\n' >>"$T/search/recipes/go/go-fix.ini"
new=$(sha "$T/search/recipes/go/go-fix.ini")
g install --locked "$T/gotc.lock"
check "--locked after a recipe edit" 2 "$T/gotc.lock: recipes/go/go-fix.ini changed since the lock (sha256 $old in the lock, $new now); restore it, or make a new lock with: gotc lock"
[ ! -e "$GOTC_HOME/targets/fix-gcc" ] && ok "nothing installed after a recipe edit" || notok "nothing installed after a recipe edit"
printf '\n' >>"$T/search/targets/fix-gcc.ini"
g install --locked "$T/gotc.lock"
check "--locked after a target edit" 2
err_has "names the target file" "$T/gotc.lock: targets/fix-gcc.ini changed since the lock"
GOTC_PATH="$FX/search"

# --- mirror: download, serve from loopback, install with everything else unreachable
fresh; mirror_config
M="$T/mirror"
g mirror "$M" fix-gcc fix-clang
check "mirror" 0
[ -f "$M/test/go1.19.8.linux-amd64.tar.gz" ] && [ -f "$M/test/libc6-dev-test.deb" ] && ok "mirror layout: DIR/NAME/PATH for \${mirror:NAME}/PATH" || notok "mirror layout" "$(find "$M")"
[ "$(sha "$M/test/gcc-test.deb")" = "$(sha "$FX/www/gcc-test.deb")" ] && ok "mirrored file is the verified artifact" || notok "mirrored bytes"
[ "$(find "$M" -type f | wc -l)" -eq 4 ] && ok "mirror holds the four artifacts and nothing unpacked" || notok "mirror content" "$(find "$M" -type f)"
out_has "prints the [mirrors] lines" "test = http://HOST:PORT/test"
out_has "prints a file:// variant" "; test = file://$M/test"
g mirror "$M" fix-gcc
check "mirror again (files already there)" 0
start_server "$M"
PORT2=$PORT
n1=$(wc -l <"$LOG1")
fresh
sed -n 's/^test = http:\/\/HOST:PORT/test = http:\/\/127.0.0.1:'"$PORT2"'/p' "$TMPROOT/$((_n - 1))/out" >"$T/m"
{ echo '[mirrors]'; cat "$T/m"; echo 'debian = http://127.0.0.1:9/debian'; printf '[fetch]\nallow_http = yes\nretries = 1\nconnect_timeout = 2\n'; } >"$GOTC_CONFIG"
g install fix-gcc fix-clang
check "install from the served mirror, every other mirror unreachable" 0
[ "$(wc -l <"$LOG1")" -eq "$n1" ] && ok "the original server saw no request" || notok "the original server saw no request"
grep -q 'GET /test/go1.19.8.linux-amd64.tar.gz - 200' "$SERVER_LOG" && ok "the mirror server served the download" || notok "mirror server log" "$(cat "$SERVER_LOG")"
stop_server
PORT=$PORT1 SERVER_PID=$PID1 SERVER_LOG=$LOG1
fresh
printf '[mirrors]\ntest = file://%s/test\n' "$M" >"$GOTC_CONFIG"
g install fix-gcc
check "install from the mirror as file://" 0

# --- bundle: one file, installed elsewhere with no network
fresh; mirror_config
g install fix-gcc fix-clang
B="$T/targets.gotc"
g bundle fix-gcc fix-clang -o "$B"
check "bundle" 0
zstd -q -dc "$B" 2>/dev/null | tar -t >"$T/members" 2>/dev/null
head -1 "$T/members" | grep -qx 'gotc-bundle.ini' && grep -q '^store/go-1.19.8-[0-9a-f]*/root/go/bin/go$' "$T/members" && grep -qx 'files/recipes/go/go-fix.ini' "$T/members" && ok "bundle is tar + zstd: manifest first, store entries, files" || notok "bundle members" "$(head "$T/members")"
H1=$GOTC_HOME
src_entries=$(store_names)
g bundle fix-nosuch -o "$T/x.gotc"
check "bundle of an unknown target" 2
g remove fix-clang
g bundle fix-clang -o "$T/x.gotc"
check "bundle works from store entries (fix-clang's are there)" 0
fresh; mirror_config
g bundle fix-gcc -o "$T/y.gotc"
check "bundle of a target not installed" 1
err_has "says to install it first" "run gotc install fix-gcc first"
[ ! -e "$T/y.gotc" ] && ok "no bundle file left after a failure" || notok "no bundle file left"
# install it in a fresh home with no reachable mirror
n1=$(wc -l <"$LOG1")
fresh; dead_config
cp "$B" "$T/b.gotc"
g install --from-bundle "$T/b.gotc"
check "install --from-bundle, no network" 0
[ "$(store_names)" = "$src_entries" ] && ok "the same store entry names" || notok "bundle entries" "$(store_names) vs $src_entries"
[ "$(wc -l <"$LOG1")" -eq "$n1" ] && ok "nothing fetched" || notok "nothing fetched"
g verify
check "verify after install --from-bundle" 0
grep -q "$GOTC_HOME/targets/fix-gcc" "$GOTC_HOME/targets/fix-gcc/env.sh" && ! grep -q "$H1" "$GOTC_HOME/targets/fix-gcc/env.sh" && ok "prefix rebuilt for this home" || notok "prefix paths"
grep -q "exec '$GOTC_HOME/store/toolchain-" "$GOTC_HOME/targets/fix-gcc/bin/aarch64-linux-gnu-gcc" && ok "wrappers point into this home's store" || notok "wrapper paths"
g exec fix-gcc -- go version
check "go runs from the bundled entry" 0
g install --from-bundle "$T/b.gotc" fix-clang
check "install --from-bundle again, one target" 0
g install --from-bundle "$T/b.gotc" fix-nosuch
check "install --from-bundle of a target it lacks" 2
# bundle entries are committed like built ones: a leftover directory without
# a manifest (an interrupted delete) is replaced, not an error
fresh; dead_config
cp "$B" "$T/b.gotc"
goent=$(echo "$src_entries" | tr ' ' '\n' | grep '^go-')
mkdir -p "$GOTC_HOME/store/$goent/root" && echo junk >"$GOTC_HOME/store/$goent/root/junk"
g install --from-bundle "$T/b.gotc"
check "install --from-bundle over a leftover entry directory" 0
g verify
check "verify after replacing the leftover" 0
# one byte changed, anywhere: refused, nothing installed
sz=$(size "$B")
for where in middle end start trailer; do
	fresh; dead_config
	cp "$B" "$T/b.gotc"
	case $where in
	middle) flip "$T/b.gotc" $((sz / 2)) ;;
	end) flip "$T/b.gotc" $((sz - 1)) ;;
	start) flip "$T/b.gotc" 100 ;;
	trailer) flip "$T/b.gotc" $((sz - 80)) ;;
	esac
	g install --from-bundle "$T/b.gotc"
	check "bundle with one byte changed ($where) is refused" 1
	err_has "says the bundle is not intact ($where)" "not an intact gotc bundle"
	[ -z "$(store_names)" ] && [ ! -e "$GOTC_HOME/targets/fix-gcc" ] && ok "nothing installed ($where)" || notok "nothing installed ($where)"
done
fresh; dead_config
head -c $((sz - 1000)) "$B" >"$T/b.gotc"
g install --from-bundle "$T/b.gotc"
check "truncated bundle is refused" 1

# --- a system-wide home, used read-only by a non-root user
fresh; mirror_config
if [ "$(id -u)" -ne 0 ]; then
	skip "system-wide home" "needs root to create a non-root user"
else
	U=gotc-test-user
	id "$U" >/dev/null 2>&1 || useradd -M -s /bin/sh "$U" 2>/dev/null
	SYS=$(mktemp -d /tmp/gotc-sys.XXXXXX)
	chmod 755 "$SYS"
	g --home "$SYS/opt" install fix-gcc
	check "root installs into a system-wide --home" 0
	chmod -R a+rX "$SYS/opt"
	mkdir -p "$SYS/user"
	chown "$U" "$SYS/user"
	printf '[mirrors]\ntest = http://127.0.0.1:9/\n[fetch]\nallow_http = yes\n' >"$SYS/config.ini"
	cp -R "$FX/search" "$SYS/search"
	chmod -R a+rX "$SYS/config.ini" "$SYS/search"
	asuser() { runuser -u "$U" -- env -i PATH="$PATH" HOME="$SYS/user" GOTC_CONFIG="$SYS/config.ini" GOTC_PATH="$SYS/search" "$GOTC_BIN" --home "$SYS/opt" "$@"; }
	if asuser list >"$T/out" 2>"$T/err"; then rc=0; else rc=$?; fi
	check "non-root user: gotc list" 0
	out_has "list shows the target" "fix-gcc"
	asuser env fix-gcc >"$T/out" 2>"$T/err"; rc=$?
	check "non-root user: gotc env" 0
	envf=$(cat "$T/out")
	runuser -u "$U" -- env -i PATH=/usr/bin:/bin HOME="$SYS/user" sh -c ". '$envf' && mkdir -p \"\$GOCACHE\" && touch \"\$GOCACHE/probe\" && echo \"\$GOCACHE\"; go version" >"$T/out" 2>"$T/err"
	rc=$?
	check "non-root user: sourcing env.sh, GOCACHE writable, go runs" 0
	case $(head -1 "$T/out") in
	"$SYS/user/.cache/gotc/gocache/go1.19.8-fix-gcc-"*) ok "GOCACHE falls back to the user's cache" ;;
	*) notok "GOCACHE falls back to the user's cache" "$(cat "$T/out")" ;;
	esac
	asuser exec fix-gcc -- sh -c 'mkdir -p "$GOCACHE" && touch "$GOCACHE/probe2" && echo "$GOCACHE"' >"$T/out" 2>"$T/err"
	rc=$?
	check "non-root user: gotc exec with a writable GOCACHE" 0
	out_has "exec: GOCACHE in the user's cache" "$SYS/user/.cache/gotc/gocache/go1.19.8-fix-gcc-"
	asuser env --format=json fix-gcc >"$T/out" 2>"$T/err"
	rc=$?
	check "non-root user: gotc env --format=json" 0
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["env"]["GOCACHE"].startswith(sys.argv[2]), d["env"]["GOCACHE"]' "$T/out" "$SYS/user/.cache/gotc/gocache/" 2>"$T/err" && ok "json GOCACHE resolved to the user's cache" || notok "json GOCACHE" "$(cat "$T/err")"
	asuser verify >"$T/out" 2>"$T/err"
	rc=$?
	check "non-root user: gotc verify reads the store" 0
	asuser install fix-clang >"$T/out" 2>"$T/err"
	rc=$?
	check "non-root user cannot install into the system home" 1
	err_has "says the home is not writable" "is $SYS/opt writable?"
	runuser -u "$U" -- touch "$SYS/opt/x" 2>/dev/null && notok "the home is read-only for the user" || ok "the home is read-only for the user"
	# root itself keeps GOCACHE in the home
	out=$(env HOME="$SYS" sh -c ". '$envf'; echo \"\$GOCACHE\"")
	case $out in "$SYS/opt/gocache/"*) ok "root's GOCACHE stays in the writable home" ;; *) notok "root GOCACHE" "$out" ;; esac
	rm -rf "$SYS"
fi

kill "$PID1" 2>/dev/null; wait "$PID1" 2>/dev/null
done_testing
