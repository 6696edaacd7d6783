# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one waiting loop.

vSphere objects (tasks, VM power state, guest IP) are awaited with the PropertyCollector:
one CreateFilter, then WaitForUpdatesEx long-polls that return the moment a watched
property changes. No sleeps, so a 100 ms task costs about 100 ms. The filter of the last
wait is left to the logout that follows (vCenter destroys a session's filters with it);
an earlier one is destroyed when the next wait starts.

Named wait conditions (CONDITIONS, in the spirit of kubernetes.core's waiter): a module asks
``waiter.wait_for(vm, "power_state", timeout, "VM 'web1'", state="powered-off")`` instead of
writing the paths and the predicate again.

The REST API has no long-poll, so REST states are polled with poll(): a short interval that
doubles up to a bound (2 s), with an ``on_progress`` hook for long waits (an appliance install).
"""

from __future__ import annotations

import http.client
import math
import time

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ConnectionFailed, TaskFailed, WaitTimeout, fault_name, fault_text
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import TOOLS_RUNNING, VIM_STATES

TASK_PATHS = ["info.state", "info.error", "info.result", "info.progress", "info.descriptionId"]


def seen_text(values):
    """``key=value, ...`` of what a wait saw last, for its timeout message."""
    return ", ".join("%s=%s" % (key, values[key]) for key in sorted(values) if values[key] is not None) or "nothing"


class Condition:
    """What to watch and when it holds: ``paths``, ``done(values)``, and the text of what is awaited."""

    def __init__(self, paths, done, text):
        self.paths = list(paths)
        self.done = done
        self.text = text


def _power_state(state):
    want = VIM_STATES[state]
    return Condition(["runtime.powerState"], lambda v: v.get("runtime.powerState") == want, "power state %s" % state)


def _ip_address():
    return Condition(["guest.ipAddress"], lambda v: bool(v.get("guest.ipAddress")), "an IP address")


def _tools_running():
    return Condition(["guest.toolsRunningStatus"], lambda v: v.get("guest.toolsRunningStatus") == TOOLS_RUNNING,
                     "VMware Tools running")


def _task_done():
    return Condition(TASK_PATHS, lambda v: v.get("info.state") in ("success", "error"), "completion")


# name -> factory(**args) of a Condition; wait_for() and the modules use these names
CONDITIONS = {
    "power_state": _power_state,      # state="powered-off"
    "ip_address": _ip_address,
    "tools_running": _tools_running,
    "task_done": _task_done,
}


def condition(name, **args):
    """The named Condition (``condition("power_state", state="powered-on")``)."""
    return CONDITIONS[name](**args)


class Waiter:
    """Waits on properties of one session's objects; at most one live filter at a time.

    Each WaitForUpdatesEx waits at most LONG_POLL s, with a socket timeout derived from that wait
    (not from ``connect_timeout``, which is for connecting and ordinary calls). One that returns
    nothing (its maxWaitSeconds passed) is followed by a re-read of the watched properties, so an
    update lost on the way (a busy vCenter, a proxy, a lab) costs LONG_POLL s, never the whole
    ``timeout``. A connection dropped mid-wait is opened again (the session and its filter live on
    in vCenter): DROPS_TOLERATED times in a row, then ConnectionFailed.
    """

    LONG_POLL = 10
    READ_MARGIN = 15  # s an answer may take beyond its maxWaitSeconds (a loaded vCenter, a slow link)
    DROPS_TOLERATED = 2

    def __init__(self, session):
        # imported here so that REST modules, which only poll(), never load pyVmomi
        from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vmodl

        self.types = vmodl.query.PropertyCollector
        self.session = session
        self._filter = None
        self.seen = {}

    def _specs(self, watched):
        pc = self.types
        return ([pc.ObjectSpec(obj=o, skip=False) for o, _p in watched],
                [pc.PropertySpec(type=type(o), pathSet=list(p), all=False) for o, p in watched])

    def _replace_filter(self, watched):
        if self._filter is not None:
            self._filter.Destroy()
            self._filter = None
        objects, props = self._specs(watched)
        spec = self.types.FilterSpec(objectSet=objects, propSet=props)
        self._filter = self.session.content.propertyCollector.CreateFilter(spec, partialUpdates=False)
        return self._filter

    def _reread(self, watched):
        """The watched values as vCenter has them now (one RetrievePropertiesEx)."""
        from ansible_collections.opensphere.vsphere.plugins.module_utils._props import retrieve

        objects, props = self._specs(watched)
        values = {}
        for _obj, row in retrieve(self.session, objects, props):
            values.update(row)
        return dict((path, values.get(path)) for _o, paths in watched for path in paths)

    def _wait(self, pc, version, seconds, what, drops):
        """One WaitForUpdatesEx; None when it returned nothing or its connection dropped (counted in ``drops``)."""
        try:
            with self.session.read_timeout(seconds + self.READ_MARGIN):
                update = pc.WaitForUpdatesEx(version, self.types.WaitOptions(maxWaitSeconds=seconds))
        except (OSError, http.client.HTTPException) as exc:
            drops.append(exc)
            if len(drops) > self.DROPS_TOLERATED:
                raise ConnectionFailed("the connection to vCenter %s broke %d times in a row while waiting for %s: %s: %s"
                                       % (self.session.target, len(drops), what, type(exc).__name__, exc),
                                       fault_type=type(exc).__name__)
            return None
        del drops[:]
        return update

    def watch(self, obj, paths, done, timeout, what, on_change=None, also=None):
        """Return the watched values once ``done(values)`` holds; WaitTimeout after ``timeout`` s.

        ``also``: more ``(object, paths)`` watched in the same filter, at no extra round trip;
        their values land in the same dict (give them paths the main object does not use).
        """
        pc = self.session.content.propertyCollector
        watched = [(obj, list(paths))] + list(also or [])
        flt = self._replace_filter(watched)
        deadline = time.monotonic() + timeout
        values, version, first, drops = {}, "", True, []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and not first:
                raise WaitTimeout("%s not reached within %s s (last seen: %s)" % (what, timeout, seen_text(values)),
                                  last=dict(values))
            wait = 0 if first else min(self.LONG_POLL, int(math.ceil(remaining)))
            update = self._wait(pc, version, wait, what, drops)
            quiet_start, first = first and update is None and not drops, False
            if quiet_start:
                continue  # nothing queued yet: wait properly now
            if update is None:
                values.update(self._reread(watched))  # nothing came (or the line dropped): look again
            else:
                version = update.version
                _apply(update, flt, values)
            if on_change is not None:
                on_change(values)
            if done(values):
                return values

    def wait_for(self, obj, name, timeout, of, on_change=None, **args):
        """Wait for the named condition (see CONDITIONS) on ``obj``; ``of`` names the object ("VM 'web1'").

        Returns the watched values; WaitTimeout "<condition> of <of> not reached within ..." after ``timeout``.
        """
        cond = condition(name, **args)
        return self.watch(obj, cond.paths, cond.done, timeout, "%s of %s" % (cond.text, of), on_change=on_change)

    def task(self, task, timeout, what, on_progress=None, also=None):
        """Wait for a vSphere task; its result, or TaskFailed carrying the task's fault.

        With ``also`` (see watch), ``self.seen`` holds every value watched when the task ended.
        """
        def progress(values):
            if on_progress is not None and values.get("info.progress") is not None:
                on_progress(values["info.progress"])

        values = self.watch(task, TASK_PATHS, condition("task_done").done,
                            timeout, "completion of %s" % what, on_change=progress, also=also)
        self.seen = values
        return task_outcome(values)


def task_outcome(values):
    """The result of an ended task from its watched ``info`` values, or TaskFailed carrying its fault."""
    if values.get("info.state") == "error":
        error = values.get("info.error")
        if error is None:
            raise TaskFailed("the task failed without a fault", fault_type="TaskError")
        raise TaskFailed(fault_text(error), fault_type=fault_name(error))
    return values.get("info.result")


def _apply(update, flt, values):
    """Merge the changes of ``flt`` in an UpdateSet into ``values``."""
    for filter_update in update.filterSet or []:
        if filter_update.filter._moId != flt._moId:
            continue
        for object_update in filter_update.objectSet or []:
            for change in object_update.changeSet or []:
                if change.op == "remove":
                    values.pop(change.name, None)
                else:
                    values[change.name] = change.val


def poll(fetch, done, timeout, what, on_progress=None, interval=0.1, max_interval=2.0, describe=None):
    """Poll ``fetch()`` until ``done(value)``, for APIs without a long-poll (REST).

    The interval starts at ``interval`` and doubles up to ``max_interval``; ``on_progress(value)``
    sees every value fetched (a progress bar, a log line); ``describe(value)`` words the last
    value for the WaitTimeout raised after ``timeout`` seconds (details['last'] is the value).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if on_progress is not None:
            on_progress(value)
        if done(value):
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            last = describe(value) if describe else value
            raise WaitTimeout("%s not reached within %s s (last seen: %s)" % (what, timeout, last), last=value)
        time.sleep(min(interval, remaining))
        interval = min(interval * 2, max_interval)
