#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vm_power
short_description: Power a vSphere virtual machine on, off, suspend it, or shut down and reboot its guest
version_added: 0.1.0
description:
  - Brings a virtual machine to the requested power state and waits until it is there.
  - Power states that already hold are left alone; O(state=restarted) and O(state=reboot-guest) are
    actions and always report a change.
  - Tasks and state changes are awaited with the vSphere PropertyCollector, so the module returns as soon
    as vCenter reports the new state.
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - opensphere.vsphere.vm_identity
  - opensphere.vsphere.attributes
  - opensphere.vsphere.attributes.ACTIONGROUP_VMWARE
attributes:
  check_mode:
    support: full
    details: Check mode reads the VM and reports the change (or the error) the real run would make, and calls nothing that changes it.
  diff_mode:
    support: full
    details: The diff shows the power state before and after.
  idempotent:
    support: partial
    details: Every O(state) except V(restarted) and V(reboot-guest), which are actions.
options:
  state:
    description:
      - V(powered-on), V(powered-off) and V(suspended) use the hypervisor; V(powered-off) from V(suspended) discards the suspended state.
      - V(restarted) resets a running VM (a hard reset).
      - V(shutdown-guest) asks VMware Tools to shut the guest down and returns once the VM is powered off.
        A VM that is already off reports no change.
      - V(reboot-guest) asks VMware Tools to restart the guest operating system; it returns once the request is accepted.
      - V(standby-guest) asks VMware Tools to put the guest in standby and returns once the VM is suspended.
      - The C(-guest) states need VMware Tools running in a powered-on VM, unless O(fallback_to_power_off) allows a hard power-off.
    type: str
    required: true
    choices: [powered-on, powered-off, suspended, restarted, shutdown-guest, reboot-guest, standby-guest]
  timeout:
    description:
      - Seconds to wait for the VM to reach O(state) (and for its IP address with O(wait_for_ip)).
      - When a guest shutdown does not finish in time, the task fails with the last power state seen,
        or, with O(fallback_to_power_off), powers the VM off.
    type: int
    default: 300
  fallback_to_power_off:
    description:
      - With O(state=shutdown-guest), power the VM off hard when the guest has not shut down within O(timeout),
        or straight away when VMware Tools is not running. The result says so in RV(forced_power_off).
    type: bool
    default: false
  wait_for_ip:
    description:
      - With O(state=powered-on), wait until VMware Tools reports an IP address for the guest (within O(timeout)).
      - Check mode never waits.
    type: bool
    default: false
  answers:
    description:
      - Answers to questions the VM asks (its C(runtime.question), such as "This virtual machine might have been
        moved or copied" on power-on), which otherwise block the power operation.
      - Each key names a question by its id (C(_vmx1)), by one of its message ids (C(msg.uuid.altered)), or by a
        regular expression searched in its text; each value is the choice, by its label (case-insensitive,
        C(I Copied It)) or its key (C(2)).
      - A question pending when the module starts is answered first (a change); one raised by the power operation
        is answered as soon as it shows, and the operation goes on.
      - A question that blocks the operation and that no answer covers fails the task at once, naming the
        question and its choices (the result's RV(vm.question) holds them). An answer naming a choice the
        question does not offer fails too, and leaves the question unanswered.
      - A pending question when no power change is needed is only reported, with a warning.
      - Check mode reports the answer it would give and the power step the current state needs; what an answer
        leads to is only known once it is given, so the real run reads the power state again after answering.
    type: dict
    aliases: [question_answers]
notes:
  - A template cannot be powered on; asking for any state but V(powered-off) or V(shutdown-guest) of a template fails.
seealso:
  - module: opensphere.vsphere.vm_snapshot
"""

EXAMPLES = r"""
# The examples name VMs of a freshly started lab (tests/lab), where they all run.
- name: Power on a VM and wait for its IP address
  opensphere.vsphere.vm_power:
    hostname: "{{ vcenter_hostname }}"
    username: "{{ vcenter_username }}"
    password: "{{ vcenter_password }}"
    ca_path: "{{ vcenter_ca_path }}"
    name: DC0_H0_VM0
    state: powered-on
    wait_for_ip: true
    timeout: 120

- name: Shut the guest down cleanly, powering off hard if it has not stopped after two minutes
  opensphere.vsphere.vm_power:
    name: DC0_H0_VM1
    folder: /DC0/vm
    state: shutdown-guest
    timeout: 120
    fallback_to_power_off: true

- name: Power on a VM that asks whether it was moved or copied, answering "I Copied It"
  opensphere.vsphere.vm_power:
    name: DC0_H0_VM0
    state: powered-on
    answers:
      msg.uuid.altered: I Copied It

- name: Suspend a VM found by its BIOS UUID
  opensphere.vsphere.vm_power:
    uuid: 7dc847e3-ffa0-55fc-9c65-18f9246b4527
    state: suspended
"""

RETURN = r"""
vm:
  description: The virtual machine after the task (in check mode, as it would be).
  returned: always, also on failure once the VM was found
  type: dict
  contains:
    name:
      description: Name of the VM.
      type: str
      sample: DC0_H0_VM0
    moid:
      description: Managed object id.
      type: str
      sample: vm-42
    uuid:
      description: BIOS UUID.
      type: str
    instance_uuid:
      description: vCenter instance UUID.
      type: str
    power_state:
      description: Power state, in the spelling of O(state).
      type: str
      sample: powered-on
    ip_address:
      description: Primary guest IP address reported by VMware Tools, when known.
      type: str
      sample: 192.0.2.10
    tools_running_status:
      description: VMware Tools status (C(guestToolsRunning), C(guestToolsNotRunning), ...).
      type: str
    template:
      description: Whether the VM is a template.
      type: bool
    question:
      description:
        - The question the VM waits on (C(runtime.question)), or null. After the task, null when the module answered it.
        - On a failure because of a question raised during the operation, the top-level RV(question) holds it.
      type: dict
      contains:
        id:
          description: The question's id, for O(answers) and C(AnswerVM).
          type: str
          sample: _vmx1
        text:
          description: The question.
          type: str
        message_ids:
          description: Ids of the messages the question is made of (stable across VMs, for O(answers)).
          type: list
          elements: str
          sample: [msg.uuid.altered]
        choices:
          description: The choices, each with its C(key) and C(label).
          type: list
          elements: dict
        default:
          description: The label of the default choice.
          type: str
answered:
  description: The questions the module answered, each with C(id), C(text) and the C(choice) label given.
  returned: when O(answers) is given
  type: list
  elements: dict
question:
  description: The question raised during the power operation that no answer covered (same keys as RV(vm.question)).
  returned: on failure, when a question blocked the operation
  type: dict
note:
  description:
    - Set when another task (a parallel fork, another client) brought the VM to O(state) first and this
      task's own request failed for that reason; the task then reports no change.
  returned: when another task got there first
  type: str
  sample: "VM 'web1' was already powered-off when our request failed (InvalidPowerState: ...): another task got there first"
forced_power_off:
  description: True when O(fallback_to_power_off) had to power the VM off hard.
  returned: when O(state=shutdown-guest)
  type: bool
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import VM_IDENTITY, timeout
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, TaskFailed, WaitTimeout
from ansible_collections.opensphere.vsphere.plugins.module_utils._finder import open_vm
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Step
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read_one
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import TOOLS_RUNNING, power_state, require_tools, settle_race, wait_power
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vmodl
from ansible_collections.opensphere.vsphere.plugins.module_utils import _questions
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import Waiter

READ_PATHS = ["name", "config.uuid", "config.instanceUuid", "config.template", "runtime.powerState",
              "guest.toolsRunningStatus", "guest.ipAddress", _questions.QUESTION_PATH]

# action -> (verb, the power state it leads to, the VirtualMachine method that starts it)
ACTIONS = {
    "power_on": ("power on", "powered-on", "PowerOnVM_Task"),
    "power_off": ("power off", "powered-off", "PowerOffVM_Task"),
    "suspend": ("suspend", "suspended", "SuspendVM_Task"),
    "reset": ("reset", "powered-on", "ResetVM_Task"),
    "shutdown_guest": ("shut down the guest of", "powered-off", "ShutdownGuest"),
    "reboot_guest": ("reboot the guest of", "powered-on", "RebootGuest"),
    "standby_guest": ("put in standby the guest of", "suspended", "StandbyGuest"),
}
# state asked for -> the action from (powered-on, powered-off, suspended); "!..." is why it is refused
TRANSITIONS = {
    "powered-on": ("", "power_on", "power_on"),
    "powered-off": ("power_off", "", "power_off"),
    "suspended": ("suspend", "!a powered-off VM cannot be suspended; power it on first", ""),
    "restarted": ("reset", "!a powered-off VM cannot be restarted; use state powered-on to start it",
                  "!a suspended VM cannot be restarted; use state powered-on to resume it"),
    "shutdown-guest": ("shutdown_guest", "", "!the guest of a suspended VM cannot shut down; use state powered-off"),
    "reboot-guest": ("reboot_guest", "!the guest of a powered-off VM cannot reboot; use state powered-on",
                     "!the guest of a suspended VM cannot reboot; use state powered-on to resume it"),
    "standby-guest": ("standby_guest", "!the guest of a powered-off VM cannot go to standby", ""),
}
GUEST_ACTIONS = ("shutdown_guest", "reboot_guest", "standby_guest")
STATE_VERBS = {"powered-on": "power on", "powered-off": "power off", "suspended": "suspend", "restarted": "restart",
               "shutdown-guest": "shut down the guest of", "reboot-guest": "reboot the guest of",
               "standby-guest": "put in standby the guest of"}


def vm_facts(moid, values):
    return {
        "name": values.get("name"),
        "moid": moid,
        "uuid": values.get("config.uuid"),
        "instance_uuid": values.get("config.instanceUuid"),
        "power_state": power_state(values.get("runtime.powerState")),
        "ip_address": values.get("guest.ipAddress"),
        "tools_running_status": values.get("guest.toolsRunningStatus"),
        "template": bool(values.get("config.template")),
        "question": _questions.question_facts(values.get(_questions.QUESTION_PATH)),
    }


def _action(vm, state, fallback_to_power_off):
    """``(action or None, forced)``; raises InvalidInput, naming why, for what vSphere would refuse."""
    current = vm["power_state"]
    if vm["template"] and state not in ("powered-off", "shutdown-guest"):
        raise InvalidInput("VM '%s' is a template; a template cannot be powered on" % vm["name"], fault_type="InvalidState")
    action = TRANSITIONS[state][("powered-on", "powered-off", "suspended").index(current)]
    if action.startswith("!"):
        if state == "shutdown-guest" and fallback_to_power_off:
            return "power_off", True
        raise InvalidInput("VM '%s' is %s: %s" % (vm["name"], current, action[1:]), fault_type="InvalidPowerState")
    if action in GUEST_ACTIONS and vm["tools_running_status"] != TOOLS_RUNNING:
        if action == "shutdown_guest" and fallback_to_power_off:
            return "power_off", True
        hint = ", or set fallback_to_power_off" if action == "shutdown_guest" else ""
        require_tools(vm["name"], vm["tools_running_status"],
                      "the guest cannot be asked to act; install or start VMware Tools" + hint)
    return action or None, False


def plan(before, params):
    """The Plan that brings ``before`` (vm_facts) to ``params['state']``: at most one power step,
    after the answer to the VM's pending question when ``answers`` cover it.

    Pure; check mode and the real run both report it, so they cannot disagree. A guest shutdown
    that cannot happen becomes a hard power-off (step arg ``forced``) with fallback_to_power_off.
    A pending question that blocks the power step and that no answer covers raises QuestionPending.
    """
    action, forced = _action(before, params["state"], params["fallback_to_power_off"])
    after = dict(before)
    steps, warnings = [], []
    question = before.get("question")
    if question:
        chosen = _questions.match(question, params.get("answers"))
        if chosen:
            steps.append(Step("answer", "answer question %s of VM '%s' with '%s'" % (question["id"], before["name"], chosen[1]),
                              key=chosen[0], label=chosen[1]))
            after["question"] = None
        elif action:
            raise _questions.pending(before["name"], question, "the %s" % ACTIONS[action][0])
        else:
            warnings.append("VM '%s' is waiting for an answer to %s" % (before["name"], _questions.question_text(question)))
    if action:
        after["power_state"] = ACTIONS[action][1]
        if after["power_state"] != "powered-on":
            after["ip_address"] = None
        steps.append(Step(action, "%s VM '%s'" % (ACTIONS[action][0], before["name"]), forced=forced))
    if forced:
        warnings.append("VM '%s' cannot shut down its guest (%s, VMware Tools: %s); powering it off instead."
                        % (before["name"], before["power_state"], before["tools_running_status"]))
    return Plan(steps, after, warnings)


def handlers(module, session, vm_ref, name):
    """The power step: start it, wait for the task (or for the power state a guest operation leads to).

    Returns True when a guest shutdown timed out and fallback_to_power_off powered the VM off.
    """
    p, waiter = module.params, Waiter(session)
    answered = module.context.setdefault("answered", []) if p["answers"] else []
    reached = {}

    def on_answer(question, label):
        answered.append({"id": question["id"], "text": question["text"], "choice": label})

    def answer(step):
        question = module.context["vm"]["question"]
        _questions.answer(vm_ref, question, step.key)
        on_answer(question, step.label)
        # the operation that raised the question goes on: the power step starts from where it leads
        reached["power_state"] = power_state(read_one(session, vm_ref, ["runtime.powerState"], what="VM")["runtime.powerState"])

    def run(step):
        try:
            return start(step)
        except (TaskFailed, vmodl.MethodFault) as exc:
            if step.action in ("reset", "reboot_guest"):
                raise  # actions, not states: nothing another task could have done for us
            return settle_race(session, waiter, vm_ref, name, ACTIONS[step.action][1], exc, p["timeout"])

    def start(step):
        verb, leads_to, method = ACTIONS[step.action]
        if reached.get("power_state") == leads_to and step.action != "reset":
            return False
        task = getattr(vm_ref, method)()
        if step.action not in GUEST_ACTIONS:
            try:
                _questions.wait_task(waiter, task, vm_ref, p["timeout"], "%s of VM '%s'" % (verb, name), name, p["answers"],
                                     on_answer=on_answer)
            except InvalidInput as exc:
                module.context["question"] = exc.details.get("question")
                raise
        elif step.action != "reboot_guest":
            try:
                wait_power(waiter, vm_ref, leads_to, p["timeout"], name)
            except WaitTimeout:
                if not (step.action == "shutdown_guest" and p["fallback_to_power_off"]):
                    raise
                module.warn("The guest of VM '%s' did not shut down within %s s; powering it off." % (name, p["timeout"]))
                with module.doing("power off VM '%s' after the guest shutdown timed out" % name):
                    waiter.task(vm_ref.PowerOffVM_Task(), p["timeout"], "power off of VM '%s'" % name)
                return True
        return False

    return dict(dict.fromkeys(ACTIONS, run), answer=answer)


def wait_for_ip(module, session, vm_ref, name):
    with module.doing("wait for an IP address of VM '%s'" % name):
        values = Waiter(session).wait_for(vm_ref, "ip_address", module.params["timeout"], "VM '%s'" % name)
    return values["guest.ipAddress"]


def main_flow(module):
    p = module.params
    with module.soap(finds_vm=True) as session:
        vm_ref, values = open_vm(module, session, READ_PATHS)
        before = vm_facts(vm_ref._moId, values)
        module.context["vm"] = before
        with module.doing("%s VM '%s'" % (STATE_VERBS[p["state"]], before["name"])):
            the_plan = plan(before, p)
        forced = any(step.get("forced") for step in the_plan.steps)
        if p["state"] == "shutdown-guest":
            module.context["forced_power_off"] = forced
        fell_back = module.execute(the_plan, handlers(module, session, vm_ref, before["name"]))
        if any(fell_back):
            module.context["forced_power_off"] = True
        after = dict(the_plan.after)
        if p["wait_for_ip"] and after["power_state"] == "powered-on" and not module.check_mode and not after["ip_address"]:
            after["ip_address"] = wait_for_ip(module, session, vm_ref, before["name"])  # the report re-reads
        module.context["vm"] = after
    diff_before, diff_after = {"power_state": before["power_state"]}, {"power_state": after["power_state"]}
    if before["question"]:
        diff_before["question"], diff_after["question"] = before["question"]["id"], (after["question"] or {}).get("id")
    module.exit_plan(the_plan, diff_before, diff_after)


def main():
    module = VSphereModule(
        VM_IDENTITY,
        timeout(300),
        {"argument_spec": {
            "state": {"type": "str", "required": True, "choices": list(TRANSITIONS)},
            "fallback_to_power_off": {"type": "bool", "default": False},
            "wait_for_ip": {"type": "bool", "default": False},
            "answers": {"type": "dict", "aliases": ["question_answers"]},
        }},
    )
    module.run(main_flow, check=lambda p: _questions.check_answers(p["answers"]))


if __name__ == "__main__":
    main()
