# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's device matching, shared by disks.py and cdroms.py (adapters: nics.py, controllers: controllers.py).

Devices are matched to entries by label, by controller/unit (disks), or else in order among
the devices no other entry claimed; an entry left over is a new device. Nothing is ever
removed unless an entry says ``state: absent``.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import (
    KIND_WORDS, bad, range_words, unit_limit, units,
)


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


def unit_choices(plan, where):
    """The units of controller ``where`` = (kind, bus) as the request leaves it, on the VM's hardware version."""
    return units(where[0], plan.controller_types.get(where), plan.version)


def range_text(plan, where):
    """What controller ``where`` takes, in words: 'SCSI controller 0 (paravirtual) of a vmx-13 VM takes units ...'."""
    kind, bus = where
    ctype = plan.controller_types.get(where)
    top, more = unit_limit(kind, ctype, plan.version)
    text = "%s controller %s%s of a %s VM takes units %s" % (
        KIND_WORDS[kind], bus, " (%s)" % ctype if kind == "scsi" and ctype else "", plan.version or "hardware version unknown",
        range_words(kind, top))
    if more:
        text += "; %s from hardware version %d (upgrade the VM first with hardware_version)" % (range_words(kind, more[1]), more[0])
    return text


def take_unit(plan, where, unit, what):
    """The unit a new device takes on controller ``where`` = (kind, bus): ``unit``, or the next free one,
    within the range of the controller's type on the VM's hardware version."""
    kind, bus = where
    taken = plan.used_units.setdefault(where, set())
    choices = unit_choices(plan, where)
    if unit is None:
        free = [u for u in choices if u not in taken]
        if not free:
            bad("%s: %s controller %s has no free unit (%s)" % (what, KIND_WORDS[kind], bus, range_text(plan, where)))
        unit = free[0]
    elif unit not in choices:
        bad("%s: unit_number %s is out of range: %s" % (what, unit, range_text(plan, where)), "InvalidDeviceSpec")
    elif unit in taken:
        bad("%s: unit %s of %s controller %s is taken by another device" % (what, unit, KIND_WORDS[kind], bus),
            "InvalidDeviceSpec")
    taken.add(unit)
    return unit


def check_retyped_units(plan, before):
    """A controller whose type the request changes must still take the units of the devices left on it
    (a disk at unit 20 of a VMware Paravirtual controller cannot stay on an LSI Logic one)."""
    had = dict(((c["kind"], c["bus_number"]), c["type"]) for c in before["controllers"])
    for dev in plan.after["disks"] + plan.after["cdroms"]:
        where = (dev.get("controller_type"), dev.get("controller"))
        if dev["key"] is None or dev.get("unit_number") is None or where not in had \
                or plan.controller_types.get(where, had[where]) == had[where]:
            continue
        if dev["unit_number"] not in unit_choices(plan, where):
            bad("%s is at unit %s, but %s; move it to another unit or controller first"
                % (dev["label"], dev["unit_number"], range_text(plan, where)), "InvalidDeviceSpec")
