# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's decisions as pure functions: options checked, then ``before`` facts -> ``after`` + changes.

Only what the request names is touched. Devices are matched to entries by label, by
controller/unit (disks), or else in order among the devices no other entry claimed; an
entry left over is a new device. Nothing is ever removed unless an entry says
``state: absent``. Check mode, ``--diff`` and the real run all come from this one plan.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

ISO_PATH = re.compile(r"^\[([^\]]+)\] ?(\S.*)$")
SCSI_UNITS = [unit for unit in range(16) if unit != 7]  # unit 7 is the controller itself
POLICY_OPTION = {"never": "never", "after-clean-guest-shutdown": "onSoftPowerOff", "always": "always"}


def bad(message, fault_type="InvalidInput"):
    raise InvalidInput(message, fault_type=fault_type)


def normalize_version(value, option):
    """'vmx-19' for 'vmx-19' or '19'; 'latest' stays; anything else is refused."""
    if value is None or value == "latest":
        return value
    text = str(value).strip().lower()
    number = text[4:] if text.startswith("vmx-") else text
    if not number.isdigit() or not 3 <= int(number) <= 99:
        bad("%s must be 'latest', 'vmx-<number>' or a number such as 19, not '%s'" % (option, value))
    return "vmx-%02d" % int(number)


def disk_size(entry):
    if entry.get("size_gb") is not None:
        return entry["size_gb"] * 1024
    return entry.get("size_mb")


def check_options(p):
    """Everything that can be refused without asking vSphere; raises InvalidInput."""
    if p["timeout"] <= 0:
        bad("timeout must be a positive number of seconds, not %s" % p["timeout"])
    for option in ("num_cpus", "cores_per_socket", "memory_mb"):
        if p.get(option) is not None and p[option] <= 0:
            bad("%s must be a positive number, not %s" % (option, p[option]))
    if p.get("memory_mb") is not None and p["memory_mb"] % 4:
        bad("memory_mb must be a multiple of 4 MB; %s is not (try %s)" % (p["memory_mb"], p["memory_mb"] - p["memory_mb"] % 4 or 4))
    if p.get("num_cpus") and p.get("cores_per_socket") and p["num_cpus"] % p["cores_per_socket"]:
        bad("cores_per_socket %s does not divide num_cpus %s" % (p["cores_per_socket"], p["num_cpus"]))
    p["hardware_version"] = normalize_version(p.get("hardware_version"), "hardware_version")
    if p.get("upgrade_policy"):
        p["upgrade_policy"]["version"] = normalize_version(p["upgrade_policy"].get("version"), "upgrade_policy.version")
    seen = set()
    for i, disk in enumerate(p.get("disks") or []):
        where = "disks[%d]" % i
        size = disk_size(disk)
        if size is not None and size <= 0:
            bad("%s: the size must be positive, not %s" % (where, size))
        if disk["state"] == "absent" and disk.get("label") is None and disk.get("unit_number") is None:
            bad("%s: state absent needs label or unit_number, so that only the disk named is removed" % where)
        if disk.get("unit_number") is not None and disk["unit_number"] not in SCSI_UNITS:
            bad("%s: unit_number must be 0-15 except 7, not %s" % (where, disk["unit_number"]))
        for ident in (("label", disk.get("label")), ("slot", disk["controller"], disk.get("unit_number"))):
            if ident[-1] is None:
                continue
            if ident in seen:
                bad("%s: duplicate disk entry for %s" % (where, describe_ident(ident)))
            seen.add(ident)
    for i, nic in enumerate(p.get("nics") or []):
        where = "nics[%d]" % i
        if nic["state"] == "absent" and not nic.get("label"):
            bad("%s: state absent needs label, so that only the adapter named is removed" % where)
        if nic.get("mac_type") == "manual" and not nic.get("mac_address"):
            bad("%s: mac_type manual needs mac_address" % where)
        if nic.get("mac_address") and nic.get("mac_type") != "manual":
            bad("%s: mac_address needs mac_type manual" % where)
    labels = [nic["label"] for nic in p.get("nics") or [] if nic.get("label")]
    if len(labels) != len(set(labels)):
        bad("nics: duplicate entries for label %s" % sorted(set(l for l in labels if labels.count(l) > 1)))
    cdrom = p.get("cdrom")
    if cdrom:
        if (cdrom["type"] == "iso") != bool(cdrom.get("iso_path")):
            bad("cdrom: iso_path is needed with type iso, and only with it")
        if cdrom.get("iso_path") and not ISO_PATH.match(cdrom["iso_path"]):
            bad("cdrom.iso_path must look like '[datastore] folder/file.iso', not '%s'" % cdrom["iso_path"])


