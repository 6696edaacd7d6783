# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's device matching and CD-ROM decisions (disks: disks.py, adapters: nics.py, controllers: controllers.py).

Devices are matched to entries by label, by controller/unit (disks), or else in order among
the devices no other entry claimed; an entry left over is a new device. Nothing is ever
removed unless an entry says ``state: absent``.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import ISO_PATH, bad


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
