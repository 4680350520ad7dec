#!/bin/sh
# Mirrors: the default ${mirror:debian} is only an apt source of the Debian
# archive (a fake apt root through GOTC_TEST_APT_ROOT, with other
# repositories beside it), gotc show says which mirror and from where, and an
# unreachable mirror fails fast with one message naming the mirror, the
# config file and the [mirrors] key.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
APT="$TMPROOT/apt"
export GOTC_TEST_APT_ROOT="$APT"

# apt_root: an empty fake apt root
apt_root() {
	rm -rf "$APT"
	mkdir -p "$APT/etc/apt/sources.list.d" "$APT/var/lib/apt/lists"
}
# show_debian: gotc show of a target using ${mirror:debian}, with no [mirrors] debian
show_debian() {
	: >"$GOTC_CONFIG"
	GOTC_PATH="$ROOT" g show debian12-arm64
}

# Docker's repository first in name order, with a Debian suite name: not it.
fresh
apt_root
cat >"$APT/etc/apt/sources.list.d/00-docker.sources" <<E
Types: deb
URIs: http://127.0.0.1:7/linux/debian
Suites: bookworm
Components: stable
Signed-By: /etc/apt/keyrings/docker.asc
E
cat >"$APT/etc/apt/sources.list.d/debian.sources" <<E
Types: deb
# a comment
URIs: http://127.0.0.1:7/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://127.0.0.1:7/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
E
show_debian
check "show with the apt default" 0
out_has "the Debian source, not Docker's" "mirror debian = http://127.0.0.1:7/debian
  from apt source $APT/etc/apt/sources.list.d/debian.sources: suite bookworm, component main, Debian's archive keyring"

# A vendor's repository with component main and a Debian suite: its Release
# file (apt's copy) says another origin; the Debian one says Debian.
fresh
apt_root
cat >"$APT/etc/apt/sources.list.d/00-vendor.sources" <<E
Types: deb
URIs: http://127.0.0.2:7/vendor/
Suites: bookworm
Components: main
E
printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Vendor\nLabel: Vendor\nSuite: bookworm\n' \
	>"$APT/var/lib/apt/lists/127.0.0.2:7_vendor_dists_bookworm_InRelease"
printf 'deb http://127.0.0.3:7/debian bookworm main contrib\n' >"$APT/etc/apt/sources.list.d/zz-debian.list"
printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\nLabel: Debian\nSuite: stable\n' \
	>"$APT/var/lib/apt/lists/127.0.0.3:7_debian_dists_bookworm_InRelease"
show_debian
check "show with a vendor repository first" 0
out_has "the source whose Release file says Origin: Debian" "mirror debian = http://127.0.0.3:7/debian
  from apt source $APT/etc/apt/sources.list.d/zz-debian.list: its Release file for bookworm says Origin: Debian"

# sources.list one-line form, with options; security and deb-src are skipped.
fresh
apt_root
cat >"$APT/etc/apt/sources.list" <<E
# comment
deb-src http://127.0.0.4:7/debian bookworm main
deb [arch=amd64] http://127.0.0.4:7/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://127.0.0.4:7/debian bookworm main
E
show_debian
check "show with sources.list" 0
out_has "sources.list with options" "mirror debian = http://127.0.0.4:7/debian"

# Only other repositories: no default, a clear recipe error.
fresh
apt_root
printf 'deb [signed-by=/etc/apt/keyrings/docker.asc] http://127.0.0.1:7/linux/debian bookworm stable\ndeb http://127.0.0.1:7/ubuntu jammy main\n' \
	>"$APT/etc/apt/sources.list"
show_debian
check "no Debian source: recipe error" 2
err_has "it says there is none and where to define one" "url: unknown mirror 'debian' (no apt source of the Debian archive on this host; define it in $GOTC_CONFIG: [mirrors] debian = URL)"

# A configured mirror: show names the file and line.
fresh
printf '[fetch]\nretries = 5\nallow_http = yes\n[mirrors]\ndebian = http://127.0.0.1:9/debian\n' >"$GOTC_CONFIG"
GOTC_PATH="$ROOT" g show debian12-arm64
out_has "show names the config line" "mirror debian = http://127.0.0.1:9/debian
  from $GOTC_CONFIG:5"

# Unreachable (refused): one message, no retries, fast, nothing installed.
t0=$(date +%s)
GOTC_PATH="$ROOT" g install debian12-arm64
t1=$(date +%s)
check "refused mirror: install fails" 1
n=$(grep -c . "$T/err")
last=$(tail -n 1 "$T/err")
case $last in
"gotc: mirror 'debian' (http://127.0.0.1:9/debian) is unreachable: "*"; it is set in $GOTC_CONFIG:5, [mirrors] debian")
	ok "refused: one message naming the mirror, the file and the key" ;;
*) notok "refused: the message" "$last" ;;
esac
if grep -q '^retry' "$T/err" || [ "$(grep -c 'unreachable' "$T/err")" -ne 1 ]; then
	notok "refused: no retry lines, the message once" "$(grep -E 'retry|unreachable' "$T/err" | head -5)"
else
	ok "refused: no retry lines, the message once ($n lines in all)"
fi
[ $((t1 - t0)) -le 10 ] && ok "refused: fails fast ($((t1 - t0)) s)" || notok "refused: fails fast" "$((t1 - t0)) s"
[ ! -e "$GOTC_HOME/targets/debian12-arm64" ] && ok "refused: nothing installed" || notok "refused: nothing installed"

# Unreachable (no such host) with the apt default: the message says where the
# default came from and which file to set another in.
fresh
apt_root
printf 'deb http://gotc-no-such-host.invalid/debian bookworm main\n' >"$APT/etc/apt/sources.list"
: >"$GOTC_CONFIG"
GOTC_PATH="$ROOT" g -q install debian12-arm64
check "DNS failure: install fails" 1
last=$(tail -n 1 "$T/err")
case $last in
"gotc: mirror 'debian' (http://gotc-no-such-host.invalid/debian) is unreachable: "*"; it is the default, from the apt source $APT/etc/apt/sources.list: suite bookworm, component main; set another in $GOTC_CONFIG, [mirrors] debian = URL")
	ok "DNS failure: names the apt source and the config file" ;;
*) notok "DNS failure: the message" "$last" ;;
esac
[ "$(grep -c . "$T/err")" -eq 1 ] && ok "DNS failure: one line with -q" || notok "DNS failure: one line" "$(cat "$T/err")"
done_testing
