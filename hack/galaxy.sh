#!/usr/bin/env bash
# Build the collection as a user would (from the work tree, relying on galaxy.yml build_ignore),
# check the tarball ships nothing it must not, install it into a temp collections path and run
# vm_power ad hoc with only the VMWARE_* environment (the AWX-style credential path), check that
# ansible-builder reads the dependencies an execution environment needs, and run a job through
# ansible-runner (what AWX runs) with credentials injected as environment variables.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
WORK="$(mktemp -d "${TMPDIR:-/tmp}/opensphere-galaxy.XXXXXX")"
trap 'rm -rf "${WORK}"; stop_lab_if_started' EXIT

log "ansible-galaxy collection build"
(cd "${ROOT}" && ansible-galaxy collection build --output-path "${WORK}/dist" .)
tarball="$(echo "${WORK}"/dist/*.tar.gz)"
[[ -f "${tarball}" ]] || die "no tarball built"

log "checking the contents of $(basename "${tarball}")"
python - "${tarball}" <<'PY'
import re, sys, tarfile
bad_path = re.compile(r'''(^|/)(\.git|\.ci|hack|__pycache__|\.pytest_cache|\.ansible|\.cache)(/|$)
    |^tests/lab/(\.run|bin)(/|$)
    |^tests/output(/|$)
    |^tests/bench/results(/|$)
    |^tests/integration/(inventory|integration_config\.yml)$
    |^Makefile$|\.tar\.gz$|\.pyc$''', re.X)
problems = []
with tarfile.open(sys.argv[1]) as tar:
    members = tar.getmembers()
    for m in members:
        name = m.name[2:] if m.name.startswith('./') else m.name
        if bad_path.search(name):
            problems.append('must not ship: ' + name)
        elif m.isfile():
            head = tar.extractfile(m).read(4)
            if head == b'\x7fELF':
                problems.append('binary (ELF) file: ' + name)
    names = {m.name for m in members}
    for required in ('MANIFEST.json', 'FILES.json', 'meta/runtime.yml'):
        if required not in names:
            problems.append('missing: ' + required)
print('%d entries, %d bytes compressed' % (len(members), __import__('os').path.getsize(sys.argv[1])))
if problems:
    print('\n'.join(problems))
    sys.exit(1)
PY

log "REUSE: every file states its licence and copyright (reuse lint)"
(cd "${ROOT}" && reuse lint --lines) || die "reuse lint found files without licence or copyright information"

# galaxy-importer: the checks Galaxy and Automation Hub run on upload (tests/publish/galaxy-importer.cfg
# says which are on; its ansible-test step is off: it needs a container engine). Any warning fails.
log "galaxy-importer on $(basename "${tarball}")"
(cd "${WORK}" && GALAXY_IMPORTER_CONFIG="${ROOT}/tests/publish/galaxy-importer.cfg" \
    python -m galaxy_importer.main --print-result "${tarball}") >"${WORK}/importer.log" 2>&1 \
    || { cat "${WORK}/importer.log"; die "galaxy-importer failed"; }
python "${ROOT}/tests/publish/importer_summary.py" "${WORK}/importer.log" \
    || die "galaxy-importer reported warnings or did not complete"

log "ansible-galaxy collection install (temp collections path)"
ANSIBLE_COLLECTIONS_PATH="${WORK}/collections" \
    ansible-galaxy collection install --offline -p "${WORK}/collections" "${tarball}"

with_lab
load_lab_env
log "ad hoc ${FQCN}.vm_power with the VMWARE_* environment from the lab"
(cd "${WORK}" && ANSIBLE_COLLECTIONS_PATH="${WORK}/collections" ANSIBLE_LOCALHOST_WARNING=false \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    ansible localhost -m "${FQCN}.vm_power" -a 'name=DC0_H0_VM0 state=powered-on')

log "ansible-builder introspect: the collection declares its Python and system dependencies"
introspected="$(ansible-builder introspect --sanitize "${WORK}/collections")"
printf '%s\n' "${introspected}"
for dependency in pyvmomi requests ca-certificates; do
    grep -qi "^- '${dependency}[ >=<]" <<<"${introspected}" \
        || die "ansible-builder introspect does not list ${dependency}"
done

log "ansible-builder create: the execution environment's build context names the collection and its needs"
ansible-builder create -f "${ROOT}/execution-environment.yml" --context "${WORK}/ee" >/dev/null
for need in pyvmomi:_build/requirements.txt requests:_build/requirements.txt \
            ca-certificates:_build/bindep.txt opensphere.vsphere:_build/requirements.yml; do
    grep -q "${need%%:*}" "${WORK}/ee/${need#*:}" \
        || die "the EE build context's ${need#*:} does not name ${need%%:*}"
done
grep -qs "assemble" "${WORK}/ee/Containerfile" "${WORK}/ee/Dockerfile" \
    || die "the EE build context does not install the Python and system requirements"
log "EE build context ok: the collection, pyvmomi, requests and ca-certificates are named"

log "ansible-runner (the engine behind AWX job templates) with credentials injected as environment"
runner="${WORK}/runner"
mkdir -p "${runner}/project" "${runner}/env" "${runner}/inventory"
printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "$(command -v python)" \
    >"${runner}/inventory/hosts"
cat >"${runner}/project/job.yml" <<'YAML'
- name: A job template run
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Power on a VM with nothing but the injected environment
      opensphere.vsphere.vm_power:
        name: DC0_H0_VM1
        state: powered-on
    - name: Read the vCenter services the same way
      opensphere.vsphere.vcenter_service_info:
        names: [vpxd]
YAML
RUNNER_COLLECTIONS="${WORK}/collections" python - "${runner}/env/envvars" <<'PY'
import json, os, sys
keys = ("VMWARE_HOST", "VMWARE_USER", "VMWARE_PASSWORD", "VMWARE_PORT", "VMWARE_CA_PATH")
env = {key: os.environ[key] for key in keys}
env["ANSIBLE_COLLECTIONS_PATH"] = os.environ["RUNNER_COLLECTIONS"]
with open(sys.argv[1], "w") as handle:
    json.dump(env, handle)
PY
ansible-runner run "${runner}" -p job.yml --rotate-artifacts 1 >"${WORK}/runner.log" 2>&1 \
    || { cat "${WORK}/runner.log"; die "ansible-runner job failed"; }
python - "${runner}/artifacts" <<'PY'
import glob, json, os, sys
events = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*", "job_events", "*.json"))):
    with open(path) as handle:
        events.append(json.load(handle))
ok = [e["event_data"] for e in events if e.get("event") == "runner_on_ok"]
results = {e["task"]: e["res"] for e in ok}
power = results.get("Power on a VM with nothing but the injected environment", {})
services = results.get("Read the vCenter services the same way", {})
assert power.get("vm", {}).get("power_state") == "powered-on", power
assert [s["name"] for s in services.get("services", [])] == ["vpxd"], services
secret = os.environ["VMWARE_PASSWORD"]
assert not any(secret in json.dumps(e) for e in events), "the password appears in a job event"
print("ansible-runner: %d events; vm_power and vcenter_service_info results as expected, no secret in events" % len(events))
PY

log "AWX job templates: every playbook through ansible-runner, with its survey and the credentials' environment"
python "${ROOT}/tests/awx/jobs.py" --collections "${WORK}/collections"
