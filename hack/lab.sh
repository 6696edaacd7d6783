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
        lab start ;;
    stop)
        if [[ ! -x "${ROOT}/tests/lab/lab" ]]; then
            log "no tests/lab/lab: nothing to stop"
            exit 0
        fi
        lab stop ;;
    *) die "usage: $0 start|stop" ;;
esac
