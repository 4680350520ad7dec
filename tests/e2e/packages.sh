#!/bin/sh
# Sysroot packages end to end: [packages] in a target resolved from the real
# signed Debian index (InRelease and Packages as apt fetched them into the
# test cache, served by the loopback mirror), installed as their own store
# entry layered into the sysroot view, used by real cgo builds that run under
# qemu: zlib and libcrypto through pkg-config, sqlite3 through its header and
# -lsqlite3, with a gcc and a clang target.  Then the refusals: a tampered
# InRelease, a Packages file that does not match it, a .deb that does not
# match the index, an unknown package, a trixie package for a Debian 12
# sysroot; each with its message and nothing left installed.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
started=$(date +%s)
pk=""
for p in zlib1g-dev zlib1g libssl-dev libssl3 libsqlite3-dev libsqlite3-0; do pk="$pk --package $p:arm64@bookworm"; done
# shellcheck disable=SC2086
serve_debian_mirror --index bookworm:arm64 --index trixie:arm64 $pk
S="$T/search"
mkdir -p "$S/targets" "$S/recipes/sysroot"
export GOTC_PATH="$S:$ROOT"
# pk-TARGET: a shipped target with [packages]
mk() { (cat "$ROOT/targets/$1.ini"; printf '\n[packages]\ninstall = %s\n' "$2") >"$S/targets/$3.ini"; }
mk debian12-arm64 "zlib1g-dev libssl-dev libsqlite3-dev" pk-arm64
mk debian12-arm64-clang "zlib1g-dev libssl-dev libsqlite3-dev" pk-arm64-clang
W="$T/work"
mkdir -p "$W"
# nothing_left TARGET: no packages entry, no prefix, no staging
nothing_left() {
	if ls "$GOTC_HOME"/store 2>/dev/null | grep -q '^packages-' || [ -e "$GOTC_HOME/targets/$1" ] ||
		[ -n "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ]; then
		notok "$1: nothing left behind" "$(ls "$GOTC_HOME/store" "$GOTC_HOME/targets" 2>&1)"
	else
		ok "$1: nothing left behind"
	fi
}

# ---- refusals first (an empty home) ----
bad_mirror() { # NAME: a copy of the mirror's dists with the pool shared
	mkdir -p "$MIRROR/$1/debian"
	cp -R "$MIRROR/debian/dists" "$MIRROR/$1/debian/"
	ln -s ../../debian/pool "$MIRROR/$1/debian/pool"
}
bad_mirror badsig
sed -i 's/^Date: .*/Date: Sat, 11 Jul 2026 10:16:38 UTC/' "$MIRROR/badsig/debian/dists/bookworm/InRelease"
debian_mirror_config badsig/debian
g -q install pk-arm64
check "tampered InRelease refused" 1
err_has "tampered InRelease: the cause" "InRelease: BAD signature (the file was changed after it was signed)"
nothing_left pk-arm64

bad_mirror badidx
sed -i '1s/^Package: /Package:_/' "$MIRROR/badidx/debian/dists/bookworm/main/binary-arm64/Packages"
debian_mirror_config badidx/debian
g -q install pk-arm64
check "Packages not matching the signed InRelease refused" 1
want=$(awk '$3 == "main/binary-arm64/Packages" { print $1 }' "$MIRROR/debian/dists/bookworm/InRelease" | tail -1)
err_has "Packages mismatch: expected sha256 named" "sha256 mismatch: expected $want"
nothing_left pk-arm64

debian_mirror_config debian
mk debian12-arm64 "zlib1g-devv" pk-unknown
g -q install pk-unknown
check "unknown package refused" 1 "gotc: $S/targets/pk-unknown.ini:21: [packages] for debian bookworm/arm64: unknown package 'zlib1g-devv' for arm64 (did you mean zlib1g-dev?)"
nothing_left pk-unknown

# a Debian 12 sysroot fed from trixie: its libraries need a newer glibc
sed 's/^suite = bookworm/suite = trixie/' "$ROOT/recipes/sysroot/debian12-arm64.ini" >"$S/recipes/sysroot/debian12-arm64-trixie.ini"
sed 's/^sysroot = debian12-arm64$/sysroot = debian12-arm64-trixie/' "$ROOT/targets/debian12-arm64.ini" >"$S/targets/pk-trixie.ini"
printf '\n[packages]\ninstall = libsqlite3-dev\n' >>"$S/targets/pk-trixie.ini"
mkdir -p "$S/keyrings"
cp "$ROOT/keyrings/debian-archive-keyring.gpg" "$S/keyrings/"
g -q install pk-trixie
check "a trixie package for a glibc 2.36 sysroot refused" 1
err_has "trixie: names the library package" "libsqlite3-0 "
err_has "trixie: names the glibc it needs" "depends on 'libc6 (>= 2.38)', which nothing satisfies (the sysroot provides 2.36-8cross1)"
nothing_left pk-trixie

bad_mirror baddeb
rm "$MIRROR/baddeb/debian/pool"
mkdir -p "$MIRROR/baddeb/debian/pool/main/z/zlib"
deb=$(cd "$MIRROR/debian" && ls pool/main/z/zlib/zlib1g-dev_*_arm64.deb)
for f in "$MIRROR"/debian/pool/*; do [ "$f" = "$MIRROR/debian/pool/main" ] || ln -s "$f" "$MIRROR/baddeb/debian/pool/"; done
for f in "$MIRROR"/debian/pool/main/*; do [ "$(basename "$f")" = z ] || ln -s "$f" "$MIRROR/baddeb/debian/pool/main/"; done
for f in "$MIRROR"/debian/pool/main/z/*; do [ "$(basename "$f")" = zlib ] || ln -s "$f" "$MIRROR/baddeb/debian/pool/main/z/"; done
for f in "$MIRROR"/debian/pool/main/z/zlib/*; do ln -s "$f" "$MIRROR/baddeb/debian/pool/main/z/zlib/"; done
rm "$MIRROR/baddeb/debian/$deb"
cp "$MIRROR/debian/$deb" "$MIRROR/baddeb/debian/$deb"
printf 'x' >>"$MIRROR/baddeb/debian/$deb"
debian_mirror_config baddeb/debian
g -q install pk-arm64
check "a .deb not matching the index refused" 1
err_has "bad .deb: its URL named" "$deb"
nothing_left pk-arm64

# ---- installs and builds ----
debian_mirror_config debian
rstart=$(date +%s)
g show pk-arm64
check "resolution (show) from the signed index" 0
ok "resolution of zlib1g-dev libssl-dev libsqlite3-dev took $(($(date +%s) - rstart)) s"
for p in zlib1g-dev zlib1g libssl-dev libssl3 libsqlite3-dev libsqlite3-0; do
	grep -q "^  source ${p}_" "$T/out" || notok "closure has $p" "$(grep source "$T/out")"
done
for t in pk-arm64 pk-arm64-clang; do
	g -q install "$t"
	if [ "$rc" -ne 0 ]; then
		notok "$t: install" "$(cat "$T/err")"
		continue
	fi
	ok "$t: install"
	for d in zlib crypto sqlite; do
		rm -rf "$W/$d"
		cp -R "$ROOT/tests/e2e/packages/$d" "$W/$d"
		# shellcheck disable=SC2016
		if "$GOTC_BIN" exec "$t" -- sh -c "cd '$W/$d' && go build -o p . && \
			\$GOTC_QEMU -L \$GOTC_QEMU_LD_PREFIX -E LD_LIBRARY_PATH=\$GOTC_SYSROOT/usr/lib/aarch64-linux-gnu:\$GOTC_SYSROOT/lib/aarch64-linux-gnu ./p" \
			>"$W/$d.out" 2>&1; then
			case $d in
			zlib) want="zlib 1.2.13 roundtrip=19" ;;
			crypto) want="sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ;;
			sqlite) want="sqlite 3.40.1 6*7=42" ;;
			esac
			if [ "$(tail -1 "$W/$d.out")" = "$want" ]; then
				ok "$t: $d builds and runs under qemu"
			else
				notok "$t: $d output" "got: $(cat "$W/$d.out") want: $want"
			fi
			g check "$t" "$W/$d/p"
			check "$t: gotc check of the $d binary" 0
		else
			notok "$t: $d build" "$(tail -15 "$W/$d.out")"
		fi
	done
done
n=$(ls "$GOTC_HOME/store" | grep -c '^packages-')
[ "$n" = 1 ] && ok "one packages entry shared by the gcc and clang targets" || notok "packages entries" "$(ls "$GOTC_HOME/store")"
stop_server
echo "# e2e packages time: $(($(date +%s) - started)) s"
done_testing
