# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import ovf_descriptor, ovf_library
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, NotFound

LIB, ITEM, VMTX = "0b6f7e3a-0000-4000-8000-000000000001", "0b6f7e3a-0000-4000-8000-000000000002", "vmtx-id"
SUMMARY = {
    "name": "appliance", "annotation": "Built", "EULAs": ["Be nice."], "networks": ["frontend", "backend"],
    "additional_params": [
        {"@class": ovf_library.PROPERTY_CLASS, "type": "PropertyParams", "properties": [
            {"id": "port", "type": "uint16", "value": "8080", "label": "port", "category": ""},
            {"id": "admin_password", "type": "password(8..20)", "value": ""},
            {"id": "ip0", "class_id": "vami", "instance_id": "VCSA", "type": "string", "value": ""},
            {"id": "mode", "type": 'string["a", "b"]', "value": "a"}]},
        {"@class": ovf_library.OPTION_CLASS, "type": "DeploymentOptionParams", "selected_key": "small",
         "deployment_options": [{"key": "small", "label": "S"}, {"key": "large", "label": "L"}]},
        {"@class": "com.vmware.vcenter.ovf.size_params", "type": "SizeParams", "approximate_flat_deployment_size": 16}],
}


class FakeRest:
    """Answers finds by (name, type) and records requests; ``style`` as RestSession's."""

    def __init__(self, style="api", libraries=None, items=None, answer=None):
        self.style, self.calls = style, []
        self.libraries, self.items, self.answer = libraries or {}, items or {}, answer

    def request(self, method, api, rest=None, body=None, rest_body=None, params=None, timeout=None, ok_missing=False):
        self.calls.append((method, api if self.style == "api" else rest, body if self.style == "api" or rest_body is None else rest_body, params))
        if api == "/content/library":
            return self.libraries.get(body["name"], [])
        if api == "/content/library/item":
            return self.items.get((body["name"], body["type"]), [])
        return self.answer


def test_describe_shapes_the_summary_like_a_descriptor():
    desc = ovf_library.describe(SUMMARY)
    props = dict((p["key"], p) for p in desc["properties"])
    assert sorted(props) == ["admin_password", "mode", "port", "vami.ip0.VCSA"]
    assert props["port"]["type"] == "uint16" and props["port"]["default"] == "8080"
    assert props["admin_password"]["password"] and props["admin_password"]["qualifiers"] == "MinLen(8) MaxLen(20)"
    assert props["mode"]["qualifiers"] == 'ValueMap{"a", "b"}'
    assert [n["name"] for n in desc["networks"]] == ["frontend", "backend"] and desc["eulas"] == ["Be nice."]
    assert ovf_descriptor.default_option(desc) == "small" and desc["disks"] == [] and desc["sizes"] == {"approximate_flat_deployment_size": 16}


@pytest.mark.parametrize("props, message", [
    ({"port": "eighty"}, "is not an integer"),
    ({"admin_password": "short"}, r"value \(hidden\) .* is shorter than 8"),
    ({"mode": "c"}, "is not one of a, b"),
    ({"build": "1"}, "'build' is not a property"),
])
def test_the_file_checks_apply_to_a_library_item(props, message):
    with pytest.raises(InvalidInput, match=message):
        ovf_descriptor.check_request(ovf_library.describe(SUMMARY), {}, props, None)


@pytest.mark.parametrize("style", ["api", "rest"])
def test_deploy_spec_in_either_style(style):
    class Where:
        class _Ref:
            def __init__(self, moid):
                self._moId = moid
        resource_pool, host, folder, datastore = _Ref("resgroup-1"), None, _Ref("group-v3"), _Ref("datastore-9")

    desc = ovf_library.describe(SUMMARY)
    body = ovf_library.deploy_spec(FakeRest(style), desc, "web", Where, {"port": "9443", "vami.ip0.VCSA": "10.0.0.1"},
                                   {"frontend": "network-7"}, "large", "thick", None)
    spec = body["deployment_spec"]
    assert body["target"] == {"resource_pool_id": "resgroup-1", "folder_id": "group-v3"}
    assert spec["network_mappings"] == ({"frontend": "network-7"} if style == "api" else [{"key": "frontend", "value": "network-7"}])
    props = spec["additional_parameters"][0]["properties"]
    assert props == [{"id": "port", "value": "9443"}, {"class_id": "vami", "id": "ip0", "instance_id": "VCSA", "value": "10.0.0.1"}]
    assert spec["additional_parameters"][1] == {"@class": ovf_library.OPTION_CLASS, "type": "DeploymentOptionParams", "selected_key": "large"}
    assert spec["storage_provisioning"] == "thick" and spec["default_datastore_id"] == "datastore-9" and "annotation" not in spec


