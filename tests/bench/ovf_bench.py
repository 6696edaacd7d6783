"""Benchmark ovf_deploy against a running lab (not a test): API calls per deploy and per no-op
re-run (file and content library sources), upload throughput of a sparse disk next to `curl -T` to the same NFC URL, peak RSS.

    LAB_STATE_DIR=/tmp/lab-x python tests/bench/ovf_bench.py [--sparse-gib 1] [--skip-upload]

The module runs as its own process (python ovf_deploy.py args.json), so the peak RSS
(getrusage of the child) and the wall time are the module's alone.
"""

import argparse
import json
import os
import re
import resource
import shlex
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim

ROOT = Path(__file__).resolve().parents[2]
MAKE_OVF = ROOT / "tests/integration/targets/setup_ovf/files/make_ovf.py"


def lab_env():
    state = Path(os.environ.get("LAB_STATE_DIR", ROOT / "tests/lab/.run"))
    env = {}
    for line in (state / "env").read_text().splitlines():
        m = re.match(r"^export (\w+)=(.*)$", line)
        if m:
            env[m.group(1)] = shlex.split(m.group(2))[0]
    return env


def tree():
    """The collection at a path Python can import it from (ansible_collections/opensphere/vsphere)."""
    top = Path(tempfile.mkdtemp(prefix="ovfbench."))
    (top / "ansible_collections/opensphere").mkdir(parents=True)
    (top / "ansible_collections/opensphere/vsphere").symlink_to(ROOT)
    return top


def calls(env, reset=False):
    r = requests.request("POST" if reset else "GET", env["LAB_URL"] + "/lab/calls" + ("/reset" if reset else ""),
                         auth=(env["VMWARE_USER"], env["VMWARE_PASSWORD"]), verify=env["VMWARE_CA_PATH"])
    return r.json() if not reset and r.content else None


def run_module(top, env, args):
    params = dict(hostname=env["VMWARE_HOST"], port=int(env["VMWARE_PORT"]), username=env["VMWARE_USER"],
                  password=env["VMWARE_PASSWORD"], ca_path=env["VMWARE_CA_PATH"], **args)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"ANSIBLE_MODULE_ARGS": params}, f)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, str(ROOT / "plugins/modules/ovf_deploy.py"), f.name],
                         env=dict(os.environ, PYTHONPATH=str(top)), capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    os.unlink(f.name)
    result = json.loads(out.stdout)
    if result.get("failed"):
        raise SystemExit("module failed: %s" % result.get("msg"))
    return result, elapsed, (rss if rss > before else None)


