# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of tests/lab/reconfigure.go: ReconfigVM_Task checks a real vCenter makes."""

import pytest
from pyVmomi import vim, vmodl

from conftest import find_vm, wait_task


def reconfigure(si, vm, **spec):
    return wait_task(si, vm.ReconfigVM_Task(vim.vm.ConfigSpec(**spec)))


def powered_off(si, name):
    vm = find_vm(si, name)
    assert wait_task(si, vm.PowerOffVM_Task())[0] == "success"
    return vm


@pytest.mark.parametrize("spec, fault, invalid", [
    ({"numCPUs": 2}, vim.fault.CpuHotPlugNotSupported, None),
    ({"memoryMB": 64}, vim.fault.MemoryHotPlugNotSupported, None),
    ({"cpuHotAddEnabled": True}, vim.fault.InvalidPowerState, None),
    ({"numCoresPerSocket": 1, "numCPUs": 1, "memoryHotAddEnabled": True}, vim.fault.InvalidPowerState, None),
    ({"memoryMB": 1001}, vmodl.fault.InvalidArgument, "memoryMB"),
])
def test_running_vm_refuses_what_it_cannot_take(si, spec, fault, invalid):
    vm = find_vm(si, "DC0_H0_VM0")
    before = (vm.config.hardware.numCPU, vm.config.hardware.memoryMB, vm.config.cpuHotAddEnabled)
    state, error = reconfigure(si, vm, **spec)
    assert state == "error"
    assert isinstance(error, fault), error
    if invalid:
        assert error.invalidProperty == invalid
    assert (vm.config.hardware.numCPU, vm.config.hardware.memoryMB, vm.config.cpuHotAddEnabled) == before


def test_hot_add_allows_growth_but_never_less_memory(si):
    vm = powered_off(si, "DC0_H0_VM1")
    assert reconfigure(si, vm, cpuHotAddEnabled=True, memoryHotAddEnabled=True)[0] == "success"
    assert wait_task(si, vm.PowerOnVM_Task())[0] == "success"
    assert reconfigure(si, vm, numCPUs=2, memoryMB=64) == ("success", None)
    assert (vm.config.hardware.numCPU, vm.config.hardware.memoryMB) == (2, 64)
    state, error = reconfigure(si, vm, memoryMB=32)
    assert state == "error" and isinstance(error, vim.fault.MemoryHotPlugNotSupported)
    state, error = reconfigure(si, vm, numCPUs=1)
    assert state == "error" and isinstance(error, vim.fault.CpuHotPlugNotSupported)


@pytest.mark.parametrize("spec, prop", [
    ({"memoryMB": 1001}, "memoryMB"),
    ({"memoryMB": -4}, "memoryMB"),
    ({"numCPUs": 3, "numCoresPerSocket": 2}, "numCoresPerSocket"),
    ({"numCoresPerSocket": 2}, "numCoresPerSocket"),
])
def test_invalid_sizes_are_refused_even_when_off(si, spec, prop):
    vm = powered_off(si, "DC0_H0_VM0")
    state, error = reconfigure(si, vm, **spec)
    assert state == "error" and isinstance(error, vmodl.fault.InvalidArgument) and error.invalidProperty == prop
    assert (vm.config.hardware.numCPU, vm.config.hardware.memoryMB) == (1, 32)


def test_powered_off_vm_takes_cpu_memory_and_cores(si):
    vm = powered_off(si, "DC0_H0_VM0")
    assert reconfigure(si, vm, numCPUs=4, numCoresPerSocket=2, memoryMB=4096) == ("success", None)
    hw = vm.config.hardware
    assert (hw.numCPU, hw.numCoresPerSocket, hw.memoryMB) == (4, 2, 4096)


def test_scheduled_hardware_upgrade_is_stored_and_reported(si):
    vm = find_vm(si, "DC0_H0_VM0")
    info = vim.vm.ScheduledHardwareUpgradeInfo(upgradePolicy="onSoftPowerOff", versionKey="vmx-21")
    assert reconfigure(si, vm, scheduledHardwareUpgradeInfo=info) == ("success", None)
    got = vm.config.scheduledHardwareUpgradeInfo
    assert (got.upgradePolicy, got.versionKey, got.scheduledHardwareUpgradeStatus) == ("onSoftPowerOff", "vmx-21", "pending")
    never = vim.vm.ScheduledHardwareUpgradeInfo(upgradePolicy="never")
    assert reconfigure(si, vm, scheduledHardwareUpgradeInfo=never) == ("success", None)
    got = vm.config.scheduledHardwareUpgradeInfo
    assert (got.upgradePolicy, got.versionKey, got.scheduledHardwareUpgradeStatus) == ("never", None, "none")
    state, error = reconfigure(si, vm, scheduledHardwareUpgradeInfo=vim.vm.ScheduledHardwareUpgradeInfo(upgradePolicy="sometimes"))
    assert state == "error" and error.invalidProperty == "scheduledHardwareUpgradeInfo.upgradePolicy"


