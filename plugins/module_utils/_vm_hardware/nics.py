# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's network adapters: which adapter each ``nics`` entry stands for, and what changes.

An entry names an adapter by ``label``, ``mac_address`` or ``position`` (1-based, in slot order,
as the module reports ``vm.nics``). An entry naming none of them stands for an adapter on its
``network`` (of its ``device_type`` when given) that no other entry claimed; when none is left
it is a new adapter. So a list of the adapters wanted converges: the second run finds the adapter
the first one added by the network and type it was given.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.limits import (
    check_manual_range, check_nic_count, normalize_mac,
)
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import bad

NIC_FIELDS = ("network", "connected", "start_connected", "mac_type", "mac_address")
NAMES = ("label", "mac_address", "position")


def check_nic_options(entries):
    """What the ``nics`` entries alone make impossible; normalizes MAC addresses in place."""
    seen = {}
    for i, nic in enumerate(entries or []):
        where = "nics[%d]" % i
        if nic["state"] == "absent" and not (nic.get("label") or nic.get("mac_address")):
            bad("%s: state absent needs label or mac_address, so that only the adapter named is removed "
                "(a position would name another adapter on the next run)" % where)
        if nic.get("position") is not None and nic["position"] < 1:
            bad("%s: position counts from 1, not %s" % (where, nic["position"]))
        if nic.get("mac_type") == "manual" and not nic.get("mac_address"):
            bad("%s: mac_type manual needs mac_address" % where)
        if nic.get("mac_address") and nic.get("mac_type") not in (None, "manual"):
            bad("%s: mac_address names an adapter or sets a manual address; it cannot go with mac_type %s"
                % (where, nic["mac_type"]))
        if nic.get("mac_address"):
            nic["mac_address"] = normalize_mac(where, nic["mac_address"])
            if nic.get("mac_type") == "manual":
                check_manual_range(where, nic["mac_address"])
        if nic["state"] == "present" and not any(nic.get(name) is not None for name in NAMES) and not nic.get("network"):
            bad("%s: name the adapter by label, mac_address or position, or give network for a new one" % where)
        for name in NAMES:
            if nic.get(name) is not None:
                ident = (name, nic[name])
                if ident in seen:
                    bad("nics: entries %s and %d both name the adapter with %s %s" % (seen[ident], i, name, nic[name]))
                seen[ident] = i
    check_nic_count(len([nic for nic in entries or [] if nic["state"] == "present"]))


def _named(entry, nics):
    """The adapter an entry names outright, or None; raises when its names disagree.

    With a label or a position, mac_address is the manual address to set, not a name."""
    found = []
    if entry.get("label"):
        found.append(("label", next((n for n in nics if n["label"] == entry["label"]), None)))
    if entry.get("mac_address") and not (entry.get("label") or entry.get("position") is not None):
        found.append(("mac_address", next((n for n in nics if (n["mac_address"] or "").lower() == entry["mac_address"]), None)))
    if entry.get("position") is not None:
        found.append(("position", nics[entry["position"] - 1] if entry["position"] <= len(nics) else None))
    keys = set((dev or {}).get("key") for _name, dev in found)
    if len(keys) > 1:
        bad("nics: %s name different adapters" % " and ".join("%s %s" % (name, entry[name]) for name, _dev in found))
    return found[0][1] if found else None


def match_nics(entries, nics):
    """[(entry, adapter or None)]: named adapters first, then by network (and type) among the unclaimed."""
    pairs, claimed = [], {}
    for i, entry in enumerate(entries):
        dev = _named(entry, nics)
        if dev is not None:
            if dev["key"] in claimed:
                bad("nics: entries %d and %d both name %s" % (claimed[dev["key"]], i, dev["label"]))
            claimed[dev["key"]] = i
        pairs.append([entry, dev])
    for i, pair in enumerate(pairs):
        entry = pair[0]
        if pair[1] is not None or entry["state"] != "present" or any(entry.get(name) is not None for name in NAMES):
            continue
        for dev in nics:
            if dev["key"] not in claimed and dev["network"] == entry["network"] \
                    and entry.get("device_type") in (None, dev["device_type"]):
                pair[1] = dev
                claimed[dev["key"]] = i
                break
    return pairs


def _what(entry, dev):
    for name in NAMES:
        if entry.get(name) is not None:
            return "network adapter with %s %s" % (name, entry[name]) if name != "label" else "network adapter %s" % entry[name]
    return "network adapter %s" % (dev["label"] if dev else "(new, on %s)" % entry.get("network"))


def _new(plan, entry, running, what):
    if entry.get("label") or entry.get("position") is not None:
        name = "label" if entry.get("label") else "position"
        bad("%s: no network adapter has this %s; to add one, name it by network (or a new mac_address)" % (what, name),
            "NotFound")
    if not entry.get("network"):
        bad("%s: a new network adapter needs network" % what)
    if entry.get("mac_address"):
        check_manual_range(what, entry["mac_address"])
    new = {"label": None, "key": None, "device_type": entry.get("device_type") or "vmxnet3",
           "network": entry["network"], "connected": running and entry.get("connected") is not False,
           "start_connected": entry.get("start_connected") is not False,
           "mac_type": "manual" if entry.get("mac_address") else (entry.get("mac_type") or "generated"),
           "mac_address": entry.get("mac_address")}
    plan.after["nics"].append(new)
    plan.devices.append(("add", "nic", new, {}))


def plan_nics(plan, before, p, networks):
    entries = p.get("nics") or []
    running = before["power_state"] == "powered-on"
    for entry, dev in match_nics(entries, before["nics"]):
        what = _what(entry, dev)
        if entry["state"] == "absent":
            if dev is not None:
                plan.after["nics"] = [n for n in plan.after["nics"] if n["key"] != dev["key"]]
                plan.devices.append(("remove", "nic", dev, {}))
            continue
        if entry.get("network") and networks is not None and entry["network"] not in networks:
            bad("%s: no network named '%s' in the VM's datacenter" % (what, entry["network"]), "NotFound")
        if dev is None:
            _new(plan, entry, running, what)
            continue
        if entry.get("device_type") and entry["device_type"] != dev["device_type"]:
            bad("%s is a %s; changing the adapter type needs a new adapter (remove this one by label, add another)"
                % (what, dev["device_type"]))
        want = dict(dev)
        for field in NIC_FIELDS:
            if entry.get(field) is not None:
                want[field] = entry[field]
        if not running:
            want["connected"] = dev["connected"]  # only a running VM has connected adapters
        if entry.get("mac_type") in ("generated", "assigned") and entry["mac_type"] != dev["mac_type"]:
            want["mac_address"] = None
        if want != dev:
            plan.after["nics"] = [want if n["key"] == dev["key"] else n for n in plan.after["nics"]]
            # the backing is rebuilt only for a new network (a port group's switch uuid is read only then)
            plan.devices.append(("edit", "nic", want, {"network_changed": want["network"] != dev["network"]}))
    check_nic_count(len(plan.after["nics"]))
