# shellcheck shell=bash
# Common settings for the hack/ scripts. Source it; do not run it.
# Everything here must work on a fresh Debian 12 with only Go, pyenv Pythons and git.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
OPENSPHERE_CACHE="${OPENSPHERE_CACHE:-${HOME}/.cache/opensphere}"
VENV="${OPENSPHERE_VENV:-${OPENSPHERE_CACHE}/venv}"
export VENV
# The lab script (tests/lab/lab) writes this file on start: the `export VMWARE_...` lines it prints.
LAB_ENV_FILE="${LAB_ENV_FILE:-${LAB_STATE_DIR:-${ROOT}/tests/lab/.run}/env}"
export LAB_ENV_FILE
COLLECTION_NAMESPACE=opensphere
COLLECTION_NAME=vsphere
FQCN="${COLLECTION_NAMESPACE}.${COLLECTION_NAME}"
export COLLECTION_NAMESPACE COLLECTION_NAME FQCN
# ansible-core refuses to run with a non-UTF-8 locale.
export LC_ALL="${LC_ALL:-C.UTF-8}" LANG="${LANG:-C.UTF-8}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}" ANSIBLE_FORCE_COLOR=0

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# ensure_venv: create/refresh the tooling venv (cheap when nothing changed) and put it first on PATH.
ensure_venv() {
    "${ROOT}/hack/venv.sh"
    export PATH="${VENV}/bin:${PATH}"
    export VIRTUAL_ENV="${VENV}"
}

# pyenv_python X.Y: print the real interpreter for Python X.Y (never the pyenv shims, they exit 127
# for inactive versions), or nothing.
pyenv_python() {
    local ver="$1" cand
    for cand in "${PYENV_ROOT:-/root/.pyenv}"/versions/"${ver}".*/bin/python"${ver}"; do
        if [[ -x "${cand}" ]] && "${cand}" -c 'import sys' >/dev/null 2>&1; then
            printf '%s\n' "${cand}"
            return 0
        fi
    done
    return 0
}

# make_tree: copy the collection (tracked + untracked-not-ignored files, plus .git) into
# $TREE_ROOT/ansible_collections/opensphere/vsphere. ansible-test rejects symlinked trees, so it
# gets a real copy. The copy lives at a stable place per checkout and keeps its tests/output, where
# ansible-test caches its delegation venvs (a fresh temp tree each time costs ~45 s per sanity run).
# A lock serialises runs from the same checkout. Sets TREE_ROOT (collections path) and TREE.
make_tree() {
    local key
    key="$(printf '%s' "${ROOT}" | sha256sum | cut -c1-12)"
    TREE_ROOT="${OPENSPHERE_TREE_ROOT:-${OPENSPHERE_CACHE}/trees/${key}}"
    TREE="${TREE_ROOT}/ansible_collections/${COLLECTION_NAMESPACE}/${COLLECTION_NAME}"
    mkdir -p "${TREE}/tests"
    exec 9>"${TREE_ROOT}.lock"
    if ! flock -n 9; then
        log "waiting for another run using ${TREE_ROOT}"
        flock 9
    fi
    find "${TREE}" -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
    find "${TREE}/tests" -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +
    # Files deleted in the work tree but still tracked are skipped (ls-files -co lists them).
    (cd "${ROOT}" && git ls-files -z -co --exclude-standard \
        | while IFS= read -r -d '' f; do [[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf -) | tar -xf - -C "${TREE}"
    cp -a "${ROOT}/.git" "${TREE}/.git"
    export TREE_ROOT TREE
}

# cleanup_tree: copy ansible-test's results (not its cached venvs) back to tests/output (gitignored).
cleanup_tree() {
    if [[ -n "${TREE:-}" && -d "${TREE}/tests/output" ]]; then
        mkdir -p "${ROOT}/tests/output"
        tar -C "${TREE}/tests/output" --exclude=./.tmp -cf - . | tar -C "${ROOT}/tests/output" -xf - || true
    fi
}

# load_lab_env: export VMWARE_* and LAB_URL from the lab env file (lines `export K=V`).
load_lab_env() {
    [[ -f "${LAB_ENV_FILE}" ]] || die "lab env file ${LAB_ENV_FILE} not found: run 'make lab-start' first"
    set -a
    # shellcheck disable=SC1090
    . "${LAB_ENV_FILE}"
    set +a
}

# lab_running: ask the lab script (`status` exits 0 only when its server is up and ready).
lab_running() {
    [[ -x "${ROOT}/tests/lab/lab" ]] || return 1
    "${ROOT}/tests/lab/lab" status >/dev/null 2>&1
}

# lab CMD: run the lab script (owned by the lab; we only call it).
lab() {
    [[ -x "${ROOT}/tests/lab/lab" ]] || die "tests/lab/lab does not exist (yet): the lab is not available"
    "${ROOT}/tests/lab/lab" "$@"
}

# with_lab: start the lab unless it is running; the EXIT trap (stop_lab_if_started) stops it again
# only if we started it.
LAB_STARTED_HERE=0
with_lab() {
    if lab_running; then
        log "lab already running (${LAB_ENV_FILE#"${ROOT}"/})"
        # Tests run against the lab's current sources, not the ones a long-running lab was built from.
        lab fresh
    else
        log "starting the lab"
        # shellcheck disable=SC2086 # LAB_START_ARGS is a word list, e.g. "--port 18444 --vms 100"
        lab start ${LAB_START_ARGS:-}
        LAB_STARTED_HERE=1
        lab_running || die "the lab did not come up ('tests/lab/lab status' says not running)"
    fi
}
stop_lab_if_started() {
    if [[ "${LAB_STARTED_HERE}" == 1 ]]; then
        log "stopping the lab we started"
        lab stop || true
    fi
}
