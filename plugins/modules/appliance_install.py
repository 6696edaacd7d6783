#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: appliance_install
short_description: Configure a new vCenter Server Appliance (stage 2) and wait until it is done
version_added: 0.1.0
description:
  - Drives stage 2 of a vCenter Server Appliance deployed by stage 1 (its OVA). Runs the appliance's check
    of the install spec, starts the install, answers the questions the appliance raises, and waits until
    the appliance is V(CONFIGURED).
  - Uses the appliance's deployment API (C(com.vmware.vcenter.deployment)) on its management port with the
    appliance's own root account - before stage 2 there is no vCenter and no SSO account to log in with.
    Appliances of vSphere 7.0 and later are reached through C(/api), 6.7 through C(/rest).
  - An appliance already V(CONFIGURED) with the same spec is left alone; one configured with a different
    spec makes the task fail and say so (the module never reconfigures an appliance).
    An install in progress is joined and awaited, not started again.
  - An install that the appliance's services interrupt (closed connections, a restart of the management
    interface, an expired session) is followed through. Refused connections are retried with a back-off
    (0.2 s doubling to 2 s) within O(timeout), and an expired session is logged in again.
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.appliance_connection
  - opensphere.vsphere.attributes
  - opensphere.vsphere.appliance_connection.ACTIONGROUP_APPLIANCE
attributes:
  check_mode:
    support: full
    details:
      - For O(state=installed) and O(state=checked), check mode runs the appliance's check action only
        (it changes nothing on the appliance) and reports whether the real run would install.
      - Check mode answers no question and starts, cancels or rolls back nothing.
  diff_mode:
    support: full
    details: The diff shows the appliance's state and the (secret-free) spec before and after.
  idempotent:
    support: full
    details:
      - A V(CONFIGURED) appliance is no change; an install in progress is joined, not restarted.
options:
  state:
    description:
      - V(installed) checks the spec, starts the install and waits until the appliance is V(CONFIGURED),
        answering questions from O(answers) or by O(auto_answer). An appliance that is C(NOT_INITIALIZED)
        (stage 1 still finishing) is awaited first.
      - V(checked) runs the appliance's check of O(spec) and reports its result; it never starts anything.
        Errors found by the check make the task fail; warnings are reported as warnings.
      - V(cancelled) cancels an install in progress (the appliance then reports C(FAILED)); with
        O(rollback=true) the appliance is then rolled back to C(INITIALIZED). Anything else is no change.
    type: str
    choices: [checked, installed, cancelled]
    default: installed
  spec:
    description:
      - What to install, an embedded vCenter Server (vCenter with its SSO in one appliance). Required for
        O(state=installed) and O(state=checked). Checked before any call to the appliance.
      - Give exactly one of O(spec.standalone) and O(spec.replicated).
    type: dict
    suboptions:
      ceip_enabled:
        description: Join the VMware Customer Experience Improvement Program.
        type: bool
        default: false
      standalone:
        description: A new SSO domain.
        type: dict
        suboptions:
          sso_domain_name:
            description: The SSO domain, a DNS-style name such as V(vsphere.local).
            type: str
            default: vsphere.local
          sso_admin_password:
            description: Password of C(administrator@<sso_domain_name>). Required.
            type: str
      replicated:
        description: Join the SSO domain of an existing vCenter Server (the partner).
        type: dict
        suboptions:
          partner_hostname:
            description: The partner vCenter Server. Required.
            type: str
          https_port:
            description: The partner's HTTPS port.
            type: int
            default: 443
          sso_admin_password:
            description: Password of the partner's SSO administrator. Required.
            type: str
          ssl_thumbprint:
            description: SHA-1 or SHA-256 fingerprint (colon hex) of the partner's certificate.
            type: str
          ssl_verify:
            description: Whether the appliance verifies the partner's certificate.
            type: bool
  answers:
    description:
      - Answers to the questions the appliance may raise during the install. A rule with O(answers[].id)
        matches a question by its id; one with O(answers[].pattern) by a regular expression searched in the
        question's text (case-insensitive). Id rules are tried before pattern rules; the first match wins.
      - The answer must be one of the question's possible answers (compared without regard to case).
      - A question no rule matches is answered with its default when O(auto_answer=true); otherwise the task
        fails, naming the question and its possible answers, and leaves the appliance waiting at it - run
        the task again with an answer and it carries on from there.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: The question's id.
        type: str
      pattern:
        description: A regular expression searched in the question's text.
        type: str
      answer:
        description: The answer, for example V(Yes), V(No), V(OK), V(Cancel), V(Retry).
        type: str
        required: true
  auto_answer:
    description: Answer every question that O(answers) does not with the appliance's default answer.
    type: bool
    default: false
  rollback:
    description:
      - With O(state=installed), roll a C(FAILED) appliance back to C(INITIALIZED) and install again. Without
        it, a C(FAILED) appliance makes the task fail with the appliance's errors and the subtask that failed.
      - With O(state=cancelled), roll the appliance back after cancelling (or when it already C(FAILED)).
    type: bool
    default: false
  timeout:
    description:
      - Seconds the whole task may take, the install and any reconnection included. When the time is up the
        task fails with the last state and progress seen; the install goes on on the appliance, and the next
        run joins it.
    type: int
    default: 3600
  poll_interval:
    description:
      - The longest pause, in seconds, between two reads of the install's state. Reads start 0.1 s apart and
        back off to this bound, so the task returns at most this long after the appliance is V(CONFIGURED).
      - Raise it to cut requests on long installs (at 0.5 s, a 30-minute install costs about 3,600 reads).
    type: float
    default: 0.5
