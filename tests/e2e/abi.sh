#!/bin/sh
# The ABI guard end to end.  Installs the targets the cases need
# (debian12-arm64, debian12-arm64-clang, debian12-musl-arm64, debian12-armv7)
# into one GOTC_HOME from the loopback mirror, builds deliberately bad
# binaries with their real cross compilers and asserts the exact FAIL line
# `gotc check` prints for each; then runs `gotc doctor` on each of them.
# GOTC_E2E_TARGETS="a b" names other targets to install and doctor too
# (targets.sh installs and probes every shipped target).
# The libc++ case uses real Debian libc++ packages for arm64, pinned in
# tests/e2e/abi/libcxx-arm64.ini and served by the same mirror.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
. "$ROOT/tests/lib/libs.sh"
started=$(date +%s)
serve_debian_mirror --recipes "$ROOT/tests/e2e/abi"
export GOTC_PATH="$ROOT"
need="debian12-arm64 debian12-arm64-clang debian12-musl-arm64 debian12-armv7"
# every target is installed and probed under qemu by targets.sh; here the
# ones the ABI cases need (and doctor runs on them), or those asked for
targets=$(printf '%s\n' $need ${GOTC_E2E_TARGETS:-} | sort -u)
all=$(printf '%s\n' $need $targets | sort -u)
istart=$(date +%s)
installed=
for t in $all; do
	g -q install "$t"
	if [ "$rc" -eq 0 ]; then installed="$installed $t"; else notok "$t: install" "$(cat "$T/err")"; fi
done
ni=$(echo $installed | wc -w)
na=$(echo $all | wc -w)
[ "$ni" -eq "$na" ] && [ "$na" -gt 0 ] && ok "install $ni targets into one GOTC_HOME ($(($(date +%s) - istart)) s)" ||
	notok "install every target into one GOTC_HOME" "$ni of $na installed"

W="$T/bad"
mkdir -p "$W/t"
HOMEDIR=$GOTC_HOME
# in_env TARGET CMD: run a shell command in TARGET's env, in $W
in_env() { "$GOTC_BIN" exec "$1" -- sh -c "cd '$W' && $2" >"$W/build.log" 2>&1; }
# test targets: fleets no shipped target describes; only their files are read
tt() { # NAME ARCH LIBC LIBC_VERSION KERNEL CXX GLIBCXX LINK
	cat >"$W/t/$1.ini" <<E
[target]
description = test fleet for tests/e2e/abi.sh
arch = $2
libc = $3
libc_version = $4
kernel = $5
cxx_stdlib = $6
${7:+glibcxx = $7}
${7:+cxxabi = 1.3.13}
link = $8
[recipes]
go = none
toolchain = none
sysroot = none
kernel_headers = none
E
}
tt abi-rocky9-arm64 arm64 glibc 2.34 5.14 libstdc++ 3.4.29 dynamic
tt abi-musl-dynamic-arm64 arm64 musl 1.2.3 5.10 none "" dynamic
tt abi-oldkernel-arm64 arm64 glibc 2.36 3.2 libstdc++ 3.4.30 dynamic
SYS_ARM64="$HOMEDIR/targets/debian12-arm64/sysroot"

cat >"$W/arc4.c" <<'E'
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("%u\n", arc4random() % 2); return 0; }
E
cat >"$W/hello.c" <<'E'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
E
# GCC 12's condition_variable::wait(unique_lock&) is versioned GLIBCXX_3.4.30
cat >"$W/cv.cpp" <<'E'
#include <condition_variable>
#include <mutex>
std::mutex m;
std::condition_variable cv;
bool ready;
int main() { std::unique_lock<std::mutex> lk(m); ready = true; cv.wait(lk, [] { return ready; }); return 0; }
E
cat >"$W/str.cpp" <<'E'
#include <cstdio>
#include <string>
int main() { std::string s("gotc"); s += "+libc++"; std::puts(s.c_str()); return 0; }
E
cat >"$W/start.c" <<'E'
void _start(void) { for (;;) { } }
E

# built NAME: did the last in_env build work?
built() {
	if [ "$rc" -eq 0 ]; then ok "build $1"; else notok "build $1" "$(tail -5 "$W/build.log")"; fi
}
# fails NAME EXACT_LINE CHECK-ARGS...: gotc check exits 1 and prints the line
fails() {
	_name=$1 _line=$2
	shift 2
	(cd "$W" && ${GOTC_WRAP:-} "$GOTC_BIN" check "$@" >"$T/out" 2>"$T/err")
	rc=$?
	if [ "$rc" -ne 1 ]; then
		notok "$_name" "expected exit 1"
	elif ! grep -qxF -- "$_line" "$T/out"; then
		notok "$_name" "stdout lacks the line: $_line"
	else
		ok "$_name"
	fi
}

