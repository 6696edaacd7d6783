# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_tasks.Waiter against a scripted PropertyCollector: lost updates, dropped connections, socket timeouts."""

from __future__ import annotations

import contextlib
import http.client
from types import SimpleNamespace as NS

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils import _tasks
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ConnectionFailed, TaskFailed, WaitTimeout
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim

DROP = http.client.RemoteDisconnected("Remote end closed connection without response")


def raise_if_fault(step):
    """A script step that is an exception is what the call raises."""
    if isinstance(step, Exception):
        raise step


class ScriptedCollector:
    """WaitForUpdatesEx answers from ``script`` (a dict of changes, None, or an exception to raise);
    RetrievePropertiesEx answers ``now`` (what vCenter has, whatever the updates said)."""

    def __init__(self, clock, obj, script, now):
        self.clock, self.obj, self.script, self.now = clock, obj, list(script), now
        self.calls = []
        self.filter = NS(_moId="session[1]filter-1", Destroy=lambda: None)

    def CreateFilter(self, spec, partialUpdates):  # noqa: N802 (the vSphere names)
        self.calls.append("CreateFilter")
        return self.filter

    def WaitForUpdatesEx(self, version, options):  # noqa: N802
        self.calls.append(("WaitForUpdatesEx", options.maxWaitSeconds))
        step = self.script.pop(0) if self.script else None
        raise_if_fault(step)
        if step is None:
            self.clock.now += options.maxWaitSeconds
            return None
        changes = [NS(op="assign", name=name, val=val) for name, val in step.items()]
        return NS(version=str(len(self.calls)), filterSet=[NS(filter=self.filter, objectSet=[NS(changeSet=changes)])])

    def RetrievePropertiesEx(self, specs, options=None):  # noqa: N802
        self.calls.append("RetrievePropertiesEx")
        props = [NS(name=name, val=val) for name, val in self.now.items()]
        return NS(objects=[NS(obj=self.obj, propSet=props)], token=None)


class Clock:
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


def waiter_for(monkeypatch, script, now, connect_timeout=1):
    clock = Clock()
    monkeypatch.setattr(_tasks, "time", clock)
    task = vim.Task("task-1", None)
    pc = ScriptedCollector(clock, task, script, now)
    read_timeouts = []

    @contextlib.contextmanager
    def read_timeout(seconds):
        read_timeouts.append(seconds)
        yield

    session = NS(content=NS(propertyCollector=pc), read_timeout=read_timeout, target="vc.example:443",
                 params={"connect_timeout": connect_timeout})
    return _tasks.Waiter(session), task, pc, read_timeouts


RUNNING = {"info.state": "running"}
SUCCESS = {"info.state": "success", "info.result": "vm-7"}


def test_a_long_poll_that_returns_nothing_is_followed_by_a_re_read(monkeypatch):
    # the update of the task's end was lost: the re-read finds it, long before the 300 s timeout
    waiter, task, pc, _rt = waiter_for(monkeypatch, [RUNNING, None], now=SUCCESS)
    assert waiter.task(task, 300, "power off of VM 'a'") == "vm-7"
    assert pc.calls == ["CreateFilter", ("WaitForUpdatesEx", 0), ("WaitForUpdatesEx", _tasks.Waiter.LONG_POLL),
                        "RetrievePropertiesEx"]
    assert pc.clock.now == _tasks.Waiter.LONG_POLL


def test_socket_timeouts_come_from_the_wait_not_from_connect_timeout(monkeypatch):
    waiter, task, _pc, read_timeouts = waiter_for(monkeypatch, [RUNNING, RUNNING, SUCCESS], now={}, connect_timeout=1)
    waiter.task(task, 300, "x")
    margin, chunk = _tasks.Waiter.READ_MARGIN, _tasks.Waiter.LONG_POLL
    assert read_timeouts == [margin, chunk + margin, chunk + margin]
    assert min(read_timeouts) > 1


def test_the_last_chunk_waits_only_what_is_left(monkeypatch):
    waiter, task, pc, _rt = waiter_for(monkeypatch, [RUNNING, None, None], now=RUNNING)
    with pytest.raises(WaitTimeout) as err:
        waiter.task(task, 13, "power off of VM 'a'")
    assert [c[1] for c in pc.calls if c[0] == "WaitForUpdatesEx"] == [0, 10, 3]
    assert "completion of power off of VM 'a' not reached within 13 s (last seen: info.state=running)" in err.value.message


@pytest.mark.parametrize("script, now, ends", [
    ([RUNNING, DROP, SUCCESS], RUNNING, "vm-7"),              # the update after a drop
    ([RUNNING, DROP], SUCCESS, "vm-7"),                       # the re-read after a drop finds the end
    ([DROP, DROP, SUCCESS], RUNNING, "vm-7"),                 # even the first call may drop
    ([RUNNING, DROP, DROP, DROP], RUNNING, ConnectionFailed),  # a line that keeps dropping
])
def test_a_dropped_connection_is_opened_again_a_few_times(monkeypatch, script, now, ends):
    waiter, task, _pc, _rt = waiter_for(monkeypatch, script, now=now)
    if ends is ConnectionFailed:
        with pytest.raises(ConnectionFailed) as err:
            waiter.task(task, 300, "power off of VM 'a'")
        assert err.value.message == ("the connection to vCenter vc.example:443 broke 3 times in a row while waiting for "
                                     "completion of power off of VM 'a': RemoteDisconnected: Remote end closed connection "
                                     "without response")
        assert err.value.fault_type == "RemoteDisconnected"
    else:
        assert waiter.task(task, 300, "x") == ends


def test_a_failed_task_raises_its_fault(monkeypatch):
    fault = vim.fault.InvalidPowerState(msg="already off")
    waiter, task, _pc, _rt = waiter_for(monkeypatch, [{"info.state": "error", "info.error": fault}], now={})
    with pytest.raises(TaskFailed) as err:
        waiter.task(task, 300, "x")
    assert (err.value.fault_type, err.value.message) == ("InvalidPowerState", "already off")
