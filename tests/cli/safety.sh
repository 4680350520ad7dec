#!/bin/sh
# Trust and safety: mirrors, limits, non-regular files, the home, secrets in
# messages, hostile INI sizes.  Each case gets a fresh GOTC_HOME.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"

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

done_testing
