# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's CD-ROM drives: which drive each ``cdroms`` entry stands for, and what changes.

An entry names a drive by ``label``, ``position`` (1-based, as ``vm.cdroms`` lists them) or
``unit_number`` on ``controller_type`` + ``controller``; else it stands for the next drive no other
entry names; an entry with no drive left is a new drive (IDE unless it says SATA) at the next free
unit. ``cdrom`` (one dict) is the first drive's media, as before. Media named by ``library`` +
``library_item`` has been resolved to its ``iso_path`` before planning (library_iso.py). IDE devices cannot be added or
removed while the VM runs (SATA ones can).
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.devices import match, take_unit
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.disks import controllers_after
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import ISO_PATH, KIND_WORDS, bad, most_unit


def entries_of(p):
    """The ``cdroms`` entries, with ``cdrom`` standing for the first drive."""
    if p.get("cdrom"):
        return [dict(p["cdrom"], position=1, label=None, unit_number=None, controller_type=None, controller=0,
                     state="present", legacy=True)]
    return p.get("cdroms") or []


def check_cdrom_options(p):
    if p.get("cdrom") and p.get("cdroms"):
        bad("cdrom and cdroms cannot go together; cdrom is the first entry of cdroms")
    for i, entry in enumerate(entries_of(p)):
        where = "cdrom" if entry.get("legacy") else "cdroms[%d]" % i
        if entry["state"] == "absent" and not (entry.get("label") or entry.get("unit_number") is not None):
            bad("%s: state absent needs label or unit_number, so that only the drive named is removed" % where)
        if entry.get("position") is not None and entry["position"] < 1:
            bad("%s: position counts from 1, not %s" % (where, entry["position"]))
        if entry.get("controller_type") not in (None, "ide", "sata"):
            bad("%s: a CD-ROM drive goes on an IDE or SATA controller, not %s" % (where, entry["controller_type"]))
        kind = entry.get("controller_type") or "ide"
        if entry.get("unit_number") is not None and not 0 <= entry["unit_number"] <= most_unit(kind):
            bad("%s: unit_number on an %s controller must be 0-%d, not %s" % (where, KIND_WORDS[kind], most_unit(kind), entry["unit_number"]))
        if bool(entry.get("library")) != bool(entry.get("library_item")):
            bad("%s: library and library_item go together (the content library ISO item, both by name)" % where)
        if entry.get("library") and entry.get("iso_path"):
            bad("%s: iso_path and library are mutually exclusive: the ISO file comes from a datastore path or from "
                "a content library item, not both" % where)
        if entry.get("library") and entry["state"] == "absent":
            bad("%s: library names media; it does not go with state absent" % where)
        if entry.get("library") and entry.get("type") not in (None, "iso"):
            bad("%s: library gives the drive an ISO file; it does not go with type %s" % (where, entry["type"]))
        if entry["state"] == "present" and not entry.get("library") and (entry.get("type") == "iso") != bool(entry.get("iso_path")):
            bad("%s: iso_path is needed with type iso (or library + library_item), and only with it" % where)
        if entry.get("iso_path") and not ISO_PATH.match(entry["iso_path"]):
            bad("%s.iso_path must look like '[datastore] folder/file.iso', not '%s'" % (where, entry["iso_path"]))


def isos_to_check(before, p):
    """The ISO files the request mounts that no drive of the VM has mounted (their existence is read
    before planning, so the plan stays pure; a no-op re-run reads none)."""
    mounted = set(c["iso_path"] for c in before["cdroms"] if c["type"] == "iso")
    # a library item's file is vouched for by the library (its storage says it is cached)
    wanted = [e for e in entries_of(p) if e.get("type") == "iso" and e["state"] == "present" and not e.get("from_library")]
    return sorted(set(e["iso_path"] for e in wanted) - mounted)