in_env debian12-arm64 '$CC -o bad-glibc arc4.c'; rc=$?; built "arc4random() against glibc 2.36"
in_env debian12-arm64 '$CXX -o bad-glibcxx cv.cpp'; rc=$?; built "condition_variable with GCC 12"
in_env debian12-arm64 '$CC -o arm64-glibc hello.c'; rc=$?; built "arm64 glibc hello"
# the classic static-target mistake: the musl CC without -static
in_env debian12-musl-arm64 '$CC -static-libgcc -o musl-dynamic hello.c'; rc=$?; built "musl hello without -static"
(cd "$W" && clang --target=armv7a-linux-gnueabi -mfloat-abi=soft -nostdlib -static -fuse-ld=lld \
	-o soft-float start.c) >"$W/build.log" 2>&1; rc=$?; built "armv7 soft-float"
(cd "$W" && cc -o host-x86 hello.c) >"$W/build.log" 2>&1; rc=$?; built "host x86-64 hello"
# libc++ from real Debian arm64 packages, compiled with the arm64 clang target
mkdir -p "$W/lcxx"
for d in "$MIRROR"/debian/pool/main/l/llvm-toolchain-14/*_arm64.deb; do dpkg-deb -x "$d" "$W/lcxx"; done
L="$W/lcxx/usr/lib/llvm-14/include/c++/v1"
LL="$W/lcxx/usr/lib/aarch64-linux-gnu"
cxxflags="-stdlib=libc++ -nostdinc++ -isystem $L -nostdlib++ -L$LL -Wl,--allow-shlib-undefined"
in_env debian12-arm64-clang "\$CXX $cxxflags -o bad-libcxx str.cpp -l:libc++.so.1 -l:libc++abi.so.1"
rc=$?; built "libc++ program (Debian libc++1-14:arm64)"
in_env debian12-arm64-clang "\$CXX $cxxflags -o bad-both str.cpp -l:libc++.so.1 -l:libc++abi.so.1 -l:libstdc++.so.6"
rc=$?; built "libc++ program also linked with libstdc++"

# Section headers removed (llvm-objcopy --strip-sections): the loader reads
# PT_DYNAMIC only, and so must the check.
for b in bad-glibc bad-glibcxx bad-libcxx; do
	llvm-objcopy --strip-sections "$W/$b" "$W/$b-nosections" >"$W/build.log" 2>&1; rc=$?
	built "$b without section headers"
done

# A good binary passes.
(cd "$W" && "$GOTC_BIN" check debian12-arm64 arm64-glibc >"$T/out" 2>"$T/err"); rc=$?
check "check: a good arm64 binary passes" 0
out_has "check: its loader" "ok   arm64-glibc: interp: /lib/ld-linux-aarch64.so.1"
out_has "check: its libraries" "ok   arm64-glibc: needed: libc.so.6 found in the sysroot"

fails "check: GLIBC_2.36 symbol above a 2.34 ceiling" \
	"FAIL bad-glibc: glibc: needs GLIBC_2.36 (for arc4random) but abi-rocky9-arm64 allows 2.34" \
	--sysroot "$SYS_ARM64" "$W/t/abi-rocky9-arm64.ini" bad-glibc
fails "check: GLIBCXX_3.4.30 above a 3.4.29 ceiling" \
	"FAIL bad-glibcxx: glibcxx: needs GLIBCXX_3.4.30 (for _ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE) but abi-rocky9-arm64 allows 3.4.29" \
	--sysroot "$SYS_ARM64" "$W/t/abi-rocky9-arm64.ini" bad-glibcxx
fails "check: stripped of sections, GLIBC_2.36 still above 2.34" \
	"FAIL bad-glibc-nosections: glibc: needs GLIBC_2.36 but abi-rocky9-arm64 allows 2.34" \
	--sysroot "$SYS_ARM64" "$W/t/abi-rocky9-arm64.ini" bad-glibc-nosections
fails "check: stripped of sections, GLIBCXX_3.4.30 still above 3.4.29" \
	"FAIL bad-glibcxx-nosections: glibcxx: needs GLIBCXX_3.4.30 but abi-rocky9-arm64 allows 3.4.29" \
	--sysroot "$SYS_ARM64" "$W/t/abi-rocky9-arm64.ini" bad-glibcxx-nosections
fails "check: stripped of sections, libc++ still seen" \
	"FAIL bad-libcxx-nosections: cxx-stdlib: uses libc++ (needs libc++.so.1) but debian12-arm64's C++ library is libstdc++" \
	debian12-arm64 bad-libcxx-nosections
fails "check: static target, binary with PT_INTERP" \
	"FAIL musl-dynamic: interp: PT_INTERP /lib/ld-musl-aarch64.so.1 (musl's arm64 loader) but debian12-musl-arm64 is static (no interpreter)" \
	debian12-musl-arm64 musl-dynamic
fails "check: musl target, glibc interpreter (static musl)" \
	"FAIL arm64-glibc: interp: PT_INTERP /lib/ld-linux-aarch64.so.1 (glibc's arm64 loader) but debian12-musl-arm64 is static (no interpreter)" \
	debian12-musl-arm64 arm64-glibc
fails "check: musl target, glibc interpreter (dynamic musl)" \
	"FAIL arm64-glibc: interp: PT_INTERP /lib/ld-linux-aarch64.so.1 (glibc's arm64 loader) but abi-musl-dynamic-arm64 (musl) needs /lib/ld-musl-aarch64.so.1" \
	"$W/t/abi-musl-dynamic-arm64.ini" arm64-glibc
out_has "check: musl target, glibc symbol versions" \
	"FAIL arm64-glibc: glibc: needs GLIBC_2.34 (for __libc_start_main) but abi-musl-dynamic-arm64 uses musl, not glibc"
fails "check: armv7 soft-float on a hard-float target" \
	"FAIL soft-float: abi: e_flags 0x5000200 (EABI5 soft-float) but debian12-armv7 needs ARM EABI5 hard-float" \
	debian12-armv7 soft-float
fails "check: libc++ binary on a libstdc++ target" \
	"FAIL bad-libcxx: cxx-stdlib: uses libc++ (needs libc++.so.1) but debian12-arm64's C++ library is libstdc++" \
	debian12-arm64 bad-libcxx
out_has "check: libc++ is not in the sysroot" \
	"FAIL bad-libcxx: needed: libc++.so.1, libc++abi.so.1 not found in debian12-arm64's sysroot"
fails "check: libstdc++ and libc++ together" \
	"FAIL bad-both: cxx-stdlib: uses both libstdc++ (needs libstdc++.so.6) and libc++ (needs libc++.so.1)" \
	debian12-arm64 bad-both
fails "check: a binary for another arch" \
	"FAIL host-x86: machine: x86-64 but debian12-arm64 (arm64) needs AArch64" \
	debian12-arm64 host-x86
fails "check: ABI note's kernel above the fleet's" \
	"FAIL arm64-glibc: kernel: ABI note needs Linux 3.7.0 but abi-oldkernel-arm64's kernel is 3.2" \
	--sysroot "$SYS_ARM64" "$W/t/abi-oldkernel-arm64.ini" arm64-glibc
(cd "$W" && "$GOTC_BIN" check --json debian12-armv7 soft-float >"$T/out" 2>"$T/err"); rc=$?
if [ "$rc" -eq 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c={x["check"]: x for x in d["files"][0]["checks"]}; assert d["ok"] is False and c["abi"]["ok"] is False and c["machine"]["ok"] is True' "$T/out"; then
	ok "check --json: the soft-float failure"
else
	notok "check --json: the soft-float failure"
fi

# gotc doctor on every target
dstart=$(date +%s)
for t in $targets; do
	case " $installed " in *" $t "*) ;; *) continue ;; esac
	s=$(date +%s)
	# doctor's cgo build: the standard library once per GOARCH (tests/lib/libs.sh)
	seed_instance "$t"
	g doctor "$t"
	# doctor exits 0 with skipped rows (no way to run the target's
	# binaries): those count as skipped here, never as passed
	if [ "$rc" -eq 0 ] && grep -q "^$t: [0-9]* checks, 0 failed, 0 skipped" "$T/out"; then
		ok "doctor $t ($(($(date +%s) - s)) s)"
	elif [ "$rc" -eq 0 ] && grep -q "^$t: [0-9]* checks, 0 failed, [0-9]* skipped" "$T/out"; then
		skip "doctor $t" "$(grep -E '^[a-z0-9-]+ +skip ' "$T/out" | head -3 | tr '\n' ';')"
	else
		notok "doctor $t" "$(grep -v ' ok ' "$T/out")"
	fi
	case $t in debian12-armv7 | debian12-musl-riscv64) sed 's/^/# /' "$T/out" ;; esac
done
# as in an image: no GOTC_PATH and a gotc whose tree has no targets/ or
# recipes/; the installed instance's own record is all doctor needs
IMG="$T/image-tree"
mkdir -p "$IMG/build" "$IMG/provisioner"
cp "$ROOT/gotc" "$IMG/gotc"
cp "$ROOT/build/gotc-core" "$IMG/build/gotc-core"
cp "$ROOT/provisioner/gotc.h" "$IMG/provisioner/"
env -u GOTC_PATH "$IMG/gotc" doctor --json debian12-arm64 >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"] == "gotc-doctor/1" and d["ok"] is True and {"run-cgo","check-c++","gocache"} <= {c["check"] for c in d["checks"]}' "$T/out"; then
	ok "doctor --json, with no search path (from the installed record)"
else
	notok "doctor --json, with no search path" "$(cat "$T/err")"
fi
stop_server
echo "# doctor time: $(($(date +%s) - dstart)) s"
echo "# e2e abi total time: $(($(date +%s) - started)) s"
done_testing
