# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  name:
    description:
      - Name of the virtual machine.
      - When several VMs share the name, the task fails and lists each one's folder path and moid;
        narrow the search with O(folder) or O(datacenter), or use O(uuid) or O(moid).
      - Exactly one of O(name), O(uuid) and O(moid) is required.
    type: str
  uuid:
    description:
      - BIOS UUID of the virtual machine (C(config.uuid)), or its instance UUID with O(use_instance_uuid=true).
    type: str
  use_instance_uuid:
    description:
      - Treat O(uuid) as the vCenter instance UUID (C(config.instanceUuid)).
    type: bool
    default: false
  moid:
    description:
      - Managed object id of the virtual machine, for example C(vm-42).
    type: str
  folder:
    description:
      - VM folder that holds the VM, to tell apart VMs of the same name.
      - An absolute path starts with the datacenter, C(/DC1/vm/web/prod); a relative one, C(web/prod)
        (or C(vm/web/prod)), is read inside the VM folder of any datacenter, or of O(datacenter) when given.
      - Used with O(name) and O(uuid); ignored with O(moid).
      - With O(name), an absolute folder (or a relative one together with O(datacenter)) makes the lookup a single
        inventory-path query whose cost does not grow with the inventory; without it every VM name (templates
        included) is read in one call, whose answer vCenter has to build for the whole inventory (the module
        parses it lean, keeping only the VMs of that name). On large inventories, give the folder.
    type: str
  datacenter:
    description:
      - Name of the datacenter that holds the VM, to tell apart VMs of the same name or uuid.
    type: str
"""
