#!/usr/bin/env bash
# ansible-test sanity --local on a copy of the collection, on every supported Python this machine
# has (hack/pythons.sh). No ignore files: a sanity finding is fixed, not ignored.
# Extra arguments go to ansible-test (e.g. `--test pylint`).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
"${ROOT}/hack/get-pip.sh"

shopt -s nullglob
ignores=("${ROOT}"/tests/sanity/ignore-*.txt)
shopt -u nullglob
if (( ${#ignores[@]} )); then
    die "sanity ignore files are not allowed, fix the findings instead: ${ignores[*]#"${ROOT}"/}"
fi
command -v shellcheck >/dev/null || die "shellcheck is not installed (run 'make deps'); the shellcheck sanity test would silently pass"

PYDIR="$("${ROOT}/hack/pythons.sh")"
export PATH="${PYDIR}:${PATH}"
log "sanity on Pythons: $(cd "${PYDIR}" && echo python*)"

trap cleanup_tree EXIT
make_tree
cd "${TREE}" || exit 1
ansible-test sanity --local --color no "$@"
