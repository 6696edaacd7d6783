#!/usr/bin/env bash
# ansible-test bootstraps pip in every venv it creates by downloading a get-pip script from a host
# that is not reachable here ("does not have pip available"). Put a stand-in at the cache path it
# checks first: ensurepip, then pip install whatever it was asked for (the pinned pip version).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv

REQS_PY="$("${VENV}/bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')"
PIP_VER="$(sed -n "s/^ *pip='\([0-9.]*\)',.*/\1/p" "${REQS_PY}" | head -1)"
[[ -n "${PIP_VER}" ]] || die "could not read ansible-test's pip version from ${REQS_PY}"

CACHE="${HOME}/.ansible/test/cache"
TARGET="${CACHE}/get_pip_${PIP_VER//./_}.py"
mkdir -p "${CACHE}"
# A temporary file of this run's own: two runs starting at once must not write into the same one.
TMP="$(mktemp "${TARGET}.XXXXXX")"
cat > "${TMP}" <<'PY'
"""Stand-in for get-pip.py written by hack/get-pip.sh (the real one cannot be downloaded here)."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'],
                      stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + args))
PY
if ! cmp -s "${TMP}" "${TARGET}" 2>/dev/null; then
    chmod 644 "${TMP}"
    mv "${TMP}" "${TARGET}"
    log "wrote get-pip stand-in ${TARGET} (pip ${PIP_VER})"
else
    rm -f "${TMP}"
fi
