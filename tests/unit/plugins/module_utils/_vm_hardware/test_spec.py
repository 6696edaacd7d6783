# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's spec builder (_vm_hardware.spec.config_spec) on real pyVmomi objects."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.plan import changes, check_options
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.read import Context
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.spec import config_spec
from ansible_collections.opensphere.vsphere.tests.unit.plugins.module_utils._vm_hardware.test_plan import facts, nic, params

vim = pytest.importorskip("pyVmomi").vim
Device = vim.vm.device


def dvs_nic(key):
    port = vim.dvs.PortConnection(portgroupKey="dvportgroup-1", switchUuid="uuid-of-dvs0", portKey="7")
    backing = Device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(port=port)
    conn = Device.VirtualDevice.ConnectInfo(connected=True, startConnected=True, allowGuestControl=False)
    return Device.VirtualVmxnet3(key=key, backing=backing, connectable=conn, addressType="generated",
                                 macAddress="00:50:56:00:00:01", unitNumber=7)


def context(devices, networks):
    ctx = Context()
    ctx.devices = {dev.key: dev for dev in devices}
    ctx.networks = networks
    return ctx


def spec_for(before, ctx, **request):
    p = params(**request)
    check_options(p)
    return config_spec(changes(before, p, networks=None if not any(n.get("network") for n in p["nics"] or []) else set(ctx.networks)), ctx)


# the distributed port group's switch uuid is read only when a request names a network: an entry
# changing only connected/start_connected must keep the backing as it is (issue 11: TypeError switchUuid)
@pytest.mark.parametrize("power, request_, connected, start", [
    ("powered-off", {"start_connected": False}, False, False),
    ("powered-on", {"connected": False}, False, True),
    ("powered-on", {"connected": False, "start_connected": False}, False, False),
])
def test_connect_flags_on_a_distributed_port_group_keep_the_backing(power, request_, connected, start):
    dev = dvs_nic(4000)
    before = facts(power, nics=[dict(nic(4000, 1, network="DC0_DVPG0"), connected=power == "powered-on")])
    ctx = context([dev], {"DC0_DVPG0": {"ref": None, "key": "dvportgroup-1", "dvs_uuid": None}})
    spec = spec_for(before, ctx, nics=[dict(request_, label="Network adapter 1")])
    change = spec.deviceChange[0]
    assert change.operation == "edit"
    assert change.device.backing.port.switchUuid == "uuid-of-dvs0" and change.device.backing.port.portKey == "7"
    assert (change.device.connectable.connected, change.device.connectable.startConnected) == (connected, start)
    assert change.device.connectable.allowGuestControl is False


def test_a_new_network_on_a_switch_not_read_is_refused_not_a_type_error():
    dev = Device.VirtualVmxnet3(key=4000, backing=Device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network"),
                                addressType="generated")
    ctx = context([dev], {"DC0_DVPG0": {"ref": None, "key": "dvportgroup-1", "dvs_uuid": None}, "VM Network": {}})
    with pytest.raises(NotFound, match="distributed switch of port group 'DC0_DVPG0' was not read"):
        spec_for(facts(nics=[nic(4000, 1)]), ctx, nics=[{"label": "Network adapter 1", "network": "DC0_DVPG0"}])


def test_a_move_to_a_distributed_port_group_names_its_switch():
    dev = Device.VirtualVmxnet3(key=4000, backing=Device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network"),
                                addressType="generated")
    ctx = context([dev], {"DC0_DVPG0": {"ref": None, "key": "dvportgroup-1", "dvs_uuid": "uuid-of-dvs0"}, "VM Network": {}})
    spec = spec_for(facts(nics=[nic(4000, 1)]), ctx, nics=[{"label": "Network adapter 1", "network": "DC0_DVPG0"}])
    port = spec.deviceChange[0].device.backing.port
    assert (port.portgroupKey, port.switchUuid) == ("dvportgroup-1", "uuid-of-dvs0")
