# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of tests/lab/snapshots.go: snapshot behaviour vcsim lacked or faked."""

from pyVmomi import vim

from conftest import find_vm, wait_task


def run(si, task):
    state, error = wait_task(si, task)
    assert state == "success", error
    return task.info.result


def tree(vm):
    """[(path, state)] of the VM's snapshots, and the current snapshot's name."""
    rows, names = [], {}

    def walk(nodes, prefix):
        for node in nodes or []:
            rows.append((prefix + node.name, str(node.state)))
            names[node.snapshot._moId] = node.name
            walk(node.childSnapshotList, prefix + node.name + "/")

    info = vm.snapshot
    if info is None:
        return [], None
    walk(info.rootSnapshotList, "")
    return rows, names.get(info.currentSnapshot._moId) if info.currentSnapshot is not None else None


def snap(si, vm, name, memory=False, quiesce=False):
    return run(si, vm.CreateSnapshot_Task(name=name, description="d-" + name, memory=memory, quiesce=quiesce))


def test_rename_snapshot_sets_name_and_description(si):
    vm = find_vm(si, "DC0_H0_VM0")
    ref = snap(si, vm, "before")
    ref.RenameSnapshot(name="after", description="new text")
    node = vm.snapshot.rootSnapshotList[0]
    assert (node.name, node.description) == ("after", "new text")
    ref.RenameSnapshot(description="only the text")
    node = vm.snapshot.rootSnapshotList[0]
    assert (node.name, node.description) == ("after", "only the text")


def test_revert_restores_power_state_and_hardware(si):
    vm = find_vm(si, "DC0_H0_VM0")
    cpus = vm.config.hardware.numCPU
    disk_only = snap(si, vm, "off")  # memory=False: the snapshot's state is poweredOff
    run(si, vm.PowerOffVM_Task())
    run(si, vm.ReconfigVM_Task(vim.vm.ConfigSpec(numCPUs=cpus + 2)))
    run(si, vm.PowerOnVM_Task())
    assert vm.config.hardware.numCPU == cpus + 2
    run(si, disk_only.RevertToSnapshot_Task())
    assert vm.runtime.powerState == "poweredOff"
    assert vm.config.hardware.numCPU == cpus
    assert vm.summary.config.numCpu == cpus

    run(si, vm.PowerOnVM_Task())
    with_memory = snap(si, vm, "on", memory=True)
    run(si, vm.PowerOffVM_Task())
    run(si, with_memory.RevertToSnapshot_Task())
    assert vm.runtime.powerState == "poweredOn"

    run(si, vm.PowerOffVM_Task())
    run(si, with_memory.RevertToSnapshot_Task(suppressPowerOn=True))
    assert vm.runtime.powerState == "suspended"
    run(si, vm.RevertToCurrentSnapshot_Task())
    assert vm.runtime.powerState == "poweredOn"
    assert tree(vm)[1] == "on"


def test_removing_a_subtree_holding_the_current_snapshot_moves_current_to_its_parent(si, lab):
    vm = find_vm(si, "DC0_H0_VM1")
    snap(si, vm, "a")
    middle = snap(si, vm, "b")
    snap(si, vm, "c")
    assert tree(vm) == ([("a", "poweredOff"), ("a/b", "poweredOff"), ("a/b/c", "poweredOff")], "c")
    run(si, middle.RemoveSnapshot_Task(removeChildren=True))
    assert tree(vm) == ([("a", "poweredOff")], "a")
    snap(si, vm, "d")  # crashed vcsim before: its current snapshot pointed into the removed subtree
    assert tree(vm) == ([("a", "poweredOff"), ("a/d", "poweredOff")], "d")
    assert lab.ctl("GET", "status")["vms"] == 4


def test_removing_without_children_promotes_them(si):
    vm = find_vm(si, "DC0_H0_VM1")
    first = snap(si, vm, "a")
    snap(si, vm, "b")
    run(si, first.RemoveSnapshot_Task(removeChildren=False))
    assert tree(vm) == ([("b", "poweredOff")], "b")


def test_consolidation_needed_and_consolidate(si, lab):
    vm = find_vm(si, "DC0_H0_VM0")
    assert vm.runtime.consolidationNeeded is False
    assert lab.ctl("POST", "consolidation", {"vm": "DC0_H0_VM0", "needed": True}) == {"vm": vm._moId, "needed": True}
    assert vm.runtime.consolidationNeeded is True
    run(si, vm.ConsolidateVMDisks_Task())
    assert vm.runtime.consolidationNeeded is False

    first = snap(si, vm, "x")
    run(si, first.RemoveSnapshot_Task(removeChildren=False, consolidate=False))
    assert vm.snapshot is None
    assert vm.runtime.consolidationNeeded is True


def test_quiesce_needs_a_running_vm_with_tools(si):
    vm = find_vm(si, "DC0_H0_VM0")
    snap(si, vm, "q-on-no-tools", quiesce=True)
    run(si, vm.PowerOffVM_Task())
    snap(si, vm, "q-off", quiesce=True)
    quiesced = {}

    def walk(nodes):
        for node in nodes or []:
            quiesced[node.name] = node.quiesced
            walk(node.childSnapshotList)

    walk(vm.snapshot.rootSnapshotList)
    assert quiesced == {"q-on-no-tools": False, "q-off": False}
