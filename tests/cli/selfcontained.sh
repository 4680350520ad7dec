#!/bin/sh
# Installed targets are self-contained: three targets installed from a
# GOTC_PATH directory, a git recipe repository and the source tree's targets/
# keep the files they were built from; an image-like shell (no GOTC_PATH, the
# repository removed, the tree's targets/ moved away) runs every command on
# them.  A shipped target edited after install is reported, not used, until
# it is installed again.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@gotc.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@gotc.invalid
command -v git >/dev/null || { echo "not ok git is needed (apt-get install git)"; exit 1; }
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"
export GOTC_TEST_PATH="$FX/search"
S="$FX/search"

# recipes DIR: the fixture recipes of fix-gcc under DIR/recipes
recipes() {
	for k in go/go-fix toolchain/gcc-fix sysroot/sys-fix kernel/kh-fix; do
		mkdir -p "$1/recipes/${k%/*}"
		cp "$S/recipes/$k.ini" "$1/recipes/$k.ini"
	done
}
# target DIR NAME: fix-gcc under another name and description
target() {
	mkdir -p "$1/targets"
	sed "s/^description = .*/description = $2 fleet/" "$S/targets/fix-gcc.ini" >"$1/targets/$2.ini"
}

fresh; mirror_config
# A copy of the source tree (never the real one): gotc, gotc-core, the marker
# that makes it a tree, the shipped targets/ and recipes/ plus one fixture.
TREE="$T/tree"
mkdir -p "$TREE/build" "$TREE/provisioner"
cp "$ROOT/gotc" "$TREE/gotc"
cp "$ROOT/build/gotc-core" "$TREE/build/gotc-core"
cp "$ROOT/provisioner/gotc.h" "$TREE/provisioner/"
cp -R "$ROOT/targets" "$ROOT/recipes" "$TREE/"
recipes "$TREE"
target "$TREE" ship-arm64
# a second Go for the instance ship-arm64@go1.22 (the same archive)
sed 's/^version = .*/version = 1.22.0/' "$S/recipes/go/go-fix.ini" >"$TREE/recipes/go/go-fix2.ini"
# A GOTC_PATH directory
recipes "$T/gp"
target "$T/gp" gp-arm64
# A recipe repository served from a bare git repository (file://)
git init -q --bare -b main "$T/fleet.git"
git init -q -b main "$T/fleet.w"
recipes "$T/fleet.w"
target "$T/fleet.w" repo-arm64
git -C "$T/fleet.w" add -A && git -C "$T/fleet.w" commit -q -m first &&
	git -C "$T/fleet.w" push -q "$T/fleet.git" HEAD:main 2>/dev/null
COMMIT=$(git -C "$T/fleet.git" rev-parse main)
GOTC_BIN="$TREE/gotc"
export GOTC_PATH="$T/gp"

g repo add fleet "file://$T/fleet.git"
check "repo add" 0
g install "$T/gp/targets/gp-arm64.ini"
check "install by absolute path" 0
err_has "the hint names the instance, not the path" "use it: . \"\$(gotc env gp-arm64)\""
g env gp-arm64
check "the hint runs as printed" 0
g env targets/gp-arm64.ini
check "env of a path names the target to use" 2 "gotc env: 'targets/gp-arm64.ini' is not a target name (installed targets go by name: gotc env gp-arm64)"
g install fleet/repo-arm64 ship-arm64
check "install from the repository and the tree" 0
err_has "REPO/TARGET hint names the instance" "use it: . \"\$(gotc env repo-arm64)\""
g install ship-arm64 --go 1.22
check "install an instance TARGET@goVERSION" 0
err_has "the instance's hint" "use it: . \"\$(gotc env ship-arm64@go1.22)\""
r="$GOTC_HOME/targets/ship-arm64@go1.22/record"
grep -qx "instance = ship-arm64@go1.22" "$r/record.ini" && grep -qx "target = ship-arm64" "$r/record.ini" &&
	grep -qx "go = 1.22" "$r/record.ini" && grep -qx "source = ship-arm64@go1.22" "$r/record.ini" &&
	cmp -s "$r/recipes/go/go-fix2.ini" "$TREE/recipes/go/go-fix2.ini" && [ ! -e "$r/recipes/go/go-fix.ini" ] &&
	cmp -s "$r/targets/ship-arm64.ini" "$TREE/targets/ship-arm64.ini" &&
	ok "the instance's record: its name, its Go and that Go's recipe" ||
	notok "instance record" "$(cat "$r/record.ini"; find "$r")"
