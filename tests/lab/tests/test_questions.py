# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of tests/lab/questions.go: pending VM questions (runtime.question) and AnswerVM."""

import pytest
from pyVmomi import vmodl

from conftest import find_vm, wait_property, wait_task, watch

MOVED = {"object": "DC0_H0_VM0", "message_id": "msg.uuid.altered", "text": "Moved or copied?",
         "choices": ["Cancel", "I Moved It", "I Copied It"], "default": 2, "raised_by": "PowerOnVM_Task", "cancel": ["Cancel"]}


def off(si, vm):
    state, error = wait_task(si, vm.PowerOffVM_Task())
    assert state == "success", error


def pending(si, vm):
    return watch(si, vm, ["runtime.question"], lambda v: v.get("runtime.question") is not None, 5)["runtime.question"]


def test_power_on_raises_the_question_and_waits_for_the_answer(fresh, si):
    vm = find_vm(si, "DC0_H0_VM0")
    off(si, vm)
    fresh.ctl("POST", "questions", MOVED)
    task = vm.PowerOnVM_Task()
    question = pending(si, vm)
    assert question.text == "Moved or copied?"
    assert [(c.key, c.label) for c in question.choice.choiceInfo] == [("0", "Cancel"), ("1", "I Moved It"), ("2", "I Copied It")]
    assert question.choice.defaultIndex == 2
    assert [m.id for m in question.message] == ["msg.uuid.altered"]
    assert task.info.state == "running"
    assert vm.runtime.powerState == "poweredOff"
    vm.AnswerVM(questionId=question.id, answerChoice="1")
    assert wait_task(si, task)[0] == "success"
    assert vm.runtime.powerState == "poweredOn"
    assert vm.runtime.question is None
    answers = fresh.ctl("GET", "questions")["answers"]
    assert answers == [{"vm": "DC0_H0_VM0", "id": question.id, "choice": "1", "label": "I Moved It", "canceled": False}]


def test_a_cancel_choice_ends_the_task_in_error_and_leaves_the_vm(fresh, si):
    vm = find_vm(si, "DC0_H0_VM0")
    off(si, vm)
    fresh.ctl("POST", "questions", MOVED)
    task = vm.PowerOnVM_Task()
    vm.AnswerVM(questionId=pending(si, vm).id, answerChoice="0")
    state, error = wait_task(si, task)
    assert state == "error" and isinstance(error, vmodl.fault.RequestCanceled)
    assert vm.runtime.powerState == "poweredOff"


def test_answer_vm_refuses_a_question_not_pending_and_a_choice_not_offered(fresh, si):
    vm = find_vm(si, "DC0_H0_VM0")
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        vm.AnswerVM(questionId="_vmx1", answerChoice="0")
    assert err.value.invalidProperty == "questionId"
    raised = fresh.ctl("POST", "questions", dict(MOVED, raised_by=""))
    question = vm.runtime.question
    assert question.id == raised["id"]
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        vm.AnswerVM(questionId=question.id, answerChoice="7")
    assert err.value.invalidProperty == "answerChoice"
    assert vm.runtime.question.id == question.id  # still pending
    vm.AnswerVM(questionId=question.id, answerChoice="2")
    with pytest.raises(vmodl.fault.InvalidArgument):  # answered already
        vm.AnswerVM(questionId=question.id, answerChoice="2")


def test_a_pending_question_holds_power_operations_until_answered(fresh, si):
    vm = find_vm(si, "DC0_H0_VM0")
    fresh.ctl("POST", "questions", dict(MOVED, raised_by="", text="Out of disk space", choices=["Retry", "Cancel"], default=0))
    task = vm.PowerOffVM_Task()
    with pytest.raises(TimeoutError):
        wait_property(si, vm, "runtime.powerState", "poweredOff", timeout=0.5)
    assert task.info.state == "running"
    vm.AnswerVM(questionId=vm.runtime.question.id, answerChoice="0")
    assert wait_task(si, task)[0] == "success"
    assert vm.runtime.powerState == "poweredOff"


def test_control_refuses_bad_rules_and_delete_clears(fresh, si):
    fresh.ctl("POST", "questions", {"object": "DC0_H0_VM0", "text": "x", "choices": []}, expect=400)
    fresh.ctl("POST", "questions", dict(MOVED, default=5), expect=400)
    fresh.ctl("POST", "questions", dict(MOVED, raised_by="CloneVM_Task"), expect=400)
    fresh.ctl("POST", "questions", dict(MOVED, raised_by="", object="nosuch"), expect=404)
    fresh.ctl("POST", "questions", dict(MOVED, raised_by=""))
    fresh.ctl("POST", "questions", dict(MOVED, raised_by=""), expect=409)
    fresh.ctl("DELETE", "questions")
    vm = find_vm(si, "DC0_H0_VM0")
    assert vm.runtime.question is None
    assert fresh.ctl("GET", "questions") == {"rules": None, "pending": {}, "answers": None}
