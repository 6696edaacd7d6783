# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The appliance's state and the wanted state -> the steps to take (pure: no I/O).

``before`` is what was read: ``state`` (the appliance's), ``spec`` (the spec in use, secret
free, None when none or unreadable; ``spec_readable`` says which) and ``check`` (the check
action's summary when the appliance could run it). Raises InvalidInput / TaskFailed when the
wanted state cannot be reached from there without pretending (a different spec, a failure).
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance import spec as specs
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.info import IN_PROGRESS
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, TaskFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Step


def _check_failed(check):
    return InvalidInput("the appliance's check of the spec found errors: %s" % "; ".join(check["errors"] or ["(none given)"]),
                        fault_type="CheckFailed")


def _same_spec(before, wanted, what):
    """Raise when the appliance uses another spec; a warning when it cannot say."""
    if before.get("spec") is None:
        return ["the appliance does not show the spec it uses (%s): it was not compared with yours" % what]
    diffs = specs.differences(specs.summary(wanted), before["spec"])
    if diffs:
        raise InvalidInput("the appliance is %s with a different spec (%s); the module does not reconfigure an "
                           "appliance: roll back or redeploy it" % (what, "; ".join(diffs)), fault_type="SpecMismatch")
    return []


def plan(before, params, failure=None):
    """Plan(steps, after, warnings) for ``params['state']`` from ``before``.

    ``failure`` is the failure text of a FAILED appliance (for the error when no rollback is asked).
    """
    state, wanted = before["state"], params["state"]
    install = specs.install_spec(params["spec"]) if params.get("spec") else None
    after = dict(before)

    if wanted == "cancelled":
        steps = []
        if state in IN_PROGRESS:
            steps = [Step("cancel", "cancel the install"), Step("wait", "wait for the install to stop", until="stopped")]
            after["state"] = "FAILED"
        if params.get("rollback") and (steps or state == "FAILED"):
            steps.append(Step("rollback", "roll the appliance back"))
            after["state"] = "INITIALIZED"
        return Plan(steps, after)

    if state == "NOT_INITIALIZED":
        raise InvalidInput("the appliance is NOT_INITIALIZED (stage 1 has not finished) and did not become "
                           "INITIALIZED within the timeout", fault_type="NotInitialized")

    if wanted == "checked":
        if state == "INITIALIZED":
            if before["check"]["status"] == "ERROR":
                raise _check_failed(before["check"])
            return Plan([], after, warnings=before["check"]["warnings"])
        warnings = _same_spec(before, install, "configured" if state == "CONFIGURED" else "in state %s" % state)
        return Plan([], after, warnings=warnings + ["the appliance is %s: the check only runs on an INITIALIZED "
                                                    "appliance, so it was not run" % state])

    # installed
    if state == "CONFIGURED":
        return Plan([], after, warnings=_same_spec(before, install, "configured"))
    if state in IN_PROGRESS:
        warnings = _same_spec(before, install, "being configured")
        after["state"] = "CONFIGURED"
        return Plan([Step("wait", "wait for the install in progress (joined, not restarted)", until="configured")],
                    after, warnings=warnings)
    steps = []
    if state == "FAILED":
        if not params.get("rollback"):
            raise TaskFailed("%s; set rollback: true to return it to INITIALIZED and install again" % (
                failure or "the appliance's install FAILED"), fault_type="InstallFailed")
        steps = [Step("rollback", "roll the failed install back"), Step("check", "check the spec")]
    elif before["check"]["status"] == "ERROR":
        raise _check_failed(before["check"])
    steps += [Step("start", "start the install"), Step("wait", "wait for the install", until="configured")]
    after["state"] = "CONFIGURED"
    after["spec"] = specs.summary(install)
    return Plan(steps, after, warnings=(before.get("check") or {}).get("warnings") or [])
