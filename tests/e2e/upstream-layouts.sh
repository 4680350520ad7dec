#!/bin/sh
# End to end for the upstream layouts of group 3 (rocky9-*, musl-*), which cannot
# be downloaded here: test-only recipes of the same shape install, over loopback,
# faithful fixtures made of real Debian content (tests/fixtures/upstream/):
#   a go.dev-layout Go archive (go/..., strip 0, goroot go, per-host sources),
#   a Bootlin-layout toolchain archive carrying its sysroot (TRIPLE/sysroot),
#   a musl.cc-layout toolchain carrying its sysroot (TRIPLE, headers in include/),
#   a kernel source tarball turned into UAPI headers by make headers_install
#   (Debian's linux-source-6.1 tarball, the real recipes' include prefixes).
# Then the cgo probe is built in the emitted env and run under qemu.
# Fixtures are cached by content hash in GOTC_FIXTURE_CACHE
# (default /var/cache/gotc-test/upstream), Debian packages in GOTC_DEB_CACHE.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
started=$(date +%s)
FX="$ROOT/tests/fixtures/upstream"
fresh
if ! "$ROOT/tests/mirror/build-debian-mirror" "$TMPROOT/debmirror" >"$T/out" 2>"$T/err" ||
	! sh "$FX/build-fixtures" "$TMPROOT/fx" >"$T/out" 2>"$T/err"; then
	notok "build the upstream-layout fixtures from Debian packages"
	done_testing
	exit 1
fi
ok "build the upstream-layout fixtures from Debian packages ($(($(date +%s) - started)) s)"
rm -rf "$TMPROOT/debmirror"

# The loopback mirror, in the upstream hosts' path layouts.
W="$TMPROOT/www"
mkdir -p "$W/dl" "$W/downloads/releases/toolchains/aarch64/tarballs" "$W/pub/linux/kernel/v6.x"
ln "$TMPROOT/fx/go1.19.8.linux-amd64.tar.gz" "$W/dl/"
ln "$TMPROOT/fx/aarch64--glibc--debian12-fixture-1.tar.bz2" "$W/downloads/releases/toolchains/aarch64/tarballs/"
ln "$TMPROOT/fx/linux-source-6.1.tar.xz" "$W/pub/linux/kernel/v6.x/"
ln "$TMPROOT/fx/aarch64-linux-musl-cross.tgz" "$W/"

# The kernel tarball's own version, from its Makefile.
KMK=$(xz -dc "$TMPROOT/fx/linux-source-6.1.tar.xz" | tar -xO --occurrence=1 linux-source-6.1/Makefile 2>/dev/null | head -n 5)
kv() { echo "$KMK" | sed -n "s/^$1 = //p"; }
KVER="$(kv VERSION).$(kv PATCHLEVEL).$(kv SUBLEVEL)"
KCODE=$(($(kv VERSION) * 65536 + $(kv PATCHLEVEL) * 256 + $(kv SUBLEVEL)))
case $KVER in
6.1.[0-9]*) ok "kernel tarball version $KVER (LINUX_VERSION_CODE $KCODE)" ;;
*) notok "kernel tarball version from its Makefile" "got '$KVER'" ;;
esac

