#!/usr/bin/env bash
# ansible-test integration against the lab, Python 3.12 (the venv's).
#   hack/integration.sh                 every target, split over $INTEGRATION_JOBS shards (default: one per
#                                       core, at most 2), each shard with a lab and a tree copy of its own
#   hack/integration.sh TARGET...       those targets (any ansible-test arguments), against the lab in
#                                       $LAB_STATE_DIR: started if it is not running, stopped again after
# Targets never share a lab: each one resets the lab it runs against (setup_lab), so shards are as
# independent as separate machines. tests/integration/durations.txt (seconds per target, measured)
# balances the shards; a target missing from it counts as the average.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
"${ROOT}/hack/get-pip.sh"
PYVER="${INTEGRATION_PYTHON:-$("${VENV}/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}"

TARGETS_DIR="${ROOT}/tests/integration/targets"
shopt -s nullglob
targets=("${TARGETS_DIR}"/*/)
shopt -u nullglob
(( ${#targets[@]} )) || die "no integration targets under tests/integration/targets"
# Every target must run: a disabled/unsupported alias would silently drop it from this run.
bad="$(grep -lE '^[[:space:]]*(disabled|unsupported)[[:space:]]*$' "${TARGETS_DIR}"/*/aliases 2>/dev/null || true)"
[[ -z "${bad}" ]] || die "integration targets marked disabled/unsupported (they would not run): ${bad//"${ROOT}"\//}"

# run_targets ARGS...: one ansible-test run against the lab of $LAB_STATE_DIR, in the tree of
# $OPENSPHERE_TREE_ROOT (or the checkout's default tree).
run_targets() {
    trap 'cleanup_tree; stop_lab_if_started' EXIT
    with_lab
    make_tree
    # Written into the tree, not the checkout: shards running side by side each have their own.
    "${ROOT}/hack/integration-config.sh" "${TREE}/tests/integration/integration_config.yml"
    cd "${TREE}" || exit 1
    # --continue-on-error: one run reports every failing target, not just the first.
    ansible-test integration --local --python "${PYVER}" --color no --continue-on-error "$@"
}

if (( $# )); then
    run_targets "$@"
    exit $?
fi

jobs="${INTEGRATION_JOBS:-$(( $(nproc) < 2 ? 1 : 2 ))}"
if (( jobs <= 1 )); then
    run_targets
    exit $?
fi

# Split the runnable targets (setup_* are dependencies, not targets) into $jobs shards, longest first,
# each to the shard with the least work so far.
mapfile -t shards < <(python - "${jobs}" "${ROOT}/tests/integration/durations.txt" "${targets[@]}" <<'PY'
import os, sys
jobs, durations_file, dirs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
names = sorted(os.path.basename(d.rstrip("/")) for d in dirs)
names = [n for n in names if not n.startswith("setup_")]
known = {}
if os.path.exists(durations_file):
    for line in open(durations_file):
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            known[parts[0]] = float(parts[1])
default = sum(known.values()) / len(known) if known else 1.0
load = [0.0] * jobs
shards = [[] for _ in range(jobs)]
for name in sorted(names, key=lambda n: -known.get(n, default)):
    i = load.index(min(load))
    shards[i].append(name)
    load[i] += known.get(name, default)
for shard, seconds in zip(shards, load):
    print("%d %s" % (seconds, " ".join(sorted(shard))))
PY
)
# ansible-test makes its SSH key pair (~/.ansible/test/id_rsa) on first use; two shards starting at once
# on a fresh machine race for it and one fails ("id_rsa already exists. Overwrite (y/n)?"). Make it here
# first, as ansible-test does (PEM, no passphrase, the RSA header paramiko reads).
ssh_key="${HOME}/.ansible/test/id_rsa"
if [[ ! -f "${ssh_key}" || ! -f "${ssh_key}.pub" ]]; then
    mkdir -p "$(dirname "${ssh_key}")"
    rm -f "${ssh_key}" "${ssh_key}.pub"
    ssh-keygen -m PEM -q -t rsa -N '' -f "${ssh_key}"
    sed -i -E 's/(BEGIN|END) PRIVATE KEY/\1 RSA PRIVATE KEY/' "${ssh_key}"
fi
base_state="${LAB_STATE_DIR:-${ROOT}/tests/lab/.run}"
base_port="${INTEGRATION_BASE_PORT:-18543}"
logs="${ROOT}/tests/output/integration-shards"
mkdir -p "${logs}"
pids=()
for i in "${!shards[@]}"; do
    read -r estimate shard_targets <<<"${shards[$i]}"
    [[ -n "${shard_targets}" ]] || continue
    log "shard $((i + 1))/${jobs} (~${estimate} s): ${shard_targets}"
    # A lab, an env file and a tree of the shard's own; everything else as for a single run.
    (
        export LAB_STATE_DIR="${base_state}/shard$((i + 1))"
        export LAB_ENV_FILE="${LAB_STATE_DIR}/env"
        # The appliance listener on a loopback alias of its own, as a deployed appliance VM has an address of
        # its own (role_vcsa_deploy's stage 2 connects to the address its stage 1 reports).
        export LAB_START_ARGS="--port $((base_port + 10 * i)) --appliance-address 127.0.0.2"
        # The lab binary built for the main lab serves the shards too (cp -p keeps it newer than
        # the sources, so the lab script does not build it again).
        mkdir -p "${LAB_STATE_DIR}"
        if [[ -x "${base_state}/lab-server" && ! -e "${LAB_STATE_DIR}/lab-server" ]]; then
            cp -p "${base_state}/lab-server" "${LAB_STATE_DIR}/lab-server"
        fi
        tree_key="$(printf '%s' "${ROOT}" | sha256sum | cut -c1-12)"
        export OPENSPHERE_TREE_ROOT="${OPENSPHERE_CACHE}/trees/${tree_key}-shard$((i + 1))"
        # shellcheck disable=SC2086 # the target names are a word list
        run_targets ${shard_targets}
    ) >"${logs}/shard$((i + 1)).log" 2>&1 &
    pids+=("$!:$((i + 1))")
done
rc=0
for entry in "${pids[@]}"; do
    if wait "${entry%%:*}"; then
        log "shard ${entry#*:}: passed"
    else
        rc=1
        log "shard ${entry#*:}: FAILED"
    fi
done
# The shards' output one after the other, as a single run would have printed it.
for entry in "${pids[@]}"; do
    printf '\n======== integration shard %s ========\n' "${entry#*:}"
    cat "${logs}/shard${entry#*:}.log"
done
exit "${rc}"
