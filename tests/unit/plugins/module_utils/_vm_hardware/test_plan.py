# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's planner (_vm_hardware.plan.changes): the plan per field and per device as tables."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.cdroms import isos_to_check
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.plan import changes as plan, check_options

VERSIONS = ["vmx-13", "vmx-19", "vmx-21"]


def disk(key, unit, size_mb=10240, label=None, controller=0, kind="scsi"):
    return {"label": label or "Hard disk %d" % (unit + 1), "key": key, "controller_type": kind, "controller": controller,
            "unit_number": unit, "size_mb": size_mb, "datastore": "ds1", "file": "[ds1] vm/d%d.vmdk" % unit,
            "provisioning": "thin", "disk_mode": "persistent", "sharing": "none", "shares": "normal", "iops_limit": -1}


def controller(key, bus, kind="scsi", type_="lsilogic", sharing="none"):
    return {"label": "%s controller %d" % (kind.upper() if kind != "nvme" else "NVMe", bus), "key": key, "kind": kind,
            "type": type_, "bus_number": bus, "sharing": sharing if kind == "scsi" else None}


def nic(key, n, network="VM Network"):
    return {"label": "Network adapter %d" % n, "key": key, "device_type": "vmxnet3", "network": network,
            "connected": True, "start_connected": True, "mac_type": "generated", "mac_address": "00:50:56:00:00:0%d" % n}


def facts(power="powered-off", **over):
    base = {"name": "vm1", "moid": "vm-1", "power_state": power, "tools_running_status": "guestToolsRunning",
            "template": False, "vm_datastore": "ds1", "num_cpus": 2, "cores_per_socket": 1, "memory_mb": 2048,
            "cpu_hot_add": False, "cpu_hot_remove": False, "memory_hot_add": False, "hardware_version": "vmx-13",
            "cpu_shares": "normal", "cpu_reservation_mhz": 0, "cpu_limit_mhz": -1, "memory_shares": "normal",
            "memory_reservation_mb": 0, "memory_limit_mb": -1, "memory_reservation_locked_to_max": False,
            "nested_virt": False, "guest_id": "otherLinux64Guest", "firmware": "bios", "secure_boot": False,
            "upgrade_policy": {"policy": "never", "version": None},
            "controllers": [controller(1000, 0), controller(15000, 0, "sata", "sata")],
            "disks": [disk(2000, 0), disk(2001, 1, 20480)], "nics": [nic(4000, 1), nic(4001, 2)],
            "cdroms": [{"label": "CD/DVD drive 1", "key": 3000, "type": "client", "iso_path": None, "connected": False,
                        "controller_type": "ide", "controller": 0, "unit_number": 0}]}
    base.update(over)
    return base


def params(**over):
    p = {"timeout": 300, "controllers": None, "num_cpus": None, "cores_per_socket": None, "memory_mb": None, "cpu_hot_add": None,
         "cpu_hot_remove": None, "memory_hot_add": None, "hardware_version": None, "upgrade_policy": None,
         "disks": None, "nics": None, "cdrom": None, "cdroms": None, "cpu_shares": None, "cpu_reservation_mhz": None, "cpu_limit_mhz": None,
         "memory_shares": None, "memory_reservation_mb": None, "memory_limit_mb": None, "memory_reservation_locked_to_max": None,
         "nested_virt": None, "guest_id": None, "firmware": None, "secure_boot": None}
    for key in ("disks", "nics"):
        if over.get(key):
            defaults = {"state": "present", "controller_type": "scsi", "controller": 0, "delete_file": False} \
                if key == "disks" else {"state": "present"}
            over[key] = [dict(defaults, **entry) for entry in over[key]]
    p.update(over)
    return p


def make(before, **over):
    p = params(**over)
    if p.get("controllers"):
        p["controllers"] = [dict({"state": "present", "sharing": None}, **c) for c in p["controllers"]]
    check_options(p)
    return plan(before, p, used_units={("scsi", 0): {0, 1}, ("sata", 0): {0}}, networks={"VM Network", "DVPG0"},
                datastores={"ds1", "ds2"}, versions=VERSIONS)


