# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of tests/lab/clone.go, customization.go and vmtx.go: template deploys as vCenter does them."""

import pytest
from pyVim.connect import Connect, Disconnect
from pyVmomi import vim, vmodl

from conftest import find_vm, wait_task, watch


def make_template(si, source="DC0_H0_VM0", name="tmpl", guest_id=None, snapshot=None):
    """A powered-off template cloned from source (the lab's inventory has none)."""
    vm = find_vm(si, source)
    spec = vim.vm.CloneSpec(location=vim.vm.RelocateSpec(), template=not snapshot)
    if guest_id:
        spec.config = vim.vm.ConfigSpec(guestId=guest_id)
    state, error = wait_task(si, vm.CloneVM_Task(folder=vm.parent, name=name, spec=spec))
    assert (state, error) == ("success", None)
    tmpl = find_vm(si, name)
    if snapshot:
        assert wait_task(si, tmpl.CreateSnapshot_Task(name=snapshot, memory=False, quiesce=False))[0] == "success"
        tmpl.MarkAsTemplate()
    return tmpl


def pool(si):
    return find_vm(si, "DC0_H0_VM0").resourcePool


def linux_spec(nics=1, ip="192.0.2.10"):
    adapters = [vim.vm.customization.AdapterMapping(adapter=vim.vm.customization.IPSettings(
        ip=vim.vm.customization.FixedIp(ipAddress=ip), subnetMask="255.255.255.0", gateway=["192.0.2.1"]))]
    adapters += [vim.vm.customization.AdapterMapping(adapter=vim.vm.customization.IPSettings(
        ip=vim.vm.customization.DhcpIpGenerator())) for _nic in range(nics - 1)]
    return vim.vm.customization.Specification(
        identity=vim.vm.customization.LinuxPrep(hostName=vim.vm.customization.FixedName(name="web01"), domain="lab.local"),
        globalIPSettings=vim.vm.customization.GlobalIPSettings(), nicSettingMap=adapters)


def clone(si, tmpl, name, **spec):
    spec.setdefault("location", vim.vm.RelocateSpec(pool=pool(si)))
    return wait_task(si, tmpl.CloneVM_Task(folder=tmpl.parent, name=name, spec=vim.vm.CloneSpec(**spec)))


def customized(si, vm, timeout=5):
    """Wait until the guest has run its pending customization (pendingCustomization cleared)."""
    # an empty string reads back as unset once the property is read afresh
    watch(si, vm, ["config.tools.pendingCustomization"], lambda v: not v.get("config.tools.pendingCustomization"), timeout)


def events(si, vm):
    flt = vim.event.EventFilterSpec(entity=vim.event.EventFilterSpec.ByEntity(entity=vm, recursion="self"))
    return [type(e).__name__.split(".")[-1] for e in si.content.eventManager.QueryEvents(flt)]


def test_clone_applies_config_overrides_and_refuses_bad_sizes(si):
    tmpl = make_template(si)
    disk = [d for d in tmpl.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)][0]
    grown = vim.vm.device.VirtualDeviceSpec(operation="edit", device=disk)
    disk.capacityInKB *= 2
    disk.capacityInBytes = disk.capacityInKB * 1024
    config = vim.vm.ConfigSpec(numCPUs=4, numCoresPerSocket=2, memoryMB=64, annotation="from tmpl", deviceChange=[grown])
    assert clone(si, tmpl, "big", config=config) == ("success", None)
    vm = find_vm(si, "big")
    assert (vm.config.hardware.numCPU, vm.config.hardware.numCoresPerSocket, vm.config.hardware.memoryMB) == (4, 2, 64)
    assert vm.config.annotation == "from tmpl" and vm.config.template is False
    new_disk = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)][0]
    assert new_disk.capacityInKB == disk.capacityInKB
    for bad, prop in (({"memoryMB": 1001}, "memoryMB"), ({"numCPUs": 3, "numCoresPerSocket": 2}, "numCoresPerSocket")):
        state, error = clone(si, tmpl, "bad", config=vim.vm.ConfigSpec(**bad))
        assert state == "error" and isinstance(error, vmodl.fault.InvalidArgument) and error.invalidProperty == prop
    with pytest.raises(LookupError):
        find_vm(si, "bad")


