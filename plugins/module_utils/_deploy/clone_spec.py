# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hardware overrides at deploy time, and the one CloneSpec (or VMTX deploy spec) a deploy sends.

The sizes are checked by vm_hardware's own ``check_options``, so the same input gets the same
error in both modules. Disk and NIC entries are matched to the template's devices by label or
else in order; a disk may only grow. ``overrides(p, template)`` is pure and returns what changes;
``clone_spec`` and ``vmtx_spec`` turn it into the request.
"""

from __future__ import annotations

import copy

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.plan import check_options

DISK_PROVISIONING = {"thin": ("sparse", True, False), "thick": ("flat", False, False),
                     "eager-zeroed": ("flat", False, True)}


def _bad(message):
    raise InvalidInput(message)


def _size_mb(entry):
    if entry.get("size_gb") is not None:
        return entry["size_gb"] * 1024
    return entry.get("size_mb")


def check_hardware(p):
    """Refuse bad sizes before any session (vm_hardware's checks, plus the entries' shape)."""
    check_options({k: p.get(k) for k in ("num_cpus", "cores_per_socket", "memory_mb")})
    for i, disk in enumerate(p.get("disks") or []):
        size = _size_mb(disk)
        if size is None:
            _bad("disks[%d]: give size_gb or size_mb (a disk can only grow at deploy)" % i)
        if size <= 0:
            _bad("disks[%d]: the size must be positive, not %s" % (i, size))
    for i, nic in enumerate(p.get("nics") or []):
        if not nic.get("network"):
            _bad("nics[%d]: network is required" % i)


def _pair(entries, devices, kind):
    labels = {d["label"]: d for d in devices}
    claimed, pairs, free = set(), [], list(devices)
    for i, entry in enumerate(entries):
        if entry.get("label"):
            dev = labels.get(entry["label"])
            if dev is None:
                _bad("%s[%d]: the template has no %s labelled '%s' (it has %s)" % (
                    kind, i, "disk" if kind == "disks" else "network adapter", entry["label"], sorted(labels) or "none"))
        else:
            rest = [d for d in free if d["key"] not in claimed]
            if not rest:
                _bad("%s[%d]: the template has only %d %s; a deploy cannot add devices (use vm_hardware after it)" % (
                    kind, i, len(devices), "disk(s)" if kind == "disks" else "network adapter(s)"))
            dev = rest[0]
        if dev["key"] in claimed:
            _bad("%s[%d]: '%s' is named twice" % (kind, i, dev["label"]))
        claimed.add(dev["key"])
        pairs.append((entry, dev))
    return pairs


def overrides(p, template, networks=None):
    """What the deploy changes from the template: {config, disks: [(dev, size_mb)], nics: [(dev, network)]}.

    ``template``: facts with num_cpus, cores_per_socket, memory_mb, disks [{label, key, size_mb}],
    nics [{label, key, network}]; ``networks``: names that exist (None: not checked here)."""
    config = {}
    for option, field in (("num_cpus", "numCPUs"), ("cores_per_socket", "numCoresPerSocket"), ("memory_mb", "memoryMB")):
        if p.get(option) is not None and p[option] != template[option]:
            config[field] = p[option]
    cpus = p.get("num_cpus") or template["num_cpus"]
    cores = p.get("cores_per_socket") or template.get("cores_per_socket") or 1
    if cpus % cores:
        _bad("cores_per_socket %s does not divide num_cpus %s" % (cores, cpus))
    disks = []
    for entry, dev in _pair(p.get("disks") or [], template["disks"], "disks"):
        size = _size_mb(entry)
        if size < dev["size_mb"]:
            _bad("disks: '%s' of template %s has %d MB; a deploy can grow it, not shrink it to %d MB" % (
                dev["label"], template["name"], dev["size_mb"], size))
        if size > dev["size_mb"]:
            disks.append((dev, size))
    nics = []
    for entry, dev in _pair(p.get("nics") or [], template["nics"], "nics"):
        if networks is not None and entry["network"] not in networks:
            _bad("nics: no network named '%s' (there are %s)" % (entry["network"], sorted(networks)))
        if entry["network"] != dev["network"]:
            nics.append((dev, entry["network"]))
    return {"config": config, "disks": disks, "nics": nics}


def predicted(template, changes, p):
    """The new VM's hardware facts after the overrides (for ``after`` and check mode)."""
    hw = {"num_cpus": template["num_cpus"], "cores_per_socket": template.get("cores_per_socket") or 1,
          "memory_mb": template["memory_mb"],
          "disks": [{"label": d["label"], "size_mb": d["size_mb"]} for d in template["disks"]],
          "nics": [{"label": n["label"], "network": n["network"]} for n in template["nics"]]}
    for option in ("num_cpus", "cores_per_socket", "memory_mb"):
        if p.get(option) is not None:
            hw[option] = p[option]
    sizes = {dev["label"]: size for dev, size in changes["disks"]}
    nets = {dev["label"]: net for dev, net in changes["nics"]}
    for disk in hw["disks"]:
        disk["size_mb"] = sizes.get(disk["label"], disk["size_mb"])
    for nic in hw["nics"]:
        nic["network"] = nets.get(nic["label"], nic["network"])
    return hw


