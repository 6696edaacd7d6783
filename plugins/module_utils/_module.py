# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VSphereModule: connection options merged in, sessions that always close, errors reported once.

A module's code raises; the base class turns what it raises into
``Failed to <action>: <fault type>: <message>`` in exactly one place, with whatever the
module already knew about the object (``self.result``) kept in the failure.
"""

from __future__ import annotations

import contextlib
import gc
import http.client

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import CONNECTION, merge
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, VSphereError, describe


# The transports are imported on first use: a SOAP module then never loads requests, nor a
# REST module pyVmomi (each costs tens of milliseconds and several MiB per task).
def _transport(name):
    if name == "soap":
        from ansible_collections.opensphere.vsphere.plugins.module_utils import _soap
        return _soap
    from ansible_collections.opensphere.vsphere.plugins.module_utils import _rest
    return _rest


class VSphereModule(AnsibleModule):
    """AnsibleModule with the connection options and the find/read/plan/apply/report plumbing."""

    def __init__(self, *groups, transport="soap", supports_check_mode=True, **kwargs):
        spec = merge(CONNECTION, *groups)
        spec.update(kwargs)
        super().__init__(supports_check_mode=supports_check_mode, **spec)
        self.action = "connect to vCenter %s:%s" % (self.params["hostname"], self.params["port"])
        self.result = {}
        self.expected_errors = (VSphereError, OSError, http.client.HTTPException)
        lib = _transport(transport)
        if transport == "soap" and not lib.HAS_PYVMOMI:
            self.fail_json(msg=missing_required_lib("pyVmomi"), exception=lib.PYVMOMI_IMPORT_ERROR)
        if transport == "rest" and not lib.HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=lib.REQUESTS_IMPORT_ERROR)

    @contextlib.contextmanager
    def doing(self, action):
        """Name what the code inside is doing, for the error message if it fails.

        Deliberately no ``finally``: when the body raises, the action stays set so that
        run() reports the step that failed.
        """
        previous, self.action = self.action, action
        yield
        self.action = previous

    @contextlib.contextmanager
    def soap(self):
        """A logged-in SOAP session, logged out whatever happens."""
        _soap = _transport("soap")
        self.expected_errors += (_soap.vmodl.MethodFault,)
        session = _soap.SoapSession(self.params)
        with self.doing("connect to vCenter %s as %s" % (session.target, self.params["username"])):
            session.connect()
        try:
            yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def rest(self):
        """A logged-in vSphere Automation API session, logged out whatever happens."""
        session = _transport("rest").RestSession(self.params)
        with self.doing("log in to the vSphere Automation API at %s as %s" % (session.base, self.params["username"])):
            session.connect()
        try:
            yield session
        finally:
            session.close()

    def run(self, main):
        """Call ``main(self)``; an expected error becomes one clear failure.

        Options every module shares a meaning for are checked here first, before any session.
        """
        try:
            with self.doing("check the options"):
                timeout = self.params.get("timeout")
                if timeout is not None and timeout <= 0:
                    raise InvalidInput("timeout must be a positive number of seconds, not %s" % timeout)
            main(self)
        except self.expected_errors as exc:
            details = getattr(exc, "details", None) or {}
            extra = {key: value for key, value in details.items() if key in ("candidates", "last")}
            self.fail_json(msg="Failed to %s: %s" % (self.action, describe(exc)), **dict(self.result, **extra))

    def exit_with_diff(self, before, after, changed=None, **result):
        """Report ``changed`` and ``--diff`` from one before/after comparison."""
        if changed is None:
            changed = before != after
        if self._diff:
            result["diff"] = {"before": before, "after": after}
        self.exit_json(changed=changed, **dict(self.result, **result))

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
