"""Floor: what a careful hand-written pyVmomi script spends on one operation.

    floor_script.py power_off|snapshot|reconfig HOST PORT CA_PATH VM_NAME   (credentials: $BENCH_USER, $BENCH_PASSWORD)

Connect, find the VM by name with one PropertyCollector call from the root folder, start
the task, wait for it with WaitForUpdatesEx (no sleeps), log out. Prints one JSON line.
"""

import json
import os
import ssl
import sys

from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim, vmodl


def find_vm(content, name):
    pc = vmodl.query.PropertyCollector
    folders = pc.TraversalSpec(name="f", type=vim.Folder, path="childEntity",
                               selectSet=[pc.SelectionSpec(name="f"), pc.SelectionSpec(name="d")])
    dcs = pc.TraversalSpec(name="d", type=vim.Datacenter, path="vmFolder", selectSet=[pc.SelectionSpec(name="f")])
    spec = pc.FilterSpec(objectSet=[pc.ObjectSpec(obj=content.rootFolder, selectSet=[folders, dcs])],
                         propSet=[pc.PropertySpec(type=vim.VirtualMachine, pathSet=["name"])])
    result = content.propertyCollector.RetrievePropertiesEx([spec], pc.RetrieveOptions())
    while result is not None:
        for obj in result.objects:
            if obj.propSet[0].val == name:
                return obj.obj
        result = content.propertyCollector.ContinueRetrievePropertiesEx(result.token) if result.token else None
    raise LookupError(name)


def wait(content, task):
    pc = vmodl.query.PropertyCollector
    spec = pc.FilterSpec(objectSet=[pc.ObjectSpec(obj=task)],
                         propSet=[pc.PropertySpec(type=vim.Task, pathSet=["info.state", "info.error"])])
    content.propertyCollector.CreateFilter(spec, partialUpdates=False)
    version, values = "", {}
    while values.get("info.state") not in ("success", "error"):
        update = content.propertyCollector.WaitForUpdatesEx(version, pc.WaitOptions(maxWaitSeconds=10))
        if update is None:
            continue
        version = update.version
        for fs in update.filterSet:
            for obj in fs.objectSet:
                for change in obj.changeSet:
                    values[change.name] = change.val
    if values["info.state"] == "error":
        raise RuntimeError(values["info.error"].msg)


def main():
    op, host, port, ca_path, name = sys.argv[1:6]
    si = SmartConnect(host=host, port=int(port), user=os.environ["BENCH_USER"], pwd=os.environ["BENCH_PASSWORD"],
                      sslContext=ssl.create_default_context(cafile=ca_path))
    try:
        content = si.RetrieveContent()
        vm = find_vm(content, name)
        if op == "power_off":
            task = vm.PowerOffVM_Task()
        elif op == "snapshot":
            task = vm.CreateSnapshot_Task(name="bench", description="", memory=False, quiesce=False)
        else:
            task = vm.ReconfigVM_Task(vim.vm.ConfigSpec(numCPUs=2, memoryMB=2048))
        wait(content, task)
    finally:
        Disconnect(si)
    print(json.dumps({"ok": True}))


if __name__ == "__main__":
    main()
