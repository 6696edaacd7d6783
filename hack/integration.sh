#!/usr/bin/env bash
# ansible-test integration against the lab, all targets, Python 3.12 (the venv's). Starts the lab if
# it is not running and stops it again afterwards in that case. Extra arguments go to ansible-test
# (e.g. a target name).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
"${ROOT}/hack/get-pip.sh"
PYVER="${INTEGRATION_PYTHON:-$("${VENV}/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}"

TARGETS_DIR="${ROOT}/tests/integration/targets"
shopt -s nullglob
targets=("${TARGETS_DIR}"/*/)
shopt -u nullglob
(( ${#targets[@]} )) || die "no integration targets under tests/integration/targets"
# Every target must run: a disabled/unsupported alias would silently drop it from this run.
bad="$(grep -lE '^[[:space:]]*(disabled|unsupported)[[:space:]]*$' "${TARGETS_DIR}"/*/aliases 2>/dev/null || true)"
[[ -z "${bad}" ]] || die "integration targets marked disabled/unsupported (they would not run): ${bad//"${ROOT}"\//}"

trap 'cleanup_tree; stop_lab_if_started' EXIT
with_lab
"${ROOT}/hack/integration-config.sh"
make_tree
cp "${ROOT}/tests/integration/integration_config.yml" "${TREE}/tests/integration/integration_config.yml"
cd "${TREE}" || exit 1
# --continue-on-error: one run reports every failing target, not just the first.
ansible-test integration --local --python "${PYVER}" --color no --continue-on-error "$@"