notes:
  - The appliance never shows passwords back; the spec it reports (and this module returns) has none.
  - The lab that this collection's tests run against serves the same API; see C(tests/lab/README.md).
seealso:
  - module: opensphere.vsphere.appliance_install_info
"""

EXAMPLES = r"""
- name: Check the install spec without starting anything
  opensphere.vsphere.appliance_install:
    appliance_hostname: "{{ appliance_hostname }}"
    appliance_password: "{{ appliance_root_password }}"
    ssl_thumbprint: "{{ appliance_thumbprint }}"
    state: checked
    spec:
      standalone:
        sso_domain_name: vsphere.local
        sso_admin_password: "{{ sso_admin_password }}"

- name: Configure the appliance as a new SSO domain, answering its questions
  opensphere.vsphere.appliance_install:
    appliance_hostname: "{{ appliance_hostname }}"
    appliance_password: "{{ appliance_root_password }}"
    ssl_thumbprint: "{{ appliance_thumbprint }}"
    spec:
      ceip_enabled: false
      standalone:
        sso_domain_name: vsphere.local
        sso_admin_password: "{{ sso_admin_password }}"
    answers:
      - pattern: certificate
        answer: "Yes"
    auto_answer: true
    timeout: 5400
  register: stage2

- name: Show how long stage 2 took
  ansible.builtin.debug:
    msg: "{{ stage2.appliance.state }} after {{ stage2.appliance.duration }} s"
"""

RETURN = r"""
appliance:
  description: The appliance's deployment state after the task (in check mode, as read before), and what the task did.
  returned: always, also on failure once the appliance answered
  type: dict
  contains:
    state:
      description: C(NOT_INITIALIZED), C(INITIALIZED), C(CONFIG_IN_PROGRESS), C(QUESTION_RAISED), C(CONFIGURED) or C(FAILED).
      type: str
      sample: CONFIGURED
    state_before:
      description: The state the task found.
      type: str
      sample: INITIALIZED
    progress:
      description: C(percent) done and the appliance's C(message).
      type: dict
      sample: {"percent": 100, "message": "Configuration complete"}
    subtasks:
      description: The install's subtasks in the appliance's order, each with C(id), C(description), C(status), C(percent), C(errors).
      type: list
      elements: dict
    failed_subtask:
      description: Id of the subtask that failed, if any.
      type: str
    errors:
      description: The appliance's error messages.
      type: list
      elements: str
    warnings:
      description: The appliance's warnings.
      type: list
      elements: str
    check:
      description: The result of the check action (C(status) SUCCESS, WARNING or ERROR, with C(errors), C(warnings)), when it ran.
      type: dict
    spec:
      description: The spec the appliance uses (secret-free summary), when it says.
      type: dict
      sample: {"mode": "standalone", "sso_domain_name": "vsphere.local", "ceip_enabled": false}
    questions:
      description: Each question answered, with its C(id), C(text), C(answer) and C(answered_by) (V(id), V(pattern) or V(auto_answer)).
      type: list
      elements: dict
    duration:
      description: Seconds the task spent with the appliance.
      type: float
    api_style:
      description: C(api) or C(rest).
      type: str
    requests:
      description: HTTP requests sent to the appliance.
      type: int
    retries:
      description: Requests repeated because the appliance refused the connection or was restarting.
      type: int
    logins:
      description: Sessions created (more than one when a session expired during the install).
      type: int
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance import questions, spec
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.connect import connection
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.info import failure_text
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.install import Deployment
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.options import APPLIANCE_CONNECTION, INSTALL
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.plan import plan
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule


def check(params):
    """Every option problem, before any call to the appliance."""
    found = questions.answer_problems(params["answers"])
    if params["state"] != "cancelled":
        found = spec.problems(params["spec"]) + found
    if params.get("ssl_thumbprint") and not spec.THUMBPRINT.match(params["ssl_thumbprint"]):
        found.append("ssl_thumbprint must be a SHA-1 or SHA-256 fingerprint in colon hex")
    if params["poll_interval"] <= 0:
        found.append("poll_interval must be a positive number of seconds")
    if found:
        raise InvalidInput("; ".join(found))


def summary(facts, spec_in_use):
    return {"state": facts["state"], "spec": spec_in_use}


def run(module):
    p = module.params
    with connection(module) as client:
        deployment = Deployment(client, p, client.deadline)
        module.context["appliance"] = deployment.record
        with module.doing("read the deployment state of the appliance %s" % client.base):
            before = deployment.read(wait_initialized=p["state"] != "cancelled")
        deployment.record["state_before"] = before["state"]
        with module.doing("plan the appliance's install"):
            failed = failure_text(deployment.facts) if before["state"] == "FAILED" else None
            steps = plan(before, p, failure=failed)
        for warning in steps.warnings:
            module.warn(warning)
        module.execute(steps, deployment.handlers())
        after = steps.after
        if steps.changed and not module.check_mode:
            with module.doing("read the deployment state after the install"):
                facts = deployment.read_info()
                after = summary(facts, deployment.spec_in_use())
        module.exit_plan(steps, summary(before, before["spec"]), after, appliance=deployment.result())


def main():
    module = VSphereModule(INSTALL, connection=APPLIANCE_CONNECTION, transport="rest")
    module.run(run, check=check)


if __name__ == "__main__":
    main()
