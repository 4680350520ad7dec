#!/bin/sh
# Sysroot packages end to end: [packages] in a target resolved from the real
# signed Debian index (InRelease and Packages as apt fetched them into the
# test cache, served by the loopback mirror), installed as their own store
# entry layered into the sysroot view, used by real cgo builds that run under
# qemu: zlib and libcrypto through pkg-config, sqlite3 through its header and
# -lsqlite3, with a gcc target and a clang one made with install --with, run
# through the target's go_linux_arm64_exec; a project's [packages]; the lock
# and install --locked with the index dead; gotc sbom (SPDX and CycloneDX,
# validated with python3-jsonschema; the SPDX document also read, validated
# and written back unchanged by the SPDX project's Go library, Debian's
# golang-github-spdx-tools-golang-dev: tests/lib/spdx-check); a bundle of
# instances with packages installed offline.  The refusals: a tampered InRelease, a
# Packages file that does not match it, a .deb that does not match the
# index, an unknown package, a trixie package for a Debian 12 sysroot, a
# library that breaks the target's ABI promise; each with its message and
# nothing left installed.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
. "$ROOT/tests/lib/libs.sh"
started=$(date +%s)
pk=""
for p in $LIBS_CLOSURE libsnappy-dev libsnappy1v5; do
	pk="$pk --package $p:arm64@bookworm"
done
# the SPDX project's Go library, which checks gotc sbom's SPDX output
SPDX_GO="golang-github-spdx-tools-golang-dev golang-github-anchore-go-struct-converter-dev"
for p in $SPDX_GO; do
	pk="$pk --package $p:amd64@trixie"
done
# shellcheck disable=SC2086
serve_debian_mirror --index bookworm:arm64 --index trixie:arm64 $pk
S="$T/search"
mkdir -p "$S/targets" "$S/recipes/sysroot"
export GOTC_PATH="$S:$ROOT"
# pk-TARGET: a shipped target with [packages]
mk() { (cat "$ROOT/targets/$1.ini"; printf '\n[packages]\ninstall = %s\n' "$2") >"$S/targets/$3.ini"; }
mk debian12-arm64 "zlib1g-dev libssl-dev libsqlite3-dev" pk-arm64
# the clang target gets the same packages as a one-off: install --with
WITH=debian12-arm64-clang@with-libsqlite3-dev_libssl-dev_zlib1g-dev
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

# the ABI promise of the added libraries, checked at install: a C++ library
# (its Depends all met by the sysroot) for a target that has no C++ library
sed -e 's/^cxx_stdlib = libstdc++/cxx_stdlib = none/' -e '/^glibcxx/d' -e '/^cxxabi/d' \
	"$ROOT/targets/debian12-arm64.ini" >"$S/targets/pk-conly.ini"
printf '\n[packages]\ninstall = libsnappy-dev\n' >>"$S/targets/pk-conly.ini"
g -q install pk-conly
check "a library breaking the target's ABI promise refused at install" 1
err_has "ABI refusal: the package, the library and the symbol version" \
	"package libsnappy1v5 1.1.9-3: library /usr/lib/aarch64-linux-gnu/libsnappy.so.1.1.9 breaks the ABI promise of pk-conly (glibcxx: needs GLIBCXX_3.4.21 (for _ZNSt7__cxx11"
