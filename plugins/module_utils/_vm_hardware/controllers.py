# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's storage controllers (SCSI, SATA, NVMe), named by kind and bus number.

A ``controllers`` entry names the controller of its type's kind (SCSI for the four SCSI types)
on ``bus_number``: absent, it is added; of another SCSI type, its type changes (vSphere has no
such edit: the controller is removed, one of the new type added on the same bus, and its devices
moved to it, in the same reconfigure, with the VM off); ``state: absent`` removes it when no
device is left on it (planned after the disks, so disks removed by the same request count as gone).
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import KIND_OF, KIND_WORDS, MAX_BUS, bad


def check_controller_options(entries):
    seen = {}
    for i, entry in enumerate(entries or []):
        where = "controllers[%d]" % i
        if not 0 <= entry["bus_number"] <= MAX_BUS:
            bad("%s: bus_number must be 0-%d, not %s" % (where, MAX_BUS, entry["bus_number"]))
        if entry.get("sharing") and KIND_OF[entry["type"]] != "scsi":
            bad("%s: bus sharing is for SCSI controllers, not %s" % (where, entry["type"]))
        ident = (KIND_OF[entry["type"]], entry["bus_number"])
        if ident in seen:
            bad("controllers: entries %d and %d both name %s controller %s" % (seen[ident], i, KIND_WORDS[ident[0]], ident[1]))
        seen[ident] = i


def _attached(plan, dev):
    on = [d["label"] or "a new disk" for d in plan.after["disks"]
          if (d["controller_type"], d["controller"]) == (dev["kind"], dev["bus_number"])]
    return on + [c["label"] for c in plan.after["cdroms"]
                 if (c.get("controller_type"), c.get("controller")) == (dev["kind"], dev["bus_number"])]


def plan_controllers(plan, before, p):
    running = before["power_state"] != "powered-off"
    for entry in p.get("controllers") or []:
        kind, bus = KIND_OF[entry["type"]], entry["bus_number"]
        dev = next((c for c in before["controllers"] if (c["kind"], c["bus_number"]) == (kind, bus)), None)
        if entry["state"] == "absent":
            if dev is None:
                continue
            attached = _attached(plan, dev)
            if attached:
                bad("%s cannot be removed: %s on it (remove them first with state absent)"
                    % (dev["label"], ", ".join(attached) + (" is" if len(attached) == 1 else " are")), "InvalidDeviceSpec")
            plan.after["controllers"] = [c for c in plan.after["controllers"] if c["key"] != dev["key"]]
            plan.devices.append(("remove", "controller", dev, {}))
            if running:
                plan.needs_off.append("removing %s needs the VM powered off" % dev["label"])
            continue
        sharing = entry.get("sharing") or ((dev or {}).get("sharing") or "none" if kind == "scsi" else None)
        if dev is None:
            new = {"label": None, "key": None, "kind": kind, "type": entry["type"], "bus_number": bus, "sharing": sharing}
            plan.after["controllers"].append(new)
            plan.devices.append(("add", "controller", new, {}))
            continue
        want = dict(dev, type=entry["type"], sharing=sharing)
        if want == dev:
            continue
        plan.after["controllers"] = [want if c["key"] == dev["key"] else c for c in plan.after["controllers"]]
        if want["type"] != dev["type"]:
            plan.devices.append(("retype", "controller", dict(want, key=None), {"old": dev}))
            if running:
                plan.needs_off.append("%s: changing its type from %s to %s needs the VM powered off"
                                      % (dev["label"], dev["type"], want["type"]))
        else:
            plan.devices.append(("edit", "controller", want, {}))
            if running:
                plan.needs_off.append("%s: bus sharing can only change while the VM is powered off" % dev["label"])
