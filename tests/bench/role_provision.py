#!/usr/bin/env python
"""vm_provision (the role): wall time of provisioning N VMs from a template with the role's parallel steps
(vm_provision_concurrency) next to the same N VMs one at a time (concurrency 1), at a SOAP delay of 10 ms per
call, and the API calls per VM (the lab's counter).

    tests/bench/role_provision.py [--sizes 1,10,50] [--concurrency 10] [--sequential 1,10] [--port 18451]
                                  [--task-delay CloneVm=5000,PowerOn=1000,CreateSnapshotEx=1000]

--task-delay keeps the lab's tasks running that many ms (a real vCenter's clones take minutes; the lab's
finish at once, so without it the controller's own cost per module run dominates).

Each VM: clone of tmpl-linux (2 CPUs, 64 MB in the clone), power-on (no IP wait: the lab's guests report
none without customization), baseline snapshot. Each measurement starts from a reset lab. Not part of
bench.py's matrix (it runs ansible-playbook); prints one line per measurement and writes
results/role_provision.json.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyVmomi import vim

sys.path.insert(0, str(Path(__file__).resolve().parent))
import runner  # noqa: E402  (the bench's own helpers)
from labctl import BenchLab  # noqa: E402

COLLECTION = Path(__file__).resolve().parents[2]
PLAY = """- hosts: localhost
  gather_facts: false
  module_defaults:
    group/opensphere.vsphere.vmware:
      hostname: "{{ lookup('env', 'VMWARE_HOST') }}"
      port: "{{ lookup('env', 'VMWARE_PORT') }}"
      username: "{{ lookup('env', 'VMWARE_USER') }}"
      password: "{{ lookup('env', 'VMWARE_PASSWORD') }}"
      ca_path: "{{ lookup('env', 'VMWARE_CA_PATH') }}"
  roles:
    - role: opensphere.vsphere.vm_provision
      vars:
        vm_provision_vms: "{{ bench_vms }}"
        vm_provision_concurrency: "{{ bench_concurrency }}"
        vm_provision_defaults: {template: tmpl-linux, template_folder: /DC0/vm, folder: /DC0/vm, host: DC0_H0,
                                num_cpus: 2, memory_mb: 64, wait_for_ip: false, baseline_snapshot: baseline}
        vm_provision_timeout: 600
        vm_provision_poll_interval: 0.2
"""


def prepare(lab, delay_ms, tasks):
    lab.ctl("POST", "reset")
    lab.close_helper()
    src = lab.vm("DC0_H0_VM0")
    lab.run_task(src.CloneVM_Task(folder=src.parent, name="tmpl-linux",
                                  spec=vim.vm.CloneSpec(location=vim.vm.RelocateSpec(pool=src.resourcePool), template=True)))
    lab.close_helper()
    lab.set_delay(soap_ms=delay_ms, tasks=tasks or None)
    lab.reset_calls()


def provision(lab, work, count, concurrency):
    """One ansible-playbook run of the role; returns (wall seconds, API calls)."""
    play = os.path.join(work, "play.yml")
    Path(play).write_text(PLAY)
    extra = {"bench_vms": [{"name": "bench-%03d" % i} for i in range(count)], "bench_concurrency": concurrency}
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=runner.collections_root(COLLECTION), ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", **{k: str(v) for k, v in lab.env.items()})
    began = time.monotonic()
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), play, "-e", json.dumps(extra)],
                          env=env, capture_output=True, text=True, cwd=work, check=False)
    wall = time.monotonic() - began
    if done.returncode != 0:
        raise SystemExit("the role failed (%d VMs, concurrency %d):\n%s" % (count, concurrency, done.stdout[-4000:]))
    return wall, lab.calls()["total"]


def ints(text):
    return [int(x) for x in text.split(",") if x]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=ints, default=[1, 10, 50])
    ap.add_argument("--sequential", type=ints, default=[1, 10, 50], help="sizes to also run one at a time")
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument("--delay-ms", type=int, default=10)
    ap.add_argument("--task-delay", default="", help="NAME=MS,... task durations (lab task names)")
    ap.add_argument("--port", type=int, default=18451)
    ap.add_argument("--state-dir", default=os.environ.get("BENCH_STATE_DIR", "/tmp/lab-bench-roles"))
    a = ap.parse_args()
    tasks = {k: int(v) for k, v in (item.split("=", 1) for item in a.task_delay.split(",") if item)}
    lab = BenchLab(a.state_dir, a.port)
    rows = []
    work = tempfile.mkdtemp(prefix="bench-role-")
    try:
        lab.start(4)
        for count in a.sizes:
            row = {"vms": count, "concurrency": a.concurrency, "delay_ms": a.delay_ms, "task_delay_ms": tasks}
            prepare(lab, a.delay_ms, tasks)
            row["parallel_s"], calls = provision(lab, work, count, a.concurrency)
            row["calls_per_vm"] = round(calls / count, 1)
            if count in a.sequential:
                prepare(lab, a.delay_ms, tasks)
                row["sequential_s"], _calls = provision(lab, work, count, 1)
                row["speed_up"] = round(row["sequential_s"] / row["parallel_s"], 2)
            rows.append(row)
            print("%3d VMs: concurrency %d %.1f s, one at a time %s s, speed-up %s; %.1f API calls per VM"
                  % (count, a.concurrency, row["parallel_s"], "%.1f" % row["sequential_s"] if "sequential_s" in row else "-",
                     row.get("speed_up", "-"), row["calls_per_vm"]), flush=True)
    finally:
        lab.stop()
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / ("role_provision%s.json" % ("-tasks" if tasks else ""))).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
