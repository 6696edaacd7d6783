#!/usr/bin/env bash
# make oldest: the collection on the oldest ansible-core that meta/runtime.yml claims (requires_ansible),
# in a venv of its own (tests/requirements-oldest.txt): sanity on Python 3.12, the unit tests, and the
# module_examples integration target (every module's EXAMPLES against the lab). The newest ansible-core
# (the main venv) runs everything, on every Python; this proves the claimed lower bound.
# shellcheck source-path=SCRIPTDIR source=lib.sh
export OPENSPHERE_VENV="${OPENSPHERE_VENV_OLDEST:-${HOME}/.cache/opensphere/venv-oldest}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export OPENSPHERE_REQUIREMENTS="${ROOT}/tests/requirements-oldest.txt"
ensure_venv
"${ROOT}/hack/get-pip.sh"

# The venv must hold exactly the ansible-core that requires_ansible names as its lower bound.
python - "${ROOT}/meta/runtime.yml" <<'PY'
import re, sys, yaml
import ansible.release
claimed = yaml.safe_load(open(sys.argv[1]))["requires_ansible"]
match = re.match(r"\s*>=\s*(\d+)\.(\d+)", claimed)
if not match:
    sys.exit("requires_ansible %r has no '>=X.Y' lower bound" % claimed)
have = tuple(int(part) for part in ansible.release.__version__.split(".")[:2])
if have != (int(match.group(1)), int(match.group(2))):
    sys.exit("requires_ansible says %s but tests/requirements-oldest.txt installs ansible-core %s"
             % (claimed, ansible.release.__version__))
print("oldest claimed ansible-core: %s (requires_ansible %s)" % (ansible.release.__version__, claimed))
PY

rc=0
log "sanity on ansible-core $(python -c 'import ansible.release as r; print(r.__version__)'), Python 3.12"
"${ROOT}/hack/sanity.sh" --python 3.12 || rc=1
log "units"
UNITS_PYTHON=3.12 "${ROOT}/hack/units.sh" || rc=1
log "integration: module_examples"
INTEGRATION_PYTHON=3.12 "${ROOT}/hack/integration.sh" module_examples || rc=1
exit "${rc}"
