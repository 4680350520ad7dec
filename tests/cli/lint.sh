#!/bin/sh
# Validation: every recipe/target error is "FILE:LINE: message" with exit 2.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
H=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FIX="$ROOT/tests/fixtures/search"

# mk KIND NAME: write stdin to a fresh search dir's file; prints its path.
mk() {
	d="$T/s/$1"
	mkdir -p "$d"
	cat >"$d/$2.ini"
	echo "$d/$2.ini"
}
# A fresh search path: the fixtures plus $T/s.
fresh_s() {
	fresh
	mkdir -p "$T/s/targets"
	export GOTC_PATH="$T/s:$FIX"
}
# lint_case NAME EXPECTED_STDERR (file path as $F)
# Under valgrind (the vg tier) the case's run is outside valgrind, for its
# message, and its file joins vg_files: lint_vg_all lints every case's file
# in one run under valgrind (lint goes on after a file with errors), the same
# parser and validation paths for one valgrind start-up instead of thirty.
vg_files=
lint_case() {
	if [ -n "${GOTC_WRAP:-}" ]; then
		nw lint "$F"
		vg_files="$vg_files $F"
	else
		g lint "$F"
	fi
	check "$1" 2 "$2"
	if [ -e "$GOTC_HOME" ]; then notok "$1: nothing else happens" "GOTC_HOME was created"; fi
}

fresh_s
F=$(mk recipes/go bad-syntax <<E
[recipe]
version = 1.19.8
this line has no equals sign
E
)
lint_case "syntax error" "$F:3: syntax error (expected 'key = value', '[section]' or a comment)"

