#!/usr/bin/env bash
# Print a folder of python3.X symlinks to the real pyenv interpreters (the shims exit 127 for
# inactive versions), one per Python the installed ansible-test supports and this machine has.
# Put it first on PATH so sanity compile/import run on each of them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv

DIR="${OPENSPHERE_CACHE}/pythons"
# Replace links one by one (ln -sfn), no rm -rf: another checkout may be using the folder.
mkdir -p "${DIR}"
VERSIONS="$("${VENV}/bin/python" -c '
from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS as c, REMOTE_ONLY_PYTHON_VERSIONS as r
print(" ".join(r + c))')"
for ver in ${VERSIONS}; do
    py="$(pyenv_python "${ver}")"
    if [[ -z "${py}" ]] && command -v "python${ver}" >/dev/null && "python${ver}" -c 'import sys' 2>/dev/null; then
        py="$(command -v "python${ver}")"
    fi
    if [[ -n "${py}" ]]; then
        ln -sfn "${py}" "${DIR}/python${ver}"
    else
        rm -f "${DIR}/python${ver}"
        log "Python ${ver} not found: skipped"
    fi
done
# The venv's own interpreter wins for its version (it has the tooling installed).
own="$("${VENV}/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
ln -sf "${VENV}/bin/python" "${DIR}/python${own}"
printf '%s\n' "${DIR}"
