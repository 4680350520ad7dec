#!/bin/sh
# tests/run's totals, on a tiny fake tree with its own copy of tests/run: a
# skipped case counts as skipped, never as passed; under GOTC_NO_SKIP=1 (CI)
# it counts as failed and the run fails; a "not ok" always fails the run.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
fresh
F="$T/fake"
mkdir -p "$F/tests/cli" "$F/build/tests"
cp "$ROOT/tests/run" "$F/tests/run"
# a cli script: two passes and a skip (tests/lib/cli.sh's skip)
printf '%s\n' 'echo "ok 1 passes"' 'echo "ok 2 needs a tool # SKIP no such tool here"' 'echo "ok 3 passes too"' \
	>"$F/tests/cli/a.sh"
# a unit test as cmocka reports one skipped test
printf '%s\n' '#!/bin/sh' 'echo "[  PASSED  ] 2 test(s)."' 'echo "[  SKIPPED ] 1 test(s), listed below:"' \
	'echo "[  SKIPPED ] test_needs_a_tool"' >"$F/build/tests/test_fake"
chmod +x "$F/build/tests/test_fake"
# fake_run [VAR=VALUE...]: tests/run of the fake tree (unit and cli tiers)
fake_run() {
	env -u GOTC_NO_SKIP -u GOTC_WRAP GOTC_TEST_DEB=/nonexistent GOTC_TIERS="unit cli" "$@" \
		sh "$F/tests/run" >"$T/out" 2>"$T/err"
	rc=$?
	total=$(tail -n 1 "$T/out")
}

fake_run
[ "$total" = "4 passed, 0 failed, 2 skipped" ] && ok "a skip counts as skipped, not passed" ||
	notok "a skip counts as skipped" "last line: $total"
[ "$rc" -eq 0 ] && ok "skips alone do not fail the run" || notok "skips alone do not fail the run"

fake_run GOTC_NO_SKIP=1
[ "$total" = "4 passed, 2 failed, 0 skipped" ] && ok "GOTC_NO_SKIP=1: a skip counts as failed" ||
	notok "GOTC_NO_SKIP=1: a skip counts as failed" "last line: $total"
[ "$rc" -ne 0 ] && ok "GOTC_NO_SKIP=1: the run fails" || notok "GOTC_NO_SKIP=1: the run fails"
grep -q '^failures:.*skipped(.*needs a tool' "$T/out" && ok "GOTC_NO_SKIP=1: the skipped case is named" ||
	notok "GOTC_NO_SKIP=1: the skipped case is named"

printf '%s\n' 'echo "ok 1 passes"' 'echo "not ok 2 breaks"' >"$F/tests/cli/b.sh"
fake_run
[ "$total" = "5 passed, 1 failed, 2 skipped" ] && [ "$rc" -ne 0 ] && ok "a failed case fails the run" ||
	notok "a failed case fails the run" "last line: $total, exit $rc"
printf '%s\n' 'echo "ok 1 passes"' 'exit 3' >"$F/tests/cli/b.sh"
fake_run
[ "$total" = "5 passed, 1 failed, 2 skipped" ] && [ "$rc" -ne 0 ] && ok "a script that exits non-zero fails the run" ||
	notok "a script that exits non-zero fails the run" "last line: $total, exit $rc"
# with 2+ CPUs both lanes take cli scripts: each runs once, the totals are
# the same; a second lane waiting for GOTC_LANE2_AFTER that never comes
# does not hold the run once the first lane has claimed every script
printf '%s\n' 'echo "ok 1 passes"' >"$F/tests/cli/b.sh"
printf '%s\n' 'echo "ok 1 passes"' 'echo "ok 2 passes"' >"$F/tests/cli/c.sh"
for v in GOTC_SERIAL_TIERS= GOTC_SERIAL_TIERS=1 GOTC_LANE2_AFTER="$T/never"; do
	fake_run "$v"
	runs=$(grep '^== cli ' "$T/out" | sort | uniq -c | awk '{print $1}' | sort -u | paste -sd' ')
	if [ "$total" = "7 passed, 0 failed, 2 skipped" ] && [ "$rc" -eq 0 ] && [ "$runs" = 1 ] &&
		[ "$(grep -c '^== cli ' "$T/out")" = 3 ]; then
		ok "$v: every cli script runs once, totals over both lanes"
	else
		notok "$v: every cli script runs once" "last line: $total, exit $rc, runs per script: $runs"
	fi
done
done_testing
