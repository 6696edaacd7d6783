# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vSphere's documented hardware maxima and formats, checked before any call (and so in check mode).

The numbers are vSphere 8's configuration maxima for a VM (hardware version 20/21); an older
host refuses less in its own words, but nothing above these can ever be applied.
"""

from __future__ import annotations

import re

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import bad

MAX_CPUS = 768
MAX_MEMORY_MB = 24 * 1024 * 1024          # 24 TB
MAX_DISK_MB = 62 * 1024 * 1024            # 62 TB per virtual disk
MAX_NICS = 10

MAC = re.compile(r"^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$")
# the range vCenter accepts for a static (manual) MAC address: 00:50:56:00:00:00-00:50:56:3F:FF:FF
MANUAL_MAC_LOW, MANUAL_MAC_HIGH = 0x005056000000, 0x0050563FFFFF


def check_sizes(p):
    """num_cpus, cores_per_socket and memory_mb within vSphere's maxima; raises InvalidInput."""
    for option, most, unit in (("num_cpus", MAX_CPUS, ""), ("cores_per_socket", MAX_CPUS, ""),
                               ("memory_mb", MAX_MEMORY_MB, " MB (24 TB)")):
        if p.get(option) is not None and p[option] > most:
            bad("%s %s is above vSphere's maximum of %s%s" % (option, p[option], most, unit))


def check_disk_size(where, size_mb):
    if size_mb is not None and size_mb > MAX_DISK_MB:
        bad("%s: %s MB is above vSphere's maximum disk size of %s MB (62 TB)" % (where, size_mb, MAX_DISK_MB))


def check_nic_count(count):
    if count > MAX_NICS:
        bad("nics: a VM has at most %s network adapters; this request would leave it %s" % (MAX_NICS, count))


def normalize_mac(where, value):
    """A MAC address in vCenter's spelling (``00:50:56:0a:0b:0c``); refuses anything else."""
    text = str(value).strip().lower()
    if not MAC.match(text):
        bad("%s: mac_address '%s' is not a MAC address (six hex pairs such as 00:50:56:01:02:03)" % (where, value))
    return text.replace("-", ":")


def check_manual_range(where, mac):
    """A MAC address to be set by hand must be in the range vCenter accepts for one."""
    if not MANUAL_MAC_LOW <= int(mac.replace(":", ""), 16) <= MANUAL_MAC_HIGH:
        bad("%s: mac_address %s is outside the range vCenter accepts for a manual address, "
            "00:50:56:00:00:00-00:50:56:3f:ff:ff" % (where, mac))
