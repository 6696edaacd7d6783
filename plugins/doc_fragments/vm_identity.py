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
        inventory-path query.
      - Without it, vCenter itself filters by the name, through the vSphere Automation API's VM list
        (C(GET /api/vcenter/vm?names=), or C(/rest/vcenter/vm) on 6.7), over the same connection and credentials, in
        three short calls whose cost does not grow with the inventory.
      - That list never shows templates, so a name it does not know (a template's, or a VM that does not exist) is
        looked up by reading every VM name in one call, whose answer grows with the inventory (about 230 bytes per VM).
        The same read is the fall-back when the Automation API cannot answer (an ESXi host, a vCenter whose
        C(vapi-endpoint) service is down, a login it refuses) and for names holding C(%), C(/) or C(\), which vCenter
        stores escaped; the module then warns (except for ESXi and escaped names, where the walk is expected).
      - Through the list, a template that shares its name with VMs is not a candidate; give O(folder), O(uuid) or
        O(moid) to address it.
    type: str
  datacenter:
    description:
      - Name of the datacenter that holds the VM, to tell apart VMs of the same name or uuid.
    type: str
"""
