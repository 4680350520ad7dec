#!/bin/sh
# Recipe repositories: gotc repo add/update/list/remove against local bare git
# repositories (file:// and a loopback smart-HTTP server running git http-backend).
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
FIX="$ROOT/tests/fixtures/search"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@gotc.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@gotc.invalid
command -v git >/dev/null || { echo "not ok git is needed (apt-get install git)"; exit 1; }

# mkrepo NAME: bare $T/NAME.git (HEAD: main) and work tree $T/NAME.w holding
# recipes/ (the fixtures) and targets/repo-arm64.ini; URL=file://.../NAME.git
mkrepo() {
	git init -q --bare -b main "$T/$1.git"
	git init -q -b main "$T/$1.w"
	W="$T/$1.w"
	mkdir -p "$W/targets"
	cp -R "$FIX/recipes" "$W/"
	sed 's/^description = .*/description = Repo fleet/' "$FIX/targets/test-arm64.ini" >"$W/targets/repo-arm64.ini"
	push "$W" "first"
	URL="file://$T/$1.git"
}
# push WORKTREE MSG: commit everything and push main (with -f if $FORCE)
push() {
	git -C "$1" add -A && git -C "$1" commit -q -m "$2" &&
		git -C "$1" push -q ${FORCE:+-f} "$T/$(basename "$1" .w).git" HEAD:main 2>/dev/null
}
head_of() { git -C "$T/$1.git" rev-parse "${2:-main}"; }
# in_use NAME: the commit 'gotc repo list' reports
in_use() { "$GOTC_BIN" repo list | awk -v n="$1" '$1 == n { print $2 }'; }
same() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "got '$2', want '$3'"; fi
}

# --- add (file URL): targets visible, REPO/TARGET, list
fresh
mkrepo r1
g repo add r1 "$URL"
check "add from a file URL" 0
C1=$(head_of r1)
out_has "add reports the commit" "added r1 at $(echo "$C1" | cut -c1-12)"
g targets
out_has "repo target listed by gotc targets" "repo-arm64"
out_has "GOTC_PATH targets still listed" "test-arm64"
g show r1/repo-arm64
check "show REPO/TARGET" 0
out_has "REPO/TARGET resolves into the repository's tree" "$GOTC_HOME/repos/r1/trees/$C1/targets/repo-arm64.ini"
g show repo-arm64
check "show TARGET (first match)" 0
g show r1/test-arm64
check "REPO/TARGET does not fall back to other sources" 2
g show nosuch/repo-arm64
check "REPO/TARGET of an unknown repository" 2 "gotc: no target 'nosuch/repo-arm64': REPO/TARGET names a target of a recipe repository (see 'gotc targets' and 'gotc repo list')"
g repo list
check "list" 0
out_has "list: name, commit, ref, url" "$(printf '%-16s %.12s  %-12s %s' r1 "$C1" HEAD "$URL")"
g repo list --json
python3 -c 'import json,sys,os
d=json.load(open(sys.argv[1])); assert d["schema"] == "gotc-repos/1", d; d=d["repositories"]; r=d[0]
assert len(d)==1 and r["name"]=="r1" and r["url"]==sys.argv[2] and r["ref"] is None, d
assert r["commit"]==sys.argv[3] and os.path.isdir(r["dir"]+"/targets"), d' "$T/out" "$URL" "$C1" 2>"$T/err" &&
	ok "list --json: name, url, ref, commit, dir" || notok "list --json" "$(cat "$T/err")"
g lint
check "gotc lint checks repository files too" 0
g repo add r1 "$URL"
check "add an existing name" 2 "gotc: repository 'r1' exists: 'gotc repo update r1' fetches it again, 'gotc repo remove r1' deletes it"

# --- a repository's recipes serve its own targets only
fresh
mkrepo r1
sed -i 's/^version = 1.19.8/version = 1.20.1/' "$W/recipes/go/go-test.ini"
push "$W" "go 1.20.1"
g repo add r1 "$URL"
check "add with a recipe that shadows one on GOTC_PATH" 0
g show r1/repo-arm64
out_has "repository target uses the repository's recipe" "(recipe go-test 1.20.1"
g show test-arm64
out_has "other targets keep their recipes" "(recipe go-test 1.19.8"

