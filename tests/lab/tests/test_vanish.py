"""POST /lab/vanish removes an object right after the nth call of a method."""
import pytest
from pyVmomi import vim, vmodl

from conftest import find_vm, wait_task

PC = vmodl.query.PropertyCollector


def read_name(si, vm):
    spec = PC.FilterSpec(objectSet=[PC.ObjectSpec(obj=vm)], propSet=[PC.PropertySpec(type=vim.VirtualMachine, pathSet=["name"])])
    return si.content.propertyCollector.RetrievePropertiesEx([spec], PC.RetrieveOptions())


def vm_names(fresh):
    si = fresh.connect()
    c = si.RetrieveContent()
    v = c.viewManager.CreateContainerView(c.rootFolder, [vim.VirtualMachine], True)
    names = sorted(vm.name for vm in v.view)
    v.Destroy()
    return names


@pytest.mark.parametrize("how", ["destroy", "unregister"])
def test_vm_vanishes_after_the_nth_call(si, fresh, how):
    vm = find_vm(si, "DC0_H0_VM0")
    fresh.ctl("POST", "vanish", {"object": "DC0_H0_VM0", "after": "RetrievePropertiesEx", "nth": 2, "how": how})
    assert read_name(si, vm).objects[0].propSet[0].val == "DC0_H0_VM0"  # call 1: there
    assert read_name(si, vm).objects[0].propSet[0].val == "DC0_H0_VM0"  # call 2 answered, then gone
    with pytest.raises(vmodl.fault.ManagedObjectNotFound):
        read_name(si, vm)
    with pytest.raises(vmodl.fault.ManagedObjectNotFound):
        vm.PowerOffVM_Task()
    rules = fresh.ctl("GET", "vanish")["rules"]
    assert rules == [{"object": "DC0_H0_VM0", "after": "RetrievePropertiesEx", "nth": 2, "how": how,
                      "seen": 2, "fired": True, "moid": vm._moId}]
    assert "DC0_H0_VM0" not in vm_names(fresh) and "DC0_H0_VM1" in vm_names(fresh)


def test_a_vm_vanishes_after_a_rest_call(si, fresh):
    vm = find_vm(si, "DC0_H0_VM1")
    fresh.ctl("POST", "vanish", {"object": "DC0_H0_VM1", "after": "GET /api/vcenter/vm", "nth": 1})
    token = fresh.http.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password)).json()
    r = fresh.http.get(fresh.url + "/api/vcenter/vm", params={"names": "DC0_H0_VM1"},
                       headers={"vmware-api-session-id": token})
    assert r.status_code == 200 and [v["vm"] for v in r.json()] == [vm._moId]  # answered first, then gone
    with pytest.raises(vmodl.fault.ManagedObjectNotFound):
        read_name(si, vm)
    assert fresh.ctl("GET", "vanish")["rules"][0]["fired"] is True


def test_snapshot_vanishes_by_moid(si, fresh):
    vm = find_vm(si, "DC0_H0_VM1")
    state = wait_task(si, vm.CreateSnapshot_Task("s1", "", False, False))[0]
    assert state == "success"
    snap = vm.snapshot.rootSnapshotList[0].snapshot
    fresh.ctl("POST", "vanish", {"object": snap._moId, "after": "RetrieveServiceContent"})
    fresh.connect()  # a new connection calls RetrieveServiceContent
    assert vm.snapshot is None
    assert fresh.ctl("GET", "vanish")["rules"][0]["fired"] is True


def test_bad_rules_are_refused_and_delete_clears(fresh):
    assert fresh.ctl("POST", "vanish", {"object": "nope", "after": "Login"}, expect=400)["error"] == 'no single object named "nope"'
    assert fresh.ctl("POST", "vanish", {"object": "DC0_H0_VM0"}, expect=400)["error"] == '"object" and "after" are required'
    assert fresh.ctl("POST", "vanish", {"object": "DC0_H0_VM0", "after": "Login", "how": "melt"}, expect=400)["error"] == \
        '"how" is "destroy" or "unregister"'
    assert fresh.ctl("POST", "vanish", {"object": "DC0_C0_H0", "after": "Login", "how": "unregister"})["rules"][0]["how"] == "unregister"
    fresh.connect()  # Login fires it: unregister of a host is refused and reported
    assert fresh.ctl("GET", "vanish")["rules"][0]["error"] == "unregister applies to VMs only, not HostSystem"
    assert fresh.ctl("DELETE", "vanish") == {"rules": []}
    assert fresh.ctl("GET", "vanish") == {"rules": []}
