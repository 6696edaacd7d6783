# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware: main() with the session faked (the planner's tables are in module_utils/_vm_hardware/test_plan.py)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.opensphere.vsphere.tests.unit.plugins.modules.utils import run_main
from ansible_collections.opensphere.vsphere.tests.unit.plugins.module_utils._vm_hardware.test_plan import VERSIONS, facts
from ansible_collections.opensphere.vsphere.plugins.modules import vm_hardware


# ---- main(): check mode = real mode, no change calls in check mode ----------------------
class FakeCtx:
    controllers = {("scsi", 0): 1000}
    devices = {}
    networks = {"VM Network": {}, "DVPG0": {}}
    datastores = {"ds1": {}}
    inventory_read = True


@pytest.fixture
def run(monkeypatch, capsys, fake_vm, fake_waiter):
    def run_(args, before, check):
        vm = fake_vm()
        monkeypatch.setattr(vm_hardware, "read", lambda session, ref, inventory=False: (copy.deepcopy(before), FakeCtx()))
        monkeypatch.setattr(vm_hardware, "supported_versions", lambda ctx: VERSIONS)
        monkeypatch.setattr(vm_hardware, "config_spec", lambda plan, ctx: "spec" if plan.reconfigure else None)
        monkeypatch.setattr(vm_hardware, "Waiter", fake_waiter)
        return run_main(vm_hardware, capsys, dict({"name": "vm1"}, **args), check), vm.methods
    return run_


CASES = [
    ({"num_cpus": 4, "memory_mb": 4096}, "powered-off", ["ReconfigVM_Task"]),
    ({"num_cpus": 2, "memory_mb": 2048}, "powered-off", []),
    ({"num_cpus": 4}, "powered-on", None),
    ({"num_cpus": 4, "allow_power_cycle": True}, "powered-on", ["ShutdownGuest", "ReconfigVM_Task", "PowerOnVM_Task"]),
    ({"num_cpus": 4, "allow_power_cycle": True, "power_cycle_method": "power-off"}, "powered-on",
     ["PowerOffVM_Task", "ReconfigVM_Task", "PowerOnVM_Task"]),
    ({"firmware": "efi", "allow_power_cycle": True, "power_cycle_method": "power-off"}, "powered-on",
     ["PowerOffVM_Task", "ReconfigVM_Task", "PowerOnVM_Task"]),
    ({"cpu_reservation_mhz": 500, "memory_shares": "high"}, "powered-on", ["ReconfigVM_Task"]),
    ({"controllers": [{"type": "paravirtual", "bus_number": 1}], "disks": [{"controller": 1, "size_gb": 1}]}, "powered-on",
     ["ReconfigVM_Task"]),
    ({"secure_boot": True}, "powered-off", None),
    ({"hardware_version": "latest", "num_cpus": 4}, "powered-off", ["ReconfigVM_Task", "UpgradeVM_Task"]),
    ({"hardware_version": "latest"}, "powered-on", None),
    ({"disks": [{"size_gb": 10}, {"size_gb": 25}], "nics": [{"network": "DVPG0"}]}, "powered-on", ["ReconfigVM_Task"]),
    ({"memory_mb": 1001}, "powered-off", None),
    ({"disks": [{"size_gb": 1}]}, "powered-off", None),
]


@pytest.mark.parametrize("args, power, calls", CASES)
def test_check_mode_predicts_the_real_run_and_calls_nothing(run, args, power, calls):
    checked, check_calls = run(args, facts(power), check=True)
    real, real_calls = run(args, facts(power), check=False)
    assert check_calls == []
    assert checked.get("failed", False) == real.get("failed", False) == (calls is None)
    assert checked.get("changed") == real.get("changed")
    assert checked.get("diff") == real.get("diff")
    assert checked.get("power_cycled") == real.get("power_cycled")
    assert checked.get("power_cycle_method") == real.get("power_cycle_method")
    if calls is None:
        assert checked["msg"] == real["msg"] and real_calls == []
    else:
        assert real_calls == calls and real["changed"] == bool(calls)


