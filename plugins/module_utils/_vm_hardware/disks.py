# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's disks: which disk each ``disks`` entry stands for, and what changes.

An entry names a disk by ``label``, by ``filename``, or by ``unit_number`` on the controller
``controller_type`` + ``controller`` (bus); else it stands for the next disk of that controller
in unit order that no other entry names; an entry with no disk left is a new disk at the next
free unit. The controllers a disk can go on are the VM's plus those the request adds.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.devices import match, take_unit
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.limits import check_disk_size
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import (
    KIND_OF, KIND_WORDS, bad, disk_size, kind_units_words, most_unit, shares_value,
)

# what an entry may change on an existing disk, and whether the running VM can take it
TUNABLE = (("disk_mode", False), ("sharing", False), ("shares", True), ("iops_limit", True))


def check_disk_options(entries):
    """What the ``disks`` entries alone make impossible (shares normalized in place)."""
    seen = set()
    for i, disk in enumerate(entries or []):
        where = "disks[%d]" % i
        size = disk_size(disk)
        if size is not None and size <= 0:
            bad("%s: the size must be positive, not %s" % (where, size))
        check_disk_size(where, size)
        kind = disk["controller_type"]
        if disk["state"] == "absent" and not (disk.get("label") or disk.get("filename") or disk.get("unit_number") is not None):
            bad("%s: state absent needs label, filename or unit_number, so that only the disk named is removed" % where)
        unit = disk.get("unit_number")
        if unit is not None and (not 0 <= unit <= most_unit(kind) or (kind == "scsi" and unit == 7)):
            bad("%s: unit_number on a %s controller must be %s, not %s" % (where, KIND_WORDS[kind], kind_units_words(kind), unit))
        disk["shares"] = shares_value("%s.shares" % where, disk.get("shares"))
        if disk.get("iops_limit") is not None and (disk["iops_limit"] == 0 or disk["iops_limit"] < -1):
            bad("%s: iops_limit must be a positive number of IOPS, or -1 for unlimited, not %s" % (where, disk["iops_limit"]))
        if disk.get("sharing") == "multi-writer" and disk.get("provisioning") not in (None, "eager-zeroed"):
            bad("%s: a multi-writer disk must be eager-zeroed thick, not %s" % (where, disk["provisioning"]))
        for ident in (("label", disk.get("label")), ("file", disk.get("filename")),
                      ("slot", kind, disk["controller"], disk.get("unit_number"))):
            if ident[-1] is None:
                continue
            if ident in seen:
                bad("%s: duplicate disk entry for %s" % (where, ident_text(ident)))
            seen.add(ident)


def ident_text(ident):
    if ident[0] == "slot":
        return "%s controller %s unit %s" % (KIND_WORDS[ident[1]], ident[2], ident[3])
    return "%s '%s'" % ("label" if ident[0] == "label" else "filename", ident[1])


def controller_types(before, p):
    """``{(kind, bus): type}`` of each controller the VM will have: its own, plus those the request adds
    or changes the type of, minus those it removes."""
    types = dict(((c["kind"], c["bus_number"]), c["type"]) for c in before["controllers"])
    for entry in p.get("controllers") or []:
        ident = (KIND_OF[entry["type"]], entry["bus_number"])
        if entry["state"] == "present":
            types[ident] = entry["type"]
        else:
            types.pop(ident, None)
    return types


def controllers_after(before, p):
    """(kind, bus) of each controller the VM will have: its own, plus those the request adds, minus removed."""
    return set(controller_types(before, p))


