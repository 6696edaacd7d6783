#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: ``ansible-inventory --list`` wall time and API calls of VM inventory plugins.

Runs against labs that are already running (give their env files, e.g. /tmp/lab-x/env from
``tests/lab/lab start --vms N``), at each SOAP delay asked, for opensphere.vsphere.vcenter_vms and,
when ``--peers-venv`` names a virtualenv holding PyPI's ``ansible`` package, community.vmware's
vmware_vm_inventory and vmware.vmware's vms plugin, each with its default options. Every run
starts from a reset call counter; the lab's counter (GET /lab/calls) gives the calls.

    tests/bench/inventory.py --lab /tmp/lab-inv/env --lab /tmp/lab-inv10k/env --delays 0,10 \\
        [--peers-venv /tmp/inv-peers-venv] [--peer-limit 20000]

Next to each run of ours, the same hosts and host variables are loaded by a plugin that makes no API
call at all (it reads ours' ``--list`` output back): that is ansible-core's own floor for an
inventory of that size (``ansible-inventory --list`` builds, resolves and serialises every host's
variables), so "plugin" = ours - floor is the part the collection's plugin and vCenter add. CPU
seconds (the ansible-inventory process's user + system time) are reported beside wall time: on a
loaded machine they are the steadier figure.

Prints a Markdown table; not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

import resource

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_env(path):
    env = {}
    with open(path) as handle:
        for line in handle:
            match = re.match(r"^export (\w+)=(.*)$", line.strip())
            if match:
                env[match.group(1)] = shlex.split(match.group(2))[0]
    return env


class Lab:
    def __init__(self, env):
        self.env = env
        self.http = requests.Session()
        self.http.verify, self.http.trust_env = env["VMWARE_CA_PATH"], False
        self.http.auth = (env["VMWARE_USER"], env["VMWARE_PASSWORD"])

    def ctl(self, method, path, body=None):
        response = self.http.request(method, self.env["LAB_URL"] + "/lab/" + path, json=body, timeout=60)
        response.raise_for_status()
        return response.json() if response.content else None

    def vms(self):
        return self.ctl("GET", "status")["vms"]


def plugin_files(workdir, env):
    """(name, file, ansible-inventory binary kind) for each plugin, with its default options."""
    conn = {"hostname": env["VMWARE_HOST"], "port": int(env["VMWARE_PORT"]), "username": env["VMWARE_USER"],
            "password": env["VMWARE_PASSWORD"]}
    files = {
        "opensphere.vsphere.vcenter_vms": ("x.vcenter_vms.yml", dict(conn, ca_path=env["VMWARE_CA_PATH"])),
        # the peers have no CA file option: they run unverified (the TLS handshake costs the same)
        "community.vmware.vmware_vm_inventory": ("x.vmware.yml", dict(conn, validate_certs=False)),
        "vmware.vmware.vms": ("x.vms.yml", dict(conn, validate_certs=False)),
    }
    out = {}
    for plugin, (name, options) in files.items():
        path = os.path.join(workdir, plugin.replace(".", "_") + "_" + name)
        with open(path, "w") as handle:
            json.dump(dict({"plugin": plugin}, **options), handle)  # JSON is YAML
        out[plugin] = path
    return out


FLOOR_PLUGIN = '''
from __future__ import annotations
DOCUMENTATION = """
name: fromjson
short_description: The hosts and host variables of an ansible-inventory --list output, without any API call
description: [The floor of the inventory benchmark.]
options:
  plugin: {required: true, choices: [bench.floor.fromjson]}
  path: {required: true, description: [the --list output]}
"""
import json
from ansible.plugins.inventory import BaseInventoryPlugin


def plain(value):
    return value.get("__ansible_unsafe") if isinstance(value, dict) and "__ansible_unsafe" in value else value


class InventoryModule(BaseInventoryPlugin):
    NAME = "bench.floor.fromjson"

    def verify_file(self, path):
        return path.endswith(".fromjson.yml")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path)
        self._read_config_data(path)
        with open(self.get_option("path")) as handle:
            listed = json.load(handle)
        for host, hostvars in listed["_meta"]["hostvars"].items():
            self.inventory.add_host(host)
            for name, value in hostvars.items():
                self.inventory.set_variable(host, name, plain(value))
'''


def timed(argv, env, timeout):
    """(completed process, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return proc, seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def floor(workdir, venv, listed, timeout):
    """(wall, CPU) seconds of ansible-inventory --list loading ``listed`` (a --list output) with no API call."""
    coll = os.path.join(workdir, "floor", "ansible_collections", "bench", "floor")
    os.makedirs(os.path.join(coll, "plugins", "inventory"), exist_ok=True)
    with open(os.path.join(coll, "plugins", "inventory", "fromjson.py"), "w") as handle:
        handle.write(FLOOR_PLUGIN)
    with open(os.path.join(coll, "galaxy.yml"), "w") as handle:
        json.dump({"namespace": "bench", "name": "floor", "version": "1.0.0", "readme": "README.md",
                   "authors": ["bench"]}, handle)
    data, config = os.path.join(workdir, "listed.json"), os.path.join(workdir, "x.fromjson.yml")
    with open(data, "w") as handle:
        handle.write(listed)
    with open(config, "w") as handle:
        json.dump({"plugin": "bench.floor.fromjson", "path": data}, handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(workdir, "floor"),
               ANSIBLE_INVENTORY_ENABLED="bench.floor.fromjson", ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    proc, seconds, cpu = timed([os.path.join(venv, "bin", "ansible-inventory"), "-i", config, "--list"], env, timeout)
    if proc.returncode != 0:
        raise SystemExit("the floor plugin failed: %s" % proc.stderr[-300:])
    return seconds, cpu


def run(lab, plugin, path, venv, delay_ms, timeout):
    lab.ctl("POST", "delay", {"soap_ms": delay_ms, "rest_ms": delay_ms})
    lab.ctl("POST", "calls/reset")
    env = dict(os.environ, ANSIBLE_INVENTORY_UNPARSED_FAILED="true", ANSIBLE_INVENTORY_ENABLED=plugin,
               PYTHONWARNINGS="ignore")
    for key in list(env):
        if key.startswith("VMWARE_"):
            del env[key]
    if plugin.startswith("opensphere."):
        tree = os.path.join(tempfile.gettempdir(), "inv-bench-coll")
        os.makedirs(os.path.join(tree, "ansible_collections", "opensphere"), exist_ok=True)
        link = os.path.join(tree, "ansible_collections", "opensphere", "vsphere")
        if not os.path.islink(link):
            os.symlink(ROOT, link)
        env["ANSIBLE_COLLECTIONS_PATH"] = tree
    try:
        proc, seconds, cpu = timed([os.path.join(venv, "bin", "ansible-inventory"), "-i", path, "--list"], env, timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "calls": lab.ctl("GET", "calls")["total"], "hosts": None, "error": "timeout"}
    calls = lab.ctl("GET", "calls")
    lab.ctl("POST", "delay", {"soap_ms": 0, "rest_ms": 0})
    if proc.returncode != 0:
        return {"seconds": seconds, "calls": calls["total"], "hosts": None, "error": proc.stderr.strip()[-300:]}
    hosts = len(json.loads(proc.stdout)["_meta"]["hostvars"])
    return {"seconds": seconds, "cpu": cpu, "calls": calls["total"], "hosts": hosts, "by_method": calls["by_method"],
            "listed": proc.stdout}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--lab", action="append", required=True, help="env file of a running lab (repeatable)")
    parser.add_argument("--delays", default="0,10", help="SOAP delays in ms, comma-separated")
    parser.add_argument("--venv", default=os.path.dirname(os.path.dirname(sys.executable)), help="venv for ours")
    parser.add_argument("--peers-venv", help="venv with PyPI's ansible package (community.vmware, vmware.vmware)")
    parser.add_argument("--peer-limit", type=int, default=10 ** 9,
                        help="skip a peer run when VMs x (1 + delay ms) exceeds this (peers make ~2-13 calls per VM)")
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the fastest is reported")
    args = parser.parse_args()
    delays = [int(d) for d in args.delays.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="inv-bench-") as workdir:
        for env_file in args.lab:
            env = parse_env(env_file)
            lab = Lab(env)
            vms = lab.vms()
            files = plugin_files(workdir, env)
            for delay in delays:
                for plugin, path in files.items():
                    ours = plugin.startswith("opensphere.")
                    if not ours and (not args.peers_venv or vms * (1 + delay) > args.peer_limit):
                        continue
                    results = [run(lab, plugin, path, args.venv if ours else args.peers_venv, delay, args.timeout)
                               for _run in range(args.repeat)]
                    ok = [r for r in results if r["seconds"] is not None and r["hosts"] is not None]
                    best = min(ok, key=lambda r: r["seconds"]) if ok else results[-1]
                    listed = best.pop("listed", None)
                    for r in results:
                        r.pop("listed", None)
                    if ours and listed:
                        floors = [floor(workdir, args.venv, listed, args.timeout) for _run in range(args.repeat)]
                        best["floor_seconds"], best["floor_cpu"] = min(floors)
                    rows.append((vms, delay, plugin, best))
                    print(json.dumps({"vms": vms, "delay_ms": delay, "plugin": plugin, **best}), file=sys.stderr, flush=True)
    print("| VMs | delay ms | plugin | seconds | CPU s | ansible-core floor s (CPU s) | plugin + vCenter s | API calls | hosts |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for vms, delay, plugin, r in rows:
        seconds = "%.2f" % r["seconds"] if r["seconds"] is not None else r.get("error", "?")
        cpu = "%.2f" % r["cpu"] if r.get("cpu") is not None else ""
        floor_cell = "%.2f (%.2f)" % (r["floor_seconds"], r["floor_cpu"]) if "floor_seconds" in r else ""
        own = "%.2f" % (r["seconds"] - r["floor_seconds"]) if "floor_seconds" in r else ""
        print("| %d | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            vms, delay, plugin, seconds, cpu, floor_cell, own, r["calls"],
            r["hosts"] if r["hosts"] is not None else r.get("error", "?")[:80]))


if __name__ == "__main__":
    main()
