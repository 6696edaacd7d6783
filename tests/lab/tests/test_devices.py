# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of tests/lab/devices.go: vCenter's device labels and its controller refusals."""

import pytest
from pyVmomi import vim

from conftest import find_vm, wait_task

Device = vim.vm.device


def labels(vm, cls):
    return [dev.deviceInfo.label for dev in vm.config.hardware.device if isinstance(dev, cls)]


def reconfigure(si, vm, *changes):
    return wait_task(si, vm.ReconfigVM_Task(vim.vm.ConfigSpec(deviceChange=list(changes))))


def powered_off(si, name):
    vm = find_vm(si, name)
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"
    return vm


def scsi0(vm):
    return next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualSCSIController))


def new_disk(controller_key, unit, key=-10, size_kb=1024):
    backing = Device.VirtualDisk.FlatVer2BackingInfo(fileName="[LocalDS_0]", diskMode="persistent", thinProvisioned=True)
    return Device.VirtualDeviceSpec(operation="add", fileOperation="create", device=Device.VirtualDisk(
        key=key, controllerKey=controller_key, unitNumber=unit, capacityInKB=size_kb, backing=backing))


def test_built_vms_carry_vcenters_labels(si):
    vm = find_vm(si, "DC0_H0_VM0")
    assert labels(vm, Device.VirtualDisk) == ["Hard disk 1"]
    assert labels(vm, Device.VirtualEthernetCard) == ["Network adapter 1"]
    assert labels(vm, Device.VirtualCdrom) == ["CD/DVD drive 1"]
    assert labels(vm, Device.VirtualSCSIController) == ["SCSI controller 0"]
    assert sorted(labels(vm, Device.VirtualIDEController)) == ["IDE 0", "IDE 1"]
    # vcsim put the drive on SCSI controller 0 at the disk's unit; vCenter has it on IDE
    cdrom = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualCdrom))
    ide0 = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualIDEController) and dev.busNumber == 0)
    assert (cdrom.controllerKey, cdrom.unitNumber) == (ide0.key, 0) and cdrom.key in ide0.device
    assert cdrom.key not in scsi0(vm).device


def test_added_devices_get_the_next_label_of_their_kind(si):
    vm = powered_off(si, "DC0_H0_VM0")
    ctrl = Device.VirtualDeviceSpec(operation="add", device=Device.VirtualLsiLogicSASController(key=-5, busNumber=1, sharedBus="noSharing"))
    nvme = Device.VirtualDeviceSpec(operation="add", device=Device.VirtualNVMEController(key=-6, busNumber=0))
    nic = Device.VirtualDeviceSpec(operation="add", device=Device.VirtualVmxnet3(
        key=-7, backing=Device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network")))
    assert reconfigure(si, vm, ctrl, nvme, new_disk(-5, 0, key=-8), new_disk(-6, 0, key=-9), nic) == ("success", None)
    assert sorted(labels(vm, Device.VirtualDisk)) == ["Hard disk 1", "Hard disk 2", "Hard disk 3"]
    assert labels(vm, Device.VirtualEthernetCard) == ["Network adapter 1", "Network adapter 2"]
    assert sorted(labels(vm, Device.VirtualSCSIController)) == ["SCSI controller 0", "SCSI controller 1"]
    assert labels(vm, Device.VirtualNVMEController) == ["NVMe controller 0"]
    sas = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualLsiLogicSASController))
    assert sas.scsiCtlrUnitNumber == 7
    # a removed disk's number is given to the next disk
    disk2 = next(dev for dev in vm.config.hardware.device if dev.deviceInfo.label == "Hard disk 2")
    assert reconfigure(si, vm, Device.VirtualDeviceSpec(operation="remove", device=disk2)) == ("success", None)
    assert reconfigure(si, vm, new_disk(scsi0(vm).key, 1)) == ("success", None)
    assert sorted(labels(vm, Device.VirtualDisk)) == ["Hard disk 1", "Hard disk 2", "Hard disk 3"]


@pytest.mark.parametrize("power_off", [True, False])
def test_unit_7_of_a_scsi_controller_is_refused(si, power_off):
    vm = powered_off(si, "DC0_H0_VM0") if power_off else find_vm(si, "DC0_H0_VM0")
    state, error = reconfigure(si, vm, new_disk(scsi0(vm).key, 7))
    assert state == "error" and isinstance(error, vim.fault.InvalidDeviceSpec), error
    assert "Unit number 7 of SCSI controller 0 is reserved" in error.msg
    assert labels(vm, Device.VirtualDisk) == ["Hard disk 1"]