# ---- fields: (power, before overrides, request) -> expected config, needs power off -------
FIELDS = [
    ("powered-off", {}, {"num_cpus": 4}, {"numCPUs": 4}, False),
    ("powered-off", {}, {"num_cpus": 2}, {}, False),
    ("powered-off", {}, {"memory_mb": 4096, "num_cpus": 4, "cores_per_socket": 2},
     {"memoryMB": 4096, "numCPUs": 4, "numCoresPerSocket": 2}, False),
    ("powered-on", {}, {"num_cpus": 4}, {"numCPUs": 4}, True),
    ("powered-on", {"cpu_hot_add": True}, {"num_cpus": 4}, {"numCPUs": 4}, False),
    ("powered-on", {"cpu_hot_add": True}, {"num_cpus": 1}, {"numCPUs": 1}, True),
    ("powered-on", {"cpu_hot_remove": True}, {"num_cpus": 1}, {"numCPUs": 1}, False),
    ("powered-on", {"memory_hot_add": True}, {"memory_mb": 4096}, {"memoryMB": 4096}, False),
    ("powered-on", {"memory_hot_add": True}, {"memory_mb": 1024}, {"memoryMB": 1024}, True),
    ("powered-on", {}, {"memory_mb": 2048}, {}, False),
    ("powered-on", {}, {"cpu_hot_add": True}, {"cpuHotAddEnabled": True}, True),
    ("powered-on", {}, {"cores_per_socket": 2}, {"numCoresPerSocket": 2}, True),
    ("suspended", {"memory_hot_add": True}, {"memory_mb": 4096}, {"memoryMB": 4096}, True),
]


@pytest.mark.parametrize("power, over, request_, config, needs_off", FIELDS)
def test_fields(power, over, request_, config, needs_off):
    result = make(facts(power, **over), **request_)
    assert result.config == config
    assert bool(result.needs_off) == needs_off
    assert result.reconfigure == bool(config)


VERSION_CASES = [
    ({"hardware_version": "latest"}, "vmx-21", None),
    ({"hardware_version": "19"}, "vmx-19", None),
    ({"hardware_version": "vmx-13"}, None, None),
    ({"upgrade_policy": {"policy": "always", "version": None}}, None, {"policy": "always", "version": "vmx-21"}),
    ({"upgrade_policy": {"policy": "after-clean-guest-shutdown", "version": "vmx-19"}}, None,
     {"policy": "after-clean-guest-shutdown", "version": "vmx-19"}),
    ({"upgrade_policy": {"policy": "never", "version": None}}, None, None),
]


@pytest.mark.parametrize("request_, upgrade, policy", VERSION_CASES)
def test_versions(request_, upgrade, policy):
    result = make(facts(), **copy.deepcopy(request_))
    assert result.upgrade == upgrade
    assert result.policy == policy


def test_no_downgrade_and_upgrade_needs_power_off():
    assert make(facts(hardware_version="vmx-19"), hardware_version="vmx-13").upgrade is None
    assert make(facts("powered-on"), hardware_version="latest").needs_off


# ---- devices: request -> [(op, kind, key, size/network)] -----------------------------------
def ops(result):
    return [(op, kind, want["key"], want.get("size_mb", want.get("network", want.get("type"))))
            for op, kind, want, _extra in result.devices]


