#!/bin/sh
# Store entries through a real OCI registry on loopback: Debian's
# docker-registry (the CNCF distribution registry) with TLS from a throwaway
# CA and htpasswd (bcrypt) auth.  Push from one home; install into fresh
# homes with every mirror dead; skopeo sees standard OCI artifacts; a
# tampered blob is refused; two concurrent pulls; a registry that is down or
# denies access falls back to the mirror with one warning.  A second
# registry with token auth (auth: token) verifies the JWTs of a token server
# (tests/lib/tokenserver.py): push, pull, a pull-only user, the scopes asked
# for (pull, pull+push, a mount's two repositories), a refused password.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
for tool in docker-registry skopeo htpasswd openssl; do
	if ! command -v $tool >/dev/null 2>&1; then
		fresh
		notok "$tool is installed (tools/install-deps: docker-registry skopeo apache2-utils openssl)"
		done_testing
		exit 1
	fi
done
if ! /usr/bin/python3 -c 'import jwt, cryptography' 2>/dev/null; then
	fresh
	notok "python3 jwt and cryptography are installed (tools/install-deps: python3-jwt python3-cryptography)"
	done_testing
	exit 1
fi
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"
export GOTC_TEST_PATH="$FX/search"
R="$TMPROOT/registry"
mkdir -p "$R/certs" "$R/data"

# a throwaway CA and a server certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=gotc-test-ca \
	-keyout "$R/ca.key" -out "$R/certs/ca.crt" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$R/server.key" \
	-out "$R/server.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$R/ext"
openssl x509 -req -in "$R/server.csr" -CA "$R/certs/ca.crt" -CAkey "$R/ca.key" -CAcreateserial \
	-days 1 -extfile "$R/ext" -out "$R/server.crt" >/dev/null 2>&1
# distribution accepts bcrypt entries only: htpasswd -B
htpasswd -Bbn gotc s3cret >"$R/htpasswd"
REG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$R/config.yml" <<E
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $R/data
http:
  addr: 127.0.0.1:$REG_PORT
  tls:
    certificate: $R/server.crt
    key: $R/server.key
auth:
  htpasswd:
    realm: gotc-test
    path: $R/htpasswd
