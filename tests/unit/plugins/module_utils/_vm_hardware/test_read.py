# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_vm_hardware.read: a VM that is gone, and what a datastore search's faults mean."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound, TaskFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware import read as hw_read


class Browser:
    def SearchDatastore_Task(self, datastorePath, searchSpec):  # noqa: N802 (the vSphere method name)
        return ("task", datastorePath, tuple(searchSpec.matchPattern))


class Waiter:
    def __init__(self, outcome):
        self.outcome = outcome

    def task(self, task, timeout, what):
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


class Ctx:
    datastores = {"ds1": {"ref": None, "browser": Browser()}}


def found(*names):
    return vim.host.DatastoreBrowser.SearchResults(file=[vim.host.DatastoreBrowser.FileInfo(path=n) for n in names])


@pytest.mark.parametrize("outcome, expected", [
    (found("a.iso"), True),
    (found("b.iso"), False),
    (None, False),
    (TaskFailed("File [ds1] isos was not found", fault_type="FileNotFound"), False),
])
def test_iso_exists(outcome, expected):
    assert hw_read.iso_exists(None, Waiter(outcome), Ctx(), "[ds1] isos/a.iso", 10) is expected


def test_a_search_fault_other_than_file_not_found_is_reported_as_itself():
    fault = TaskFailed("Permission to perform this operation was denied.", fault_type="NoPermission")
    with pytest.raises(TaskFailed) as err:
        hw_read.iso_exists(None, Waiter(fault), Ctx(), "[ds1] isos/a.iso", 10)
    assert err.value is fault


def test_a_vm_that_is_gone_is_not_found(monkeypatch):
    vm = vim.VirtualMachine("vm-404")

    def retrieve(session, objects, props):
        raise vmodl.fault.ManagedObjectNotFound(obj=vm)

    monkeypatch.setattr(hw_read, "retrieve", retrieve)
    with pytest.raises(NotFound, match="VM vm-404 does not exist"):
        hw_read.read(None, vm)