# --- update adding a target; up to date; old tree dropped
fresh
mkrepo r1
g repo add r1 "$URL"
C1=$(head_of r1)
sed 's/^description = .*/description = Added later/' "$FIX/targets/test-arm64.ini" >"$W/targets/repo-new.ini"
push "$W" "add repo-new"
C2=$(head_of r1)
g show repo-new
check "new target not visible before update" 2
g repo update r1
check "update (fast-forward)" 0
out_has "update reports old -> new" "r1: $(echo "$C1" | cut -c1-12) -> $(echo "$C2" | cut -c1-12)"
g show repo-new
check "target added by the update is visible" 0
same "list shows the new commit" "$(in_use r1)" "$(echo "$C2" | cut -c1-12)"
[ ! -e "$GOTC_HOME/repos/r1/trees/$C1" ] && ok "previous tree removed" || notok "previous tree removed"
g repo update
check "update all" 0
out_has "nothing new: up to date" "r1: up to date at $(echo "$C2" | cut -c1-12)"

# --- update breaking lint: not activated
fresh
mkrepo r1
g repo add r1 "$URL"
C1=$(head_of r1)
printf '[target]\ndescription = broken\narhc = arm64\n' >"$W/targets/broken.ini"
push "$W" "broken target"
g repo update r1
check "update that fails lint: exit 2, FILE:LINE inside the repository" 2 \
	"targets/broken.ini:3: unknown key 'arhc' in [target] (did you mean 'arch'?)"
