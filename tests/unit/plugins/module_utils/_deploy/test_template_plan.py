# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_deploy.template_plan: option checks and the plan of vm_template_deploy, as tables."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import clone_spec, template_plan as tp
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

TEMPLATE = {"name": "tmpl", "is_template": True, "guest_id": "otherGuest", "num_cpus": 1, "cores_per_socket": 1,
            "memory_mb": 32, "disks": [{"label": "Hard disk 1", "key": 204, "size_mb": 1024}],
            "nics": [{"label": "Network adapter 1", "key": 4000, "network": "VM Network"}]}


def params(**kw):
    p = {"name": "web01", "state": "present", "template": "tmpl", "template_folder": "/DC0/vm", "template_moid": None,
         "library": None, "library_item": None, "linked_clone": False, "snapshot": None, "disk_provisioning": None,
         "customization": None, "customization_spec": None, "power_on": False, "wait_for_customization": False,
         "wait_for_ip": False, "num_cpus": None, "cores_per_socket": None, "memory_mb": None, "disks": [], "nics": [],
         "allow_vm_source": False}
    p.update(kw)
    return p


@pytest.mark.parametrize("kw, message", [
    ({"template": None}, "state present needs a source"),
    ({"template": None, "library": "l", "library_item": "i", "linked_clone": True}, "linked_clone works with a folder template only"),
    ({"snapshot": "base"}, "it needs linked_clone: true"),
    ({"linked_clone": True, "disk_provisioning": "thin"}, "disk_provisioning does not apply"),
    ({"wait_for_customization": True, "power_on": True}, "wait_for_customization needs customization or customization_spec"),
    ({"wait_for_ip": True}, "wait_for_ip needs power_on: true"),
    ({"memory_mb": 1001}, "memory_mb must be a multiple of 4 MB"),
    ({"customization": {"linux": {"hostname": None, "hw_clock_utc": True}}}, "customization.linux needs hostname"),
    ({"template": None, "library": "l", "library_item": "i"},
     "a content library item has no host or resource pool of its own to default to: give cluster, host or resource_pool"),
])
def test_check_refuses(kw, message):
    with pytest.raises(InvalidInput) as err:
        tp.check(params(**kw))
    assert message in err.value.message


@pytest.mark.parametrize("placement", [{"cluster": "C0"}, {"host": "H0"}, {"resource_pool": "web"}])
def test_a_library_item_with_a_placement_passes(placement):
    tp.check(params(template=None, library="l", library_item="i", **placement))


def test_check_passes_absent_without_a_source():
    tp.check(params(state="absent", template=None))


@pytest.mark.parametrize("kw, want", [
    ({}, ["clone"]),
    ({"power_on": True, "wait_for_ip": True}, ["clone", "wait_ip"]),
    ({"power_on": True, "customization": {"type": "linux"}, "wait_for_customization": True}, ["clone", "wait_customization"]),
    ({"template": None, "library": "lib", "library_item": "it"}, ["deploy_vmtx", "mark"]),
    ({"template": None, "library": "lib", "library_item": "it", "power_on": True, "customization": {"type": "linux"},
      "wait_for_customization": True}, ["deploy_vmtx", "mark", "customize", "power_on", "wait_customization"]),
])
def test_new_vm_steps(kw, want):
    p = params(**kw)
    plan = tp.plan(None, p, TEMPLATE, clone_spec.overrides(p, TEMPLATE), None, folder_name="/DC0/vm")
    assert plan.actions == want and plan.changed
    if "deploy_vmtx" in want:
        assert plan.steps[0].power_on is (bool(p["power_on"]) and p["customization"] is None)


def test_new_vm_after_carries_the_overrides():
    p = params(num_cpus=2, memory_mb=64, nics=[{"network": "DC0_DVPG0"}], power_on=True)
    plan = tp.plan(None, p, TEMPLATE, clone_spec.overrides(p, TEMPLATE), {"type": "linux"}, folder_name="/DC0/vm")
    after = plan.after
    assert (after["num_cpus"], after["memory_mb"], after["networks"], after["power_state"]) == (2, 64, ["DC0_DVPG0"], "powered-on")
    assert after["source"] == "template:/DC0/vm/tmpl" and after["customization"] == {"type": "linux"}


def test_a_vm_is_not_a_template_unless_allowed():
    vm = dict(TEMPLATE, is_template=False)
    with pytest.raises(InvalidInput, match="is a virtual machine, not a template"):
        tp.plan(None, params(), vm, clone_spec.overrides({}, vm), None)
    assert tp.plan(None, params(allow_vm_source=True), vm, clone_spec.overrides({}, vm), None).actions == ["clone"]


EXISTING = {"name": "web01", "moid": "vm-9", "folder": "/DC0/vm", "source": "template:/DC0/vm/tmpl", "power_state": "powered-on",
            "num_cpus": 2, "memory_mb": 64, "networks": ["VM Network"], "template": False}


@pytest.mark.parametrize("kw, warned", [
    ({"num_cpus": 2, "memory_mb": 64, "power_on": True}, None),
    ({"memory_mb": 128}, "memory_mb"),
    ({"nics": [{"network": "DC0_DVPG0"}], "num_cpus": 4}, "networks, num_cpus"),
])
def test_existing_vm_is_no_change_and_names_the_differences(kw, warned):
    plan = tp.plan(EXISTING, params(**kw))
    assert not plan.changed
    if warned:
        assert len(plan.warnings) == 1 and ("differ from it: %s" % warned) in plan.warnings[0]
        assert plan.after != EXISTING
    else:
        assert plan.warnings == [] and plan.after == EXISTING


@pytest.mark.parametrize("before, kw, message", [
    (dict(EXISTING, source=None), {}, "was not deployed from template 'tmpl' (its source: unknown)"),
    (dict(EXISTING, source="library:l/i"), {}, "(its source: library:l/i)"),
    (dict(EXISTING, template=True), {}, "is a template, not a deployed VM"),
])
def test_existing_other_vm_is_refused(before, kw, message):
    with pytest.raises(InvalidInput) as err:
        tp.plan(before, params(**kw), folder_name="/DC0/vm")
    assert message in err.value.message and err.value.fault_type == "DuplicateName"


@pytest.mark.parametrize("before, want", [
    (None, []),
    (dict(EXISTING, power_state="powered-off"), ["destroy"]),
    (EXISTING, ["power_off", "destroy"]),
])
def test_absent(before, want):
    plan = tp.plan(before, params(state="absent"))
    assert plan.actions == want and plan.after is None


@pytest.mark.parametrize("kw, mark", [
    ({}, "template:/DC0/vm/tmpl"),
    ({"template_folder": None}, "template:tmpl"),
    ({"template": None, "template_moid": "vm-7"}, "template-moid:vm-7"),
    ({"template": None, "library": "l", "library_item": "i"}, "library:l/i"),
])
def test_source_mark(kw, mark):
    assert tp.source_mark(params(**kw)) == mark
