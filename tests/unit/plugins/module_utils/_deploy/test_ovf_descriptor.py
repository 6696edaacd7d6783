# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import importlib.util
import os

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import ovf_descriptor as od
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_OVF = os.path.join(HERE, "../../../../integration/targets/setup_ovf/files/make_ovf.py")


def _generator():
    spec = importlib.util.spec_from_file_location("make_ovf", MAKE_OVF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen():
    return _generator()


@pytest.fixture(scope="module")
def appliance(gen):
    return od.parse(gen.descriptor("appliance", "appliance-disk1.vmdk", 1234, 16, gen.APPLIANCE_PROPS))


@pytest.fixture(scope="module")
def vcsa(gen):
    vami = ('<ProductSection ovf:class="vami" ovf:instance="VMware-vCenter-Server-Appliance"><Info>x</Info>'
            + gen._props_xml(gen.VAMI_PROPS) + '</ProductSection>\n')
    return od.parse(gen.descriptor("vcsa", "vcsa-disk1.vmdk", 99, 16, gen.VCSA_PROPS, extra_product=vami))


def test_parse_reads_what_a_deploy_needs(appliance):
    assert appliance["name"] == "appliance"
    assert appliance["files"] == [{"id": "file1", "href": "appliance-disk1.vmdk", "size": 1234}]
    assert appliance["disks"][0]["capacity"] == 16 << 20 and appliance["disks"][0]["file"] == "file1"
    assert [n["name"] for n in appliance["networks"]] == ["frontend", "backend"]
    assert [(o["id"], o["default"]) for o in appliance["deployment_options"]] == [("small", True), ("large", False)]
    props = dict((p["key"], p) for p in appliance["properties"])
    assert props["port"]["type"] == "uint16" and props["port"]["default"] == "8080"
    assert props["build"]["user_configurable"] is False
    assert props["admin_password"]["password"] is True
    assert props["mode"]["qualifiers"] == 'ValueMap{"standalone","cluster"}'
    assert appliance["annotation"] == "Built by make_ovf.py"
    assert od.default_option(appliance) == "small"


def test_vcsa_keys_carry_class_and_instance(vcsa):
    keys = [p["key"] for p in vcsa["properties"]]
    assert "guestinfo.cis.appliance.net.addr.family" in keys
    assert "vami.ip0.VMware-vCenter-Server-Appliance" in keys


@pytest.mark.parametrize("text, message", [
    ("not xml at all", "not XML"),
    ('<?xml version="1.0"?><project/>', "not an OVF envelope"),
    ('<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References/></Envelope>', "no VirtualSystem"),
    ('<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><VirtualSystemCollection/></Envelope>', "VirtualSystemCollection"),
])
def test_parse_refuses_what_is_not_an_ovf(text, message):
    with pytest.raises(InvalidInput, match=message):
        od.parse(text)


@pytest.mark.parametrize("capacity, units, expected", [
    ("16", "byte * 2^20", 16 << 20), ("1", "byte * 2^30", 1 << 30), ("512", None, 512), ("3", "byte", 3),
])
def test_capacity_bytes(capacity, units, expected):
    assert od.capacity_bytes(capacity, units) == expected


@pytest.mark.parametrize("kind, quals, value, problem", [
    ("uint16", None, "8080", None),
    ("uint16", None, "70000", "out of range"),
    ("uint16", None, "-1", "out of range"),
    ("uint16", None, "80x", "not an integer"),
    ("sint8", None, "-128", None),
    ("boolean", None, "True", None),
    ("boolean", None, "yes", "not a boolean"),
    ("real64", None, "1.5", None),
    ("real64", None, "x", "not a number"),
    ("string", "MinLen(1) MaxLen(3)", "", "shorter than 1"),
    ("string", "MinLen(1) MaxLen(3)", "abcd", "longer than 3"),
    ("string", 'ValueMap{"a", "b"}', "b", None),
    ("string", 'ValueMap{"a", "b"}', "c", "not one of a, b"),
])
def test_value_problem(kind, quals, value, problem):
    found = od.value_problem({"type": kind, "qualifiers": quals}, value)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("request_, message", [
    ({"networks": {"nosuch": "VM Network"}}, "'nosuch' is not a network of the OVF descriptor .it declares 'frontend', 'backend'"),
    ({"deployment_option": "huge"}, "'huge' is not offered by the OVF descriptor .it offers 'small', 'large'"),
    ({"properties": {"nosuch": 1}}, "'nosuch' is not a property of the OVF descriptor"),
    ({"properties": {"port": 70000}}, "value '70000' for 'port' .type uint16. is out of range"),
    ({"properties": {"debug": "maybe"}}, "is not a boolean"),
    ({"properties": {"build": "2.0"}}, "'build' is not user configurable"),
])
def test_check_request_refuses(appliance, request_, message):
    with pytest.raises(InvalidInput, match=message):
        od.check_request(appliance, **request_)


def test_check_request_hides_a_bad_password_value(gen):
    props = [("pw", "string", "", True, "MinLen(8)", True, "secret")]
    desc = od.parse(gen.descriptor("x", "d.vmdk", 1, 1, props))
    with pytest.raises(InvalidInput) as err:
        od.check_request(desc, properties={"pw": "pw1"})
    assert "pw1" not in err.value.message and "(hidden)" in err.value.message


def test_check_request_returns_ovf_text(appliance):
    values = od.check_request(appliance, networks={"frontend": "VM Network"},
                              properties={"port": 9443, "debug": True, "build": "1.0.0"}, deployment_option="large")
    assert values == {"port": "9443", "debug": "true", "build": "1.0.0"}
