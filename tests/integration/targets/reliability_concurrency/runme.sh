#!/usr/bin/env bash
# Eight forks of one playbook at once (forks 8), against one object and against eight: vm_power,
# vm_snapshot and vcenter_service. Round 1 changes the lab (exactly one fork reports the change made
# on a shared object, the others a note, none fails); round 2 is the clean re-run (nothing changes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
config=../../integration_config.yml
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"
ansible-playbook -i localhost, -c local -e "@${config}" -e "ansible_python_interpreter=${python}" prepare.yml "$@"
for round in 1 2; do
    ansible-playbook -i forks.ini -f 8 -e "@${config}" -e "ansible_python_interpreter=${python}" -e "round=${round}" forks.yml "$@"
done
