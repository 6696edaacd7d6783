# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tables for the appliance family's pure logic: spec, questions, paths, info, plan."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance import info, paths, plan, questions, spec
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, TaskFailed

STANDALONE = {"ceip_enabled": False, "standalone": {"sso_domain_name": "vsphere.local", "sso_admin_password": "s3cret!"}}
REPLICATED = {"ceip_enabled": True, "replicated": {"partner_hostname": "vc1.example.com", "sso_admin_password": "p"}}


@pytest.mark.parametrize("value, words", [
    (STANDALONE, None),
    (REPLICATED, None),
    (None, "spec is required"),
    ({"ceip_enabled": False}, "give standalone"),
    (dict(STANDALONE, replicated=REPLICATED["replicated"]), "not both"),
    ({"standalone": {"sso_domain_name": "vsphere.local"}}, "sso_admin_password is required"),
    ({"standalone": {"sso_domain_name": "", "sso_admin_password": "x"}}, "sso_domain_name is required"),
    ({"standalone": {"sso_domain_name": "vsphere_local", "sso_admin_password": "x"}}, "not a valid domain name"),
    ({"standalone": {"sso_domain_name": "local", "sso_admin_password": "x"}}, "not a valid domain name"),
    ({"standalone": {"sso_domain_name": "-a.local", "sso_admin_password": "x"}}, "not a valid domain name"),
    ({"standalone": {"sso_domain_name": "corp.example.com", "sso_admin_password": "x"}}, None),
    ({"replicated": {"sso_admin_password": "p"}}, "partner_hostname is required"),
    ({"replicated": {"partner_hostname": "vc1"}}, "sso_admin_password"),
    ({"replicated": {"partner_hostname": "vc1", "sso_admin_password": "p", "https_port": 70000}}, "not a port number"),
    ({"replicated": {"partner_hostname": "vc1", "sso_admin_password": "p", "ssl_thumbprint": "AB:CD"}}, "SHA-1 or SHA-256"),
    ({"replicated": {"partner_hostname": "vc1", "sso_admin_password": "p", "ssl_thumbprint": ":".join(["AB"] * 20)}}, None),
])
def test_spec_problems(value, words):
    found = spec.problems(value)
    if words is None:
        assert found == []
    else:
        assert any(words in p for p in found), found


def test_install_spec_and_its_secret_free_summary():
    assert spec.install_spec(STANDALONE) == {"vcsa_embedded": {"ceip_enabled": False, "standalone": {
        "sso_domain_name": "vsphere.local", "sso_admin_password": "s3cret!"}}}
    sent = spec.install_spec(REPLICATED)
    assert sent["vcsa_embedded"]["replicated"] == {"partner_hostname": "vc1.example.com", "https_port": 443,
                                                   "sso_admin_password": "p"}
    assert "s3cret" not in repr(spec.summary(spec.install_spec(STANDALONE)))
    assert spec.summary(sent) == {"ceip_enabled": True, "mode": "replicated", "partner_hostname": "vc1.example.com",
                                  "https_port": 443}


@pytest.mark.parametrize("in_use, diffs", [
    ({"vcsa_embedded": {"ceip_enabled": False, "standalone": {"sso_domain_name": "vsphere.local"}}}, []),
    ({"vcsa_embedded": {"ceip_enabled": True, "standalone": {"sso_domain_name": "vsphere.local"}}}, ["ceip_enabled"]),
    ({"vcsa_embedded": {"ceip_enabled": False, "standalone": {"sso_domain_name": "corp.local"}}}, ["sso_domain_name"]),
    ({"vcsa_embedded": {"ceip_enabled": False, "replicated": {"partner_hostname": "x"}}}, ["mode", "sso_domain_name"]),
])
def test_spec_differences(in_use, diffs):
    found = spec.differences(spec.summary(spec.install_spec(STANDALONE)), spec.summary(in_use))
    assert [d.split(" ", 1)[0] for d in found] == diffs


Q = {"id": "cert.replace", "text": "Replace the self-signed certificate?", "type": "YES_NO", "default": "Yes",
     "possible": ["Yes", "No"]}


@pytest.mark.parametrize("answers, auto, answer, how", [
    ([{"id": "cert.replace", "answer": "no"}], False, "No", "id"),
    ([{"pattern": "self-signed", "answer": "No"}], False, "No", "pattern"),
    ([{"pattern": "SELF-SIGNED", "answer": "No"}], False, "No", "pattern"),
    ([{"pattern": "certificate", "answer": "Yes"}, {"id": "cert.replace", "answer": "No"}], False, "No", "id"),
    ([{"pattern": "ntp", "answer": "Yes"}], True, "Yes", "auto_answer"),
    ([], True, "Yes", "auto_answer"),
])
def test_question_answers(answers, auto, answer, how):
    chosen = questions.choose(Q, answers, auto)
    assert (chosen["answer"], chosen["answered_by"], chosen["id"]) == (answer, how, "cert.replace")


