"""Every control API verb has an observable effect."""
import time

import pytest
import requests
from pyVmomi import vim, vmodl

from conftest import find_vm, wait_task, Disconnect


def inventory(si):
    """names, moids, power states and snapshot trees of every VM."""
    c = si.RetrieveContent()
    v = c.viewManager.CreateContainerView(c.rootFolder, [vim.VirtualMachine], True)

    def tree(snaps):
        return [(s.name, s.snapshot._moId, tree(s.childSnapshotList)) for s in snaps or []]
    out = {}
    for vm in v.view:
        out[vm._moId] = (vm.name, vm.runtime.powerState, tree(vm.snapshot.rootSnapshotList if vm.snapshot else None))
    v.Destroy()
    return out


def test_reset_restores_initial_inventory(fresh):
    si = fresh.connect()
    before = inventory(si)
    vm = find_vm(si, "DC0_H0_VM0")
    wait_task(si, vm.CreateSnapshot_Task("s", "", False, False))
    wait_task(si, vm.PowerOffVM_Task())
    wait_task(si, find_vm(si, "DC0_H0_VM1").Destroy_Task())
    assert inventory(si) != before
    t0 = time.monotonic()
    out = fresh.reset()
    elapsed = time.monotonic() - t0
    assert out["vms"] == 4 and elapsed < 1.0, (out, elapsed)
    # the old session is gone with the old inventory
    with pytest.raises(vim.fault.NotAuthenticated):
        si.RetrieveContent().rootFolder.childEntity
    si = fresh.connect()
    assert inventory(si) == before
    Disconnect(si)


def test_calls_counter_exact(fresh):
    stub = fresh.stub()
    si = vim.ServiceInstance("ServiceInstance", stub)
    content = si.RetrieveContent()
    content.sessionManager.Login(fresh.user, fresh.password)
    pc = content.propertyCollector
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=content.rootFolder)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.Folder, pathSet=["name"])])
    pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
    content.sessionManager.Logout()
    requests.get(fresh.url + "/sdk/vimServiceVersions.xml", verify=fresh.ca)
    requests.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password), verify=fresh.ca)
    requests.post(fresh.url + "/rest/com/vmware/cis/session?~action=get", verify=fresh.ca)
    calls = fresh.ctl("GET", "calls")
    assert calls == {"total": 7, "by_method": {
        "RetrieveServiceContent": 1, "Login": 1, "RetrievePropertiesEx": 1, "Logout": 1,
        "GET /sdk/vimServiceVersions.xml": 1, "POST /api/session": 1,
        "POST /rest/com/vmware/cis/session?~action=get": 1}}
    assert fresh.ctl("POST", "calls/reset") == {"total": 0, "by_method": {}}


def test_call_fault_rule(si, fresh):
    fresh.ctl("POST", "faults", {"method": "PowerOffVM_Task", "object": "DC0_H0_VM0", "fault": "InvalidState",
                                 "message": "lab says no", "count": 1, "skip": 1})
    vm0, vm1 = find_vm(si, "DC0_H0_VM0"), find_vm(si, "DC0_H0_VM1")
    assert wait_task(si, vm1.PowerOffVM_Task())[0] == "success"  # other object
    assert wait_task(si, vm0.PowerOffVM_Task())[0] == "success"  # skipped
    wait_task(si, vm0.PowerOnVM_Task())
    with pytest.raises(vim.fault.InvalidState) as e:
        vm0.PowerOffVM_Task()
    assert "lab says no" in e.value.msg
    assert fresh.ctl("GET", "faults")["rules"][0]["fired"] == 1
    assert wait_task(si, vm0.PowerOffVM_Task())[0] == "success"  # count exhausted


@pytest.mark.parametrize("fault,cls", [
    ("InvalidState", vim.fault.InvalidState), ("InvalidPowerState", vim.fault.InvalidPowerState),
    ("ToolsUnavailable", vim.fault.ToolsUnavailable), ("TaskInProgress", vim.fault.TaskInProgress),
    ("NotFound", vim.fault.NotFound), ("ManagedObjectNotFound", vmodl.fault.ManagedObjectNotFound),
    ("SystemError", vmodl.fault.SystemError), ("InvalidArgument", vmodl.fault.InvalidArgument),
    ("FileFault", vim.fault.FileFault), ("InsufficientResourcesFault", vim.fault.InsufficientResourcesFault),
    ("RuntimeFault", vmodl.RuntimeFault), ("NotAuthenticated", vim.fault.NotAuthenticated)])
def test_task_fault_rule(si, fresh, fault, cls):
    fresh.ctl("POST", "faults", {"task": "PowerOffVM_Task", "object": "*", "fault": fault, "message": "boom"})
    vm = find_vm(si, "DC0_C0_RP0_VM1")
    state, err = wait_task(si, vm.PowerOffVM_Task())
    assert state == "error" and isinstance(err, cls), err
    assert vm.runtime.powerState == "poweredOn"  # no effect on the inventory
    fresh.ctl("DELETE", "faults")
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"


