#!/bin/sh
# tests/host/bullseye.sh - the host guards on a real older host: a chroot of
# Debian 11 (bullseye, glibc 2.31) made with debootstrap from the configured
# Debian mirror, where gotc is built from this source tree with bullseye's own
# -dev packages.  In it, every target whose toolchain needs glibc 2.36 (the
# Debian 12 gcc and clang toolchains) is refused by `gotc install` before any
# download, with the host-glibc message and exit 1, and `gotc show` and
# `gotc doctor` say so; the Debian 11 targets (GOTC_HOST_TARGETS, default all
# six) install from the loopback mirror of real .debs, and the cgo
# probe (C + C++) builds in the target's env and runs under qemu-user (the
# host's static qemu, copied in).
#
# Needs root (debootstrap, chroot, mounts) and apt's access to the Debian
# archive on the first run: the chroot is kept as a tarball in
# GOTC_HOST_CACHE (default /var/cache/gotc-test) and reused.  The chroot
# shares the host's network namespace, so the loopback mirror serves it.
# /proc and /dev are mounted into it and always unmounted on exit.
# Run with `make check-hosts` (not part of make check: it takes minutes).
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
started=$(date +%s)
SUITE=bullseye
# what gotc's configure needs, from bullseye (OpenSSL is 1.1.1 there), and
# the CA bundle libcurl looks for
PKGS="gcc libc6-dev make pkg-config libarchive-dev libcurl4-openssl-dev libssl-dev libgit2-dev
libinih-dev libelf-dev libjansson-dev ca-certificates"
CACHE=${GOTC_HOST_CACHE:-/var/cache/gotc-test}
TARGETS=${GOTC_HOST_TARGETS:-debian11-arm64 debian11-armv7 debian11-mips64 debian11-mips64le debian11-riscv64 debian11-x86_64}
R="$TMPROOT/root"

# Never remove the tree while something is mounted in it.
mounted() { grep -q " $1 " /proc/self/mounts; }
cleanup() {
	busy=
	for m in "$R/dev" "$R/proc"; do
		mounted "$m" || continue
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || busy="$busy $m"
	done
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null
	if [ -n "$busy" ]; then
		echo "# still mounted, $TMPROOT left in place:$busy" >&2
	elif [ -z "${GOTC_KEEP:-}" ]; then
		rm -rf --one-file-system "$TMPROOT"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fresh
if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null 2>&1 || ! command -v chroot >/dev/null 2>&1; then
	notok "needs root, debootstrap and chroot (sh tools/install-deps as root)"
	done_testing
	exit 1
fi

# The configured Debian mirror (not the security archive), from apt's sources.
debian_mirror_url() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /=/ && $i !~ /\]$/) { print $i, $(i + 1); break } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk 'BEGIN { RS = ""; FS = "\n" }
			{ u = ""; s = ""; t = ""
			  for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); sub(/[ \t].*/, "", u) }
				if ($i ~ /^Suites:/) { s = $i; sub(/^Suites:[ \t]*/, "", s); sub(/[ \t].*/, "", s) }
				if ($i ~ /^Types:/) t = $i
			  }
			  if (u != "" && t ~ /[ \t]deb([ \t]|$)/) print u, s }' "$f"
	done
}
url=${GOTC_HOST_MIRROR:-$(debian_mirror_url | awk '$2 !~ /security/ { print $1; exit }')}

# the chroot: from the cached tarball, else made with debootstrap (and cached)
key=$(printf '%s %s\n' "$SUITE" "$PKGS" | sha256sum | cut -c1-16)
tarball="$CACHE/chroot-$SUITE-$key.tar.zst"
mkdir -p "$R"
t0=$(date +%s)
if [ -s "$tarball" ]; then
	how="from $tarball"
	tar --zstd --numeric-owner -xpf "$tarball" -C "$R" 2>"$T/err"
	rc=$?
