# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's device matching, shared by disks.py and cdroms.py (adapters: nics.py, controllers: controllers.py).

Devices are matched to entries by label, by controller/unit (disks), or else in order among
the devices no other entry claimed; an entry left over is a new device. Nothing is ever
removed unless an entry says ``state: absent``.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import KIND_WORDS, UNITS, bad


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


def take_unit(taken, where, unit, what):
    """The unit a new device takes on controller ``where`` = (kind, bus): ``unit``, or the next free one."""
    kind, bus = where
    if unit is None:
        free = [u for u in UNITS[kind] if u not in taken]
        if not free:
            bad("%s: %s controller %s has no free unit" % (what, KIND_WORDS[kind], bus))
        unit = free[0]
    elif unit in taken:
        bad("%s: unit %s of %s controller %s is taken by another device" % (what, unit, KIND_WORDS[kind], bus),
            "InvalidDeviceSpec")
    taken.add(unit)
    return unit
