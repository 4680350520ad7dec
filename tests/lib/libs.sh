# tests/lib/libs.sh - the sysroot-packages probe of the e2e tests: one module
# (tests/e2e/packages) with three cgo programs, zlib and libcrypto (EVP
# sha256) through pkg-config and sqlite3 through <sqlite3.h> and -lsqlite3.
# Usage: . this after cli.sh; check_libs INSTANCE DIR [SUITE]; seed_cache GOCACHE KEY
# The closure these programs need from the sysroot's distribution (Debian 12;
# libs_closure SUITE for another suite):
LIBS_PACKAGES="zlib1g-dev libssl-dev libsqlite3-dev"
LIBS_CLOSURE="zlib1g-dev zlib1g libssl-dev libssl3 libsqlite3-dev libsqlite3-0"
# libs_closure SUITE: that closure in SUITE (trixie: openssl's t64 library,
# which needs libzstd1; its Multi-Arch: foreign openssl-provider-legacy is left out)
libs_closure() {
	case $1 in
	trixie) echo "zlib1g-dev zlib1g libssl-dev libssl3t64 libzstd1 libsqlite3-dev libsqlite3-0" ;;
	*) echo "$LIBS_CLOSURE" ;;
	esac
}
# libs_suite TARGET [KEY]: KEY (default suite) of the [packages] section of
# the shipped TARGET's sysroot recipe (empty when it has none)
libs_suite() {
	_lr=$(sed -n 's/^sysroot = //p' "$ROOT/targets/$1.ini")
	sed -n "/^\[packages\]/,/^\[/s/^${2:-suite} = //p" "$ROOT/recipes/sysroot/$_lr.ini"
}

# check_libs INSTANCE DIR [SUITE]: in INSTANCE's env (gotc exec), build the
# three programs with one `go build ./...` in DIR (a copy of the module), run
# each through the target's go_linux_GOARCH_exec, compare its output (the
# library versions of SUITE, default bookworm) and run `gotc check` on it.
# libs_res is pass or fail; libs_time the seconds taken.
check_libs() {
	_li=$1 _lw=$2 _l0=$(date +%s)
	case ${3:-bookworm} in
	trixie) _lzv=1.3.1 _lsv=3.46.1 ;;
	*) _lzv=1.2.13 _lsv=3.40.1 ;;
	esac
	libs_res=pass
	rm -rf "$_lw"
	cp -R "$ROOT/tests/e2e/packages" "$_lw"
	rm -rf "$_lw/static-lm" # a module of its own (tests/e2e/targets.sh)
	if "$GOTC_BIN" exec "$_li" -- sh -c "cd '$_lw' && go build -o bin/ ./..." >"$_lw.out" 2>&1; then
		ok "$_li: the zlib, libcrypto and sqlite3 programs build (one go build ./...)"
	else
		notok "$_li: go build ./... of the zlib, libcrypto and sqlite3 programs" "$(tail -15 "$_lw.out")"
		libs_res=fail
		libs_time=$(($(date +%s) - _l0))
		return
	fi
	for _ld in zlib crypto sqlite; do
		case $_ld in
		zlib) _lwant="zlib $_lzv roundtrip=19" ;;
		crypto) _lwant="sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ;;
		sqlite) _lwant="sqlite $_lsv 6*7=42" ;;
		esac
		# the target's own exec wrapper finds the added libraries
		"$GOTC_BIN" exec "$_li" -- sh -c "go_linux_\${GOARCH}_exec '$_lw/bin/$_ld'" >"$_lw/$_ld.out" 2>&1
		if [ "$(tail -1 "$_lw/$_ld.out")" = "$_lwant" ]; then
			ok "$_li: $_ld runs under qemu"
		else
			libs_res=fail
			notok "$_li: $_ld output" "got: $(cat "$_lw/$_ld.out") want: $_lwant"
		fi
		g check "$_li" "$_lw/bin/$_ld"
		check "$_li: gotc check of the $_ld binary" 0
		[ "$rc" -eq 0 ] || libs_res=fail
	done
	libs_time=$(($(date +%s) - _l0))
}

# seed_cache GOCACHE KEY: a GOCACHE not used yet starts as a copy of the one
# last recorded for KEY (e.g. GOARCH and its sub-architecture setting), and
# is then KEY's.  The standard library is compiled once per KEY instead of
# once per target: Go keys every cache entry on the compiler, GOARCH, flags
# and build tags and, for cgo packages, on CC, its identity and the CGO_
# flags, so each target still compiles its own cgo code with its own
# toolchain; an instance's cache stays its own directory.
seed_cache() {
	_sd="$TMPROOT/gocache-seeds"
	mkdir -p "$_sd"
	if [ -s "$_sd/$2" ] && [ ! -e "$1" ] && [ -d "$(cat "$_sd/$2")" ]; then
		mkdir -p "$(dirname "$1")"
		cp -R "$(cat "$_sd/$2")" "$1"
	fi
	printf '%s\n' "$1" >"$_sd/$2"
}
# gocache_of INSTANCE: the instance's GOCACHE, as its env sets it
gocache_of() { "$GOTC_BIN" exec "$1" -- sh -c 'printf "%s\n" "$GOCACHE"'; }
# seed_instance INSTANCE: seed_cache of INSTANCE's GOCACHE, keyed on its
# GOARCH and sub-architecture setting
seed_instance() {
	seed_cache "$(gocache_of "$1")" \
		"$("$GOTC_BIN" exec "$1" -- sh -c 'echo "$GOARCH-${GOARM:-}${GOMIPS:-}${GOMIPS64:-}${GOAMD64:-}"')"
}
