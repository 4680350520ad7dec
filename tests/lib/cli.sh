# tests/lib/cli.sh - helpers for black-box CLI tests (TAP-like output).
# Each test script: . "$GOTC_SRC/tests/lib/cli.sh"; then cases; then `done_testing`.
# Every case runs gotc against a fresh temporary GOTC_HOME, cache and config.
set -u
ROOT=${GOTC_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
GOTC_BIN="$ROOT/gotc"
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/gotc-test.XXXXXX")
trap '[ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
_n=0
_failed=0

# fresh: new GOTC_HOME/cache/config for the next case; T is its directory.
fresh() {
	_n=$((_n + 1))
	T="$TMPROOT/$_n"
	mkdir -p "$T"
	export GOTC_HOME="$T/home" GOTC_CACHE="$T/cache" GOTC_CONFIG="$T/config.ini"
	export GOTC_PATH="${GOTC_TEST_PATH:-$ROOT/tests/fixtures/search}"
	unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
	printf '[mirrors]\ntest = https://mirror.invalid/a https://127.0.0.1:9/b\n' >"$GOTC_CONFIG"
}

# vg_bin ARGS...: the program g runs.  gotc answers env and exec itself and
# hands every other command to gotc-core with one execv of the same argv;
# under valgrind (the vg tier) those run gotc-core directly, since each traced
# process costs valgrind's start-up (about 0.6 s of CPU), and the hand-off has
# nothing to check.  Copies of gotc elsewhere (tests of installs) run as is.
vg_bin() {
	if [ -n "${GOTC_WRAP:-}" ] && [ "$GOTC_BIN" = "$ROOT/gotc" ]; then
		while [ $# -gt 0 ]; do
			case $1 in
			--home) shift 2 ;;
			-*) shift ;;
			env | exec) break ;;
			*)
				echo "$ROOT/build/gotc-core"
				return
				;;
			esac
		done
	fi
	echo "$GOTC_BIN"
}

# g ARGS...: run gotc; stdout -> $T/out, stderr -> $T/err, status -> $rc
g() {
	# shellcheck disable=SC2086
	${GOTC_WRAP:-} "$(vg_bin "$@")" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# nw ARGS...: g, never under valgrind: for runs a script needs but whose code
# the vg tier covers elsewhere (each run under valgrind costs seconds)
nw() {
	_w=${GOTC_WRAP:-}
	GOTC_WRAP=
	g "$@"
	GOTC_WRAP=$_w
}

ok() { echo "ok $*"; }
# skip NAME WHY: a case that could not run here; tests/run counts it as
# skipped (a failure under GOTC_NO_SKIP=1), never as passed
skip() { echo "ok $1 # SKIP $2"; }
notok() {
	_failed=$((_failed + 1))
	echo "not ok $1"
	shift
	[ $# -gt 0 ] && echo "#   $*"
	echo "#   exit status: ${rc:-?}"
	echo "#   stdout:"; sed 's/^/#     /' "$T/out" 2>/dev/null | head -15
	echo "#   stderr:"; sed 's/^/#     /' "$T/err" 2>/dev/null | head -15
}

# check NAME WANT_RC [STDERR_EXACT_FIRST_LINE]
check() {
	_name=$1 _want=$2
	if [ "$rc" -ne "$_want" ]; then
		notok "$_name" "expected exit $_want"
		return
	fi
	if [ $# -ge 3 ]; then
		_line=$(head -n 1 "$T/err")
		if [ "$_line" != "$3" ]; then
			notok "$_name" "expected stderr: $3"
			return
		fi
	fi
	if [ "${GOTC_WRAP:-}" != "" ] && grep -q '^==[0-9]*==' "$T/err"; then
		notok "$_name" "valgrind reported errors"
		return
	fi
	ok "$_name"
}

# out_has NAME STRING / err_has NAME STRING
out_has() { if grep -qF -- "$2" "$T/out"; then ok "$1"; else notok "$1" "stdout lacks: $2"; fi; }
err_has() { if grep -qF -- "$2" "$T/err"; then ok "$1"; else notok "$1" "stderr lacks: $2"; fi; }

done_testing() {
	echo "# $_n cases, $_failed failed"
	[ "$_failed" -eq 0 ]
}
