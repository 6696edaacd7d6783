"""Benchmark: every name the modules resolve, timed in-process against labs of different sizes.

    tests/bench/lookups.py STATE_DIR [STATE_DIR...] [--delay-ms 10] [--runs 7]

Each STATE_DIR is a running lab's (tests/lab/lab start --vms N, LAB_STATE_DIR=STATE_DIR). For each
lookup: median wall time of --runs runs in one logged-in session (login not included), the calls
it cost (the lab's counter) and, side by side, the ratio of the largest lab to the smallest.
Lookups: a VM by name (vCenter's VM list), by name + folder (inventory path), by name through the
walk (what templates and a vCenter without the Automation API cost), by uuid; placement names
(datacenter, cluster, datastore, folder: _placement.resolve); the networks and datastores of a
VM's datacenter (vm_hardware's read). Not a test: it prints a table and writes
tests/bench/results/lookups.{md,json}.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import cases
import runner
from labctl import BenchLab

sys.path.insert(0, runner.collections_root(cases.COLLECTION))

# pylint: disable=wrong-import-position
from ansible_collections.opensphere.vsphere.plugins.module_utils import _finder, _placement  # noqa: E402
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import SoapSession  # noqa: E402
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware import read as hw_read  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
VM = cases.VM


def lookups(session, uuid):
    return [
        ("VM by name (VM list)", lambda: _finder.find_vm(session, name=VM)),
        ("VM by name + folder (inventory path)", lambda: _finder.find_vm(session, name=VM, folder="/DC0/vm")),
        ("VM by name, walk (templates; no Automation API)", lambda: _finder.find_vm(session, name=VM, templates=True)),
        ("VM by uuid", lambda: _finder.find_vm(session, uuid=uuid)),
        ("placement: datacenter, cluster, datastore", lambda: _placement.resolve(
            session, datacenter="DC0", cluster="DC0_C0", datastore="LocalDS_0")),
        ("placement: + folder", lambda: _placement.resolve(
            session, datacenter="DC0", cluster="DC0_C0", datastore="LocalDS_0", folder="/DC0/vm")),
        ("VM read + datacenter networks, datastores", lambda: hw_read.read(
            session, _finder.find_vm(session, name=VM, folder="/DC0/vm"), inventory=True)),
    ]


def measure(state_dir, delay_ms, runs):
    lab = BenchLab(state_dir, None)
    vms = lab.attach()
    lab.set_delay(soap_ms=delay_ms)
    env = lab.env
    session = SoapSession({"hostname": env["VMWARE_HOST"], "port": int(env["VMWARE_PORT"]), "username": env["VMWARE_USER"],
                           "password": env["VMWARE_PASSWORD"], "validate_certs": True, "ca_path": env["VMWARE_CA_PATH"],
                           "connect_timeout": 60})
    session.connect()
    rows = []
    try:
        uuid = lab.vm(VM).config.uuid
        for label, fn in lookups(session, uuid):
            fn()  # warm: imports, type tables, a kept-alive connection
            walls, calls = [], None
            for _run in range(runs):
                lab.reset_calls()
                began = time.perf_counter()
                found = fn()
                walls.append(time.perf_counter() - began)
                calls = lab.calls()
            if found is None:
                raise RuntimeError("%s found nothing at %d VMs" % (label, vms))
            by_method = dict(calls["by_method"])
            rows.append({"lookup": label, "vms": vms, "wall_median": statistics.median(walls), "wall_min": min(walls),
                         "calls": sum(by_method.values()), "by_method": by_method})
            print("  %-48s %6d VMs  %.3f s (min %.3f)  calls %d"
                  % (label, vms, rows[-1]["wall_median"], min(walls), rows[-1]["calls"]), flush=True)
    finally:
        session.close()
        lab.set_delay(soap_ms=0)
        lab.close_helper()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("state_dirs", nargs="+")
    ap.add_argument("--delay-ms", type=int, default=10)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    rows = []
    for state_dir in args.state_dirs:
        rows += measure(state_dir, args.delay_ms, args.runs)
    sizes = sorted({row["vms"] for row in rows})
    lines = ["| lookup | " + " | ".join("%d VMs" % size for size in sizes) + " | ratio | calls |", "|---|" + "---|" * (len(sizes) + 2)]
    for label in dict.fromkeys(row["lookup"] for row in rows):
        by_size = {row["vms"]: row for row in rows if row["lookup"] == label}
        small, large = by_size[sizes[0]], by_size[sizes[-1]]
        same_calls = small["by_method"] == large["by_method"]
        lines.append("| %s | %s | %.2fx | %d%s |" % (
            label, " | ".join("%.3f s" % by_size[size]["wall_median"] for size in sizes),
            large["wall_median"] / small["wall_median"], large["calls"], "" if same_calls else " (differs)"))
    text = "\n".join(lines)
    print("\n" + text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lookups.md").write_text("At %d ms per call, median of %d runs, in-process (login excluded).\n\n%s\n"
                                        % (args.delay_ms, args.runs, text))
    (RESULTS / "lookups.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
