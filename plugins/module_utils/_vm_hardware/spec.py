# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn vm_hardware's planned changes into the one VirtualMachineConfigSpec it sends."""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import (
    BUS_SHARING, CONTROLLER_TYPES, DISK_SHARING, NIC_TYPES, POLICIES, SHARES_LEVELS,
)

Device = vim.vm.device if vim else None


def _nic_class(device_type):
    return getattr(Device, NIC_TYPES[device_type])


def _nic_backing(name, ctx):
    net = ctx.networks.get(name)
    if net is None:
        raise NotFound("no network named '%s'" % name)
    if net["key"]:
        if not net["dvs_uuid"]:
            raise NotFound("the distributed switch of port group '%s' was not read" % name)
        port = vim.dvs.PortConnection(portgroupKey=net["key"], switchUuid=net["dvs_uuid"])
        return Device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(port=port)
    return Device.VirtualEthernetCard.NetworkBackingInfo(deviceName=name, network=net["ref"])


def _connectable(connected, start_connected):
    return Device.VirtualDevice.ConnectInfo(connected=connected, startConnected=start_connected, allowGuestControl=True)


def _shares(shares):
    level = shares if shares in SHARES_LEVELS else "custom"
    return vim.SharesInfo(level=level, shares=0 if level != "custom" else shares)


def _storage_io(want):
    return vim.StorageResourceManager.IOAllocationInfo(shares=_shares(want["shares"]), limit=want["iops_limit"])


def _disk_fields(dev, want):
    dev.backing.diskMode = want["disk_mode"]
    dev.backing.sharing = DISK_SHARING[want["sharing"]]
    dev.storageIOAllocation = _storage_io(want)


def _disk(op, want, ctx, new_key, extra):
    change = Device.VirtualDeviceSpec(operation=op)
    if op == "add":
        backing = Device.VirtualDisk.FlatVer2BackingInfo(
            fileName="[%s]" % want["datastore"], thinProvisioned=want["provisioning"] == "thin",
            eagerlyScrub=want["provisioning"] == "eager-zeroed")
        change.fileOperation = "create"
        change.device = Device.VirtualDisk(key=new_key, controllerKey=extra["controller_key"],
                                           unitNumber=want["unit_number"], backing=backing,
                                           capacityInKB=want["size_mb"] * 1024)
        _disk_fields(change.device, want)
        return change
    change.device = ctx.devices[want["key"]]
    if op == "remove":
        if extra.get("delete_file"):
            change.fileOperation = "destroy"
    else:
        change.device.capacityInKB = want["size_mb"] * 1024
        change.device.capacityInBytes = want["size_mb"] * 1024 * 1024
        _disk_fields(change.device, want)
        if extra.get("controller_key") is not None:
            change.device.controllerKey = extra["controller_key"]
    return change


def _controller(op, want, ctx, new_key):
    if op in ("remove", "edit"):
        dev = ctx.devices[want["key"]]
        if op == "edit":
            dev.sharedBus = BUS_SHARING[want["sharing"]]
        return Device.VirtualDeviceSpec(operation=op, device=dev)
    dev = getattr(Device, CONTROLLER_TYPES[want["type"]])(key=new_key, busNumber=want["bus_number"])
    if want["kind"] == "scsi":
        dev.sharedBus = BUS_SHARING[want["sharing"]]
        dev.scsiCtlrUnitNumber = 7
    return Device.VirtualDeviceSpec(operation="add", device=dev)


def _ordered(devices, ctx):
    """The device changes in the order vSphere needs them, each with what the spec builder adds:
    controllers added (and retyped: removed, then added on the same bus) first, with the keys their
    disks use; disks of a retyped controller moved to the new one; controllers removed last."""
    keys = dict(ctx.controllers)     # (kind, bus) -> key, the new controllers' temporary keys once known
    first, middle, last, moved = [], [], [], {}
    for op, kind, want, extra in devices:
        if kind != "controller" or op == "edit":
            middle.append([op, kind, want, dict(extra)])
        elif op == "remove":
            last.append([op, kind, want, extra])
        else:
            if op == "retype":
                first.append(["remove", kind, extra["old"], {}])
                moved[extra["old"]["key"]] = (want["kind"], want["bus_number"])
            first.append(["add", kind, want, {"ident": (want["kind"], want["bus_number"])}])
    edited = set(want["key"] for op, kind, want, _extra in middle if kind == "disk" and op == "edit")
    for old_key in moved:
        for dev in ctx.devices.values():
            if getattr(dev, "controllerKey", None) == old_key and dev.key not in edited:
                middle.insert(0, ["move", "device", {"key": dev.key}, {}])
    return first, middle, last, keys, moved


