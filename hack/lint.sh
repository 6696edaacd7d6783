#!/usr/bin/env bash
# ansible-lint (production profile) on roles/ and playbooks/ with the collection on the collections
# path, antsibull-changelog lint, and CHANGELOG.rst checked against the fragments.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
rc=0

paths=()
for d in roles playbooks; do
    if [[ -d "${ROOT}/${d}" ]] && [[ -n "$(find "${ROOT}/${d}" -type f \( -name '*.yml' -o -name '*.yaml' \) -print -quit)" ]]; then
        paths+=("${d}")
    fi
done
if (( ${#paths[@]} )); then
    trap cleanup_tree EXIT
    make_tree
    log "ansible-lint --profile production ${paths[*]}"
    (cd "${TREE}" && ANSIBLE_COLLECTIONS_PATH="${TREE_ROOT}" ansible-lint --offline --profile production --nocolor "${paths[@]}") || rc=1
else
    log "ansible-lint SKIPPED: roles/ and playbooks/ hold no YAML yet"
fi

log "antsibull-changelog lint"
(cd "${ROOT}" && antsibull-changelog lint) || rc=1
log "CHANGELOG.rst up to date with the fragments"
"${ROOT}/hack/changelog.sh" --check || rc=1
exit "${rc}"
