# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from pyVmomi import vim

from ansible_collections.opensphere.vsphere.plugins.module_utils import _finder


@pytest.mark.parametrize("folder, path, datacenter, matches", [
    ("/DC0/vm", "/DC0/vm", "DC0", True),
    ("/DC0/vm/web", "/DC0/vm/web", "DC0", True),
    ("/DC0/vm/web", "/DC1/vm/web", "DC1", False),
    ("web", "/DC0/vm/web", "DC0", True),
    ("vm/web", "/DC0/vm/web", "DC0", True),
    ("web/", "/DC0/vm/web", "DC0", True),
    ("web", "/DC0/vm/web/prod", "DC0", False),
    ("prod", "/DC0/vm/web/prod", "DC0", False),
    ("web/prod", "/DC0/vm/web/prod", "DC0", True),
    ("/DC0/vm/web/prod/", "/DC0/vm/web/prod", "DC0", True),
])
def test_folder_paths_mean_one_thing(folder, path, datacenter, matches):
    assert _finder.folder_matches(folder, path, datacenter) is matches


def test_inventory_builds_paths_from_parent_chains():
    root = vim.Folder("group-d1")
    inventory = _finder.Inventory(root._moId)
    dc = vim.Datacenter("datacenter-2")
    vm_folder = vim.Folder("group-v3")
    web = vim.Folder("group-v9")
    inventory.add(dc, "DC0", root, "Datacenter")
    inventory.add(vm_folder, "vm", dc, "Folder")
    inventory.add(web, "web", vm_folder, "Folder")
    assert inventory.folder_path("group-v9") == "/DC0/vm/web"
    assert inventory.datacenter_of("group-v9") == "DC0"
    assert inventory.folder_path("group-v3") == "/DC0/vm"


@pytest.mark.parametrize("name, folder, datacenter, path", [
    ("web1", "/DC0/vm/web", None, "DC0/vm/web/web1"),
    ("web1", "/DC0/vm/web/", None, "DC0/vm/web/web1"),
    ("web1", "/Region/DC0/vm", None, "Region/DC0/vm/web1"),
    ("web1", "web", "DC0", "DC0/vm/web/web1"),
    ("web1", "vm/web", "DC0", "DC0/vm/web/web1"),
    ("web1", "web", None, None),             # relative needs the datacenter
    ("web1", "/DC0/vm/web", "DC0", None),    # absolute plus a datacenter to check: the walk decides
    ("web1", None, "DC0", None),             # no folder
    ("a/b", "/DC0/vm", None, None),          # inventory paths escape '/': the walk decides
])
def test_inventory_path_only_when_the_options_pin_one_down(name, folder, datacenter, path):
    assert _finder.inventory_path(name, folder, datacenter) == path
