# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils import _bulk_read, _vm_inventory as vmi
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._finder import Inventory


def rec(name, moid, **extra):
    out = {"vsphere_name": name, "vsphere_moid": moid, "vsphere_power_state": "powered-on", "vsphere_template": False}
    out.update(("vsphere_" + key, value) for key, value in extra.items())
    return out


@pytest.mark.parametrize("properties, hostnames, names, raw, paths", [
    (["name"], ["name"], ["name", "moid", "power_state", "template"], [], ["name", "runtime.powerState", "config.template"]),
    # hostnames sources are read and set even when not asked as properties
    (["name"], ["ip", "name"], ["name", "moid", "power_state", "template", "guest_ip"], [],
     ["name", "runtime.powerState", "config.template", "guest.ipAddress"]),
    # folder and datacenter share their paths; cluster and host too
    (["folder", "datacenter", "cluster", "host"], ["name"],
     ["name", "moid", "power_state", "template", "folder", "datacenter", "cluster", "host"], [],
     ["name", "runtime.powerState", "config.template", "parent", "parentVApp", "runtime.host"]),
    # raw vSphere paths are read as given, once
    (["name", "config.hardware.numCPU", "config.hardware.numCPU"], ["uuid"],
     ["name", "moid", "power_state", "template", "uuid"], ["config.hardware.numCPU"],
     ["name", "runtime.powerState", "config.template", "config.uuid", "config.hardware.numCPU"]),
    # tags come from the REST side: no property path
    (["tags"], ["moid"], ["name", "moid", "power_state", "template", "tags"], [], ["name", "runtime.powerState", "config.template"]),
])
def test_plan_properties(properties, hostnames, names, raw, paths):
    assert vmi.plan_properties(properties, hostnames) == (names, raw, paths)


@pytest.mark.parametrize("properties, hostnames, message", [
    (["name"], ["name", "hostname"], "hostnames entry 'hostname' is not one of"),
    (["config.noSuchThing"], ["name"], "VirtualMachine.config has no 'noSuchThing'"),
    (["bogus"], ["name"], "VirtualMachine has no 'bogus'"),
    (["config.hardware.device.key"], ["name"], "goes through the array config.hardware.device"),
])
def test_plan_properties_refuses(properties, hostnames, message):
    with pytest.raises(InvalidInput) as err:
        vmi.plan_properties(properties, hostnames)
    assert message in err.value.message


@pytest.mark.parametrize("record, templates, powered_off, kept", [
    (rec("a", "vm-1"), False, True, True),
    (rec("a", "vm-1", template=True, power_state="powered-off"), False, True, False),
    (rec("a", "vm-1", template=True, power_state="powered-off"), True, True, True),
    (rec("a", "vm-1", power_state="powered-off"), False, False, False),
    (rec("a", "vm-1", power_state="suspended"), False, False, False),
    (rec("a", "vm-1", power_state="suspended"), False, True, True),
])
def test_included(record, templates, powered_off, kept):
    assert vmi.included(record, templates, powered_off) is kept


@pytest.mark.parametrize("record, preferences, name", [
    (rec("web", "vm-1", guest_ip="10.0.0.5"), ["ip", "name"], "10.0.0.5"),
    (rec("web", "vm-1", guest_ip=None), ["ip", "name"], "web"),
    (rec("web", "vm-1", guest_ip="", guest_hostname="web.example.com"), ["ip", "dns", "name"], "web.example.com"),
    (rec("web", "vm-1", uuid="4201-..."), ["uuid"], "4201-..."),
    (rec("web", "vm-1", guest_ip=None), ["ip"], "vm-1"),  # nothing set: the moid, never empty
    (rec("web", "vm-1"), ["moid", "name"], "vm-1"),
])
def test_hostname_preferences(record, preferences, name):
    assert vmi.hostname(record, preferences) == name


def test_shared_names_get_the_moid_whatever_the_order():
    records = [rec("web", "vm-1"), rec("db", "vm-2"), rec("web", "vm-3")]
    named, duplicates = vmi.assign_hostnames(records, ["name"])
    assert [host for host, _rec in named] == ["web_vm-1", "db", "web_vm-3"]
    assert duplicates == ["web"]
    named, _dups = vmi.assign_hostnames(list(reversed(records)), ["name"])
    assert sorted(host for host, _rec in named) == ["db", "web_vm-1", "web_vm-3"]


def placement():
    inventory = Inventory("group-d1")
    for moid, name, parent, kind in [
        ("datacenter-2", "DC0", "group-d1", "Datacenter"), ("group-v3", "vm", "datacenter-2", "Folder"),
        ("group-v9", "web", "group-v3", "Folder"), ("group-h4", "host", "datacenter-2", "Folder"),
        ("domain-c7", "C0", "group-h4", "ClusterComputeResource"), ("host-8", "H1", "domain-c7", "HostSystem"),
        ("domain-s5", "H0", "group-h4", "ComputeResource"), ("host-6", "H0", "domain-s5", "HostSystem"),
        ("resgroup-10", "Resources", "domain-c7", "ResourcePool"), ("resgroup-11", "gold", "resgroup-10", "ResourcePool"),
    ]:
        inventory.nodes[moid] = (name, parent, kind)
    return inventory