# The test recipes and targets with the fixtures' checksums filled in.
S="$TMPROOT/search"
mkdir -p "$S"
cp -R "$FX/targets" "$FX/recipes" "$S/"
subst=
for f in "$TMPROOT"/fx/*; do
	b=$(basename "$f")
	subst="$subst -e s|@SHA256:$b@|$(sha "$f")| -e s|@SIZE:$b@|$(size "$f")|"
done
# shellcheck disable=SC2086
find "$S" -name '*.ini' -exec sed -i $subst -e "s|@KVER@|$KVER|g" {} +
export GOTC_PATH="$S"
printf '[mirrors]\nupstream = http://127.0.0.1:9\n[fetch]\nallow_http = yes\n' >"$GOTC_CONFIG"
# g_root ARGS: gotc with the repository as the search path
g_root() { GOTC_PATH="$ROOT"; g "$@"; GOTC_PATH="$S"; }
g lint
check "the test recipes and targets pass lint" 0
if grep -rq '^[^;]*@[A-Z0-9]*[:@]' "$S"; then
	notok "every placeholder is filled in" "$(grep -r '^[^;]*@[A-Z0-9]*[:@]' "$S")"
else
	ok "every placeholder is filled in"
fi
# The real group-3 files pass lint too (their URLs are plain https).
g_root lint "$ROOT"/targets/rocky9-*.ini "$ROOT"/targets/musl-*.ini \
	"$ROOT"/recipes/go/go-1.25.14.ini "$ROOT"/recipes/toolchain/bootlin-*.ini \
	"$ROOT"/recipes/toolchain/muslcc-*.ini "$ROOT"/recipes/kernel/linux-5.1*-kernel-org.ini
check "the group-3 recipes and targets pass lint" 0
for t in rocky9-x86_64 rocky9-arm64 musl-arm64 musl-x86_64; do
	g_root show "$t"
	check "$t: gotc show resolves the plan" 0
done

start_server "$W"
printf '[mirrors]\nupstream = http://127.0.0.1:%s\n[fetch]\nallow_http = yes\n' "$PORT" >"$GOTC_CONFIG"

# run_probe T DIR: build tests/e2e/DIR in T's env (sh, no profile, empty env) and run it
run_probe() {
	w="$T/work-$1"
	mkdir -p "$w"
	cp -R "$ROOT/tests/e2e/$2" "$w/"
	env -i HOME="$T" PATH=/usr/bin:/bin GOTC_HOME="$GOTC_HOME" GOTC_PATH="$S" GOTC_CONFIG="$GOTC_CONFIG" \
		sh -c ". \"\$(\"$GOTC_BIN\" env $1)\" && cd \"$w/$2\" && go build -o probe-bin . && \
		go_linux_\${GOARCH}_exec ./probe-bin" >"$w/$2.out" 2>&1
}
vcode() { sed -n 's/^#define LINUX_VERSION_CODE //p' "$1"; }

for t in test-upstream-glibc-arm64 test-upstream-musl-arm64; do
	tstart=$(date +%s)
	g -q install "$t"
	if [ "$rc" -ne 0 ]; then
		notok "$t: install" "$(tail -5 "$T/err")"
		continue
	fi
	ok "$t: install ($(($(date +%s) - tstart)) s)"
	P="$GOTC_HOME/targets/$t"
	# go.dev layout: strip 0, GOROOT = <entry>/go, the go on PATH is that GOROOT's
	if [ -x "$P/goroot/bin/go" ] && [ "$(basename "$(readlink "$P/goroot")")" = go ] &&
		[ -f "$P/goroot/src/runtime/runtime.go" ] && [ ! -L "$P/goroot/src" ]; then
		ok "$t: Go in go.dev layout: GOROOT is the archive's go/ (self-contained, no symlinks)"
	else
		notok "$t: Go in go.dev layout" "$(ls -la "$P/goroot/" 2>&1 | head -5)"
	fi
	if grep -q 'linux-arm64' "$SERVER_LOG"; then
		notok "$t: only the x86_64 host's Go archive is fetched" "$(grep arm64 "$SERVER_LOG")"
	else
		ok "$t: only the x86_64 host's Go archive is fetched"
	fi
	gv=$(env -i PATH=/usr/bin:/bin GOTC_HOME="$GOTC_HOME" GOTC_PATH="$S" GOTC_CONFIG="$GOTC_CONFIG" \
		sh -c ". \"\$(\"$GOTC_BIN\" env $t)\" && go version && go env GOROOT" 2>&1)
	case $gv in
	"go version go1.19.8 linux/amd64
$P/goroot" | "go version go1.19.8 linux/amd64
$(readlink -f "$P/goroot")") ok "$t: go version and GOROOT in the env" ;;
	*) notok "$t: go version and GOROOT in the env" "$gv" ;;
	esac
	# kernel headers: headers_install output layered into the carried sysroot
	case $t in
	*musl*) inc="$P/sysroot/include" ;;
	*) inc="$P/sysroot/usr/include" ;;
	esac
	got=$(vcode "$inc/linux/version.h" 2>/dev/null)
	if [ "$got" = "$KCODE" ]; then
		ok "$t: the sysroot's linux/version.h is the tarball's $KVER ($KCODE), not the toolchain's own"
	else
		notok "$t: sysroot LINUX_VERSION_CODE" "got '$got', want $KCODE ($inc)"
	fi
	case $t in
	*musl*)
		if [ -e "$P/sysroot/usr/include" ]; then
			notok "$t: musl.cc layout: no usr/include made beside include/"
		else
			ok "$t: musl.cc layout: headers stay in the sysroot's include/"
		fi
		if run_probe "$t" probe; then
			notok "$t: C++ must be refused (cxx_stdlib = none)"
		elif grep -q "has no C++ standard library" "$T/work-$t/probe.out"; then
			ok "$t: C++ refused with a clear message"
		else
			notok "$t: C++ refusal message" "$(tail -5 "$T/work-$t/probe.out")"
		fi
		want="GOARCH=arm64
LINUX_VERSION_CODE=$KVER
C=4"
		if run_probe "$t" probe-c; then
			if [ "$(cat "$T/work-$t/probe-c.out")" = "$want" ]; then
				ok "$t: cgo C probe runs under qemu and sees kernel $KVER"
			else
				notok "$t: C probe output" "got: $(cat "$T/work-$t/probe-c.out") want: $want"
			fi
			if file "$T/work-$t/probe-c/probe-bin" | grep -q 'statically linked'; then
				ok "$t: the musl binary is static"
			else
				notok "$t: the musl binary is static" "$(file "$T/work-$t/probe-c/probe-bin")"
			fi
		else
			notok "$t: build and run the C probe" "$(tail -15 "$T/work-$t/probe-c.out")"
		fi
		;;
	*)
		if grep -q -- '-nostdinc\|-B' "$P/bin/aarch64-linux-gnu-gcc"; then
			notok "$t: the Bootlin-layout C wrapper needs only --sysroot" "$(cat "$P/bin/aarch64-linux-gnu-gcc")"
		else
			ok "$t: the Bootlin-layout C wrapper needs only --sysroot"
		fi
		want="GOARCH=arm64
LINUX_VERSION_CODE=$KVER
CXX=gotc+std::string"
		if run_probe "$t" probe; then
			if [ "$(cat "$T/work-$t/probe.out")" = "$want" ]; then
				ok "$t: cgo C + C++ probe runs under qemu and sees kernel $KVER"
			else
				notok "$t: probe output" "got: $(cat "$T/work-$t/probe.out") want: $want"
			fi
			if readelf -d "$T/work-$t/probe/probe-bin" | grep -q 'NEEDED.*libstdc++'; then
				ok "$t: the probe links the sysroot's libstdc++ dynamically"
			else
				notok "$t: the probe links libstdc++ dynamically" "$(readelf -d "$T/work-$t/probe/probe-bin" | grep NEEDED)"
			fi
		else
			notok "$t: build and run the C + C++ probe" "$(tail -15 "$T/work-$t/probe.out")"
		fi
		;;
	esac
	rm -rf "$T/work-$t"
done
stop_server
echo "# upstream-layouts total time: $(($(date +%s) - started)) s"
done_testing
