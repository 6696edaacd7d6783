#!/usr/bin/env bash
# ansible-inventory with opensphere.vsphere.vcenter_vms inventory files against the lab: hosts, groups,
# composed vars, filters, hostnames, caching, tags, API call counts and clear failures (check.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# A source that fails must fail the command, not leave an empty inventory behind a warning.
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true
export ANSIBLE_INVENTORY_ENABLED=opensphere.vsphere.vcenter_vms
exec "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}" check.py ../../integration_config.yml "$@"
