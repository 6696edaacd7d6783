# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's controllers and disks (controllers.py, disks.py, spec.py) as tables."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.plan import changes, check_options
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.read import Context
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.spec import config_spec
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import unit_limit, units
from ansible_collections.opensphere.vsphere.tests.unit.plugins.module_utils._vm_hardware.test_plan import (
    controller, disk, facts, make, ops, params,
)

vim = pytest.importorskip("pyVmomi").vim
Device = vim.vm.device

# (power, request) -> ops, needs the VM off
STORAGE = [
    ("powered-on", {"controllers": [{"type": "paravirtual", "bus_number": 1}]}, [("add", "controller", None, "paravirtual")], False),
    ("powered-on", {"controllers": [{"type": "lsilogic", "bus_number": 0}]}, [], False),
    ("powered-on", {"controllers": [{"type": "sata", "bus_number": 0}]}, [], False),
    ("powered-off", {"controllers": [{"type": "paravirtual", "bus_number": 0}]}, [("retype", "controller", None, "paravirtual")], False),
    ("powered-on", {"controllers": [{"type": "paravirtual", "bus_number": 0}]}, [("retype", "controller", None, "paravirtual")], True),
    ("powered-off", {"controllers": [{"type": "lsilogic", "bus_number": 0, "sharing": "virtual"}]},
     [("edit", "controller", 1000, "lsilogic")], False),
    ("powered-on", {"controllers": [{"type": "lsilogic", "bus_number": 0, "sharing": "physical"}]},
     [("edit", "controller", 1000, "lsilogic")], True),
    ("powered-off", {"controllers": [{"type": "sata", "bus_number": 0, "state": "absent"}]}, [("remove", "controller", 15000, "sata")], False),
    ("powered-on", {"controllers": [{"type": "sata", "bus_number": 0, "state": "absent"}]}, [("remove", "controller", 15000, "sata")], True),
    ("powered-off", {"controllers": [{"type": "nvme", "bus_number": 0, "state": "absent"}]}, [], False),
    ("powered-off", {"controllers": [{"type": "lsilogic", "bus_number": 0, "state": "absent"}],
                     "disks": [{"unit_number": 0, "state": "absent"}, {"unit_number": 1, "state": "absent"}]},
     [("remove", "disk", 2000, 10240), ("remove", "disk", 2001, 20480), ("remove", "controller", 1000, "lsilogic")], False),
    ("powered-on", {"controllers": [{"type": "nvme", "bus_number": 0}], "disks": [{"controller_type": "nvme", "size_gb": 1}]},
     [("add", "disk", None, 1024), ("add", "controller", None, "nvme")], False),
    ("powered-on", {"disks": [{"controller_type": "sata", "size_gb": 1}]}, [("add", "disk", None, 1024)], False),
    ("powered-on", {"disks": [{"filename": "[ds1] vm/d1.vmdk", "size_gb": 30}]}, [("edit", "disk", 2001, 30720)], False),
    ("powered-off", {"disks": [{"label": "Hard disk 1", "disk_mode": "independent_persistent"}]}, [("edit", "disk", 2000, 10240)], False),
    ("powered-on", {"disks": [{"label": "Hard disk 1", "disk_mode": "independent_persistent"}]}, [("edit", "disk", 2000, 10240)], True),
    ("powered-on", {"disks": [{"label": "Hard disk 1", "disk_mode": "persistent", "shares": "normal", "iops_limit": -1}]}, [], False),
    ("powered-on", {"disks": [{"label": "Hard disk 1", "shares": "high", "iops_limit": 500}]}, [("edit", "disk", 2000, 10240)], False),
    ("powered-on", {"disks": [{"label": "Hard disk 1", "shares": "2000"}]}, [("edit", "disk", 2000, 10240)], False),
    ("powered-off", {"disks": [{"unit_number": 2, "size_gb": 1, "sharing": "multi-writer"}]}, [("add", "disk", None, 1024)], False),
]


@pytest.mark.parametrize("power, request_, expected, needs_off", STORAGE)
def test_controllers_and_disks(power, request_, expected, needs_off):
    result = make(facts(power), **request_)
    assert ops(result) == expected
    assert bool(result.needs_off) == needs_off


def test_a_new_disk_on_a_new_controller_takes_its_first_unit_and_settings():
    result = make(facts(), controllers=[{"type": "nvme", "bus_number": 0}],
                  disks=[{"controller_type": "nvme", "size_gb": 1, "shares": 800, "iops_limit": 100,
                          "disk_mode": "independent_nonpersistent", "sharing": "multi-writer"}])
    new = result.after["disks"][-1]
    assert (new["controller_type"], new["controller"], new["unit_number"]) == ("nvme", 0, 0)
    assert (new["shares"], new["iops_limit"], new["disk_mode"], new["provisioning"]) == (800, 100, "independent_nonpersistent", "eager-zeroed")
    assert result.after["controllers"][-1] == {"label": None, "key": None, "kind": "nvme", "type": "nvme", "bus_number": 0, "sharing": None}


