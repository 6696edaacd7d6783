#!/usr/bin/env python
"""vm_template_deploy: API calls per deploy (customization + overrides, fresh login) and per no-op
re-run at several inventory sizes, and the time from the clone task's end to the module's return
with wait_for_customization.

    tests/bench/template_deploy.py [--sizes 4,10000] [--runs 3] [--port 18441]

Not part of bench.py's matrix (it needs a template and a lab guest that customizes itself);
prints one line per measurement and writes results/template_deploy.json.
"""

import argparse
import json
import os
import statistics
import sys
from datetime import datetime
from pathlib import Path

from pyVmomi import vim

sys.path.insert(0, str(Path(__file__).resolve().parent))
import runner  # noqa: E402  (the bench's own helpers)
from labctl import BenchLab  # noqa: E402

COLLECTION = Path(__file__).resolve().parents[2]
MODULE = "ansible_collections.opensphere.vsphere.plugins.modules.vm_template_deploy"


def deploy_args(name):
    return {"name": name, "template": "tmpl-linux", "template_folder": "/DC0/vm", "folder": "/DC0/vm", "host": "DC0_H0",
            "num_cpus": 2, "memory_mb": 64, "disks": [{"size_gb": 12}], "nics": [{"network": "DC0_DVPG0"}],
            "customization": {"linux": {"hostname": name}, "nics": [{"ip": "192.0.2.80", "netmask": "255.255.255.0"}]},
            "power_on": True, "wait_for_customization": True, "timeout": 120}


def make_template(lab):
    si = lab.si()
    src = lab.vm("DC0_H0_VM0")
    lab.run_task(src.CloneVM_Task(folder=src.parent, name="tmpl-linux",
                                  spec=vim.vm.CloneSpec(location=vim.vm.RelocateSpec(pool=src.resourcePool), template=True)))
    return si


def run(lab, python, env, args):
    argv = [python, "-m", MODULE]
    stdin = json.dumps({"ANSIBLE_MODULE_ARGS": dict(lab.module_connection(), **args)})
    lab.reset_calls()
    out = runner.run_process(argv, stdin, env)
    calls = lab.calls()
    out["calls"], out["by_method"] = calls["total"], calls["by_method"]
    return out


def clone_end(lab):
    ends = [r[2] for r in lab.task_records() if r[2] and "clone" in (r[0] or "").lower()]
    return max(ends).timestamp()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[4, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--port", type=int, default=18441)
    ap.add_argument("--state-dir", default=os.environ.get("BENCH_STATE_DIR", "/tmp/lab-bench-template"))
    a = ap.parse_args()
    python = sys.executable
    env = dict(os.environ, PYTHONPATH=runner.collections_root(COLLECTION))
    lab = BenchLab(a.state_dir, a.port)
    rows = []
    try:
        for size in a.sizes:
            started = lab.start(size)
            make_template(lab)
            deploys, noops, gaps, waits = [], [], [], []
            for i in range(a.runs):
                name = "bench%02d" % i
                out = run(lab, python, env, deploy_args(name))
                result = out["result"]
                if result.get("failed") or result.get("customization", {}).get("status") != "SUCCEEDED":
                    raise SystemExit("deploy failed: %s" % result.get("msg", result))
                deploys.append(out["calls"])
                gaps.append(out["end"] - clone_end(lab))
                ended = datetime.fromisoformat(result["customization"]["end_time"]).timestamp()
                waits.append(out["end"] - ended)
                again = run(lab, python, env, deploy_args(name))
                if again["result"].get("changed") or again["result"].get("failed"):
                    raise SystemExit("re-run was not a no-op: %s" % again["result"])
                noops.append(again["calls"])
                by_method = out["by_method"]
            row = {"vms": size, "start_s": round(started, 1), "deploy_calls": deploys, "noop_calls": noops,
                   "clone_end_to_return_s": round(statistics.median(gaps), 3),
                   "customization_end_to_return_s": round(statistics.median(waits), 3),
                   "deploy_by_method": by_method, "noop_by_method": again["by_method"]}
            rows.append(row)
            print("%6d VMs: deploy %s calls, no-op %s calls; clone end -> return %.3f s (lab guest customizes in ~0.4 s), "
                  "customization end -> return %.3f s" % (size, deploys, noops, row["clone_end_to_return_s"],
                                                          row["customization_end_to_return_s"]), flush=True)
    finally:
        lab.stop()
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "template_deploy.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