for i in gp-arm64 repo-arm64 ship-arm64; do
	r="$GOTC_HOME/targets/$i/record"
	if [ -f "$r/record.ini" ] && cmp -s "$r/recipes/go/go-fix.ini" "$S/recipes/go/go-fix.ini" &&
		[ -f "$r/recipes/toolchain/gcc-fix.ini" ] && [ -f "$r/recipes/sysroot/sys-fix.ini" ] &&
		[ -f "$r/recipes/kernel/kh-fix.ini" ] && [ -f "$r/targets/$i.ini" ]; then
		ok "$i keeps its target and recipe files"
	else
		notok "$i keeps its target and recipe files" "$(find "$r" 2>&1)"
	fi
done
grep -qx "repo = fleet" "$GOTC_HOME/targets/repo-arm64/record/record.ini" &&
	grep -qx "commit = $COMMIT" "$GOTC_HOME/targets/repo-arm64/record/record.ini" &&
	grep -qx "source = fleet/repo-arm64" "$GOTC_HOME/targets/repo-arm64/record/record.ini" &&
	ok "the repository's record names the repository and commit" ||
	notok "repository record" "$(cat "$GOTC_HOME/targets/repo-arm64/record/record.ini")"
grep -qx "source = ship-arm64" "$GOTC_HOME/targets/ship-arm64/record/record.ini" &&
	ok "the shipped target's record names it as installed" || notok "shipped record source"
cp "$TREE/targets/ship-arm64.ini" "$T/ship-arm64.orig"
# An aarch64 executable for gotc check (static, no libc)
printf 'void _start(void){for(;;);}\n' >"$T/s.c"
clang --target=aarch64-linux-gnu -nostdlib -static -fuse-ld=lld -o "$T/app" "$T/s.c" 2>"$T/err" ||
	notok "build an aarch64 executable with clang" "$(cat "$T/err")"

# --- the image: no GOTC_PATH, no repository, no targets/ in the tree; a fresh
# shell with nothing but the home, the cache and the config
g repo remove fleet
check "repo remove" 0
rm -rf "$T/fleet.git" "$T/fleet.w" "$T/gp"
mv "$TREE/targets" "$TREE/targets.away"
unset GOTC_PATH
# the record keeps the mirrors it was installed from; the image's config.ini
# names none (only the policy), so show, lock, bundle and lint plan from those
grep -qx "test = http://127.0.0.1:$PORT" "$GOTC_HOME/targets/repo-arm64/record/mirrors.ini" &&
	ok "the record keeps the mirror it was installed from" ||
	notok "record/mirrors.ini" "$(cat "$GOTC_HOME/targets/repo-arm64/record/mirrors.ini" 2>&1)"