def _moved_to(ctx, keys, moved, device_key):
    target = moved.get(getattr(ctx.devices.get(device_key), "controllerKey", None))
    return keys[target] if target else None


def _nic(op, want, ctx, new_key, extra):
    change = Device.VirtualDeviceSpec(operation=op)
    if op == "remove":
        change.device = ctx.devices[want["key"]]
        return change
    if op == "add":
        dev = _nic_class(want["device_type"])(key=new_key)
        dev.connectable = _connectable(want["connected"], want["start_connected"])
    else:
        dev = ctx.devices[want["key"]]
        dev.connectable = dev.connectable or _connectable(want["connected"], want["start_connected"])
        dev.connectable.connected, dev.connectable.startConnected = want["connected"], want["start_connected"]
    if op == "add" or extra.get("network_changed"):
        dev.backing = _nic_backing(want["network"], ctx)
    dev.addressType = want["mac_type"]
    dev.macAddress = want["mac_address"] if want["mac_type"] == "manual" else None
    change.device = dev
    return change


def _cdrom(op, want, ctx, new_key, extra):
    if op == "remove":
        return Device.VirtualDeviceSpec(operation="remove", device=ctx.devices[want["key"]])
    if op == "add":
        dev = Device.VirtualCdrom(key=new_key, controllerKey=extra["controller_key"], unitNumber=want["unit_number"])
    else:
        dev = ctx.devices[want["key"]]
    if want["type"] == "iso":
        dev.backing = Device.VirtualCdrom.IsoBackingInfo(fileName=want["iso_path"])
    else:
        dev.backing = Device.VirtualCdrom.RemotePassthroughBackingInfo(deviceName="", exclusive=False)
    dev.connectable = _connectable(want["connected"], want["type"] != "none")
    return Device.VirtualDeviceSpec(operation=op, device=dev)


def config_spec(plan, ctx):
    """The ConfigSpec of every configuration change in ``plan`` (planned Changes; None when there is none)."""
    if not plan.reconfigure:
        return None
    spec = vim.vm.ConfigSpec(**plan.config)
    if plan.policy:
        spec.scheduledHardwareUpgradeInfo = vim.vm.ScheduledHardwareUpgradeInfo(
            upgradePolicy=POLICIES[plan.policy["policy"]], versionKey=plan.policy["version"])
    for resource, fields in plan.allocation.items():
        info = vim.ResourceAllocationInfo(reservation=fields.get("reservation"), limit=fields.get("limit"))
        if "shares" in fields:
            info.shares = _shares(fields["shares"])
        setattr(spec, "%sAllocation" % resource, info)
    if plan.boot:
        spec.bootOptions = vim.vm.BootOptions(**plan.boot)
    first, middle, last, keys, moved = _ordered(plan.devices, ctx)
    changes, new_key = [], -100
    for op, kind, want, extra in first + middle + last:
        new_key -= 1
        if kind == "controller":
            changes.append(_controller(op, want, ctx, new_key))
            if op == "add":
                keys[extra["ident"]] = new_key
        elif kind == "device":  # a device of a retyped controller, moved to the new one
            dev = ctx.devices[want["key"]]
            dev.controllerKey = _moved_to(ctx, keys, moved, want["key"])
            changes.append(Device.VirtualDeviceSpec(operation="edit", device=dev))
        elif kind == "disk":
            if op == "add":
                extra["controller_key"] = keys[(want["controller_type"], want["controller"])]
            elif op == "edit":
                extra["controller_key"] = _moved_to(ctx, keys, moved, want["key"])
            changes.append(_disk(op, want, ctx, new_key, extra))
        elif kind == "nic":
            changes.append(_nic(op, want, ctx, new_key, extra))
        else:
            if op == "add":
                extra["controller_key"] = keys[(want["controller_type"], want["controller"])]
            changes.append(_cdrom(op, want, ctx, new_key, extra))
    spec.deviceChange = changes
    return spec