BAD = [
    ({"controllers": [{"type": "lsilogic", "bus_number": 0, "state": "absent"}]},
     "SCSI controller 0 cannot be removed: Hard disk 1, Hard disk 2 are on it"),
    ({"controllers": [{"type": "lsilogic", "bus_number": 0, "state": "absent"}], "disks": [{"unit_number": 0, "state": "absent"}]},
     "SCSI controller 0 cannot be removed: Hard disk 2 is on it"),
    ({"controllers": [{"type": "sata", "bus_number": 0, "sharing": "physical"}]}, "bus sharing is for SCSI controllers, not sata"),
    ({"controllers": [{"type": "nvme", "bus_number": 4}]}, "bus_number must be 0-3"),
    ({"controllers": [{"type": "lsilogic", "bus_number": 1}, {"type": "paravirtual", "bus_number": 1}]}, "both name SCSI controller 1"),
    ({"disks": [{"controller_type": "nvme", "size_gb": 1}]}, "the VM has no NVMe controller 0 \\(it has: SATA 0, SCSI 0\\)"),
    ({"controllers": [{"type": "sata", "bus_number": 0, "state": "absent"}], "disks": [{"controller_type": "sata", "size_gb": 1}]},
     "no SATA controller 0"),
    ({"disks": [{"controller_type": "sata", "unit_number": 0, "size_gb": 1}]}, "unit 0 of SATA controller 0 is taken"),
    ({"disks": [{"unit_number": 7, "size_gb": 1}]}, "unit_number on a SCSI controller must be 0-15 except 7 "
     "\\(0-63 except 7 on VMware Paravirtual, hardware version 14 or later\\), not 7"),
    ({"disks": [{"unit_number": 64, "size_gb": 1}]}, "must be 0-15 except 7 .*, not 64"),
    ({"disks": [{"controller_type": "nvme", "unit_number": 64, "size_gb": 1}]},
     "NVMe controller must be 0-14 \\(0-63, hardware version 21 or later\\), not 64"),
    ({"disks": [{"controller_type": "sata", "unit_number": 30, "size_gb": 1}]}, "must be 0-29, not 30"),
    ({"disks": [{"controller_type": "ide", "unit_number": 2, "size_gb": 1}]}, "must be 0-1, not 2"),
    ({"disks": [{"filename": "[ds1] vm/nope.vmdk", "size_gb": 1}]}, "no disk has this file"),
    ({"disks": [{"label": "Hard disk 1", "shares": "lots"}]}, "shares must be low, normal, high or a positive number"),
    ({"disks": [{"label": "Hard disk 1", "shares": 0}]}, "shares must be"),
    ({"disks": [{"label": "Hard disk 1", "iops_limit": 0}]}, "iops_limit must be a positive number of IOPS, or -1"),
    ({"disks": [{"unit_number": 2, "size_gb": 1, "sharing": "multi-writer", "provisioning": "thin"}]}, "must be eager-zeroed thick, not thin"),
    ({"disks": [{"label": "Hard disk 1", "sharing": "multi-writer"}]}, "Hard disk 1 is thin; a multi-writer disk must be eager-zeroed"),
    ({"disks": [{"filename": "[ds1] vm/d1.vmdk"}, {"label": "Hard disk 2"}]}, "two entries name the same disk Hard disk 2"),
]


@pytest.mark.parametrize("request_, message", BAD)
def test_bad_storage_input_is_refused(request_, message):
    with pytest.raises(InvalidInput, match=message):
        make(facts(), **request_)


# ---- unit ranges: the controller's type and the VM's hardware version ------------------------
def pvscsi_vm(version, units_taken=(0, 1)):
    """A VM with a VMware Paravirtual SCSI controller 0 whose units are taken by devices other than disks."""
    before = facts(hardware_version=version, controllers=[controller(1000, 0, type_="paravirtual"), controller(15000, 0, "sata", "sata")],
                   disks=[])
    return before, {("scsi", 0): set(units_taken), ("sata", 0): {0}}


def make_units(before, used, **request):
    p = params(**request)
    if p.get("controllers"):
        p["controllers"] = [dict({"state": "present", "sharing": None}, **c) for c in p["controllers"]]
    check_options(p)
    return changes(before, p, used_units=used, datastores={"ds1"})