DEVICES = [
    ({"disks": [{"size_gb": 10}]}, []),
    ({"disks": [{"size_gb": 15}]}, [("edit", "disk", 2000, 15360)]),
    ({"disks": [{"size_gb": 10}, {"size_gb": 20}, {"size_gb": 5}]}, [("add", "disk", None, 5120)]),
    ({"disks": [{"unit_number": 3, "size_mb": 512}]}, [("add", "disk", None, 512)]),
    ({"disks": [{"label": "Hard disk 2", "size_gb": 30}]}, [("edit", "disk", 2001, 30720)]),
    ({"disks": [{"unit_number": 1, "state": "absent"}]}, [("remove", "disk", 2001, 20480)]),
    ({"disks": [{"unit_number": 5, "state": "absent"}]}, []),
    ({"nics": [{"network": "VM Network"}]}, []),
    ({"nics": [{"network": "DVPG0"}]}, [("add", "nic", None, "DVPG0")]),
    ({"nics": [{"position": 1, "network": "DVPG0"}]}, [("edit", "nic", 4000, "DVPG0")]),
    ({"nics": [{"network": "VM Network"}, {"network": "VM Network"}, {"network": "DVPG0"}]}, [("add", "nic", None, "DVPG0")]),
    ({"nics": [{"label": "Network adapter 2", "state": "absent"}]}, [("remove", "nic", 4001, "VM Network")]),
    ({"nics": [{"label": "Network adapter 9", "state": "absent"}]}, []),
    ({"cdrom": {"type": "client"}}, []),
    ({"cdrom": {"type": "iso", "iso_path": "[ds2] iso/a.iso"}}, [("edit", "cdrom", 3000, "iso")]),
]


@pytest.mark.parametrize("request_, expected", DEVICES)
def test_devices_only_what_is_named(request_, expected):
    result = make(facts(), **request_)
    assert ops(result) == expected
    untouched = [d["key"] for d in facts()["disks"] + facts()["nics"]]
    kept = [d["key"] for d in result.after["disks"] + result.after["nics"]]
    removed = [want["key"] for op, _kind, want, _extra in result.devices if op == "remove"]
    assert sorted(set(untouched) - set(removed)) == sorted(k for k in kept if k is not None)


def test_new_disk_takes_next_free_unit_and_iso_is_checked():
    result = make(facts(), disks=[{}, {}, {"size_gb": 1}], cdrom={"type": "iso", "iso_path": "[ds1] a.iso"})
    assert result.after["disks"][-1]["unit_number"] == 2
    assert isos_to_check(facts(), params(cdrom={"type": "iso", "iso_path": "[ds1] a.iso"})) == ["[ds1] a.iso"]
    mounted = facts(cdroms=[dict(facts()["cdroms"][0], type="iso", iso_path="[ds1] a.iso")])
    assert isos_to_check(mounted, params(cdrom={"type": "iso", "iso_path": "[ds1] a.iso"})) == []


def test_delete_file_is_passed_only_when_asked():
    result = make(facts(), disks=[{"unit_number": 1, "state": "absent", "delete_file": True}])
    assert result.devices[0][3] == {"delete_file": True}