@pytest.mark.parametrize("answers, auto, words", [
    ([], False, "has no answer"),
    ([{"pattern": "ntp", "answer": "Yes"}], False, "add it to answers"),
    ([{"id": "cert.replace", "answer": "Maybe"}], True, "not one of Yes, No"),
])
def test_unanswerable_questions(answers, auto, words):
    with pytest.raises(InvalidInput) as err:
        questions.choose(Q, answers, auto)
    assert words in err.value.message and "cert.replace" in err.value.message


@pytest.mark.parametrize("answers, problems", [
    ([{"id": "a", "answer": "Yes"}, {"pattern": "b.*", "answer": "No"}], []),
    ([{"answer": "Yes"}], ["exactly one"]),
    ([{"id": "a", "pattern": "b", "answer": "Yes"}], ["exactly one"]),
    ([{"pattern": "(", "answer": "Yes"}], ["not a regular expression"]),
    ([{"id": "a", "answer": ""}], ["answer is required"]),
])
def test_answer_option_problems(answers, problems):
    found = questions.answer_problems(answers)
    assert len(found) == len(problems) and all(w in f for w, f in zip(problems, found))


def test_plain_question():
    q = questions.plain({"id": "q", "question": {"id": "x", "default_message": "Go?", "args": []}, "type": "OK_CANCEL",
                         "default_answer": "OK", "possible_answers": ["OK", "Cancel"]})
    assert q == {"id": "q", "text": "Go?", "type": "OK_CANCEL", "default": "OK", "possible": ["OK", "Cancel"]}


@pytest.mark.parametrize("style, op, body, want", [
    ("api", "info", None, ("GET", "/api/vcenter/deployment", None, None)),
    ("rest", "info", None, ("GET", "/rest/vcenter/deployment", None, None)),
    ("api", "start", {"a": 1}, ("POST", "/api/vcenter/deployment/install", {"action": "start"}, {"a": 1})),
    ("rest", "start", {"a": 1}, ("POST", "/rest/vcenter/deployment/install", {"action": "start"}, {"spec": {"a": 1}})),
    ("rest", "check", {"a": 1}, ("POST", "/rest/vcenter/deployment/install", {"action": "check"}, {"spec": {"a": 1}})),
    ("api", "cancel", None, ("POST", "/api/vcenter/deployment/install", {"action": "cancel"}, None)),
    ("api", "rollback", None, ("POST", "/api/vcenter/deployment", {"action": "rollback"}, None)),
    ("rest", "question", None, ("GET", "/rest/vcenter/deployment/question", None, None)),
    ("rest", "answer", {"question_id": "q", "answer_val": "Yes"},
     ("POST", "/rest/vcenter/deployment/question", {"action": "answer"}, {"spec": {"question_id": "q", "answer_val": "Yes"}})),
    ("api", "spec", None, ("GET", "/api/vcenter/deployment/install", None, None)),
])
def test_paths_per_style(style, op, body, want):
    assert paths.request(style, op, body) == want


def test_unwrap_and_maps():
    assert paths.unwrap("rest", {"value": {"state": "X"}}) == {"state": "X"}
    assert paths.unwrap("rest", {}) is None
    assert paths.unwrap("api", {"state": "X"}) == {"state": "X"}
    assert paths.as_map([{"key": "a", "value": 1}]) == {"a": 1} == paths.as_map({"a": 1})
    with pytest.raises(ValueError):
        paths.request("soap", "info")


def _task(status, completed, errors=()):
    return {"status": status, "progress": {"total": 100, "completed": completed},
            "description": {"default_message": status.title()},
            "result": {"errors": [{"message": {"default_message": e}} for e in errors]}}


@pytest.mark.parametrize("as_rest", [False, True])
def test_info_summary_in_both_styles(as_rest):
    subtasks = {"a": _task("SUCCEEDED", 100), "b": _task("FAILED", 40, ["LDAP error 49"]), "c": _task("PENDING", 0)}
    raw = {"state": "FAILED", "status": "FAILED", "subtask_order": ["a", "b", "c"],
           "subtasks": [{"key": k, "value": v} for k, v in subtasks.items()] if as_rest else subtasks,
           "progress": {"total": 100, "completed": 47, "message": {"default_message": "SSO"}},
           "result": {"errors": [{"message": {"default_message": "LDAP error 49"}}], "warnings": [], "info": []}}
    facts = info.summarize(raw)
    assert [(s["id"], s["status"], s["percent"]) for s in facts["subtasks"]] == [
        ("a", "SUCCEEDED", 100), ("b", "FAILED", 40), ("c", "PENDING", 0)]
    assert facts["failed_subtask"] == "b" and facts["errors"] == ["LDAP error 49"]
    assert facts["progress"] == {"percent": 47, "message": "SSO"}
    assert info.failure_text(facts) == "the install FAILED at subtask b: LDAP error 49"
    assert info.summarize({"state": "INITIALIZED"})["subtasks"] == []


