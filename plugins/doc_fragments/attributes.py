# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    description:
      - When run twice in a row with the same options, the second run reports no change and changes nothing.
"""

    ACTIONGROUP_VMWARE = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/opensphere.vsphere.vmware) in C(module_defaults) to set connection options once for every module of the collection.
    support: full
    membership:
      - opensphere.vsphere.vmware
"""