# (kind, type, version) -> highest unit, and the version that would take more
RANGES = [
    ("scsi", "lsilogic", "vmx-21", 15, None), ("scsi", "lsilogicsas", "vmx-21", 15, None), ("scsi", "buslogic", "vmx-21", 15, None),
    ("scsi", "paravirtual", "vmx-13", 15, (14, 63)), ("scsi", "paravirtual", "vmx-14", 63, None), ("scsi", "paravirtual", "vmx-21", 63, None),
    ("scsi", "paravirtual", None, 15, (14, 63)), ("sata", "sata", "vmx-21", 29, None), ("ide", "ide", "vmx-21", 1, None),
    ("nvme", "nvme", "vmx-13", 14, (21, 63)), ("nvme", "nvme", "vmx-20", 14, (21, 63)), ("nvme", "nvme", "vmx-21", 63, None),
]


@pytest.mark.parametrize("kind, ctype, version, top, more", RANGES)
def test_unit_ranges_follow_the_controller_type_and_hardware_version(kind, ctype, version, top, more):
    assert unit_limit(kind, ctype, version) == (top, more)
    got = units(kind, ctype, version)
    assert got[0] == 0 and got[-1] == top and (7 in got) == (kind != "scsi" and top >= 7) and len(got) == top + 1 - (kind == "scsi")


def test_a_paravirtual_disk_at_unit_20_on_hardware_14_or_later():
    before, used = pvscsi_vm("vmx-14")
    result = make_units(before, used, disks=[{"unit_number": 20, "size_gb": 1}])
    assert ops(result) == [("add", "disk", None, 1024)] and result.after["disks"][-1]["unit_number"] == 20


def test_a_paravirtual_disk_above_15_on_hardware_13_names_the_range_and_the_upgrade():
    before, used = pvscsi_vm("vmx-13")
    with pytest.raises(InvalidInput, match="unit_number 20 is out of range: SCSI controller 0 \\(paravirtual\\) of a vmx-13 VM takes "
                                           "units 0-15 except 7; 0-63 except 7 from hardware version 14") as err:
        make_units(before, used, disks=[{"unit_number": 20, "size_gb": 1}])
    assert err.value.fault_type == "InvalidDeviceSpec"


def test_lsi_logic_stays_at_15_whatever_the_hardware_version():
    before, used = facts(hardware_version="vmx-21"), {("scsi", 0): {0, 1}}
    with pytest.raises(InvalidInput, match="SCSI controller 0 \\(lsilogic\\) of a vmx-21 VM takes units 0-15 except 7$"):
        make_units(before, used, disks=[{"unit_number": 16, "size_gb": 1}])


@pytest.mark.parametrize("version, taken, expected", [
    ("vmx-13", set(range(16)) - {7}, None),       # full at 15 below hardware version 14
    ("vmx-14", set(range(16)) - {7}, 16),         # the next free unit past 15
    ("vmx-21", set(range(64)) - {7, 40}, 40),
])
def test_the_next_free_unit_is_taken_within_the_range(version, taken, expected):
    before, used = pvscsi_vm(version, taken)
    if expected is None:
        with pytest.raises(InvalidInput, match="SCSI controller 0 has no free unit \\(SCSI controller 0 \\(paravirtual\\) of a vmx-13 VM"):
            make_units(before, used, disks=[{"size_gb": 1}])
        return
    result = make_units(before, used, disks=[{"size_gb": 1}])
    assert result.after["disks"][-1]["unit_number"] == expected


def test_nvme_above_14_needs_hardware_version_21():
    before = facts(hardware_version="vmx-20", controllers=[controller(1000, 0), controller(31000, 0, "nvme", "nvme")])
    with pytest.raises(InvalidInput, match="NVMe controller 0 of a vmx-20 VM takes units 0-14; 0-63 from hardware version 21"):
        make_units(before, {("nvme", 0): set()}, disks=[{"controller_type": "nvme", "unit_number": 30, "size_gb": 1}])
    result = make_units(dict(before, hardware_version="vmx-21"), {("nvme", 0): set()},
                        disks=[{"controller_type": "nvme", "unit_number": 30, "size_gb": 1}])
    assert result.after["disks"][-1]["unit_number"] == 30


def test_a_new_controller_takes_the_range_of_its_own_type():
    before = facts(hardware_version="vmx-19")
    result = make_units(before, {("scsi", 0): {0, 1}}, controllers=[{"type": "paravirtual", "bus_number": 1}],
                        disks=[{"controller": 1, "unit_number": 33, "size_gb": 1}])
    assert [op[:2] for op in ops(result)] == [("add", "disk"), ("add", "controller")]
    with pytest.raises(InvalidInput, match="SCSI controller 1 \\(lsilogicsas\\) of a vmx-19 VM takes units 0-15 except 7"):
        make_units(before, {("scsi", 0): {0, 1}}, controllers=[{"type": "lsilogicsas", "bus_number": 1}],
                   disks=[{"controller": 1, "unit_number": 33, "size_gb": 1}])


