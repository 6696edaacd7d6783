#!/usr/bin/env bash
# The lab's own tests (pytest, with the tooling venv). Skipped only while tests/lab/tests does not
# exist; once it exists, collecting no test is a failure (pytest exit 5).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
if [[ ! -d "${ROOT}/tests/lab/tests" ]]; then
    log "SKIPPED: tests/lab/tests does not exist yet"
    exit 0
fi
cd "${ROOT}" || exit 1
rc=0
python -m pytest tests/lab/tests -q -p no:cacheprovider "$@" || rc=$?
if [[ "${rc}" == 5 ]]; then
    die "pytest collected no test in tests/lab/tests"
fi
exit "${rc}"
