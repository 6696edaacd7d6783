# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_power: the plan as a table, and main() with the session faked at the boundary."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from ansible_collections.opensphere.vsphere.tests.unit.plugins.modules.utils import run_main
from ansible_collections.opensphere.vsphere.plugins.module_utils import _props
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, TaskFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._questions import question_facts
from ansible_collections.opensphere.vsphere.plugins.modules import vm_power

ON, OFF, SUSP = "powered-on", "powered-off", "suspended"
RUNNING, NOT_RUNNING = "guestToolsRunning", "guestToolsNotRunning"


def facts(power, tools=RUNNING, template=False):
    return {"name": "vm1", "moid": "vm-1", "uuid": "u", "instance_uuid": "i", "power_state": power,
            "ip_address": None, "tools_running_status": tools, "template": template, "question": None}


# (state, power, tools, fallback) -> action, forced; or the error type expected
PLAN_TABLE = [
    ("powered-on", ON, RUNNING, False, None),
    ("powered-on", OFF, RUNNING, False, "power_on"),
    ("powered-on", SUSP, NOT_RUNNING, False, "power_on"),
    ("powered-off", OFF, RUNNING, False, None),
    ("powered-off", ON, NOT_RUNNING, False, "power_off"),
    ("powered-off", SUSP, NOT_RUNNING, False, "power_off"),
    ("suspended", ON, NOT_RUNNING, False, "suspend"),
    ("suspended", SUSP, NOT_RUNNING, False, None),
    ("suspended", OFF, NOT_RUNNING, False, "!InvalidPowerState"),
    ("restarted", ON, NOT_RUNNING, False, "reset"),
    ("restarted", OFF, RUNNING, False, "!InvalidPowerState"),
    ("restarted", SUSP, RUNNING, False, "!InvalidPowerState"),
    ("shutdown-guest", ON, RUNNING, False, "shutdown_guest"),
    ("shutdown-guest", OFF, NOT_RUNNING, False, None),
    ("shutdown-guest", ON, NOT_RUNNING, False, "!ToolsUnavailable"),
    ("shutdown-guest", ON, NOT_RUNNING, True, ("power_off", True)),
    ("shutdown-guest", SUSP, NOT_RUNNING, False, "!InvalidPowerState"),
    ("shutdown-guest", SUSP, NOT_RUNNING, True, ("power_off", True)),
    ("reboot-guest", ON, RUNNING, False, "reboot_guest"),
    ("reboot-guest", ON, NOT_RUNNING, True, "!ToolsUnavailable"),
    ("reboot-guest", OFF, RUNNING, False, "!InvalidPowerState"),
    ("standby-guest", ON, RUNNING, False, "standby_guest"),
    ("standby-guest", SUSP, RUNNING, False, None),
    ("standby-guest", ON, NOT_RUNNING, False, "!ToolsUnavailable"),
    ("standby-guest", OFF, RUNNING, False, "!InvalidPowerState"),
]


def decide(before, state, fallback=False):
    """``(action or None, forced)`` of the module's plan for ``state``."""
    plan = vm_power.plan(before, {"state": state, "fallback_to_power_off": fallback})
    assert len(plan.steps) <= 1 and plan.changed == bool(plan.steps)
    return (plan.steps[0].action, plan.steps[0].forced) if plan.steps else (None, False)


@pytest.mark.parametrize("state, power, tools, fallback, expected", PLAN_TABLE)
def test_plan(state, power, tools, fallback, expected):
    if isinstance(expected, str) and expected.startswith("!"):
        with pytest.raises(InvalidInput) as err:
            decide(facts(power, tools), state, fallback)
        assert err.value.fault_type == expected[1:]
        return
    action, forced = expected if isinstance(expected, tuple) else (expected, False)
    assert decide(facts(power, tools), state, fallback) == (action, forced)


@pytest.mark.parametrize("state", ["powered-on", "suspended", "restarted", "reboot-guest", "standby-guest"])
def test_a_template_cannot_be_powered(state):
    with pytest.raises(InvalidInput, match="is a template"):
        decide(facts(OFF, template=True), state)


