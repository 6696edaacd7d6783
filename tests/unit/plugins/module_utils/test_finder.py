# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import contextlib

import pytest

from pyVmomi import vim

from ansible_collections.opensphere.vsphere.plugins.module_utils import _finder
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, NotFound
from ansible_collections.opensphere.vsphere.tests.unit.plugins.fakes import FakeSession


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


# --- find_vm by name: one lean walk (plain rows), then the matches' parents only when needed -------
def _walk_rows():
    """Two datacenters; 'web' is a VM in DC0/vm/a, a template in DC0/vm/tpl and a VM in DC1/vm."""
    rows = [("Folder", "group-d1", {"name": "Datacenters", "parent": None})]
    for dc in ("0", "1"):
        rows += [("Datacenter", "datacenter-" + dc, {"name": "DC" + dc, "parent": "group-d1"}),
                 ("Folder", "group-v" + dc, {"name": "vm", "parent": "datacenter-" + dc})]
    rows += [("Folder", "group-a", {"name": "a", "parent": "group-v0"}),
             ("Folder", "group-t", {"name": "tpl", "parent": "group-v0"})]
    rows += [("VirtualMachine", "vm-%d" % i, {"name": "other%d" % i}) for i in range(50)]
    rows += [("VirtualMachine", "vm-a", {"name": "web"}), ("VirtualMachine", "vm-t", {"name": "web"}),
             ("VirtualMachine", "vm-d1", {"name": "web"}), ("VirtualMachine", "vm-u", {"name": "unique"})]
    return rows


PARENTS = {"vm-a": "group-a", "vm-t": "group-t", "vm-d1": "group-v1", "vm-u": "group-v0"}


@pytest.fixture
def walk(monkeypatch):
    """A FakeSession whose walk answers _walk_rows() (counted) and whose parent read knows PARENTS."""
    rows = [(vim.VirtualMachine(moid), {"parent": vim.Folder(parent), "parentVApp": None}) for moid, parent in PARENTS.items()]
    session = FakeSession(root=vim.Folder("group-d1"), rows=rows)
    session.ref = lambda kind, moid: getattr(vim, kind)(moid)
    session.walks = []

    def retrieve_plain(session_, spec, max_objects=None):
        session.walks.append(spec)
        rows = _walk_rows()
        if not any(prop.type is vim.VirtualMachine for prop in spec.propSet):
            rows = [row for row in rows if row[0] != "VirtualMachine"]  # a containers-only read
        return rows
    monkeypatch.setattr(_finder, "retrieve_plain", retrieve_plain)
    session.listed = []
    session.list_answer = None  # what the Automation API's VM list says: None = it cannot answer
    monkeypatch.setattr(_finder, "vm_ids", lambda session_, name: session.listed.append(name) or session.list_answer)
    return session


def test_a_unique_name_costs_one_walk_and_no_parent_read(walk):
    vm = _finder.find_vm(walk, name="unique")
    assert vm._moId == "vm-u"
    assert len(walk.walks) == 1 and walk.round_trips == 0


def test_the_walk_keeps_only_the_wanted_vms(walk):
    inventory, vms = _finder._inventory(walk, name="web")
    assert vms == {"vm-a": "web", "vm-t": "web", "vm-d1": "web"}
    assert inventory.folder_path("group-t") == "/DC0/vm/tpl"
    _inventory, by_moid = _finder._inventory(walk, moids=["vm-7"])
    assert by_moid == {"vm-7": "other7"}


def test_a_shared_name_fails_naming_every_candidate_templates_included(walk):
    with pytest.raises(Ambiguous) as err:
        _finder.find_vm(walk, name="web")
    assert sorted(err.value.details["candidates"]) == ["/DC0/vm/a/web (vm-a)", "/DC0/vm/tpl/web (vm-t)", "/DC1/vm/web (vm-d1)"]
    assert len(walk.walks) == 1 and walk.round_trips == 1


@pytest.mark.parametrize("folder, datacenter, moid", [
    (None, "DC1", "vm-d1"),
    ("tpl", None, "vm-t"),
    ("/DC0/vm/a", "DC0", "vm-a"),
    ("/DC0/vm/b", "DC0", None),
    (None, "DC2", None),
])
def test_folder_and_datacenter_narrow_the_walk(walk, folder, datacenter, moid):
    vm = _finder.find_vm(walk, name="web", folder=folder, datacenter=datacenter)
    assert (vm._moId if vm is not None else None) == moid
    assert len(walk.walks) == 1 and walk.round_trips == 1


