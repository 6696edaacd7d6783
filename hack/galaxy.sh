#!/usr/bin/env bash
# Build the collection as a user would (from the work tree, relying on galaxy.yml build_ignore),
# check the tarball ships nothing it must not, install it into a temp collections path and run
# vm_power ad hoc with only the VMWARE_* environment (the AWX-style credential path).
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

log "ansible-galaxy collection install (temp collections path)"
ANSIBLE_COLLECTIONS_PATH="${WORK}/collections" \
    ansible-galaxy collection install --offline -p "${WORK}/collections" "${tarball}"

with_lab
load_lab_env
log "ad hoc ${FQCN}.vm_power with the VMWARE_* environment from the lab"
(cd "${WORK}" && ANSIBLE_COLLECTIONS_PATH="${WORK}/collections" ANSIBLE_LOCALHOST_WARNING=false \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    ansible localhost -m "${FQCN}.vm_power" -a 'name=DC0_H0_VM0 state=powered-on')
