#!/bin/sh
# Trust and safety: mirrors, limits, non-regular files, the home, secrets in
# messages, hostile INI sizes.  Each case gets a fresh GOTC_HOME.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
FX="$TMPROOT/fx"
build_fixtures "$FX"
# a gzip bomb: 64 MiB of zeros in ~64 KiB, declared with its true size
mkdir -p "$FX/src/bomb/go/bin"
cp "$FX/src/go/go/bin/go" "$FX/src/bomb/go/bin/go"
head -c 67108864 /dev/zero >"$FX/src/bomb/go/zeros"
tar -C "$FX/src/bomb" -cf - go | gzip -1 >"$FX/www/go-bomb.tar.gz"
rm -rf "$FX/src/bomb"
BOMB=$(size "$FX/www/go-bomb.tar.gz")
go_variant "$FX" bomb 1.19.7 go-bomb.tar.gz sized
# file_config DIR: the test mirror is DIR, as file://
file_config() {
	printf '[mirrors]\ntest = file://%s\n' "$1" >"$GOTC_CONFIG"
	printf "${2:-}" >>"$GOTC_CONFIG"
}

# --- a plain-http mirror needs allow_http, like a plain-http recipe URL
fresh
printf '[mirrors]\ntest = http://user:s3cret@127.0.0.1:9/x\n' >"$GOTC_CONFIG"
g install test-arm64
check "plain-http mirror without allow_http is refused" 2
err_has "says where and what to set" "go-test.ini:8: url: mirror 'test' is plain http (http://***@127.0.0.1:9/x): set allow_http = yes in [fetch] of config.ini"
if grep -q s3cret "$T/err" "$T/out"; then notok "mirror credentials never shown"; else ok "mirror credentials never shown"; fi
[ ! -e "$GOTC_HOME/targets/test-arm64" ] && ok "nothing installed" || notok "nothing installed"
fresh
printf '[mirrors]\ntest = http://user:s3cret@127.0.0.1:9/x\n[fetch]\nallow_http = yes\nretries = 0\nconnect_timeout = 2\n' >"$GOTC_CONFIG"
g install test-arm64
check "plain-http mirror with allow_http is used" 1
err_has "the download was tried" "127.0.0.1:9"
if grep -q s3cret "$T/err" "$T/out"; then notok "credentials never in download errors" "$(grep s3cret "$T/err")"; else ok "credentials never in download errors"; fi
g show test-arm64
check "show with a credentialed mirror" 0
out_has "show redacts the credentials" "url    http://***@127.0.0.1:9/x/go1.19.8.linux-amd64.tar.gz"
if grep -q s3cret "$T/out"; then notok "credentials never in show"; else ok "credentials never in show"; fi
# recipe repositories: a credentialed URL never appears in errors or listings
fresh
g repo add priv "https://user:s3cret@127.0.0.1:9/recipes.git"
check "repo add of an unreachable credentialed URL fails" 1
err_has "the error names the redacted URL" "https://***@127.0.0.1:9/recipes.git"
if grep -q s3cret "$T/err" "$T/out"; then notok "credentials never in repo errors" "$(cat "$T/err")"; else ok "credentials never in repo errors"; fi
g repo add priv "http://user:s3cret@127.0.0.1:9/recipes.git"
check "repo add of a plain-http credentialed URL is refused" 2
if grep -q s3cret "$T/err" "$T/out"; then notok "credentials never in the allow_http refusal" "$(cat "$T/err")"; else ok "credentials never in the allow_http refusal"; fi

# --- [env] may not set what changes shells and the dynamic loader
fresh
mkdir -p "$T/s/targets"
for v in BASH_ENV ENV LD_PRELOAD LD_LIBRARY_PATH PROMPT_COMMAND IFS PS4 SHELLOPTS HOME GOENV CGO_FFLAGS; do
	printf '[target]\ndescription = x\n[env]\n%s = /tmp/x\n' "$v" >"$T/s/targets/env-$v.ini"
	g lint "$T/s/targets/env-$v.ini"
	case $v in
	CGO_*) want="$T/s/targets/env-$v.ini:4: [env]: $v is reserved (CGO_* come from the toolchain recipe, LD_* change the dynamic loader); it cannot be set by a target" ;;
	*) want="$T/s/targets/env-$v.ini:4: [env]: $v changes how shells or the dynamic loader behave; it cannot be set by a target" ;;
	esac
	check "[env] $v refused by lint" 2 "$want"
done