def describe_ident(ident):
    return "label '%s'" % ident[1] if ident[0] == "label" else "controller %s unit %s" % (ident[1], ident[2])


class Plan:
    def __init__(self, before):
        self.after = copy.deepcopy(before)
        self.config = {}
        self.policy = None
        self.devices = []          # (op, kind, facts after, extra)
        self.upgrade = None
        self.needs_off = []        # why the running VM cannot take the change
        self.check_isos = []

    @property
    def reconfigure(self):
        return bool(self.config or self.policy or self.devices)


def _scalar(plan, before, p, running):
    hot = [("num_cpus", "numCPUs"), ("cores_per_socket", "numCoresPerSocket"), ("memory_mb", "memoryMB"),
           ("cpu_hot_add", "cpuHotAddEnabled"), ("cpu_hot_remove", "cpuHotRemoveEnabled"),
           ("memory_hot_add", "memoryHotAddEnabled")]
    for option, field in hot:
        want = p.get(option)
        if want is None or want == before[option]:
            continue
        plan.after[option] = want
        plan.config[field] = want
        if not running:
            continue
        if before["power_state"] == "suspended":
            plan.needs_off.append("%s cannot change while the VM is suspended" % option)
        elif option == "num_cpus" and want > before[option] and not before["cpu_hot_add"]:
            plan.needs_off.append("num_cpus %s -> %s needs CPU hot add, which is off" % (before[option], want))
        elif option == "num_cpus" and want < before[option] and not before["cpu_hot_remove"]:
            plan.needs_off.append("num_cpus %s -> %s needs CPU hot remove, which is off" % (before[option], want))
        elif option == "memory_mb" and want < before[option]:
            plan.needs_off.append("memory_mb %s -> %s: memory cannot be removed from a running VM" % (before[option], want))
        elif option == "memory_mb" and not before["memory_hot_add"]:
            plan.needs_off.append("memory_mb %s -> %s needs memory hot add, which is off" % (before[option], want))
        elif option not in ("num_cpus", "memory_mb"):
            plan.needs_off.append("%s can only change while the VM is powered off" % option)
    cpus, cores = plan.after["num_cpus"], plan.after["cores_per_socket"]
    if cpus and cores and cpus % cores:
        bad("cores_per_socket %s does not divide num_cpus %s" % (cores, cpus))


def _version(plan, before, p, versions, running):
    want = p.get("hardware_version")
    if want and not (want != "latest" and _num(want) <= _num(before["hardware_version"])):  # never a downgrade
        if not versions:
            bad("the VM's host reports no hardware versions it supports")
        target = versions[-1] if want == "latest" else want
        if target not in versions:
            bad("hardware_version %s is not supported by the VM's host (supported: %s)" % (target, ", ".join(versions)))
        current = _num(before["hardware_version"])
        if _num(target) > current:
            plan.upgrade = target
            plan.after["hardware_version"] = target
            if running:
                plan.needs_off.append("hardware_version %s -> %s needs the VM powered off" % (before["hardware_version"], target))
    policy = p.get("upgrade_policy")
    if policy:
        version = policy.get("version")
        if version == "latest" or (version is None and policy["policy"] != "never"):
            version = versions[-1] if versions else None
        if version and versions and version not in versions:
            bad("upgrade_policy.version %s is not supported by the VM's host (supported: %s)" % (version, ", ".join(versions)))
        want_policy = {"policy": policy["policy"], "version": None if policy["policy"] == "never" else version}
        if want_policy != before["upgrade_policy"]:
            plan.after["upgrade_policy"] = want_policy
            plan.policy = want_policy


