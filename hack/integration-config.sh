#!/usr/bin/env bash
# Write tests/integration/integration_config.yml (gitignored) from the lab env file. ansible-test
# integration does not pass arbitrary environment variables to the playbooks, but it loads this file
# as extra vars, so the targets read the lab connection from here.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
load_lab_env
OUT="${1:-${ROOT}/tests/integration/integration_config.yml}"
for v in VMWARE_HOST VMWARE_PORT VMWARE_USER VMWARE_PASSWORD; do
    [[ -n "${!v:-}" ]] || die "${v} is not set by ${LAB_ENV_FILE}"
done
mkdir -p "$(dirname "${OUT}")"
python - "${OUT}" <<'PY'
import os, sys, yaml
env = os.environ
data = {
    'vcenter_hostname': env['VMWARE_HOST'],
    'vcenter_port': int(env['VMWARE_PORT']),
    'vcenter_username': env['VMWARE_USER'],
    'vcenter_password': env['VMWARE_PASSWORD'],
    'vcenter_ca_path': env.get('VMWARE_CA_PATH', ''),
    'lab_url': env.get('LAB_URL', ''),
    # the lab's appliance (deployment API) listener: another endpoint, other credentials
    'appliance_hostname': env.get('APPLIANCE_HOST', ''),
    'appliance_port': int(env.get('APPLIANCE_PORT') or 0),
    'appliance_username': env.get('APPLIANCE_USER', ''),
    'appliance_password': env.get('APPLIANCE_PASSWORD', ''),
    'appliance_ca_path': env.get('APPLIANCE_CA_PATH', ''),
    'appliance_thumbprint': env.get('APPLIANCE_THUMBPRINT', ''),
}
with open(sys.argv[1], 'w') as f:
    f.write('# Written by hack/integration-config.sh from the lab env file; do not edit or commit.\n')
    yaml.safe_dump(data, f, default_flow_style=False, sort_keys=False)
PY
log "wrote ${OUT#"${ROOT}"/}"
