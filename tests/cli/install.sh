#!/bin/sh
# Install pipeline over loopback: fetch, verify, unpack, store, prefix, env,
# list/verify/remove/gc, crashes, concurrency, offline, bad downloads.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"
export GOTC_TEST_PATH="$FX/search"

store_count() { ls "$GOTC_HOME/store" 2>/dev/null | grep -vc '^\.' ; }
no_staging() {
	if [ -n "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ]; then
		notok "$1" "staging leftovers: $(ls "$GOTC_HOME/store/.staging")"
	else ok "$1"; fi
}

# --- cold install, env, wrappers
fresh; mirror_config
g install --json fix-gcc
check "install cold" 0
python3 - "$T/out" "$GOTC_HOME" <<'P' && ok "install --json: what was installed" || notok "install --json" "$(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "gotc-install/1" and d["changed"] is True, d
assert d["fetched_bytes"] > 0 and d["store_bytes"] > 0 and d["seconds"] >= 0, d
i = d["instances"]
assert [x["name"] for x in i] == ["fix-gcc"] and i[0]["env"] == sys.argv[2] + "/targets/fix-gcc/env.sh", i
assert i[0]["prefix"].startswith(sys.argv[2] + "/"), i
P
g -q install --json fix-gcc
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["changed"] is False and d["fetched_bytes"] == 0 and d["instances"][0]["name"] == "fix-gcc", d' "$T/out" &&
	ok "install --json of an installed target: changed false (and -q keeps it)" || notok "install --json up to date" "$(cat "$T/out")"
g env fix-gcc
check "env prints a path" 0
ENVF=$(cat "$T/out")
[ "$ENVF" = "$GOTC_HOME/targets/fix-gcc/env.sh" ] && ok "env path is the stable target path" || notok "env path" "$ENVF"
out=$(cd "$T" && sh -c ". \"$ENVF\"; echo \"\$GOARCH|\$CGO_ENABLED|\$GOTOOLCHAIN|\$HOSTILE\"; go version; \$CC -c x.c; \$AR rcs")
case $out in
"arm64|1|local|\$(touch PWNED) \`touch PWNED2\` 'q' \"dq\"  two  spaces
go version go1.19.8 linux/amd64
cc:$GOTC_HOME/store/toolchain-"*"/root/usr/lib/x86_64-linux-gnu:--sysroot=$GOTC_HOME/store/sysroot-"*"/root -idirafter "*"/usr/include/aarch64-linux-gnu -idirafter "*"/usr/include -L"*"/usr/lib/aarch64-linux-gnu -L"*"/lib/aarch64-linux-gnu -Wl,-rpath-link,"*"/usr/lib/aarch64-linux-gnu:"*"/lib/aarch64-linux-gnu -c x.c
ar:rcs") ok "env sourced in sh: values, go on PATH, CC wrapper passes --sysroot, libdir only for the tool (no empty entry)" ;;
*) notok "env sourced in sh" "got: $out" ;;
esac
[ ! -e "$T/PWNED" ] && [ ! -e "$T/PWNED2" ] && ok "sourcing executes nothing" || notok "sourcing executes nothing"
kh=$(cat "$GOTC_HOME"/store/sysroot-*/root/usr/aarch64-linux-gnu/include/linux/version.h)
[ "$kh" = "#define LINUX_VERSION_CODE 393473" ] && ok "kernel headers replace the libc package's copy" || notok "kernel headers layered" "$kh"
[ -f "$GOTC_HOME"/store/sysroot-*/root/usr/aarch64-linux-gnu/include/stdio.h ] && ok "libc headers kept" || notok "libc headers kept"
lnk=$(ls "$GOTC_HOME"/store/sysroot-*/root/usr/aarch64-linux-gnu/lib/libm.so)
l=$(readlink "$lnk")
case $l in /*) notok "absolute symlink in sysroot made relative" "$l" ;; *)
	[ "$(readlink -f "$lnk")" = "$(readlink -f "$(dirname "$lnk")")/libm.so.6" ] &&
		ok "absolute symlink in sysroot made relative, pointing inside the root" ||
		notok "absolute symlink rewritten" "$l" ;;
esac
[ "$(store_count)" -eq 3 ] && ok "three store entries" || notok "three store entries" "$(ls "$GOTC_HOME/store")"
no_staging "no staging left after install"
case "$(stat -c %A "$GOTC_HOME"/store/go-*/root/go/bin/go "$GOTC_HOME"/store/go-*/root/go/bin | cut -c3,6,9 | sort -u)" in
"---") ok "store entries are read-only" ;;
*) notok "store entries are read-only" "$(stat -c '%A %n' "$GOTC_HOME"/store/go-*/root/go/bin/go)" ;;
esac

