# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's facts of one device (controller, disk, adapter, CD-ROM) and of the VM's resource
allocation, as plain dicts, from the pyVmomi objects read.py retrieved."""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import (
    BUS_SHARING_NAMES, CONTROLLER_NAMES, DISK_SHARING_NAMES, KIND_OF, NIC_NAMES,
)

CONTROLLERS = (vim.vm.device.VirtualSCSIController, vim.vm.device.VirtualSATAController,
               vim.vm.device.VirtualNVMEController, vim.vm.device.VirtualIDEController) if vim else ()
KIND_ORDER = {"scsi": 0, "sata": 1, "nvme": 2, "ide": 3}


def datastore_of(path):
    return path[1:path.index("]")] if path and path.startswith("[") and "]" in path else None


def _label(dev):
    return dev.deviceInfo.label if dev.deviceInfo else None


def controller_facts(dev):
    kind = CONTROLLER_NAMES.get(type(dev).__name__.rsplit(".", 1)[-1])
    return {"label": _label(dev), "key": dev.key, "kind": KIND_OF[kind], "type": kind, "bus_number": dev.busNumber,
            "sharing": BUS_SHARING_NAMES.get(dev.sharedBus, dev.sharedBus) if KIND_OF[kind] == "scsi" else None}


def _shares(info):
    shares = getattr(info, "shares", None) if info is not None else None
    if shares is None:
        return "normal"
    return shares.shares if shares.level == "custom" else shares.level


def disk_facts(dev, ctx):
    backing = dev.backing
    controller = ctx.devices.get(dev.controllerKey)
    kind = CONTROLLER_NAMES.get(type(controller).__name__.rsplit(".", 1)[-1]) if controller is not None else None
    path = getattr(backing, "fileName", None)
    if getattr(backing, "eagerlyScrub", False):
        provisioning = "eager-zeroed"
    else:
        provisioning = "thin" if getattr(backing, "thinProvisioned", False) else "thick"
    io = dev.storageIOAllocation
    limit = getattr(io, "limit", None) if io is not None else None
    sharing = getattr(backing, "sharing", None) or "sharingNone"
    return {"label": _label(dev), "key": dev.key, "controller_type": KIND_OF.get(kind),
            "controller": getattr(controller, "busNumber", None), "unit_number": dev.unitNumber,
            "size_mb": int((dev.capacityInKB or 0) // 1024), "datastore": datastore_of(path), "file": path,
            "provisioning": provisioning, "disk_mode": getattr(backing, "diskMode", None) or "persistent",
            "sharing": DISK_SHARING_NAMES.get(sharing, sharing), "shares": _shares(io),
            "iops_limit": -1 if limit is None else limit}


def _connectable(dev):
    conn = dev.connectable
    return bool(conn and conn.connected), bool(conn and conn.startConnected)


def nic_facts(dev, names_by_key):
    backing = dev.backing
    if isinstance(backing, vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo):
        network = names_by_key.get(backing.port.portgroupKey, backing.port.portgroupKey)
    else:
        network = getattr(backing, "deviceName", None)
    connected, start = _connectable(dev)
    kind = type(dev).__name__.rsplit(".", 1)[-1]
    return {"label": dev.deviceInfo.label if dev.deviceInfo else None, "key": dev.key,
            "device_type": NIC_NAMES.get(kind, kind), "network": network, "connected": connected,
            "start_connected": start, "mac_type": dev.addressType, "mac_address": dev.macAddress}


def cdrom_facts(dev, ctx):
    connected, start = _connectable(dev)
    controller = ctx.devices.get(dev.controllerKey)
    on = CONTROLLER_NAMES.get(type(controller).__name__.rsplit(".", 1)[-1]) if controller is not None else None
    iso = isinstance(dev.backing, vim.vm.device.VirtualCdrom.IsoBackingInfo)
    remote = isinstance(dev.backing, (vim.vm.device.VirtualCdrom.RemotePassthroughBackingInfo,
                                      vim.vm.device.VirtualCdrom.RemoteAtapiBackingInfo))
    kind = "none" if not start else ("iso" if iso else ("client" if remote else "host-device"))
    return {"label": dev.deviceInfo.label if dev.deviceInfo else None, "key": dev.key, "type": kind,
            "iso_path": dev.backing.fileName if iso else None, "connected": connected,
            "controller_type": KIND_OF.get(on), "controller": getattr(controller, "busNumber", None),
            "unit_number": dev.unitNumber}


def allocations(values):
    cpu, memory = values.get("config.cpuAllocation"), values.get("config.memoryAllocation")
    boot = values.get("config.bootOptions")

    def field(info, name, default):
        value = getattr(info, name, None) if info is not None else None
        return default if value is None else value

    return {"cpu_shares": _shares(cpu), "cpu_reservation_mhz": field(cpu, "reservation", 0), "cpu_limit_mhz": field(cpu, "limit", -1),
            "memory_shares": _shares(memory), "memory_reservation_mb": field(memory, "reservation", 0),
            "memory_limit_mb": field(memory, "limit", -1),
            "memory_reservation_locked_to_max": bool(values.get("config.memoryReservationLockedToMax")),
            "nested_virt": bool(values.get("config.nestedHVEnabled")), "guest_id": values.get("config.guestId"),
            "firmware": values.get("config.firmware") or "bios", "secure_boot": bool(field(boot, "efiSecureBootEnabled", False))}
