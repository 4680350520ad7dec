#!/bin/sh
# gotc check: usage errors, target lookup, non-ELF input, text and --json
# output.  Real cross binaries are checked in tests/e2e/abi.sh; here the one
# ELF file at hand is gotc itself (a host x86-64 glibc binary).
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
TA="$ROOT/targets/debian12-arm64.ini"

fresh
g check
check "check: no TARGET" 2 "gotc check: missing TARGET"
fresh
g check "$TA"
check "check: no FILE" 2 "gotc check: missing FILE after TARGET"
fresh
g check --bogus "$TA" "$GOTC_BIN"
check "check: unknown option" 2 "gotc check: unknown option '--bogus'"
fresh
g check --sysroot
check "check: --sysroot needs a value" 2 "gotc check: option '--sysroot' needs a value"
fresh
g check --sysroot "$T/nope" "$TA" "$GOTC_BIN"
check "check: --sysroot must be a directory" 2 "gotc: --sysroot $T/nope: not a directory"
fresh
g check no-such-target "$GOTC_BIN"
check "check: unknown target" 2 "gotc: no target 'no-such-target' installed or on the search path (see 'gotc list' and 'gotc targets')"
fresh
g check --help
check "check: --help" 0
out_has "check: --help shows usage" "usage: gotc check [--json] [--sysroot DIR] TARGET FILE..."

# A target file alone: its recipes need not resolve.
fresh
mkdir -p "$T/t"
cat >"$T/t/lonely.ini" <<E
[target]
description = a target whose recipes do not exist
arch = x86_64
libc = glibc
libc_version = 2.17
kernel = 3.10
cxx_stdlib = libstdc++
glibcxx = 3.4.19
link = dynamic
[recipes]
go = none
toolchain = none
sysroot = none
kernel_headers = none
E
g check "$T/t/lonely.ini" "$GOTC_BIN"
check "check: host binary against an old glibc fleet fails" 1
out_has "check: machine ok" "ok   $GOTC_BIN: machine: x86-64"
out_has "check: interp ok" "ok   $GOTC_BIN: interp: /lib64/ld-linux-x86-64.so.2"
out_has "check: glibc ceiling" "FAIL $GOTC_BIN: glibc: needs GLIBC_2."
out_has "check: not installed, and on no search path: no install hint" "FAIL $GOTC_BIN: needed: target not installed: cannot look up NEEDED libraries (no target 'lonely' on the search path either: see 'gotc targets')"
out_has "check: summary" "lonely: 1 file checked, 1 failed ("

g --home "$GOTC_HOME" check test-arm64 "$GOTC_BIN"
check "check with --home: a target not installed fails" 1
out_has "check: the install hint carries --home" "FAIL $GOTC_BIN: needed: target not installed: cannot look up NEEDED libraries (run: gotc --home $GOTC_HOME install test-arm64)"

fresh
g check "$TA" "$GOTC_BIN"
check "check: x86-64 binary on arm64" 1
out_has "check: wrong machine" "FAIL $GOTC_BIN: machine: x86-64 but debian12-arm64 (arm64) needs AArch64"
out_has "check: wrong loader" "FAIL $GOTC_BIN: interp: PT_INTERP /lib64/ld-linux-x86-64.so.2 (glibc's x86_64 loader) but debian12-arm64 (glibc) needs /lib/ld-linux-aarch64.so.1"

fresh
printf '#!/bin/sh\n' >"$T/script"
head -c 64 "$GOTC_BIN" >"$T/truncated"
g check "$TA" "$T/script" "$T/truncated" "$T/missing" "$T"
check "check: non-ELF input is a FAIL, not a crash" 1
out_has "check: script" "FAIL $T/script: elf: not an ELF file"
out_has "check: truncated" "FAIL $T/truncated: elf: "
out_has "check: missing" "FAIL $T/missing: elf: No such file or directory"
out_has "check: directory" "FAIL $T: elf: not a regular file"
out_has "check: all four counted" "debian12-arm64: 4 files checked, 4 failed (4 failed checks)"

fresh
g check --json "$TA" "$GOTC_BIN" "$T/missing"
check "check --json" 1
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["files"]; assert d["schema"]=="gotc-check/1" and d["target"]=="debian12-arm64" and d["ok"] is False and d["sysroot"] is None; assert [c["check"] for c in f[0]["checks"]][:3]==["class","endian","machine"]; assert f[0]["checks"][2]["ok"] is False; assert f[1]["error"]=="No such file or directory" and f[1]["checks"]==[]' "$T/out"; then
	ok "check --json: valid JSON with the checks"
else
	notok "check --json: valid JSON with the checks"
fi
done_testing
