#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcenter_service
short_description: Start, stop or restart a vCenter Server service and set its startup type
version_added: 0.1.0
description:
  - Brings one service of vCenter Server (the services vMon manages, such as C(vpxd), C(vsphere-ui) or
    C(content-library)) to the requested run state and startup type, and waits until it is there.
  - Uses the vSphere Automation API (C(com.vmware.vcenter.services)); vCenter 7.0 and later are reached
    through C(/api), vCenter 6.7 through C(/rest), whichever the server offers.
  - A service already in the requested state and startup type is left alone. When both a state and a
    startup type are asked for, they are applied in the order vCenter requires - a service is stopped
    before it is disabled, and a disabled service gets its new startup type before it is started.
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - opensphere.vsphere.attributes
  - opensphere.vsphere.attributes.ACTIONGROUP_VMWARE
attributes:
  check_mode:
    support: full
    details: Check mode reads the service and reports the change (or the error) the real run would make, and calls nothing that changes it.
  diff_mode:
    support: full
    details: The diff shows the run state and startup type before and after.
  idempotent:
    support: partial
    details: Every O(state) but V(restarted), which is an action, and every O(startup_type).
options:
  name:
    description:
      - Identifier of the service, as vCenter lists it (for example V(vpxd), V(vsphere-ui), V(eam)).
      - M(opensphere.vsphere.vcenter_service_info) lists them all.
    type: str
    required: true
    aliases: [service]
  state:
    description:
      - V(started) starts the service unless it runs, V(stopped) stops it unless it is stopped.
      - V(restarted) restarts it (a stopped service is started) and always reports a change.
      - A service with startup type V(disabled) cannot be started or restarted; give
        O(startup_type=manual) or O(startup_type=automatic) with it.
      - When omitted, only O(startup_type) is managed.
    type: str
    choices: [started, stopped, restarted]
  startup_type:
    description:
      - V(automatic) starts the service with vCenter; V(manual) only on request; V(disabled) never.
      - Only a stopped service can be disabled; give O(state=stopped) to stop it first.
      - When omitted, the startup type is left as it is.
    type: str
    choices: [automatic, manual, disabled]
  timeout:
    description:
      - Seconds to wait for the service to reach O(state). A service that is starting or stopping when the
        task begins is awaited first, within the same time.
      - When the time is up the task fails with the last state and health seen.
    type: int
    default: 300
notes:
  - One of O(state) and O(startup_type) is required.
  - A service that starts but reports the health V(degraded) makes the task fail, with the health messages.
seealso:
  - module: opensphere.vsphere.vcenter_service_info
"""

EXAMPLES = r"""
- name: Restart the vSphere Client
  opensphere.vsphere.vcenter_service:
    hostname: "{{ vcenter_hostname }}"
    username: "{{ vcenter_username }}"
    password: "{{ vcenter_password }}"
    name: vsphere-ui
    state: restarted

- name: Stop and disable the Auto Deploy service
  opensphere.vsphere.vcenter_service:
    name: rbd
    state: stopped
    startup_type: disabled

- name: Enable and start a disabled service, allowing it ten minutes
  opensphere.vsphere.vcenter_service:
    name: imagebuilder
    startup_type: automatic
    state: started
    timeout: 600
"""

RETURN = r"""
service:
  description: The service after the task (in check mode, as it would be).
  returned: always, also on failure once the service was found
  type: dict
  contains:
    name:
      description: Identifier of the service.
      type: str
      sample: vsphere-ui
    name_key:
      description: Key of the service's display name in vCenter's resource bundle.
      type: str
      sample: cis.vsphere-ui.ServiceName
    description_key:
      description: Key of the service's description in vCenter's resource bundle.
      type: str
    state:
      description: Run state, V(started), V(stopped), V(starting) or V(stopping).
      type: str
      sample: started
    startup_type:
      description: Startup type, in the spelling of O(startup_type).
      type: str
      sample: automatic
    health:
      description:
        - V(healthy), V(healthy_with_warnings) or V(degraded); vCenter reports it only for a started service.
        - In check mode, unknown (null) for a service the task would start.
      type: str
      sample: healthy
    health_messages:
      description: What vCenter says about the service's health.
      type: list
      elements: str