def _device_changes(vim, changes, devices, networks):
    out = []
    for dev, size in changes["disks"]:
        disk = copy.copy(devices[dev["key"]])
        disk.capacityInKB = size * 1024
        disk.capacityInBytes = size * 1024 * 1024
        out.append(vim.vm.device.VirtualDeviceSpec(operation="edit", device=disk))
    for dev, name in changes["nics"]:
        nic = copy.copy(devices[dev["key"]])
        net = networks[name]
        if net.get("key"):
            port = vim.dvs.PortConnection(portgroupKey=net["key"], switchUuid=net["dvs_uuid"])
            nic.backing = vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(port=port)
        else:
            nic.backing = vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName=name, network=net["ref"])
        out.append(vim.vm.device.VirtualDeviceSpec(operation="edit", device=nic))
    return out


def clone_spec(vim, changes, placement, devices=None, networks=None, customization=None, power_on=False,
               disk_provisioning=None, snapshot=None, disk_keys=()):
    """The CloneSpec: location, config overrides (devices edited in it, no second reconfigure),
    customization, power-on; a linked clone when ``snapshot`` is given."""
    location = vim.vm.RelocateSpec(pool=placement.resource_pool, host=placement.host, datastore=placement.datastore)
    if snapshot is not None:
        location.diskMoveType = "createNewChildDiskBacking"
    elif disk_provisioning in DISK_PROVISIONING:
        fmt, thin, eager = DISK_PROVISIONING[disk_provisioning]
        location.transform = fmt
        location.disk = [vim.vm.RelocateSpec.DiskLocator(
            diskId=key, datastore=placement.datastore,
            diskBackingInfo=vim.vm.device.VirtualDisk.FlatVer2BackingInfo(
                fileName="", diskMode="persistent", thinProvisioned=thin, eagerlyScrub=eager))
            for key in disk_keys] if placement.datastore is not None else None
    config = None
    if changes["config"] or changes["disks"] or changes["nics"]:
        config = vim.vm.ConfigSpec(**changes["config"])
        config.deviceChange = _device_changes(vim, changes, devices or {}, networks or {})
    return vim.vm.CloneSpec(location=location, config=config, customization=customization, powerOn=bool(power_on),
                            template=False, snapshot=snapshot)


def vmtx_spec(name, changes, placement_ids, networks_ids, power_on, customization_spec=None, datastore_id=None):
    """The vAPI DeploySpec of a VMTX library item (plain data, /api shape)."""
    spec = {"name": name, "powered_on": bool(power_on), "placement": placement_ids}
    if datastore_id:
        spec["disk_storage"] = {"datastore": datastore_id}
        spec["vm_home_storage"] = {"datastore": datastore_id}
    hw = {}
    cfg = changes["config"]
    if "numCPUs" in cfg or "numCoresPerSocket" in cfg:
        hw["cpu_update"] = {k: v for k, v in (("num_cpus", cfg.get("numCPUs")), ("num_cores_per_socket", cfg.get("numCoresPerSocket")))
                            if v is not None}
    if "memoryMB" in cfg:
        hw["memory_update"] = {"memory": cfg["memoryMB"]}
    if changes["nics"]:
        hw["nics"] = {str(dev["key"]): {"network": networks_ids[net]} for dev, net in changes["nics"]}
    if changes["disks"]:
        hw["disks_to_update"] = {str(dev["key"]): {"capacity": size * 1024 * 1024} for dev, size in changes["disks"]}
    if hw:
        spec["hardware_customization"] = hw
    if customization_spec:
        spec["guest_customization"] = {"name": customization_spec}
    return spec