@pytest.mark.parametrize("spec, prop", [
    ({"cpuAllocation": vim.ResourceAllocationInfo(reservation=3000, limit=2000)}, "spec.cpuAllocation.reservation"),
    ({"memoryAllocation": vim.ResourceAllocationInfo(reservation=64)}, "spec.memoryAllocation.reservation"),
])
def test_a_reservation_above_its_limit_or_the_memory_is_refused(si, spec, prop):
    vm = find_vm(si, "DC0_H0_VM0")
    state, error = reconfigure(si, vm, **spec)
    assert state == "error" and isinstance(error, vmodl.fault.InvalidArgument) and error.invalidProperty == prop
    assert vm.config.cpuAllocation.reservation in (None, 0) and vm.config.memoryAllocation.reservation in (None, 0)


def test_allocations_nested_virt_guest_and_firmware_are_stored_and_reported(si):
    vm = powered_off(si, "DC0_H0_VM0")
    shares = vim.SharesInfo(level="custom", shares=1500)
    spec = {"cpuAllocation": vim.ResourceAllocationInfo(reservation=100, limit=2000, shares=shares),
            "memoryAllocation": vim.ResourceAllocationInfo(reservation=16), "nestedHVEnabled": True,
            "guestId": "ubuntu64Guest", "firmware": "efi", "bootOptions": vim.vm.BootOptions(efiSecureBootEnabled=True)}
    assert reconfigure(si, vm, **spec) == ("success", None)
    cfg = vm.config
    assert (cfg.cpuAllocation.reservation, cfg.cpuAllocation.limit, cfg.cpuAllocation.shares.shares) == (100, 2000, 1500)
    assert (cfg.memoryAllocation.reservation, cfg.nestedHVEnabled, cfg.guestId, cfg.firmware) == (16, True, "ubuntu64Guest", "efi")
    assert cfg.bootOptions.efiSecureBootEnabled is True


@pytest.mark.parametrize("spec, fault", [
    ({"bootOptions": vim.vm.BootOptions(efiSecureBootEnabled=True)}, vim.fault.InvalidVmConfig),
    ({"bootOptions": vim.vm.BootOptions(efiSecureBootEnabled=True), "firmware": "bios"}, vim.fault.InvalidVmConfig),
    ({"guestId": "beos5Guest", "nestedHVEnabled": True}, vmodl.fault.InvalidArgument),
])
def test_secure_boot_on_bios_and_unknown_guests_are_refused_changing_nothing(si, spec, fault):
    vm = powered_off(si, "DC0_H0_VM0")
    state, error = reconfigure(si, vm, **spec)
    assert state == "error" and isinstance(error, fault), error
    cfg = vm.config
    assert (cfg.firmware, bool(cfg.bootOptions.efiSecureBootEnabled), cfg.guestId, bool(cfg.nestedHVEnabled)) == \
        ("bios", False, "otherGuest", False)


def test_config_option_guest_descriptors_can_be_read(si):
    """configoption.go: pyVmomi reads QueryConfigOptionEx (vcsim leaves required fields empty)."""
    browser = find_vm(si, "DC0_H0_VM0").environmentBrowser
    one = browser.QueryConfigOptionEx(spec=vim.EnvironmentBrowser.ConfigOptionQuerySpec(guestId=["ubuntu64Guest"]))
    assert [d.id for d in one.guestOSDescriptor] == ["ubuntu64Guest"]
    assert one.guestOSDescriptor[0].recommendedDiskController and one.guestOSDescriptor[0].supportedFirmware == ["bios", "efi"]
    unknown = browser.QueryConfigOptionEx(spec=vim.EnvironmentBrowser.ConfigOptionQuerySpec(guestId=["beos5Guest"]))
    ids = [d.id for d in unknown.guestOSDescriptor]
    assert "beos5Guest" not in ids and "otherLinux64Guest" in ids  # no match: the whole list, as the API says


def test_boot_options_are_merged_not_replaced(si):
    vm = powered_off(si, "DC0_H0_VM0")
    boot = vim.vm.BootOptions(bootDelay=3000, bootRetryEnabled=True, bootRetryDelay=15000, enterBIOSSetup=True,
                              networkBootProtocol="ipv6")
    assert reconfigure(si, vm, **{"bootOptions": boot}) == ("success", None)
    assert reconfigure(si, vm, **{"firmware": "efi", "bootOptions": vim.vm.BootOptions(efiSecureBootEnabled=True)}) == \
        ("success", None)
    got = vm.config.bootOptions
    assert (got.efiSecureBootEnabled, got.bootDelay, got.bootRetryEnabled, got.bootRetryDelay, got.enterBIOSSetup,
            got.networkBootProtocol) == (True, 3000, True, 15000, True, "ipv6")
    assert reconfigure(si, vm, **{"bootOptions": vim.vm.BootOptions(enterBIOSSetup=False)}) == ("success", None)
    got = vm.config.bootOptions
    assert (got.enterBIOSSetup, got.efiSecureBootEnabled, got.bootDelay) == (False, True, 3000)
