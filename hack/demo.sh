#!/usr/bin/env bash
# Run playbooks/demo.yml against the lab (started if needed and left running).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
[[ -f "${ROOT}/playbooks/demo.yml" ]] || die "playbooks/demo.yml does not exist yet"
"${ROOT}/hack/lab.sh" start
load_lab_env
make_tree
log "ansible-playbook playbooks/demo.yml"
rc=0
(cd "${TREE}" && ANSIBLE_COLLECTIONS_PATH="${TREE_ROOT}" ANSIBLE_LOCALHOST_WARNING=false \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=false ansible-playbook playbooks/demo.yml "$@") || rc=$?
echo
echo "The lab is still running (${LAB_URL:-${VMWARE_HOST}:${VMWARE_PORT}}). Stop it with: make lab-stop"
exit "${rc}"