def plan_disks(plan, before, p, datastores):
    entries = p.get("disks") or []
    if not entries:
        return
    have = controllers_after(before, p)

    def explicit(entry, dev):
        if entry.get("label"):
            return dev["label"] == entry["label"]
        if entry.get("filename"):
            return dev["file"] == entry["filename"]
        return entry.get("unit_number") is not None and dev["controller_type"] == entry["controller_type"] \
            and dev["controller"] == entry["controller"] and dev["unit_number"] == entry["unit_number"]

    def positional(entry):
        return entry["state"] == "present" and not (entry.get("label") or entry.get("filename")) \
            and entry.get("unit_number") is None

    per_controller = {}
    for entry in entries:
        per_controller.setdefault((entry["controller_type"], entry["controller"]), []).append(entry)
    seen = set()
    for (kind, bus), group in sorted(per_controller.items()):
        if (kind, bus) not in have and any(positional(e) or e.get("unit_number") is not None for e in group
                                           if e["state"] == "present"):
            bad("disks: the VM has no %s controller %s (it has: %s)"
                % (KIND_WORDS[kind], bus, ", ".join("%s %s" % (KIND_WORDS[k], b) for k, b in sorted(have)) or "none"))
        pairs = match(group, before["disks"], explicit, positional,
                      pool=[d for d in before["disks"] if (d["controller_type"], d["controller"]) == (kind, bus)])
        for entry, dev in pairs:
            if dev is not None and dev["key"] in seen:
                bad("disks: two entries name the same disk %s" % dev["label"])
            if dev is not None:
                seen.add(dev["key"])
            _one_disk(plan, entry, dev, (kind, bus), datastores, before)


def _new_disk(plan, entry, where, before, what):
    kind, bus = where
    size = disk_size(entry)
    if entry.get("label") or entry.get("filename"):
        bad("%s: no disk has this %s; to add a disk, leave it out (or give unit_number)"
            % (what, "label" if entry.get("label") else "file"), "NotFound")
    if size is None:
        bad("%s: a new disk needs size_gb or size_mb" % what)
    unit = take_unit(plan, where, entry.get("unit_number"), what)
    new = {"label": None, "key": None, "controller_type": kind, "controller": bus, "unit_number": unit, "size_mb": size,
           "datastore": entry.get("datastore") or before["vm_datastore"], "file": None,
           "provisioning": entry.get("provisioning") or ("eager-zeroed" if entry.get("sharing") == "multi-writer" else "thin"),
           "disk_mode": entry.get("disk_mode") or "persistent", "sharing": entry.get("sharing") or "none",
           "shares": entry.get("shares") or "normal", "iops_limit": -1 if entry.get("iops_limit") is None else entry["iops_limit"]}
    plan.after["disks"].append(new)
    plan.devices.append(("add", "disk", new, {}))


def _one_disk(plan, entry, dev, where, datastores, before):
    size = disk_size(entry)
    named = entry.get("label") or entry.get("filename") or (dev or {}).get("label")
    what = "disk %s" % (named or "on %s controller %s" % (KIND_WORDS[where[0]], where[1]))
    if entry["state"] == "absent":
        if dev is not None:
            plan.after["disks"] = [d for d in plan.after["disks"] if d["key"] != dev["key"]]
            plan.devices.append(("remove", "disk", dev, {"delete_file": entry["delete_file"]}))
        return
    if entry.get("datastore") and datastores is not None and entry["datastore"] not in datastores:
        bad("%s: no datastore named '%s' in the VM's datacenter" % (what, entry["datastore"]), "NotFound")
    if dev is None:
        _new_disk(plan, entry, where, before, what)
        return
    if entry.get("datastore") and entry["datastore"] != dev["datastore"]:
        bad("%s is on datastore %s; moving it to %s is a storage migration, not a hardware change"
            % (what, dev["datastore"], entry["datastore"]))
    if entry.get("provisioning") and entry["provisioning"] != dev["provisioning"]:
        bad("%s is %s; the provisioning of an existing disk cannot change here" % (what, dev["provisioning"]))
    want = dict(dev)
    if size is not None and size != dev["size_mb"]:
        if size < dev["size_mb"]:
            bad("%s is %s MB; shrinking a disk to %s MB is refused (it would lose data)" % (what, dev["size_mb"], size),
                "InvalidDeviceSpec")
        want["size_mb"] = size
    running = before["power_state"] != "powered-off"
    for field, hot in TUNABLE:
        if entry.get(field) is not None and entry[field] != dev[field]:
            want[field] = entry[field]
            if running and not hot:
                plan.needs_off.append("%s of %s can only change while the VM is powered off" % (field, dev["label"]))
    if want["sharing"] == "multi-writer" and dev["sharing"] != "multi-writer" and dev["provisioning"] != "eager-zeroed":
        bad("%s is %s; a multi-writer disk must be eager-zeroed thick" % (what, dev["provisioning"]))
    if want != dev:
        plan.after["disks"] = [want if d["key"] == dev["key"] else d for d in plan.after["disks"]]
        plan.devices.append(("edit", "disk", want, {}))
