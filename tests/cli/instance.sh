#!/bin/sh
# Instances: TARGET@goVERSION and --go VERSION pick another pinned Go for a
# target; the grammar's errors; the toolchain and sysroot entries stay the
# target's own.  (Installs of two Go versions: tests/e2e/goversions.sh.)
. "${GOTC_SRC:-.}/tests/lib/cli.sh"

fresh
g show test-arm64 --go 1.24
check "show --go 1.24" 0
out_has "show --go: the instance's name" "target test-arm64@go1.24 ("
# the source tree's recipes follow GOTC_PATH: its go.dev 1.24.5 is the newest 1.24.x
out_has "show --go: the newest pinned 1.24.x" "(recipe go-1.24.5 1.24.5)"
g show test-arm64@go1.24.0
check "show TARGET@goX.Y.Z" 0
out_has "show TARGET@goX.Y.Z: exact version" "(recipe go-1.24-test 1.24.0)"
out_has "show: GOTC_TARGET is the instance" "GOTC_TARGET='test-arm64@go1.24.0'"
grep -E '^(toolchain|sysroot) ' "$T/out" | sed 's/ (.*//' >"$T/inst"
g show test-arm64
grep -E '^(toolchain|sysroot) ' "$T/out" | sed 's/ (.*//' >"$T/plain"
[ -s "$T/plain" ] && cmp -s "$T/plain" "$T/inst" && ok "an instance shares the toolchain and sysroot entries" ||
	notok "shared entries" "$(cat "$T/plain" "$T/inst")"
out_has "the plain name keeps the default Go" "(recipe go-test 1.19.8)"
g show test-arm64@go1.19
check "the default's minor as an instance" 0
out_has "@go1.19: go-test" "(recipe go-test 1.19.8)"

g show test-arm64 --go 1.30
check "an unknown Go version" 2
err_has "an unknown Go version lists the pinned ones" \
	"gotc: no Go 1.30 is pinned for test-arm64 on this $(uname -m | sed 's/aarch64/arm64/') host (pinned: 1.19.8 "
err_has "the pinned ones include the fixture's" " 1.24.0 "
g show test-arm64 --go 1.24.1
check "an unpinned patch release" 2
g show test-arm64 --go 1
check "--go 1: not a Go version" 2 "gotc show: --go 1: expected a Go version like 1.24 or 1.24.4"
g show test-arm64@go1.2x
check "@go1.2x" 2 "gotc: 'test-arm64@go1.2x': '@go1.2x' needs a Go version like 1.24 or 1.24.4 after 'go'"
g show test-arm64@pkg-0123
check "an unknown component" 2 "gotc: 'test-arm64@pkg-0123': unknown component '@pkg-0123' (instances are TARGET[@goVERSION][@with-PKG_PKG...], e.g. test-arm64@go1.24)"
g show test-arm64@with-libz,libssl
check "@with- takes names joined by _" 2 "gotc: 'test-arm64@with-libz,libssl': '@with-libz,libssl' needs package names joined by '_', like libssl-dev_zlib1g-dev after 'with-'"
g install test-arm64 --with zlib1g-dev,Bad
check "install --with a bad package name" 2 "gotc install: --with zlib1g-dev,Bad: expected package names separated by commas, like libssl-dev,zlib1g-dev"
g show test-arm64@with-zlib1g-dev
check "@with- on a sysroot without an index" 2
err_has "@with-: the instance named" "the packages of instance test-arm64@with-zlib1g-dev needs a sysroot recipe that says where its distribution's packages come from"
g show test-arm64@go1.24@go1.24
check "a component twice" 2 "gotc: 'test-arm64@go1.24@go1.24': '@go' given twice"
g show @go1.24
check "no target before @" 2 "gotc: '@go1.24': no target name before '@'"
g show nosuch@go1.24
check "an unknown target's instance" 2 "gotc: no target 'nosuch' on the search path (see 'gotc targets')"
g install test-arm64@go1.24 --go 1.24
check "--go with an instance" 2 "gotc install: 'test-arm64@go1.24' already names an instance; --go 1.24 does not go with it"
g install --locked x.lock --go 1.24
check "--go with --locked" 2 "gotc install: --go does not go with --locked (the lock or bundle names its instances)"
g env test-arm64@go1.24
check "env of an instance not installed" 1 "gotc env: target 'test-arm64@go1.24' is not installed in $GOTC_HOME (run: gotc install test-arm64@go1.24)"
g remove test-arm64@go1.24
check "remove of an instance not installed" 1 "gotc remove: target 'test-arm64@go1.24' is not installed"
g check test-arm64@go1.24 "$GOTC_BIN"
check "check loads an instance's target" 1
out_has "check: the instance's name" "test-arm64@go1.24:"
done_testing
