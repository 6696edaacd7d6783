# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VSphereModule: connection options merged in, sessions that always close, errors reported once.

A module reads top to bottom (find -> read -> plan -> apply -> report)::

    def main_flow(module):
        with module.soap() as session:
            with module.doing("find VM '%s'" % ident):
                vm_ref, before = find_and_read(...)
            module.context["vm"] = before                   # kept in a failure result too
            with module.doing("plan ..."):
                plan = plan_of(before, module.params)        # pure: Plan(steps, after)
            module.execute(plan, handlers)                   # nothing in check mode
        module.exit_plan(plan, before, plan.after)          # changed = plan.changed, --diff

A module's code raises; the base class turns what it raises into
``Failed to <step>: <fault type>: <message>`` in exactly one place, plus the keys of
``_errors.failure_keys`` (``fault_type``, ``step``, ``status``/``body`` for vAPI errors) and
whatever the module put in ``module.context``.
"""

from __future__ import annotations

import contextlib
import gc
import http.client

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import CONNECTION, merge
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import VSphereError, error_text, failure_keys, gone
from ansible_collections.opensphere.vsphere.plugins.module_utils._limits import check_options
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Raced

TRANSPORTS = ("soap", "rest")


# The transports are imported on first use: a SOAP module then never loads requests, nor a
# REST module pyVmomi (each costs tens of milliseconds and several MiB per task).
def _transport(name):
    if name == "soap":
        from ansible_collections.opensphere.vsphere.plugins.module_utils import _soap
        return _soap
    from ansible_collections.opensphere.vsphere.plugins.module_utils import _rest
    return _rest


class VSphereModule(AnsibleModule):
    """AnsibleModule with the connection options and the find/read/plan/apply/report plumbing.

    ``transport``: "soap", "rest", or ("soap", "rest") for a module that uses both sessions.
    """

    def __init__(self, *groups, transport="soap", connection=None, supports_check_mode=True, **kwargs):
        """``connection`` is the option group that names the endpoint: vCenter's CONNECTION when None.
        A module that talks to something else (the appliance modules: its root account, before any
        vCenter exists) gives its own group, and gets none of vCenter's options.
        """
        connection = CONNECTION if connection is None else connection
        spec = merge(connection, *groups)
        self.names = spec.pop("names", {})  # name options and their maximum length (_limits)
        spec.update(kwargs)
        super().__init__(supports_check_mode=supports_check_mode, **spec)
        self.transports = (transport,) if isinstance(transport, str) else tuple(transport)
        unknown = [name for name in self.transports if name not in TRANSPORTS]
        if unknown or not self.transports:
            raise ValueError("transport must be 'soap', 'rest' or both, not %r" % (transport,))
        if connection is CONNECTION:
            self.action = "connect to vCenter %s:%s" % (self.params["hostname"], self.params["port"])
        else:
            self.action = "connect"
        self.context = {}
        self._failing = None  # (exception, step) of the innermost doing() it left
        self.expected_errors = (VSphereError, OSError, http.client.HTTPException)
        for name in self.transports:
            lib = _transport(name)
            if name == "soap" and not lib.HAS_PYVMOMI:
                self.fail_json(msg=missing_required_lib("pyVmomi"), exception=lib.PYVMOMI_IMPORT_ERROR)
            if name == "rest" and not lib.HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib("requests"), exception=lib.REQUESTS_IMPORT_ERROR)
            if name == "soap":
                self.expected_errors += (lib.vmodl.MethodFault,)

    @property
    def result(self):
        """The old name of ``context`` (kept while callers move)."""
        return self.context

    @contextlib.contextmanager
    def doing(self, what):
        """Name the step the code inside carries out, for "Failed to <what>" if it raises.

        The innermost step an error passes through is the one reported (and set as the
        error's ``step``), even when code further out catches it to clean up and re-raises;
        the previous step is restored whatever happens.
        """
        previous, self.action = self.action, what
        try:
            yield
        except BaseException as exc:
            if self._failing is None or self._failing[0] is not exc:
                self._failing = (exc, what)
                if isinstance(exc, VSphereError) and exc.step is None:
                    exc.step = what
            raise
        finally:
            self.action = previous

    def step_of(self, exc):
        """The step to name in the failure of ``exc``."""
        if getattr(exc, "step", None):
            return exc.step
        if self._failing is not None and self._failing[0] is exc:
            return self._failing[1]
        return self.action

    @contextlib.contextmanager
    def soap(self, finds_vm=False):
        """A logged-in SOAP session, logged out whatever happens.

        ``finds_vm``: the module will look its VM up from the identity options (_finder.open_vm);
        when that takes vCenter's VM list, its REST login starts during the SOAP login.
        """
        session = _transport("soap").SoapSession(self.params)
        hook = None
        if finds_vm:
            from ansible_collections.opensphere.vsphere.plugins.module_utils import _finder, _vm_names
            if _finder.wants_vm_list(self.params):
                hook = _vm_names.prefetch_login
        with self.doing("connect to vCenter %s as %s" % (session.target, self.params["username"])):
            session.connect(after_content=hook)
        try:
            yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def rest(self):
        """A logged-in vSphere Automation API session, logged out whatever happens.

        A SOAP module that needs REST only for some requests (vm_hardware's library ISO) opens it here
        without declaring the transport; requests is then checked when it is first needed."""
        lib = _transport("rest")
        if not lib.HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=lib.REQUESTS_IMPORT_ERROR)
        session = lib.RestSession(self.params)
        with self.doing("log in to the vSphere Automation API at %s as %s" % (session.base, self.params["username"])):
            session.connect()
        try:
            yield session
        finally:
            session.close()

    def check_common(self):
        """Options every module shares a meaning for (_limits: ports, timeouts, names, REST
        credentials), checked before any session and the same in check mode."""
        check_options(self.params, self.names, rest=self.transports == ("rest",))

    def run(self, main_flow, check=None):
        """Check the options (``check(params)`` raises InvalidInput), then ``main_flow(self)``.

        An expected error becomes one clear failure; anything else is a bug and shows as one.
        """
        try:
            with self.doing("check the options"):
                self.check_common()
                if check is not None:
                    check(self.params)
            main_flow(self)
        except self.expected_errors as exc:
            self.fail_error(exc)

    def fail_error(self, exc):
        """Report ``exc``: ``Failed to <step>: <fault type>: <text>`` plus the failure keys and the context."""
        step = self.step_of(exc)
        exc = gone(exc) or exc  # an object removed under us is NotFound, whichever call met it
        result = dict(self.context)
        result.update(failure_keys(exc, step))
        self.fail_json(msg="Failed to %s: %s" % (step, error_text(exc)), **result)

    def warn_plan(self, plan):
        """Show the plan's warnings (once, in check mode and the real run alike)."""
        if getattr(plan, "_warned", False):
            return
        plan._warned = True
        for warning in plan.warnings:
            self.warn(warning)

    def execute(self, plan, handlers):
        """Run each step as ``handlers[step.action](step)`` under ``doing(step.what)``; not in check mode.

        Returns the handlers' results in step order ([] in check mode). A handler that raises
        _plan.Raced (another client got there first) adds its note to the result key ``note``, and
        the step does not count as a change.
        """
        self.warn_plan(plan)
        if self.check_mode:
            return []
        results = []
        for step in plan.steps:
            with self.doing(step.what):
                try:
                    results.append(handlers[step.action](step))
                except Raced as race:  # the state holds: someone else made it so, nothing to fail
                    plan.raced.append(step)
                    self.context["note"] = "; ".join(filter(None, [self.context.get("note"), race.note]))
                    results.append(None)
        return results

    def exit_plan(self, plan, before, after=None, **result):
        """Report: changed = plan.changed, ``--diff`` from before/after (default: plan.after), the context."""
        self.warn_plan(plan)
        after = plan.after if after is None else after
        out = dict(self.context)
        out.update(result)
        if self._diff:
            out["diff"] = {"before": before, "after": after}
        self.exit_json(changed=plan.changed, **out)

    def exit_read(self, **result):
        """The report of a module that only reads (an ``_info`` module): never changed, the context included."""
        out = dict(self.context)
        out.update(result)
        self.exit_json(changed=False, **out)

    def exit_json(self, **kwargs):
        _fast_exit()
        super().exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        _fast_exit()
        super().fail_json(msg, **kwargs)


def _fast_exit():
    """Let the interpreter skip pyVmomi's and Ansible's object graphs in its exit-time collections.

    The module's answer is only seen when its process ends; with pyVmomi, requests and
    ansible loaded, those final garbage collections took 0.3-0.8 s on a busy 2-core machine
    (tests/bench measures it as the time between a task's end and the module's return).
    Freezing moves every live object out of the collector's reach; nothing is lost, since
    the process ends right after.
    """
    gc.freeze()
