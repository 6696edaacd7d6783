# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vcenter_service and vcenter_service_info: the plan as a table, main() with the REST session faked."""

from __future__ import annotations

import contextlib

import pytest

from ansible_collections.opensphere.vsphere.tests.unit.plugins.modules.utils import run_main
from ansible_collections.opensphere.vsphere.plugins.module_utils import _module
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ApiError, ConnectionFailed, InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Step
from ansible_collections.opensphere.vsphere.plugins.module_utils._services import list_services, service_facts
from ansible_collections.opensphere.vsphere.plugins.modules import vcenter_service, vcenter_service_info

STARTED, STOPPED = "started", "stopped"
AUTO, MANUAL, DISABLED = "automatic", "manual", "disabled"


def facts(state, startup, health=None):
    return {"name": "rbd", "name_key": "k", "description_key": "d", "state": state, "startup_type": startup,
            "health": health if health is not None else ("healthy" if state == STARTED else None), "health_messages": []}


U = "update"
# (current state, current startup type, state asked, startup type asked) -> steps, or "!" + fault type
PLAN_TABLE = [
    (STARTED, AUTO, "started", None, []),
    (STOPPED, MANUAL, "started", None, [("start", None)]),
    (STOPPED, MANUAL, "stopped", None, []),
    (STARTED, AUTO, "stopped", None, [("stop", None)]),
    (STARTED, AUTO, "restarted", None, [("restart", None)]),
    (STOPPED, MANUAL, "restarted", None, [("restart", None)]),
    (STOPPED, DISABLED, "started", None, "!NotAllowedInCurrentState"),
    (STOPPED, DISABLED, "restarted", None, "!NotAllowedInCurrentState"),
    (STOPPED, MANUAL, "started", DISABLED, "!InvalidInput"),
    (STOPPED, DISABLED, "started", AUTO, [(U, AUTO), ("start", None)]),  # enable before starting
    (STOPPED, DISABLED, "restarted", MANUAL, [(U, MANUAL), ("restart", None)]),
    (STARTED, AUTO, "stopped", DISABLED, [("stop", None), (U, DISABLED)]),  # stop before disabling
    (STOPPED, AUTO, "stopped", DISABLED, [(U, DISABLED)]),
    (STARTED, AUTO, None, DISABLED, "!NotAllowedInCurrentState"),
    (STOPPED, MANUAL, None, DISABLED, [(U, DISABLED)]),
    (STARTED, AUTO, None, MANUAL, [(U, MANUAL)]),
    (STARTED, MANUAL, None, MANUAL, []),
    (STOPPED, MANUAL, "started", AUTO, [(U, AUTO), ("start", None)]),
    (STARTED, MANUAL, "stopped", AUTO, [(U, AUTO), ("stop", None)]),
    (STOPPED, DISABLED, "stopped", DISABLED, []),
]


def steps(before, want_state, want_type):
    """The plan's steps as ``(action, startup type or None)``."""
    plan = vcenter_service.plan(before, {"state": want_state, "startup_type": want_type})
    assert plan.changed == bool(plan.steps) and plan.after == vcenter_service.predict(before, plan.steps)
    return [(step.action, step.get("startup_type")) for step in plan.steps]


@pytest.mark.parametrize("state, startup, want_state, want_type, expected", PLAN_TABLE)
def test_plan(state, startup, want_state, want_type, expected):
    if isinstance(expected, str):
        with pytest.raises(InvalidInput) as err:
            steps(facts(state, startup), want_state, want_type)
        assert err.value.fault_type == expected[1:]
        return
    assert steps(facts(state, startup), want_state, want_type) == expected


def test_predict_follows_the_steps():
    after = vcenter_service.predict(facts(STARTED, AUTO), [Step("stop", "stop"), Step(U, "update", startup_type=DISABLED)])
    assert (after["state"], after["startup_type"], after["health"]) == (STOPPED, DISABLED, None)


API_INFO = {"name_key": "cis.rbd.ServiceName", "description_key": "cis.rbd.ServiceDescription",
            "startup_type": "MANUAL", "state": "STARTED", "health": "HEALTHY_WITH_WARNINGS",
            "health_messages": [{"id": "x", "default_message": "watch out", "args": []}]}


def test_service_facts_speak_the_module_spelling():
    assert service_facts("rbd", API_INFO) == {
        "name": "rbd", "name_key": "cis.rbd.ServiceName", "description_key": "cis.rbd.ServiceDescription",
        "state": "started", "startup_type": "manual", "health": "healthy_with_warnings", "health_messages": ["watch out"]}


@pytest.mark.parametrize("payload", [{"rbd": API_INFO}, [{"key": "rbd", "value": API_INFO}]], ids=["api", "rest"])
def test_both_list_styles_read_the_same(payload):
    class Api:
        def request(self, method, api, **kwargs):
            return payload

    assert list_services(Api()) == {"rbd": service_facts("rbd", API_INFO)}