@pytest.mark.parametrize("state", ["powered-off", "shutdown-guest"])
def test_a_template_is_already_off(state):
    assert decide(facts(OFF, template=True), state) == (None, False)


VIM = {ON: "poweredOn", OFF: "poweredOff", SUSP: "suspended"}


@pytest.fixture
def run(monkeypatch, capsys, fake_vm, fake_waiter):
    def run_(args, power=ON, tools=RUNNING, check=False):
        vm = fake_vm({"name": "vm1", "config.uuid": "u", "config.instanceUuid": "i", "config.template": False,
                      "runtime.powerState": VIM[power], "guest.toolsRunningStatus": tools})
        monkeypatch.setattr(vm_power, "Waiter", fake_waiter)
        return run_main(vm_power, capsys, dict({"name": "vm1"}, **args), check), vm.methods
    return run_


CASES = [
    ({"state": "powered-off"}, ON, RUNNING),
    ({"state": "powered-on"}, OFF, RUNNING),
    ({"state": "powered-on"}, ON, RUNNING),
    ({"state": "suspended"}, ON, RUNNING),
    ({"state": "suspended"}, OFF, RUNNING),
    ({"state": "shutdown-guest"}, ON, RUNNING),
    ({"state": "shutdown-guest"}, ON, NOT_RUNNING),
    ({"state": "shutdown-guest", "fallback_to_power_off": True}, ON, NOT_RUNNING),
    ({"state": "restarted"}, ON, NOT_RUNNING),
    ({"state": "reboot-guest"}, OFF, RUNNING),
    ({"state": "standby-guest"}, ON, RUNNING),
    ({"state": "powered-on", "wait_for_ip": True}, OFF, RUNNING),
]


@pytest.mark.parametrize("args, power, tools", CASES)
def test_check_mode_predicts_the_real_run_and_calls_nothing(run, args, power, tools):
    checked, check_calls = run(args, power, tools, check=True)
    real, real_calls = run(args, power, tools, check=False)
    assert check_calls == []
    assert checked.get("failed", False) == real.get("failed", False)
    assert checked.get("changed") == real.get("changed")
    assert checked.get("diff") == real.get("diff")
    assert checked["vm"]["power_state"] == real["vm"]["power_state"]
    if real.get("failed"):
        assert checked["msg"] == real["msg"] and real_calls == []
    else:
        assert bool(real_calls) == real["changed"]


def test_failure_message_names_action_and_fault(run):
    out, calls = run({"state": "reboot-guest"}, OFF)
    assert out["failed"] and calls == []
    assert out["msg"].startswith("Failed to reboot the guest of VM 'vm1': InvalidPowerState: VM 'vm1' is powered-off")
    assert out["vm"]["moid"] == "vm-1"


def test_guest_shutdown_timeout_falls_back_only_when_asked(run, fake_waiter):
    fake_waiter.timeout_paths = [["runtime.powerState"]]
    out, calls = run({"state": "shutdown-guest", "timeout": 5}, ON)
    assert out["failed"] and calls == ["ShutdownGuest"]
    assert "Timeout: power state powered-off of VM 'vm1' not reached" in out["msg"]
    out, calls = run({"state": "shutdown-guest", "timeout": 5, "fallback_to_power_off": True}, ON)
    assert out["changed"] and out["forced_power_off"] is True
    assert calls == ["ShutdownGuest", "PowerOffVM_Task"]


def test_wait_for_ip_reports_the_address(run):
    out, calls = run({"state": "powered-on", "wait_for_ip": True}, OFF)
    assert calls == ["PowerOnVM_Task"] and out["vm"]["ip_address"] == "192.0.2.7"


def test_timeout_must_be_positive(run):
    out, calls = run({"state": "powered-on", "timeout": 0}, OFF)
    assert out["failed"] and calls == []
    assert out["msg"] == "Failed to check the options: InvalidInput: timeout must be a positive number of seconds, not 0"