def test_task_fault_message_and_bad_rules(si, fresh):
    fresh.ctl("POST", "faults", {"task": "ReconfigVM_Task", "fault": "InvalidArgument", "message": "nope"})
    vm = find_vm(si, "DC0_H0_VM0")
    task = vm.ReconfigVM_Task(vim.vm.ConfigSpec(numCPUs=4))
    assert wait_task(si, task)[0] == "error"
    assert task.info.error.msg == "nope"
    assert vm.config.hardware.numCPU != 4
    fresh.ctl("POST", "faults", {"method": "X", "fault": "NoSuchFault"}, expect=400)
    fresh.ctl("POST", "faults", {"fault": "InvalidState"}, expect=400)


def test_task_delay_keeps_task_running(si, fresh):
    fresh.ctl("POST", "delay", {"tasks": {"PowerOff": 800}})
    assert fresh.ctl("GET", "delay")["tasks"] == {"PowerOff": 800}
    vm = find_vm(si, "DC0_H0_VM0")
    t0 = time.monotonic()
    task = vm.PowerOffVM_Task()
    assert task.info.state == "running"
    assert vm.runtime.powerState == "poweredOn"  # readable while the task runs
    assert wait_task(si, task)[0] == "success"
    assert time.monotonic() - t0 >= 0.75
    fresh.ctl("DELETE", "faults")  # clears task delays too
    assert fresh.ctl("GET", "delay")["tasks"] == {}


def test_soap_delays(si, fresh):
    vm = find_vm(si, "DC0_H0_VM0")
    fresh.ctl("POST", "delay", {"soap_ms": 0, "methods": {"RetrievePropertiesEx": 300}})
    t0 = time.monotonic()
    si.content.propertyCollector.RetrievePropertiesEx([vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=vm)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.VirtualMachine, pathSet=["name"])])],
        vmodl.query.PropertyCollector.RetrieveOptions())
    assert time.monotonic() - t0 >= 0.3
    fresh.ctl("POST", "delay", {"soap_ms": 200, "methods": {}})
    t0 = time.monotonic()
    si.CurrentTime()
    assert time.monotonic() - t0 >= 0.2
    assert fresh.ctl("GET", "delay")["soap_ms"] == 200
    fresh.reset()
    assert fresh.ctl("GET", "delay") == {"soap_ms": 0, "methods": {}, "tasks": {}, "guest_ms": 300, "rest_ms": 0}


def test_terminate_sessions(si, fresh):
    token = requests.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password), verify=fresh.ca).json()
    out = fresh.ctl("POST", "sessions/terminate")
    assert out["soap"] >= 1 and out["rest"] == 1
    with pytest.raises(vim.fault.NotAuthenticated):
        si.CurrentTime()
    r = requests.get(fresh.url + "/api/session", headers={"vmware-api-session-id": token}, verify=fresh.ca)
    assert r.status_code == 401


def test_session_timeout(fresh):
    fresh.ctl("POST", "sessions/timeout", {"seconds": 1})
    assert fresh.ctl("GET", "sessions/timeout") == {"seconds": 1}
    si = fresh.connect()
    token = requests.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password), verify=fresh.ca).json()
    si.CurrentTime()
    time.sleep(2.5)  # idle on purpose: the timeout is what is tested
    with pytest.raises(vim.fault.NotAuthenticated):
        si.CurrentTime()
    r = requests.get(fresh.url + "/api/session", headers={"vmware-api-session-id": token}, verify=fresh.ca)
    assert r.status_code == 401
    fresh.ctl("POST", "sessions/timeout", {"seconds": 0})
    assert fresh.ctl("GET", "sessions/timeout") == {"seconds": 0}


def test_extension_rest_endpoint_both_styles(si, fresh):
    """guest.go registers /vcenter/vm/{vm}/guest/power through the extension hook."""
    vm = find_vm(si, "DC0_H0_VM0")
    path = f"/vcenter/vm/{vm._moId}/guest/power"
    assert requests.get(fresh.url + "/api" + path, verify=fresh.ca).status_code == 401
    token = requests.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password), verify=fresh.ca).json()
    h = {"vmware-api-session-id": token}
    r = requests.get(fresh.url + "/api" + path, headers=h, verify=fresh.ca)
    assert r.status_code == 200 and r.json()["state"] == "UNAVAILABLE"
    r = requests.get(fresh.url + "/rest" + path, headers=h, verify=fresh.ca)
    assert r.json()["value"]["state"] == "UNAVAILABLE"
    r = requests.post(fresh.url + "/api" + path + "?action=shutdown", headers=h, verify=fresh.ca)
    assert r.status_code == 503 and r.json()["error_type"] == "SERVICE_UNAVAILABLE"
    r = requests.get(fresh.url + "/rest/vcenter/vm/vm-0/guest/power", headers=h, verify=fresh.ca)
    assert r.status_code == 404 and r.json()["type"] == "com.vmware.vapi.std.errors.not_found"
    calls = fresh.ctl("GET", "calls")["by_method"]
    assert calls["POST " + "/api" + path + "?action=shutdown"] == 1


def test_unknown_control_endpoint(lab):
    lab.ctl("GET", "nope", expect=404)