class FakeApi:
    """A vCenter services endpoint in /api style that records every call that changes something."""

    def __init__(self, services, fail=None):
        self.services = services  # id -> Info in API spelling
        self.changes = []
        self.fail = fail or {}

    def request(self, method, api, rest=None, body=None, rest_body=None, params=None, ok_missing=False, timeout=None):
        base, dummy, action = api.partition("?action=")
        name = base.rsplit("/", 1)[-1]
        if api == "/vcenter/services":
            return dict(self.services)
        if name not in self.services:
            if ok_missing:
                return None
            raise ApiError("not found", fault_type="NOT_FOUND")
        info = self.services[name]
        if method == "GET":
            return dict(info)
        self.changes.append((method, api))
        if method == "PATCH":
            info["startup_type"] = body["startup_type"]
        elif action in self.fail:
            raise self.fail[action]
        else:
            info["state"] = "STOPPED" if action == "stop" else "STARTED"
            info["health"] = "HEALTHY" if info["state"] == "STARTED" else None
        return None


def info(state="STARTED", startup="AUTOMATIC", health=None):
    return {"name_key": "n", "description_key": "d", "state": state, "startup_type": startup,
            "health": health or ("HEALTHY" if state == "STARTED" else None), "health_messages": []}


def run(monkeypatch, capsys, module, args, services, check=False, fail=None):
    api = FakeApi(services, fail)

    @contextlib.contextmanager
    def fake_rest(self):
        yield api

    monkeypatch.setattr(_module.VSphereModule, "rest", fake_rest)
    return run_main(module, capsys, args, check), api.changes


CASES = [
    ({"state": "started"}, "STOPPED", "MANUAL"),
    ({"state": "started"}, "STARTED", "AUTOMATIC"),
    ({"state": "stopped"}, "STARTED", "AUTOMATIC"),
    ({"state": "restarted"}, "STARTED", "AUTOMATIC"),
    ({"state": "started"}, "STOPPED", "DISABLED"),
    ({"state": "started", "startup_type": "automatic"}, "STOPPED", "DISABLED"),
    ({"state": "stopped", "startup_type": "disabled"}, "STARTED", "AUTOMATIC"),
    ({"startup_type": "disabled"}, "STARTED", "AUTOMATIC"),
    ({"startup_type": "manual"}, "STARTED", "AUTOMATIC"),
    ({"startup_type": "manual"}, "STARTED", "MANUAL"),
]


@pytest.mark.parametrize("args, state, startup", CASES)
def test_check_mode_predicts_the_real_run_and_calls_nothing(monkeypatch, capsys, args, state, startup):
    args = dict(args, name="rbd")
    checked, check_calls = run(monkeypatch, capsys, vcenter_service, args, {"rbd": info(state, startup)}, check=True)
    real, real_calls = run(monkeypatch, capsys, vcenter_service, args, {"rbd": info(state, startup)})
    assert check_calls == []
    assert checked.get("failed", False) == real.get("failed", False)
    assert checked.get("changed") == real.get("changed")
    assert checked.get("diff") == real.get("diff")
    for key in ("state", "startup_type"):
        assert checked["service"][key] == real["service"][key]
    if real.get("failed"):
        assert checked["msg"] == real["msg"] and real_calls == []
    else:
        assert bool(real_calls) == real["changed"]


def test_order_stop_before_disable_and_enable_before_start(monkeypatch, capsys):
    dummy, calls = run(monkeypatch, capsys, vcenter_service, {"name": "rbd", "state": "stopped", "startup_type": "disabled"},
                       {"rbd": info("STARTED", "AUTOMATIC")})
    assert calls == [("POST", "/vcenter/services/rbd?action=stop"), ("PATCH", "/vcenter/services/rbd")]
    out, calls = run(monkeypatch, capsys, vcenter_service, {"name": "rbd", "state": "started", "startup_type": "manual"},
                     {"rbd": info("STOPPED", "DISABLED")})
    assert calls == [("PATCH", "/vcenter/services/rbd"), ("POST", "/vcenter/services/rbd?action=start")]
    assert out["service"]["state"] == "started" and out["service"]["startup_type"] == "manual"
    assert out["diff"] == {"before": {"state": "stopped", "startup_type": "disabled"},
                           "after": {"state": "started", "startup_type": "manual"}}


def test_unknown_service_names_the_closest(monkeypatch, capsys):
    out, calls = run(monkeypatch, capsys, vcenter_service, {"name": "vpxdd", "state": "started"},
                     {"vpxd": info(), "vpxd-svcs": info(), "eam": info()})
    assert out["failed"] and calls == []
    assert out["msg"] == ("Failed to find service 'vpxdd': NotFound: vCenter has no service named 'vpxdd'; "
                          "did you mean 'vpxd', 'vpxd-svcs'?")
    assert out["candidates"] == ["vpxd", "vpxd-svcs"]


def test_disabled_service_is_not_started(monkeypatch, capsys):
    out, calls = run(monkeypatch, capsys, vcenter_service, {"name": "rbd", "state": "started"}, {"rbd": info("STOPPED", "DISABLED")})
    assert out["failed"] and calls == []
    assert out["msg"].startswith("Failed to plan the changes to service 'rbd': NotAllowedInCurrentState: "
                                 "service 'rbd' has startup type disabled")
    assert out["service"]["state"] == "stopped"


