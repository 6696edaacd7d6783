"""Benchmark: what each module task costs against the lab, as the inventory grows.

For every inventory size: each module's changing task and the floors, N runs each, at SOAP
delay 0 and 10 ms per call; then (at some sizes) with a 2 s task delay, to see how long after
the vSphere task ends the module process has returned. Budgets print as PASS/FAIL lines.
Writes tests/bench/results/bench.{md,json,png} (bench-quick.* in quick mode). Not a test: exits 1 only when a budget fails
or a task did not do its job.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cases
import report
import runner
from labctl import BenchLab

RESULTS = Path(__file__).resolve().parent / "results"
TASK_DELAY_MS = 2000


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="sizes 4 and 10000 (the flatness budget needs both ends), SOAP delay 10 ms only, "
                         "floors ping and power-off, task delay at 4 VMs")
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], help="inventory sizes, e.g. 4,1000")
    ap.add_argument("--runs", type=int, default=5, help="runs per task and condition (at least 5 for a spread)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "18449")))
    ap.add_argument("--state-dir", default=os.environ.get("BENCH_STATE_DIR",
                                                          os.path.join(tempfile.gettempdir(), "opensphere-bench-lab")))
    ap.add_argument("--attach", action="store_true",
                    help="measure the lab already running in --state-dir at its size (no restart, left running)")
    ap.add_argument("--only", help="comma-separated module names to run (floors always run)")
    return ap.parse_args()


def summarize(runs):
    walls = [r["wall"] for r in runs]
    return {
        "runs": len(runs),
        "wall_median": statistics.median(walls), "wall_min": min(walls), "wall_max": max(walls),
        "wall_stdev": statistics.stdev(walls) if len(walls) > 1 else 0.0,
        "calls": max(r["calls"] for r in runs),
        "calls_min": min(r["calls"] for r in runs),
        "by_method": max(runs, key=lambda r: r["calls"])["by_method"],
        "rss_mb": max(r["rss_mb"] for r in runs),
        "errors": sorted({r["error"] for r in runs if r["error"]}),
    }


def run_case(case, lab, python, env, n, label):
    runs = [runner.measure(case, lab, python, env) for _run in range(n)]
    row = summarize(runs)
    row.update(case=case.label, module=case.module, kind=case.kind)
    status = "ERROR " + "; ".join(row["errors"]) if row["errors"] else ""
    print("  %-44s %s  wall %.3fs (%.3f-%.3f)  calls %d  rss %.0f MiB %s"
          % (case.label, label, row["wall_median"], row["wall_min"], row["wall_max"], row["calls"], row["rss_mb"], status),
          flush=True)
    return row, runs


def task_gap(case, lab, python, env, n):
    """Module return minus the task's completeTime, with the task kept running 2 s."""
    lab.set_delay(tasks={case.task: TASK_DELAY_MS})
    gaps, walls = [], []
    errors = set()
    try:
        for _run in range(n):
            run = runner.measure(case, lab, python, env)
            records = [r for r in lab.task_records() if case.task.lower() in (r[0] or "").lower() and r[2]]
            if run["error"] or not records:
                errors.add(run["error"] or "no completed %s task found" % case.task)
                continue
            completed = max(r[2] for r in records).timestamp()
            gaps.append(run["end"] - completed)
            walls.append(run["wall"])
    finally:
        lab.set_delay(tasks={})
    row = {"case": case.label, "kind": case.kind, "task": case.task, "runs": len(gaps), "errors": sorted(errors)}
    if gaps:
        row.update(gap_median=statistics.median(gaps), gap_max=max(gaps), wall_median=statistics.median(walls))
        print("  %-44s task %s +2 s: returned %.3fs after the task ended (max %.3fs)"
              % (case.label, case.task, row["gap_median"], row["gap_max"]), flush=True)
    else:
        print("  %-44s task delay: ERROR %s" % (case.label, "; ".join(errors)), flush=True)
    return row


def main():
    args = parse_args()
    lab = BenchLab(args.state_dir, args.port)
    if args.attach:
        sizes = [lab.attach()]
    else:
        sizes = args.sizes or ([4, 10000] if args.quick else [4, 1000, 10000])
    gap_sizes = {sizes[0]} if args.quick else {sizes[0], sizes[-1]}
    report.ensure_matplotlib()
    RESULTS.mkdir(exist_ok=True)
    python = sys.executable
    env = dict(os.environ, PYTHONPATH=runner.collections_root(cases.COLLECTION), ANSIBLE_NOCOLOR="1")
    modules, floors = cases.all_cases()
    present = []
    for case in modules:
        if args.only and case.module not in args.only.split(","):
            continue
        if case.available():
            present.append(case)
        else:
            print("SKIP %s: plugins/modules/%s.py does not exist (yet)" % (case.label, case.module))
    floors = [f for f in floors if not isinstance(f, cases.Script) or f.of in present]
    delays = (10,) if args.quick else (0, 10)
    if args.quick:
        floors = [f for f in floors if not isinstance(f, cases.Script) or f.of.module == "vm_power"]
    data = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": args.quick, "runs": args.runs, "delays": delays,
            "sizes": sizes, "rows": [], "gaps": [], "login": []}
    began = time.monotonic()
    try:
        for size in sizes:
            if args.attach:
                print("== %d VMs (the running lab)" % size, flush=True)
            else:
                print("== %d VMs (lab up in %.1f s)" % (size, lab.start(size)), flush=True)
            for delay in delays:
                lab.set_delay(soap_ms=delay)
                for case in present + floors:
                    row, _runs = run_case(case, lab, python, env, args.runs, "%2d ms" % delay)
                    row.update(vms=size, delay_ms=delay)
                    data["rows"].append(row)
                login = report.login_cost(lab, python, env, args.runs)
                login.update(vms=size, delay_ms=delay)
                data["login"].append(login)
                print("  %-44s %2d ms  %.3fs (connect + logout, in process)" % ("login", delay, login["median"]))
            lab.set_delay(soap_ms=0)
            if size in gap_sizes:
                for case in present + floors:
                    if case.task:
                        row = task_gap(case, lab, python, env, args.runs)
                        row.update(vms=size)
                        data["gaps"].append(row)
    finally:
        if args.attach:
            lab.close_helper()
        else:
            lab.stop()
    data["elapsed_s"] = time.monotonic() - began
    verdicts = report.budgets(data, present)
    data["budgets"] = verdicts
    stem = "bench-quick" if args.quick else "bench"  # a quick run does not overwrite the full results
    (RESULTS / (stem + ".json")).write_text(json.dumps(data, indent=1, default=str))
    (RESULTS / (stem + ".md")).write_text(report.markdown(data))
    report.chart(data, RESULTS / (stem + ".png"))
    print()
    for line in verdicts:
        print(line)
    print("\nwrote %s/%s.{md,json,png} in %.0f s" % (RESULTS, stem, data["elapsed_s"]))
    failed = any(line.startswith("FAIL") for line in verdicts) or any(r["errors"] for r in data["rows"] + data["gaps"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
