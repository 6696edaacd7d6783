"""OVF import in the lab: CreateImportSpec errors/warnings, NFC uploads that write the bytes,
lease states (done, abort, expiry), and the /lab/ovf hooks (slow upload, failing upload)."""
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from pyVmomi import vim, vmodl

from conftest import find_vm

ROOT = Path(__file__).resolve().parents[3]
MAKE_OVF = ROOT / "tests/integration/targets/setup_ovf/files/make_ovf.py"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("ovf")
    subprocess.run([sys.executable, str(MAKE_OVF), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(autouse=True)
def clear_hooks(lab):
    yield
    lab.ctl("POST", "ovf", json={})


def objects(si):
    content = si.RetrieveContent()
    dc = content.rootFolder.childEntity[0]
    pool = None
    for e in dc.hostFolder.childEntity:
        if e.name == "DC0_C0":
            pool = e.resourcePool
    ds = [d for d in dc.datastore if d.name == "LocalDS_0"][0]
    nets = {n.name: n for n in dc.network}
    return content, dc, pool, ds, nets


def import_spec(si, descriptor, name="ovf-test", **params):
    content, _dc, pool, ds, nets = objects(si)
    cisp = vim.OvfManager.CreateImportSpecParams(entityName=name, **params)
    return content.ovfManager.CreateImportSpec(descriptor, pool, ds, cisp)


def mapping(si, **pairs):
    nets = objects(si)[4]
    return [vim.OvfManager.NetworkMapping(name=k, network=nets[v]) for k, v in pairs.items()]


def wait_state(lease, want, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        if lease.state in want:
            return lease.state
        time.sleep(0.02)
    raise AssertionError("lease stayed %s" % lease.state)


def start_import(si, data, name="ovf-test", **params):
    desc = (data / "appliance/appliance.ovf").read_text()
    params.setdefault("networkMapping", mapping(si, frontend="VM Network", backend="DC0_DVPG0"))
    res = import_spec(si, desc, name=name, **params)
    assert not res.error, res.error
    _content, dc, pool, _ds, _nets = objects(si)
    lease = pool.ImportVApp(res.importSpec, dc.vmFolder)
    assert wait_state(lease, ("ready", "error")) == "ready", lease.error
    return res, lease


def put(lab, url, body):
    return requests.put(url.replace("*", lab.host), data=body, verify=lab.ca, timeout=60)


def disk_path(si, vm):
    disk = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)][0]
    ds_name, rel = disk.backing.fileName[1:].split("] ", 1)
    ds = [d for d in vm.datastore if d.name == ds_name][0]
    return Path(ds.info.url) / rel


def test_import_writes_the_disk_and_lease_reaches_done(si, lab, data):
    res, lease = start_import(si, data, deploymentOption="large", diskProvisioning="thin",
                              propertyMapping=[vim.KeyValue(key="hostname", value="web01"),
                                               vim.KeyValue(key="port", value="9443")])
    assert lease.info.leaseTimeout == 300
    (dev,) = [u for u in lease.info.deviceUrl if u.disk]
    body = (data / "appliance/appliance-disk1.vmdk").read_bytes()
    assert put(lab, dev.url, body).status_code == 200
    lease.HttpNfcLeaseProgress(50)
    assert lab.ctl("GET", "ovf")["leases"][lease._moId]["progress"] == 50  # transferProgress is API 7.0+
    manifest = lease.HttpNfcLeaseGetManifest()
    assert [(m.size, m.sha1) for m in manifest] == [(len(body), hashlib.sha1(body).hexdigest())]
    lease.HttpNfcLeaseComplete()
    assert lease.state == "done"
    vm = lease.info.entity
    assert vm.name == "ovf-test"
    assert vm.config.hardware.numCPU == 4 and vm.config.hardware.memoryMB == 4096
    props = {p.id: p.value for p in vm.config.vAppConfig.property}
    assert props["hostname"] == "web01" and props["port"] == "9443"
    assert not [o for o in vm.config.extraConfig if o.key in ("hostname", "port")]
    path = disk_path(si, vm)
    assert path.stat().st_size == len(body)
    assert hashlib.sha1(path.read_bytes()).hexdigest() == hashlib.sha1(body).hexdigest()
    disk = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)][0]
    assert disk.backing.thinProvisioned is True
    nics = [n.backing for n in vm.config.hardware.device if isinstance(n, vim.vm.device.VirtualEthernetCard)]
    assert len(nics) == 2
    assert isinstance(nics[0], vim.vm.device.VirtualEthernetCard.NetworkBackingInfo)  # frontend -> VM Network
    assert isinstance(nics[1], vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo)  # backend -> DVPG
    with pytest.raises(vim.fault.InvalidState):
        lease.HttpNfcLeaseProgress(60)  # a done lease is no longer renewed
    assert put(lab, dev.url, b"late").status_code == 404


def test_provisioning_eager_zeroed(si, lab, data):
    res = import_spec(si, (data / "appliance/appliance.ovf").read_text(), diskProvisioning="eagerZeroedThick",
                      networkMapping=mapping(si, frontend="VM Network", backend="VM Network"))
    disk = [c.device for c in res.importSpec.configSpec.deviceChange if isinstance(c.device, vim.vm.device.VirtualDisk)][0]
    assert disk.backing.thinProvisioned is False and disk.backing.eagerlyScrub is True
    assert not res.warning


