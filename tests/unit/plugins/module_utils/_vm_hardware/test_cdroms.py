# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's CD-ROM drives (cdroms.py): add, remove, change each by label, position or unit."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.read import Context
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.spec import config_spec
from ansible_collections.opensphere.vsphere.tests.unit.plugins.module_utils._vm_hardware.test_plan import controller, facts, make, ops

vim = pytest.importorskip("pyVmomi").vim


def drive(key, n, kind="ide", bus=0, unit=0, media="client", iso=None):
    return {"label": "CD/DVD drive %d" % n, "key": key, "type": media, "iso_path": iso, "connected": False,
            "controller_type": kind, "controller": bus, "unit_number": unit}


def two_drives(power="powered-off"):
    # make() says SATA 0 unit 0 is taken, nothing on IDE 0 (drive 1 sits at its unit 1 here)
    controllers = facts()["controllers"] + [controller(200, 0, "ide", "ide")]
    return facts(power, controllers=controllers, cdroms=[drive(3000, 1, unit=1), drive(3001, 2, "sata", 0, 1, "iso", "[ds1] a.iso")])


def entry(**over):
    return dict({"state": "present", "controller": 0}, **over)


CASES = [
    ("powered-off", [entry(position=2, type="none")], [("edit", "cdrom", 3001, "none")], False),
    ("powered-off", [entry(label="CD/DVD drive 2", type="iso", iso_path="[ds1] a.iso")], [], False),
    ("powered-off", [entry(controller_type="sata", unit_number=1, type="client")], [("edit", "cdrom", 3001, "client")], False),
    ("powered-off", [entry(), entry(), entry(type="iso", iso_path="[ds2] b.iso")], [("add", "cdrom", None, "iso")], False),
    ("powered-on", [entry(), entry(), entry(controller_type="sata", type="none")], [("add", "cdrom", None, "none")], False),
    ("powered-on", [entry(), entry(), entry()], [("add", "cdrom", None, "none")], True),
    ("powered-off", [entry(label="CD/DVD drive 2", state="absent")], [("remove", "cdrom", 3001, "iso")], False),
    ("powered-on", [entry(label="CD/DVD drive 1", state="absent")], [("remove", "cdrom", 3000, "client")], True),
    ("powered-on", [entry(label="CD/DVD drive 9", state="absent")], [], False),
    ("powered-off", [entry(position=1)], [], False),
]


@pytest.mark.parametrize("power, entries, expected, needs_off", CASES)
def test_cdrom_drives(power, entries, expected, needs_off):
    result = make(two_drives(power), cdroms=entries)
    assert ops(result) == expected
    assert bool(result.needs_off) == needs_off


def test_a_new_drive_takes_the_next_free_unit_and_is_found_again():
    result = make(two_drives(), cdroms=[entry(), entry(), entry()])
    new = result.after["cdroms"][-1]
    assert (new["controller_type"], new["controller"], new["unit_number"], new["type"]) == ("ide", 0, 0, "none")
    second = facts(cdroms=two_drives()["cdroms"] + [dict(new, key=3002, label="CD/DVD drive 3")])
    assert ops(make(second, cdroms=[entry(), entry(), entry()])) == []


BAD = [
    ([entry(position=1, state="absent")], "state absent needs label or unit_number"),
    ([entry(controller_type="nvme")], "goes on an IDE or SATA controller, not nvme"),
    ([entry(unit_number=2, type="none")], "unit_number on an IDE controller must be 0-1, not 2"),
    ([entry(position=3, type="none")], "no CD-ROM drive has this position"),
    ([entry(type="iso")], "iso_path is needed with type iso"),
    ([entry(label="CD/DVD drive 1"), entry(position=1)], "two entries name the same drive CD/DVD drive 1"),
    ([entry(), entry(), entry(controller_type="sata", controller=2)], "the VM has no SATA controller 2"),
    ([entry(), entry(), entry(controller_type="sata", unit_number=0)], "unit 0 of SATA controller 0 is taken"),
]


@pytest.mark.parametrize("entries, message", BAD)
def test_bad_cdrom_input(entries, message):
    with pytest.raises(InvalidInput, match=message):
        make(two_drives(), cdroms=entries)


def test_cdrom_and_cdroms_do_not_go_together():
    with pytest.raises(InvalidInput, match="cdrom and cdroms cannot go together"):
        make(two_drives(), cdrom={"type": "none"}, cdroms=[entry()])


def test_a_missing_iso_is_refused():
    with pytest.raises(NotFound, match=r"no file \[ds2\] b.iso"):
        from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.plan import changes, check_options
        from ansible_collections.opensphere.vsphere.tests.unit.plugins.module_utils._vm_hardware.test_plan import params
        p = params(cdroms=[entry(position=1, type="iso", iso_path="[ds2] b.iso")])
        check_options(p)
        changes(two_drives(), p, used_units={("ide", 0): {0}, ("sata", 0): {0, 1}}, isos={"[ds2] b.iso": False})


def test_the_spec_adds_a_drive_on_its_controller():
    result = make(two_drives(), cdroms=[entry(), entry(), entry(type="iso", iso_path="[ds2] b.iso", controller_type="sata")])
    ctx = Context()
    ctx.controllers = {("ide", 0): 200, ("sata", 0): 15000}
    change = config_spec(result, ctx).deviceChange[0]
    assert (change.operation, change.device.controllerKey, change.device.unitNumber) == ("add", 15000, 1)
    assert change.device.backing.fileName == "[ds2] b.iso" and change.device.connectable.startConnected
