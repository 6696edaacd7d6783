#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Look at OVF-deployed VMs in the lab with plain pyVmomi, independently of the collection.

    ovfctl.py --host H --port P --user U --password W --ca CA get NAME     # JSON (exists: false when absent)
    ovfctl.py ... get NAME NAME...           # several: {name: JSON}, one session
    ovfctl.py ... set-ip NAME IP [TIMEOUT]   # once NAME exists and runs, make its guest report IP
    ovfctl.py ... pod NAME DATASTORE [sdrs=off] # a datastore cluster NAME holding DATASTORE (Storage DRS on)
    ovfctl.py ... library LIB ITEM DIR       # a local content library LIB on LocalDS_0 holding the OVF
                                             # package in DIR (its .ovf and disks) as item ITEM; JSON ids
    ovfctl.py ... library LIB ITEM DIR TYPE  # the files in DIR as an item of TYPE (iso: an ISO image item);
                                             # LIB is made once, a second item goes into the same library
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import ssl
import sys
import time
import urllib.parse

import requests
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


def library(args, si, lib_name, item_name, directory, item_type="ovf"):
    """Upload the package in ``directory`` into local library ``lib_name`` (made unless one has that name),
    with the content library's update-session API (/rest, which vcsim and every vCenter since 6.5 serve):
    create an item of ``item_type``, open an update session, add each file (PUSH) and PUT it to its upload
    endpoint, complete the session."""
    base, http = "https://%s:%d/rest" % (args.host, args.port), requests.Session()
    http.verify, http.trust_env = args.ca, False
    http.headers["vmware-api-session-id"] = http.post(base + "/com/vmware/cis/session", auth=(args.user, args.password),
                                                      timeout=30).json()["value"]

    def post(path, body):
        response = http.post(base + path, json=body, timeout=60)
        if response.status_code >= 300:
            sys.exit("ovfctl: POST %s: HTTP %s %s" % (path, response.status_code, response.text))
        return response.json().get("value") if response.content else None

    store = [ds for ds in si.content.rootFolder.childEntity[0].datastore if ds.name == "LocalDS_0"][0]
    known = post("/com/vmware/content/library?~action=find", {"spec": {"name": lib_name}})
    lib = known[0] if known else post("/com/vmware/content/local-library", {"create_spec": {
        "name": lib_name, "type": "LOCAL", "storage_backings": [{"type": "DATASTORE", "datastore_id": store._moId}]}})
    item = post("/com/vmware/content/library/item", {"create_spec": {"library_id": lib, "name": item_name, "type": item_type}})
    session = post("/com/vmware/content/library/item/update-session", {"create_spec": {"library_item_id": item}})
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        added = post("/com/vmware/content/library/item/updatesession/file/id:%s?~action=add" % session,
                     {"file_spec": {"name": name, "source_type": "PUSH", "size": os.path.getsize(path)}})
        target = urllib.parse.urlparse(added["upload_endpoint"]["uri"])
        with open(path, "rb") as f:
            response = http.put("%s://%s:%d%s" % (target.scheme, args.host, args.port, target.path), data=f, timeout=120)
        if response.status_code >= 300:
            sys.exit("ovfctl: PUT %s: HTTP %s %s" % (name, response.status_code, response.text))
    post("/com/vmware/content/library/item/update-session/id:%s?~action=complete" % session, {})
    http.delete(base + "/com/vmware/cis/session", timeout=30)
    # vcsim keeps an uploaded VMDK as a descriptor and <name>-flat.vmdk (the data after its header):
    # the bytes a deploy of the item sends, so the tests can check that the VM's disk holds them
    digests = {}
    for path in glob.glob(os.path.join(store.info.url, "contentlib-%s" % lib, item, "*-flat.vmdk")):
        with open(path, "rb") as f:
            digests[os.path.basename(path).replace("-flat.vmdk", ".vmdk")] = hashlib.sha256(f.read()).hexdigest()
    return {"library": lib, "item": item, "disk_sha256": digests}


def quiet_wait(task, timeout=60):
    deadline = time.time() + timeout
    while task.info.state not in ("success", "error") and time.time() < deadline:
        time.sleep(0.05)
    if task.info.state != "success":
        sys.exit("ovfctl: task %s: %s" % (task.info.descriptionId, task.info.error))


def pod(si, name, datastore, options):
    """A datastore cluster (StoragePod) ``name`` in the datacenter's datastore folder holding ``datastore``."""
    dc = si.content.rootFolder.childEntity[0]
    store = [ds for ds in dc.datastore if ds.name == datastore][0]
    storage_pod = dc.datastoreFolder.CreateStoragePod(name=name)
    sdrs = options.get("sdrs", "on") == "on"
    quiet_wait(si.content.storageResourceManager.ConfigureStorageDrsForPod_Task(
        pod=storage_pod, modify=True, spec=vim.storageDrs.ConfigSpec(podConfigSpec=vim.storageDrs.PodConfigSpec(enabled=sdrs))))
    quiet_wait(storage_pod.MoveIntoFolder_Task(list=[store]))
    return {"pod": storage_pod._moId, "datastore": store._moId, "sdrs": sdrs}


def main():
    parser = argparse.ArgumentParser()
    for option in ("host", "user", "password", "ca"):
        parser.add_argument("--" + option, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("command", choices=["get", "set-ip", "library", "pod"])
    parser.add_argument("name")
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    si = SmartConnect(host=args.host, port=args.port, user=args.user, pwd=args.password,
                      sslContext=ssl.create_default_context(cafile=args.ca))
    try:
        if args.command == "pod":
            print(json.dumps(pod(si, args.name, args.rest[0], dict(o.split("=", 1) for o in args.rest[1:]))))
            return
        if args.command == "library":
            print(json.dumps(library(args, si, args.name, *args.rest[:3])))
            return
        if args.command == "get":
            outs = {}
            for name in [args.name] + args.rest:
                found = vms_named(si, name)
                outs[name] = describe(found[0]) if len(found) == 1 else {"exists": False, "count": len(found)}
                outs[name]["count"] = len(found)
            print(json.dumps(outs[args.name] if not args.rest else outs))
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
