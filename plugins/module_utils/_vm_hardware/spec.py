# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn vm_hardware's planned changes into the one VirtualMachineConfigSpec it sends."""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import NIC_TYPES, POLICIES

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


def _disk(op, want, ctx, new_key, extra):
    change = Device.VirtualDeviceSpec(operation=op)
    if op == "add":
        backing = Device.VirtualDisk.FlatVer2BackingInfo(
            fileName="[%s]" % want["datastore"], diskMode="persistent",
            thinProvisioned=want["provisioning"] == "thin", eagerlyScrub=want["provisioning"] == "eager-zeroed")
        change.fileOperation = "create"
        change.device = Device.VirtualDisk(key=new_key, controllerKey=ctx.scsi[want["controller"]],
                                           unitNumber=want["unit_number"], backing=backing,
                                           capacityInKB=want["size_mb"] * 1024)
        return change
    change.device = ctx.devices[want["key"]]
    if op == "remove":
        if extra.get("delete_file"):
            change.fileOperation = "destroy"
    else:
        change.device.capacityInKB = want["size_mb"] * 1024
        change.device.capacityInBytes = want["size_mb"] * 1024 * 1024
    return change


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


def _cdrom(want, ctx):
    dev = ctx.devices[want["key"]]
    if want["type"] == "iso":
        dev.backing = Device.VirtualCdrom.IsoBackingInfo(fileName=want["iso_path"])
    else:
        dev.backing = Device.VirtualCdrom.RemotePassthroughBackingInfo(deviceName="", exclusive=False)
    dev.connectable = _connectable(want["connected"], want["type"] != "none")
    return Device.VirtualDeviceSpec(operation="edit", device=dev)


def config_spec(plan, ctx):
    """The ConfigSpec of every configuration change in ``plan`` (planned Changes; None when there is none)."""
    if not plan.reconfigure:
        return None
    spec = vim.vm.ConfigSpec(**plan.config)
    if plan.policy:
        spec.scheduledHardwareUpgradeInfo = vim.vm.ScheduledHardwareUpgradeInfo(
            upgradePolicy=POLICIES[plan.policy["policy"]], versionKey=plan.policy["version"])
    changes, new_key = [], -100
    for op, kind, want, extra in plan.devices:
        new_key -= 1
        if kind == "disk":
            changes.append(_disk(op, want, ctx, new_key, extra))
        elif kind == "nic":
            changes.append(_nic(op, want, ctx, new_key, extra))
        else:
            changes.append(_cdrom(want, ctx))
    spec.deviceChange = changes
    return spec