else
	how="debootstrap $SUITE from $url"
	incl=$(echo $PKGS | tr ' ' ,)
	debootstrap --variant=minbase --include="$incl" "$SUITE" "$R" "$url" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		mkdir -p "$CACHE"
		rm -rf "$R/var/cache/apt/archives"/*.deb "$R/var/lib/apt/lists"/*_Packages
		tar --zstd --numeric-owner -cpf "$tarball.tmp" -C "$R" . && mv "$tarball.tmp" "$tarball"
	fi
fi
if [ "$rc" = 0 ] && [ -x "$R/usr/bin/gcc" ]; then
	ok "chroot of Debian $SUITE ($how, $(($(date +%s) - t0)) s)"
else
	notok "chroot of Debian $SUITE ($how)" "$(tail -n 5 "$T/out" "$T/err" 2>/dev/null)"
	done_testing
	exit 1
fi
mount -t proc proc "$R/proc" && mount --bind /dev "$R/dev" || {
	notok "mount /proc and /dev in the chroot"
	done_testing
	exit 1
}

# in_root CMD: CMD run by sh in the chroot with a clean environment; stdout
# -> $T/out, stderr -> $T/err, status -> $rc
in_root() {
	chroot "$R" /usr/bin/env -i PATH=/src:/usr/local/bin:/usr/bin:/bin HOME=/root \
		GOTC_HOME=/work/home GOTC_CACHE=/work/cache GOTC_CONFIG=/work/config.ini \
		GOTC_DEB_CACHE=/nonexistent LC_ALL=C.UTF-8 sh -c "$1" >"$T/out" 2>"$T/err"
	rc=$?
}
in_root 'getconf GNU_LIBC_VERSION'
glibc=$(cat "$T/out")
[ "$glibc" = "glibc 2.31" ] && ok "the chroot's C library: $glibc" || notok "the chroot has glibc 2.31" "got: $glibc"

# gotc from this tree, built in the chroot against bullseye's libraries
mkdir -p "$R/src" "$R/work"
if [ -d "$ROOT/.git" ]; then
	(cd "$ROOT" && git ls-files -z | tar --null -T - -cf -) | tar -C "$R/src" -xf -
else
	tar -C "$ROOT" --exclude=./build --exclude=./config.mk --exclude=./gotc --exclude=./.git -cf - . | tar -C "$R/src" -xf -
fi
t0=$(date +%s)
in_root 'cd /src && ./configure && make -j2 all'
if [ "$rc" = 0 ] && [ -x "$R/src/gotc" ]; then
	ok "gotc built in the chroot ($(($(date +%s) - t0)) s): $(grep -o 'checking for libcrypto[^)]*' "$T/out" | head -1)"
else
	notok "build gotc in the chroot" "$(tail -n 20 "$T/out" "$T/err")"
	done_testing
	exit 1
fi

# the loopback mirror of the recipes' real .debs, served from the host
serve_debian_mirror
printf '[mirrors]\ndebian = http://127.0.0.1:%s/debian\n[fetch]\nallow_http = yes\n' "$PORT" >"$R/work/config.ini"

# every target whose toolchain needs glibc 2.36: refused before downloading
refused=0
for f in "$ROOT"/targets/*.ini; do
	t=$(basename "$f" .ini)
	tc=$(sed -n 's/^toolchain = //p' "$f")
	[ -f "$ROOT/recipes/toolchain/$tc.ini" ] || continue
	need=$(sed -n 's/^host_glibc = //p' "$ROOT/recipes/toolchain/$tc.ini")
	[ "$need" = 2.36 ] || continue
	in_root "gotc install $t"
	check "$t: install refused on glibc 2.31" 1 \
		"gotc: $tc runs on hosts with glibc ≥ 2.36; this host has 2.31 (use a Debian 12 or newer host or container, or a relocatable toolchain such as the Bootlin-based targets)"
	refused=$((refused + 1))
done
if [ -z "$(ls -A "$R/work/cache/downloads" 2>/dev/null)" ] && [ -z "$(ls -A "$R/work/home/targets" 2>/dev/null)" ] &&
	[ ! -s "$SERVER_LOG" ]; then
	ok "$refused refusals: nothing downloaded (no request reached the mirror), nothing installed"
else
	notok "refusals downloaded or installed nothing" "$(ls -A "$R/work/cache/downloads" "$R/work/home/targets" 2>&1; head -3 "$SERVER_LOG")"
fi
[ "$refused" -ge 6 ] || notok "the Debian 12 targets were found" "only $refused"
in_root 'gotc show debian12-arm64'
check "show debian12-arm64" 0
out_has "show: what the toolchain needs and what this host has" "runs on  x86_64 hosts with glibc ≥ 2.36 (this host: 2.31)"

# the Debian 11 targets install, build the cgo probe and run it under qemu
for t in $TARGETS; do
	t0=$(date +%s)
	in_root "gotc -q install $t"
	if [ "$rc" != 0 ]; then
		notok "$t: install in the chroot" "$(tail -n 5 "$T/err")"
		continue
	fi
	ok "$t: install in the chroot ($(($(date +%s) - t0)) s)"
	kver=$(sed -n 's/^version = //p' "$ROOT/recipes/kernel/$(sed -n 's/^kernel_headers = //p' "$ROOT/targets/$t.ini").ini")
	in_root ". \"\$(gotc env $t)\" && echo \$GOARCH && command -v go_linux_\${GOARCH}_exec"
	goarch=$(head -1 "$T/out")
	# the exec wrapper runs qemu-ARCH-static by name: the host's (static) one
	for qe in /usr/bin/qemu-*-static; do
		[ -e "$R$qe" ] || cp "$qe" "$R$qe"
	done
	rm -rf "$R/work/probe"
	cp -R "$ROOT/tests/e2e/probe" "$R/work/probe"
	t0=$(date +%s)
	in_root ". \"\$(gotc env $t)\" && cd /work/probe && go build -o probe-bin . && go_linux_\${GOARCH}_exec ./probe-bin"
	want="GOARCH=$goarch
LINUX_VERSION_CODE=$kver
CXX=gotc+std::string"
	if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$want" ]; then
		ok "$t: the cgo probe (C + C++) builds in the chroot and runs under qemu ($(($(date +%s) - t0)) s)"
	else
		notok "$t: cgo probe in the chroot" "want: $want"
	fi
	in_root "gotc check $t /work/probe/probe-bin"
	check "$t: gotc check of the probe" 0
	in_root "gotc doctor $t"
	check "$t: doctor in the chroot" 0
	grep -q "host-glibc.*needs glibc 2.27, this host has 2.31" "$T/out" &&
		ok "$t: doctor's host-glibc row" || notok "$t: doctor's host-glibc row" "$(grep host-glibc "$T/out")"
done
# doctor of a Debian 12 target installed into this home by a newer host (as
# with a home shared with a Debian 12 machine; GOTC_TEST_HOST_GLIBC lets the
# install pass the guard): the host-glibc row fails with the message
t0=$(date +%s)
in_root 'GOTC_TEST_HOST_GLIBC=2.36 gotc -q install debian12-arm64'
check "debian12-arm64 installed as a glibc 2.36 host would ($(($(date +%s) - t0)) s)" 0
in_root 'gotc doctor debian12-arm64'
if [ "$rc" -ne 0 ] &&
	grep -q "host-glibc.*gcc-12-debian12-arm64 runs on hosts with glibc ≥ 2.36; this host has 2.31" "$T/out"; then
	ok "doctor debian12-arm64: the host-glibc row fails with the message (exit $rc)"
else
	notok "doctor debian12-arm64 says the host's glibc is too old" "exit $rc"
fi
echo "# host test time: $(($(date +%s) - started)) s"
done_testing
