#!/usr/bin/env bash
# make test: every check in order, keep going after a failure so one run shows everything, always
# stop the lab at the end, print a summary table and finally one line `N passed, M failed`.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e

STEPS=(deps lab-start sanity units integration lab-selftest lint docs docs-site galaxy oldest)
declare -A CMD=(
    [deps]="hack/deps.sh"
    [lab-start]="hack/lab.sh start"
    [sanity]="hack/sanity.sh"
    [units]="hack/units.sh"
    [integration]="hack/integration.sh"
    [lab-selftest]="hack/lab-selftest.sh"
    [lint]="hack/lint.sh"
    [docs]="hack/docs.sh"
    [docs-site]="hack/docs-site.sh"
    [galaxy]="hack/galaxy.sh"
    [oldest]="hack/oldest.sh"
    [lab-stop]="hack/lab.sh stop"
)
names=() results=() secs=()
lab_stopped=0

run_step() {
    local name="$1" start rc
    printf '\n======== %s: %s ========\n' "${name}" "${CMD[${name}]}"
    start="${SECONDS}"
    # shellcheck disable=SC2086 # the command strings are word lists on purpose
    (cd "${ROOT}" && ${CMD[${name}]}) </dev/null
    rc=$?
    names+=("${name}")
    secs+=("$((SECONDS - start))")
    if [[ "${rc}" == 0 ]]; then results+=(PASS); else results+=(FAIL); fi
    printf '======== %s: %s (exit %s, %ss) ========\n' "${name}" "${results[-1]}" "${rc}" "${secs[-1]}"
}

# Interrupted or killed: still stop the lab.
on_signal() {
    if [[ "${lab_stopped}" == 0 ]]; then (cd "${ROOT}" && hack/lab.sh stop) </dev/null; fi
    exit 130
}
trap on_signal INT TERM HUP

for s in "${STEPS[@]}"; do
    run_step "${s}"
done
run_step lab-stop
lab_stopped=1

passed=0 failed=0
printf '\n%-14s %-6s %8s\n' STEP RESULT SECONDS
for i in "${!names[@]}"; do
    printf '%-14s %-6s %8s\n' "${names[$i]}" "${results[$i]}" "${secs[$i]}"
    if [[ "${results[$i]}" == PASS ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
printf '%-14s %-6s %8s\n' total "" "${SECONDS}"
echo
# .ci/run repeats this line after make's own error message, so it stays the last line.
mkdir -p "${ROOT}/tests/output"
echo "${passed} passed, ${failed} failed" | tee "${ROOT}/tests/output/test-summary.txt"
[[ "${failed}" == 0 ]]
