#!/bin/sh
# The store's lifecycle on hand-made homes (no network): gc fails closed on a
# reference it cannot resolve, remove reports a failed discard, the info
# reader names file and line, list and verify show damaged targets.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"

# home: target t1 -> prefix p1 using entries e1 e2; e3 unreferenced
layout() {
	H=$GOTC_HOME
	mkdir -p "$H/targets" "$H/prefixes/t1-aaaa/root" "$H/store/e1/root" "$H/store/e2/root" "$H/store/e3/root"
	ln -s ../prefixes/t1-aaaa/root "$H/targets/t1"
	printf 'target t1\nfile /x/t1.ini\nprefix_id aaaa\nentry e1\nentry e2\n' >"$H/prefixes/t1-aaaa/info"
	for e in e1 e2 e3; do
		printf 'name %s\nrole go\nrecipe r\nversion 1\nkey k%s\n' $e $e >"$H/store/$e/info"
		: >"$H/store/$e/manifest"
	done
	: >"$H/prefixes/t1-aaaa/manifest"
}
entries() { ls "$GOTC_HOME/store" | tr '\n' ' '; }

fresh; layout
g gc --dry-run
check "gc --dry-run on a sound home" 0
out_has "gc --dry-run lists the unreferenced entry" "would delete $GOTC_HOME/store/e3 "
g gc
check "gc on a sound home" 0
[ "$(entries)" = "e1 e2 " ] && ok "gc keeps the referenced entries" || notok "gc keeps the referenced entries" "$(entries)"

# an info without its entry lines (truncated by a full disk, edited)
fresh; layout
printf 'target t1\nfile /x/t1.ini\nprefix_id aaaa\n' >"$GOTC_HOME/prefixes/t1-aaaa/info"
g gc
check "gc stops on an info without entries" 1 "gotc: gc deleted nothing: $GOTC_HOME/prefixes/t1-aaaa/info: no 'entry' line"
[ "$(entries)" = "e1 e2 e3 " ] && ok "nothing deleted" || notok "nothing deleted" "$(entries)"
printf 'target t1\nentry e1\nprefix_id aaaa\nentry e2' >"$GOTC_HOME/prefixes/t1-aaaa/info"
g gc --dry-run
check "gc stops on an info cut mid-line" 1 "gotc: gc deleted nothing: $GOTC_HOME/prefixes/t1-aaaa/info:4: truncated (no newline at the end)"
printf 'target t1\nprefix_id aaaa\nentry e1\nentry\n' >"$GOTC_HOME/prefixes/t1-aaaa/info"
g gc
check "gc stops on a malformed line" 1 "gotc: gc deleted nothing: $GOTC_HOME/prefixes/t1-aaaa/info:4: not a 'KEY VALUE' line"
g list
check "list shows a damaged target" 0
out_has "list says damaged" "$GOTC_HOME/prefixes/t1-aaaa (damaged: see gotc verify)"
g verify t1
check "verify of a target with a damaged info" 1 "gotc verify: $GOTC_HOME/prefixes/t1-aaaa/info:4: not a 'KEY VALUE' line"

# a link whose prefix is gone; a targets entry that is no link to a prefix
fresh; layout
mv "$GOTC_HOME/prefixes/t1-aaaa" "$T/away"
g gc
check "gc stops on a broken target link" 1 "gotc: gc deleted nothing: $GOTC_HOME/targets/t1: its prefix $GOTC_HOME/prefixes/t1-aaaa is missing (run 'gotc remove t1')"
[ "$(entries)" = "e1 e2 e3 " ] && ok "nothing deleted (broken link)" || notok "nothing deleted (broken link)" "$(entries)"
g remove t1
check "remove of a broken link" 0 "removed t1 (run 'gotc gc' to free its store entries)"
g gc
check "gc after removing it" 0
[ "$(entries)" = "" ] && ok "gc then deletes every entry" || notok "gc then deletes every entry" "$(entries)"
fresh; layout
ln -s /nowhere "$GOTC_HOME/targets/t2"
g gc
check "gc stops on a link to no prefix" 1 "gotc: gc deleted nothing: $GOTC_HOME/targets/t2 is not a link to a target prefix (run 'gotc remove t2')"

# remove: a discard that fails is reported, never "removed"
fresh; layout
: >"$GOTC_HOME/store/.staging"
g remove t1
check "remove with a failing discard exits 1" 1
err_has "remove says the prefix stayed" "gotc remove: target 't1' is uninstalled, but its prefix was not deleted (run 'gotc gc'): cannot create staging directory"
grep -q '^removed' "$T/err" && notok "remove does not claim success" || ok "remove does not claim success"
[ ! -e "$GOTC_HOME/targets/t1" ] && ok "the target is uninstalled" || notok "the target is uninstalled"
rm "$GOTC_HOME/store/.staging"
g gc
check "gc then frees the prefix" 0
[ ! -e "$GOTC_HOME/prefixes/t1-aaaa" ] && ok "prefix deleted by gc" || notok "prefix deleted by gc"
g remove t1
check "remove of a name neither installed nor on the search path" 2 "gotc remove: no target 't1' installed or on the search path (see 'gotc list' and 'gotc targets')"
done_testing
