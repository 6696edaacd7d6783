# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an appliance's deployment state and carrying out an install plan's steps.

The waiting loop is the frame's ``poll``: Deployment.Info is read with a back-off from 0.1 s
doubling to ``poll_interval`` (0.5 s by default), so the module returns at most that long
after the appliance reaches CONFIGURED, at about two requests a second in the steady state.
Questions raised meanwhile are answered inside the loop.
"""

from __future__ import annotations

import time

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance import info as infos
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance import questions, spec
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ApiError, TaskFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import poll


class Deployment:
    """The deployment API of one appliance, through a logged-in ApplianceClient."""

    def __init__(self, client, params, deadline):
        self.client, self.params, self.deadline = client, params, deadline
        self.record = {}  # the result's ``appliance``, kept current (a failure reports it too)
        self.facts = None
        self.check = None
        self.answered = []
        self.started = time.monotonic()

    def remaining(self):
        return max(self.deadline - time.monotonic(), 0.001)

    def read_info(self):
        self.facts = infos.summarize(self.client.call("info"))
        self.record.update(self.facts)
        self.result()
        return self.facts

    def spec_in_use(self):
        """The (secret-free) summary of the spec the appliance uses, or None when it does not say."""
        found = None
        if self.facts["state"] not in ("NOT_INITIALIZED", "INITIALIZED"):
            try:
                found = spec.summary(self.client.call("spec"))
            except ApiError as exc:
                if exc.fault_type not in ("NOT_ALLOWED_IN_CURRENT_STATE", "NOT_FOUND"):
                    raise
        self.record["spec"] = found
        return found

    def pending_questions(self):
        if self.facts["state"] != "QUESTION_RAISED":
            return []
        return [questions.plain(q) for q in (self.client.call("question") or {}).get("questions") or []]

    def read(self, wait_initialized=True):
        """``before`` for the plan: a NOT_INITIALIZED appliance is awaited, an INITIALIZED one checked."""
        facts = self.read_info()
        if facts["state"] == "NOT_INITIALIZED" and wait_initialized:
            facts = self._poll(lambda f: f["state"] != "NOT_INITIALIZED", "the appliance to become INITIALIZED")
        before = {"state": facts["state"], "spec": self.spec_in_use(), "check": None}
        if facts["state"] == "INITIALIZED" and self.params["state"] in ("checked", "installed"):
            before["check"] = self.run_check()
        return before

    def run_check(self):
        self.check = infos.check_summary(self.client.call("check", spec.install_spec(self.params["spec"])))
        self.record["check"] = self.check
        return self.check

    def _poll(self, done, what, on_each=None):
        def fetch():
            facts = self.read_info()
            if on_each:
                on_each(facts)
            return facts

        return poll(fetch, done, self.remaining(), what, max_interval=self.params.get("poll_interval") or 0.5,
                    describe=lambda f: "%s at %s%%" % (f["state"], f["progress"]["percent"]))

    def answer_questions(self, facts):
        """Answer every pending question (from answers, else auto_answer), or raise for one without an answer."""
        if facts["state"] != "QUESTION_RAISED":
            return
        for question in self.pending_questions():
            chosen = questions.choose(question, self.params.get("answers"), self.params.get("auto_answer"))
            self.client.call("answer", {"question_id": chosen["id"], "answer_val": chosen["answer"]})
            self.answered.append(chosen)
            self.record["questions"] = self.answered

    # the plan's step handlers
    def handlers(self):
        return {"rollback": self.rollback, "check": self.check_step, "start": self.start, "cancel": self.cancel,
                "wait": self.wait}

    def rollback(self, step):
        self.client.call("rollback")

    def check_step(self, step):
        check = self.run_check()
        if check["status"] == "ERROR":
            raise TaskFailed("the appliance's check of the spec found errors: %s" % "; ".join(check["errors"]),
                             fault_type="CheckFailed")

    def start(self, step):
        self.client.call("start", spec.install_spec(self.params["spec"]))

    def cancel(self, step):
        self.client.call("cancel")

    def wait(self, step):
        if step.args["until"] == "stopped":
            self._poll(lambda f: f["state"] not in infos.IN_PROGRESS, "the install to stop")
            return
        facts = self._poll(lambda f: f["state"] in infos.FINAL, "the state CONFIGURED", on_each=self.answer_questions)
        if facts["state"] == "FAILED":
            raise TaskFailed(infos.failure_text(facts), fault_type="InstallFailed")

    def result(self):
        """The ``appliance`` return value: the last facts read plus what this run did."""
        self.record.update({
            "check": self.check,
            "questions": self.answered,
            "api_style": self.client.style,
            "duration": round(time.monotonic() - self.started, 3),
            "requests": self.client.requests,
            "retries": self.client.retries,
            "logins": self.client.logins,
        })
        return self.record
