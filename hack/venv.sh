#!/usr/bin/env bash
# Create or refresh the tooling venv outside the repository ($OPENSPHERE_VENV, default
# ~/.cache/opensphere/venv) from tests/requirements-ci.txt ($OPENSPHERE_REQUIREMENTS: another file, for
# hack/oldest.sh). Reinstalls only when the requirements
# file (or the interpreter) changed, so a warm run costs a few milliseconds.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REQ="${OPENSPHERE_REQUIREMENTS:-${ROOT}/tests/requirements-ci.txt}"
STAMP="${VENV}/.opensphere-requirements.sha256"

pick_python() {
    local p
    p="$(pyenv_python 3.12)"
    if [[ -n "$p" ]]; then printf '%s\n' "$p"; return; fi
    if p="$(command -v python3.12)" && "$p" -c 'import sys' 2>/dev/null; then printf '%s\n' "$p"; return; fi
    p="$(pyenv_python 3.11)"
    if [[ -n "$p" ]]; then printf '%s\n' "$p"; return; fi
    if p="$(command -v python3)" && "$p" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null; then
        printf '%s\n' "$p"; return
    fi
    die "no Python 3.12 or 3.11 found (looked in pyenv versions and on PATH)"
}

want_stamp() {
    # requirements content + interpreter version: either changing means reinstall
    { cat "${REQ}"; "${VENV}/bin/python" -VV; } | sha256sum | cut -d' ' -f1
}

venv_ok() {
    [[ -x "${VENV}/bin/python" ]] && "${VENV}/bin/python" -c 'import sys, pip' >/dev/null 2>&1
}

if ! venv_ok; then
    PY="$(pick_python)"
    log "creating venv ${VENV} with ${PY} ($("${PY}" -V 2>&1))"
    rm -rf "${VENV}"
    mkdir -p "$(dirname "${VENV}")"
    "${PY}" -m venv "${VENV}"
fi

if [[ -f "${STAMP}" && "$(cat "${STAMP}")" == "$(want_stamp)" ]]; then
    exit 0
fi

log "installing ${REQ#"${ROOT}"/} into ${VENV} ($("${VENV}/bin/python" -V 2>&1))"
"${VENV}/bin/python" -m pip install --quiet --upgrade pip
"${VENV}/bin/python" -m pip install --quiet -r "${REQ}"
"${VENV}/bin/python" -m pip check || die "pip check found broken requirements in ${VENV}"
want_stamp > "${STAMP}"
log "venv ready: ansible-core $("${VENV}/bin/python" -c "import ansible.release as r; print(r.__version__)")"