note:
  description:
    - Set when another task (a parallel fork, another client) was starting or stopping the service at the
      same time and got it to O(state) first; this task then reports no change.
  returned: when another task got there first
  type: str
"""

import time

from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import timeout
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import (
    ApiError, ConnectionFailed, InvalidInput, TaskFailed, WaitTimeout, error_text)
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Raced, Step
from ansible_collections.opensphere.vsphere.plugins.module_utils._services import TRANSITIONAL, get_service, path, service_text
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import poll

# state asked for -> the action that gets there from a settled state (None: already there)
ACTIONS = {
    "started": {"started": None, "stopped": "start"},
    "stopped": {"started": "stop", "stopped": None},
    "restarted": {"started": "restart", "stopped": "restart"},
}
RESULT_STATE = {"start": "started", "restart": "started", "stop": "stopped"}
CLIENT_TIMEOUTS = ("ReadTimeout", "Timeout")  # the call reached vCenter and is still running there
DIFF_KEYS = ("state", "startup_type")


def _steps(service, state=None, startup_type=None):
    """``[(op, arg)]`` in the order vCenter requires; raises InvalidInput, naming why, for what it would refuse."""
    name, current = service["name"], service["startup_type"]
    target_type = startup_type or current
    action = ACTIONS[state][service["state"]] if state else None
    if state in ("started", "restarted") and target_type == "disabled":
        if startup_type:
            raise InvalidInput("a service cannot be %s with startup_type disabled; choose manual or automatic" % state)
        raise InvalidInput("service '%s' has startup type disabled and cannot be %s; set startup_type to manual or "
                           "automatic in the same task to start it" % (name, state), fault_type="NotAllowedInCurrentState")
    update = [("update", target_type)] if target_type != current else []
    action_step = [(action, None)] if action else []
    if target_type == "disabled" and update:
        if RESULT_STATE.get(action, service["state"]) != "stopped":
            raise InvalidInput("service '%s' is %s; only a stopped service can be disabled: add state: stopped to stop "
                               "it first" % (name, service["state"]), fault_type="NotAllowedInCurrentState")
        return action_step + update
    return update + action_step


def predict(service, steps):
    """The service as the steps would leave it (health unknown for a service that changes state)."""
    after = dict(service)
    for step in steps:
        if step.action == "update":
            after["startup_type"] = step.startup_type
        else:
            after["state"] = RESULT_STATE[step.action]
            after["health"], after["health_messages"] = None, []
    return after


def plan(before, params):
    """The Plan that brings ``before`` (settled service facts) to what ``params`` ask. Pure."""
    name, steps = before["name"], []
    for op, arg in _steps(before, params.get("state"), params.get("startup_type")):
        if op == "update":
            steps.append(Step("update", "set the startup type of service '%s' to %s" % (name, arg), startup_type=arg))
        else:
            steps.append(Step(op, "%s service '%s'" % (op, name)))
    warnings = []
    if before["health"] == "degraded" and params.get("state") == "started" and not steps:
        warnings.append("Service '%s' runs but is degraded: %s" % (name, service_text(before)))
    return Plan(steps, predict(before, steps), warnings)


def await_service(module, api, name, done, what, deadline):
    """Read the service until ``done(facts)``; WaitTimeout (with the last state and health) at the deadline."""
    try:
        return poll(lambda: get_service(api, name), done, max(0, deadline - time.monotonic()), what, describe=service_text)
    except WaitTimeout as exc:
        module.context["service"] = exc.details["last"]
        raise WaitTimeout("%s not reached within %s s (last seen: %s)" % (what, module.params["timeout"], service_text(exc.details["last"])),
                          last=exc.details["last"])


def settle(module, api, service, deadline):
    """Wait out a start or stop that was already running when the task began (part of the read)."""
    if service["state"] not in TRANSITIONAL:
        return service
    name = service["name"]
    with module.doing("wait for service '%s' to finish %s" % (name, service["state"])):
        return await_service(module, api, name, lambda s: s["state"] not in TRANSITIONAL,
                             "a settled state of service '%s'" % name, deadline)


def settle_race(module, api, name, want, exc, deadline):
    """A start or stop refused while another one runs (a parallel fork, another client): wait for the
    service to settle; raise Raced when it ends ``want``, else return (the caller re-raises ``exc``)."""
    with module.doing("wait for service '%s' to settle after %s" % (name, error_text(exc))):
        after = await_service(module, api, name, lambda s: s["state"] not in TRANSITIONAL,
                              "a settled state of service '%s'" % name, deadline)
    module.context["service"] = after
    if after["state"] == want:
        raise Raced("service '%s' was already being made %s by another task, which got there first (%s)"
                    % (name, want, error_text(exc)))


def handlers(module, api, deadline):
    """update: PATCH the startup type; start/stop/restart: the call (synchronous on vCenter), then read
    the service until it is there (the report shows that read, with its health)."""
    def update(step):
        name = module.context["service"]["name"]
        api.request("PATCH", path(name)[0], body={"startup_type": step.startup_type.upper()},
                    rest_body={"spec": {"startup_type": step.startup_type.upper()}})
        module.context["service"] = dict(module.context["service"], startup_type=step.startup_type)

    def act(step):
        name, op, want = module.context["service"]["name"], step.action, RESULT_STATE[step.action]
        api_path, rest_path = path(name, op)
        try:
            # the call returns once the service got there: allow it the whole timeout, not the connect timeout
            api.request("POST", api_path, rest=rest_path, timeout=max(1, deadline - time.monotonic()))
        except ApiError as exc:
            if exc.fault_type == "NOT_ALLOWED_IN_CURRENT_STATE" and op != "restart":
                settle_race(module, api, name, want, exc, deadline)
            if exc.fault_type != "TIMED_OUT":
                raise
        except ConnectionFailed as exc:
            if exc.fault_type not in CLIENT_TIMEOUTS:
                raise
        with module.doing("wait for service '%s' to be %s" % (name, want)):
            after = await_service(module, api, name, lambda s: s["state"] == want, "state %s of service '%s'" % (want, name), deadline)
        module.context["service"] = after
        if want == "started" and after["health"] == "degraded":
            raise TaskFailed("the service started but is degraded (%s)" % service_text(after), fault_type="Degraded")

    return {"update": update, "start": act, "stop": act, "restart": act}


def main_flow(module):
    p = module.params
    deadline = time.monotonic() + p["timeout"]
    with module.rest() as api:
        with module.doing("find service '%s'" % p["name"]):
            service = get_service(api, p["name"])
        module.context["service"] = service
        before = settle(module, api, service, deadline)
        module.context["service"] = before
        with module.doing("plan the changes to service '%s'" % p["name"]):
            the_plan = plan(before, p)
        module.execute(the_plan, handlers(module, api, deadline))
        if module.check_mode or not the_plan.steps:
            module.context["service"] = the_plan.after
    after = module.context["service"]
    module.exit_plan(the_plan, {k: before[k] for k in DIFF_KEYS}, {k: after[k] for k in DIFF_KEYS})


def main():
    module = VSphereModule(
        timeout(300),
        {"argument_spec": {
            "name": {"type": "str", "required": True, "aliases": ["service"]},
            "state": {"type": "str", "choices": list(ACTIONS)},
            "startup_type": {"type": "str", "choices": ["automatic", "manual", "disabled"]},
        },
            "required_one_of": [["state", "startup_type"]],
            "names": {"name": None}},
        transport="rest",
    )
    module.run(main_flow)


if __name__ == "__main__":
    main()