# --- every env format renders and quotes
for f in sh fish json make github cmake meson; do
	g env --format=$f fix-gcc
	check "env --format=$f" 0
done
g env --format=json fix-gcc
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="gotc-env/1"; assert d["env"]["HOSTILE"]=="$(touch PWNED) `touch PWNED2` '"'"'q'"'"' \"dq\"  two  spaces", d' "$T/out" 2>"$T/err" && ok "json env parses with the exact value" || notok "json env value"
g env --format=yaml fix-gcc
check "unknown format is a usage error" 2
g env nosuch
check "env of a target that exists nowhere" 2 "gotc env: target 'nosuch' is not installed in $GOTC_HOME (no target 'nosuch' on the search path either: see 'gotc targets')"

# --- exec runs without a shell
g exec fix-gcc -- sh -c 'echo "$GOARCH $HOSTILE"'
check "exec" 0
out_has "exec sees the env" "arm64 \$(touch PWNED) \`touch PWNED2\` 'q' \"dq\"  two  spaces"
g exec fix-gcc -- no-such-command-xyz
check "exec of a missing command" 127

# --- second install: nothing fetched, fast path
n1=$(wc -l <"$SERVER_LOG")
g -v install fix-gcc
check "install again" 0
err_has "install again says up to date" "fix-gcc is installed and up to date"
[ "$(wc -l <"$SERVER_LOG")" -eq "$n1" ] && ok "install again fetches nothing" || notok "install again fetches nothing"

# --- a second target sharing Go and the sysroot: stored once
g install fix-clang
check "install second target" 0
[ "$(ls -d "$GOTC_HOME"/store/go-* | wc -l)" -eq 1 ] && ok "shared Go entry stored once" || notok "shared Go entry stored once"
[ "$(store_count)" -eq 3 ] && ok "clang target adds no entry (host toolchain)" || notok "entries" "$(ls "$GOTC_HOME/store")"
grep -q '^exec .*clang.* --target=aarch64-linux-gnu --sysroot=.* -fuse-ld=lld' "$GOTC_HOME/targets/fix-clang/bin/cc" && ok "clang wrapper: target, sysroot, linker" || notok "clang wrapper" "$(cat "$GOTC_HOME/targets/fix-clang/bin/cc")"

# --- list
g list
check "list" 0
out_has "list shows targets" "fix-clang"
out_has "list shows entries" "go-1.19.8-"
grep -q '^  fix-gcc  *1\.19\.8  *gcc 12\.2\.0  *glibc 2\.36$' "$T/out" &&
	ok "list: Go, compiler and libc versions" || notok "list: versions" "$(cat "$T/out")"
GOTC_TARGET=fix-clang g list
out_has "list marks the target whose env is loaded" "* fix-clang"
g list --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"] == "gotc-list/1"; assert len(d["targets"])==2 and len(d["entries"])==3; t=[t for t in d["targets"] if t["name"] == "fix-gcc"][0]; assert t["go"] == "1.19.8" and t["compiler"] == "gcc 12.2.0" and t["libc"] == "glibc 2.36" and t["loaded"] is False, t' "$T/out" && ok "list --json" || notok "list --json" "$(cat "$T/out")"

# --- verify, tamper, verify
g verify
check "verify clean" 0
f=$(ls "$GOTC_HOME"/store/go-*/root/go/VERSION)
chmod u+w "$f" "$(dirname "$f")"; echo tampered >>"$f"
g verify fix-gcc
check "verify after tampering exits 1" 1
out_has "verify names the modified file" "modified $GOTC_HOME/store/go-"
rm "$GOTC_HOME"/store/go-*/root/go/src/runtime/blob 2>/dev/null || { chmod u+w "$GOTC_HOME"/store/go-*/root/go/src/runtime; rm "$GOTC_HOME"/store/go-*/root/go/src/runtime/blob; }
touch "$(dirname "$f")/extra-file"
g verify fix-gcc
check "verify: missing and extra" 1
out_has "verify reports missing" "missing  $GOTC_HOME/store/go-"
out_has "verify reports extra" "extra-file"

