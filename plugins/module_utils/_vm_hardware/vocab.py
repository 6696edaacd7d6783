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
# The unit numbers a device can take on a controller, from vSphere's configuration maxima (SCSI unit 7
# is the controller's own): LSI Logic, LSI Logic SAS and BusLogic 0-15; VMware Paravirtual 64 targets,
# 0-63, from hardware version 14 (ESXi 6.7), 0-15 below; SATA (AHCI) 30 devices, 0-29; IDE 0-1;
# NVMe 15 namespaces, 0-14, and 64 (0-63) from hardware version 21 (ESXi 8.0 U2).
# kind -> (highest unit, {controller type or None: (hardware version from which, highest unit then)})
UNIT_RANGES = {"scsi": (15, {"paravirtual": (14, 63)}), "sata": (29, {}), "nvme": (14, {None: (21, 63)}), "ide": (1, {})}
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


def unit_limit(kind, ctype, version):
    """``(highest unit, None)`` on a ``ctype`` controller of a ``version`` VM, or, when a newer hardware
    version takes more, ``(highest unit, (that version, its highest unit))``."""
    top, raised = UNIT_RANGES[kind]
    more = raised.get(ctype) or raised.get(None)
    if more is None:
        return top, None
    if version_number(version) >= more[0]:
        return more[1], None
    return top, more


def units(kind, ctype, version):
    """The unit numbers a device can take on a ``ctype`` controller of kind ``kind`` of a ``version`` VM."""
    return [unit for unit in range(unit_limit(kind, ctype, version)[0] + 1) if not (kind == "scsi" and unit == 7)]


def range_words(kind, top):
    return "0-%d%s" % (top, " except 7" if kind == "scsi" else "")


def kind_units_words(kind):
    """Every unit a controller of the kind can have, in words (checked before any session)."""
    top, raised = UNIT_RANGES[kind]
    text = range_words(kind, top)
    for ctype, (version, most) in raised.items():
        text += " (%s%s, hardware version %d or later)" % (
            range_words(kind, most), " on VMware Paravirtual" if ctype == "paravirtual" else "", version)
    return text


def most_unit(kind):
    top, raised = UNIT_RANGES[kind]
    return max([top] + [most for _version, most in raised.values()])


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
