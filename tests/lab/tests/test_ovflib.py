"""OVF library items in the lab: com.vmware.vcenter.ovf.library_item filter and deploy in both
REST styles, honouring network mappings (standard and distributed), properties, the deployment
option, storage provisioning and the annotation; the item's disk bytes really land on the
datastore; vCenter's validation errors and warnings come back in the DeploymentResult."""
import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import find_vm

ROOT = Path(__file__).resolve().parents[3]
FILES = ROOT / "tests/integration/targets/setup_ovf/files"
sys.path.insert(0, str(FILES))
import ovfctl  # noqa: E402  (the integration tests' own library upload)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("ovflib")
    subprocess.run([sys.executable, str(FILES / "make_ovf.py"), str(out)], check=True, capture_output=True)
    eula = out / "eula"
    shutil.copytree(out / "appliance", eula)
    text = (eula / "appliance.ovf").read_text()
    (eula / "appliance.ovf").write_text(text.replace(
        "</VirtualSystem>", "<EulaSection><Info>License</Info><License>Be nice.</License></EulaSection></VirtualSystem>"))
    return out


def upload(lab, si, data, item="appliance", directory="appliance"):
    args = argparse.Namespace(host=lab.host, port=lab.port, user=lab.user, password=lab.password, ca=lab.ca)
    return ovfctl.library(args, si, "lib-" + item, item, str(data / directory))["item"]


def call(lab, item, action, body, style="api"):
    token = lab.http.post(lab.url + "/api/session", auth=(lab.user, lab.password)).json()
    if style == "api":
        url = "%s/api/vcenter/ovf/library-item/%s?action=%s" % (lab.url, item, action)
    else:
        url = "%s/rest/com/vmware/vcenter/ovf/library-item/id:%s?~action=%s" % (lab.url, item, action)
    r = lab.http.post(url, json=body, headers={"vmware-api-session-id": token})
    out = r.json() if r.content else None
    return r.status_code, (out["value"] if style == "rest" and r.status_code == 200 else out)


def ids(si):
    dc = si.content.rootFolder.childEntity[0]
    pool = [c for c in dc.hostFolder.childEntity if c.name == "DC0_C0"][0].resourcePool
    nets = dict((n.name, n._moId) for n in dc.network)
    return {"pool": pool._moId, "folder": dc.vmFolder._moId, "ds": dc.datastore[0]._moId, "nets": nets}


def deploy_body(si, style, name="libvm", props=None, option="large", nets=None, **spec):
    o = ids(si)
    mapping = nets if nets is not None else {"frontend": o["nets"]["VM Network"], "backend": o["nets"]["DC0_DVPG0"]}
    spec = dict({"name": name, "accept_all_EULA": True, "default_datastore_id": o["ds"],
                 "network_mappings": mapping if style == "api" else [{"key": k, "value": v} for k, v in mapping.items()],
                 "additional_parameters": [
                     {"@class": "com.vmware.vcenter.ovf.property_params", "type": "PropertyParams",
                      "properties": [{"id": k, "value": v} for k, v in (props or {}).items()]},
                     {"@class": "com.vmware.vcenter.ovf.deployment_option_params", "type": "DeploymentOptionParams",
                      "selected_key": option}]}, **spec)
    return {"target": {"resource_pool_id": o["pool"], "folder_id": o["folder"]}, "deployment_spec": spec}


@pytest.mark.parametrize("style", ["api", "rest"])
def test_deploy_honours_the_spec_and_writes_the_disk(si, fresh, data, style):
    item = upload(fresh, si, data)
    body = deploy_body(si, style, props={"port": "9443", "debug": "true"}, storage_provisioning="thick",
                       annotation="from the library")
    status, res = call(fresh, item, "deploy", body, style)
    assert status == 200 and res["succeeded"] is True, res
    vm = find_vm(si, "libvm")
    assert res["resource_id"] == {"type": "VirtualMachine", "id": vm._moId}
    assert res.get("error") is None or res["error"]["errors"] == []
    assert (vm.config.hardware.numCPU, vm.config.hardware.memoryMB) == (4, 4096)  # deployment option large
    assert sorted(n.name for n in vm.network) == ["DC0_DVPG0", "VM Network"]
    props = dict((p.id, p.value or p.defaultValue) for p in vm.config.vAppConfig.property)
    assert props["port"] == "9443" and props["debug"] == "true" and props["build"] == "1.0.0"
    assert vm.config.annotation == "from the library"
    assert vm.runtime.powerState == "poweredOff"  # the deploy spec has no power-on
    disk = [d for d in vm.config.hardware.device if hasattr(d, "capacityInKB") and hasattr(d.backing, "fileName")][0]
    assert disk.backing.thinProvisioned is False
    ds_name, rel = disk.backing.fileName[1:].split("] ", 1)
    path = Path(vm.datastore[0].info.url) / rel
    # vcsim keeps an uploaded VMDK as descriptor + <name>-flat.vmdk (the data after the header): those bytes arrive
    (stored,) = Path(vm.datastore[0].info.url).glob("contentlib-*/%s/appliance-disk1-flat.vmdk" % item)
    assert path.stat().st_size == stored.stat().st_size > 100000
    assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(stored.read_bytes()).hexdigest()