def _num(version):
    return int(version[4:]) if version and version.startswith("vmx-") and version[4:].isdigit() else 0


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


def _disks(plan, before, p, ctx_scsi, datastores):
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


NIC_FIELDS = ("network", "connected", "start_connected", "mac_type", "mac_address")


def _nics(plan, before, p, networks):
    entries = p.get("nics") or []
    pairs = match(entries, before["nics"], lambda e, d: bool(e.get("label")) and d["label"] == e["label"],
                  lambda e: e["state"] == "present" and not e.get("label"))
    running = before["power_state"] == "powered-on"
    for entry, dev in pairs:
        what = "network adapter %s" % (entry.get("label") or (dev or {}).get("label") or "(new)")
        if entry["state"] == "absent":
            if dev is not None:
                plan.after["nics"] = [n for n in plan.after["nics"] if n["key"] != dev["key"]]
                plan.devices.append(("remove", "nic", dev, {}))
            continue
        if entry.get("network") and networks is not None and entry["network"] not in networks:
            bad("%s: no network named '%s' in the VM's datacenter" % (what, entry["network"]), "NotFound")
        if dev is None:
            if entry.get("label"):
                bad("%s: no network adapter has this label; to add one, leave label out" % what, "NotFound")
            if not entry.get("network"):
                bad("%s: a new network adapter needs network" % what)
            new = {"label": None, "key": None, "device_type": entry.get("device_type") or "vmxnet3",
                   "network": entry["network"], "connected": running and entry.get("connected") is not False,
                   "start_connected": entry.get("start_connected") is not False,
                   "mac_type": entry.get("mac_type") or "generated", "mac_address": entry.get("mac_address")}
            plan.after["nics"].append(new)
            plan.devices.append(("add", "nic", new, {}))
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
            plan.devices.append(("edit", "nic", want, {}))


def _cdrom(plan, before, p, datastores):
    want = p.get("cdrom")
    if not want:
        return
    if not before["cdroms"]:
        bad("the VM has no CD-ROM drive; this module changes the media of an existing one")
    dev = before["cdroms"][0]
    running = before["power_state"] == "powered-on"
    new = dict(dev, type=want["type"], iso_path=want.get("iso_path"), connected=running and want["type"] != "none")
    if want["type"] == "iso":
        datastore = ISO_PATH.match(want["iso_path"]).group(1)
        if datastores is not None and datastore not in datastores:
            bad("cdrom.iso_path: no datastore named '%s' in the VM's datacenter" % datastore, "NotFound")
    if new != dev:
        if want["type"] == "iso":
            plan.check_isos.append(want["iso_path"])
        plan.after["cdroms"] = [new] + plan.after["cdroms"][1:]
        plan.devices.append(("edit", "cdrom", new, {}))


def plan(before, p, scsi=None, used_units=None, networks=None, datastores=None, versions=None):
    """The changes that bring ``before`` to what ``p`` asks; raises InvalidInput naming the option.

    ``networks``/``datastores`` are the names known in the datacenter (None: not read, not needed);
    ``versions`` the hardware versions the host supports (None: not needed).
    """
    if before["template"]:
        bad("VM '%s' is a template; convert it to a VM to change its hardware" % before["name"], "InvalidState")
    result = Plan(before)
    result.used_units = used_units or {}
    running = before["power_state"] != "powered-off"
    _scalar(result, before, p, running)
    _version(result, before, p, versions or [], running)
    _disks(result, before, p, scsi or {}, datastores)
    _nics(result, before, p, networks)
    _cdrom(result, before, p, datastores)
    return result