def _pairs(before, entries):
    drives = before["cdroms"]

    def explicit(entry, dev):
        if entry.get("label"):
            return dev["label"] == entry["label"]
        if entry.get("position") is not None:
            return entry["position"] <= len(drives) and drives[entry["position"] - 1]["key"] == dev["key"]
        return entry.get("unit_number") is not None and dev["controller_type"] == (entry.get("controller_type") or "ide") \
            and dev["controller"] == entry["controller"] and dev["unit_number"] == entry["unit_number"]

    def positional(entry):
        return entry["state"] == "present" and not entry.get("label") and entry.get("position") is None \
            and entry.get("unit_number") is None

    return match(entries, drives, explicit, positional)


def plan_cdroms(plan, before, p, datastores, isos=None):
    entries = entries_of(p)
    running = before["power_state"] != "powered-off"
    have = controllers_after(before, p)
    seen = set()
    for entry, dev in _pairs(before, entries):
        where = "cdrom" if entry.get("legacy") else "cdrom drive %s" % (entry.get("label") or (dev or {}).get("label") or "(new)")
        if dev is not None and dev["key"] in seen:
            bad("cdroms: two entries name the same drive %s" % dev["label"])
        if dev is not None:
            seen.add(dev["key"])
        if entry["state"] == "absent":
            if dev is not None:
                plan.after["cdroms"] = [c for c in plan.after["cdroms"] if c["key"] != dev["key"]]
                plan.devices.append(("remove", "cdrom", dev, {}))
                if running and dev["controller_type"] == "ide":
                    plan.needs_off.append("removing %s from IDE needs the VM powered off" % dev["label"])
            continue
        if entry.get("type") == "iso":
            datastore = ISO_PATH.match(entry["iso_path"]).group(1)
            if datastores is not None and datastore not in datastores:
                bad("%s.iso_path: no datastore named '%s' in the VM's datacenter" % (where, datastore), "NotFound")
        if dev is None:
            if entry.get("legacy"):
                bad("the VM has no CD-ROM drive; add one with cdroms")
            if entry.get("label") or entry.get("position") is not None:
                bad("%s: no CD-ROM drive has this %s; to add one, leave it out" % (where, "label" if entry.get("label") else "position"),
                    "NotFound")
            dev = _new_drive(plan, entry, have, running, where)
        kind = entry.get("type") or dev["type"]
        want = dict(dev, type=kind, iso_path=entry.get("iso_path") if kind == "iso" else None,
                    connected=running and kind != "none")
        if entry.get("type") is None:
            want = dict(want, iso_path=dev["iso_path"], connected=dev["connected"])
        if want == dev and dev["key"] is not None:
            continue
        if want["type"] == "iso" and want["iso_path"] != dev.get("iso_path") and isos is not None \
                and not isos.get(want["iso_path"], True):
            raise NotFound("%s.iso_path: no file %s" % (where, want["iso_path"]))
        if dev["key"] is None:
            plan.after["cdroms"] = [want if c is dev else c for c in plan.after["cdroms"]]
            plan.devices[-1] = ("add", "cdrom", want, {})
        else:
            plan.after["cdroms"] = [want if c["key"] == dev["key"] else c for c in plan.after["cdroms"]]
            plan.devices.append(("edit", "cdrom", want, {}))


def _new_drive(plan, entry, have, running, where):
    kind, bus = entry.get("controller_type") or "ide", entry["controller"]
    if (kind, bus) not in have:
        bad("%s: the VM has no %s controller %s" % (where, KIND_WORDS[kind], bus))
    unit = take_unit(plan, (kind, bus), entry.get("unit_number"), where)
    if running and kind == "ide":
        plan.needs_off.append("adding a CD-ROM drive on IDE needs the VM powered off (SATA takes it running)")
    new = {"label": None, "key": None, "type": "none", "iso_path": None, "connected": False,
           "controller_type": kind, "controller": bus, "unit_number": unit}
    plan.after["cdroms"].append(new)
    plan.devices.append(("add", "cdrom", new, {}))
    return new
