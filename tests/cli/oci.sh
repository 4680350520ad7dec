#!/bin/sh
# gotc push and [cache] oci, without a registry (tests/e2e/oci.sh runs a real one).
. "${GOTC_SRC:-.}/tests/lib/cli.sh"

fresh
g push --help
check "push --help" 0
out_has "push --help names the config key" "[cache] oci"

fresh
g push
check "push without [cache] oci is a usage error" 2 "gotc: no registry configured: add [cache] oci = https://HOST/REPOSITORY to config.ini"

fresh
printf '[cache]\noci = http://127.0.0.1:9/gotc\n' >"$GOTC_CONFIG"
g list
check "[cache] oci over plain http is refused" 2
err_has "plain http names the file and line" "$GOTC_CONFIG:2: url: scheme of 'http://127.0.0.1:9/gotc' is not allowed"

fresh
printf '[cache]\noci = file:///srv/gotc\n' >"$GOTC_CONFIG"
g list
check "[cache] oci as a file:// URL is refused" 2 "[cache] oci = file:///srv/gotc: registries are reached over https:// only"

fresh
printf '[cache]\noci = https://127.0.0.1:9\n' >"$GOTC_CONFIG"
g push
check "[cache] oci without a repository" 2 "[cache] oci = https://127.0.0.1:9: not https://HOST/REPOSITORY"

fresh
printf '[cache]\noic = https://127.0.0.1:9/gotc\n' >"$GOTC_CONFIG"
g list
check "a misspelt [cache] key is a config error" 2
err_has "the config error names the file and line" "$GOTC_CONFIG:2:"

fresh
printf '[cache]\noci = https://127.0.0.1:9/gotc\n' >"$GOTC_CONFIG"
g push not-installed-target
check "push of a target that is not installed" 1 "gotc: target not-installed-target is not installed (gotc list): install it first"
done_testing