def test_customization_runs_after_power_on_with_events(si, fresh):
    fresh.ctl("POST", "customization", {"start_ms": 1000})  # time to see it pending, even on a busy machine
    tmpl = make_template(si)
    state, error = clone(si, tmpl, "web", customization=linux_spec(), powerOn=True)
    assert (state, error) == ("success", None)
    vm = find_vm(si, "web")
    # the clone task ends before the guest customizes itself, as on vCenter
    assert vm.config.tools.pendingCustomization and "CustomizationSucceeded" not in events(si, vm)
    customized(si, vm)
    assert vm.guest.hostName == "web01" and vm.guest.ipAddress == "192.0.2.10"
    assert vm.guest.toolsRunningStatus == "guestToolsRunning"
    assert not vm.config.tools.pendingCustomization
    seen = events(si, vm)
    assert seen.index("CustomizationStartedEvent") > seen.index("CustomizationSucceeded")  # newest first
    assert "CustomizationFailed" not in seen


def test_customization_failure_from_the_control_hook(si, fresh):
    fresh.ctl("POST", "customization", {"object": "web", "event": "CustomizationNetworkSetupFailed",
                                        "reason": "no such interface eth7", "count": 1})
    tmpl = make_template(si)
    assert clone(si, tmpl, "web", customization=linux_spec(), powerOn=True) == ("success", None)
    vm = find_vm(si, "web")
    customized(si, vm)
    assert vm.guest.hostName != "web01"
    flt = vim.event.EventFilterSpec(entity=vim.event.EventFilterSpec.ByEntity(entity=vm, recursion="self"))
    failed = [e for e in si.content.eventManager.QueryEvents(flt) if isinstance(e, vim.event.CustomizationFailed)]
    assert len(failed) == 1 and isinstance(failed[0], vim.event.CustomizationNetworkSetupFailed)
    assert failed[0].reason == "no such interface eth7"
    assert fresh.ctl("GET", "customization")["rules"][0]["fired"] == 1


def test_customization_mismatches_fail_the_clone(si):
    tmpl = make_template(si)
    state, error = clone(si, tmpl, "two-nics", customization=linux_spec(nics=2))
    assert state == "error" and isinstance(error, vim.fault.NicSettingMismatch)
    sysprep = vim.vm.customization.Specification(
        identity=vim.vm.customization.Sysprep(
            guiUnattended=vim.vm.customization.GuiUnattended(autoLogon=False, autoLogonCount=0, timeZone=85),
            userData=vim.vm.customization.UserData(computerName=vim.vm.customization.FixedName(name="win01"),
                                                   fullName="x", orgName="y", productId=""),
            identification=vim.vm.customization.Identification(joinWorkgroup="WORKGROUP")),
        globalIPSettings=vim.vm.customization.GlobalIPSettings(), nicSettingMap=linux_spec().nicSettingMap)
    state, error = clone(si, tmpl, "win-on-linux", customization=sysprep)
    assert state == "error" and isinstance(error, vim.fault.UncustomizableGuest)
    win = make_template(si, name="wintmpl", guest_id="windows9Server64Guest")
    assert win.config.guestId == "windows9Server64Guest"
    assert clone(si, win, "win01", customization=sysprep, powerOn=True) == ("success", None)
    vm = find_vm(si, "win01")
    customized(si, vm)
    assert vm.guest.hostName == "win01" and "CustomizationSucceeded" in events(si, vm)