cp "$GOTC_CONFIG" "$T/config.full"
printf '[fetch]\nallow_http = yes\n' >"$GOTC_CONFIG"
# img ARGS: gotc in that shell.  Under valgrind (the vg tier) the per-instance
# loop runs the first instance only under valgrind: the others take the same
# code paths, and the cases after the loop cover the repository's record.
img() {
	# shellcheck disable=SC2086
	env -i PATH=/usr/bin:/bin HOME="$T" GOTC_HOME="$GOTC_HOME" GOTC_CACHE="$GOTC_CACHE" \
		GOTC_CONFIG="$GOTC_CONFIG" ${NOWRAP:-${GOTC_WRAP:-}} "$TREE/gotc" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
img targets
if grep -q "ship-arm64\|gp-arm64\|repo-arm64" "$T/out"; then notok "no source left on the search path" "$(cat "$T/out")"; else ok "no source left on the search path"; fi
NOWRAP=
for i in gp-arm64 repo-arm64 ship-arm64 ship-arm64@go1.22; do
	img env "$i"
	check "image: env $i" 0
	img exec "$i" -- sh -c 'echo "$GOARCH $CC"'
	check "image: exec $i" 0
	out_has "image: exec $i sees the env" "arm64 $GOTC_HOME/targets/$i/bin/aarch64-linux-gnu-gcc"
	img check "$i" "$T/app"
	check "image: check $i" 0
	out_has "image: check $i reads the installed target" "$i: 1 file checked, 0 failed"
	img show --installed "$i"
	check "image: show --installed $i" 0
	out_has "image: show --installed $i from the record" "target $i ($GOTC_HOME/targets/$i/record/targets/${i%@*}.ini)"
	img install "$i"
	check "image: install $i again (from its record)" 0
	err_has "image: install $i is up to date" "$i: already installed, nothing to do"
	[ -n "${GOTC_WRAP:-}" ] && NOWRAP=" "
done
NOWRAP=
img env --format=json repo-arm64
check "image: env --format=json" 0
img lint repo-arm64
check "image: lint an installed instance" 0
err_has "image: lint checks the target and its four recipes" "5 files checked, no errors"
# doctor needs a real toolchain to pass (tests/e2e/abi.sh runs it in an image
# like this); with the fixture's script compilers it must still find the target
img doctor repo-arm64
if grep -q "go-on-path" "$T/out" && ! grep -q "no target" "$T/err"; then ok "image: doctor resolves the instance and runs its probes"; else notok "image: doctor"; fi
img doctor ship-arm64@go1.22
if grep -q "go-on-path" "$T/out" && ! grep -q "no target\|reproduce" "$T/err"; then ok "image: doctor TARGET@goVERSION"; else notok "image: doctor TARGET@goVERSION" "$(cat "$T/err")"; fi
img show --installed ship-arm64@go1.22
out_has "show --installed TARGET@goVERSION: its Go" "(recipe go-fix2 1.22.0)"
img show --installed repo-arm64
out_has "show --installed names the repository and commit" "installed as repo-arm64 from fleet/repo-arm64 (repository fleet at commit $COMMIT, file://$T/fleet.git)"
img show --installed fleet/repo-arm64
check "show --installed REPO/TARGET" 0
img show ship-arm64
check "show without --installed needs the search path" 2
img lock -o "$T/image.lock" gp-arm64 repo-arm64 ship-arm64 ship-arm64@go1.22
check "image: lock" 0
grep -q "^file = $GOTC_HOME/targets/ship-arm64/record/targets/ship-arm64.ini" "$T/image.lock" &&
	ok "image: the lock pins the installed files" || notok "lock pins the record" "$(grep '^file' "$T/image.lock")"
img install --locked "$T/image.lock"
check "image: install --locked from that lock" 0
img bundle -o "$T/image.gotc" gp-arm64 repo-arm64 ship-arm64 ship-arm64@go1.22
check "image: bundle" 0
img list
check "image: list" 0
if grep -q "changed since install" "$T/out"; then notok "image: list reports no change" ; else ok "image: list reports no change"; fi
img verify
check "image: verify" 0
img show --installed gp-arm64
out_has "image: show names the recorded mirror" "record/mirrors.ini:5 (recorded at install)"
# the bundle installs into another home and works there
H2="$T/home2"
env -i PATH=/usr/bin:/bin HOME="$T" GOTC_HOME="$H2" GOTC_CACHE="$T/cache2" GOTC_CONFIG="$GOTC_CONFIG" \
	"$TREE/gotc" install --from-bundle "$T/image.gotc" >"$T/out" 2>"$T/err"
rc=$?
check "image: the bundle installs into a new home" 0
env -i PATH=/usr/bin:/bin HOME="$T" GOTC_HOME="$H2" "$TREE/gotc" exec repo-arm64 -- sh -c 'echo $GOARCH' >"$T/out" 2>"$T/err"
rc=$?
check "image: exec in the bundle's home" 0
env -i PATH=/usr/bin:/bin HOME="$T" GOTC_HOME="$H2" GOTC_CONFIG="$GOTC_CONFIG" "$TREE/gotc" show --installed ship-arm64@go1.22 >"$T/out" 2>"$T/err"
rc=$?
check "image: the bundle carries the instance's record" 0
img env fleet/repo-arm64
check "image: env REPO/TARGET" 0
[ "$(cat "$T/out")" = "$GOTC_HOME/targets/repo-arm64/env.sh" ] && ok "image: env REPO/TARGET prints the instance's env file" ||
	notok "image: env REPO/TARGET" "$(cat "$T/out")"
img exec fleet/repo-arm64 -- sh -c 'echo "$GOTC_TARGET"'
check "image: exec REPO/TARGET" 0
out_has "image: exec REPO/TARGET runs in the instance's env" "repo-arm64"
img env other/repo-arm64
check "env REPO/TARGET of another repository" 1 "gotc env: installed target 'repo-arm64' did not come from repository other (it came from fleet)"
img verify fleet/repo-arm64
check "image: verify REPO/TARGET" 0
err_has "image: verify REPO/TARGET checks that instance" "verify: 4 directories checked, 0 problems"
img remove other/repo-arm64
check "remove REPO/TARGET of another repository" 1 "gotc remove: installed target 'repo-arm64' did not come from repository other (it came from fleet)"
img remove targets/repo-arm64.ini
check "remove of a path names the name to use" 2
for i in gp-arm64 fleet/repo-arm64 ship-arm64 ship-arm64@go1.22; do
	img remove "$i"
	check "image: remove $i" 0
done
err_has "image: remove REPO/TARGET names the instance" "removed ship-arm64@go1.22"
[ -e "$GOTC_HOME/targets/repo-arm64" ] && notok "remove REPO/TARGET removed the instance" || ok "remove REPO/TARGET removed the instance"
img list
if grep -q "arm64" "$T/out"; then notok "image: nothing left installed" "$(cat "$T/out")"; else ok "image: nothing left installed"; fi

# config.ini's mirror wins over the record's; credentials are never recorded
cp "$T/config.full" "$GOTC_CONFIG"
mv "$TREE/targets.away" "$TREE/targets"
sed -i "s|^test = http://|test = http://u:s3cret@|" "$GOTC_CONFIG"
img install ship-arm64
check "install from a mirror URL with credentials" 0
if grep -q "s3cret" "$GOTC_HOME/targets/ship-arm64/record/mirrors.ini"; then
	notok "credentials are not recorded" "$(cat "$GOTC_HOME/targets/ship-arm64/record/mirrors.ini")"
else
	ok "credentials are not recorded"
fi
img remove ship-arm64
cp "$T/config.full" "$GOTC_CONFIG"

# --- a shipped target edited after install: reported, not used, refreshed by install
img install ship-arm64
check "install the shipped target" 0
printf 'EDITED = yes\n' >>"$TREE/targets/ship-arm64.ini"
img list
check "list after the edit" 0
out_has "list reports the edit" "recipe changed since install: targets/ship-arm64.ini (run: gotc install ship-arm64)"
img list --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["targets"][0]; assert t["changed"]=="targets/ship-arm64.ini" and t["source"]=="ship-arm64", t' "$T/out" 2>"$T/err" &&
	ok "list --json: changed and source" || notok "list --json: changed" "$(cat "$T/err")"
img verify
check "verify after the edit (no damage)" 0
out_has "verify reports the edit" "changed  ship-arm64: recipe changed since install: targets/ship-arm64.ini (run: gotc install ship-arm64)"
img exec ship-arm64 -- sh -c 'echo "edited=${EDITED:-no}"'
out_has "the edited file is not silently used" "edited=no"
img show --installed ship-arm64
if grep -q EDITED "$T/out"; then notok "show --installed shows what is installed"; else ok "show --installed shows what is installed"; fi
printf '; a comment\n' >>"$TREE/recipes/kernel/kh-fix.ini"
img list
out_has "a recipe edit is named too" "recipe changed since install: targets/ship-arm64.ini, recipes/kernel/kh-fix.ini"
img install ship-arm64
check "install refreshes it" 0
img exec ship-arm64 -- sh -c 'echo "edited=${EDITED:-no}"'
out_has "the refreshed instance uses the edit" "edited=yes"
img list
if grep -q "changed since install" "$T/out"; then notok "nothing to report after the refresh" "$(cat "$T/out")"; else ok "nothing to report after the refresh"; fi
img verify
check "verify after the refresh" 0

# --- a damaged record is refused, not guessed around
chmod u+w "$GOTC_HOME/targets/ship-arm64/record/recipes/go" "$GOTC_HOME/targets/ship-arm64/record/recipes/go/go-fix.ini"
printf '; tampered\n' >>"$GOTC_HOME/targets/ship-arm64/record/recipes/go/go-fix.ini"
img show --installed ship-arm64
check "a tampered record does not reproduce its prefix" 1
err_has "it says what to do" "no longer reproduces its prefix"
img verify ship-arm64
check "verify names the tampered record file" 1
out_has "verify: the record file is modified" "record/recipes/go/go-fix.ini"

# --- lint TARGET on the search path; unknown names
img lint ship-arm64
check "lint NAME on the search path" 0
img lint no-such-target
check "lint of an unknown name" 2 "gotc lint: no-such-target: no such file, target on the search path or installed target (see 'gotc targets' and 'gotc list')"
stop_server
done_testing
