# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Answering the appliance's questions: from ``answers`` (by question id, else by a text pattern),
else by the question's default when ``auto_answer`` is on, else a clear failure."""

from __future__ import annotations

import re

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput


def answer_problems(answers):
    """Everything wrong with the ``answers`` option, as sentences (checked before any call)."""
    found = []
    for index, rule in enumerate(answers or []):
        if bool(rule.get("id")) == bool(rule.get("pattern")):
            found.append("answers[%d]: give id or pattern (exactly one)" % index)
        elif rule.get("pattern"):
            try:
                re.compile(rule["pattern"])
            except re.error as exc:
                found.append("answers[%d].pattern %r is not a regular expression: %s" % (index, rule["pattern"], exc))
        if not rule.get("answer"):
            found.append("answers[%d]: answer is required" % index)
    return found


def plain(question):
    """A Question from the API as a plain dict: id, text, type, default, possible."""
    text = question.get("question") or {}
    return {"id": question.get("id"), "text": text.get("default_message") or text.get("localized") or "",
            "type": question.get("type"), "default": question.get("default_answer"),
            "possible": list(question.get("possible_answers") or [])}


def _rule_for(question, answers):
    for rule in answers:
        if rule.get("id") and rule["id"] == question["id"]:
            return rule, "id"
    for rule in answers:
        if rule.get("pattern") and re.search(rule["pattern"], question["text"], re.IGNORECASE):
            return rule, "pattern"
    return None, None


def choose(question, answers, auto_answer):
    """The answer to one (plain) question and how it was chosen: a dict for the result.

    An id rule wins over a pattern rule; the answer must be one of the question's possible
    answers (matched without regard to case, sent as the appliance spells it).
    """
    rule, how = _rule_for(question, answers or [])
    if rule is not None:
        wanted = rule["answer"]
        for possible in question["possible"]:
            if possible.lower() == wanted.lower():
                return dict(question, answer=possible, answered_by=how)
        raise InvalidInput("question %s (%s): answer %r is not one of %s" % (
            question["id"], question["text"], wanted, ", ".join(question["possible"]) or "(none offered)"),
            question=question)
    if auto_answer and question["default"]:
        return dict(question, answer=question["default"], answered_by="auto_answer")
    raise InvalidInput("question %s has no answer: %r (possible answers: %s, default %s); add it to answers "
                       "(by id or pattern) or set auto_answer" % (
                           question["id"], question["text"], ", ".join(question["possible"]), question["default"]),
                       fault_type="UnansweredQuestion", question=question)
