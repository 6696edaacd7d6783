#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Look at OVF-deployed VMs in the lab with plain pyVmomi, independently of the collection.

    ovfctl.py --host H --port P --user U --password W --ca CA get NAME     # JSON (exists: false when absent)
    ovfctl.py ... set-ip NAME IP [TIMEOUT]   # once NAME exists and runs, make its guest report IP
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import ssl
import sys
import time

from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim


def vms_named(si, name):
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
    try:
        return [vm for vm in view.view if vm.name == name]
    finally:
        view.Destroy()


def describe(vm):
    cfg = vm.config
    disks, nets = [], []
    for dev in cfg.hardware.device:
        if isinstance(dev, vim.vm.device.VirtualDisk):
            ds_name, rel = dev.backing.fileName[1:].split("] ", 1)
            ds = [d for d in vm.datastore if d.name == ds_name][0]
            path = os.path.join(ds.info.url, rel)
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            disks.append({"file": dev.backing.fileName, "size": os.path.getsize(path), "sha256": digest,
                          "capacity_kb": dev.capacityInKB, "thin": dev.backing.thinProvisioned,
                          "eager_zero": dev.backing.eagerlyScrub})
    for net in vm.network:
        nets.append(net.name)
    props = {}
    for p in (cfg.vAppConfig.property if cfg.vAppConfig else []):
        key = ".".join(x for x in (p.classId, p.id, p.instanceId) if x)
        props[key] = p.value or p.defaultValue or ""
    parent = vm.parent
    return {"exists": True, "moid": vm._moId, "folder": parent.name, "power_state": str(vm.runtime.powerState),
            "num_cpu": cfg.hardware.numCPU, "memory_mb": cfg.hardware.memoryMB, "annotation": cfg.annotation,
            "networks": sorted(nets), "properties": props, "disks": disks, "ip": vm.guest.ipAddress}


def main():
    parser = argparse.ArgumentParser()
    for option in ("host", "user", "password", "ca"):
        parser.add_argument("--" + option, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("command", choices=["get", "set-ip"])
    parser.add_argument("name")
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    si = SmartConnect(host=args.host, port=args.port, user=args.user, pwd=args.password,
                      sslContext=ssl.create_default_context(cafile=args.ca))
    try:
        if args.command == "get":
            found = vms_named(si, args.name)
            out = describe(found[0]) if len(found) == 1 else {"exists": False, "count": len(found)}
            out["count"] = len(found)
            print(json.dumps(out))
            return
        deadline = time.time() + float(args.rest[1] if len(args.rest) > 1 else 60)
        while time.time() < deadline:
            found = vms_named(si, args.name)
            if found and found[0].runtime.powerState == "poweredOn":
                found[0].ReconfigVM_Task(vim.vm.ConfigSpec(extraConfig=[
                    vim.option.OptionValue(key="SET.guest.ipAddress", value=args.rest[0])]))
                print(json.dumps({"vm": found[0]._moId, "ip": args.rest[0]}))
                return
            time.sleep(0.1)
        sys.exit("ovfctl: %s did not come up" % args.name)
    finally:
        Disconnect(si)


if __name__ == "__main__":
    main()
