#!/usr/bin/env bash
# make lab-start / lab-stop: thin wrapper around the lab's own script (tests/lab/lab).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case "${1:-}" in
    start)
        if lab_running; then
            log "lab already running (${LAB_ENV_FILE#"${ROOT}"/})"
            exit 0
        fi
        # shellcheck disable=SC2086 # LAB_START_ARGS is a word list, e.g. "--port 18444 --vms 100"
        lab start ${LAB_START_ARGS:-} ;;
    stop)
        if [[ ! -x "${ROOT}/tests/lab/lab" ]]; then
            log "no tests/lab/lab: nothing to stop"
            exit 0
        fi
        lab stop ;;
    *) die "usage: $0 start|stop" ;;
esac