@pytest.mark.parametrize("fault", [ApiError("timed out", fault_type="TIMED_OUT"),
                                   ConnectionFailed("read timed out", fault_type="ReadTimeout")])
def test_a_start_that_does_not_finish_reports_the_last_state(monkeypatch, capsys, fault):
    orig = FakeApi.request

    def request(self, method, api, **kwargs):
        if method == "POST":  # the service is left starting when the call gives up
            self.services["rbd"]["state"] = "STARTING"
        return orig(self, method, api, **kwargs)

    monkeypatch.setattr(FakeApi, "request", request)
    out, calls = run(monkeypatch, capsys, vcenter_service, {"name": "rbd", "state": "started", "timeout": 1},
                     {"rbd": info("STOPPED", "MANUAL")}, fail={"start": fault})
    assert out["failed"] and calls == [("POST", "/vcenter/services/rbd?action=start")]
    assert out["msg"].startswith("Failed to wait for service 'rbd' to be started: Timeout: state started of service 'rbd' "
                                 "not reached within 1 s (last seen: state=starting, startup_type=manual, health=None")


def test_a_degraded_start_fails_with_the_health_messages(monkeypatch, capsys):
    services = {"rbd": info("STOPPED", "MANUAL")}
    orig = FakeApi.request

    def request(self, method, api, **kwargs):
        result = orig(self, method, api, **kwargs)
        if method == "POST":
            self.services["rbd"].update(health="DEGRADED", health_messages=[{"id": "i", "default_message": "db down"}])
        return result

    monkeypatch.setattr(FakeApi, "request", request)
    out = run(monkeypatch, capsys, vcenter_service, {"name": "rbd", "state": "started"}, services)[0]
    assert out["failed"] and "Degraded: the service started but is degraded" in out["msg"] and "db down" in out["msg"]
    assert out["service"]["health"] == "degraded"


def test_timeout_must_be_positive(monkeypatch, capsys):
    out, calls = run(monkeypatch, capsys, vcenter_service, {"name": "rbd", "state": "started", "timeout": 0}, {"rbd": info()})
    assert out["failed"] and calls == []
    assert out["msg"] == "Failed to check the options: InvalidInput: timeout must be a positive number of seconds, not 0"


def test_state_or_startup_type_is_required(monkeypatch, capsys):
    out, calls = run(monkeypatch, capsys, vcenter_service, {"name": "rbd"}, {"rbd": info()})
    assert out["failed"] and "one of the following is required: state, startup_type" in out["msg"]


def test_info_lists_all_sorted_or_the_named_ones(monkeypatch, capsys):
    services = {"vpxd": info(), "eam": info("STOPPED", "MANUAL"), "wcp": info()}
    out, calls = run(monkeypatch, capsys, vcenter_service_info, {}, services, check=True)
    assert [s["name"] for s in out["services"]] == ["eam", "vpxd", "wcp"] and not out["changed"] and calls == []
    out = run(monkeypatch, capsys, vcenter_service_info, {"names": ["wcp", "eam", "wcp"]}, services)[0]
    assert [s["name"] for s in out["services"]] == ["wcp", "eam"]
    assert out["services"][1]["state"] == "stopped" and out["services"][1]["health"] is None
    out = run(monkeypatch, capsys, vcenter_service_info, {"names": ["vpx"]}, services)[0]
    assert out["failed"] and "no service named 'vpx'; did you mean 'vpxd'?" in out["msg"]


@pytest.mark.parametrize("ends, fails", [("STARTED", False), ("STOPPED", True)])
def test_a_start_refused_while_another_one_runs(monkeypatch, capsys, ends, fails):
    refused = ApiError("Service 'rbd' cannot start while a start operation is in progress. (HTTP 400)",
                       fault_type="NOT_ALLOWED_IN_CURRENT_STATE", status=400)

    class Racing(FakeApi):
        def request(self, method, api, **kwargs):
            if method == "POST":
                self.services["rbd"]["state"] = ends  # where the other fork's operation leaves it
            return FakeApi.request(self, method, api, **kwargs)

    api = Racing({"rbd": info("STOPPED", "MANUAL")}, {"start": refused})

    @contextlib.contextmanager
    def fake_rest(self):
        yield api

    monkeypatch.setattr(_module.VSphereModule, "rest", fake_rest)
    out = run_main(vcenter_service, capsys, {"name": "rbd", "state": "started"}, False)
    assert api.changes == [("POST", "/vcenter/services/rbd?action=start")]
    if fails:
        assert out["failed"] and "note" not in out
        assert out["msg"] == ("Failed to start service 'rbd': NOT_ALLOWED_IN_CURRENT_STATE: Service 'rbd' cannot start while a "
                              "start operation is in progress. (HTTP 400)")
    else:
        assert out["changed"] is False and out["service"]["state"] == "started"
        assert out["note"].startswith("service 'rbd' was already being made started by another task, which got there first")
