#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Look at and prepare the lab with plain pyVmomi, independently of the collection's code.

Integration targets use it to verify what a module did (``get``) and to set up conditions
a module should meet (VMware Tools running, a template, a duplicate VM name).
"""

from __future__ import annotations

import argparse
import json
import re
import ssl
import sys
import time

import requests
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim


def connect(args):
    context = ssl.create_default_context(cafile=args.ca)
    return SmartConnect(host=args.host, port=args.port, user=args.user, pwd=args.password, sslContext=context)


def all_vms(si):
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
    try:
        return list(view.view)
    finally:
        view.Destroy()


def find(si, name):
    matches = [vm for vm in all_vms(si) if vm.name == name]
    if len(matches) != 1:
        sys.exit("vmctl: %d VMs named %r" % (len(matches), name))
    return matches[0]


def quiet_wait(task, timeout=60):
    # A test helper: plain polling is fine here (the collection's own code never polls).
    deadline = time.monotonic() + timeout
    while task.info.state not in ("success", "error"):
        if time.monotonic() > deadline:
            sys.exit("vmctl: task %s still %s after %s s" % (task._moId, task.info.state, timeout))
        time.sleep(0.05)
    if task.info.state == "error":
        sys.exit("vmctl: task failed: %s" % task.info.error.msg)


def hardware(vm):
    """CPU, memory, hot-add, upgrade policy and devices, read straight from vm.config."""
    config, hw = vm.config, vm.config.hardware
    policy = config.scheduledHardwareUpgradeInfo
    out = {"cores_per_socket": hw.numCoresPerSocket, "cpu_hot_add": bool(config.cpuHotAddEnabled),
           "cpu_hot_remove": bool(config.cpuHotRemoveEnabled), "memory_hot_add": bool(config.memoryHotAddEnabled),
           "upgrade_policy": policy.upgradePolicy if policy else None,
           "upgrade_version": policy.versionKey if policy else None, "controllers": [], "disks": [], "nics": [], "cdroms": [],
           "cpu_allocation": allocation(config.cpuAllocation), "memory_allocation": allocation(config.memoryAllocation),
           "nested_virt": bool(config.nestedHVEnabled), "firmware": config.firmware,
           "secure_boot": bool(config.bootOptions and config.bootOptions.efiSecureBootEnabled)}
    controllers = {dev.key: dev.deviceInfo.label for dev in hw.device if isinstance(dev, vim.vm.device.VirtualController)}
    for dev in hw.device:
        if isinstance(dev, vim.vm.device.VirtualDisk):
            parent = getattr(dev.backing, "parent", None)
            io = dev.storageIOAllocation
            out["disks"].append({"label": dev.deviceInfo.label, "unit": dev.unitNumber, "size_mb": dev.capacityInKB // 1024,
                                 "file": dev.backing.fileName, "parent": parent.fileName if parent else None,
                                 "controller": controllers.get(dev.controllerKey), "mode": getattr(dev.backing, "diskMode", None),
                                 "sharing": getattr(dev.backing, "sharing", None),
                                 "shares": [io.shares.level, io.shares.shares] if io and io.shares else None,
                                 "iops_limit": io.limit if io else None})
        elif isinstance(dev, vim.vm.device.VirtualController) and not isinstance(dev, vim.vm.device.VirtualPCIController):
            out["controllers"].append({"label": dev.deviceInfo.label, "type": type(dev).__name__.rsplit(".", 1)[-1],
                                       "bus": dev.busNumber, "sharing": getattr(dev, "sharedBus", None)})
        elif isinstance(dev, vim.vm.device.VirtualEthernetCard):
            port = getattr(dev.backing, "port", None)
            out["nics"].append({"label": dev.deviceInfo.label, "type": type(dev).__name__.rsplit(".", 1)[-1],
                                "network": port.portgroupKey if port else dev.backing.deviceName,
                                "start_connected": dev.connectable.startConnected,
                                "connected": dev.connectable.connected, "mac": dev.macAddress})
        elif isinstance(dev, vim.vm.device.VirtualCdrom):
            out["cdroms"].append({"label": dev.deviceInfo.label, "backing": type(dev.backing).__name__.rsplit(".", 1)[-1],
                                  "file": getattr(dev.backing, "fileName", None)})
    return out


def allocation(info):
    if info is None:
        return None
    return {"reservation": info.reservation, "limit": info.limit,
            "shares": [info.shares.level, info.shares.shares] if info.shares else None}


def upload(args, si, datastore_path, size=1024):
    """Put a file of ``size`` bytes at '[datastore] path' through the /folder HTTP interface,
    as a vSphere admin uploads an ISO."""
    match = re.match(r"^\[([^\]]+)\] (.+)$", datastore_path)
    if not match:
        sys.exit("vmctl: %r is not a datastore path like '[LocalDS_0] iso/tools.iso'" % datastore_path)
    datacenter = next(dc for dc in si.content.rootFolder.childEntity if isinstance(dc, vim.Datacenter))
    cookie_name, cookie_value = si._stub.cookie.split(";", 1)[0].split("=", 1)
    response = requests.put("https://%s:%d/folder/%s" % (args.host, args.port, match.group(2)),
                            params={"dsName": match.group(1), "dcPath": datacenter.name}, data=b"\0" * size,
                            cookies={cookie_name: cookie_value.strip('"')}, verify=args.ca, timeout=60)
    if response.status_code >= 300:
        sys.exit("vmctl: upload of %s failed: HTTP %s %s" % (datastore_path, response.status_code, response.text))
    return {"uploaded": datastore_path, "bytes": size}


def describe(vm):
    snapshots = []

    def walk(nodes, prefix):
        for node in nodes or []:
            path = prefix + node.name
            snapshots.append({"name": node.name, "path": path, "id": node.id, "state": str(node.state),
                              "description": node.description, "current": node.snapshot == vm.snapshot.currentSnapshot})
            walk(node.childSnapshotList, path + "/")

    if vm.snapshot is not None:
        walk(vm.snapshot.rootSnapshotList, "")
    return {
        "name": vm.name, "moid": vm._moId, "power_state": str(vm.runtime.powerState),
        "template": bool(vm.config.template), "tools": vm.guest.toolsRunningStatus,
        "ip": vm.guest.ipAddress, "uuid": vm.config.uuid, "num_cpus": vm.config.hardware.numCPU,
        "memory_mb": vm.config.hardware.memoryMB, "version": vm.config.version, "snapshots": snapshots,
        "folder": vm.parent.name if vm.parent else None, "hardware": hardware(vm),
        "host": vm.runtime.host.name if vm.runtime.host else None,
        "pool_owner": vm.resourcePool.owner.name if vm.resourcePool else None,
        "consolidation_needed": bool(vm.runtime.consolidationNeeded),
        "hostname": vm.guest.hostName, "guest_id": vm.config.guestId,
        "extra_config": {o.key: o.value for o in vm.config.extraConfig or []},
    }


def clone_template(si, source, settings):
    """Clone source into a template: NAME [guest_id=ID] [snapshot=NAME] (the default lab has none)."""
    name, options = settings[0], dict(item.split("=", 1) for item in settings[1:])
    config = vim.vm.ConfigSpec(guestId=options["guest_id"]) if "guest_id" in options else None
    spec = vim.vm.CloneSpec(location=vim.vm.RelocateSpec(pool=source.resourcePool), config=config)
    quiet_wait(source.CloneVM_Task(folder=source.parent, name=name, spec=spec))
    vm = find(si, name)
    if "snapshot" in options:
        quiet_wait(vm.CreateSnapshot_Task(name=options["snapshot"], description="by vmctl", memory=False, quiesce=False))
    vm.MarkAsTemplate()
    return vm


def library(args, si, source, settings):
    """A local content library LIB holding a VMTX item made from ``source`` (and an empty OVF item):
    settings LIB ITEM [ovf=NAME]. Uses the /rest content library API, as vcsim serves it."""
    lib_name, item_name, options = settings[0], settings[1], dict(s.split("=", 1) for s in settings[2:])
    base, http = "https://%s:%d/rest" % (args.host, args.port), requests.Session()
    http.verify, http.trust_env = args.ca, False
    token = http.post(base + "/com/vmware/cis/session", auth=(args.user, args.password), timeout=30).json()["value"]
    http.headers["vmware-api-session-id"] = token

    def post(path, body):
        response = http.post(base + path, json=body, timeout=60)
        if response.status_code >= 300:
            sys.exit("vmctl: POST %s: HTTP %s %s" % (path, response.status_code, response.text))
        return response.json()["value"]

    lib = post("/com/vmware/content/local-library", {"create_spec": {"name": lib_name, "type": "LOCAL", "storage_backings": [
        {"type": "DATASTORE", "datastore_id": source.datastore[0]._moId}]}})
    item = post("/vcenter/vm-template/library-items", {"spec": {"source_vm": source._moId, "name": item_name, "library": lib,
                                                                "placement": {"folder": source.parent._moId,
                                                                              "resource_pool": source.resourcePool._moId}}})
    out = {"library": lib, "item": item}
    if "ovf" in options:
        out["ovf_item"] = post("/com/vmware/content/library/item", {"create_spec": {"library_id": lib, "name": options["ovf"], "type": "ovf"}})
    return out


def main():
    parser = argparse.ArgumentParser()
    for option in ("host", "user", "password", "ca"):
        parser.add_argument("--" + option, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("command", choices=["get", "set-guest", "template", "clone-template", "library", "duplicate", "count", "snapshot", "upload"])
    parser.add_argument("name", nargs="?")
    parser.add_argument("settings", nargs="*", help="key=value for set-guest; the snapshot's name for snapshot")
    args = parser.parse_args()
    si = connect(args)
    try:
        if args.command == "count":
            print(json.dumps({"vms": len(all_vms(si))}))
            return
        if args.command == "upload":
            print(json.dumps(upload(args, si, args.name)))
            return
        vm = find(si, args.name)
        if args.command == "library":
            print(json.dumps(library(args, si, vm, args.settings)))
            return
        if args.command == "clone-template":
            vm = clone_template(si, vm, args.settings)
        elif args.command == "set-guest":
            extra = [vim.option.OptionValue(key="SET.guest." + key, value=value)
                     for key, value in (item.split("=", 1) for item in args.settings)]
            quiet_wait(vm.ReconfigVM_Task(vim.vm.ConfigSpec(extraConfig=extra)))
        elif args.command == "template":
            if vm.runtime.powerState != "poweredOff":
                quiet_wait(vm.PowerOffVM_Task())
            vm.MarkAsTemplate()
        elif args.command == "snapshot":
            quiet_wait(vm.CreateSnapshot_Task(name=args.settings[0], description="by vmctl", memory=False, quiesce=False))
        elif args.command == "duplicate":
            datacenter = vm.parent
            while not isinstance(datacenter, vim.Datacenter):
                datacenter = datacenter.parent
            folder = datacenter.vmFolder.CreateFolder("dup")
            quiet_wait(vm.CloneVM_Task(folder=folder, name=vm.name, spec=vim.vm.CloneSpec(location=vim.vm.RelocateSpec())))
        print(json.dumps(describe(vm)))
    finally:
        Disconnect(si)


if __name__ == "__main__":
    main()
