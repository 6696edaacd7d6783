#!/usr/bin/env bash
# Documentation checks: antsibull-docs (catches broken M()/O() references validate-modules misses)
# and ansible-doc rendering of every module in the meta/runtime.yml action group and of every role.
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

# Every role under roles/ (a directory with meta/argument_specs.yml) renders with ansible-doc -t role.
shopt -s nullglob
for spec in roles/*/meta/argument_specs.yml; do
    r="$(basename "$(dirname "$(dirname "${spec}")")")"
    out="$(ansible-doc -t role "${FQCN}.${r}" 2>&1)" || { printf '%s\n' "${out}"; log "ansible-doc -t role ${FQCN}.${r}: FAILED"; rc=1; continue; }
    if ! grep -q "ENTRY POINT: .*main" <<<"${out}"; then
        printf '%s\n' "${out}"; log "ansible-doc -t role ${FQCN}.${r}: no main entry point"; rc=1; continue
    fi
    log "ansible-doc -t role ${FQCN}.${r}: ok ($(wc -l <<<"${out}") lines)"
done
shopt -u nullglob
exit "${rc}"