def test_cloud_init_and_customize_vm_task(fresh):
    # cloud-init customization is vSphere 7.0 U3+: pyVmomi drops CloudinitPrep at the lab's API 6.5
    si = Connect(host=fresh.host, port=fresh.port, user=fresh.user, pwd=fresh.password,
                 sslContext=fresh.ssl_context(), version="vim.version.v7_0_3_0")
    try:
        tmpl = make_template(si)
        assert clone(si, tmpl, "ci") == ("success", None)
        vm = find_vm(si, "ci")
        spec = vim.vm.customization.Specification(identity=vim.vm.customization.CloudinitPrep(
            metadata="instance-id: ci-1\nlocal-hostname: cloudy\n", userdata="#cloud-config\n"),
            globalIPSettings=vim.vm.customization.GlobalIPSettings())
        assert wait_task(si, vm.CustomizeVM_Task(spec)) == ("success", None)
        assert vm.config.tools.pendingCustomization
        state, error = wait_task(si, vm.CustomizeVM_Task(spec))
        assert state == "error" and isinstance(error, vim.fault.CustomizationPending)
        assert wait_task(si, vm.PowerOnVM_Task())[0] == "success"
        customized(si, vm)
        assert vm.guest.hostName == "cloudy" and vm.guest.ipAddress.startswith("10.77.")
    finally:
        Disconnect(si)


def test_linked_clones_share_the_parent_disk(si):
    tmpl = make_template(si, snapshot="base")
    base = [d for d in tmpl.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)][0].backing.fileName
    linked = vim.vm.RelocateSpec(pool=pool(si), diskMoveType="createNewChildDiskBacking")
    state, error = clone(si, tmpl, "nosnap", location=linked)
    assert state == "error" and isinstance(error, vmodl.fault.InvalidArgument) and error.invalidProperty == "spec.snapshot"
    for name in ("l1", "l2"):
        assert clone(si, tmpl, name, location=linked, snapshot=tmpl.snapshot.currentSnapshot) == ("success", None)
    parents = []
    for name in ("l1", "l2"):
        disk = [d for d in find_vm(si, name).config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)][0]
        assert disk.backing.fileName != base
        parents.append(disk.backing.parent.fileName)
    assert parents == [base, base]
    full = [d for d in tmpl.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)][0]
    assert full.backing.parent is None


def test_clone_into_a_missing_folder_is_a_fault(si):
    tmpl = make_template(si)
    gone = vim.Folder("group-v999999", tmpl._stub)
    state, error = wait_task(si, tmpl.CloneVM_Task(folder=gone, name="x", spec=vim.vm.CloneSpec(
        location=vim.vm.RelocateSpec(pool=pool(si)))))
    assert state == "error" and isinstance(error, vmodl.fault.ManagedObjectNotFound)


# --- content library VMTX -------------------------------------------------------------

def rest(fresh, method, path, json=None, style="api"):
    token = fresh.http.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password)).json()
    r = fresh.http.request(method, fresh.url + "/" + style + path, json=json, headers={"vmware-api-session-id": token})
    return r.status_code, (r.json() if r.content else None)


def make_vmtx(fresh, si):
    ds = si.content.rootFolder.childEntity[0].datastore[0]._moId
    status, lib = rest(fresh, "POST", "/com/vmware/content/local-library", {"create_spec": {
        "name": "lib", "type": "LOCAL", "storage_backings": [{"type": "DATASTORE", "datastore_id": ds}]}}, style="rest")
    assert status == 200, lib
    vm = find_vm(si, "DC0_H0_VM0")
    status, item = rest(fresh, "POST", "/vcenter/vm-template/library-items", {"spec": {
        "source_vm": vm._moId, "name": "vmtx", "library": lib["value"],
        "placement": {"folder": vm.parent._moId, "resource_pool": vm.resourcePool._moId}}}, style="rest")
    assert status == 200, item
    return item["value"], vm


