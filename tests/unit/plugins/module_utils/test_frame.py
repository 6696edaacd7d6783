# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The frame: Step/Plan, run() with its option check, doing(), execute(), exit_plan() and the failure keys."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.opensphere.vsphere.tests.unit.plugins.modules.utils import patch_module_args

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import (
    ApiError, InvalidInput, NotFound, WaitTimeout, failure_keys,
)
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Step

BASE = {"hostname": "vc", "username": "u", "password": "pw", "_ansible_diff": True}
OPTIONS = {"argument_spec": {"want": {"type": "int"}, "timeout": {"type": "int", "default": 30}}}


def run(capsys, main_flow, check=None, transport="soap", **args):
    """Build a module with OPTIONS and run ``main_flow``; its JSON result."""
    with patch_module_args(dict(BASE, **args)):
        module = VSphereModule(OPTIONS, transport=transport)
        with pytest.raises(SystemExit):
            module.run(main_flow, check=check)
    return json.loads(capsys.readouterr().out)


def test_step_and_plan():
    step = Step("resize", "resize VM 'a'", size=4)
    assert (step.action, step.what, step.size, step.get("nope", 1)) == ("resize", "resize VM 'a'", 4, 1)
    assert step == Step("resize", "resize VM 'a'", size=4) != Step("resize", "resize VM 'a'", size=5)
    assert copy.deepcopy(step) == step and "size=4" in repr(step)
    with pytest.raises(AttributeError):
        step.nope  # pylint: disable=pointless-statement
    assert Plan([step], {"size": 4}).changed and not Plan([], {"size": 2}).changed
    assert Plan([step, Step("x", "y")], {}).actions == ["resize", "x"]


def plan_for(before, want):
    steps = [Step("resize", "resize thing to %s" % want, size=want)] if want != before["size"] else []
    return Plan(steps, dict(before, size=want), warnings=["careful"] if steps else [])


@pytest.mark.parametrize("check", [True, False])
@pytest.mark.parametrize("want", [2, 4])
def test_execute_and_exit_plan_agree_in_check_and_real_mode(capsys, check, want):
    done = []

    def main_flow(module):
        before = {"size": 2}
        module.context["thing"] = before
        plan = plan_for(before, module.params["want"])
        results = module.execute(plan, {"resize": lambda step: done.append(step.size) or "ok"})
        assert results == ([] if check or not plan.changed else ["ok"])
        module.exit_plan(plan, before)

    out = run(capsys, main_flow, want=want, _ansible_check_mode=check)
    assert out["changed"] == (want != 2)
    assert out["diff"] == {"before": {"size": 2}, "after": {"size": want}}
    assert out["thing"] == {"size": 2}
    assert done == ([] if check or want == 2 else [want])
    warnings = [w["event"]["msg"] if isinstance(w, dict) else w for w in out.get("warnings", [])]
    assert warnings == (["careful"] if want != 2 else [])


def test_a_failing_step_is_reported_with_its_keys_and_the_context(capsys):
    def main_flow(module):
        module.context["thing"] = {"size": 2}

        def resize(step):
            raise ApiError("no room (HTTP 409)", fault_type="ALREADY_EXISTS", status=409, body={"error_type": "ALREADY_EXISTS"})

        module.execute(Plan([Step("resize", "resize thing to 4")], {}), {"resize": resize})

    out = run(capsys, main_flow, want=4)
    assert out["failed"] and out["msg"] == "Failed to resize thing to 4: ALREADY_EXISTS: no room (HTTP 409)"
    assert (out["fault_type"], out["step"], out["status"], out["body"]) == (
        "ALREADY_EXISTS", "resize thing to 4", 409, {"error_type": "ALREADY_EXISTS"})
    assert out["thing"] == {"size": 2}


def test_doing_restores_the_step_and_reports_the_innermost_one_through_cleanup(capsys):
    seen = []

    def main_flow(module):
        with module.doing("outer"):
            with module.doing("inner"):
                pass
            seen.append(module.action)
            try:
                with module.doing("change it"):
                    raise NotFound("gone")
            except NotFound:
                with module.doing("put it back"):
                    seen.append(module.action)
                seen.append(module.action)
                raise

    out = run(capsys, main_flow)
    assert seen == ["outer", "put it back", "outer"]
    assert out["msg"] == "Failed to change it: NotFound: gone" and out["step"] == "change it"


def test_an_error_keeps_the_step_it_was_raised_with(capsys):
    def main_flow(module):
        with module.doing("outer"):
            raise WaitTimeout("late", step="wait for the thing", last={"state": "busy"})

    out = run(capsys, main_flow)
    assert out["msg"] == "Failed to wait for the thing: Timeout: late"
    assert (out["fault_type"], out["last"]) == ("Timeout", {"state": "busy"})


def test_options_are_checked_before_the_flow(capsys):
    calls = []

    def check(params):
        if params["want"] is not None and params["want"] < 0:
            raise InvalidInput("want must not be negative")

    out = run(capsys, calls.append, check=check, want=-1)
    assert calls == [] and out["msg"] == "Failed to check the options: InvalidInput: want must not be negative"
    assert out["step"] == "check the options" and out["fault_type"] == "InvalidInput"
    out = run(capsys, calls.append, check=check, timeout=0)
    assert calls == [] and "timeout must be a positive number of seconds, not 0" in out["msg"]


def test_both_transports_in_one_module(capsys):
    with patch_module_args(dict(BASE)):
        module = VSphereModule(OPTIONS, transport=("soap", "rest"))
    assert module.transports == ("soap", "rest")
    from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vmodl

    assert vmodl.MethodFault in module.expected_errors
    with patch_module_args(dict(BASE)):
        with pytest.raises(ValueError):
            VSphereModule(OPTIONS, transport="ftp")


def test_failure_keys_for_every_kind_of_error():
    from pyVmomi import vim

    assert failure_keys(NotFound("x", candidates=["a"]), "find") == {"fault_type": "NotFound", "step": "find", "candidates": ["a"]}
    assert failure_keys(vim.fault.InvalidPowerState(), "s")["fault_type"] == "InvalidPowerState"
    assert failure_keys(OSError("boom"), "s") == {"fault_type": "OSError", "step": "s"}
    keys = failure_keys(ApiError("x", fault_type="NOT_FOUND", status=404, body=None), "s")
    assert keys == {"fault_type": "NOT_FOUND", "step": "s", "status": 404, "body": None}