@pytest.mark.parametrize("params, fault, text", [
    ({"deploymentOption": "huge"}, vim.fault.OvfInvalidValueConfiguration, "Invalid deployment option 'huge'"),
    ({"propertyMapping": [vim.KeyValue(key="port", value="70000")]}, vim.fault.OvfPropertyValue, "out of range"),
    ({"propertyMapping": [vim.KeyValue(key="port", value="80x")]}, vim.fault.OvfPropertyValue, "not an integer"),
    ({"propertyMapping": [vim.KeyValue(key="debug", value="yes")]}, vim.fault.OvfPropertyValue, "not a boolean"),
    ({"propertyMapping": [vim.KeyValue(key="mode", value="bogus")]}, vim.fault.OvfPropertyValue, "not one of"),
    ({"propertyMapping": [vim.KeyValue(key="hostname", value="")]}, vim.fault.OvfPropertyValue, "shorter than 1"),
])
def test_import_spec_errors(si, data, params, fault, text):
    res = import_spec(si, (data / "appliance/appliance.ovf").read_text(),
                      networkMapping=mapping(si, frontend="VM Network", backend="VM Network"), **params)
    assert res.importSpec is None
    assert len(res.error) == 1 and isinstance(res.error[0], fault), res.error
    assert text in res.error[0].msg


@pytest.mark.parametrize("name, text", [
    ("bad/no-vs.ovf", "no VirtualSystem"),
    ("bad/not-ovf.ovf", "Failed to parse the OVF descriptor"),
])
def test_descriptor_errors_do_not_crash(si, data, name, text):
    res = import_spec(si, (data / name).read_text())
    assert res.importSpec is None and text in res.error[0].msg
    assert si.content.about.apiVersion  # the lab still answers


def test_import_spec_warnings(si, data):
    desc = (data / "appliance/appliance.ovf").read_text()
    res = import_spec(si, desc, networkMapping=mapping(si, frontend="VM Network", nosuch="VM Network"),
                      propertyMapping=[vim.KeyValue(key="nosuch", value="1")])
    assert res.importSpec is not None and not res.error
    msgs = sorted(w.msg for w in res.warning)
    assert msgs == ["Network mapping 'nosuch' names no network of the OVF descriptor",
                    "OVF network 'backend' is not mapped; its adapters are connected to the default network",
                    "Property 'nosuch' is not declared by the OVF descriptor and is ignored"]


def test_mapping_to_missing_network_is_a_fault(si, data):
    gone = vim.Network("network-404", stub=si._stub)
    with pytest.raises(vmodl.fault.ManagedObjectNotFound):
        import_spec(si, (data / "appliance/appliance.ovf").read_text(),
                    networkMapping=[vim.OvfManager.NetworkMapping(name="frontend", network=gone)])


def test_abort_removes_the_vm(si, data):
    _res, lease = start_import(si, data, name="aborted")
    vm = lease.info.entity
    lease.HttpNfcLeaseAbort()
    assert lease.state == "error" and isinstance(lease.error, vmodl.fault.RequestCanceled)
    time.sleep(0.2)
    with pytest.raises(LookupError):
        find_vm(si, "aborted")
    with pytest.raises(vim.fault.InvalidState):
        lease.HttpNfcLeaseComplete()
    assert vm  # the reference is stale now


def test_lease_without_progress_expires(si, lab, data):
    lab.ctl("POST", "ovf", json={"lease_timeout_s": 1})
    _res, kept = start_import(si, data, name="kept-alive")
    _res, lease = start_import(si, data, name="expiring")
    assert lease.info.leaseTimeout == 1
    for _tick in range(6):  # 1.5 s: only the lease given progress survives
        kept.HttpNfcLeaseProgress(10)
        time.sleep(0.25)
    assert kept.state == "ready"
    assert lease.state == "error" and isinstance(lease.error, vim.fault.Timedout)
    time.sleep(0.2)
    with pytest.raises(LookupError):
        find_vm(si, "expiring")
    kept.HttpNfcLeaseComplete()
    assert find_vm(si, "kept-alive")


def test_slow_upload(si, lab, data):
    body = (data / "appliance/appliance-disk1.vmdk").read_bytes()
    lab.ctl("POST", "ovf", json={"upload_bytes_per_s": len(body) * 2})
    _res, lease = start_import(si, data)
    (dev,) = [u for u in lease.info.deviceUrl if u.disk]
    t0 = time.monotonic()
    assert put(lab, dev.url, body).status_code == 200
    assert time.monotonic() - t0 >= 0.45
    lease.HttpNfcLeaseComplete()


def test_upload_failing_mid_way_then_a_clean_import(si, lab, data):
    body = (data / "appliance/appliance-disk1.vmdk").read_bytes()
    lab.ctl("POST", "ovf", json={"fail_after_bytes": 1})
    _res, lease = start_import(si, data, name="broken")
    (dev,) = [u for u in lease.info.deviceUrl if u.disk]
    try:
        status = put(lab, dev.url, body).status_code
    except requests.ConnectionError:
        status = "reset"
    assert status in (500, "reset")
    assert lease.state == "error" and isinstance(lease.error, vmodl.fault.SystemError)
    time.sleep(0.2)
    with pytest.raises(LookupError):
        find_vm(si, "broken")
    assert lab.ctl("GET", "ovf")["settings"]["fail_after_bytes"] == 0  # one shot
    _res, lease = start_import(si, data, name="broken")
    (dev,) = [u for u in lease.info.deviceUrl if u.disk]
    assert put(lab, dev.url, body).status_code == 200
    lease.HttpNfcLeaseComplete()
    assert lease.state == "done"
    assert os.path.getsize(disk_path(si, find_vm(si, "broken"))) == len(body)
