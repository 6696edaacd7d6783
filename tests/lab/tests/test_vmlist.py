"""GET /api|/rest/vcenter/vm: the Automation API's VM list, filtered as the reference describes it."""
import shutil
import time

import pytest
from pyVmomi import vim

from conftest import LAB_DIR, Lab, find_vm, lab_cmd, parse_env, wait_task

VMS = ["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"]


def session(lab):
    return lab.http.post(lab.url + "/api/session", auth=(lab.user, lab.password)).json()


def vm_list(lab, params=(), style="api", token=None):
    r = lab.http.get(lab.url + "/" + style + "/vcenter/vm", params=list(params),
                     headers={"vmware-api-session-id": token or session(lab)})
    body = r.json() if r.content and r.headers.get("Content-Type", "").startswith("application/json") else None
    if style == "rest" and r.status_code == 200:
        assert set(body) == {"value"}, body
        body = body["value"]
    return r.status_code, body


def names(body):
    return sorted(vm["name"] for vm in body)


def test_every_vm_with_its_summary(si, fresh):
    status, body = vm_list(fresh)
    assert status == 200 and names(body) == VMS
    for summary in body:
        vm = find_vm(si, summary["name"])
        assert summary == {"vm": vm._moId, "name": vm.name, "power_state": "POWERED_ON",
                           "cpu_count": vm.config.hardware.numCPU, "memory_size_MiB": vm.config.hardware.memoryMB}


@pytest.mark.parametrize("style,key", [("api", "names"), ("rest", "filter.names"), ("rest", "filter.names.1")])
def test_names_filter_in_either_style(fresh, style, key):
    status, body = vm_list(fresh, [(key, "DC0_H0_VM1")], style=style)
    assert status == 200 and names(body) == ["DC0_H0_VM1"]
    status, body = vm_list(fresh, [(key, "nothing-is-called-this")], style=style)
    assert status == 200 and body == []
    second = "filter.names.2" if key == "filter.names.1" else key
    status, body = vm_list(fresh, [(key, "DC0_H0_VM1"), (second, "DC0_C0_RP0_VM0")], style=style)
    assert status == 200 and names(body) == ["DC0_C0_RP0_VM0", "DC0_H0_VM1"]


def test_rest_style_ignores_the_api_spelling(fresh):
    # 6.7 reads filter.*; a bare names= is not a filter there, so everything matches
    status, body = vm_list(fresh, [("names", "DC0_H0_VM1")], style="rest")
    assert status == 200 and names(body) == VMS


def test_templates_are_not_listed(si, fresh):
    vm = find_vm(si, "DC0_H0_VM1")
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"
    vm.MarkAsTemplate()
    status, body = vm_list(fresh, [("names", "DC0_H0_VM1")])
    assert status == 200 and body == []
    status, body = vm_list(fresh)
    assert names(body) == [n for n in VMS if n != "DC0_H0_VM1"]


def test_power_state_filter(si, fresh):
    vm = find_vm(si, "DC0_H0_VM0")
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"
    status, body = vm_list(fresh, [("power_states", "POWERED_OFF")])
    assert status == 200 and body == [dict(body[0], name="DC0_H0_VM0", vm=vm._moId, power_state="POWERED_OFF")]
    status, body = vm_list(fresh, [("power_states", "POWERED_ON"), ("names", "DC0_H0_VM0")])
    assert status == 200 and body == []
    status, body = vm_list(fresh, [("power_states", "OFF")])
    assert status == 400 and body["error_type"] == "INVALID_ARGUMENT", body


def test_placement_filters(si, fresh):
    h0 = find_vm(si, "DC0_H0_VM0")
    c0 = find_vm(si, "DC0_C0_RP0_VM0")
    dc = si.content.rootFolder.childEntity[0]
    cluster = c0.runtime.host.parent
    assert isinstance(cluster, vim.ClusterComputeResource)
    cases = [
        ("folders", h0.parent._moId, VMS),
        ("datacenters", dc._moId, VMS),
        ("datacenters", "datacenter-999", []),
        ("hosts", h0.runtime.host._moId, sorted(vm.name for vm in h0.runtime.host.vm)),
        ("clusters", cluster._moId, ["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1"]),
        ("resource_pools", c0.resourcePool._moId, ["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1"]),
        ("vms", h0._moId, ["DC0_H0_VM0"]),
    ]
    for key, value, want in cases:
        status, body = vm_list(fresh, [(key, value)])
        assert status == 200 and names(body) == want, (key, value, body)
    # several properties: all must match
    status, body = vm_list(fresh, [("clusters", cluster._moId), ("names", "DC0_H0_VM0")])
    assert status == 200 and body == []


def test_a_session_is_required(fresh):
    r = fresh.http.get(fresh.url + "/api/vcenter/vm", params={"names": "DC0_H0_VM0"})
    assert r.status_code == 401 and r.json()["error_type"] == "UNAUTHENTICATED"


def test_rest_calls_pay_the_call_delay(fresh):
    token = session(fresh)
    fresh.ctl("POST", "delay", {"rest_ms": 250})
    t0 = time.monotonic()
    assert vm_list(fresh, [("names", "DC0_H0_VM0")], token=token)[0] == 200
    assert time.monotonic() - t0 >= 0.25
    assert fresh.ctl("GET", "delay")["rest_ms"] == 250
    fresh.ctl("POST", "delay", {"rest_ms": 0})
    t0 = time.monotonic()
    assert vm_list(fresh, [("names", "DC0_H0_VM0")], token=token)[0] == 200
    assert time.monotonic() - t0 < 0.25


def test_more_than_4000_matches_is_an_error(tmp_path):
    main_bin = LAB_DIR / ".run" / "lab-server"
    if main_bin.exists():
        shutil.copy(main_bin, tmp_path / "lab-server")
    out = lab_cmd("start", "--vms", "4002", "--port", "18554", "--appliance-port", "18555", state_dir=tmp_path)
    try:
        lab = Lab(parse_env(out.stdout))
        token = session(lab)
        status, body = vm_list(lab, token=token)
        assert status == 400 and body["error_type"] == "UNABLE_TO_ALLOCATE_RESOURCE", body
        status, body = vm_list(lab, [("names", "DC0_H0_VM1500")], token=token)
        assert status == 200 and names(body) == ["DC0_H0_VM1500"]
        status, body = vm_list(lab, [("power_states", "POWERED_ON"), ("hosts", "no-such-host")], token=token)
        assert status == 200 and body == []
    finally:
        lab_cmd("stop", state_dir=tmp_path)


def test_the_automation_api_can_be_down_while_soap_serves(si, fresh):
    token = session(fresh)
    assert fresh.ctl("POST", "vapi", {"available": False}) == {"available": False}
    for path in ("/api/session", "/rest/com/vmware/cis/session"):
        r = fresh.http.post(fresh.url + path, auth=(fresh.user, fresh.password))
        assert r.status_code == 503 and "Service Unavailable" in r.text
    assert vm_list(fresh, [("names", "DC0_H0_VM0")], token=token)[0] == 503
    assert find_vm(si, "DC0_H0_VM0").name == "DC0_H0_VM0"  # SOAP unaffected
    fresh.ctl("POST", "vapi", {"available": "no"}, expect=400)
    fresh.reset()
    assert fresh.ctl("GET", "vapi") == {"available": True}
    assert vm_list(fresh, [("names", "DC0_H0_VM0")])[0] == 200
