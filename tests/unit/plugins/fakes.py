# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session fakes shared by every unit test: the session is faked at the boundary, nothing deeper.

- Recorder: a managed object that records every method called on it (all of them change something).
- FakeSession: ``ref()`` gives Recorders sharing one call list; ``content.propertyCollector`` answers
  RetrievePropertiesEx from rows given up front and counts the round trips.
- FakeWaiter: the _tasks.Waiter interface, recording what was awaited; it can be told to time out,
  or that a task raised VM questions.
- FakeRest: a RestSession stand-in answering ``request()`` from a routes dict and recording changes.
The fixtures in conftest.py put them in place of VSphereModule.soap()/rest().
"""

from __future__ import annotations

from types import SimpleNamespace as NS

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ApiError, WaitTimeout


class Recorder:
    """A managed object stand-in: every public method call is recorded as ``(moid, method, kwargs)``.

    Positional arguments are recorded under ``"args"``. The call returns ``"task-<n>"``.
    """

    def __init__(self, moid, calls=None):
        self._moId = moid
        self.calls = [] if calls is None else calls

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args, **kwargs):
            if args:
                kwargs = dict(kwargs, args=args)
            self.calls.append((self._moId, method, kwargs))
            return "task-%d" % len(self.calls)
        return call

    @property
    def methods(self):
        """The names of the methods called on any Recorder sharing this call list, in order."""
        return [method for _moid, method, _kwargs in self.calls]


class FakePropertyCollector:
    """Answers RetrievePropertiesEx with ``rows`` (``[(ref, {path: value})]``), counting the calls.

    ``spec_filter``: when true, only rows whose ref type has a PropertySpec in the request come back
    (as vCenter does), each with only the paths asked for.
    """

    def __init__(self, rows=(), spec_filter=True):
        self.rows = list(rows)
        self.spec_filter = spec_filter
        self.calls = []

    def RetrievePropertiesEx(self, specs, options=None):  # noqa: N802 (the vSphere name)
        self.calls.append(("RetrievePropertiesEx", specs))
        objects = []
        for ref, values in self.rows:
            paths = None
            if self.spec_filter:
                wanted = [prop for spec in specs for prop in spec.propSet if isinstance(ref, prop.type)]
                if not wanted:
                    continue
                paths = set(path for prop in wanted for path in prop.pathSet or [])
            props = [NS(name=name, val=val) for name, val in values.items() if paths is None or name in paths]
            objects.append(NS(obj=ref, propSet=props))
        return NS(objects=objects, token=None)

    def ContinueRetrievePropertiesEx(self, token):  # noqa: N802
        raise AssertionError("FakePropertyCollector never hands out a continuation token")


class FakeSession:
    """A logged-in SOAP session stand-in; ``calls`` is shared by every Recorder it makes."""

    def __init__(self, rows=(), root=None, calls=None, params=None):
        self.calls = [] if calls is None else calls
        self.params = params or {"connect_timeout": 30}
        self.content = NS(propertyCollector=FakePropertyCollector(rows), rootFolder=root or Recorder("group-d1", self.calls),
                          searchIndex=Recorder("SearchIndex", self.calls))

    def ref(self, kind, moid):
        return Recorder(moid, self.calls)

    @property
    def round_trips(self):
        return len(self.content.propertyCollector.calls)


class FakeWaiter:
    """The Waiter interface; records ``("task"|"watch", what)`` in ``waits`` (class-wide, reset per test).

    ``timeout_paths``: watches of exactly these paths raise WaitTimeout (a guest that never shuts down).
    ``watch_values``: what a watch returns; ``seen``: what a task's also= saw; ``task_result``: a task's result.
    """

    waits = []
    timeout_paths = ()
    watch_values = {"guest.ipAddress": "192.0.2.7", "runtime.powerState": "x"}
    seen = {}
    task_result = None
    questions = []  # VirtualMachineQuestionInfo-likes a task's watch() sees raised, one per call

    def __init__(self, session):
        self.session = session
        self.seen = dict(type(self).seen)

    @classmethod
    def reset(cls):
        cls.waits, cls.timeout_paths, cls.seen, cls.task_result, cls.questions = [], (), {}, None, []
        cls.watch_values = {"guest.ipAddress": "192.0.2.7", "runtime.powerState": "x"}

    def task(self, task, timeout, what, on_progress=None, also=None):
        type(self).waits.append(("task", what))
        return type(self).task_result

    def watch(self, obj, paths, done, timeout, what, on_change=None, also=None):
        if "info.state" in paths:  # a task awaited through watch(): as task(), or running with a raised question
            type(self).waits.append(("task", what))
            if type(self).questions:
                return {"info.state": "running", "runtime.question": type(self).questions.pop(0)}
            return dict(type(self).seen, **{"info.state": "success", "info.result": type(self).task_result})
        type(self).waits.append(("watch", what))
        if list(paths) in [list(p) for p in type(self).timeout_paths]:
            raise WaitTimeout("%s not reached" % what, last={path: None for path in paths})
        return dict(type(self).watch_values)

    def wait_for(self, obj, name, timeout, of, on_change=None, **args):
        from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import condition

        cond = condition(name, **args)
        return self.watch(obj, cond.paths, cond.done, timeout, "%s of %s" % (cond.text, of), on_change=on_change)


class FakeRest:
    """A RestSession stand-in: ``routes`` maps ``(method, api path)`` to a value or a callable(body).

    A route missing for a GET is NOT_FOUND (None with ok_missing); every non-GET call is recorded
    in ``changes``; an ApiError value is raised.
    """

    def __init__(self, routes=None, style="api"):
        self.routes = dict(routes or {})
        self.changes = []
        self.requests = []
        self.style = style

    def request(self, method, api, rest=None, body=None, rest_body=None, params=None, ok_missing=False, timeout=None):
        self.requests.append((method, api))
        if method != "GET":
            self.changes.append((method, api))
        if (method, api) not in self.routes:
            if ok_missing:
                return None
            raise ApiError("not found (HTTP 404)", fault_type="NOT_FOUND", status=404, body=None)
        value = self.routes[(method, api)]
        if isinstance(value, Exception):
            raise value
        return value(body) if callable(value) else value