# --- remove and gc
g remove fix-gcc
check "remove" 0
# gc fails closed: an installed target whose info cannot be read stops it
cinfo="$(dirname "$(readlink -f "$GOTC_HOME/targets/fix-clang")")/info"
mv "$cinfo" "$cinfo.away"
g gc
check "gc with an unreadable info fails" 1 "gotc: gc deleted nothing: cannot read $cinfo: No such file or directory"
[ "$(store_count)" -eq 3 ] && [ -d "$GOTC_HOME/targets/fix-clang/" ] && ok "gc with an unreadable info deletes nothing" || notok "gc with an unreadable info deletes nothing" "$(ls "$GOTC_HOME/store")"
g gc --dry-run
check "gc --dry-run with an unreadable info fails too" 1
[ ! -s "$T/out" ] && ok "gc --dry-run lists nothing for deletion" || notok "gc --dry-run lists nothing for deletion"
mv "$cinfo.away" "$cinfo"
g gc --dry-run
check "gc --dry-run" 0
out_has "gc --dry-run lists the gcc toolchain entry" "would delete $GOTC_HOME/store/toolchain-12.2.0-"
if grep -q "store/go-" "$T/out"; then notok "gc keeps what fix-clang uses"; else ok "gc keeps what fix-clang uses"; fi
[ -d "$GOTC_HOME/targets/fix-clang" ] && ok "fix-clang still installed" || notok "fix-clang still installed"
[ "$(store_count)" -eq 3 ] && ok "dry run deletes nothing" || notok "dry run deletes nothing"
g gc
check "gc" 0
[ "$(store_count)" -eq 2 ] && ok "gc deletes the unreferenced entry" || notok "gc deletes the unreferenced entry"
g remove fix-clang
g gc
check "gc" 0
[ "$(store_count)" -eq 0 ] && ok "gc empties the store" || notok "gc empties the store" "$(ls "$GOTC_HOME/store")"
g remove fix-gcc
check "remove a target not installed" 1

# --- checksum mismatch: nothing kept
fresh; mirror_config /fault/wrong
g install fix-gcc
check "wrong bytes fail" 1
err_has "error names the URL" "http://127.0.0.1:$PORT/fault/wrong/"
err_has "error has expected and actual digests" "sha256 mismatch: expected $(sha "$FX/www/go1.19.8.linux-amd64.tar.gz"), got "
[ "$(store_count)" -eq 0 ] && ok "nothing committed after a checksum error" || notok "nothing committed"
[ -z "$(ls "$GOTC_CACHE/downloads" 2>/dev/null)" ] && ok "nothing cached after a checksum error" || notok "nothing cached" "$(ls -a "$GOTC_CACHE/downloads")"
[ ! -e "$GOTC_HOME/targets/fix-gcc" ] && ok "target not installed after failure" || notok "target not installed after failure"

# --- an unsafe member in an archive: the worker refuses it, nothing of it is kept
fresh; mirror_config
g install fix-evil
check "an archive with an absolute symlink is refused" 1
err_has "the error names the archive and the member" "member 'go/passwd': absolute symlink target"
ls -d "$GOTC_HOME"/store/go-* >/dev/null 2>&1 && notok "nothing of the unsafe archive is committed" || ok "nothing of the unsafe archive is committed"
[ ! -e "$GOTC_HOME/targets/fix-evil" ] && ok "unsafe target not installed" || notok "unsafe target not installed"
no_staging "no staging left after an unsafe archive"