def test_unmapped_network_is_a_warning_and_defaults_apply(si, fresh, data):
    item = upload(fresh, si, data)
    o = ids(si)
    body = deploy_body(si, "api", nets={"frontend": o["nets"]["DC0_DVPG0"]}, option=None)
    body["deployment_spec"]["additional_parameters"] = []
    status, res = call(fresh, item, "deploy", body)
    assert status == 200 and res["succeeded"] is True, res
    texts = [w["message"]["default_message"] for w in res["error"]["warnings"]]
    assert any("'backend' is not mapped" in t for t in texts), texts
    vm = find_vm(si, "libvm")
    assert vm.config.hardware.numCPU == 1 and vm.config.annotation == "Built by make_ovf.py"  # default option, OVF annotation
    assert vm.config.hardware.device and all(
        d.backing.thinProvisioned for d in vm.config.hardware.device if hasattr(d, "capacityInKB") and hasattr(d.backing, "thinProvisioned"))


@pytest.mark.parametrize("style", ["api", "rest"])
def test_filter_summarises_the_item(si, fresh, data, style):
    item = upload(fresh, si, data)
    status, res = call(fresh, item, "filter", {"target": {"resource_pool_id": ids(si)["pool"]}}, style)
    assert status == 200, res
    assert res["networks"] == ["frontend", "backend"] and res["EULAs"] == [] and res["annotation"] == "Built by make_ovf.py"
    params = dict((p["type"], p) for p in res["additional_params"])
    keys = [p["id"] for p in params["PropertyParams"]["properties"]]
    assert "port" in keys and "build" not in keys  # only user-configurable properties
    port = [p for p in params["PropertyParams"]["properties"] if p["id"] == "port"][0]
    assert port["type"] == "uint16" and port["value"] == "8080"
    options = params["DeploymentOptionParams"]
    assert [o["key"] for o in options["deployment_options"]] == ["small", "large"] and options["selected_key"] == "small"
    assert params["SizeParams"]["approximate_flat_deployment_size"] == 16 << 20
    status, res = call(fresh, item, "filter", {"target": {}}, style)
    assert status == 400, res


def test_deploy_errors_leave_nothing(si, fresh, data):
    item = upload(fresh, si, data)
    eula = upload(fresh, si, data, item="eula", directory="eula")
    cases = [
        (item, deploy_body(si, "api", props={"port": "eighty"}), "VALIDATION", "Invalid value 'eighty'"),
        (item, deploy_body(si, "api", option="huge"), "VALIDATION", "Invalid deployment option 'huge'"),
        (eula, dict(deploy_body(si, "api"), deployment_spec=dict(deploy_body(si, "api")["deployment_spec"], accept_all_EULA=False)),
         "INPUT", "accept_all_EULA"),
    ]
    for target, body, category, text in cases:
        status, res = call(fresh, target, "deploy", body)
        assert status == 200 and res["succeeded"] is False, res
        err = res["error"]["errors"][0]
        assert err["category"] == category and text in err["message"]["default_message"], res
    with pytest.raises(LookupError):
        find_vm(si, "libvm")
    body = deploy_body(si, "api", nets={"frontend": "network-424242"})
    assert call(fresh, item, "deploy", body)[0] == 404
    assert call(fresh, "nope", "deploy", deploy_body(si, "api"))[0] == 404
    status, res = call(fresh, item, "deploy", deploy_body(si, "api"))
    assert res["succeeded"] is True
    status, res = call(fresh, item, "deploy", deploy_body(si, "api"))
    assert res["succeeded"] is False and res["error"]["errors"][0]["name"] == "DuplicateName", res