# --- size limits
fresh
export GOTC_PATH="$FX/search"
file_config "$FX/www"
g install fix-bomb
check "a gzip bomb is refused" 1
err_has "at 25 times its declared size" "member 'go/zeros': expands past the size limit of $((BOMB * 25)) bytes"
[ "$(du -sk "$GOTC_HOME" | cut -f1)" -lt 2048 ] && ok "the bomb left nothing large behind" || notok "bomb leftovers" "$(du -sk "$GOTC_HOME")"
fresh
export GOTC_PATH="$FX/search"
file_config "$FX/www" '[fetch]\nmax_download = 1000\n'
g install fix-gcc
check "a source without a size is capped by max_download" 1
err_has "says so" "body exceeds 1000 bytes, the limit for a source without a size (max_download in [fetch] of config.ini; or give the recipe a size)"

# --- file:// sources, cache files and gotc check arguments that are not regular files
for kind in fifo devzero; do
	fresh
	export GOTC_PATH="$FX/search"
	mkdir -p "$T/m"
	for f in "$FX"/www/*; do ln -s "$f" "$T/m/"; done
	rm "$T/m/go1.19.8.linux-amd64.tar.gz"
	case $kind in
	fifo) mkfifo "$T/m/go1.19.8.linux-amd64.tar.gz" ;;
	devzero) ln -s /dev/zero "$T/m/go1.19.8.linux-amd64.tar.gz" ;;
	esac
	file_config "$T/m"
	rc=0
	timeout 60 "$GOTC_BIN" install fix-gcc >"$T/out" 2>"$T/err" || rc=$?
	check "file:// source that is a $kind: an error at once" 1
	err_has "file:// $kind: not a regular file" "go1.19.8.linux-amd64.tar.gz: not a regular file"
done
fresh
export GOTC_PATH="$FX/search"
file_config "$FX/www"
mkdir -p "$GOTC_CACHE/downloads"
mkfifo "$GOTC_CACHE/downloads/$(sha "$FX/www/go1.19.8.linux-amd64.tar.gz")"
rc=0
timeout 60 "$GOTC_BIN" install fix-gcc >"$T/out" 2>"$T/err" || rc=$?
check "a FIFO in the download cache never blocks: replaced by the download" 0
fresh
mkfifo "$T/fifo"
rc=0
timeout 20 "$GOTC_BIN" check "$ROOT/targets/debian12-arm64.ini" "$T/fifo" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -ne 124 ] && ok "gotc check of a FIFO returns at once" || notok "gotc check of a FIFO blocks"
if grep -q "not a regular file" "$T/out" "$T/err"; then ok "gotc check: the FIFO is not a regular file"; else notok "gotc check FIFO message"; fi

# --- the home and the cache: no /tmp fallback, another user's or a
# world-writable directory refused, no ':' or newline in the home
fresh
mkdir -p "$T/a:b"
g --home "$T/a:b" list
check "a home with ':' is refused" 2 "gotc: the home '$T/a:b' contains a ':', which PATH and the env files cannot carry: choose another (--home)"
nl="$T/a
b"
mkdir -p "$nl"
g --home "$nl" list
check "a home with a newline is refused" 2
err_has "newline: says why" "contains a newline"
mkdir -p "$T/open"
chmod 777 "$T/open"
g --home "$T/open" list
check "a world-writable home is refused" 2 "gotc: the home $T/open is writable by every user (mode 777): refusing it; run chmod o-w $T/open"
GOTC_CACHE="$T/open" g list
check "a world-writable cache is refused" 2
err_has "the cache: named" "the cache $T/open is writable by every user"
GOTC_CACHE="$T/open" g env --help
check "help needs no home" 0
if [ "$(id -u)" -ne 0 ]; then
	skip "a home owned by another user" "needs root to chown"
	skip "HOME unset, no passwd entry" "needs root to change uid"
else
	mkdir -p "$T/theirs"
	chown 54321 "$T/theirs"
	g --home "$T/theirs" list
	check "a home owned by another user is refused" 2
	err_has "another user's home: the owner named" "belongs to uid 54321, not to you (uid 0) or root"
	# a uid with no passwd entry and no HOME: an error, not /tmp
	env -u HOME -u GOTC_HOME -u GOTC_CACHE -u GOTC_CONFIG setpriv --reuid=54321 --regid=54321 --clear-groups \
		"$GOTC_BIN" list >"$T/out" 2>"$T/err"
	rc=$?
	check "HOME unset, no passwd entry: refused" 2 "gotc: HOME is not set and uid 54321 has no home directory: set HOME, or GOTC_HOME, GOTC_CACHE and GOTC_CONFIG"
	[ ! -e /tmp/.local/share/gotc ] && ok "nothing under /tmp" || notok "no /tmp fallback" "$(ls -la /tmp/.local/share)"
fi

done_testing
