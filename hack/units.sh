#!/usr/bin/env bash
# ansible-test units on a copy of the collection with the venv's Python 3.12 (pytest prints its
# `N passed` line). Extra arguments go to ansible-test.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
"${ROOT}/hack/get-pip.sh"
PYVER="${UNITS_PYTHON:-$("${VENV}/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}"

trap cleanup_tree EXIT
make_tree
cd "${TREE}" || exit 1
ansible-test units --local --python "${PYVER}" --requirements --color no "$@"