def test_a_type_change_that_would_strand_a_disk_above_15_is_refused():
    before = facts(hardware_version="vmx-19", controllers=[controller(1000, 0, type_="paravirtual")],
                   disks=[disk(2000, 0), disk(2001, 20)])
    with pytest.raises(InvalidInput, match="Hard disk 21 is at unit 20, but SCSI controller 0 \\(lsilogic\\) of a vmx-19 VM takes units 0-15 except 7"):
        make_units(before, {("scsi", 0): {0, 20}}, controllers=[{"type": "lsilogic", "bus_number": 0}])
    # the same change with the disk removed in the same request is fine
    result = make_units(before, {("scsi", 0): {0, 20}}, controllers=[{"type": "lsilogic", "bus_number": 0}],
                        disks=[{"unit_number": 20, "state": "absent"}])
    assert [op[:2] for op in ops(result)] == [("remove", "disk"), ("retype", "controller")]


# ---- the spec: order and keys (real pyVmomi objects) ---------------------------------------
def storage_context():
    ctrl = Device.VirtualLsiLogicController(key=1000, busNumber=0, sharedBus="noSharing", scsiCtlrUnitNumber=7)
    sata = Device.VirtualAHCIController(key=15000, busNumber=0)
    disks = [Device.VirtualDisk(key=2000 + unit, controllerKey=1000, unitNumber=unit, capacityInKB=(10240 + 10240 * unit) * 1024,
                                backing=Device.VirtualDisk.FlatVer2BackingInfo(fileName="[ds1] vm/d%d.vmdk" % unit))
             for unit in (0, 1)]
    ctx = Context()
    ctx.devices = {dev.key: dev for dev in [ctrl, sata] + disks}
    ctx.controllers = {("scsi", 0): 1000, ("sata", 0): 15000}
    return ctx


def test_a_type_change_removes_adds_on_the_same_bus_and_moves_the_disks():
    result = make(facts(), controllers=[{"type": "paravirtual", "bus_number": 0}], disks=[{"label": "Hard disk 1", "size_gb": 15}])
    spec = config_spec(result, storage_context())
    got = [(c.operation, type(c.device).__name__.rsplit(".", 1)[-1], c.device.key, getattr(c.device, "controllerKey", None))
           for c in spec.deviceChange]
    new_key = got[1][2]
    assert got[0] == ("remove", "VirtualLsiLogicController", 1000, None)
    assert got[1][:2] == ("add", "ParaVirtualSCSIController") and new_key < 0
    assert sorted(got[2:]) == [("edit", "VirtualDisk", 2000, new_key), ("edit", "VirtualDisk", 2001, new_key)]
    assert spec.deviceChange[1].device.busNumber == 0 and spec.deviceChange[1].device.scsiCtlrUnitNumber == 7
    assert [c.device.capacityInKB for c in spec.deviceChange if c.device.key == 2000] == [15 * 1024 * 1024]


def test_a_new_disk_on_a_new_controller_points_at_its_key_and_removals_come_last():
    result = make(facts(), controllers=[{"type": "nvme", "bus_number": 0}, {"type": "sata", "bus_number": 0, "state": "absent"}],
                  disks=[{"controller_type": "nvme", "size_gb": 1, "shares": "high", "iops_limit": 300,
                          "disk_mode": "independent_persistent"}])
    spec = config_spec(result, storage_context())
    add_ctrl, add_disk, remove_sata = spec.deviceChange
    assert (add_ctrl.operation, type(add_ctrl.device).__name__.rsplit(".", 1)[-1]) == ("add", "VirtualNVMEController")
    assert add_disk.device.controllerKey == add_ctrl.device.key and add_disk.fileOperation == "create"
    assert (add_disk.device.unitNumber, add_disk.device.backing.diskMode, add_disk.device.backing.sharing) == (0, "independent_persistent", "sharingNone")
    io = add_disk.device.storageIOAllocation
    assert (io.shares.level, io.limit) == ("high", 300)
    assert (remove_sata.operation, remove_sata.device.key) == ("remove", 15000)


def test_custom_shares_are_a_number():
    result = make(facts(), disks=[{"label": "Hard disk 2", "shares": 1500}])
    io = config_spec(result, storage_context()).deviceChange[0].device.storageIOAllocation
    assert (io.shares.level, io.shares.shares) == ("custom", 1500)