# --- a member name longer than the file system allows: the error keeps its
# reason, nothing is left in staging; stale staging is reported and removed
python3 - "$FX/www/go-long.tar.gz" "$FX/src/go/go/bin/go" <<'P'
import io, os, sys, tarfile
t = tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT)
def add(name, data, mode=0o644):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = mode; t.addfile(ti, io.BytesIO(data))
add("go/bin/go", open(sys.argv[2], "rb").read(), 0o755)
add("go/blob", os.urandom(2 << 20))  # incompressible: under any unpack ratio
add("go/" + "/".join(["d" * 200] * 30) + "/f", b"x")
t.close()
P
go_variant "$FX" long 1.19.10 go-long.tar.gz
fresh; mirror_config
g install fix-long
check "a member name too long for the file system is refused" 1
err_has "the error keeps its reason" "File name too long"
no_staging "no staging left after a long member name"
mkdir -p "$GOTC_HOME/store/.staging/go-dead.1234"
head -c 100000 /dev/zero >"$GOTC_HOME/store/.staging/go-dead.1234/big"
g verify
err_has "verify reports stale staging" "gotc: warning: removed $GOTC_HOME/store/.staging/go-dead.1234 (0.1 MiB), left by an interrupted run"
no_staging "verify removes stale staging"
mkdir -p "$GOTC_HOME/store/.staging/go-dead.5678"
g gc
err_has "gc reports stale staging" "gotc: warning: removed $GOTC_HOME/store/.staging/go-dead.5678 (0.0 MiB), left by an interrupted run"
no_staging "gc removes stale staging"

# --- a go.dev-style zip, unpacked while it downloads: modes and symlinks come
# from the central directory at its end (a stream has neither)
python3 - "$FX/www/go-zip.zip" "$FX/src/go/go" <<'P'
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
for rel in ("bin/go", "VERSION", "src/runtime/blob"):
    zi = zipfile.ZipInfo("go/" + rel)
    zi.external_attr = (0o100755 if rel == "bin/go" else 0o100644) << 16
    zi.create_system = 3
    z.writestr(zi, open(os.path.join(sys.argv[2], rel), "rb").read())
zi = zipfile.ZipInfo("go/bin/go-link")
zi.external_attr = 0o120777 << 16
zi.create_system = 3
z.writestr(zi, "go")
z.close()
P
go_variant "$FX" zip 1.19.11 go-zip.zip sized
fresh; mirror_config
g install fix-zip
check "install a target whose Go is a zip" 0
gz=$(ls -d "$GOTC_HOME"/store/go-1.19.11-*/root/go)
[ -x "$gz/bin/go" ] && ok "zip: bin/go keeps its exec bit" || notok "zip: bin/go exec bit" "$(stat -c '%A %n' "$gz/bin/go")"
[ "$(readlink "$gz/bin/go-link")" = go ] && ok "zip: the symlink is a symlink" || notok "zip: symlink" "$(ls -l "$gz/bin")"
[ "$(stat -c %a "$gz/VERSION")" = 444 ] && ok "zip: a plain file is not executable" || notok "zip: VERSION mode" "$(stat -c '%a' "$gz/VERSION")"

# --- generations: a reinstall with a new plan keeps the previous prefix (a
# reader may still be using it) until the next install, gc or remove
fresh; mirror_config
cp "$FX/search/targets/fix-gcc.ini" "$FX/search/targets/fix-gen.ini"
gen() { sed -i "/^\[env\]/a GEN$1 = x" "$FX/search/targets/fix-gen.ini"; g -q install fix-gen; }
prefixes() { ls "$GOTC_HOME/prefixes" | grep -c '^fix-gen-'; }
g -q install fix-gen
p1=$(readlink "$GOTC_HOME/targets/fix-gen")
gen 2
p2=$(readlink "$GOTC_HOME/targets/fix-gen")
[ "$p1" != "$p2" ] && [ -d "$GOTC_HOME/targets/$p1" ] && [ "$(prefixes)" -eq 2 ] &&
	ok "a new plan keeps the previous generation" || notok "previous generation kept" "$p1 $p2 $(ls "$GOTC_HOME/prefixes")"
gen 3
[ ! -e "$GOTC_HOME/targets/$p1" ] && [ -d "$GOTC_HOME/targets/$p2" ] && [ "$(prefixes)" -eq 2 ] &&
	ok "the next install deletes the generation before it" || notok "two generations at most" "$(ls "$GOTC_HOME/prefixes")"