BAD = [
    ({"memory_mb": 1001}, "multiple of 4 MB"),
    ({"memory_mb": -4}, "positive"),
    ({"num_cpus": 3, "cores_per_socket": 2}, "does not divide"),
    ({"cores_per_socket": 4}, "does not divide"),
    ({"hardware_version": "vmx-banana"}, "hardware_version must be"),
    ({"hardware_version": "vmx-30"}, "not supported by the VM's host"),
    ({"disks": [{"size_gb": 5}]}, "shrinking"),
    ({"disks": [{"size_gb": 0}]}, "size must be positive"),
    ({"disks": [{"state": "absent"}]}, "needs label, filename or unit_number"),
    ({"disks": [{"unit_number": 1, "size_gb": 30}, {"unit_number": 1, "size_gb": 30}]}, "duplicate disk entry"),
    ({"disks": [{"label": "Hard disk 2", "size_gb": 30}, {"unit_number": 1, "size_gb": 30}]}, "same disk"),
    ({"disks": [{"unit_number": 4, "size_gb": 1, "datastore": "nope"}]}, "no datastore named 'nope'"),
    ({"disks": [{"controller": 3, "size_gb": 1}]}, "no SCSI controller 3"),
    ({"disks": [{"label": "Hard disk 1", "datastore": "ds2"}]}, "storage migration"),
    ({"nics": [{"network": "nope"}]}, "no network named 'nope'"),
    ({"nics": [{"state": "absent"}]}, "needs label"),
    ({"nics": [{"position": 1, "device_type": "e1000"}]}, "adapter type"),
    ({"nics": [{"device_type": "e1000"}]}, "name the adapter by label, mac_address or position, or give network"),
    ({"nics": [{"position": 2, "state": "absent"}]}, "state absent needs label or mac_address"),
    ({"nics": [{"position": 0, "network": "DVPG0"}]}, "position counts from 1"),
    ({"nics": [{"position": 3, "network": "DVPG0"}]}, "no network adapter has this position"),
    ({"nics": [{"position": 1, "label": "Network adapter 2"}]}, "label Network adapter 2 and position 1 name different adapters"),
    ({"nics": [{"position": 2}, {"label": "Network adapter 2"}]}, "entries 0 and 1 both name Network adapter 2"),
    ({"nics": [{"position": 2}, {"position": 2}]}, "both name the adapter with position 2"),
    ({"nics": [{"mac_address": "00:50:56:00:00:09", "mac_type": "generated"}]}, "cannot go with mac_type generated"),
    ({"nics": [{"mac_address": "00:50:56:00:00:09"}]}, "a new network adapter needs network"),
    ({"nics": [{"mac_address": "00:50:56:80:00:09", "network": "DVPG0"}]}, "outside the range vCenter accepts"),
    ({"nics": [{"mac_type": "manual"}]}, "needs mac_address"),
    ({"cdrom": {"type": "iso", "iso_path": "a.iso"}}, "must look like"),
    # vSphere's maxima and formats (limits.py), before any call
    ({"num_cpus": 769}, "num_cpus 769 is above vSphere's maximum of 768"),
    ({"cores_per_socket": 1024}, "cores_per_socket 1024 is above"),
    ({"memory_mb": 24 * 1024 * 1024 + 4}, "memory_mb 25165828 is above vSphere's maximum of 25165824 MB"),
    ({"disks": [{"size_gb": 62 * 1024 + 1}]}, "above vSphere's maximum disk size"),
    ({"disks": [{"unit_number": 4, "size_mb": 62 * 1024 * 1024 + 1}]}, "above vSphere's maximum disk size"),
    ({"nics": [{"network": "VM Network"}] * 11}, "at most 10 network adapters; this request would leave it 11"),
    ({"nics": [{"network": "VM Network"}] * 2 + [{"network": "DVPG0"}] * 9}, "at most 10 network adapters; this request would leave it 11"),
    ({"nics": [{"mac_type": "manual", "mac_address": "abcdef"}]}, "'abcdef' is not a MAC address"),
    ({"nics": [{"mac_type": "manual", "mac_address": "00:50:56:00:00"}]}, "is not a MAC address"),
    ({"nics": [{"mac_type": "manual", "mac_address": "00:50:56:00-00:01"}]}, "is not a MAC address"),
    ({"nics": [{"mac_type": "manual", "mac_address": "00:50:56:40:00:00"}]}, "outside the range vCenter accepts"),
    ({"nics": [{"mac_type": "manual", "mac_address": "02:00:00:00:00:01"}]}, "outside the range"),
    ({"cdrom": {"type": "iso", "iso_path": "[nope] a.iso"}}, "no datastore named 'nope'"),
]


@pytest.mark.parametrize("request_, message", BAD)
def test_bad_input_is_refused_before_any_change(request_, message):
    with pytest.raises(InvalidInput, match=message):
        make(facts(), **request_)