def test_no_match_is_none_after_one_walk(walk):
    assert _finder.find_vm(walk, name="nothere") is None
    with pytest.raises(NotFound, match="no VM named 'nothere' in datacenter 'DC0'"):
        _finder.get_vm(walk, name="nothere", datacenter="DC0")


# --- find_vm by name through vCenter's filter (the Automation API's VM list) -------------------
def _vm_props(spec):
    return [prop for prop in spec.propSet if prop.type is vim.VirtualMachine]


def test_a_listed_unique_name_costs_no_walk_and_no_read(walk):
    walk.list_answer = ["vm-u"]
    vm = _finder.find_vm(walk, name="unique")
    assert vm._moId == "vm-u"
    assert walk.listed == ["unique"] and walk.walks == [] and walk.round_trips == 0


def test_listed_vms_sharing_a_name_fail_naming_each_one_through_a_containers_read(walk):
    walk.list_answer = ["vm-a", "vm-d1"]  # the list never shows the template vm-t
    with pytest.raises(Ambiguous) as err:
        _finder.find_vm(walk, name="web")
    assert sorted(err.value.details["candidates"]) == ["/DC0/vm/a/web (vm-a)", "/DC1/vm/web (vm-d1)"]
    assert len(walk.walks) == 1 and _vm_props(walk.walks[0]) == []  # no VM names read
    assert walk.round_trips == 1  # the candidates' parents


@pytest.mark.parametrize("folder, datacenter, moid", [
    (None, "DC1", "vm-d1"),
    ("a", "DC0", "vm-a"),
    ("/DC0/vm/b", "DC0", None),
])
def test_a_folder_or_datacenter_narrows_the_listed_vms(walk, folder, datacenter, moid):
    walk.list_answer = ["vm-a", "vm-d1"]
    vm = _finder.find_vm(walk, name="web", folder=folder, datacenter=datacenter)
    assert (vm._moId if vm is not None else None) == moid
    assert len(walk.walks) == 1 and _vm_props(walk.walks[0]) == [] and walk.round_trips == 1


def test_a_name_the_list_does_not_know_is_walked_for_a_template(walk):
    walk.list_answer = []
    vm = _finder.find_vm(walk, name="web", folder="tpl", datacenter=None)
    assert vm._moId == "vm-t"
    assert walk.listed == ["web"] and len(walk.walks) == 1 and _vm_props(walk.walks[0])


def test_a_template_lookup_walks_without_asking_the_list(walk):
    walk.list_answer = ["vm-u"]
    assert _finder.find_vm(walk, name="unique", templates=True)._moId == "vm-u"
    assert walk.listed == [] and len(walk.walks) == 1


def test_uuid_and_moid_never_ask_the_list(walk):
    walk.list_answer = ["vm-u"]
    assert _finder.find_vm(walk, moid="vm-9")._moId == "vm-9"
    assert walk.listed == []


class _Module:
    """What open_vm uses of a VSphereModule: params, doing() and warn()."""

    def __init__(self, **params):
        self.params, self.warnings = params, []

    def doing(self, what):
        return contextlib.nullcontext()

    def warn(self, text):
        self.warnings.append(text)


@pytest.mark.parametrize("warning", [None, "VM names were resolved by walking the whole inventory (endpoint down)"])
def test_open_vm_warns_only_when_the_list_should_have_answered(walk, monkeypatch, warning):
    def list_down(session_, name):
        session_.name_lookup_warning = warning  # None: an expected walk (ESXi, an escaped name)
    monkeypatch.setattr(_finder, "vm_ids", list_down)
    module = _Module(name="unique")
    vm_ref, values = _finder.open_vm(module, walk, reader=lambda session_, ref: {"name": "unique"})
    assert vm_ref._moId == "vm-u" and values == {"name": "unique"}
    assert module.warnings == ([warning] if warning else [])


@pytest.mark.parametrize("params, wanted", [
    ({"name": "web"}, True),
    ({"name": "web", "datacenter": "DC0"}, True),
    ({"name": "web", "folder": "web"}, True),               # relative without a datacenter: not a path
    ({"name": "web", "folder": "/DC0/vm"}, False),          # an inventory path answers it
    ({"name": "web", "folder": "web", "datacenter": "DC0"}, False),
    ({"name": "a%2fb"}, False),                             # escaped names are walked
    ({"uuid": "4211"}, False),
    ({"moid": "vm-1"}, False),
    ({}, False),
])
def test_the_list_login_starts_early_only_when_the_list_will_be_asked(params, wanted):
    assert _finder.wants_vm_list(params) is wanted
