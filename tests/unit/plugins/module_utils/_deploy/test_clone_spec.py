# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_deploy.clone_spec: hardware overrides and the CloneSpec / VMTX spec, as tables."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pyVmomi import vim

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import clone_spec as cs

TEMPLATE = {"name": "tmpl", "num_cpus": 1, "cores_per_socket": 1, "memory_mb": 32,
            "disks": [{"label": "Hard disk 1", "key": 204, "size_mb": 1024}],
            "nics": [{"label": "Network adapter 1", "key": 4000, "network": "VM Network"}]}


@pytest.mark.parametrize("p, message", [
    ({"memory_mb": 1001}, "memory_mb must be a multiple of 4 MB; 1001 is not (try 1000)"),
    ({"num_cpus": 0}, "num_cpus must be a positive number, not 0"),
    ({"num_cpus": 3, "cores_per_socket": 2}, "cores_per_socket 2 does not divide num_cpus 3"),
    ({"disks": [{}]}, "disks[0]: give size_gb or size_mb"),
    ({"disks": [{"size_mb": -1}]}, "disks[0]: the size must be positive"),
    ({"nics": [{"label": "x"}]}, "nics[0]: network is required"),
])
def test_check_hardware_refuses(p, message):
    with pytest.raises(InvalidInput) as err:
        cs.check_hardware(p)
    assert message in err.value.message


def test_same_message_as_vm_hardware():
    from ansible_collections.opensphere.vsphere.plugins.module_utils import _deploy
    p = {"memory_mb": 1001}
    with pytest.raises(InvalidInput) as ours:
        cs.check_hardware(p)
    with pytest.raises(InvalidInput) as theirs:
        cs.check_options(dict(p))
    assert ours.value.message == theirs.value.message and _deploy


@pytest.mark.parametrize("p, networks, want", [
    ({}, None, {"config": {}, "disks": [], "nics": []}),
    ({"num_cpus": 1, "memory_mb": 32}, None, {"config": {}, "disks": [], "nics": []}),
    ({"num_cpus": 4, "cores_per_socket": 2, "memory_mb": 64}, None,
     {"config": {"numCPUs": 4, "numCoresPerSocket": 2, "memoryMB": 64}, "disks": [], "nics": []}),
    ({"disks": [{"size_gb": 2}]}, None, {"config": {}, "disks": [(TEMPLATE["disks"][0], 2048)], "nics": []}),
    ({"disks": [{"label": "Hard disk 1", "size_mb": 1024}]}, None, {"config": {}, "disks": [], "nics": []}),
    ({"nics": [{"network": "DC0_DVPG0"}]}, ["VM Network", "DC0_DVPG0"],
     {"config": {}, "disks": [], "nics": [(TEMPLATE["nics"][0], "DC0_DVPG0")]}),
])
def test_overrides(p, networks, want):
    assert cs.overrides(p, TEMPLATE, networks) == want


@pytest.mark.parametrize("p, message", [
    ({"cores_per_socket": 2}, "cores_per_socket 2 does not divide num_cpus 1"),
    ({"disks": [{"size_mb": 512}]}, "'Hard disk 1' of template tmpl has 1024 MB; a deploy can grow it, not shrink it to 512 MB"),
    ({"disks": [{"size_mb": 2048}, {"size_mb": 2048}]}, "disks[1]: the template has only 1 disk(s)"),
    ({"disks": [{"label": "Hard disk 9", "size_mb": 2048}]}, "the template has no disk labelled 'Hard disk 9'"),
    ({"nics": [{"network": "nowhere"}]}, "nics: no network named 'nowhere'"),
    ({"nics": [{"network": "VM Network"}, {"network": "VM Network"}]}, "nics[1]: the template has only 1 network adapter(s)"),
])
def test_overrides_refuse(p, message):
    with pytest.raises(InvalidInput) as err:
        cs.overrides(p, TEMPLATE, ["VM Network"])
    assert message in err.value.message


def test_predicted_hardware():
    p = {"num_cpus": 2, "disks": [{"size_gb": 2}], "nics": [{"network": "DC0_DVPG0"}]}
    hw = cs.predicted(TEMPLATE, cs.overrides(p, TEMPLATE), p)
    assert hw == {"num_cpus": 2, "cores_per_socket": 1, "memory_mb": 32,
                  "disks": [{"label": "Hard disk 1", "size_mb": 2048}],
                  "nics": [{"label": "Network adapter 1", "network": "DC0_DVPG0"}]}


def test_clone_spec_carries_overrides_customization_and_linking():
    placement = SimpleNamespace(resource_pool=vim.ResourcePool("resgroup-1"), host=None, datastore=vim.Datastore("ds-1"))
    disk = vim.vm.device.VirtualDisk(key=204, capacityInKB=1024 * 1024)
    nic = vim.vm.device.VirtualVmxnet3(key=4000)
    p = {"memory_mb": 64, "disks": [{"size_gb": 2}], "nics": [{"network": "DC0_DVPG0"}]}
    networks = {"DC0_DVPG0": {"key": "dvportgroup-1", "dvs_uuid": "u-1", "ref": None}}
    changes = cs.overrides(p, TEMPLATE)
    spec = cs.clone_spec(vim, changes, placement, devices={204: disk, 4000: nic}, networks=networks,
                         customization=vim.vm.customization.Specification(), power_on=True, disk_provisioning="thin", disk_keys=[204])
    assert spec.powerOn and not spec.template and spec.config.memoryMB == 64
    edits = {type(c.device).__name__: c for c in spec.config.deviceChange}
    assert edits["vim.vm.device.VirtualDisk"].device.capacityInKB == 2 * 1024 * 1024
    assert disk.capacityInKB == 1024 * 1024  # the template's device object is not changed
    assert edits["vim.vm.device.VirtualVmxnet3"].device.backing.port.portgroupKey == "dvportgroup-1"
    assert spec.location.transform == "sparse" and spec.location.disk[0].diskBackingInfo.thinProvisioned
    linked = cs.clone_spec(vim, cs.overrides({}, TEMPLATE), placement, snapshot=vim.vm.Snapshot("snapshot-1"))
    assert linked.location.diskMoveType == "createNewChildDiskBacking" and linked.config is None
    assert linked.snapshot._moId == "snapshot-1"


def test_vmtx_spec():
    p = {"num_cpus": 2, "memory_mb": 64, "disks": [{"size_gb": 2}], "nics": [{"network": "DC0_DVPG0"}]}
    spec = cs.vmtx_spec("web", cs.overrides(p, TEMPLATE), {"folder": "group-v3", "resource_pool": "resgroup-1"},
                        {"DC0_DVPG0": "dvportgroup-1"}, True, customization_spec="linux", datastore_id="datastore-1")
    assert spec == {
        "name": "web", "powered_on": True, "placement": {"folder": "group-v3", "resource_pool": "resgroup-1"},
        "disk_storage": {"datastore": "datastore-1"}, "vm_home_storage": {"datastore": "datastore-1"},
        "hardware_customization": {"cpu_update": {"num_cpus": 2}, "memory_update": {"memory": 64},
                                   "nics": {"4000": {"network": "dvportgroup-1"}},
                                   "disks_to_update": {"204": {"capacity": 2 * 1024 ** 3}}},
        "guest_customization": {"name": "linux"}}