def test_find_item_by_names_or_ids():
    rest = FakeRest(libraries={"lib": [LIB]}, items={("app", "ovf"): [ITEM], ("tmpl", "vm-template"): [VMTX]})
    assert ovf_library.find_item(rest, "lib", "app") == ITEM
    assert ovf_library.find_item(rest, LIB, ITEM) == ITEM
    with pytest.raises(NotFound, match="no content library named 'nolib'"):
        ovf_library.find_item(rest, "nolib", "app")
    with pytest.raises(NotFound, match="library 'lib' has no OVF template item named 'nope'"):
        ovf_library.find_item(rest, "lib", "nope")
    with pytest.raises(InvalidInput, match="is a VM template"):
        ovf_library.find_item(rest, "lib", "tmpl")


@pytest.mark.parametrize("style, path, params", [
    ("api", "/vcenter/ovf/library-item/%s" % ITEM, {"action": "deploy"}),
    ("rest", "/com/vmware/vcenter/ovf/library-item/id:%s" % ITEM, {"~action": "deploy"}),
])
def test_deploy_reads_the_result(style, path, params):
    rest = FakeRest(style, answer={"succeeded": True, "resource_id": {"type": "VirtualMachine", "id": "vm-12"},
                                   "error": {"errors": [], "warnings": [{"category": "VALIDATION", "message": {"default_message": "w1"}}]}})
    assert ovf_library.deploy(rest, ITEM, {"b": 1}, 60) == ("vm-12", ["w1"])
    assert rest.calls[-1][1:] == (path, {"b": 1}, params)
    rest.answer = {"succeeded": False, "error": {"errors": [{"category": "VALIDATION", "name": "OvfPropertyValue",
                                                             "message": {"default_message": "Invalid value 'x'"}}]}}
    with pytest.raises(InvalidInput, match="vCenter refused the deploy: Invalid value 'x'") as err:
        ovf_library.deploy(rest, ITEM, {}, 60)
    assert err.value.fault_type == "OvfPropertyValue"


def test_predicted_warnings_name_unmapped_networks():
    desc = ovf_library.describe(SUMMARY)
    assert ovf_library.predicted_warnings(desc, {"frontend": "x"}) == [
        "OVF network 'backend' is not mapped; its adapters are connected to the default network"]


def test_storage_drs_placement_takes_the_best_recommendation_or_refuses():
    from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import storage_pod
    from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim

    low, best = vim.Datastore("datastore-1"), vim.Datastore("datastore-2")

    def rec(rating, ds):
        return vim.cluster.Recommendation(key=str(rating), rating=rating, action=[vim.storageDrs.StoragePlacementAction(destination=ds)])

    class Manager:
        def __init__(self, answer):
            self.answer, self.specs = answer, []

        def RecommendDatastores(self, storageSpec):  # noqa: N802 (the vSphere method's name)
            self.specs.append(storageSpec)
            return vim.storageDrs.StoragePlacementResult(recommendations=self.answer)

    class Session:
        def __init__(self, answer):
            self.content = type("Content", (), {"storageResourceManager": Manager(answer)})()

    pod = vim.StoragePod("group-p1")
    session = Session([rec(1, low), rec(5, best)])
    assert storage_pod.pick_datastore(session, pod, "pod", None, None, "web") is best
    spec = session.content.storageResourceManager.specs[0]
    assert spec.type == "create" and spec.podSelectionSpec.storagePod is pod and spec.configSpec.name == "web"
    with pytest.raises(InvalidInput, match="datastore cluster 'pod' gives no placement recommendation"):
        storage_pod.pick_datastore(Session([]), pod, "pod", None, None, "web")
