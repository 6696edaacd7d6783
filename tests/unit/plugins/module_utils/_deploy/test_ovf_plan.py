# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import ovf_plan
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

WANTED = {"name": "web", "power_state": "powered-on", "properties": {"port": "9443", "x": "0"},
          "networks": ["VM Network"], "annotation": "from the descriptor",
          "asked": {"properties": ["port"], "annotation": False}}
SAME = {"exists": True, "name": "web", "moid": "vm-9", "power_state": "powered-on", "properties": {"port": "9443", "x": "1"},
        "networks": ["VM Network", "DC0_DVPG0"], "annotation": "whatever"}


@pytest.mark.parametrize("params, message", [
    ({"wait_for_ip": True, "power_on": False}, "wait_for_ip needs power_on"),
    ({"properties": {"a": [1]}}, "value of 'a' must be a string"),
    ({"properties": {"a": None}}, "value of 'a' must be a string"),
    ({"networks": {"frontend": ""}}, "'frontend' must map to a port group"),
    ({"library": "lib"}, "library needs library_item"),
    ({"library_item": "item"}, "library_item needs library"),
    ({"library": "lib", "library_item": "item", "disk_provisioning": "flat"}, "a content library deploy takes thin, thick"),
])
def test_check_options_refuses(params, message):
    with pytest.raises(InvalidInput, match=message):
        ovf_plan.check_options(params)


def test_check_options_ignores_deploy_settings_for_absent():
    ovf_plan.check_options({"state": "absent", "wait_for_ip": True})


def test_fresh_deploy_plans_import_and_power_on():
    plan, differing = ovf_plan.plan_present(None, WANTED)
    after = plan.after
    assert plan.actions == ["import", "power_on"] and plan.changed
    assert after["exists"] and after["power_state"] == "powered-on" and differing == {}
    assert "asked" not in after


def test_fresh_deploy_without_power_on():
    plan, _d = ovf_plan.plan_present(None, dict(WANTED, power_state="powered-off"))
    assert plan.actions == ["import"] and plan.after["power_state"] == "powered-off"


def test_existing_vm_is_no_change_even_when_settings_differ():
    deployed = dict(SAME, properties={"port": "8080"}, power_state="powered-off")
    plan, differing = ovf_plan.plan_present(deployed, WANTED, warnings=["w"])
    assert not plan.changed and plan.after == deployed and plan.warnings == ["w"]
    assert differing == {"power_state": {"deployed": "powered-off", "requested": "powered-on"},
                         "properties.port": {"deployed": "8080", "requested": "9443"}}


@pytest.mark.parametrize("change, key", [
    ({"networks": ["DC0_DVPG0"]}, "networks"),
    ({"properties": {}}, "properties.port"),
])
def test_differences(change, key):
    assert list(ovf_plan.differences(dict(SAME, **change), WANTED)) == [key]


def test_annotation_compared_only_when_requested():
    assert ovf_plan.differences(SAME, WANTED) == {}
    assert list(ovf_plan.differences(SAME, dict(WANTED, annotation="new", asked={"annotation": True}))) == ["annotation"]


def test_powered_off_request_does_not_differ_from_a_running_vm():
    assert ovf_plan.differences(SAME, dict(WANTED, power_state="powered-off")) == {}


def test_replace_redeploys_only_when_settings_differ():
    assert not ovf_plan.plan_present(SAME, WANTED, replace=True)[0].changed
    plan, differing = ovf_plan.plan_present(dict(SAME, properties={}), WANTED, replace=True)
    assert plan.actions == ["remove", "import", "power_on"] and list(differing) == ["properties.port"]


@pytest.mark.parametrize("deployed, actions", [
    (None, []),
    (dict(SAME, power_state="powered-on"), ["power_off", "destroy"]),
    (dict(SAME, power_state="suspended"), ["power_off", "destroy"]),
    (dict(SAME, power_state="powered-off"), ["destroy"]),
])
def test_plan_absent(deployed, actions):
    plan = ovf_plan.plan_absent(deployed, "web")
    assert plan.actions == actions and plan.after == {"exists": False, "name": "web"}


def test_masked_hides_passwords():
    desc = {"properties": [{"key": "pw", "password": True}, {"key": "port", "password": False}]}
    assert ovf_plan.masked({"pw": "s3cret", "port": "1"}, desc) == {"pw": ovf_plan.HIDDEN, "port": "1"}


def test_requested_predicts_every_property_and_the_descriptor_annotation():
    desc = {"annotation": "from the descriptor",
            "properties": [{"key": "port", "default": "8080"}, {"key": "mode", "default": "a"}]}
    params = {"name": "web", "power_on": False, "annotation": None, "networks": {"a": "PG", "b": "PG"}}
    wanted = ovf_plan.requested(params, {"port": "9443"}, desc)
    assert wanted == {"name": "web", "power_state": "powered-off", "annotation": "from the descriptor",
                      "properties": {"port": "9443", "mode": "a"}, "networks": ["PG"],
                      "asked": {"properties": ["port"], "annotation": False}}