g verify
check "verify with a previous generation" 0
g gc
[ "$(prefixes)" -eq 1 ] && [ -z "$(ls -A "$GOTC_HOME/prefixes" | grep '^\.previous')" ] &&
	ok "gc deletes the previous generation" || notok "gc and generations" "$(ls -A "$GOTC_HOME/prefixes")"
gen 4
g remove fix-gen
[ "$(prefixes)" -eq 0 ] && [ -z "$(ls -A "$GOTC_HOME/prefixes")" ] &&
	ok "remove deletes both generations" || notok "remove and generations" "$(ls -A "$GOTC_HOME/prefixes")"
rm -f "$FX/search/targets/fix-gen.ini"

# --- libc++ declared but not in the sysroot: refused, nothing installed
fresh; mirror_config
g install fix-libcxx
check "libc++ target without libc++ in the sysroot" 1
err_has "libc++ error says what to do" "gotc: target fix-libcxx says cxx_stdlib = libc++, but its sysroot has no libc++.so or libc++.a (add libc++ to the sysroot recipe, or use libstdc++)"
[ ! -e "$GOTC_HOME/targets/fix-libcxx" ] && ok "libc++ target not installed" || notok "libc++ target not installed"
no_staging "no staging left after an assembly error"

# --- the same name from another file does not replace an installed target
fresh; mirror_config
g install fix-gcc
mkdir -p "$T/other/targets"
cp "$FX/search/targets/fix-gcc.ini" "$T/other/targets/"
echo "; another source's target" >>"$T/other/targets/fix-gcc.ini"
GOTC_PATH="$T/other:$FX/search" g install fix-gcc
check "a same-named target from another file is refused" 1
err_has "it says where the installed one came from" "target fix-gcc is already installed from $(realpath "$FX/search/targets/fix-gcc.ini"), not $(realpath "$T/other/targets/fix-gcc.ini"); run 'gotc remove fix-gcc' first"
g remove fix-gcc
GOTC_PATH="$T/other:$FX/search" g install fix-gcc
check "after remove it installs" 0

# --- a relative --home is made absolute (links, wrappers and env files hold it)
fresh; mirror_config
(cd "$T" && "$GOTC_BIN" --home relhome install fix-gcc >/dev/null 2>&1 && "$GOTC_BIN" --home relhome env fix-gcc >"$T/out")
[ "$(cat "$T/out")" = "$T/relhome/targets/fix-gcc/env.sh" ] && ok "relative --home: absolute env path" || notok "relative --home" "$(cat "$T/out")"
(cd / && env -i PATH=/usr/bin:/bin sh -c ". \"$T/relhome/targets/fix-gcc/env.sh\" && go version") >"$T/out" 2>&1 &&
	ok "relative --home: env works from another directory" || notok "relative --home: env from elsewhere" "$(cat "$T/out")"

# --- downloads that reset mid-body: resumed (Range) or restarted (the server
# ignores Range); the workers that unpack while the bytes arrive must end
# with exactly the verified content
for fault in reset reset-norange; do
	fresh; mirror_config "/fault/$fault"
	g install fix-gcc
	check "install through a $fault download" 0
	g verify
	check "store verifies after a $fault download" 0
	no_staging "no staging left after a $fault download"
done

# --- 404 on the first mirror, fallback to the second
fresh
printf '[mirrors]\ntest = http://127.0.0.1:%s/fault/404 http://127.0.0.1:%s\n[fetch]\nallow_http = yes\nretries = 1\n' "$PORT" "$PORT" >"$GOTC_CONFIG"
g install fix-gcc
check "mirror fallback after 404" 0