fresh_s
F=$(mk recipes/go bad-header <<E
[recipe
version = 1
E
)
lint_case "section header without ]" "$F:1: syntax error: section header without ']'"

fresh_s
F=$(mk recipes/go unknown-section <<E
[recipee]
version = 1.19.8
E
)
lint_case "unknown section suggests" "$F:1: unknown section [recipee] (did you mean [recipe]?)"

fresh_s
F=$(mk recipes/go unknown-key <<E
[recipe]
version = 1.19.8
gorot = go
E
)
lint_case "unknown key suggests" "$F:3: unknown key 'gorot' in [recipe] (did you mean 'goroot'?)"

fresh_s
F=$(mk recipes/go key-other-kind <<E
[recipe]
version = 1.19.8
triple = aarch64-linux-gnu
E
)
lint_case "key of another recipe kind" "$F:3: unknown key 'triple' in [recipe]"

fresh_s
F=$(mk recipes/go dup-key <<E
[recipe]
version = 1.19.8
version = 1.20
E
)
lint_case "duplicate key" "$F:3: duplicate key 'version' in [recipe] (first set at line 2)"

fresh_s
F=$(mk recipes/go dup-section <<E
[recipe]
version = 1.19.8
[source a]
url = https://example.invalid/a
sha256 = $H
[source a]
url = https://example.invalid/b
E
)
lint_case "duplicate section" "$F:6: duplicate section [source a] (first at line 3)"

fresh_s
F=$(mk recipes/go missing-version <<E
; a comment
[recipe]
description = no version
[source a]
url = https://example.invalid/a
sha256 = $H
E
)
lint_case "missing required key" "$F:2: [recipe]: missing required key 'version'"

fresh_s
F=$(mk recipes/go missing-sha <<E
[recipe]
version = 1.19.8
[source go]
url = https://example.invalid/go.tar.gz
E
)
lint_case "missing sha256" "$F:3: [source go]: missing required key 'sha256'"

fresh_s
F=$(mk recipes/go missing-url <<E
[recipe]
version = 1.19.8
[source go]
sha256 = $H
E
)
lint_case "missing url" "$F:3: [source go]: missing required key 'url'"

fresh_s
F=$(mk recipes/go no-source <<E
[recipe]
version = 1.19.8
E
)
lint_case "no source" "$F:1: [recipe]: no [source NAME] section: a go recipe needs at least one source"

fresh_s
F=$(mk recipes/go bad-version <<E
[recipe]
version = 1.19.x
E
)
lint_case "bad version" "$F:2: version: bad version '1.19.x' (expected digits and dots, e.g. 1.19.8)"

fresh_s
F=$(mk recipes/go short-sha <<E
[recipe]
version = 1.19.8
[source go]
url = https://example.invalid/go.tar.gz
sha256 = abc123
E
)
lint_case "sha256 not 64 hex" "$F:5: sha256: expected 64 hex digits, got 'abc123' (6 characters)"

fresh_s
F=$(mk recipes/go nonhex-sha <<E
[recipe]
version = 1.19.8
[source go]
url = https://example.invalid/go.tar.gz
sha256 = ${H%?}g
E
)
lint_case "sha256 with a non-hex digit" "$F:5: sha256: expected 64 hex digits, got '${H%?}g' (64 characters)"

fresh_s
F=$(mk recipes/go http-url <<E
[recipe]
version = 1.19.8
[source go]
url = http://example.invalid/go.tar.gz
sha256 = $H
E
)
lint_case "plain http refused" "$F:4: url: scheme of 'http://example.invalid/go.tar.gz' is not allowed (use https:// or file://, or a \${mirror:NAME}; plain http needs allow_http = yes in [fetch] of config.ini)"

fresh_s
printf '[fetch]\nallow_http = yes\n' >>"$GOTC_CONFIG"
g lint "$F"
check "plain http with allow_http" 0

fresh_s
F=$(mk recipes/go ftp-url <<E
[recipe]
version = 1.19.8
[source go]
url = ftp://example.invalid/go.tar.gz
sha256 = $H
E
)
lint_case "ftp refused" "$F:4: url: scheme of 'ftp://example.invalid/go.tar.gz' is not allowed (use https:// or file://, or a \${mirror:NAME}; plain http needs allow_http = yes in [fetch] of config.ini)"

fresh_s
F=$(mk recipes/go unknown-mirror <<E
[recipe]
version = 1.19.8
[source go]
url = \${mirror:nosuch}/go.tar.gz
sha256 = $H
E
)
lint_case "unknown mirror" "$F:4: url: unknown mirror 'nosuch' (define it in $GOTC_CONFIG: [mirrors] nosuch = URL)"
# a target composing that recipe fails with the recipe's error: said once
sed 's/^go = go-test$/go = unknown-mirror/' "$FIX/targets/test-arm64.ini" >"$T/s/targets/um.ini"
g lint "$T/s/targets/um.ini" "$F"
check "lint of a target and its broken recipe" 2
[ "$(grep -c "unknown mirror 'nosuch'" "$T/err")" -eq 1 ] && ok "the recipe's error is printed once" ||
	notok "the recipe's error is printed once" "$(cat "$T/err")"

fresh_s
F=$(mk recipes/go line-too-long <<E
[recipe]
version = 1.19.8
description = $(printf '%0300d' 0)
E
)
lint_case "line too long" "$F:3: line longer than 198 bytes"

fresh_s
F=$(mk targets bad-arch <<E
[target]
description = x
arch = arm65
E
)
lint_case "bad arch" "$F:3: arch: 'arm65' is not one of: x86_64 arm64 armv7 mips64 mips64le riscv64"

fresh_s
F=$(mk targets bad-libc <<E
[target]
description = x
arch = arm64
libc = uclibc
E
)
lint_case "bad libc" "$F:4: libc: 'uclibc' is not one of: glibc musl"

fresh_s
F=$(mk targets bad-kernel <<E
[target]
description = x
kernel = 6.1-rc
E
)
g lint "$F"
check "version with suffix accepted" 2 "$F:1: [target]: missing required key 'arch'"

# A complete target with one thing wrong at a time.
target() { # NAME ARCH LIBC KERNEL GO TOOLCHAIN KERNEL_HEADERS [EXTRA]
	mk targets "$1" <<E
[target]
description = case $1
arch = $2
libc = $3
libc_version = 2.36
kernel = $4
cxx_stdlib = libstdc++
glibcxx = 3.4.30
[recipes]
go = $5
toolchain = $6
sysroot = test-arm64
kernel_headers = $7
E
}

fresh_s
F=$(target missing-recipe arm64 glibc 6.1 go-test gcc-nosuch linux-6.1-test)
lint_case "target names a missing recipe" "$F:11: no toolchain recipe 'gcc-nosuch' (looked for recipes/toolchain/gcc-nosuch.ini on the search path)"

fresh_s
F=$(target new-headers arm64 glibc 5.14 go-test gcc-test-arm64 linux-6.8-test)
lint_case "kernel headers newer than kernel" "$F:13: kernel headers 6.8 (recipe linux-6.8-test) are newer than the target's kernel 5.14; use headers no newer than 5.14"

fresh_s
F=$(target old-kernel arm64 glibc 3.1 go-1.24-test gcc-test-arm64 linux-6.1-test)
lint_case "Go needs a newer kernel" "$F:10: Go 1.24.0 (recipe go-1.24-test) needs Linux 3.2 or newer, but the target's kernel is 3.1"

fresh_s
F=$(target wrong-triple arm64 glibc 6.1 go-test gcc-test-riscv64 linux-6.1-test)
lint_case "toolchain triple mismatch" "$F:11: toolchain gcc-test-riscv64 builds for riscv64-linux-gnu (glibc), but the target is arm64 with glibc (expected a triple like aarch64-linux-gnu)"

fresh_s
F=$(target wrong-libc arm64 musl 6.1 go-test gcc-test-arm64 linux-6.1-test)
lint_case "toolchain libc mismatch" "$F:11: toolchain gcc-test-arm64 builds for aarch64-linux-gnu (glibc), but the target is arm64 with musl (expected a triple like aarch64-linux-musl)"

fresh_s
F=$(mk targets libcxx-gcc <<E
[target]
description = libc++ with gcc
arch = arm64
libc = glibc
libc_version = 2.36
kernel = 6.1
cxx_stdlib = libc++
[recipes]
go = go-test
toolchain = gcc-test-arm64
sysroot = test-arm64
kernel_headers = linux-6.1-test
E
)
lint_case "libc++ needs clang" "$F:10: cxx_stdlib = libc++ needs a clang toolchain; gcc-test-arm64 is gcc (its C++ compiler links libstdc++)"

fresh_s
F=$(mk targets env-managed <<E
[target]
description = x
[env]
GOROOT = /somewhere/else
E
)
lint_case "[env] cannot override managed vars" "$F:4: [env]: GOROOT is set by gotc from the target and its recipes; it cannot be overridden here"

fresh_s
F=$(mk targets stray <<E
[target]
description = x
[recipes]
E
)
g lint "$T/s/nowhere.ini"
check "lint of a missing file" 2 "gotc lint: $T/s/nowhere.ini: no such file"

fresh_s
printf '[mirrors]\ntest = https://example.invalid/m\n[fetch]\njobz = 3\n' >"$GOTC_CONFIG"
g targets
check "config errors are FILE:LINE too" 2 "$GOTC_CONFIG:4: unknown key 'jobz' in [fetch] (did you mean 'jobs'?)"

# The shipped fixtures are valid.
fresh
g lint "$FIX"/targets/*.ini "$FIX"/recipes/*/*.ini
check "fixtures lint clean" 0

fresh_s
F=$(mk recipes/toolchain gcc-bfd-arches <<E
[recipe]
version = 12
type = gcc
triple = aarch64-linux-gnu
libc = glibc
cc = bin/gcc
bfd_arches = mips64
[source a]
url = https://example.invalid/a.tar.gz
sha256 = $H
E
)
lint_case "bfd_arches only for clang" "$F:7: bfd_arches: only a clang toolchain with its own files links some arches with GNU ld"

fresh_s
F=$(mk recipes/toolchain clang-bad-bfd-arch <<E
[recipe]
version = 19
type = clang
cc = bin/clang
bfd_arches = mips64 sparc64
[source a]
url = https://example.invalid/a.tar.gz
sha256 = $H
E
)
lint_case "bfd_arches names arches" "$F:5: bfd_arches: unknown arch 'sparc64' (one of x86_64 arm64 armv7 mips64 mips64le riscv64)"

# No shipped target uses the host's compilers (host = yes is an opt-in).
hostuse=
for f in "$ROOT"/targets/*.ini; do
	tc=$(sed -n 's/^toolchain = //p' "$f")
	grep -q '^host = yes' "$ROOT/recipes/toolchain/$tc.ini" 2>/dev/null && hostuse="$hostuse $(basename "$f")"
done
[ -z "$hostuse" ] && ok "no shipped target uses a host toolchain" || notok "shipped targets using the host's compilers:$hostuse"

# Values are data: kept byte for byte, never executed.
fresh_s
F=$(mk targets hostile <<'E'
[target]
description = quotes ' " and $(touch PWNED) and `touch PWNED2` and $HOME
arch = arm64
libc = glibc
libc_version = 2.36
kernel = 6.1
cxx_stdlib = libstdc++
glibcxx = 3.4.30
[recipes]
go = go-test
toolchain = gcc-test-arm64
sysroot = test-arm64
kernel_headers = linux-6.1-test
[env]
EVIL = $(touch PWNED) `touch PWNED2` 'single' "double" spaces  inside
MULTI = first line
  second line
E
)
# (in $T: anything executed would create PWNED there; rc from the subshell)
(cd "$T" && g show hostile && exit "$rc")
rc=$?
check "hostile values: show succeeds" 0
out_has "description kept byte for byte" "quotes ' \" and \$(touch PWNED) and \`touch PWNED2\` and \$HOME"
out_has "env value quoted for sh" "EVIL='\$(touch PWNED) \`touch PWNED2\` '\\''single'\\'' \"double\" spaces  inside'"
out_has "multi-line value kept" "MULTI='first line"
if [ -e "$T/PWNED" ] || [ -e "$T/PWNED2" ]; then notok "nothing executed"; else ok "nothing executed"; fi

# lint_vg_all: (vg tier) every lint_case file in one lint under valgrind:
# exit 2, no valgrind error, an error reported for each file
lint_vg_all() {
	[ -n "$vg_files" ] || return 0
	fresh
	# shellcheck disable=SC2086
	g lint $vg_files
	check "every case's file in one lint run under valgrind" 2
	_miss=
	for _f in $vg_files; do grep -q "^$_f:" "$T/err" || _miss="$_miss $_f"; done
	[ -z "$_miss" ] && ok "that lint run reports each case's file" ||
		notok "that lint run reports each case's file" "no error for:$_miss"
}
lint_vg_all

# an unknown target name: exit 2, with the nearest name on the search path
fresh
g lint debian11-arm6
check "lint of a misspelt target: exit 2, did you mean" 2 "gotc lint: debian11-arm6: no such file, target on the search path or installed target (did you mean 'debian11-arm64'? see 'gotc targets' and 'gotc list')"

fresh_s
g lint test-arm64@gox
check "lint of a malformed instance name keeps the parser's message" 2 "gotc lint: 'test-arm64@gox': '@gox' needs a Go version like 1.24 or 1.24.4 after 'go'"
done_testing