@pytest.mark.parametrize("now, fails", [("poweredOff", False), ("poweredOn", True)])
def test_a_race_lost_to_another_task_is_no_change_with_a_note(run, fake_waiter, monkeypatch, now, fails):
    # another fork powered the VM off between our read and our call: our task fails InvalidPowerState
    def wait_task(*args, **kwargs):
        raise TaskFailed("already off", fault_type="InvalidPowerState")

    monkeypatch.setattr(vm_power._questions, "wait_task", wait_task)
    monkeypatch.setattr(_props, "read_one", lambda session, obj, paths, what="object": {"runtime.powerState": now})
    out, calls = run({"state": "powered-off"}, ON)
    assert calls == ["PowerOffVM_Task"]
    if fails:  # the VM is not off: the fault stands
        assert out["failed"] and out["msg"] == "Failed to power off VM 'vm1': InvalidPowerState: already off"
        assert "note" not in out
    else:
        assert out["changed"] is False and not out.get("failed") and out["vm"]["power_state"] == OFF
        assert out["note"] == ("VM 'vm1' was already powered-off when our request failed (InvalidPowerState: already off): "
                               "another task got there first")


def test_a_reset_that_fails_is_never_a_race(run, fake_waiter, monkeypatch):
    def wait_task(*args, **kwargs):
        raise TaskFailed("busy", fault_type="TaskInProgress")

    monkeypatch.setattr(vm_power._questions, "wait_task", wait_task)
    out, calls = run({"state": "restarted"}, ON)
    assert out["failed"] and calls == ["ResetVM_Task"] and "note" not in out


# --- pending VM questions ---------------------------------------------------------------------
def question_info(qid="_vmx1"):
    """A VirtualMachineQuestionInfo as pyVmomi gives it (attributes only)."""
    choices = [NS(key=str(i), label=label) for i, label in enumerate(["Cancel", "I Moved It", "I Copied It"])]
    return NS(id=qid, text="This virtual machine might have been moved or copied.",
              choice=NS(choiceInfo=choices, defaultIndex=2), message=[NS(id="msg.uuid.altered")])


def asking(power):
    return dict(facts(power), question=question_facts(question_info()))


@pytest.mark.parametrize("answers, key", [
    ({"msg.uuid.altered": "I Copied It"}, "2"),
    ({"_vmx1": "i moved it"}, "1"),
    ({"moved or copied": "0"}, "0"),
    ({"nothing like it": "Cancel", "might have been .* copied": "I Moved It"}, "1"),
])
def test_answers_cover_a_question_by_id_message_id_or_pattern(answers, key):
    plan = vm_power.plan(asking(OFF), {"state": "powered-on", "fallback_to_power_off": False, "answers": answers})
    assert plan.actions == ["answer", "power_on"]
    assert plan.steps[0].key == key
    assert plan.after["question"] is None and plan.after["power_state"] == ON


def test_a_question_no_answer_covers_blocks_the_power_step_naming_its_choices():
    with pytest.raises(InvalidInput) as err:
        vm_power.plan(asking(OFF), {"state": "powered-on", "fallback_to_power_off": False, "answers": {"other": "x"}})
    assert err.value.fault_type == "QuestionPending"
    assert ("question _vmx1 (msg.uuid.altered): 'This virtual machine might have been moved or copied.'; choices: "
            "'Cancel' (key 0), 'I Moved It' (key 1), 'I Copied It' (key 2, default)") in err.value.message
    assert "answers: {'msg.uuid.altered': 'I Copied It'}" in err.value.message


def test_an_answer_naming_a_choice_not_offered_fails():
    with pytest.raises(InvalidInput) as err:
        vm_power.plan(asking(ON), {"state": "powered-on", "fallback_to_power_off": False, "answers": {"msg.uuid.altered": "Yes"}})
    assert err.value.fault_type == "QuestionUnanswerable"
    assert "'Yes' is not one of its choices" in err.value.message