def test_running_vm_without_hot_add_names_the_option(run):
    out, calls = run({"num_cpus": 4, "memory_mb": 4096}, facts("powered-on"), check=False)
    assert calls == [] and out["failed"]
    assert out["msg"].startswith("Failed to plan the hardware of VM 'vm1': InvalidPowerState: VM 'vm1' is powered-on")
    assert "num_cpus 2 -> 4 needs CPU hot add" in out["msg"] and "memory_mb 2048 -> 4096 needs memory hot add" in out["msg"]
    assert "allow_power_cycle" in out["msg"]


def test_timeout_must_be_positive(run):
    out, calls = run({"num_cpus": 4, "timeout": 0}, facts("powered-off"), check=False)
    assert out["failed"] and calls == []
    assert out["msg"] == "Failed to check the options: InvalidInput: timeout must be a positive number of seconds, not 0"


def test_power_cycle_needs_tools(run):
    before = facts("powered-on", tools_running_status="guestToolsNotRunning")
    out, calls = run({"num_cpus": 4, "allow_power_cycle": True}, before, check=False)
    assert calls == [] and "ToolsUnavailable" in out["msg"]


def test_diff_is_per_field_and_per_device(run):
    out, _calls = run({"memory_mb": 4096, "disks": [{}, {"size_gb": 30}]}, facts(), check=True)
    before, after = out["diff"]["before"], out["diff"]["after"]
    assert (before["memory_mb"], after["memory_mb"]) == (2048, 4096)
    assert (before["disks"][1]["size_mb"], after["disks"][1]["size_mb"]) == (20480, 30720)
    assert before["nics"] == after["nics"]


def test_a_vm_without_tools_is_powered_off_hard_only_when_asked(run):
    before = facts("powered-on", tools_running_status="guestToolsNotRunning")
    out, calls = run({"num_cpus": 4, "allow_power_cycle": True}, before, check=False)
    assert out["failed"] and calls == [] and "power_cycle_method power-off powers the VM off without its guest" in out["msg"]
    out, calls = run({"num_cpus": 4, "allow_power_cycle": True, "power_cycle_method": "power-off"}, before, check=False)
    assert calls == ["PowerOffVM_Task", "ReconfigVM_Task", "PowerOnVM_Task"]
    assert (out["changed"], out["power_cycled"], out["power_cycle_method"]) == (True, True, "power-off")


# ---- a content library ISO item: REST only when asked, resolved before the one plan ------
def test_a_library_iso_is_planned_like_an_iso_path_and_rest_opens_only_for_it(run, monkeypatch, fake_rest):
    from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware import library_iso
    from ansible_collections.opensphere.vsphere.plugins.modules import vm_hardware as module

    monkeypatch.setattr(library_iso, "read", lambda session, objects, paths, what=None: [{"name": "ds1", "summary.url": "ds:///vmfs/volumes/u1/"}])
    monkeypatch.setattr(module, "iso_exists", lambda *a: pytest.fail("a library ISO is not searched for on the datastore"))
    fake_rest.routes.update({
        ("POST", "/content/library"): ["lib1"], ("POST", "/content/library/item"): ["item1"],
        ("GET", "/content/library/item/item1/storage"): [{
            "name": "t.iso", "cached": True, "storage_backing": {"type": "DATASTORE", "datastore_id": "datastore-1"},
            "storage_uris": ["ds:///vmfs/volumes/u1/contentlib-lib1/item1/t_1.iso"]}]})
    args = {"cdroms": [{"position": 1, "library": "isos", "library_item": "tools"}]}
    checked, check_calls = run(args, facts(), check=True)
    real, real_calls = run(args, facts(), check=False)
    assert checked["changed"] and real["changed"] and checked["diff"] == real["diff"]
    assert check_calls == [] and real_calls == ["ReconfigVM_Task"]
    assert real["diff"]["after"]["cdroms"][0]["iso_path"] == "[ds1] contentlib-lib1/item1/t_1.iso"
    mounted = facts()
    mounted["cdroms"][0].update(type="iso", iso_path="[ds1] contentlib-lib1/item1/t_1.iso")
    again, again_calls = run(args, mounted, check=False)
    assert not again["changed"] and again_calls == []
    # without a library entry, no REST call at all
    fake_rest.requests.clear()
    run({"cdroms": [{"position": 1, "type": "none"}]}, facts(), check=False)
    assert fake_rest.requests == []