def curl_upload(env, descriptor, disk):
    """ImportVApp with plain pyVmomi, then curl -T the disk to the lease's device URL; seconds."""
    si = SmartConnect(host=env["VMWARE_HOST"], port=int(env["VMWARE_PORT"]), user=env["VMWARE_USER"],
                      pwd=env["VMWARE_PASSWORD"], sslContext=ssl.create_default_context(cafile=env["VMWARE_CA_PATH"]))
    try:
        dc = si.content.rootFolder.childEntity[0]
        pool = [c for c in dc.hostFolder.childEntity if c.name == "DC0_C0"][0].resourcePool
        ds = [d for d in dc.datastore if d.name == "LocalDS_0"][0]
        res = si.content.ovfManager.CreateImportSpec(descriptor, pool, ds,
                                                     vim.OvfManager.CreateImportSpecParams(entityName="curl-floor"))
        lease = pool.ImportVApp(res.importSpec, dc.vmFolder)
        while lease.state == "initializing":
            time.sleep(0.02)
        url = [u for u in lease.info.deviceUrl if u.disk][0].url
        t0 = time.monotonic()
        subprocess.run(["curl", "-sS", "--fail", "--cacert", env["VMWARE_CA_PATH"], "-T", disk, url], check=True)
        elapsed = time.monotonic() - t0
        lease.HttpNfcLeaseComplete()
        vm = lease.info.entity
        vm.Destroy_Task()
        return elapsed
    finally:
        Disconnect(si)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sparse-gib", type=int, default=1)
    ap.add_argument("--skip-upload", action="store_true")
    args = ap.parse_args()
    env = lab_env()
    top = tree()
    data = Path(tempfile.mkdtemp(prefix="ovfbench-data."))
    subprocess.run([sys.executable, str(MAKE_OVF), str(data), "--sparse-gib", str(0 if args.skip_upload else args.sparse_gib)],
                   check=True, capture_output=True)
    place = dict(datacenter="DC0", cluster="DC0_C0", datastore="LocalDS_0",
                 networks={"frontend": "VM Network", "backend": "VM Network"})
    vms = requests.get(env["LAB_URL"] + "/lab/status", auth=(env["VMWARE_USER"], env["VMWARE_PASSWORD"]),
                       verify=env["VMWARE_CA_PATH"]).json().get("vms")
    rows = {"inventory_vms": vms}
    for label, extra in (("deploy", {}), ("no-op re-run", {}), ("deploy, folder given", {"folder": "/DC0/vm", "name": "bench-f"}),
                         ("no-op re-run, folder given", {"folder": "/DC0/vm", "name": "bench-f"})):
        calls(env, reset=True)
        res, secs, _rss = run_module(top, env, dict(place, ovf=str(data / "appliance.ova"), name=extra.get("name", "bench"),
                                                    **{k: v for k, v in extra.items() if k != "name"}))
        counted = calls(env)
        rows[label] = {"changed": res["changed"], "calls": counted["total"], "by_method": counted["by_method"],
                       "seconds": round(secs, 2)}
    # the content library source: the package uploaded into a library by the tests' own tool
    sys.path.insert(0, str(MAKE_OVF.parent))
    import ovfctl  # pylint: disable=import-outside-toplevel
    si = SmartConnect(host=env["VMWARE_HOST"], port=int(env["VMWARE_PORT"]), user=env["VMWARE_USER"],
                      pwd=env["VMWARE_PASSWORD"], sslContext=ssl.create_default_context(cafile=env["VMWARE_CA_PATH"]))
    try:
        lib = argparse.Namespace(host=env["VMWARE_HOST"], port=int(env["VMWARE_PORT"]), user=env["VMWARE_USER"],
                                 password=env["VMWARE_PASSWORD"], ca=env["VMWARE_CA_PATH"])
        ovfctl.library(lib, si, "bench-lib", "appliance", str(data / "appliance"))
    finally:
        Disconnect(si)
    for label in ("library deploy", "library no-op re-run"):
        calls(env, reset=True)
        res, secs, _rss = run_module(top, env, dict(place, library="bench-lib", library_item="appliance", name="bench-lib"))
        counted = calls(env)
        rows[label] = {"changed": res["changed"], "calls": counted["total"], "by_method": counted["by_method"],
                       "seconds": round(secs, 2)}
    for name in ("bench", "bench-f", "bench-lib"):
        run_module(top, env, dict(name=name, datacenter="DC0", state="absent"))
    if not args.skip_upload:
        big = data / "big/big.ovf"
        disk = str(data / "big/big-disk1.vmdk")
        size = os.path.getsize(disk)
        floor = curl_upload(env, big.read_text(), disk)
        res, secs, rss = run_module(top, env, dict(place, ovf=str(big), name="bench-big"))
        rows["upload"] = {"bytes": size, "curl_seconds": round(floor, 2), "curl_MiB_s": round(size / floor / 2**20, 1),
                          "module_seconds": round(secs, 2), "module_MiB_s": round(size / secs / 2**20, 1),
                          "module_peak_rss_MiB": round(rss / 1024, 1) if rss else None}
        run_module(top, env, dict(name="bench-big", datacenter="DC0", state="absent"))
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