def test_a_question_that_blocks_nothing_is_only_reported():
    plan = vm_power.plan(asking(ON), {"state": "powered-on", "fallback_to_power_off": False, "answers": None})
    assert plan.steps == [] and plan.after["question"]["id"] == "_vmx1"
    assert plan.warnings and "waiting for an answer to question _vmx1" in plan.warnings[0]


@pytest.mark.parametrize("answers, message", [
    ({"(unclosed": "Cancel"}, "answers: '(unclosed' is neither a question id nor a valid pattern"),
    ({"msg.uuid.altered": ""}, "answers: the choice for 'msg.uuid.altered' is empty"),
])
def test_bad_answers_fail_before_any_call(run, answers, message):
    out, calls = run({"state": "powered-on", "answers": answers}, OFF)
    assert out["failed"] and calls == []
    assert out["msg"].startswith("Failed to check the options: InvalidInput: " + message)


@pytest.fixture
def run_asking(monkeypatch, capsys, fake_vm, fake_waiter):
    """run(args, check): the VM is off with a pending question; after the answer it reads powered on."""
    def run_(args, check=False, pending=True):
        vm = fake_vm({"name": "vm1", "config.uuid": "u", "config.instanceUuid": "i", "config.template": False,
                      "runtime.powerState": "poweredOff", "guest.toolsRunningStatus": RUNNING,
                      "runtime.question": question_info() if pending else None})
        monkeypatch.setattr(vm_power, "Waiter", fake_waiter)
        monkeypatch.setattr(vm_power, "read_one", lambda session, obj, paths, what=None: {"runtime.powerState": "poweredOn"})
        return run_main(vm_power, capsys, dict({"name": "vm1"}, **args), check), vm.calls
    return run_


def test_a_pending_question_is_answered_first_in_the_real_run_only(run_asking):
    args = {"state": "powered-on", "answers": {"msg.uuid.altered": "I Copied It"}}
    checked, check_calls = run_asking(args, check=True)
    real, real_calls = run_asking(args)
    assert check_calls == [] and checked["changed"] and real["changed"]
    assert checked["diff"] == real["diff"] == {"before": {"power_state": OFF, "question": "_vmx1"},
                                               "after": {"power_state": ON, "question": None}}
    # the answer lets the blocked power-on finish: no second power-on
    assert real_calls == [("vm-1", "AnswerVM", {"questionId": "_vmx1", "answerChoice": "2"})]
    assert real["answered"] == [{"id": "_vmx1", "text": "This virtual machine might have been moved or copied.",
                                 "choice": "I Copied It"}]
    assert real["vm"]["question"] is None


def test_a_question_raised_by_the_power_on_is_answered_on_the_spot(run_asking, fake_waiter):
    fake_waiter.questions = [question_info("_vmx2")]
    out, calls = run_asking({"state": "powered-on", "answers": {"moved or copied": "I Moved It"}}, pending=False)
    assert out["changed"] and not out.get("failed")
    assert [c[1] for c in calls] == ["PowerOnVM_Task", "AnswerVM"]
    assert calls[1][2] == {"questionId": "_vmx2", "answerChoice": "1"}
    assert out["answered"][0]["id"] == "_vmx2"


def test_a_question_raised_without_an_answer_fails_at_once_showing_it(run_asking, fake_waiter):
    fake_waiter.questions = [question_info("_vmx2")]
    out, calls = run_asking({"state": "powered-on"}, pending=False)
    assert out["failed"] and [c[1] for c in calls] == ["PowerOnVM_Task"]
    assert out["fault_type"] == "QuestionPending"
    assert out["msg"].startswith("Failed to power on VM 'vm1': QuestionPending: VM 'vm1' is waiting for an answer to "
                                 "question _vmx2 (msg.uuid.altered)")
    assert out["question"]["choices"] == [{"key": "0", "label": "Cancel"}, {"key": "1", "label": "I Moved It"},
                                          {"key": "2", "label": "I Copied It"}]
