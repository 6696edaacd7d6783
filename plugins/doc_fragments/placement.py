# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Where a new VM goes, by names (module_utils/_placement.py resolves them in one read, a VM folder by its path).
    # A module overrides an entry's description where its meaning differs (e.g. whether the
    # datastore is required); the option's type stays the fragment's.
    DOCUMENTATION = r"""
options:
  datacenter:
    description:
      - Datacenter of the placement. Needed only when a name below matches in several datacenters;
        otherwise the datacenter of whatever is named is used (or the only datacenter).
    type: str
  cluster:
    description:
      - Cluster to run the VM in; the VM goes into its root resource pool unless O(resource_pool) is given.
    type: str
  host:
    description:
      - ESXi host to run the VM on (standalone, or a member of O(cluster)); the VM goes into its root resource pool
        unless O(resource_pool) is given.
    type: str
  resource_pool:
    description:
      - Resource pool for the VM, searched within O(host) (or its cluster) when given, else within the datacenter.
    type: str
  datastore:
    description:
      - Datastore for the VM's files and disks.
    type: str
notes:
  - Placement names are resolved in one inventory read whose cost does not grow with the number of VMs; a name that
    matches nothing fails naming what is there, one that matches several fails naming each candidate's path.
"""

    FOLDER = r"""
options:
  folder:
    description:
      - VM folder for the VM, an absolute inventory path (C(/DC0/vm/apps)) or relative to the datacenter's VM folder
        (C(apps)). Default is the datacenter's VM folder.
      - The VM is looked for by name in this folder only (a VM of the same name elsewhere is another VM).
    type: str
"""