def test_a_second_controller_on_a_taken_bus_is_refused(si):
    vm = find_vm(si, "DC0_H0_VM0")
    dup = Device.VirtualDeviceSpec(operation="add", device=Device.VirtualLsiLogicController(key=-5, busNumber=0, sharedBus="noSharing"))
    state, error = reconfigure(si, vm, dup)
    assert state == "error" and isinstance(error, vim.fault.InvalidDeviceSpec) and "already has a SCSI controller on bus 0" in error.msg


def test_a_controller_with_disks_cannot_be_removed(si):
    vm = powered_off(si, "DC0_H0_VM0")
    state, error = reconfigure(si, vm, Device.VirtualDeviceSpec(operation="remove", device=scsi0(vm)))
    assert state == "error" and isinstance(error, vim.fault.InvalidDeviceOperation), error
    assert "SCSI controller 0 cannot be removed: devices are attached to it (Hard disk 1)" in error.msg
    assert labels(vm, Device.VirtualSCSIController) == ["SCSI controller 0"]


def retype_scsi0(vm):
    """SCSI controller 0 becomes an LSI Logic one: removed, added again on bus 0, its disk moved to it."""
    disk = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualDisk))
    disk.controllerKey = -5
    new = Device.VirtualLsiLogicController(key=-5, busNumber=0, sharedBus="noSharing")
    return [Device.VirtualDeviceSpec(operation="remove", device=scsi0(vm)),
            Device.VirtualDeviceSpec(operation="add", device=new), Device.VirtualDeviceSpec(operation="edit", device=disk)]


def test_a_controller_cannot_be_removed_while_the_vm_runs(si):
    vm = find_vm(si, "DC0_H0_VM0")
    old = scsi0(vm)
    state, error = reconfigure(si, vm, *retype_scsi0(vm))
    assert state == "error" and isinstance(error, vim.fault.DeviceHotPlugNotSupported), error
    assert "SCSI controller 0 cannot be removed while the virtual machine is poweredOn" in error.msg
    assert type(scsi0(vm)) is type(old)


def test_a_type_change_is_remove_add_and_move_while_off(si):
    vm = powered_off(si, "DC0_H0_VM0")
    assert reconfigure(si, vm, *retype_scsi0(vm)) == ("success", None)
    new = scsi0(vm)
    assert isinstance(new, Device.VirtualLsiLogicController) and new.deviceInfo.label == "SCSI controller 0"
    disk = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualDisk))
    assert disk.controllerKey == new.key and disk.deviceInfo.label == "Hard disk 1"


def test_ide_devices_are_not_hot_plugged(si):
    vm = find_vm(si, "DC0_H0_VM0")
    ide1 = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualIDEController) and dev.busNumber == 1)
    add = Device.VirtualDeviceSpec(operation="add", device=Device.VirtualCdrom(
        key=-5, controllerKey=ide1.key, unitNumber=0,
        backing=Device.VirtualCdrom.RemotePassthroughBackingInfo(deviceName="", exclusive=False)))
    state, error = reconfigure(si, vm, add)
    assert state == "error" and isinstance(error, vim.fault.DeviceHotPlugNotSupported) and "cannot be added to IDE 1" in error.msg
    cdrom = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualCdrom))
    state, error = reconfigure(si, vm, Device.VirtualDeviceSpec(operation="remove", device=cdrom))
    assert state == "error" and isinstance(error, vim.fault.DeviceHotPlugNotSupported)
    assert labels(vm, Device.VirtualCdrom) == ["CD/DVD drive 1"]
    vm = powered_off(si, "DC0_H0_VM0")
    assert reconfigure(si, vm, add) == ("success", None)
    assert sorted(labels(vm, Device.VirtualCdrom)) == ["CD/DVD drive 1", "CD/DVD drive 2"]


# ---- unit ranges per controller type and hardware version (devices.go unitFault) ------------
def upgraded(si, vm, version):
    assert wait_task(si, vm.UpgradeVM_Task(version=version)) == ("success", None)
    assert vm.config.version == version
    return vm


def new_controller(cls, key, bus):
    extra = {"sharedBus": "noSharing"} if issubclass(cls, Device.VirtualSCSIController) else {}
    return Device.VirtualDeviceSpec(operation="add", device=cls(key=key, busNumber=bus, **extra))


