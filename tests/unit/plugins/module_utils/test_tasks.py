# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_tasks: the named wait conditions and the REST poll's bounded back-off and progress hook."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils import _tasks
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import WaitTimeout


@pytest.mark.parametrize("name, args, values, done", [
    ("power_state", {"state": "powered-off"}, {"runtime.powerState": "poweredOff"}, True),
    ("power_state", {"state": "powered-off"}, {"runtime.powerState": "poweredOn"}, False),
    ("ip_address", {}, {"guest.ipAddress": "192.0.2.1"}, True),
    ("ip_address", {}, {}, False),
    ("tools_running", {}, {"guest.toolsRunningStatus": "guestToolsRunning"}, True),
    ("task_done", {}, {"info.state": "error"}, True),
    ("task_done", {}, {"info.state": "running"}, False),
])
def test_named_conditions(name, args, values, done):
    cond = _tasks.condition(name, **args)
    assert cond.done(values) is done
    assert set(values) <= set(cond.paths)


class Clock:
    def __init__(self):
        self.now, self.sleeps = 0.0, []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_poll_backs_off_to_a_bound_and_reports_progress(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(_tasks, "time", clock)
    values = iter(range(100))
    seen = []
    with pytest.raises(WaitTimeout) as err:
        _tasks.poll(lambda: next(values), lambda v: False, 10, "the thing", on_progress=seen.append, describe=lambda v: "n=%s" % v)
    assert clock.sleeps[:6] == [0.1, 0.2, 0.4, 0.8, 1.6, 2.0] and max(clock.sleeps) == 2.0
    assert seen == list(range(len(clock.sleeps) + 1))
    assert "the thing not reached within 10 s (last seen: n=%s)" % seen[-1] in str(err.value)
    assert err.value.details["last"] == seen[-1]


def test_poll_returns_the_first_value_that_is_done(monkeypatch):
    monkeypatch.setattr(_tasks, "time", Clock())
    values = iter(["starting", "starting", "started"])
    assert _tasks.poll(lambda: next(values), lambda v: v == "started", 5, "x") == "started"
