# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pending VM questions (``runtime.question``): read as plain data, matched against the user's answers.

A VM asks a question when its VMX process cannot go on alone ("This virtual machine might have
been moved or copied", raised on power-on); the operation that raised it waits until someone
calls ``VirtualMachine.AnswerVM(questionId, answerChoice)``. ``answers`` maps what identifies a
question (its id, one of its message ids such as ``msg.uuid.altered``, or a regular expression
searched in its text) to a choice (its label, case-insensitive, or its key).

wait_task() waits for a task as _tasks.Waiter.task does, watching the VM's question in the same
filter: a question the answers cover is answered on the spot, any other fails at once, naming
the question and its choices, instead of waiting for the timeout.
"""

from __future__ import annotations

import re
import time

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import TASK_PATHS, task_outcome

QUESTION_PATH = "runtime.question"


def question_facts(info):
    """The plain view of a VirtualMachineQuestionInfo (None when no question is pending)."""
    if info is None:
        return None
    choice = getattr(info, "choice", None)
    options = list(getattr(choice, "choiceInfo", None) or [])
    default = getattr(choice, "defaultIndex", None)
    return {
        "id": info.id,
        "text": info.text,
        "message_ids": [m.id for m in getattr(info, "message", None) or [] if getattr(m, "id", None)],
        "choices": [{"key": c.key, "label": c.label} for c in options],
        "default": options[default].label if default is not None and 0 <= default < len(options) else None,
    }


def check_answers(answers):
    """Refuse, before any call, answers whose question pattern is not a regular expression or whose choice is empty."""
    for key, choice in (answers or {}).items():
        if not str(key).strip():
            raise InvalidInput("answers: a question must be named by its id, a message id or a pattern, not ''")
        try:
            re.compile(key)
        except re.error as exc:
            raise InvalidInput("answers: '%s' is neither a question id nor a valid pattern (%s)" % (key, exc))
        if choice is None or not str(choice).strip():
            raise InvalidInput("answers: the choice for '%s' is empty; give a choice label or key" % key)


def choices_text(question):
    out = []
    for c in question["choices"]:
        default = ", default" if c["label"] == question["default"] else ""
        out.append("'%s' (key %s%s)" % (c["label"], c["key"], default))
    return ", ".join(out)


def question_text(question):
    ids = " (%s)" % ", ".join(question["message_ids"]) if question["message_ids"] else ""
    return "question %s%s: '%s'; choices: %s" % (question["id"], ids, question["text"], choices_text(question))


def _covers(key, question):
    if key == question["id"] or key in question["message_ids"]:
        return True
    return re.search(key, question["text"] or "") is not None


def match(question, answers):
    """``(key, label)`` of the choice ``answers`` give for ``question``, or None when they do not cover it.

    Raises InvalidInput when they cover it with a choice it does not offer (the question stays unanswered).
    """
    for key, wanted in (answers or {}).items():
        if not _covers(key, question):
            continue
        wanted = str(wanted)
        for c in question["choices"]:
            if c["key"] == wanted or (c["label"] or "").lower() == wanted.lower():
                return c["key"], c["label"]
        raise InvalidInput("answers['%s'] covers %s, but '%s' is not one of its choices" % (key, question_text(question), wanted),
                           fault_type="QuestionUnanswerable", question=question)
    return None


def pending(name, question, what):
    """The error for a question that blocks ``what`` and that no answer covers."""
    labels = [c["label"] for c in question["choices"]]
    example = question["default"] or (labels[0] if labels else "<choice>")
    return InvalidInput("VM '%s' is waiting for an answer to %s; %s waits behind it: give answers, e.g. "
                        "answers: {'%s': '%s'}" % (name, question_text(question), what,
                                                   (question["message_ids"] or [question["id"]])[0], example),
                        fault_type="QuestionPending", question=question)


def answer(vm_ref, question, key):
    vm_ref.AnswerVM(questionId=question["id"], answerChoice=key)


def wait_task(waiter, task, vm_ref, timeout, what, name, answers, on_answer=None):
    """Wait for a task of ``vm_ref`` as Waiter.task does, answering the VM's questions on the way.

    ``on_answer(question, label)`` hears of each answer given. A question no answer covers
    raises QuestionPending at once (the task keeps waiting on vCenter for an answer).
    """
    deadline = time.monotonic() + timeout
    answered = set()

    def settled(values):
        question = values.get(QUESTION_PATH)
        return values.get("info.state") in ("success", "error") or (question is not None and question.id not in answered)

    while True:
        values = waiter.watch(task, TASK_PATHS, settled, max(1, deadline - time.monotonic()), "completion of %s" % what,
                              also=[(vm_ref, [QUESTION_PATH])])
        if values.get("info.state") in ("success", "error"):
            break
        question = question_facts(values[QUESTION_PATH])
        chosen = match(question, answers)
        if chosen is None:
            raise pending(name, question, what)
        answer(vm_ref, question, chosen[0])
        answered.add(question["id"])
        if on_answer is not None:
            on_answer(question, chosen[1])
    waiter.seen = values
    return task_outcome(values)
