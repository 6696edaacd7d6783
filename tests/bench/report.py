"""Budgets, the login probe, and the results as Markdown, JSON-ready data and a PNG chart."""

import importlib
import json
import statistics
import subprocess
import sys
from pathlib import Path

import runner

GAP_BUDGET_S = 0.3
LOOKUP_FLATNESS = 1.15  # name-only at the largest inventory vs the same task at the smallest (issue 17)


def ensure_matplotlib():
    """Install matplotlib into the running venv from PyPI when it is missing."""
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        print("bench: installing matplotlib into %s" % sys.prefix, flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib"], check=True)


def login_cost(lab, python, env, n):
    """Median seconds for connect + logout with the collection's SoapSession, and its calls."""
    probe = str(Path(__file__).resolve().parent / "login_probe.py")
    stdin = json.dumps(lab.module_connection())
    times, calls = [], None
    for _run in range(n):
        lab.reset_calls()
        run = runner.run_process([python, probe], stdin, env)
        if not run["result"].get("ok"):
            raise RuntimeError("login probe failed: %s" % run["result"].get("msg"))
        times.append(run["result"]["connect_s"] + run["result"]["close_s"])
        calls = lab.calls()
    return {"median": statistics.median(times), "calls": calls["total"], "by_method": calls["by_method"]}


def _row(data, module, vms, delay):
    for row in data["rows"]:
        if row["module"] == module and row["vms"] == vms and row["delay_ms"] == delay:
            return row
    return None


# Calls whose number depends on timing, not on the code: a task may end before the first long-poll
# or need one more. Budgets count every other call exactly and bound these.
LONG_POLLS = ("WaitForUpdatesEx",)


def fixed_calls(by_method):
    """``(calls other than long-polls, long-polls)`` of one run's calls by method."""
    waits = sum(count for method, count in by_method.items() if method in LONG_POLLS)
    return sum(by_method.values()) - waits, waits


def _case_row(data, label, vms, delay):
    for row in data["rows"]:
        if row["case"] == label and row["vms"] == vms and row["delay_ms"] == delay:
            return row
    return None


def flatness(data, present):
    """PASS/FAIL lines: wall time of each task at the largest inventory vs the smallest, at the largest
    SOAP delay (10 ms, closest to a real vCenter), name only and given the folder side by side."""
    lines = []
    small, large = min(data["sizes"]), max(data["sizes"])
    delay = max(data["delays"])
    if small == large:
        return lines
    for case in present:
        if case.module not in ("vm_power", "vm_snapshot"):
            continue
        a, b = _case_row(data, case.label, small, delay), _case_row(data, case.label, large, delay)
        if not (a and b) or a["errors"] or b["errors"]:
            continue
        ratio = b["wall_median"] / a["wall_median"]
        lines.append("%s %s: %.3f s at %d VMs vs %.3f s at %d VMs = %.2fx (target %.2fx, %d ms per call), peak RSS %.0f vs %.0f MiB"
                     % ("PASS" if ratio <= LOOKUP_FLATNESS else "FAIL", case.label, b["wall_median"], large,
                        a["wall_median"], small, ratio, LOOKUP_FLATNESS, delay, b["rss_mb"], a["rss_mb"]))
    return lines


def budgets(data, present):
    """PASS/FAIL lines: calls per task (exact, long-polls bounded), calls flat in inventory size, return latency."""
    lines = []
    small, large = min(data["sizes"]), max(data["sizes"])
    delay = min(data["delays"])  # the calls do not depend on the delay
    for case in present:
        exact, unit, max_waits = case.budget
        for size in sorted({small, large}):
            row = _case_row(data, case.label, size, delay)
            if row is None:
                continue
            fixed, waits = fixed_calls(row["by_method"])
            ok = fixed == exact and waits <= max_waits and not row["errors"]
            lines.append("%s %s: %d %s besides long-polls at %d VMs (exactly %d, fresh login included), %d long-polls "
                         "(at most %d)%s"
                         % ("PASS" if ok else "FAIL", case.label, fixed, unit, size, exact, waits, max_waits,
                            "; errors: " + "; ".join(row["errors"]) if row["errors"] else ""))
        a, b = _case_row(data, case.label, small, delay), _case_row(data, case.label, large, delay)
        if a and b and small != large:
            steady = [dict((k, v) for k, v in row["by_method"].items() if k not in LONG_POLLS) for row in (a, b)]
            same = steady[0] == steady[1]
            lines.append("%s %s: same calls (besides long-polls) at %d and %d VMs%s"
                         % ("PASS" if same else "FAIL", case.label, small, large,
                            "" if same else " (%s vs %s)" % tuple(steady)))
    lines += flatness(data, present)
    for gap in data["gaps"]:
        if gap["kind"] != "module":
            continue
        if "gap_median" not in gap:
            lines.append("FAIL %s: task-delay run failed at %d VMs: %s" % (gap["case"], gap["vms"], "; ".join(gap["errors"])))
            continue
        ok = gap["gap_max"] <= GAP_BUDGET_S
        lines.append("%s %s: returns %.3f s after its task ends (worst %.3f s, budget %.1f s) at %d VMs, 2 s task"
                     % ("PASS" if ok else "FAIL", gap["case"], gap["gap_median"], gap["gap_max"], GAP_BUDGET_S, gap["vms"]))
    return lines


def _methods(by_method):
    return ", ".join("%s %d" % (k, v) for k, v in sorted(by_method.items(), key=lambda kv: (-kv[1], kv[0])))


def markdown(data):
    intro = ("%s, %s mode, %d runs per cell, %.0f s in all. Wall time is the whole module process "
             "(Python start-up included), as Ansible's worker sees it; calls are the lab's counter for that process; "
             "RSS is the process's own peak."
             % (data["started"], "quick" if data["quick"] else "full", data["runs"], data.get("elapsed_s", 0)))
    out = ["# opensphere.vsphere benchmark", "", intro,
           "", "| VMs | SOAP delay | task | wall median (s) | spread min-max (s) | calls | peak RSS (MiB) | calls by method |",
           "|---:|---:|---|---:|---:|---:|---:|---|"]
    for r in data["rows"]:
        flag = " **ERROR: %s**" % "; ".join(r["errors"]) if r["errors"] else ""
        out.append("| %d | %d ms | %s | %.3f | %.3f-%.3f | %d | %.0f | %s%s |"
                   % (r["vms"], r["delay_ms"], r["case"], r["wall_median"], r["wall_min"], r["wall_max"],
                      r["calls"], r["rss_mb"], _methods(r["by_method"]), flag))
    if data["gaps"]:
        out += ["", "## Return after the task ends (task kept running 2 s, SOAP delay 0)", "",
                "| VMs | task | vSphere task | module return - task completeTime, median (s) | worst (s) | wall median (s) |",
                "|---:|---|---|---:|---:|---:|"]
        for g in data["gaps"]:
            if "gap_median" in g:
                out.append("| %d | %s | %s | %.3f | %.3f | %.3f |"
                           % (g["vms"], g["case"], g["task"], g["gap_median"], g["gap_max"], g["wall_median"]))
            else:
                out.append("| %d | %s | %s | error: %s | | |" % (g["vms"], g["case"], g["task"], "; ".join(g["errors"])))
    out += ["", "## Logging in per task", "",
            "| VMs | SOAP delay | connect + logout (s) | calls | share of power-off wall time |", "|---:|---:|---:|---:|---:|"]
    for lg in data["login"]:
        row = _row(data, "vm_power", lg["vms"], lg["delay_ms"])
        share = "%.0f %%" % (100 * lg["median"] / row["wall_median"]) if row else "n/a"
        out.append("| %d | %d ms | %.3f | %d (%s) | %s |"
                   % (lg["vms"], lg["delay_ms"], lg["median"], lg["calls"], _methods(lg["by_method"]), share))
    out += ["", "## Budgets", ""] + ["- " + line for line in data.get("budgets", [])] + [""]
    return "\n".join(out)


def chart(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_c) = plt.subplots(1, 2, figsize=(13, 5.2))
    labels = []
    for r in data["rows"]:
        if r["case"] not in labels:
            labels.append(r["case"])
    colors = plt.get_cmap("tab10")
    for i, label in enumerate(labels):
        for delay, style in ((0, "--"), (10, "-")):
            rows = sorted((r for r in data["rows"] if r["case"] == label and r["delay_ms"] == delay), key=lambda r: r["vms"])
            if not rows:
                continue
            xs = [r["vms"] for r in rows]
            ax_t.errorbar(xs, [r["wall_median"] for r in rows],
                          yerr=[[r["wall_median"] - r["wall_min"] for r in rows], [r["wall_max"] - r["wall_median"] for r in rows]],
                          fmt=style + "o", color=colors(i % 10), capsize=3, markersize=4,
                          label=label if delay == 10 else None)
            if delay == min(data["delays"]) and any(r["calls"] for r in rows):
                ax_c.plot(xs, [r["calls"] for r in rows], "-o", color=colors(i % 10), label=label)
    for ax in (ax_t, ax_c):
        ax.set_xscale("log")
        ax.set_xlabel("VMs in the inventory")
        ax.set_xticks(data["sizes"])
        ax.set_xticklabels([str(s) for s in data["sizes"]])
        ax.grid(True, alpha=0.3)
    ax_t.set_ylabel("wall time per task, s (median, min-max)")
    ax_t.set_title("Time per task (solid: 10 ms per SOAP call, dashed: 0 ms)")
    ax_t.set_ylim(bottom=0)
    ax_c.set_ylabel("API calls per task (lab counter)")
    ax_c.set_title("API calls per task (same at every SOAP delay)")
    top = max([r["calls"] for r in data["rows"]] + [1])
    ax_c.set_ylim(0, top * 1.7)  # room for the legend above the lines
    ax_t.legend(fontsize=7, loc="upper left")
    ax_c.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
