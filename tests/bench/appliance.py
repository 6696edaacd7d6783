"""Benchmark: what appliance_install costs for one install against the lab's appliance.

For an install of --duration seconds (60 by default), at each poll_interval bound: the requests
the module sends (check + start + the polling to CONFIGURED, login and logout included, counted by
the lab's appliance), and how long after the appliance reached CONFIGURED (the lab stamps the exact
moment) the module's process has returned. Runs the module as Ansible runs it (a process given its
arguments as JSON), not through ansible-playbook, so the figure is the module's own overhead.
Writes tests/bench/results/appliance.{md,json}. Not a test.

    tests/lab/lab start --port P  (LAB_STATE_DIR=...)
    python tests/bench/appliance.py --state-dir $LAB_STATE_DIR [--duration 60] [--intervals 0.5,1,2] [--runs 1]
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "results"
MODULE = REPO / "plugins" / "modules" / "appliance_install.py"


def lab_env(state_dir):
    env = {}
    for line in (Path(state_dir) / "env").read_text().splitlines():
        m = re.match(r"^export (\w+)=(.*)$", line)
        if m:
            env[m.group(1)] = shlex.split(m.group(2))[0]
    return env


def collections_root():
    root = Path(tempfile.gettempdir()) / "opensphere-bench-appliance-collections"
    link = root / "ansible_collections" / "opensphere" / "vsphere"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(REPO)
    return root


def epoch(stamp):
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=__import__("datetime").timezone.utc).timestamp()


def one_install(env, ctl, duration, interval):
    ctl("POST", "appliance", {"duration_ms": int(duration * 1000)})
    args = {"ANSIBLE_MODULE_ARGS": {
        "appliance_hostname": env["APPLIANCE_HOST"], "appliance_port": int(env["APPLIANCE_PORT"]),
        "appliance_password": env["APPLIANCE_PASSWORD"], "ca_path": env["APPLIANCE_CA_PATH"],
        "poll_interval": interval, "timeout": int(duration * 3 + 60),
        "spec": {"standalone": {"sso_domain_name": "vsphere.local", "sso_admin_password": "Bench.Sso1!"}},
    }}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(args, f)
    pyenv = dict(os.environ, PYTHONPATH=str(collections_root()))
    t0 = time.time()
    proc = subprocess.run([sys.executable, str(MODULE), f.name], capture_output=True, text=True, env=pyenv, check=False)
    t_end = time.time()
    os.unlink(f.name)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    status = ctl("GET", "appliance")
    assert status["state"] == "CONFIGURED" and out.get("changed"), (status["state"], out.get("msg"))
    return {
        "poll_interval": interval, "duration": duration,
        "requests": status["calls"]["total"], "by_method": status["calls"]["by_method"],
        "module_requests": out["appliance"]["requests"],
        "wall": round(t_end - t0, 3),
        "after_configured": round(t_end - epoch(status["ended"]), 3),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state-dir", default=os.environ.get("LAB_STATE_DIR", str(REPO / "tests/lab/.run")))
    ap.add_argument("--duration", type=float, default=60.0, help="seconds the lab's install takes")
    ap.add_argument("--intervals", default="0.5,1,2", help="poll_interval bounds to measure")
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    env = lab_env(a.state_dir)
    http = requests.Session()
    http.verify, http.trust_env = env["VMWARE_CA_PATH"], False

    def ctl(method, path, body=None):
        r = http.request(method, env["LAB_URL"] + "/lab/" + path, json=body, auth=(env["VMWARE_USER"], env["VMWARE_PASSWORD"]))
        r.raise_for_status()
        return r.json()

    rows = []
    for interval in [float(x) for x in a.intervals.split(",")]:
        for _run in range(a.runs):
            row = one_install(env, ctl, a.duration, interval)
            print(json.dumps({k: v for k, v in row.items() if k != "by_method"}), flush=True)
            rows.append(row)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "appliance.json").write_text(json.dumps(rows, indent=2))
    lines = ["| install (s) | poll_interval (s) | requests per install | of which GET deployment | "
             "module returned after CONFIGURED (s) | module wall (s) |", "|---|---|---|---|---|---|"]
    for r in rows:
        gets = sum(v for k, v in r["by_method"].items() if k.startswith("GET ") and k.endswith("/vcenter/deployment"))
        cells = (r["duration"], r["poll_interval"], r["requests"], gets, r["after_configured"], r["wall"])
        lines.append("| %g | %g | %d | %d | %.3f | %.2f |" % cells)
    (RESULTS / "appliance.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
