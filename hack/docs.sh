#!/usr/bin/env bash
# Documentation checks: antsibull-docs (catches broken M()/O() references validate-modules misses)
# and ansible-doc rendering of every module in the meta/runtime.yml action group.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
trap cleanup_tree EXIT
make_tree
cd "${TREE}" || exit 1
export ANSIBLE_COLLECTIONS_PATH="${TREE_ROOT}"
rc=0
log "antsibull-docs lint-collection-docs --plugin-docs ."
antsibull-docs lint-collection-docs --plugin-docs . || rc=1

mapfile -t modules < <(python -c '
import yaml
groups = yaml.safe_load(open("meta/runtime.yml")).get("action_groups") or {}
for name in sorted({m for members in groups.values() for m in members if isinstance(m, str)}):
    print(name)')
(( ${#modules[@]} )) || { log "no modules in meta/runtime.yml action groups"; rc=1; }
for m in "${modules[@]}"; do
    out="$(ansible-doc -t module "${FQCN}.${m}" 2>&1)" || { printf '%s\n' "${out}"; log "ansible-doc ${FQCN}.${m}: FAILED"; rc=1; continue; }
    if [[ -z "${out//[[:space:]]/}" ]]; then
        log "ansible-doc ${FQCN}.${m}: empty output"; rc=1; continue
    fi
    log "ansible-doc ${FQCN}.${m}: ok ($(wc -l <<<"${out}") lines)"
done
exit "${rc}"
