#!/usr/bin/env bash
# Benchmarks (tests/bench/run, owned by the benchmark author). QUICK=1 selects its quick mode.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
if [[ ! -x "${ROOT}/tests/bench/run" ]]; then
    log "SKIPPED: tests/bench/run does not exist yet"
    exit 0
fi
cd "${ROOT}" || exit 1
QUICK="${QUICK:-0}" exec tests/bench/run "$@"