@pytest.mark.parametrize("values, expected", [
    ({"name": "a", "parent": "group-v9", "runtime.host": "host-8", "resourcePool": "resgroup-11", "runtime.powerState": "poweredOn"},
     {"folder": "/DC0/vm/web", "datacenter": "DC0", "cluster": "C0", "host": "H1", "resource_pool": "gold",
      "power_state": "powered-on"}),
    # a standalone host: no cluster
    ({"name": "b", "parent": "group-v3", "runtime.host": "host-6", "runtime.powerState": "poweredOff"},
     {"folder": "/DC0/vm", "datacenter": "DC0", "cluster": None, "host": "H0", "resource_pool": None,
      "power_state": "powered-off"}),
    # a template has no host; a VM in a vApp has parentVApp instead of parent
    ({"name": "c", "parentVApp": "group-v9", "config.template": True},
     {"folder": "/DC0/vm/web", "datacenter": "DC0", "cluster": None, "host": None, "template": True}),
])
def test_record_resolves_placement_locally(values, expected):
    names = ["name", "moid", "power_state", "template", "folder", "datacenter", "cluster", "host", "resource_pool"]
    out = vmi.record(placement(), "vm-1", values, names, [])
    assert dict((key, out["vsphere_" + key]) for key in expected) == expected
    assert out["vsphere_moid"] == "vm-1" and out["vsphere_name"] == values["name"]


def test_record_sets_only_what_was_asked_plus_raw_paths():
    out = vmi.record(placement(), "vm-1", {"name": "a", "config.hardware.numCPU": 4}, ["name", "moid"], ["config.hardware.numCPU"])
    assert out == {"vsphere_name": "a", "vsphere_moid": "vm-1", "vsphere_config_hardware_numCPU": 4}


def test_tags_from_one_association_read():
    attached = [
        {"tag_id": "t1", "object_ids": [{"type": "VirtualMachine", "id": "vm-1"}, {"type": "HostSystem", "id": "host-8"}]},
        {"tag_id": "t2", "object_ids": [{"type": "VirtualMachine", "id": "vm-1"}, {"type": "VirtualMachine", "id": "vm-2"}]},
        {"tag_id": "gone", "object_ids": [{"type": "VirtualMachine", "id": "vm-2"}]},
    ]
    names = {"t1": ("env", "prod"), "t2": ("team", "web")}
    tags = vmi.vm_tags(attached, names)
    assert tags == {"vm-1": ["env:prod", "team:web"], "vm-2": ["team:web"]}
    records = [rec("a", "vm-1"), rec("b", "vm-2"), rec("c", "vm-3")]
    vmi.set_tags(records, tags)
    assert records[0]["vsphere_tag_categories"] == {"env": ["prod"], "team": ["web"]}
    assert records[2]["vsphere_tags"] == [] and records[2]["vsphere_tag_categories"] == {}


XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"'


@pytest.mark.parametrize("xml, value", [
    ('<val %s xsi:type="xsd:string">DC0_H0_VM0</val>', "DC0_H0_VM0"),
    ('<val %s xsi:type="xsd:string"></val>', ""),
    ('<val %s xsi:type="xsd:boolean">true</val>', True),
    ('<val %s xsi:type="xsd:int">4</val>', 4),
    ('<val %s xsi:type="VirtualMachinePowerState">poweredOn</val>', "poweredOn"),
    ('<val %s xsi:type="ManagedObjectReference" type="Folder">group-v3</val>', "group-v3"),
    ('<val %s xsi:type="ArrayOfString"><string>a</string><string>b</string></val>', ["a", "b"]),
    ('<val %s xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">ds-1'
     '</ManagedObjectReference></val>', ["ds-1"]),
    # a data object: arrays known from pyVmomi's tables even with one element; references as moids
    ('<val %s xsi:type="VirtualMachineRuntimeInfo"><host type="HostSystem">host-8</host><connectionState>connected'
     '</connectionState><powerState>poweredOn</powerState><device><runtimeState xsi:type="VirtualMachineDeviceRuntimeInfo'
     'VirtualEthernetCardRuntimeState"><vmDirectPathGen2Active>false</vmDirectPathGen2Active></runtimeState><key>4000</key>'
     '</device><numMksConnections>0</numMksConnections></val>',
     {"host": "host-8", "connectionState": "connected", "powerState": "poweredOn", "numMksConnections": 0,
      "device": [{"runtimeState": {"vmDirectPathGen2Active": False}, "key": 4000}]}),
])
def test_bulk_reader_converts_values_to_plain_data(xml, value):
    assert _bulk_read.convert(ET.fromstring(xml % XSI)) == value


def test_bulk_reader_streams_rows_and_token_whatever_the_chunking():
    body = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            '%s><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>t-1</token>'
            '<objects><obj type="Folder">group-d1</obj><propSet><name>name</name><val xsi:type="xsd:string">Datacenters</val>'
            '</propSet></objects>%s</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>'
            % (XSI, "".join('<objects><obj type="VirtualMachine">vm-%d</obj><propSet><name>name</name>'
                            '<val xsi:type="xsd:string">web&amp;%d</val></propSet><propSet><name>parent</name>'
                            '<val type="Folder" xsi:type="ManagedObjectReference">group-v3</val></propSet></objects>' % (i, i)
                            for i in range(40)))).encode()
    expected = [("Folder", "group-d1", {"name": "Datacenters"})] + [
        ("VirtualMachine", "vm-%d" % i, {"name": "web&%d" % i, "parent": "group-v3"}) for i in range(40)]
    for size in (7, 100, 1 << 16):
        stream = io.BytesIO(body)
        rows, token = _bulk_read._stream_rows(stream, chunk_size=size)
        assert (rows, token) == (expected, "t-1")
