#!/usr/bin/env bash
# Run playbooks/demo.yml against the lab (started if needed and left running).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
[[ -f "${ROOT}/playbooks/demo.yml" ]] || die "playbooks/demo.yml does not exist yet"
"${ROOT}/hack/lab.sh" start
load_lab_env
make_tree
# The lab has no template of its own: give it one for the provisioning part (vmctl.py, plain pyVmomi).
vmctl=(python "${ROOT}/tests/integration/targets/setup_lab/files/vmctl.py" --host "${VMWARE_HOST}" --port "${VMWARE_PORT}"
       --user "${VMWARE_USER}" --password "${VMWARE_PASSWORD}" --ca "${VMWARE_CA_PATH}")
if ! "${vmctl[@]}" get demo-template >/dev/null 2>&1; then
    log "giving the lab a template, demo-template (a clone of DC0_H0_VM1)"
    "${vmctl[@]}" clone-template DC0_H0_VM1 demo-template >/dev/null
fi
log "ansible-playbook playbooks/demo.yml"
rc=0
(cd "${TREE}" && ANSIBLE_COLLECTIONS_PATH="${TREE_ROOT}" ANSIBLE_LOCALHOST_WARNING=false \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=false ansible-playbook playbooks/demo.yml "$@") || rc=$?
echo
echo "The lab is still running (${LAB_URL:-${VMWARE_HOST}:${VMWARE_PORT}}). Stop it with: make lab-stop"
exit "${rc}"