# --- offline
fresh; mirror_config
g install --offline fix-gcc
check "offline with an empty cache fails" 1
err_has "offline error says why" "--offline"
g install fix-gcc
g remove fix-gcc; g gc
n1=$(wc -l <"$SERVER_LOG")
g install --offline fix-gcc
check "offline from the cache" 0
[ "$(wc -l <"$SERVER_LOG")" -eq "$n1" ] && ok "offline touches no network" || notok "offline touches no network"
# corrupt a cached file: it is re-verified, discarded and fetched again
g remove fix-gcc; g gc
c=$(ls "$GOTC_CACHE"/downloads/* | head -1)
printf 'garbage' >"$c"
g install fix-gcc
check "corrupted cache file fetched again" 0

# --- kill -9 at several points, then a clean re-run
for point in fetched unpacked committed prefix; do
	fresh; mirror_config
	GOTC_TEST_KILL_AT=$point g install fix-gcc
	[ "$rc" -eq 137 ] || [ "$rc" -eq 9 ] && ok "killed at $point" || notok "killed at $point" "exit $rc"
	[ ! -e "$GOTC_HOME/targets/fix-gcc" ] && ok "no target visible after kill at $point" || notok "no target visible after kill at $point"
	for e in "$GOTC_HOME"/store/*; do
		[ -e "$e" ] || continue
		[ -f "$e/manifest" ] || notok "partial entry visible after kill at $point" "$e"
	done
	g install fix-gcc
	check "re-run after kill at $point" 0
	no_staging "staging cleaned after kill at $point"
	g verify
	check "store consistent after kill at $point" 0
done

# --- kill -9 in the middle of a slow download
stop_server
start_server "$FX/www" --rate 200000
fresh; mirror_config
"$GOTC_BIN" install fix-gcc >/dev/null 2>&1 &
pid=$!
# kill it once the bytes of a download are arriving (a non-empty file in the
# cache that is not yet a verified one, named by its sha256), never before
partial=
i=0
while [ -z "$partial" ] && [ $i -lt 400 ] && kill -0 $pid 2>/dev/null; do
	partial=$(find "$GOTC_CACHE/downloads" -type f -size +0 2>/dev/null | grep -v '/[0-9a-f]\{64\}$' | head -n 1)
	[ -n "$partial" ] || sleep 0.05
	i=$((i + 1))
done
if [ -n "$partial" ] && kill -9 $pid 2>/dev/null; then
	wait $pid 2>/dev/null
	ok "killed while $(basename "$partial") was downloading"
	[ ! -e "$GOTC_HOME/targets/fix-gcc" ] && ok "killed mid-download: nothing installed" || notok "killed mid-download: nothing installed"
else
	wait $pid 2>/dev/null
	notok "killed while a download was in progress" "no partial download seen (install ended with $?)"
fi
g install fix-gcc
check "re-run after mid-download kill" 0
g verify
check "store consistent after a mid-download kill" 0

# --- two concurrent installs of overlapping targets, both held at the store
# lock (taken here with flock(1)) until each has said it is waiting
fresh; mirror_config
mkdir -p "$GOTC_HOME"
flock "$GOTC_HOME/lock" sh -c 'echo held >"$1"; while [ ! -e "$2" ]; do sleep 0.05; done' sh "$T/held" "$T/release" &
holder=$!
i=0
while [ ! -e "$T/held" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
"$GOTC_BIN" install fix-gcc >"$T/a.out" 2>"$T/a.err" &
a=$!
"$GOTC_BIN" install fix-clang fix-gcc >"$T/b.out" 2>"$T/b.err" &
b=$!
i=0
until grep -q "waiting for lock" "$T/a.err" && grep -q "waiting for lock" "$T/b.err"; do
	[ $i -lt 600 ] || break
	sleep 0.05
	i=$((i + 1))
done
grep -q "waiting for lock" "$T/a.err" && grep -q "waiting for lock" "$T/b.err" &&
	ok "both installs say waiting for lock while it is held" || notok "waiting for lock" "$(cat "$T/a.err" "$T/b.err")"
[ ! -e "$GOTC_HOME/targets/fix-gcc" ] && ok "nothing installed while the lock is held" || notok "nothing installed while the lock is held"
touch "$T/release"
wait $holder
wait $a; ra=$?
wait $b; rb=$?
[ $ra -eq 0 ] && [ $rb -eq 0 ] && ok "concurrent installs both succeed" || notok "concurrent installs" "a=$ra b=$rb $(cat "$T/a.err" "$T/b.err")"
g verify
check "store consistent after concurrent installs" 0
[ "$(ls -d "$GOTC_HOME"/store/go-* | wc -l)" -eq 1 ] && ok "one Go entry after concurrent installs" || notok "one Go entry"
stop_server
done_testing