@pytest.mark.parametrize("given, kept", [
    ("00:50:56:3F:FF:FF", "00:50:56:3f:ff:ff"), ("00-50-56-00-00-00", "00:50:56:00:00:00"), (" 00:50:56:01:02:03", "00:50:56:01:02:03"),
])
def test_a_manual_mac_in_range_is_kept_in_vcenters_spelling(given, kept):
    result = make(facts(), nics=[{"label": "Network adapter 1", "mac_type": "manual", "mac_address": given}])
    assert result.after["nics"][0]["mac_address"] == kept and result.after["nics"][0]["mac_type"] == "manual"


def test_the_maxima_themselves_are_accepted():
    result = make(facts(), num_cpus=768, memory_mb=24 * 1024 * 1024, disks=[{"size_gb": 62 * 1024}],
                  nics=[{"network": "VM Network"}] * 2 + [{"network": "DVPG0"}] * 8)
    assert result.config == {"numCPUs": 768, "memoryMB": 24 * 1024 * 1024}
    assert len(result.after["nics"]) == 10


# ---- network adapters by label, MAC or position; a new one found again by network and type ----
def vm_with_added_nic():
    return facts(nics=[nic(4000, 1), nic(4001, 2), dict(nic(4002, 3, network="DVPG0"), mac_address="00:0c:29:aa:bb:cc")])


NIC_ADDRESSING = [
    ({"mac_address": "00:50:56:00:00:02", "start_connected": False}, [("edit", "nic", 4001, "VM Network")]),
    ({"mac_address": "00-50-56-00-00-02", "state": "absent"}, [("remove", "nic", 4001, "VM Network")]),
    ({"mac_address": "00:50:56:00:00:09", "state": "absent"}, []),
    ({"mac_address": "00:0C:29:AA:BB:CC", "start_connected": True}, []),   # outside the manual range: a name only
    ({"position": 3, "start_connected": False}, [("edit", "nic", 4002, "DVPG0")]),
    ({"network": "DVPG0"}, []),                                          # the adapter the first run added
    ({"network": "DVPG0", "device_type": "vmxnet3"}, []),
    ({"network": "DVPG0", "device_type": "e1000"}, [("add", "nic", None, "DVPG0")]),
    ({"network": "VM Network", "start_connected": False}, [("edit", "nic", 4000, "VM Network")]),
    ({"mac_address": "00:50:56:00:00:09", "network": "DVPG0"}, [("add", "nic", None, "DVPG0")]),
    ({"label": "Network adapter 1", "mac_type": "manual", "mac_address": "00:50:56:00:00:09"},
     [("edit", "nic", 4000, "VM Network")]),
]


@pytest.mark.parametrize("entry, expected", NIC_ADDRESSING)
def test_nics_by_label_mac_or_position_and_new_ones_by_network(entry, expected):
    result = make(vm_with_added_nic(), nics=[entry])
    assert ops(result) == expected


def test_two_entries_on_one_network_claim_two_adapters():
    result = make(vm_with_added_nic(), nics=[{"network": "DVPG0"}, {"network": "DVPG0"}])
    assert ops(result) == [("add", "nic", None, "DVPG0")]
    again = make(dict(vm_with_added_nic(), nics=vm_with_added_nic()["nics"] + [dict(nic(4003, 4, "DVPG0"))]),
                 nics=[{"network": "DVPG0"}, {"network": "DVPG0"}])
    assert ops(again) == []


def test_a_new_adapter_with_a_mac_is_manual_and_found_by_it_next_time():
    result = make(facts(), nics=[{"mac_address": "00:50:56:00:00:09", "network": "DVPG0"}])
    added = result.after["nics"][-1]
    assert (added["mac_type"], added["mac_address"], added["device_type"]) == ("manual", "00:50:56:00:00:09", "vmxnet3")
    second = facts(nics=facts()["nics"] + [dict(added, key=4009, label="Network adapter 3")])
    assert ops(make(second, nics=[{"mac_address": "00:50:56:00:00:09", "network": "DVPG0"}])) == []


def test_a_template_is_refused():
    with pytest.raises(InvalidInput, match="template"):
        make(facts(template=True), num_cpus=4)
