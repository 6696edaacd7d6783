"""POST /lab/drop closes a call's connection without an answer; a session ending mid-wait ends its long-polls."""
import http.client
import time

import pytest
from pyVmomi import vim, vmodl

from conftest import find_vm, wait_task

PC = vmodl.query.PropertyCollector


def root_filter(si, task):
    pc = si.content.propertyCollector
    spec = PC.FilterSpec(objectSet=[PC.ObjectSpec(obj=task)], propSet=[PC.PropertySpec(type=vim.Task, pathSet=["info.state"])])
    pc.CreateFilter(spec, False)
    return pc, pc.WaitForUpdatesEx("", PC.WaitOptions(maxWaitSeconds=0)).version


def test_a_dropped_long_poll_leaves_the_session_and_its_filter(si, fresh):
    fresh.ctl("POST", "delay", {"tasks": {"PowerOff": 1500}})
    task = find_vm(si, "DC0_H0_VM0").PowerOffVM_Task()
    pc, version = root_filter(si, task)
    fresh.ctl("POST", "drop", {"method": "WaitForUpdatesEx", "after_ms": 300, "count": 1})
    t0 = time.monotonic()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        pc.WaitForUpdatesEx(version, PC.WaitOptions(maxWaitSeconds=5))
    assert 0.25 < time.monotonic() - t0 < 2
    # the next call opens a new connection; the session, its filter and the task live on
    state = None
    while state != "success":
        update = pc.WaitForUpdatesEx(version, PC.WaitOptions(maxWaitSeconds=5))
        version = update.version
        state = update.filterSet[0].objectSet[0].changeSet[0].val
    assert fresh.ctl("GET", "drop")["rules"] == [{"method": "WaitForUpdatesEx", "after_ms": 300, "skip": 0, "count": 1,
                                                  "seen": 2, "dropped": 1}]


def test_skip_and_bad_rules(si, fresh):
    assert fresh.ctl("POST", "drop", {"after_ms": 1}, expect=400)["error"].startswith('"method" is required')
    assert fresh.ctl("POST", "drop", {"method": "RetrievePropertiesEx", "after_ms": -1}, expect=400)
    fresh.ctl("POST", "drop", {"method": "CurrentTime", "skip": 1, "count": 1})
    si.CurrentTime()  # let through
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        si.CurrentTime()
    si.CurrentTime()  # count reached
    assert fresh.ctl("GET", "drop")["rules"][0]["dropped"] == 1
    assert fresh.ctl("DELETE", "drop") == {"rules": []}


@pytest.mark.parametrize("how", ["terminate", "expire"])
def test_a_long_poll_of_a_session_that_ends_faults_not_authenticated(fresh, how):
    fresh.ctl("POST", "delay", {"tasks": {"PowerOff": 4000}})
    if how == "expire":
        fresh.ctl("POST", "sessions/timeout", {"seconds": 1})
    si = fresh.connect()
    task = find_vm(si, "DC0_H0_VM0").PowerOffVM_Task()
    pc, version = root_filter(si, task)
    t0 = time.monotonic()
    if how == "terminate":
        import threading
        threading.Timer(0.5, lambda: fresh.ctl("POST", "sessions/terminate")).start()
    with pytest.raises(vim.fault.NotAuthenticated):
        pc.WaitForUpdatesEx(version, PC.WaitOptions(maxWaitSeconds=8))
    assert time.monotonic() - t0 < 3.5  # ended with the session, not at maxWaitSeconds or the task's end
    # the task goes on without its client, as in vCenter
    fresh.ctl("POST", "sessions/timeout", {"seconds": 0})
    other = fresh.connect()
    vm = find_vm(other, "DC0_H0_VM0")
    assert wait_task(other, vim.Task(task._moId, other._stub))[0] == "success"
    assert vm.runtime.powerState == "poweredOff"
