# tests/lib/pipeline.sh - small real archives (tar.gz, .deb) and recipes for
# pipeline tests, served by tests/lib/httpd.py on loopback.
# Usage: . this after cli.sh; build_fixtures DIR; start_server DIR [ARGS]; stop_server

# deb DIR OUT: a real Debian package from a directory tree (dpkg-deb).
deb() {
	mkdir -p "$1/DEBIAN"
	printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: gotc tests <t@gotc.invalid>\nDescription: gotc test fixture\n' \
		"$(basename "$2" .deb)" >"$1/DEBIAN/control"
	dpkg-deb --root-owner-group -Zxz -b "$1" "$2" >/dev/null
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }

# build_fixtures DIR: DIR/www (served files) and DIR/search (targets, recipes).
build_fixtures() {
	F=$1
	W="$F/www"
	S="$F/search"
	mkdir -p "$W" "$S/targets" "$S/recipes/go" "$S/recipes/toolchain" "$S/recipes/sysroot" \
		"$S/recipes/kernel" "$F/src"
	# Go, go.dev layout: go/bin/go, go/VERSION
	mkdir -p "$F/src/go/go/bin" "$F/src/go/go/src/runtime"
	# `go env VAR...` prints the environment's values (doctor reads them)
	cat >"$F/src/go/go/bin/go" <<'GO'
#!/bin/sh
if [ "${1-}" = env ]; then
	shift
	for v; do eval "printf '%s\\n' \"\${$v-}\""; done
	exit 0
fi
echo "go version go1.19.8 linux/amd64"
GO
	chmod 755 "$F/src/go/go/bin/go"
	printf 'go1.19.8\n' >"$F/src/go/go/VERSION"
	head -c 200000 /dev/urandom >"$F/src/go/go/src/runtime/blob"
	tar -C "$F/src/go" -czf "$W/go1.19.8.linux-amd64.tar.gz" go
	# gcc toolchain as a Debian package: a "compiler" that prints its arguments
	d="$F/src/tc"
	mkdir -p "$d/usr/bin" "$d/usr/lib/x86_64-linux-gnu"
	printf '#!/bin/sh\necho "cc:$LD_LIBRARY_PATH:$*"\n' >"$d/usr/bin/aarch64-linux-gnu-gcc-12"
	printf '#!/bin/sh\necho "c++:$*"\n' >"$d/usr/bin/aarch64-linux-gnu-g++-12"
	printf '#!/bin/sh\necho "ar:$*"\n' >"$d/usr/bin/aarch64-linux-gnu-ar"
	chmod 755 "$d"/usr/bin/*
	head -c 100000 /dev/urandom >"$d/usr/lib/x86_64-linux-gnu/libbfd-2.40-aarch64.so"
	deb "$d" "$W/gcc-test.deb"
	# sysroot package with an absolute symlink, as distro packages have
	d="$F/src/sys"
	mkdir -p "$d/usr/aarch64-linux-gnu/lib" "$d/usr/aarch64-linux-gnu/include/linux"
	head -c 50000 /dev/urandom >"$d/usr/aarch64-linux-gnu/lib/libm.so.6"
	ln -s /usr/aarch64-linux-gnu/lib/libm.so.6 "$d/usr/aarch64-linux-gnu/lib/libm.so"
	printf '/* from the libc package: must be replaced */\n' >"$d/usr/aarch64-linux-gnu/include/linux/version.h"
	printf '/* stdio */\n' >"$d/usr/aarch64-linux-gnu/include/stdio.h"
	deb "$d" "$W/libc6-dev-test.deb"
	# kernel headers package
	d="$F/src/kh"
	mkdir -p "$d/usr/aarch64-linux-gnu/include/linux" "$d/usr/aarch64-linux-gnu/include/asm"
	printf '#define LINUX_VERSION_CODE 393473\n' >"$d/usr/aarch64-linux-gnu/include/linux/version.h"
	printf '/* asm */\n' >"$d/usr/aarch64-linux-gnu/include/asm/types.h"
	deb "$d" "$W/linux-libc-dev-test.deb"

	cat >"$S/recipes/go/go-fix.ini" <<E
[recipe]
version = 1.19.8
goroot = go
[source go]
url = \${mirror:test}/go1.19.8.linux-amd64.tar.gz
sha256 = $(sha "$W/go1.19.8.linux-amd64.tar.gz")
size = $(size "$W/go1.19.8.linux-amd64.tar.gz")
E
	cat >"$S/recipes/toolchain/gcc-fix.ini" <<E
[recipe]
version = 12.2.0
type = gcc
triple = aarch64-linux-gnu
libc = glibc
cc = usr/bin/aarch64-linux-gnu-gcc-12
cxx = usr/bin/aarch64-linux-gnu-g++-12
ar = usr/bin/aarch64-linux-gnu-ar
libdir = usr/lib/x86_64-linux-gnu
[source gcc]
url = \${mirror:test}/gcc-test.deb
sha256 = $(sha "$W/gcc-test.deb")
size = $(size "$W/gcc-test.deb")
E
	cat >"$S/recipes/toolchain/clang-fix.ini" <<E
[recipe]
version = 14
type = clang
host = yes
cc = clang
cxx = clang++
ar = llvm-ar
linker = lld
E
	cat >"$S/recipes/sysroot/sys-fix.ini" <<E
[recipe]
version = 2.36
libc = glibc
libc_version = 2.36
glibcxx = 3.4.30
include = usr/aarch64-linux-gnu/include
runtime_root = usr/aarch64-linux-gnu
[source libc6-dev]
url = \${mirror:test}/libc6-dev-test.deb
sha256 = $(sha "$W/libc6-dev-test.deb")
E
	cat >"$S/recipes/kernel/kh-fix.ini" <<E
[recipe]
version = 6.1.0
method = package
include = usr/aarch64-linux-gnu/include
[source linux-libc-dev]
url = \${mirror:test}/linux-libc-dev-test.deb
sha256 = $(sha "$W/linux-libc-dev-test.deb")
E
	for t in fix-gcc:gcc-fix fix-clang:clang-fix; do
		cat >"$S/targets/${t%%:*}.ini" <<E
[target]
description = pipeline fixture ${t%%:*}
arch = arm64
libc = glibc
libc_version = 2.36
kernel = 6.1
cxx_stdlib = libstdc++
glibcxx = 3.4.30
[recipes]
go = go-fix
toolchain = ${t#*:}
sysroot = sys-fix
kernel_headers = kh-fix
[env]
HOSTILE = \$(touch PWNED) \`touch PWNED2\` 'q' "dq"  two  spaces
MULTI = first \$(touch PWNED3) line
  second 'line' \\ end
E
	done
	# a Go archive with a member that escapes its root: refused at unpack
	mkdir -p "$F/src/evil/go/bin"
	cp "$F/src/go/go/bin/go" "$F/src/evil/go/bin/go"
	ln -s /etc/passwd "$F/src/evil/go/passwd"
	tar -C "$F/src/evil" -czf "$W/go-evil.tar.gz" go
	cat >"$S/recipes/go/go-evil.ini" <<E
[recipe]
version = 1.19.9
[source go]
url = \${mirror:test}/go-evil.tar.gz
sha256 = $(sha "$W/go-evil.tar.gz")
E
	sed 's/^go = go-fix$/go = go-evil/; s/^description = .*/description = pipeline fixture: unsafe Go archive/' \
		"$S/targets/fix-gcc.ini" >"$S/targets/fix-evil.ini"
	cat >"$S/targets/fix-libcxx.ini" <<E
[target]
description = pipeline fixture: libc++ declared, absent from the sysroot
arch = arm64
libc = glibc
libc_version = 2.36
kernel = 6.1
cxx_stdlib = libc++
[recipes]
go = go-fix
toolchain = clang-fix
sysroot = sys-fix
kernel_headers = kh-fix
E
}

# go_variant FX NAME VERSION FILE [sized]: recipe go-NAME for FX/www/FILE
# (with its size if a 5th argument is given) and target fix-NAME, fix-gcc
# with that Go
go_variant() {
	{
		printf '[recipe]\nversion = %s\n[source go]\nurl = ${mirror:test}/%s\nsha256 = %s\n' \
			"$3" "$4" "$(sha "$1/www/$4")"
		[ -z "${5:-}" ] || printf 'size = %s\n' "$(size "$1/www/$4")"
	} >"$1/search/recipes/go/go-$2.ini"
	sed "s/^go = go-fix\$/go = go-$2/" "$1/search/targets/fix-gcc.ini" >"$1/search/targets/fix-$2.ini"
}

# serve_fixtures: build the fixtures in $TMPROOT/fx (FX), serve them (stopped
# on exit) and put their search path first for every fresh case
serve_fixtures() {
	FX="$TMPROOT/fx"
	build_fixtures "$FX"
	start_server "$FX/www"
	trap 'stop_server; [ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
	export GOTC_TEST_PATH="$FX/search"
}

# start_server ROOT [httpd.py args]: sets PORT, SERVER_PID, SERVER_LOG.  The
# script stops it (stop_server, or the EXIT trap); its own lifetime (an hour)
# is only a bound for a script that dies, long enough for the valgrind tier
# of tests/cli/install.sh on a loaded machine (past 600 s there, the server
# was gone before the script's later cases)
start_server() {
	_root=$1
	shift
	SERVER_LOG="$TMPROOT/server.$$.$_n.log"
	: >"$SERVER_LOG"
	rm -f "$TMPROOT/port"
	python3 "$ROOT/tests/lib/httpd.py" --root "$_root" --port-file "$TMPROOT/port" \
		--log "$SERVER_LOG" --lifetime 3600 "$@" >/dev/null 2>&1 &
	SERVER_PID=$!
	i=0 # up to 30 s: python starts slowly on a loaded machine
	while [ ! -s "$TMPROOT/port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(cat "$TMPROOT/port")
}

# serve_debian_mirror [build-debian-mirror ARGS...]: build the loopback Debian
# mirror in $MIRROR (real .debs and signed indexes, from the shared cache) and
# serve it for up to an hour; a fresh GOTC_HOME whose config names it as the
# debian mirror.  If the mirror cannot be built the test ends with one failure.
serve_debian_mirror() {
	MIRROR="$TMPROOT/mirror"
	if ! "$ROOT/tests/mirror/build-debian-mirror" "$@" "$MIRROR" >"$TMPROOT/mirror.log" 2>&1; then
		cat "$TMPROOT/mirror.log"
		fresh
		notok "build the loopback Debian mirror" "$(tail -5 "$TMPROOT/mirror.log")"
		done_testing
		exit 1
	fi
	tail -1 "$TMPROOT/mirror.log" | sed 's/^/# /'
	start_server "$MIRROR" --lifetime 3600
	fresh
	debian_mirror_config debian
}

# debian_mirror_config [DIR]: the debian mirror is DIR (default debian) of the server
debian_mirror_config() {
	printf '[mirrors]\ndebian = http://127.0.0.1:%s/%s\n[fetch]\nallow_http = yes\n' "$PORT" "${1:-debian}" >"$GOTC_CONFIG"
}
stop_server() { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }

# config pointing the test mirror at the server
mirror_config() {
	printf '[mirrors]\ntest = http://127.0.0.1:%s%s\n[fetch]\nallow_http = yes\nretries = 2\nconnect_timeout = 5\nlow_speed_time = 5\n' \
		"$PORT" "${1:-}" >"$GOTC_CONFIG"
}
