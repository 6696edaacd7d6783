"""The README's task-delay keys are the ones that hold tasks; SOAP names are refused, not ignored."""
import time

import pytest
from pyVmomi import vim

from conftest import find_vm, wait_task


def start(vm, key):
    if key == "ReconfigVm":
        return vm.ReconfigVM_Task(vim.vm.ConfigSpec(annotation="held"))
    if key == "CreateSnapshotEx":
        return vm.CreateSnapshot_Task("held", "", False, False)
    if key == "PowerOff":
        return vm.PowerOffVM_Task()
    raise AssertionError(key)


@pytest.mark.parametrize("key", ["ReconfigVm", "CreateSnapshotEx", "PowerOff"])
def test_task_name_key_holds_the_task(si, fresh, key):
    fresh.ctl("POST", "delay", {"tasks": {key: 700}})
    vm = find_vm(si, "DC0_H0_VM0")
    t0 = time.monotonic()
    task = start(vm, key)
    time.sleep(0.2)
    assert task.info.state == "running"
    state, error = wait_task(si, task)
    assert (state, error) == ("success", None)
    assert time.monotonic() - t0 >= 0.65


@pytest.mark.parametrize("soap_name, task_name", [
    ("ReconfigVM_Task", "ReconfigVm"), ("CreateSnapshot_Task", "CreateSnapshotEx"), ("PowerOffVM_Task", "PowerOff")])
def test_soap_method_name_is_refused_with_the_task_name(fresh, soap_name, task_name):
    r = fresh.ctl("POST", "delay", {"tasks": {soap_name: 500}}, expect=400)
    assert r["error"] == 'unknown task name "%s": the task %s starts is named "%s"' % (soap_name, soap_name, task_name)
    assert fresh.ctl("GET", "delay")["tasks"] == {}


def test_unknown_and_negative_keys_are_refused(fresh):
    r = fresh.ctl("POST", "delay", {"tasks": {"Frobnicate": 5}}, expect=400)
    assert r["error"].startswith('unknown task name "Frobnicate": keys are task names')
    r = fresh.ctl("POST", "delay", {"tasks": {"PowerOn": -1}}, expect=400)
    assert r["error"] == 'task delay "PowerOn": -1 ms is negative'
