#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vm_snapshot
short_description: Create, rename, revert, remove, prune and consolidate snapshots of a vSphere virtual machine
version_added: 0.1.0
description:
  - Manages the whole snapshot lifecycle of one virtual machine in one module, idempotently.
  - Snapshots are found by id, by tree path (V(parent/child)) or by name. vSphere allows several snapshots with
    the same name; a name that matches more than one fails and lists their ids and tree paths.
  - The snapshot tree, the power state and the guest facts are read with one PropertyCollector call, and tasks are
    awaited with the PropertyCollector, without sleeps.
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - opensphere.vsphere.vm_identity
  - opensphere.vsphere.attributes
  - opensphere.vsphere.attributes.ACTIONGROUP_VMWARE
attributes:
  check_mode:
    support: full
    details: Check mode reads the VM and reports the change (or the error) the real run would make, and changes nothing.
  diff_mode:
    support: full
    details: The diff shows the snapshot tree (paths, ids, descriptions, the current snapshot) before and after.
  idempotent:
    support: partial
    details: Every O(state) except V(reverted), which is an action and always reports a change.
options:
  state:
    description:
      - V(present) creates the snapshot O(snapshot_name) under the current snapshot unless it exists; an existing
        snapshot gets O(new_snapshot_name) and O(description) in place.
      - V(absent) removes the snapshot given by O(snapshot_name) or O(snapshot_id) (nothing to do when it does not
        exist), or every snapshot with O(remove_all).
      - V(reverted) reverts the VM to the snapshot given by O(snapshot_name) or O(snapshot_id), or to the current
        snapshot when neither is given. The VM returns to the power state the snapshot was taken in.
      - V(consolidated) consolidates the VM's disks when vSphere reports that consolidation is needed.
      - With O(keep_newest), V(present) and V(absent) also remove the oldest snapshots beyond that number.
    type: str
    choices: [present, absent, reverted, consolidated]
    default: present
  snapshot_name:
    description:
      - Name or tree path (V(parent/child)) of the snapshot. A value with V(/) is first taken as a tree path.
      - Required with O(state=present), unless O(snapshot_id) names an existing snapshot.
      - A new snapshot needs a plain name (without V(/)).
    type: str
    aliases: [snapshot]
  snapshot_id:
    description:
      - Id of the snapshot (the C(id) in RV(snapshots)); unique within the VM, unlike names.
      - Mutually exclusive with O(snapshot_name).
    type: int
  new_snapshot_name:
    description:
      - With O(state=present), renames the snapshot given by O(snapshot_name) or O(snapshot_id) in place.
      - When no snapshot has the old name but one has the new name, the rename is taken as done.
    type: str
  description:
    description:
      - Description of a new snapshot, or the new description of an existing one (O(state=present)).
      - Left alone on an existing snapshot when not given.
    type: str
  memory:
    description:
      - Include the VM's memory in a new snapshot, so that reverting resumes the running VM.
      - Ignored by vSphere for a VM that is not powered on (a suspended VM's snapshot always includes its memory).
    type: bool
    default: false
  quiesce:
    description:
      - Quiesce the guest file systems with VMware Tools before taking a new snapshot of a powered-on VM.
      - Fails, changing nothing, when the VM is powered on and VMware Tools is not running (vSphere would silently
        take an unquiesced snapshot). Ignored for a VM that is not powered on.
    type: bool
    default: false
  remove_children:
    description:
      - With O(state=absent), remove the snapshot's whole subtree. Without it, the children move up to its parent.
    type: bool
    default: false
  remove_all:
    description:
      - With O(state=absent), remove every snapshot of the VM. A VM without snapshots reports no change.
    type: bool
    default: false
  consolidate:
    description:
      - Merge the disks of removed snapshots right away (O(state=absent) and O(keep_newest)).
      - With V(false), vSphere leaves the disks for a later consolidation and reports that the VM needs it;
        O(state=consolidated) does it.
    type: bool
    default: true
  suppress_power_on:
    description:
      - With O(state=reverted), do not power the VM on, even when the snapshot was taken powered on
        (RevertToSnapshot_Task's C(suppressPowerOn)); such a VM is left suspended.
    type: bool
    default: false
  keep_newest:
    description:
      - Retention. Keep the newest N snapshots (by creation time) and remove the others, oldest first, each
        without its children, which move up to their parents.
      - Only snapshots whose names match O(name_prefix) or O(name_pattern) count and are removed, when given.
      - With O(state=present), counts the snapshot this task creates.
    type: int
  name_prefix:
    description:
      - With O(keep_newest), only snapshots whose names start with this text count.
    type: str
  name_pattern:
    description:
      - With O(keep_newest), only snapshots whose names match this Python regular expression (searched anywhere in
        the name) count.
    type: str
  timeout:
    description:
      - Seconds to wait for each snapshot task.
    type: int
    default: 3600
notes:
  - Templates have no snapshots; every O(state) but V(consolidated) fails for a template.
seealso:
  - module: opensphere.vsphere.vm_power
"""

EXAMPLES = r"""
# The examples name VMs of a freshly started lab (tests/lab), where they all run in this order.
- name: Take a snapshot before patching, keeping the three newest "pre-patch" snapshots
  opensphere.vsphere.vm_snapshot:
    name: DC0_C0_RP0_VM1
    snapshot_name: "pre-patch-{{ '%Y-%m-%d' | strftime }}"
    description: Before the monthly patches
    quiesce: true
    keep_newest: 3
    name_prefix: pre-patch-

- name: Rename today's snapshot in place
  opensphere.vsphere.vm_snapshot:
    name: DC0_C0_RP0_VM1
    snapshot_name: "pre-patch-{{ '%Y-%m-%d' | strftime }}"
    new_snapshot_name: known-good

- name: Revert to it without powering the VM on
  opensphere.vsphere.vm_snapshot:
    name: DC0_C0_RP0_VM1
    state: reverted
    snapshot_name: known-good
    suppress_power_on: true

- name: Remove a snapshot by tree path, with its children (no change when it does not exist)
  opensphere.vsphere.vm_snapshot:
    name: DC0_C0_RP0_VM1
    state: absent
    snapshot_name: known-good/experiment
    remove_children: true

- name: Remove every snapshot
  opensphere.vsphere.vm_snapshot:
    name: DC0_C0_RP0_VM1
    state: absent
    remove_all: true

- name: Consolidate the disks if vSphere says they need it
  opensphere.vsphere.vm_snapshot:
    name: DC0_C0_RP0_VM1
    state: consolidated
"""

RETURN = r"""
snapshot:
  description:
    - The snapshot the task was about, after it (the one created, renamed or reverted to; the one removed, as it was).
    - In check mode, a snapshot still to be created has no C(id), C(moid) or C(created) yet.
  returned: when the task is about one snapshot
  type: dict
  contains:
    name:
      description: Name of the snapshot.
      type: str
    id:
      description: Id of the snapshot within the VM.
      type: int
    moid:
      description: Managed object id of the snapshot.
      type: str
    path:
      description: Tree path, names from the root snapshot down, joined with C(/).
      type: str
    description:
      description: Description.
      type: str
    created:
      description: Creation time (ISO 8601).
      type: str
    power_state:
      description: Power state the VM was in when the snapshot was taken (V(powered-off) without memory).
      type: str
    quiesced:
      description: Whether the guest file systems were quiesced.
      type: bool
    current:
      description: Whether this is the VM's current snapshot.
      type: bool
    parent_id:
      description: Id of the parent snapshot, null for a root snapshot.
      type: int
  sample: {"name": "pre-patch", "id": 3, "moid": "snapshot-42", "path": "base/pre-patch", "description": "",
           "created": "2026-11-22T10:41:23.195159+00:00", "power_state": "powered-off", "quiesced": false,
           "current": true, "parent_id": 1}
snapshots:
  description: The VM's snapshot tree after the task, as a flat list in depth-first order (entries as in RV(snapshot)).
  returned: always, once the VM was found
  type: list
  elements: dict
removed:
  description: The snapshots this task removed (or would remove in check mode), as they were.
  returned: always, once the VM was found
  type: list
  elements: dict
vm:
  description: The VM after the task.
  returned: always, also on failure once the VM was found
  type: dict
  contains:
    name:
      description: Name of the VM.
      type: str
    moid:
      description: Managed object id of the VM.
      type: str
    power_state:
      description: Power state (V(powered-on), V(powered-off), V(suspended)).
      type: str
    consolidation_needed:
      description: Whether vSphere reports that the VM's disks need consolidation.
      type: bool
note:
  description:
    - Set when another task (a parallel fork, another client) created a snapshot of the same name at the
      same time; the oldest of them is kept, this task removed its own and reports no change.
  returned: when another task got there first
  type: str
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import VM_IDENTITY, timeout
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, WaitTimeout
from ansible_collections.opensphere.vsphere.plugins.module_utils._finder import open_vm
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Raced
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import power_state
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read_one
from ansible_collections.opensphere.vsphere.plugins.module_utils._snapshots import check_options, flatten, plan, simulate, step_action
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import Waiter

READ_PATHS = ["name", "snapshot", "runtime.powerState", "runtime.consolidationNeeded", "guest.toolsRunningStatus", "config.template"]
DIFF_KEYS = ("path", "id", "description", "current")
PUBLIC_VM = ("name", "moid", "power_state", "consolidation_needed")


def vm_facts(moid, values):
    return {
        "name": values.get("name"), "moid": moid,
        "power_state": power_state(values.get("runtime.powerState")),
        "consolidation_needed": bool(values.get("runtime.consolidationNeeded")),
        "tools_running_status": values.get("guest.toolsRunningStatus"), "template": bool(values.get("config.template")),
    }


def public(vm):
    return {key: vm[key] for key in PUBLIC_VM}


def tree_view(rows, vm):
    return {"snapshots": [{key: row[key] for key in DIFF_KEYS} for row in rows],
            "power_state": vm["power_state"], "consolidation_needed": vm["consolidation_needed"]}


def handlers(module, session, vm_ref, tree):
    """One handler per snapshot operation; each keeps ``tree["rows"]`` as vSphere now has it."""
    p, waiter = module.params, Waiter(session)

    def snap(step):
        return session.ref("VirtualMachineSnapshot", step.moid)

    def create(step):
        row = step.row
        task = vm_ref.CreateSnapshot_Task(name=row["name"], description=row["description"], memory=p["memory"], quiesce=p["quiesce"])
        made = waiter.task(task, p["timeout"], step.label, also=[(vm_ref, ["snapshot"])])
        rows = flatten(waiter.seen.get("snapshot"))  # the tree vSphere made, ids and all
        if not any(r["moid"] == made._moId for r in rows):  # the tree's update came after the task's
            rows = flatten(read_one(session, vm_ref, ["snapshot"], what="VM").get("snapshot"))
        tree["rows"] = rows
        keep_oldest_twin(step, made, rows)

    def keep_oldest_twin(step, made, rows):
        """Forks creating one name at once: the oldest snapshot of that name stays, every other fork
        removes its own and reports no change. A tree that holds ours holds every older one."""
        twins = sorted((r for r in rows if r["name"] == step.row["name"]), key=lambda r: r["id"])
        tree["target"] = twins[0]
        if twins[0]["moid"] == made._moId:
            return
        mine = next(r for r in rows if r["moid"] == made._moId)
        with module.doing("remove the duplicate snapshot %s of VM '%s' made in a race" % (mine["id"], vm_ref._moId)):
            waiter.task(made.RemoveSnapshot_Task(removeChildren=False, consolidate=p["consolidate"]), p["timeout"],
                        "removal of duplicate snapshot %s" % mine["id"])
        action = {"op": "remove", "id": mine["id"], "remove_children": False}
        tree["rows"] = simulate(rows, action)
        tree["target"] = next(r for r in tree["rows"] if r["id"] == twins[0]["id"])
        raise Raced("another task created snapshot '%s' at the same time; the older one (id %s) is kept and ours "
                    "(id %s) was removed" % (step.row["name"], twins[0]["id"], mine["id"]))

    def rename(step):
        snap(step).RenameSnapshot(name=step.get("name"), description=step.get("description"))
        tree["rows"] = simulate(tree["rows"], step_action(step))

    def wait(start):
        def handler(step):
            waiter.task(start(step), p["timeout"], step.label)
            tree["rows"] = simulate(tree["rows"], step_action(step))
        return handler

    return {
        "create": create,
        "rename": rename,
        "remove": wait(lambda step: snap(step).RemoveSnapshot_Task(removeChildren=step.remove_children, consolidate=p["consolidate"])),
        "remove_all": wait(lambda step: vm_ref.RemoveAllSnapshots_Task(consolidate=p["consolidate"])),
        "revert": wait(lambda step: snap(step).RevertToSnapshot_Task(suppressPowerOn=step.suppress_power_on)),
        "consolidate": wait(lambda step: vm_ref.ConsolidateVMDisks_Task()),
    }


TWINS_SETTLE = 10  # s: how long forks that created one name at once take to remove their duplicates


def settle_twins(module, session, vm_ref, vm_name, ambiguous):
    """A name held by several snapshots while another task may still remove its duplicate (see
    keep_oldest_twin): for state=present by plain name, watch the tree until one is left, for at
    most TWINS_SETTLE s. Returns the tree then; raises ``ambiguous`` for duplicates that stay."""
    p = module.params
    name = p.get("snapshot_name")
    if p["state"] != "present" or name is None or "/" in name:
        raise ambiguous
    try:
        values = Waiter(session).watch(vm_ref, ["snapshot"],
                                       lambda v: sum(row["name"] == name for row in flatten(v.get("snapshot"))) <= 1,
                                       min(p["timeout"], TWINS_SETTLE), "a single snapshot '%s' of VM '%s'" % (name, vm_name))
    except WaitTimeout:
        raise ambiguous from None
    return flatten(values.get("snapshot"))


def target_of(the_plan, rows, after_rows):
    """The snapshot the task is about, as it is after the task: named, or the one just created."""
    target_id = the_plan.notes["target_id"]
    if target_id is not None:
        return next((row for row in after_rows if row["id"] == target_id), None) or \
            next((row for row in rows if row["id"] == target_id), None)
    if the_plan.steps and the_plan.steps[0].action == "create":
        return next((row for row in after_rows if row["current"]), None)
    return None


def main_flow(module):
    p = module.params
    with module.soap(finds_vm=True) as session:
        vm_ref, values = open_vm(module, session, READ_PATHS)
        before = {"vm": vm_facts(vm_ref._moId, values), "snapshots": flatten(values.get("snapshot"))}
        rows = before["snapshots"]
        module.context.update(vm=public(before["vm"]), snapshots=rows, removed=[])
        with module.doing("plan snapshot state %s of VM '%s'" % (p["state"], before["vm"]["name"])):
            try:
                the_plan = plan(before, p)
            except Ambiguous as exc:
                before["snapshots"] = rows = settle_twins(module, session, vm_ref, before["vm"]["name"], exc)
                module.context["snapshots"] = rows
                the_plan = plan(before, p)
        kept = {row["id"] for row in the_plan.after["snapshots"]}
        module.context["removed"] = [row for row in rows if row["id"] not in kept]
        tree = {"rows": the_plan.after["snapshots"] if module.check_mode else rows}
        module.execute(the_plan, handlers(module, session, vm_ref, tree))
        after_vm = public(the_plan.after["vm"])
        module.context.update(vm=after_vm, snapshots=tree["rows"])
        target = tree.get("target") or target_of(the_plan, rows, tree["rows"])
        if target is not None:
            module.context["snapshot"] = target
    module.exit_plan(the_plan, tree_view(rows, public(before["vm"])), tree_view(tree["rows"], after_vm))


def main():
    module = VSphereModule(
        VM_IDENTITY,
        timeout(3600),
        {"argument_spec": {
            "state": {"type": "str", "default": "present", "choices": ["present", "absent", "reverted", "consolidated"]},
            "snapshot_name": {"type": "str", "aliases": ["snapshot"]},
            "snapshot_id": {"type": "int"},
            "new_snapshot_name": {"type": "str"},
            "description": {"type": "str"},
            "memory": {"type": "bool", "default": False},
            "quiesce": {"type": "bool", "default": False},
            "remove_children": {"type": "bool", "default": False},
            "remove_all": {"type": "bool", "default": False},
            "consolidate": {"type": "bool", "default": True},
            "suppress_power_on": {"type": "bool", "default": False},
            "keep_newest": {"type": "int"},
            "name_prefix": {"type": "str"},
            "name_pattern": {"type": "str"},
        },
            "mutually_exclusive": [["snapshot_name", "snapshot_id"], ["remove_all", "snapshot_name"],
                                   ["remove_all", "snapshot_id"], ["remove_all", "keep_newest"], ["name_prefix", "name_pattern"]],
            "names": {"snapshot_name": None, "new_snapshot_name": None},
            "required_if": [["state", "present", ["snapshot_name", "snapshot_id"], True]]},
    )
    module.run(main_flow, check=check_options)


if __name__ == "__main__":
    main()
