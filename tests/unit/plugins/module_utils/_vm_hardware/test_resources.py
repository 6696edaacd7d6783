# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's resource allocation, nested virtualization, guest id and firmware (resources.py) as tables."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.plan import changes, check_options
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.read import Context
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.spec import config_spec
from ansible_collections.opensphere.vsphere.tests.unit.plugins.module_utils._vm_hardware.test_plan import facts, make, params

GUESTS = {"otherLinux64Guest", "windows2019srv_64Guest", "ubuntu64Guest"}

# (power, before overrides, request) -> config, allocation, boot, needs the VM off
CASES = [
    ("powered-on", {}, {"cpu_shares": "high", "cpu_reservation_mhz": 1000, "cpu_limit_mhz": 2000}, {},
     {"cpu": {"shares": "high", "reservation": 1000, "limit": 2000}}, {}, False),
    ("powered-on", {}, {"memory_shares": 2000, "memory_reservation_mb": 1024, "memory_limit_mb": 2048}, {},
     {"memory": {"shares": 2000, "reservation": 1024, "limit": 2048}}, {}, False),
    ("powered-on", {}, {"cpu_shares": "normal", "cpu_limit_mhz": -1, "memory_reservation_mb": 0}, {}, {}, {}, False),
    ("powered-on", {"memory_shares": 2000}, {"memory_shares": "2000"}, {}, {}, {}, False),
    ("powered-on", {}, {"memory_reservation_locked_to_max": True}, {"memoryReservationLockedToMax": True}, {}, {}, False),
    ("powered-off", {}, {"nested_virt": True}, {"nestedHVEnabled": True}, {}, {}, False),
    ("powered-on", {}, {"nested_virt": True}, {"nestedHVEnabled": True}, {}, {}, True),
    ("powered-off", {}, {"guest_id": "ubuntu64Guest"}, {"guestId": "ubuntu64Guest"}, {}, {}, False),
    ("powered-on", {}, {"guest_id": "otherLinux64Guest"}, {}, {}, {}, False),
    ("powered-off", {}, {"firmware": "efi", "secure_boot": True}, {"firmware": "efi"}, {}, {"efiSecureBootEnabled": True}, False),
    ("powered-on", {}, {"firmware": "efi"}, {"firmware": "efi"}, {}, {}, True),
    ("powered-off", {"firmware": "efi", "secure_boot": True}, {"secure_boot": False, "firmware": "bios"}, {"firmware": "bios"}, {},
     {"efiSecureBootEnabled": False}, False),
    ("powered-off", {"firmware": "efi"}, {"secure_boot": True}, {}, {}, {"efiSecureBootEnabled": True}, False),
]


def plan_with_guests(before, **request):
    p = params(**request)
    check_options(p)
    return changes(before, p, guest_ids=GUESTS if p.get("guest_id") else None)


@pytest.mark.parametrize("power, over, request_, config, allocation, boot, needs_off", CASES)
def test_resources(power, over, request_, config, allocation, boot, needs_off):
    result = plan_with_guests(facts(power, **over), **request_)
    assert (result.config, result.allocation, result.boot) == (config, allocation, boot)
    assert bool(result.needs_off) == needs_off
    assert result.reconfigure == bool(config or allocation or boot)


BAD = [
    ({"cpu_reservation_mhz": 3000, "cpu_limit_mhz": 2000}, "cpu_reservation_mhz 3000 is above cpu_limit_mhz 2000"),
    ({"memory_limit_mb": 512, "memory_reservation_mb": 1024}, "memory_reservation_mb 1024 is above memory_limit_mb 512"),
    ({"memory_reservation_mb": 4096}, "memory_reservation_mb 4096 is above the VM's memory, 2048 MB"),
    ({"memory_reservation_mb": -1}, "must be 0 or more"),
    ({"cpu_limit_mhz": 0}, "cpu_limit_mhz must be a positive number, or -1 for unlimited"),
    ({"cpu_shares": "plenty"}, "cpu_shares must be low, normal, high or a positive number"),
    ({"memory_reservation_locked_to_max": True, "memory_reservation_mb": 10}, "cannot be set with memory_reservation_locked_to_max"),
    ({"secure_boot": True, "firmware": "bios"}, "secure_boot needs firmware efi, not bios"),
    ({"secure_boot": True}, "secure_boot needs firmware efi; the VM's firmware is bios"),
    ({"guest_id": "beos5Guest"}, "guest_id 'beos5Guest' is not a guest OS the VM's host supports"),
    ({"guest_id": " "}, "guest_id must not be empty"),
]


@pytest.mark.parametrize("request_, message", BAD)
def test_bad_resource_input(request_, message):
    with pytest.raises(InvalidInput, match=message):
        plan_with_guests(facts(), **request_)


def test_bios_with_secure_boot_on_is_refused():
    with pytest.raises(InvalidInput, match="firmware bios cannot go with secure boot, which is on"):
        plan_with_guests(facts(firmware="efi", secure_boot=True), firmware="bios")


def test_the_spec_carries_allocations_and_boot_options():
    pytest.importorskip("pyVmomi")
    result = make(facts(), cpu_shares=1500, cpu_limit_mhz=4000, memory_reservation_mb=512, firmware="efi", secure_boot=True,
                  nested_virt=True)
    spec = config_spec(result, Context())
    assert (spec.cpuAllocation.shares.level, spec.cpuAllocation.shares.shares, spec.cpuAllocation.limit) == ("custom", 1500, 4000)
    assert spec.cpuAllocation.reservation is None
    assert (spec.memoryAllocation.reservation, spec.memoryAllocation.shares) == (512, None)
    assert (spec.firmware, spec.bootOptions.efiSecureBootEnabled, spec.nestedHVEnabled) == ("efi", True, True)
