#!/bin/sh
# gotc completion SHELL: the generated bash, zsh and fish scripts, loaded in
# each shell, complete commands, options, target names (the search path),
# installed instances (only those), --home's instances, and files after a
# command's first operand.  bash runs its real completion function on
# COMP_WORDS; fish answers `complete -C`; zsh runs the generated _gotc with
# compadd, _files and _describe printing their candidates (zsh's completion
# builtins only run inside the line editor).
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
serve_fixtures
fresh; mirror_config
nw install fix-gcc
check "install fix-gcc" 0

g completion --names targets
check "completion --names targets" 0
cp "$T/out" "$T/names"
nw targets
awk 'NR > 1 {print $1}' "$T/out" >"$T/want"
grep -q '^fix-gcc .* yes$' "$T/out" && ! grep -v '^fix-gcc ' "$T/out" | grep -q ' yes$' &&
	ok "targets marks the installed target, and only it" || notok "targets: installed marker" "$(cat "$T/out")"
grep -qx fix-gcc "$T/names" && cmp -s "$T/names" "$T/want" &&
	ok "target names, one a line, as gotc targets lists them" || notok "target names" "$(diff "$T/want" "$T/names")"
g completion --names installed
check "completion --names installed" 0
[ "$(cat "$T/out")" = fix-gcc ] && ok "installed names: only fix-gcc" || notok "installed names" "$(cat "$T/out")"
nw completion --names bogus
check "--names with a bad kind" 2 "gotc completion: --names takes targets or installed, not 'bogus'"
nw completion tcsh
check "an unknown shell" 2 "gotc completion: unknown shell 'tcsh' (bash, zsh or fish)"
nw completion
check "no shell" 2 "gotc completion: missing SHELL (bash, zsh or fish)"
nw completion --help
check "completion --help" 0
out_has "help leads with the summary" "gotc completion: print a bash, zsh or fish completion script."
for sh in bash zsh fish; do
	g completion $sh
	check "completion $sh" 0
	cp "$T/out" "$T/c.$sh"
done

W="$T/w"
mkdir -p "$W"
: >"$W/app.elf"
BASE="$ROOT:/usr/bin:/bin"
OTHER="$T/other-home"
# expected answers, the same in every shell: "words typed|candidates"
cat >"$T/cases" <<EOF
gotc ins|install
gotc --home $OTHER ver|verify version
gotc install --rei|--reinstall
gotc install fix-g|fix-gcc
gotc -q env fix|fix-gcc
gotc --home $GOTC_HOME remove |fix-gcc
gotc --home $OTHER env |
gotc env --fi|--fish
gotc check fix-gcc app|app.elf
gotc help doc|doctor
gotc completion f|fish
gotc which p|pkg-config
gotc which cc |fix-gcc
gotc env --format=js|--format=json
gotc env --format=git|--format=github --format=github-path
gotc env --format=json fix|fix-gcc
gotc sbom --format cy|cyclonedx
EOF

# bash: the real function on COMP_WORDS
(cd "$W" && env -i PATH="$BASE" HOME="$W" GOTC_HOME="$GOTC_HOME" GOTC_PATH="$GOTC_PATH" \
	GOTC_CONFIG="$GOTC_CONFIG" bash --norc --noprofile -c '
	. "$1"
	complete -p gotc | grep -q "_gotc gotc$" || echo "not registered"
	while IFS="|" read -r line want; do
		read -ra COMP_WORDS <<<"$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_gotc
		echo "$line|${COMPREPLY[*]}"
	done <"$2"' sh "$T/c.bash" "$T/cases") >"$T/bash.out" 2>"$T/err"
if cmp -s "$T/bash.out" "$T/cases"; then ok "bash completes every case"; else notok "bash" "$(diff "$T/cases" "$T/bash.out")"; fi

# fish: complete -C, as the shell asks when TAB is pressed
(cd "$W" && env -i PATH="$BASE" HOME="$W" GOTC_HOME="$GOTC_HOME" GOTC_PATH="$GOTC_PATH" \
	GOTC_CONFIG="$GOTC_CONFIG" fish --no-config -c '
	source $argv[1]
	while read -l l
		set -l line (string split -m1 "|" -- $l)[1]
		set -l got (complete -C"$line" | string replace -r "\t.*" "" | sort)
		echo "$line|$got"
	end <$argv[2]' "$T/c.fish" "$T/cases") >"$T/fish.out" 2>"$T/err"
if cmp -s "$T/fish.out" "$T/cases"; then ok "fish completes every case"; else notok "fish" "$(diff "$T/cases" "$T/fish.out")"; fi

# zsh: the generated _gotc, its candidates printed
(cd "$W" && env -i PATH="$BASE" HOME="$W" GOTC_HOME="$GOTC_HOME" GOTC_PATH="$GOTC_PATH" \
	GOTC_CONFIG="$GOTC_CONFIG" zsh -f -c '
	compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift; reply+=("$@"); }
	_files() { reply+=(*(N)); }
	_describe() { reply+=(${${(P)2}%%:*}); }
	compdef() { registered=$*; }
	source $1
	[[ $registered == "_gotc gotc" ]] || echo "not registered: $registered"
	while IFS="|" read -r line want; do
		words=(${=line})
		[[ $line == *" " ]] && words+=("")
		CURRENT=${#words}
		reply=()
		_gotc
		cur=${words[CURRENT]}
		print -r -- "$line|${(j: :)${(@M)reply:#${cur}*}}"
	done <$2' zsh "$T/c.zsh" "$T/cases") >"$T/zsh.out" 2>"$T/err"
if cmp -s "$T/zsh.out" "$T/cases"; then ok "zsh completes every case"; else notok "zsh" "$(diff "$T/cases" "$T/zsh.out")"; fi
done_testing
