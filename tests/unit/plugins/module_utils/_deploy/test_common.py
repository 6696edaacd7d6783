# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from unittest import mock

import pytest

from pyVmomi import vim

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import common
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput


@pytest.mark.parametrize("facts, steps", [
    (None, []),
    ({"moid": None}, []),
    ({"moid": "vm-1", "power_state": "powered-on"}, ["power_off", "destroy"]),
    ({"moid": "vm-1", "power_state": "suspended"}, ["power_off", "destroy"]),
    ({"moid": "vm-1", "power_state": "powered-off"}, ["destroy"]),
])
def test_removal_steps(facts, steps):
    assert common.removal_steps(facts) == steps


def _session(found):
    session = mock.Mock()
    session.content.searchIndex.FindChild.return_value = found
    return session


def test_find_in_folder_returns_the_vm_or_none():
    vm = vim.VirtualMachine("vm-7")
    folder = vim.Folder("group-v3")
    session = _session(vm)
    assert common.find_in_folder(session, folder, "web") is vm
    session.content.searchIndex.FindChild.assert_called_once_with(folder, "web")
    assert common.find_in_folder(_session(None), folder, "web") is None


def test_find_in_folder_refuses_a_non_vm_of_that_name():
    with pytest.raises(InvalidInput, match="is a Folder, not a VM"):
        common.find_in_folder(_session(vim.Folder("group-v9")), vim.Folder("group-v3"), "web")


def test_facts_spell_power_state_and_keep_the_moid():
    facts = common.facts_from(vim.VirtualMachine("vm-7"), {
        "name": "web", "config.uuid": "u", "runtime.powerState": "poweredOn", "guest.ipAddress": "10.0.0.5"})
    assert facts["moid"] == "vm-7" and facts["power_state"] == "powered-on" and facts["ip"] == "10.0.0.5"
    assert set(common.absent_facts("web")) == set(facts)


def test_remove_vm_runs_the_steps_in_order():
    waiter, vm = mock.Mock(), mock.Mock()
    common.remove_vm(waiter, vm, {"moid": "vm-7", "name": "web", "power_state": "powered-on"}, 30)
    assert [c[0] for c in vm.method_calls] == ["PowerOffVM_Task", "Destroy_Task"]
    assert waiter.task.call_count == 2