E
# wait_401 PORT: until the registry on PORT answers /v2/ with 401 (up to 10 s)
wait_401() {
	i=0
	while [ $i -lt 100 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$R/certs/ca.crt" "https://127.0.0.1:$1/v2/")
		[ "$code" = 401 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
start_registry() {
	docker-registry serve "$R/config.yml" >"$R/log" 2>&1 &
	REG_PID=$!
	wait_401 "$REG_PORT"
}
stop_registry() { kill "$REG_PID" 2>/dev/null; wait "$REG_PID" 2>/dev/null; }
TOK_PID= REG2_PID=
stop_token() {
	[ -z "$REG2_PID" ] || { kill "$REG2_PID" 2>/dev/null; wait "$REG2_PID" 2>/dev/null; }
	[ -z "$TOK_PID" ] || { kill "$TOK_PID" 2>/dev/null; wait "$TOK_PID" 2>/dev/null; }
	REG2_PID= TOK_PID=
}
trap 'stop_token; stop_registry; stop_server; [ -n "${GOTC_KEEP:-}" ] || rm -rf "$TMPROOT"' EXIT INT TERM
OCI="https://127.0.0.1:$REG_PORT/gotc"
export GOTC_CAFILE="$R/certs/ca.crt"

# oci_config [MIRROR_PORT]: the fixture mirror (dead when not given) and the registry
oci_config() {
	printf '[mirrors]\ntest = http://127.0.0.1:%s\n[fetch]\nallow_http = yes\nretries = 1\nconnect_timeout = 5\nlow_speed_time = 5\n[cache]\noci = %s\n' \
		"${1:-9}" "$OCI" >"$GOTC_CONFIG"
}
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{printf "%.2f", $2 - $1}'; }
entries() { ls "$GOTC_HOME/store" 2>/dev/null | grep -vc '^\.'; }
no_staging() {
	if [ -n "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ]; then
		notok "$1" "staging leftovers: $(ls "$GOTC_HOME/store/.staging")"
	else ok "$1"; fi
}

fresh
if start_registry; then ok "docker-registry serves https on 127.0.0.1 with htpasswd auth"; else
	notok "docker-registry starts" "$(tail -5 "$R/log")"
	done_testing
	exit 1
fi

# --- home A: install from the mirror (the registry is empty), push
export GOTC_OCI_USERNAME=gotc GOTC_OCI_PASSWORD=s3cret
oci_config "$PORT"
printf 'oci_chunk_size = 65536\n' >>"$GOTC_CONFIG"
t0=$(now)
g -v install fix-gcc
t_mirror=$(secs "$t0" "$(now)")
check "install from the mirror while the registry lacks the entries" 0
err_has "entries not in the registry are reported" "not in $OCI"
g -v push fix-gcc
check "gotc push uploads the entries" 0
err_has "a layer above oci_chunk_size goes up in chunks" " chunks"
err_has "a small layer goes up in one request" "uploaded in one request"
n_entries=$(entries)
keys=$(cat "$GOTC_HOME"/store/*/info | sed -n 's/^key //p')
nk=$(echo "$keys" | wc -l)
[ "$nk" = "$n_entries" ] && [ "$nk" -ge 3 ] && ok "pushed $nk entries" || notok "entry keys" "$keys"
g -v push
check "a second push, of every installed target" 0
err_has "a second push skips entries already there" "already in $OCI"
A_HOME=$GOTC_HOME
# the same entries into a second repository, mounted from the first
sed -i "s|^oci = .*|oci = $OCI-mirror\noci_mount_from = gotc|" "$GOTC_CONFIG"
g -v push fix-gcc
check "push into a second repository" 0
err_has "layers are mounted across repositories" "mounted from gotc"

# --- skopeo sees standard OCI artifacts, tagged by the entry keys
key1=$(echo "$keys" | head -1)
if skopeo inspect --raw --creds gotc:s3cret --cert-dir "$R/certs" "docker://127.0.0.1:$REG_PORT/gotc:$key1" >"$T/out" 2>"$T/err"; then
	rc=0
else
	rc=$?
fi
check "skopeo inspect --raw reads the manifest" 0
out_has "an OCI image manifest" '"mediaType":"application/vnd.oci.image.manifest.v1+json"'
out_has "one tar+zstd layer" '"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd"'
out_has "the key as an annotation" "\"dev.gotc.entry.key\":\"$key1\""
skopeo list-tags --creds gotc:s3cret --cert-dir "$R/certs" "docker://127.0.0.1:$REG_PORT/gotc" >"$T/out" 2>"$T/err"
rc=$?
check "skopeo list-tags" 0
missing=
for k in $keys; do grep -q "\"$k\"" "$T/out" || missing="$missing $k"; done
[ -z "$missing" ] && ok "every entry key is a tag" || notok "tags" "missing:$missing"

# --- home B: every mirror dead, credentials from a docker config.json
fresh
oci_config
sed -i "s|^oci = .*|oci = $OCI-mirror|" "$GOTC_CONFIG"
g install fix-gcc
check "install from the mounted repository with every mirror dead" 0
fresh
oci_config
unset GOTC_OCI_USERNAME GOTC_OCI_PASSWORD
mkdir -p "$T/docker"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$REG_PORT" "$(printf gotc:s3cret | base64)" >"$T/docker/config.json"
export DOCKER_CONFIG="$T/docker"
t0=$(now)
g install fix-gcc
t_reg=$(secs "$t0" "$(now)")
check "install from the registry with every mirror dead" 0
[ "$(entries)" = "$n_entries" ] && ok "every entry pulled" || notok "entries pulled" "$(ls "$GOTC_HOME/store")"
g verify
check "pulled entries verify against their manifests" 0
g env fix-gcc
out=$(sh -c ". \"$(cat "$T/out")\"; go version" 2>&1)
[ "$out" = "go version go1.19.8 linux/amd64" ] && ok "the pulled target works" || notok "pulled target" "$out"
no_staging "no staging leftovers after a pull"
echo "# install fix-gcc: from the mirror $t_mirror s, from the registry $t_reg s"

# --- two concurrent pulls of the same entries (two homes, and one home twice)
fresh
oci_config
H1="$T/h1" H2="$T/h2"
GOTC_HOME=$H1 "$GOTC_BIN" install fix-gcc >"$T/o1" 2>&1 &
p1=$!
GOTC_HOME=$H2 "$GOTC_BIN" install fix-gcc >"$T/o2" 2>&1 &
p2=$!
"$GOTC_BIN" install fix-gcc >"$T/o3" 2>&1 &
p3=$!
"$GOTC_BIN" install fix-gcc >"$T/o4" 2>&1 &
p4=$!
wait $p1; r1=$?; wait $p2; r2=$?; wait $p3; r3=$?; wait $p4; r4=$?
rc=$r1
[ "$r1$r2$r3$r4" = 0000 ] && ok "four concurrent pulls (two homes, one home twice) succeed" ||
	notok "concurrent pulls" "$r1 $r2 $r3 $r4: $(cat "$T/o1" "$T/o2" "$T/o3" "$T/o4" | head -8)"
bad=
for hh in "$H1" "$H2" "$GOTC_HOME"; do
	GOTC_HOME=$hh "$GOTC_BIN" verify >/dev/null 2>&1 || bad="$bad $hh"
done
[ -z "$bad" ] && ok "the concurrently pulled homes verify" || notok "concurrent pulls verify" "failed in:$bad"

# --- a layer bigger than [fetch] max_download is refused before it is fetched
fresh
oci_config
sed -i 's/^\[fetch\]$/[fetch]\nmax_download = 1000/' "$GOTC_CONFIG"
g install fix-gcc
check "a layer above [fetch] max_download is refused" 1
err_has "the refusal names max_download" "[fetch] max_download): refused"
no_staging "no staging leftovers after a refused layer size"

# --- a tampered blob is refused (same size, other bytes)
fresh
oci_config
big=$(find "$R/data/docker/registry/v2/blobs" -name data -size +10k -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
cp "$big" "$R/saved-blob"
sz=$(size "$big")
head -c "$sz" /dev/urandom >"$big"
g install fix-gcc
check "install with a tampered blob fails" 1
err_has "the blob is refused with its digests" "refused"
err_has "the expected digest is named" "expected sha256:"
[ "$(entries)" -lt "$n_entries" ] && ok "the tampered entry is not committed" || notok "tampered entry committed"
no_staging "no staging leftovers after a refused blob"
cp "$R/saved-blob" "$big"

# --- wrong credentials: denied, falls back to the mirror with one warning
fresh
oci_config "$PORT"
export GOTC_OCI_USERNAME=gotc GOTC_OCI_PASSWORD=wrong
g install fix-gcc
check "denied access falls back to the mirror" 0
[ "$(grep -c 'OCI registry unavailable' "$T/err")" = 1 ] && ok "one warning when denied" ||
	notok "one warning when denied" "$(cat "$T/err")"
unset GOTC_OCI_USERNAME GOTC_OCI_PASSWORD

# --- bearer-token auth: a second registry (auth: token) that trusts the
# certificate of a token server's signing key; users gotc (pull, push) and
# reader (pull only)
t_tok=$(now)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=gotc-test-token-signer \
	-keyout "$R/sign.key" -out "$R/sign.crt" >/dev/null 2>&1
rm -f "$R/token.port"
"$ROOT/tests/lib/tokenserver.py" --tls "$R/server.crt" "$R/server.key" \
	--sign-key "$R/sign.key" --sign-cert "$R/sign.crt" --issuer gotc-test-issuer \
	--service gotc-test-registry --user gotc:s3cret:pull,push --user reader:r3ad:pull \
	--port-file "$R/token.port" --log "$R/token.log" >"$R/token.err" 2>&1 &
TOK_PID=$!
i=0
while [ ! -s "$R/token.port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
TOK_PORT=$(cat "$R/token.port")
REG2_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|$R/data|$R/data2|" -e "s|:$REG_PORT|:$REG2_PORT|" -e '/^auth:/,$d' "$R/config.yml" >"$R/config2.yml"
cat >>"$R/config2.yml" <<E
auth:
  token:
    realm: https://127.0.0.1:$TOK_PORT/token
    service: gotc-test-registry
    issuer: gotc-test-issuer
    rootcertbundle: $R/sign.crt
E
docker-registry serve "$R/config2.yml" >"$R/log2" 2>&1 &
REG2_PID=$!
fresh
if wait_401 "$REG2_PORT" && [ -n "$TOK_PORT" ]; then
	ok "a registry with token auth and its token server on 127.0.0.1"
else
	notok "the token-auth registry starts" "$(tail -5 "$R/log2" "$R/token.err")"
fi
TOK="https://127.0.0.1:$REG2_PORT/gotc"
# tok_lines USER STATUS: the token requests of USER answered STATUS since tok_mark
tok_mark() { : >"$R/token.log"; }
tok_lines() { grep "^$1 $2 " "$R/token.log"; }
# tok_config REPO [MIRROR_PORT]: the token registry's REPO (and the mirror)
tok_config() {
	oci_config "${2:-}"
	sed -i "s|^oci = .*|oci = https://127.0.0.1:$REG2_PORT/$1|" "$GOTC_CONFIG"
}
GOTC_HOME=$A_HOME
tok_config gotc
export GOTC_OCI_USERNAME=gotc GOTC_OCI_PASSWORD=s3cret
tok_mark
g -v push fix-gcc
check "push through bearer-token auth" 0
err_has "the layers go up" "uploaded in one request"
tok_lines gotc 200 | grep -q ' repository:gotc:pull,push$' && ok "push asks for a pull,push token" ||
	notok "push scope" "$(cat "$R/token.log")"
n=$(wc -l <"$R/token.log")
[ "$n" -le 2 ] && ok "one pull token and one push token for $n_entries entries ($n requests)" ||
	notok "tokens are reused" "$n token requests: $(cat "$R/token.log")"
# a pull-only user pulls every entry with mirrors dead, and cannot push
fresh
tok_config gotc
export GOTC_OCI_USERNAME=reader GOTC_OCI_PASSWORD=r3ad
tok_mark
g install fix-gcc
check "a pull-only user installs through token auth with every mirror dead" 0
[ "$(entries)" = "$n_entries" ] && ok "every entry pulled through token auth" || notok "token pulls" "$(ls "$GOTC_HOME/store")"
g verify
check "the entries pulled through token auth verify" 0
n=$(wc -l <"$R/token.log")
[ "$n" = 1 ] && tok_lines reader 200 | grep -q ' repository:gotc:pull$' &&
	ok "one pull token for the whole install" || notok "pull tokens" "$(cat "$R/token.log")"
tok_config gotc-ro
g push fix-gcc
check "a pull-only token cannot push" 1
err_has "the refusal says access denied" "access denied"
# a mount across repositories needs a token of two scopes, each its own parameter
GOTC_HOME=$A_HOME
tok_config gotc-mirror
printf 'oci_mount_from = gotc\n' >>"$GOTC_CONFIG"
export GOTC_OCI_USERNAME=gotc GOTC_OCI_PASSWORD=s3cret
tok_mark
g -v push fix-gcc
check "push with mounts through token auth" 0
err_has "layers are mounted through token auth" "mounted from gotc"
tok_lines gotc 200 | grep -q ' repository:gotc-mirror:pull,push repository:gotc:pull$' &&
	ok "a mount asks for both scopes" || notok "mount scopes" "$(cat "$R/token.log")"
# a wrong password: the token server refuses, install falls back to the mirror
fresh
tok_config gotc "$PORT"
export GOTC_OCI_PASSWORD=wrong
g install fix-gcc
check "a refused token request falls back to the mirror" 0
[ "$(grep -c 'OCI registry unavailable' "$T/err")" = 1 ] && ok "one warning when the token is refused" ||
	notok "one warning when the token is refused" "$(cat "$T/err")"
err_has "the warning names the token request" "token request: HTTP 401"
unset GOTC_OCI_USERNAME GOTC_OCI_PASSWORD
stop_token
echo "# the bearer-token cases: $(secs "$t_tok" "$(now)") s"

# --- registry down: falls back to the mirror with one warning
stop_registry
fresh
oci_config "$PORT"
g install fix-gcc
check "registry down falls back to the mirror" 0
[ "$(grep -c 'OCI registry unavailable' "$T/err")" = 1 ] && ok "one warning when down" ||
	notok "one warning when down" "$(cat "$T/err")"
g push fix-gcc
check "push to a registry that is down fails" 1

# --- opt-in (GOTC_E2E_OCI_TARGET=debian12-arm64; minutes, so not in CI): a
# real target's entries through the registry.  Installed from a loopback
# mirror of real Debian packages, pushed, installed into a fresh home with
# every mirror dead, verified, and a cgo (C + C++) probe built and run under
# qemu-user.  Prints the times: from the mirror, push, from the registry.
if [ -n "${GOTC_E2E_OCI_TARGET:-}" ]; then
	rt=$GOTC_E2E_OCI_TARGET
	stop_server
	start_registry || notok "docker-registry restarts" "$(tail -5 "$R/log")"
	export GOTC_TEST_PATH="$ROOT"
	serve_debian_mirror
	export GOTC_OCI_USERNAME=gotc GOTC_OCI_PASSWORD=s3cret
	printf '[cache]\noci = %s-real\n' "$OCI" >>"$GOTC_CONFIG"
	t0=$(now)
	nw install "$rt"
	t_rmirror=$(secs "$t0" "$(now)")
	check "$rt: install from the Debian mirror" 0
	t0=$(now)
	nw -v push "$rt"
	t_rpush=$(secs "$t0" "$(now)")
	check "$rt: push its entries" 0
	n_real=$(ls "$GOTC_HOME/store" | grep -vc '^\.')
	fresh
	printf '[mirrors]\ndebian = http://127.0.0.1:9/debian\n[fetch]\nallow_http = yes\nretries = 1\nconnect_timeout = 5\n[cache]\noci = %s-real\n' \
		"$OCI" >"$GOTC_CONFIG"
	t0=$(now)
	nw install "$rt"
	t_rreg=$(secs "$t0" "$(now)")
	check "$rt: install from the registry with every mirror dead" 0
	[ "$(entries)" = "$n_real" ] && ok "$rt: all $n_real entries pulled" ||
		notok "$rt: entries pulled" "$(ls "$GOTC_HOME/store")"
	nw verify "$rt"
	check "$rt: the pulled instance verifies" 0
	w="$T/work"
	mkdir -p "$w"
	cp -R "$ROOT/tests/e2e/probe" "$w/"
	kver=$(sed -n 's/^version = //p' "$ROOT/recipes/kernel/$(sed -n 's/^kernel_headers = //p' "$ROOT/targets/$rt.ini").ini")
	t0=$(now)
	if env -i HOME="$T" PATH=/usr/bin:/bin GOTC_HOME="$GOTC_HOME" sh -c ". \"\$(\"$GOTC_BIN\" env $rt)\" && \
		cd \"$w/probe\" && go build -o probe-bin . && go_linux_\${GOARCH}_exec ./probe-bin" >"$w/out" 2>&1 &&
		sed -n 2,3p "$w/out" | tr '\n' ' ' | grep -qx "LINUX_VERSION_CODE=$kver CXX=gotc+std::string "; then
		ok "$rt: a cgo C + C++ probe built with the pulled instance runs under qemu"
	else
		notok "$rt: cgo probe with the pulled instance" "$(tail -15 "$w/out")"
	fi
	t_probe=$(secs "$t0" "$(now)")
	echo "# $rt ($n_real entries, $(du -sm "$R/data" | cut -f1) MB in the registry): from the mirror $t_rmirror s, push $t_rpush s, from the registry $t_rreg s; cgo probe build $t_probe s"
	unset GOTC_OCI_USERNAME GOTC_OCI_PASSWORD
fi
done_testing
