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