[ ! -e "$GOTC_HOME/targets/pk-conly" ] && [ -z "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ] &&
	ok "pk-conly: not installed" || notok "pk-conly: not installed" "$(ls "$GOTC_HOME/targets")"
conly=$(ls "$GOTC_HOME/store" | grep '^packages-')

# ---- installs and builds ----
debian_mirror_config debian
rstart=$(date +%s)
g show pk-arm64
check "resolution (show) from the signed index" 0
ok "resolution of zlib1g-dev libssl-dev libsqlite3-dev took $(($(date +%s) - rstart)) s"
for p in zlib1g-dev zlib1g libssl-dev libssl3 libsqlite3-dev libsqlite3-0; do
	grep -q "^  source ${p}_" "$T/out" || notok "closure has $p" "$(grep source "$T/out")"
done
# the lock pins the resolved packages and the index they came from (from the
# search path: install --locked below needs no index)
g lock pk-arm64 -o "$W/gotc.lock"
check "lock pk-arm64" 0
key=$(awk '/^packages_key = / { print $3 }' "$W/gotc.lock")
grep -q "^packages_index = $(sed -n 's/^Date: //p' "$MIRROR/debian/dists/bookworm/InRelease")\$" "$W/gotc.lock" &&
	[ ${#key} -ge 40 ] && ok "lock: the InRelease date and signing key" || notok "lock: index" "$(grep packages "$W/gotc.lock")"
for p in zlib1g-dev zlib1g libssl-dev libssl3 libsqlite3-dev libsqlite3-0; do
	grep -q "^package = ${p}_" "$W/gotc.lock" || notok "lock pins $p" "$(grep -c '^package = ' "$W/gotc.lock")"
done
ok "lock: every .deb of the closure has its [artifact] (url, sha256, size)"
g -q install debian12-arm64-clang --with zlib1g-dev,libssl-dev,libsqlite3-dev,zlib1g-dev
check "install --with: the instance $WITH" 0
[ -d "$GOTC_HOME/targets/$WITH" ] && ok "install --with: installed as $WITH" ||
	notok "install --with: instance name" "$(ls "$GOTC_HOME/targets")"
for t in pk-arm64 "$WITH"; do
	if [ "$t" = pk-arm64 ]; then
		g -q install "$t"
		if [ "$rc" -ne 0 ]; then
			notok "$t: install" "$(cat "$T/err")"
			continue
		fi
		ok "$t: install"
	fi
	# the clang instance's GOCACHE starts from the gcc one's (tests/lib/libs.sh)
	seed_cache "$(gocache_of "$t")" arm64
	check_libs "$t" "$W/libs-$t"
	echo "# matrix $t zlib,crypto,sqlite $libs_res ($libs_time s)"
done
# the gcc target as an instance with the same packages (TARGET@with-...):
# every store entry shared with pk-arm64, bundled below
WITHG=debian12-arm64@with-libsqlite3-dev_libssl-dev_zlib1g-dev
g -q install debian12-arm64 --with libsqlite3-dev,libssl-dev,zlib1g-dev
check "install --with: the instance $WITHG" 0
# a project's [packages] means the same instance
mkdir -p "$W/proj"
printf '[project]\ntargets = debian12-arm64-clang\n[packages]\ninstall = zlib1g-dev libsqlite3-dev libssl-dev\n' >"$W/proj/gotc.ini"
(cd "$W/proj" && "$GOTC_BIN" env) >"$T/out" 2>"$T/err"
grep -q "/targets/$WITH/" "$T/out" && ok "gotc.ini [packages]: env of the project is $WITH" ||
	notok "gotc.ini [packages]" "$(cat "$T/out" "$T/err")"
printf '[project]\ntargets = debian12-arm64-clang\n[packages]\ninstall = zlib1g-dev Bad_Name\n' >"$W/proj/gotc.ini"
(cd "$W/proj" && "$GOTC_BIN" env) >"$T/out" 2>"$T/err"
grep -q "^$W/proj/gotc.ini:4: install: 'Bad_Name' is not a Debian package name" "$T/err" &&
	ok "gotc.ini [packages]: a bad name is FILE:LINE" || notok "gotc.ini bad package name" "$(cat "$T/err")"
g list
grep -q "$WITH" "$T/out" && ok "list shows $WITH" || notok "list" "$(cat "$T/out")"
# the instance from its own record, with no search path and no index
stop_server
GOTC_PATH=/nonexistent g show --installed "$WITH"
check "show --installed $WITH with no search path and no index" 0
GOTC_PATH=/nonexistent g check "$WITH" "$W/libs-$WITH/bin/sqlite"
check "check of a binary against $WITH with no search path and no index" 0
# its SBOM, from the record; a mirror URL's credentials never in it
printf '[mirrors]\ndebian = http://gotc:s3cret@127.0.0.1:%s/debian\n[fetch]\nallow_http = yes\n' "$PORT" >"$GOTC_CONFIG"
# spdx_check FILE: tests/lib/spdx-check, built with the instance's Go (for
# the host, no cgo) in GOPATH mode from the Debian packages of SPDX_GO
spdx_check() {
	gp="$W/gopath"
	if [ ! -x "$gp/spdx-check" ]; then
		mkdir -p "$gp/src/spdx-check" "$gp/debs"
		cp "$ROOT/tests/lib/spdx-check/main.go" "$gp/src/spdx-check/"
		for p in $SPDX_GO; do
			find "$MIRROR/debian/pool" -name "${p}_*_all.deb" -exec dpkg-deb -x {} "$gp/debs" \;
		done
		ln -s "$gp/debs/usr/share/gocode/src/github.com" "$gp/src/github.com"
		(cd "$gp" && env -u GOOS -u GOARCH -u GOARM -u CC -u CXX -u CGO_CFLAGS -u CGO_LDFLAGS -u GOFLAGS \
			GO111MODULE=off GOPATH="$gp" GOCACHE="$gp/cache" GOTOOLCHAIN=local CGO_ENABLED=0 \
			"$GOTC_HOME/targets/$WITH/goroot/bin/go" build -o "$gp/spdx-check" spdx-check) >"$W/v.out" 2>&1 ||
			{ notok "sbom: spdx-check builds from Debian's SPDX library" "$(cat "$W/v.out")"; return; }
	fi
	if "$gp/spdx-check" "$1" >"$W/v.out" 2>&1; then
		ok "sbom: spdx: $(cat "$W/v.out")"
	else
		notok "sbom: spdx: the SPDX library reads it back unchanged" "$(head -20 "$W/v.out")"
	fi
}
for f in spdx cyclonedx; do
	GOTC_PATH=/nonexistent g sbom "$WITH" --format $f -o "$W/sbom.$f.json"
	check "sbom --format $f of $WITH with no search path and no index" 0
	if "$ROOT/tests/lib/validate-sbom" $f "$W/sbom.$f.json" >"$W/v.out" 2>&1; then
		ok "sbom: $(tail -1 "$W/v.out")"
	else
		notok "sbom: $f validates" "$(cat "$W/v.out")"
	fi
	if [ $f = spdx ]; then
		spdx_check "$W/sbom.$f.json"
	fi
	if grep -q 's3cret\|@127' "$W/sbom.$f.json" || ! grep -q '"http://127.0.0.1:' "$W/sbom.$f.json"; then
		notok "sbom: $f: download URLs without credentials" "$(grep -m2 127.0.0.1 "$W/sbom.$f.json")"
	else
		ok "sbom: $f: download URLs without credentials"
	fi
done
# every .deb of the closure with its name, version and sha256 (the lock's)
awk '/^\[artifact / { d = substr($2, 1, length($2) - 1) } /^package = / { print $3, d }' "$W/gotc.lock" >"$W/debs"
miss=
while read -r nv d; do
	n=${nv%%_*} v=${nv#*_}
	grep -q "\"name\": \"$n\", \"versionInfo\": \"$v\", .*\"checksumValue\": \"$d\"" "$W/sbom.spdx.json" || miss="$miss $nv"
done <"$W/debs"
[ -s "$W/debs" ] && [ -z "$miss" ] && ok "sbom: every package with its version and sha256" || notok "sbom: packages" "missing:$miss"
grep -q '"name": "libc6-dev-arm64-cross", "versionInfo": "2.36-8cross1"' "$W/sbom.spdx.json" &&
	grep -q '"referenceLocator": "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=arm64"' "$W/sbom.spdx.json" &&
	ok "sbom: the sysroot's packages and purls" || notok "sbom: sysroot packages, purls" "$(head -c 3000 "$W/sbom.spdx.json")"
debian_mirror_config debian
n=$(ls "$GOTC_HOME/store" | grep '^packages-' | grep -vxF "$conly" | wc -l)
[ "$n" = 1 ] && ok "one packages entry shared by the gcc and clang targets" || notok "packages entries" "$(ls "$GOTC_HOME/store")"
g -q remove pk-arm64
g -q install --locked "$W/gotc.lock"
check "install --locked of a target with packages, the index dead" 0
[ -e "$GOTC_HOME/targets/pk-arm64/record/packages.ini" ] && ok "install --locked: the instance keeps its packages" ||
	notok "install --locked: packages.ini" "$(ls "$GOTC_HOME/targets/pk-arm64/record")"
# a bundle of the instances with packages installs them in a fresh home with
# no network and no index (the server is down): the pins travel with it
bstart=$(date +%s)
g bundle "$WITHG" pk-arm64 -o "$W/pk.gotc"
check "bundle of $WITHG and pk-arm64" 0
members=$(zstd -q -dc "$W/pk.gotc" 2>/dev/null | tar -t 2>/dev/null)
printf '%s\n' "$members" | grep -qx "files/packages/$WITHG.ini" &&
	printf '%s\n' "$members" | grep -qx "files/packages/pk-arm64.ini" &&
	ok "bundle: carries each instance's resolved packages" || notok "bundle: packages files" "$(printf '%s\n' "$members" | grep -v '^store/')"
H1=$GOTC_HOME C1=$GOTC_CACHE P1=$GOTC_PATH
GOTC_HOME="$T/home2" GOTC_CACHE="$T/cache2" GOTC_PATH=/nonexistent
g install --from-bundle "$W/pk.gotc"
check "install --from-bundle of instances with packages, offline, in a fresh home" 0
for t in "$WITHG" pk-arm64; do
	if cmp -s "$H1/targets/$t/record/packages.ini" "$GOTC_HOME/targets/$t/record/packages.ini"; then
		ok "bundle: $t keeps its packages"
	else
		notok "bundle: $t packages.ini" "$(ls "$GOTC_HOME/targets/$t/record" 2>&1)"
	fi
done
pe=$(ls "$GOTC_HOME/store" | grep '^packages-')
[ -n "$pe" ] && [ "$(printf '%s\n' "$pe" | wc -l)" = 1 ] && cmp -s "$H1/store/$pe/manifest" "$GOTC_HOME/store/$pe/manifest" &&
	ok "bundle: the packages entry round-trips" || notok "bundle: packages entry" "$(ls "$GOTC_HOME/store")"
g verify
check "verify after install --from-bundle" 0
g check "$WITHG" "$W/libs-pk-arm64/bin/sqlite"
check "check of the sqlite binary against $WITHG from the bundle" 0
if "$GOTC_BIN" exec "$WITHG" -- sh -c "go_linux_arm64_exec '$W/libs-pk-arm64/bin/sqlite'" >"$W/b.out" 2>&1 &&
	[ "$(tail -1 "$W/b.out")" = "sqlite 3.40.1 6*7=42" ]; then
	ok "bundle: the sqlite binary runs with $WITHG's libraries"
else
	notok "bundle: run with $WITHG" "$(cat "$W/b.out")"
fi
rm -rf "$GOTC_HOME" "$GOTC_CACHE" "$W/pk.gotc"
GOTC_HOME=$H1 GOTC_CACHE=$C1 GOTC_PATH=$P1
echo "# bundle round trip with packages: $(($(date +%s) - bstart)) s"
GOTC_PATH=/nonexistent g remove "$WITH"
check "remove $WITH with no search path" 0
[ ! -e "$GOTC_HOME/targets/$WITH" ] && [ -d "$GOTC_HOME/targets/pk-arm64" ] && ok "remove $WITH left pk-arm64" ||
	notok "remove $WITH" "$(ls "$GOTC_HOME/targets")"
echo "# e2e packages time: $(($(date +%s) - started)) s"
done_testing