err_has "says the old commit stays" "gotc: repository 'r1': commit $(head_of r1 | cut -c1-12) not activated: its files fail lint; still using $(echo "$C1" | cut -c1-12)"
same "previous commit still in use" "$(in_use r1)" "$(echo "$C1" | cut -c1-12)"
g show repo-arm64
check "previous targets still work" 0
g show broken
check "broken target not visible" 2
[ -z "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ] && ok "no staging left after a refused update" || notok "no staging left"
rm "$W/targets/broken.ini"
push "$W" "fix"
g repo update r1
check "fixed upstream: update goes through" 0

fresh
mkrepo r1
sed -i 's/^toolchain = .*/toolchain = gcc-nosuch/' "$W/targets/repo-arm64.ini"
push "$W" "missing recipe"
g repo add r1 "$URL"
check "add that fails lint" 2 "targets/repo-arm64.ini:14: no toolchain recipe 'gcc-nosuch' (looked for recipes/toolchain/gcc-nosuch.ini on the search path)"
[ ! -e "$GOTC_HOME/repos/r1" ] && ok "nothing added" || notok "nothing added"

# --- force-push: refused without --force, accepted with it
fresh
mkrepo r1
printf '; two\n' >>"$W/targets/repo-arm64.ini"
push "$W" "second"
g repo add r1 "$URL"
C2=$(head_of r1)
git -C "$W" reset -q --hard HEAD~1
printf '; rewritten\n' >>"$W/targets/repo-arm64.ini"
FORCE=1 push "$W" "rewritten"
C3=$(head_of r1)
g repo update r1
check "non-fast-forward refused" 1
err_has "refusal explains and says what to do" "(history was rewritten: a force-push?); still using $(echo "$C2" | cut -c1-12). Accept it with 'gotc repo update --force r1'"
same "old commit still in use" "$(in_use r1)" "$(echo "$C2" | cut -c1-12)"
g repo update --force r1
check "non-fast-forward with --force" 0
out_has "forced update reported" "(forced: history was rewritten)"
same "rewritten commit in use" "$(in_use r1)" "$(echo "$C3" | cut -c1-12)"

# --- --ref: a branch and a tag; a missing ref
fresh
mkrepo r1
git -C "$W" checkout -q -b stable
sed 's/^description = .*/description = Stable only/' "$FIX/targets/test-arm64.ini" >"$W/targets/stable-only.ini"
git -C "$W" add -A && git -C "$W" commit -q -m stable && git -C "$W" push -q "$T/r1.git" stable 2>/dev/null
git -C "$W" tag -a -m v1 v1 && git -C "$W" push -q "$T/r1.git" v1 2>/dev/null
g repo add --ref stable r1 "$URL"
check "add --ref BRANCH" 0
g show r1/stable-only
check "the branch's target is visible" 0
g repo list
out_has "list shows the ref" "stable"
grep -qx 'ref = stable' "$GOTC_HOME/repos/r1/repo.ini" && ok "ref recorded in repo.ini" || notok "ref recorded"
g repo add --ref v1 r2 "$URL"
check "add --ref TAG (annotated)" 0
same "a tag is peeled to its commit" "$(in_use r2)" "$(head_of r1 stable | cut -c1-12)"
g repo add --ref nosuch r3 "$URL"
check "add --ref of a missing branch" 1 "gotc: $URL has no branch or tag 'nosuch' (see 'git ls-remote $URL')"
g repo add --ref 'bad..ref' r3 "$URL"
check "add --ref with a bad name" 2 "gotc: bad ref 'bad..ref' (a branch or tag name)"

# --- list and remove
fresh
g repo list
check "list with no repositories" 0
[ ! -s "$T/out" ] && ok "list prints nothing" || notok "list prints nothing"
g repo list --json
out_has "list --json with no repositories" '{"schema": "gotc-repos/1", "repositories": []}'
mkrepo r1
g repo add r1 "$URL"
g repo remove r1
check "remove" 0
[ ! -e "$GOTC_HOME/repos/r1" ] && ok "repository deleted" || notok "repository deleted"
g targets
if grep -q repo-arm64 "$T/out"; then notok "targets gone after remove"; else ok "targets gone after remove"; fi
g repo remove r1
check "remove an unknown repository" 1 "gotc: no repository 'r1' (see 'gotc repo list')"
g repo update r1
check "update an unknown repository" 1 "gotc: no repository 'r1' (see 'gotc repo list')"

# --- a name two sources share: NAME/TARGET disambiguates
fresh
mkrepo r1
sed 's/^description = .*/description = Repo copy of test-arm64/' "$FIX/targets/test-arm64.ini" >"$W/targets/test-arm64.ini"
push "$W" "clash"
g repo add r1 "$URL"
g show test-arm64
out_has "plain name: GOTC_PATH comes first" "$FIX/targets/test-arm64.ini"
g show r1/test-arm64
out_has "REPO/NAME: the repository's" "Repo copy of test-arm64"
g targets
out_has "targets lists the shared name qualified" "r1/test-arm64"
grep -q "^test-arm64 " "$T/out" && ok "and the plain one" || notok "and the plain one" "$(cat "$T/out")"

# --- lockfiles record each repository's commit in use (repo_commits)
fresh
mkrepo r1
for f in "$W"/recipes/*/*.ini; do grep -q '^size' "$f" || sed -i '/^sha256 =/a size = 1000' "$f"; done
push "$W" "sizes"
g repo add r1 "$URL"
g lock --offline -o "$T/gotc.lock" r1/repo-arm64
check "lock a repository's target" 0
grep -A1 '^\[repo r1\]' "$T/gotc.lock" | grep -qx "commit = $(head_of r1)" &&
	ok "lockfile has [repo r1] with the commit in use" || notok "lockfile [repo r1]" "$(cat "$T/gotc.lock")"

# --- bad names and URLs; unsafe trees
fresh
g repo add r1 ftp://example.invalid/r.git
check "unsupported URL scheme" 2 "gotc: URL 'ftp://example.invalid/r.git' is not https:// or file:// (for a local repository, say file:///absolute/path)"
g repo add r1 "$T/plain/path"
check "bare path is not a URL" 2
g repo add r1 http://127.0.0.1:9/r.git
check "plain http needs allow_http" 2 "gotc: URL 'http://127.0.0.1:9/r.git': plain http needs allow_http = yes in [fetch] of config.ini (use https:// or file://)"
g repo add r1 "file://$T/nowhere.git"
check "unreachable repository" 1
err_has "error names the URL" "gotc: file://$T/nowhere.git:"
[ ! -e "$GOTC_HOME/repos/r1" ] && ok "nothing added on fetch failure" || notok "nothing added on fetch failure"
g repo add ../r1 "file://$T/nowhere.git"
check "bad repository name" 2
mkrepo r1
ln -s /etc/passwd "$W/targets/evil.ini"
push "$W" "symlink"
g repo add r1 "$URL"
check "symlink in the repository refused" 1 "gotc: targets/evil.ini is a symlink: a recipe repository holds plain files only"
fresh
git init -q --bare -b main "$T/empty.git"
g repo add r1 "file://$T/empty.git"
check "empty repository" 1
err_has "empty repository: what to do" "name a branch with --ref BRANCH"
fresh
mkrepo r1
git -C "$W" rm -q -r targets recipes && printf 'x\n' >"$W/README" && push "$W" "not a recipe repo"
g repo add r1 "$URL"
check "repository without targets/ or recipes/" 2
err_has "says why" "has neither targets/ nor recipes/ at its top"

# --- command line
fresh
g repo --help
check "repo --help" 0
out_has "repo --help lists subcommands" "update [--force] [NAME...]"
g repo add --help
check "repo add --help" 0
out_has "repo add --help is the subcommand's" "usage: gotc repo add [--ref REF] NAME URL"
g help repo
check "help repo" 0
g repo
check "repo without subcommand" 2 "gotc repo: missing SUBCOMMAND (add, update, list or remove)"
g repo frob
check "unknown subcommand" 2 "gotc repo: no subcommand 'frob' (add, update, list or remove)"
g repo add r1
check "add without URL" 2 "gotc repo add: expected NAME and URL"
g repo update --frob
check "unknown option" 2 "gotc repo update: unknown option '--frob'"

# --- smart HTTP: git http-backend behind a loopback server that stops by itself
if git http-backend </dev/null >/dev/null 2>&1 || [ $? -ne 127 ]; then
	fresh
	mkrepo h1
	rm -f "$T/port"
	python3 "$ROOT/tests/lib/githttpd.py" --root "$T" --port-file "$T/port" --log "$T/http.log" \
		--lifetime 120 >/dev/null 2>&1 &
	HPID=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	HURL="http://127.0.0.1:$(cat "$T/port")/h1.git"
	printf '[mirrors]\ntest = https://mirror.invalid/a\n[fetch]\nallow_http = yes\n' >"$GOTC_CONFIG"
	g repo add h1 "$HURL"
	check "add over smart HTTP (git http-backend)" 0
	grep -q '^POST /h1.git/git-upload-pack 200' "$T/http.log" && ok "fetched through the server" || notok "fetched through the server"
	sed 's/^description = .*/description = Over HTTP/' "$FIX/targets/test-arm64.ini" >"$W/targets/http-new.ini"
	push "$W" "http-new"
	g repo update h1
	check "update over HTTP adds a target" 0
	g show h1/http-new
	check "HTTP-added target visible" 0
	printf '[target]\narch = arm64\n' >"$W/targets/http-bad.ini"
	push "$W" "bad"
	g repo update h1
	check "update over HTTP that fails lint" 2 "targets/http-bad.ini:1: [target]: missing required key 'description'"
	kill "$HPID" 2>/dev/null
	wait "$HPID" 2>/dev/null
	# HTTPS: the certificate is verified (a self-signed one fails unless it is the CA).
	if command -v openssl >/dev/null && getent hosts localhost | grep -q '^127\.0\.0\.1'; then
		fresh
		mkrepo h1
		openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
			-addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
			-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
		rm -f "$T/port"
		python3 "$ROOT/tests/lib/githttpd.py" --root "$T" --port-file "$T/port" \
			--tls "$T/cert.pem" "$T/key.pem" --lifetime 120 >/dev/null 2>&1 &
		HPID=$!
		i=0
		while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		SURL="https://localhost:$(cat "$T/port")/h1.git"
		g repo add h1 "$SURL"
		check "HTTPS with an untrusted certificate refused" 1
		err_has "the certificate error is shown" "certificate"
		[ ! -e "$GOTC_HOME/repos/h1" ] && ok "nothing added over untrusted TLS" || notok "nothing added over untrusted TLS"
		GOTC_CAFILE="$T/cert.pem" g repo add h1 "$SURL"
		check "HTTPS with the CA from GOTC_CAFILE" 0
		unset GOTC_CAFILE
		kill "$HPID" 2>/dev/null
		wait "$HPID" 2>/dev/null
	else
		skip "HTTPS clone" "openssl or a 127.0.0.1 localhost not available"
	fi
else
	skip "smart HTTP clone" "git http-backend not available"
fi

done_testing
