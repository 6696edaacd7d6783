# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_template_deploy's decisions, pure: options refused up front, then ``plan(before, p, ...)``.

``before`` is the view of the VM of that name in the target folder (None when there is none).
A VM that is there is no change, whatever differs: the plan then has no steps and warns which
requested settings differ (no silent redeploy), unless the VM was not deployed from the source
asked for (its ``opensphere.deploy.source`` mark differs), which is refused.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import clone_spec, customization as cz
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.common import removal_steps
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Step

HARDWARE = ("num_cpus", "cores_per_socket", "memory_mb")


def _bad(message, fault_type="InvalidInput"):
    raise InvalidInput(message, fault_type=fault_type)


def check(p):
    """Everything that can be refused without asking vSphere (InvalidInput); normalizes p['customization']."""
    if p["state"] == "absent":
        return
    if not (p.get("template") or p.get("template_moid") or p.get("library")):
        _bad("state present needs a source: template (with template_folder) or template_moid, or library + library_item")
    library = bool(p.get("library"))
    if library and p.get("linked_clone"):
        _bad("linked_clone works with a folder template only (content library items have no snapshots)")
    if p.get("snapshot") and not p.get("linked_clone"):
        _bad("snapshot names the snapshot of a linked clone: it needs linked_clone: true")
    if p.get("linked_clone") and p.get("disk_provisioning") not in (None, "same-as-source"):
        _bad("a linked clone shares the template's disks: disk_provisioning does not apply to it")
    if library and p.get("disk_provisioning") not in (None, "same-as-source"):
        _bad("disk_provisioning applies to folder templates; a library item deploy keeps the item's format")
    if library and not (p.get("cluster") or p.get("host") or p.get("resource_pool")):
        _bad("a content library item has no host or resource pool of its own to default to: "
             "give cluster, host or resource_pool")
    if p.get("wait_for_customization") and not (p.get("customization") or p.get("customization_spec")):
        _bad("wait_for_customization needs customization or customization_spec")
    for option in ("wait_for_customization", "wait_for_ip"):
        if p.get(option) and not p.get("power_on"):
            _bad("%s needs power_on: true (the guest runs only once the VM is on)" % option)
    clone_spec.check_hardware(p)
    p["customization"] = cz.check(p.get("customization"))


def source_mark(p):
    """How the deployed VM remembers what it was deployed from (the request's own words)."""
    if p.get("library"):
        return "library:%s/%s" % (p["library"], p["library_item"])
    if p.get("template_moid"):
        return "template-moid:%s" % p["template_moid"]
    folder = (p.get("template_folder") or "").rstrip("/")
    return "template:%s%s" % (folder + "/" if folder else "", p["template"])


def source_text(p):
    if p.get("library"):
        return "library item '%s' of library '%s'" % (p["library_item"], p["library"])
    return "template '%s'" % (p.get("template") or p.get("template_moid"))


def requested(p):
    """The settings the request names, in the view's shape (for the no-change diff)."""
    out = {key: p[key] for key in HARDWARE if p.get(key) is not None}
    if p.get("power_on"):
        out["power_state"] = "powered-on"
    if p.get("nics"):
        out["networks"] = [nic["network"] for nic in p["nics"]]
    return out


def differences(before, want):
    return sorted(key for key, value in want.items() if before.get(key) != value)


def view(facts, hardware, source):
    """The diff view of a VM: its result facts that a deploy decides, and its hardware."""
    out = {"name": facts["name"], "moid": facts.get("moid"), "folder": facts.get("folder"), "source": source,
           "power_state": facts.get("power_state")}
    out.update(hardware)
    out["networks"] = [nic["network"] for nic in hardware.get("nics", [])]
    return out


def plan(before, p, template=None, changes=None, customization=None, folder_name=None):
    """The steps from ``before`` to what ``p`` asks.

    When no VM exists: ``template`` facts, the overrides ``changes`` and ``customization`` (its summary
    without secrets, or None) were read and checked before."""
    name = p["name"]
    if p["state"] == "absent":
        if before is None:
            return Plan([], None)
        steps = [Step(action, ("power off VM '%s'" if action == "power_off" else "remove VM '%s'") % name)
                 for action in removal_steps(before)]
        return Plan(steps, None)
    mark = source_mark(p)
    if before is not None:
        if before.get("template"):
            _bad("'%s' in folder %s is a template, not a deployed VM; choose another name" % (name, folder_name),
                 fault_type="DuplicateName")
        if before.get("source") != mark:
            _bad("VM '%s' already exists in folder %s and was not deployed from %s (its source: %s); it is not "
                 "redeployed: choose another name, or remove it with state: absent first"
                 % (name, folder_name, source_text(p), before.get("source") or "unknown"), fault_type="DuplicateName")
        differ = differences(before, requested(p))
        warnings = []
        if differ:
            warnings.append("VM '%s' exists (deployed from %s) and is left as it is; these requested settings differ "
                            "from it: %s (change them with vm_hardware / vm_power)" % (name, source_text(p), ", ".join(differ)))
        return Plan([], dict(before, **requested(p)) if differ else before, warnings)

    if not template["is_template"] and not p.get("allow_vm_source"):
        _bad("%s is a virtual machine, not a template; set allow_vm_source: true to clone a VM" % source_text(p),
             fault_type="NotATemplate")
    hw = clone_spec.predicted(template, changes, p)
    after = {"name": name, "moid": None, "folder": folder_name, "source": mark,
             "power_state": "powered-on" if p.get("power_on") else "powered-off"}
    after.update(hw)
    after["networks"] = [nic["network"] for nic in hw["nics"]]
    if customization is not None:
        after["customization"] = customization
    what = "deploy VM '%s' from %s" % (name, source_text(p))
    steps = []
    inline = p.get("customization") is not None
    if p.get("library"):
        steps.append(Step("deploy_vmtx", what, power_on=bool(p.get("power_on")) and not inline))
        steps.append(Step("mark", "record the source of VM '%s'" % name, mark=mark))
        if inline:
            steps.append(Step("customize", "apply the guest customization to VM '%s'" % name))
        if inline and p.get("power_on"):
            steps.append(Step("power_on", "power on VM '%s'" % name))
    else:
        steps.append(Step("clone", what, mark=mark, linked=bool(p.get("linked_clone"))))
    if p.get("wait_for_customization"):
        steps.append(Step("wait_customization", "wait for the guest customization of VM '%s'" % name))
    if p.get("wait_for_ip"):
        steps.append(Step("wait_ip", "wait for an IP address of VM '%s'" % name))
    return Plan(steps, after)
