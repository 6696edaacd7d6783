# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The words vm_hardware's reader, planner and spec builder share, each in one place.

The module's spelling on the left, vSphere's on the right; the reverse maps are derived.
"""

from __future__ import annotations

import re

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

# upgrade_policy.policy -> ScheduledHardwareUpgradeInfo.upgradePolicy
POLICIES = {"never": "never", "after-clean-guest-shutdown": "onSoftPowerOff", "always": "always"}
POLICY_NAMES = {soap: ours for ours, soap in POLICIES.items()}

# nics[].device_type -> the vim.vm.device class; an SR-IOV adapter can be read, not created here
NIC_TYPES = {"vmxnet3": "VirtualVmxnet3", "e1000e": "VirtualE1000e", "e1000": "VirtualE1000",
             "vmxnet2": "VirtualVmxnet2", "pcnet32": "VirtualPCNet32"}
NIC_NAMES = dict({cls: ours for ours, cls in NIC_TYPES.items()}, VirtualSriovEthernetCard="sriov")

# controllers[].type -> the vim.vm.device class; its kind is what disks[].controller_type names
SCSI_TYPES = {"lsilogic": "VirtualLsiLogicController", "lsilogicsas": "VirtualLsiLogicSASController",
              "paravirtual": "ParaVirtualSCSIController", "buslogic": "VirtualBusLogicController"}
CONTROLLER_TYPES = dict(SCSI_TYPES, sata="VirtualAHCIController", nvme="VirtualNVMEController")
CONTROLLER_NAMES = dict({cls: ours for ours, cls in CONTROLLER_TYPES.items()}, VirtualIDEController="ide",
                        VirtualSATAController="sata")
KIND_OF = dict({name: "scsi" for name in SCSI_TYPES}, sata="sata", nvme="nvme", ide="ide")
KIND_WORDS = {"scsi": "SCSI", "sata": "SATA", "nvme": "NVMe", "ide": "IDE"}
# the unit numbers a device can take on a controller of each kind (SCSI unit 7 is the controller itself)
UNITS = {"scsi": [unit for unit in range(16) if unit != 7], "sata": list(range(30)), "nvme": list(range(15)),
         "ide": [0, 1]}
MAX_BUS = 3                     # four controllers of each kind: buses 0-3
# controllers[].sharing -> VirtualSCSIController.sharedBus
BUS_SHARING = {"none": "noSharing", "virtual": "virtualSharing", "physical": "physicalSharing"}
BUS_SHARING_NAMES = {soap: ours for ours, soap in BUS_SHARING.items()}
# disks[].disk_mode and disks[].sharing -> the backing's diskMode and sharing
DISK_MODES = ("persistent", "independent_persistent", "independent_nonpersistent")
DISK_SHARING = {"none": "sharingNone", "multi-writer": "sharingMultiWriter"}
DISK_SHARING_NAMES = {soap: ours for ours, soap in DISK_SHARING.items()}
SHARES_LEVELS = ("low", "normal", "high")

ISO_PATH = re.compile(r"^\[([^\]]+)\] ?(\S.*)$")


def bad(message, fault_type="InvalidInput"):
    raise InvalidInput(message, fault_type=fault_type)


def disk_size(entry):
    if entry.get("size_gb") is not None:
        return entry["size_gb"] * 1024
    return entry.get("size_mb")


def version_number(key):
    """13 for 'vmx-13'; 0 for anything else (an unknown version sorts first, never above a real one)."""
    if isinstance(key, str) and key.startswith("vmx-") and key[4:].isdigit():
        return int(key[4:])
    return 0


def normalize_version(value, option):
    """'vmx-19' for 'vmx-19' or '19'; 'latest' stays; anything else is refused."""
    if value is None or value == "latest":
        return value
    text = str(value).strip().lower()
    number = text[4:] if text.startswith("vmx-") else text
    if not number.isdigit() or not 3 <= int(number) <= 99:
        bad("%s must be 'latest', 'vmx-<number>' or a number such as 19, not '%s'" % (option, value))
    return "vmx-%02d" % int(number)


def shares_value(option, value):
    """'low'/'normal'/'high' or a custom number (as an int) for a shares option; None stays None."""
    if value is None or value in SHARES_LEVELS:
        return value
    text = str(value).strip()
    if not text.isdigit() or isinstance(value, bool) or int(text) <= 0:
        bad("%s must be low, normal, high or a positive number of shares, not '%s'" % (option, value))
    return int(text)
