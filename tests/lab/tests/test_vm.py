"""Tasks awaited with the PropertyCollector, compatibility fixes and guest operations."""
import time

import pytest
from pyVmomi import vim, vmodl

from conftest import find_vm, wait_task, wait_property

DEFAULT_VMS = ["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"]


def all_vms(si):
    c = si.RetrieveContent()
    v = c.viewManager.CreateContainerView(c.rootFolder, [vim.VirtualMachine], True)
    try:
        return list(v.view)
    finally:
        v.Destroy()


def test_default_inventory(si):
    assert sorted(vm.name for vm in all_vms(si)) == DEFAULT_VMS


def test_power_snapshot_reconfigure_tasks(si):
    vm = find_vm(si, "DC0_H0_VM0")
    assert wait_task(si, vm.PowerOffVM_Task()) == ("success", None)
    assert vm.runtime.powerState == "poweredOff"
    state, err = wait_task(si, vm.PowerOffVM_Task())
    assert state == "error" and isinstance(err, vim.fault.InvalidPowerState)
    assert wait_task(si, vm.CreateSnapshot_Task("s1", "first", False, False))[0] == "success"
    assert vm.snapshot.rootSnapshotList[0].name == "s1"
    spec = vim.vm.ConfigSpec(numCPUs=2, memoryMB=2048)
    assert wait_task(si, vm.ReconfigVM_Task(spec))[0] == "success"
    assert (vm.config.hardware.numCPU, vm.config.hardware.memoryMB) == (2, 2048)
    assert wait_task(si, vm.PowerOnVM_Task())[0] == "success"
    assert vm.runtime.powerState == "poweredOn"


def test_enum_fields_set_on_every_vm(si):
    for vm in all_vms(si):
        assert vm.runtime.faultToleranceState == "notConfigured"
        assert vm.summary.runtime.recordReplayState == "inactive"
    src = find_vm(si, "DC0_H0_VM0")
    # clone
    spec = vim.vm.CloneSpec(location=vim.vm.RelocateSpec(), powerOn=False)
    assert wait_task(si, src.CloneVM_Task(folder=src.parent, name="clone1", spec=spec)) == ("success", None)
    # create
    cfg = vim.vm.ConfigSpec(name="created1", guestId="otherGuest",
                            files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"))
    assert wait_task(si, src.parent.CreateVM_Task(config=cfg, pool=src.resourcePool)) == ("success", None)
    for name in ("clone1", "created1"):
        vm = find_vm(si, name)
        assert vm.runtime.faultToleranceState == "notConfigured", name
        assert vm.summary.runtime.faultToleranceState == "notConfigured", name
        assert vm.runtime.recordReplayState == "inactive", name


def test_fetch_of_unset_property_is_none(si):
    vm = find_vm(si, "DC0_H0_VM1")
    assert vm.snapshot is None  # pyVmomi reads single properties with Fetch
    assert vm.parentVApp is None


def test_task_panic_becomes_fault_and_lab_keeps_serving(si):
    vm = find_vm(si, "DC0_C0_RP0_VM0")
    nic = vim.vm.device.VirtualVmxnet3(
        key=-1, backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="no-such-network"))
    spec = vim.vm.ConfigSpec(deviceChange=[vim.vm.device.VirtualDeviceSpec(operation="add", device=nic)])
    state, err = wait_task(si, vm.ReconfigVM_Task(spec))
    assert state == "error"
    assert isinstance(err, vmodl.fault.SystemError), err
    assert "panic" in err.reason
    # still serving, and the VM is still usable
    assert vm.runtime.powerState == "poweredOn"
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"


def enable_tools(si, vm):
    spec = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="SET.guest.toolsRunningStatus",
                                                                 value="guestToolsRunning")])
    assert wait_task(si, vm.ReconfigVM_Task(spec))[0] == "success"
    assert vm.guest.toolsRunningStatus == "guestToolsRunning"


@pytest.mark.parametrize("op", ["ShutdownGuest", "RebootGuest", "StandbyGuest"])
def test_guest_ops_need_tools(si, op):
    vm = find_vm(si, "DC0_H0_VM0")
    with pytest.raises(vim.fault.ToolsUnavailable):
        getattr(vm, op)()
    assert vm.runtime.powerState == "poweredOn"


@pytest.mark.parametrize("op", ["ShutdownGuest", "RebootGuest", "StandbyGuest"])
def test_guest_ops_need_power_on(si, op):
    vm = find_vm(si, "DC0_H0_VM0")
    enable_tools(si, vm)
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"
    with pytest.raises(vim.fault.InvalidPowerState):
        getattr(vm, op)()


@pytest.mark.parametrize("op,final", [("ShutdownGuest", "poweredOff"), ("StandbyGuest", "suspended")])
def test_guest_shutdown_is_asynchronous(si, fresh, op, final):
    fresh.ctl("POST", "delay", {"guest_ms": 400})
    vm = find_vm(si, "DC0_H0_VM0")
    enable_tools(si, vm)
    t0 = time.monotonic()
    assert getattr(vm, op)() is None  # no task
    assert vm.runtime.powerState == "poweredOn"  # not yet
    t1 = wait_property(si, vm, "runtime.powerState", final)
    assert 0.3 <= t1 - t0 < 3


def test_reboot_guest_with_tools(si):
    vm = find_vm(si, "DC0_H0_VM0")
    enable_tools(si, vm)
    vm.RebootGuest()
    assert vm.runtime.powerState == "poweredOn"


def test_power_on_template_is_a_fault(si):
    vm = find_vm(si, "DC0_H0_VM1")
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"
    vm.MarkAsTemplate()
    with pytest.raises(vim.fault.InvalidState):
        vm.PowerOnVM_Task()


def test_guest_ip_after_power_on(si):
    vm = find_vm(si, "DC0_H0_VM0")
    spec = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="SET.guest.ipAddress", value="10.0.0.42")])
    assert wait_task(si, vm.ReconfigVM_Task(spec))[0] == "success"
    assert vm.guest.ipAddress == "10.0.0.42"
    assert vm.summary.guest.ipAddress == "10.0.0.42"


def test_registry_walks_survive_lab_objects(si):
    """SearchIndex.FindAllByUuid walks every registry object, the lab's own included;
    it used to panic on the lab's SOAP dispatcher."""
    vm = find_vm(si, "DC0_H0_VM1")
    search = si.RetrieveContent().searchIndex
    found = search.FindAllByUuid(datacenter=None, uuid=vm.config.uuid, vmSearch=True, instanceUuid=False)
    assert [v._moId for v in found] == [vm._moId]
    found = search.FindAllByUuid(datacenter=None, uuid=vm.config.instanceUuid, vmSearch=True, instanceUuid=True)
    assert [v._moId for v in found] == [vm._moId]