@pytest.mark.parametrize("style", ["api", "rest"])
def test_vmtx_deploy_gives_a_customized_started_vm(si, fresh, style):
    item, src = make_vmtx(fresh, si)
    assert find_vm(si, "vmtx").config.template is True
    status, info = rest(fresh, "GET", "/vcenter/vm-template/library-items/" + item, style=style)
    assert status == 200, info
    info = info if style == "api" else info["value"]
    assert src.config.guestId == "otherGuest" and info["guest_OS"] == "OTHER" and info["memory"]["size_MiB"] == src.config.hardware.memoryMB
    nic_keys = list(info["nics"]) if style == "api" else [n["key"] for n in info["nics"]]
    assert len(nic_keys) == 1
    si.content.customizationSpecManager.CreateCustomizationSpec(vim.CustomizationSpecItem(
        info=vim.CustomizationSpecInfo(name="linux", type="Linux", description=""), spec=linux_spec()))
    spec = {"name": "fromlib", "powered_on": True,
            "placement": {"folder": src.parent._moId, "resource_pool": src.resourcePool._moId},
            "hardware_customization": {"cpu_update": {"num_cpus": 2, "num_cores_per_socket": 2},
                                       "memory_update": {"memory": 64}},
            "guest_customization": {"name": "linux"}}
    status, vm_id = rest(fresh, "POST", "/vcenter/vm-template/library-items/%s?action=deploy" % item,
                         spec if style == "api" else {"spec": spec}, style=style)
    assert status == 200, vm_id
    vm_id = vm_id if style == "api" else vm_id["value"]
    vm = find_vm(si, "fromlib")
    assert vm._moId == vm_id and vm.config.template is False
    assert vm.runtime.powerState == "poweredOn"
    assert (vm.config.hardware.numCPU, vm.config.hardware.numCoresPerSocket, vm.config.hardware.memoryMB) == (2, 2, 64)
    customized(si, vm)
    assert vm.guest.ipAddress == "192.0.2.10"


def test_vmtx_deploy_errors(si, fresh):
    item, src = make_vmtx(fresh, si)
    path = "/vcenter/vm-template/library-items/%s?action=deploy" % item
    status, body = rest(fresh, "POST", path, {"name": "x", "placement": {"resource_pool": src.resourcePool._moId}})
    assert status == 400 and body["error_type"] == "INVALID_ARGUMENT" and "folder" in body["messages"][0]["default_message"]
    status, body = rest(fresh, "POST", path, {"name": "x", "placement": {"folder": "group-v424242", "resource_pool": src.resourcePool._moId}})
    assert status == 404 and body["error_type"] == "NOT_FOUND"
    status, body = rest(fresh, "POST", "/vcenter/vm-template/library-items/nope?action=deploy", {"name": "x"})
    assert status == 404
    status, body = rest(fresh, "POST", path, {"name": "x", "guest_customization": {"name": "nope"},
                                              "placement": {"folder": src.parent._moId, "resource_pool": src.resourcePool._moId}})
    assert status == 404 and "nope" in body["messages"][0]["default_message"]
    with pytest.raises(LookupError):
        find_vm(si, "x")
    assert fresh.ctl("GET", "status")["vms"] == 5  # the four VMs and the item's template; the lab still serves


def test_library_lookups_on_api(si, fresh):
    item, _src = make_vmtx(fresh, si)
    status, libs = rest(fresh, "POST", "/content/library?action=find", {"name": "lib"})
    assert status == 200 and len(libs) == 1
    status, items = rest(fresh, "POST", "/content/library/item?action=find", {"name": "vmtx", "library_id": libs[0]})
    assert (status, items) == (200, [item])
    assert rest(fresh, "POST", "/content/library/item?action=find", {"name": "nope", "library_id": libs[0]}) == (200, [])
    assert rest(fresh, "POST", "/content/library/item?action=find", {"name": "vmtx", "type": "vm-template"}) == (200, [item])
    assert rest(fresh, "POST", "/content/library/item?action=find", {"name": "vmtx", "type": "ovf"}) == (200, [])
