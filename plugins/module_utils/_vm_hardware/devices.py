# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's device decisions (disks, CD-ROM; network adapters are in nics.py) as pure functions, used by plan.changes().

Devices are matched to entries by label, by controller/unit (disks), or else in order among
the devices no other entry claimed; an entry left over is a new device. Nothing is ever
removed unless an entry says ``state: absent``.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import ISO_PATH, SCSI_UNITS, bad, disk_size


def match(entries, devices, explicit, positional_ok, pool=None):
    """Pair entries with devices: [(entry, device or None)].

    ``explicit(entry, device)`` names a device outright; the other entries that ``positional_ok``
    take the unclaimed devices of ``pool`` (default: all) in order."""
    claimed, pairs = set(), []
    for entry in entries:
        found = None
        for dev in devices:
            if explicit(entry, dev):
                found = dev
                break
        pairs.append([entry, found])
        if found is not None:
            claimed.add(found["key"])
    free = [dev for dev in (devices if pool is None else pool) if dev["key"] not in claimed]
    for pair in pairs:
        if pair[1] is None and positional_ok(pair[0]) and free:
            pair[1] = free.pop(0)
    return pairs


def plan_disks(plan, before, p, ctx_scsi, datastores):
    entries = p.get("disks") or []
    if not entries:
        return
    buses = sorted(ctx_scsi)

    def explicit(entry, dev):
        if entry.get("label"):
            return dev["label"] == entry["label"]
        return entry.get("unit_number") is not None and dev["controller"] == entry["controller"] \
            and dev["unit_number"] == entry["unit_number"]

    def positional(entry):
        return entry["state"] == "present" and not entry.get("label") and entry.get("unit_number") is None

    per_bus = {}
    for entry in entries:
        per_bus.setdefault(entry["controller"], []).append(entry)
    for bus, bus_entries in sorted(per_bus.items()):
        if bus not in buses and any(e["state"] == "present" for e in bus_entries):
            bad("disks: the VM has no SCSI controller %s (it has: %s)" % (bus, ", ".join(map(str, buses)) or "none"))
        pairs = match(bus_entries, before["disks"], explicit, positional,
                      pool=[d for d in before["disks"] if d["controller"] == bus])
        taken = set(plan.used_units.get(bus, ()))
        seen = set()
        for entry, dev in pairs:
            if dev is not None and dev["key"] in seen:
                bad("disks: two entries name the same disk %s" % dev["label"])
            if dev is not None:
                seen.add(dev["key"])
            _one_disk(plan, entry, dev, bus, taken, datastores, before)


def _one_disk(plan, entry, dev, bus, taken, datastores, before):
    size = disk_size(entry)
    what = "disk %s" % (entry.get("label") or (dev or {}).get("label") or "on controller %s" % bus)
    if entry["state"] == "absent":
        if dev is not None:
            plan.after["disks"] = [d for d in plan.after["disks"] if d["key"] != dev["key"]]
            plan.devices.append(("remove", "disk", dev, {"delete_file": entry["delete_file"]}))
        return
    if entry.get("datastore") and datastores is not None and entry["datastore"] not in datastores:
        bad("%s: no datastore named '%s' in the VM's datacenter" % (what, entry["datastore"]), "NotFound")
    if dev is None:
        if entry.get("label"):
            bad("%s: no disk has this label; to add a disk, leave label out (or give unit_number)" % what, "NotFound")
        if size is None:
            bad("%s: a new disk needs size_gb or size_mb" % what)
        unit = entry.get("unit_number")
        if unit is None:
            free = [u for u in SCSI_UNITS if u not in taken]
            if not free:
                bad("%s: SCSI controller %s has no free unit" % (what, bus))
            unit = free[0]
        taken.add(unit)
        new = {"label": None, "key": None, "controller": bus, "unit_number": unit, "size_mb": size,
               "datastore": entry.get("datastore") or before["vm_datastore"], "file": None,
               "provisioning": entry.get("provisioning") or "thin"}
        plan.after["disks"].append(new)
        plan.devices.append(("add", "disk", new, {}))
        return
    if entry.get("datastore") and entry["datastore"] != dev["datastore"]:
        bad("%s is on datastore %s; moving it to %s is a storage migration, not a hardware change"
            % (what, dev["datastore"], entry["datastore"]))
    if entry.get("provisioning") and entry["provisioning"] != dev["provisioning"]:
        bad("%s is %s; the provisioning of an existing disk cannot change here" % (what, dev["provisioning"]))
    if size is None or size == dev["size_mb"]:
        return
    if size < dev["size_mb"]:
        bad("%s is %s MB; shrinking a disk to %s MB is refused (it would lose data)" % (what, dev["size_mb"], size),
            "InvalidDeviceSpec")
    grown = dict(dev, size_mb=size)
    plan.after["disks"] = [grown if d["key"] == dev["key"] else d for d in plan.after["disks"]]
    plan.devices.append(("edit", "disk", grown, {}))


def cdrom_media(before, want):
    """``(drive, drive as asked)`` for a cdrom request (the first drive), or None without a drive."""
    if not before["cdroms"]:
        return None
    dev = before["cdroms"][0]
    running = before["power_state"] == "powered-on"
    return dev, dict(dev, type=want["type"], iso_path=want.get("iso_path"), connected=running and want["type"] != "none")


def iso_to_check(before, p):
    """The ISO path whose file must exist for this request (it mounts a new one), else None.

    The module reads it (a datastore search) before planning, so the plan stays pure.
    """
    want = p.get("cdrom")
    media = cdrom_media(before, want) if want and want["type"] == "iso" else None
    return want["iso_path"] if media and media[0] != media[1] else None


def plan_cdrom(plan, before, p, datastores, isos=None):
    want = p.get("cdrom")
    if not want:
        return
    media = cdrom_media(before, want)
    if media is None:
        bad("the VM has no CD-ROM drive; this module changes the media of an existing one")
    dev, new = media
    if want["type"] == "iso":
        datastore = ISO_PATH.match(want["iso_path"]).group(1)
        if datastores is not None and datastore not in datastores:
            bad("cdrom.iso_path: no datastore named '%s' in the VM's datacenter" % datastore, "NotFound")
    if new != dev:
        if want["type"] == "iso":
            plan.check_isos.append(want["iso_path"])
            if isos is not None and not isos.get(want["iso_path"]):
                raise NotFound("cdrom.iso_path: no file %s" % want["iso_path"])
        plan.after["cdroms"] = [new] + plan.after["cdroms"][1:]
        plan.devices.append(("edit", "cdrom", new, {}))
