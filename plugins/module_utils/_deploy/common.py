# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every deploy module shares: the existence check, the VM result facts, removal.

A deploy module is idempotent on existence: a VM of the requested name in the target
folder means "already deployed". That check is one SearchIndex.FindChild on the folder,
whose cost does not grow with the inventory. The facts of the found (or deployed) VM are
one RetrievePropertiesEx. ``state: absent`` powers the VM off if needed and destroys it.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import power_state
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read_one

FACT_PATHS = [
    "name", "config.uuid", "config.instanceUuid", "runtime.powerState", "guest.ipAddress",
    "config.annotation", "config.template",
]


def find_in_folder(session, folder, name):
    """The VM named ``name`` directly in ``folder`` (a vim.Folder), or None.

    Something else of that name there (a folder, a vApp) raises InvalidInput: a deploy
    could not create the VM beside it.
    """
    found = session.content.searchIndex.FindChild(folder, name)
    if found is None:
        return None
    kind = type(found).__name__.rsplit(".", 1)[-1]
    if kind != "VirtualMachine":
        raise InvalidInput("'%s' in the target folder is a %s, not a VM; choose another name" % (name, kind),
                           fault_type="DuplicateName")
    return found


def facts_from(vm, values):
    """The result facts of a VM from the values of FACT_PATHS (plus any extra paths read with them)."""
    return {
        "name": values.get("name"),
        "moid": vm._moId,
        "uuid": values.get("config.uuid"),
        "instance_uuid": values.get("config.instanceUuid"),
        "power_state": power_state(values.get("runtime.powerState")),
        "ip": values.get("guest.ipAddress"),
        "annotation": values.get("config.annotation"),
        "template": values.get("config.template"),
    }


def vm_facts(session, vm, extra_paths=()):
    """(facts, raw values) of a VM in one round trip; ``extra_paths`` are read along."""
    values = read_one(session, vm, FACT_PATHS + list(extra_paths), what="VM")
    return facts_from(vm, values), values


def absent_facts(name):
    """The ``vm`` result when there is no VM."""
    return {"name": name, "moid": None, "uuid": None, "instance_uuid": None, "power_state": None, "ip": None,
            "annotation": None, "template": None}


def removal_steps(facts):
    """The actions ``state: absent`` takes for a VM with these facts ([] when there is none): pure."""
    if not facts or not facts.get("moid"):
        return []
    steps = []
    if facts.get("power_state") in ("powered-on", "suspended"):
        steps.append("power_off")
    steps.append("destroy")
    return steps


def power_off(waiter, vm, name, timeout):
    waiter.task(vm.PowerOffVM_Task(), timeout, "power-off of VM '%s'" % name)


def destroy(waiter, vm, name, timeout):
    """Destroy a powered-off VM and its files, and wait for it."""
    waiter.task(vm.Destroy_Task(), timeout, "removal of VM '%s'" % name)


def remove_vm(waiter, vm, facts, timeout):
    """Carry out removal_steps(facts): power off if needed, destroy, wait for both."""
    for step in removal_steps(facts):
        (power_off if step == "power_off" else destroy)(waiter, vm, facts["name"], timeout)


def wait_for_ip(waiter, vm, name, timeout):
    """Wait until the guest reports an IP address; returns it."""
    values = waiter.watch(vm, ["guest.ipAddress"], lambda v: bool(v.get("guest.ipAddress")), timeout,
                          "an IP address in the guest of VM '%s'" % name)
    return values["guest.ipAddress"]