def disk_units(vm, controller_key):
    return sorted(dev.unitNumber for dev in vm.config.hardware.device
                  if isinstance(dev, Device.VirtualDisk) and dev.controllerKey == controller_key)


def plain_invalid(error):
    """InvalidDeviceSpec itself, not a subclass such as DeviceUnsupportedForVmVersion."""
    return isinstance(error, vim.fault.InvalidDeviceSpec) and not isinstance(
        error, (vim.fault.DeviceUnsupportedForVmVersion, vim.fault.DeviceHotPlugNotSupported, vim.fault.InvalidDeviceOperation))


def test_a_paravirtual_disk_above_15_needs_hardware_version_14(si):
    vm = powered_off(si, "DC0_H0_VM0")
    assert vm.config.version == "vmx-13" and isinstance(scsi0(vm), Device.ParaVirtualSCSIController)
    state, error = reconfigure(si, vm, new_disk(scsi0(vm).key, 20))
    assert state == "error" and isinstance(error, vim.fault.DeviceUnsupportedForVmVersion), error
    assert (error.currentVersion, error.expectedVersion, error.deviceIndex) == ("vmx-13", "vmx-14", 0)
    assert "A minimum version of 'vmx-14' is required" in error.msg
    assert labels(vm, Device.VirtualDisk) == ["Hard disk 1"]
    upgraded(si, vm, "vmx-14")
    assert reconfigure(si, vm, new_disk(scsi0(vm).key, 20), new_disk(scsi0(vm).key, 63, key=-11)) == ("success", None)
    assert disk_units(vm, scsi0(vm).key) == [0, 20, 63]
    # 64 targets: 63 is the last unit, whatever the version
    state, error = reconfigure(si, vm, new_disk(scsi0(vm).key, 64))
    assert state == "error" and plain_invalid(error) and error.deviceIndex == 0, error
    assert "Invalid configuration for device '0'" in error.msg
    assert disk_units(vm, scsi0(vm).key) == [0, 20, 63]


@pytest.mark.parametrize("cls, unit, version", [
    (Device.VirtualLsiLogicController, 16, "vmx-21"),
    (Device.VirtualLsiLogicSASController, 16, "vmx-21"),
    (Device.VirtualBusLogicController, 16, "vmx-14"),
    (Device.VirtualAHCIController, 30, "vmx-21"),
    (Device.VirtualNVMEController, 64, "vmx-21"),
])
def test_units_beyond_what_any_version_takes_are_refused(si, cls, unit, version):
    vm = upgraded(si, powered_off(si, "DC0_H0_VM0"), version)
    state, error = reconfigure(si, vm, new_controller(cls, -5, 1), new_disk(-5, unit, key=-8))
    assert state == "error" and plain_invalid(error) and error.deviceIndex == 1, error
    assert not [dev for dev in vm.config.hardware.device if isinstance(dev, cls) and dev.busNumber == 1]
    # the last unit of the range is taken
    assert reconfigure(si, vm, new_controller(cls, -5, 1), new_disk(-5, unit - 1, key=-8)) == ("success", None)


def test_nvme_above_14_needs_hardware_version_21(si):
    vm = upgraded(si, powered_off(si, "DC0_H0_VM0"), "vmx-20")
    state, error = reconfigure(si, vm, new_controller(Device.VirtualNVMEController, -5, 0), new_disk(-5, 15, key=-8))
    assert state == "error" and isinstance(error, vim.fault.DeviceUnsupportedForVmVersion), error
    assert (error.currentVersion, error.expectedVersion) == ("vmx-20", "vmx-21")
    assert reconfigure(si, vm, new_controller(Device.VirtualNVMEController, -5, 0), new_disk(-5, 14, key=-8)) == ("success", None)
    upgraded(si, vm, "vmx-21")
    nvme = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualNVMEController))
    assert reconfigure(si, vm, new_disk(nvme.key, 40)) == ("success", None)
    assert disk_units(vm, nvme.key) == [14, 40]


def test_ide_takes_units_0_and_1_only(si):
    vm = powered_off(si, "DC0_H0_VM0")
    ide1 = next(dev for dev in vm.config.hardware.device if isinstance(dev, Device.VirtualIDEController) and dev.busNumber == 1)
    state, error = reconfigure(si, vm, new_disk(ide1.key, 2))
    assert state == "error" and plain_invalid(error), error