OK = {"status": "SUCCESS", "errors": [], "warnings": [], "info": []}
WARN = {"status": "WARNING", "errors": [], "warnings": ["DNS slow"], "info": []}
BAD = {"status": "ERROR", "errors": ["partner unreachable"], "warnings": [], "info": []}
IN_USE = spec.summary(spec.install_spec(STANDALONE))
OTHER = dict(IN_USE, sso_domain_name="corp.local")


def params(state, rollback=False, value="standalone"):
    return {"state": state, "spec": STANDALONE if value == "standalone" else value, "rollback": rollback}


@pytest.mark.parametrize("before, p, steps, after_state", [
    # installed
    ({"state": "INITIALIZED", "check": OK}, params("installed"), ["start", "wait"], "CONFIGURED"),
    ({"state": "INITIALIZED", "check": WARN}, params("installed"), ["start", "wait"], "CONFIGURED"),
    ({"state": "CONFIG_IN_PROGRESS", "spec": IN_USE}, params("installed"), ["wait"], "CONFIGURED"),
    ({"state": "QUESTION_RAISED", "spec": IN_USE}, params("installed"), ["wait"], "CONFIGURED"),
    ({"state": "CONFIGURED", "spec": IN_USE}, params("installed"), [], "CONFIGURED"),
    ({"state": "CONFIGURED", "spec": None}, params("installed"), [], "CONFIGURED"),
    ({"state": "FAILED", "spec": IN_USE}, params("installed", rollback=True), ["rollback", "check", "start", "wait"],
     "CONFIGURED"),
    # checked never changes anything
    ({"state": "INITIALIZED", "check": OK}, params("checked"), [], "INITIALIZED"),
    ({"state": "CONFIGURED", "spec": IN_USE}, params("checked"), [], "CONFIGURED"),
    ({"state": "CONFIG_IN_PROGRESS", "spec": IN_USE}, params("checked"), [], "CONFIG_IN_PROGRESS"),
    # cancelled
    ({"state": "CONFIG_IN_PROGRESS"}, params("cancelled", value=None), ["cancel", "wait"], "FAILED"),
    ({"state": "QUESTION_RAISED"}, params("cancelled", value=None), ["cancel", "wait"], "FAILED"),
    ({"state": "CONFIG_IN_PROGRESS"}, params("cancelled", True, None), ["cancel", "wait", "rollback"], "INITIALIZED"),
    ({"state": "FAILED"}, params("cancelled", True, None), ["rollback"], "INITIALIZED"),
    ({"state": "FAILED"}, params("cancelled", value=None), [], "FAILED"),
    ({"state": "INITIALIZED"}, params("cancelled", True, None), [], "INITIALIZED"),
    ({"state": "CONFIGURED"}, params("cancelled", value=None), [], "CONFIGURED"),
])
def test_state_to_action_plan(before, p, steps, after_state):
    result = plan.plan(before, p)
    assert [s.action for s in result.steps] == steps
    assert result.changed is bool(steps)
    assert result.after["state"] == after_state
    assert all(s.what for s in result.steps)


@pytest.mark.parametrize("before, p, error, words", [
    ({"state": "INITIALIZED", "check": BAD}, params("installed"), InvalidInput, "partner unreachable"),
    ({"state": "INITIALIZED", "check": BAD}, params("checked"), InvalidInput, "partner unreachable"),
    ({"state": "CONFIGURED", "spec": OTHER}, params("installed"), InvalidInput, "configured with a different spec"),
    ({"state": "CONFIGURED", "spec": OTHER}, params("checked"), InvalidInput, "sso_domain_name is 'corp.local'"),
    ({"state": "CONFIG_IN_PROGRESS", "spec": OTHER}, params("installed"), InvalidInput, "being configured"),
    ({"state": "FAILED"}, params("installed"), TaskFailed, "set rollback: true"),
    ({"state": "NOT_INITIALIZED"}, params("installed"), InvalidInput, "NOT_INITIALIZED"),
])
def test_plans_that_refuse(before, p, error, words):
    with pytest.raises(error) as err:
        plan.plan(before, p, failure="the install FAILED at subtask sso: LDAP error 49")
    assert words in err.value.message


def test_plan_warnings_and_failure_text():
    assert plan.plan({"state": "INITIALIZED", "check": WARN}, params("installed")).warnings == ["DNS slow"]
    unknown = plan.plan({"state": "CONFIGURED", "spec": None}, params("installed")).warnings
    assert "not compared" in unknown[0]
    with pytest.raises(TaskFailed) as err:
        plan.plan({"state": "FAILED"}, params("installed"), failure="the install FAILED at subtask sso: LDAP error 49")
    assert "subtask sso: LDAP error 49" in err.value.message
