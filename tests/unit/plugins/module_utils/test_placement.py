# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_placement.resolve: names -> references in one property read, NotFound/Ambiguous naming the choices."""

from __future__ import annotations

import pytest

from pyVmomi import vim

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._placement import KINDS, resolve, root_pool_of_host
from ansible_collections.opensphere.vsphere.tests.unit.plugins.fakes import FakeSession

ROOT = vim.Folder("group-d1")


def inventory():
    """Two datacenters: DC0 (cluster C0 with hosts H0/H1 and pool web, standalone host S0, folder web, ds1)
    and DC1 inside folder 'lab' (cluster C1, ds1 again)."""
    refs = {}

    def add(kind, moid, name, parent, **extra):
        refs[moid] = getattr(vim, kind)(moid)
        rows.append((refs[moid], dict(name=name, parent=refs[parent] if parent else None,
                                      **{k: refs[v] for k, v in extra.items()})))

    rows = [(ROOT, {"name": "Datacenters", "parent": None})]
    refs["group-d1"] = ROOT
    for dc, parent, moid in (("DC0", "group-d1", "0"), ("DC1", "group-f9", "1")):
        if dc == "DC1":
            add("Folder", "group-f9", "lab", "group-d1")
        add("Folder", "group-v" + moid, "vm", None)
        add("Datacenter", "datacenter-" + moid, dc, parent, vmFolder="group-v" + moid)
        rows[-2][1]["parent"] = refs["datacenter-" + moid]
        add("Folder", "group-h" + moid, "host", "datacenter-" + moid)
        add("Folder", "group-s" + moid, "datastore", "datacenter-" + moid)
        add("ResourcePool", "resgroup-c" + moid, "Resources", None)
        add("ClusterComputeResource", "domain-c" + moid, "C" + moid, "group-h" + moid, resourcePool="resgroup-c" + moid)
        rows[-2][1].update(parent=refs["domain-c" + moid], owner=refs["domain-c" + moid])
        add("Datastore", "datastore-" + moid, "ds1", "group-s" + moid)
    add("HostSystem", "host-0", "H0", "domain-c0")
    add("HostSystem", "host-1", "H1", "domain-c0")
    add("HostSystem", "host-9", "H0", "domain-c1")
    add("ResourcePool", "resgroup-w", "web", "resgroup-c0", owner="domain-c0")
    add("ResourcePool", "resgroup-s", "Resources", None)
    add("ComputeResource", "domain-s0", "S0", "group-h0", resourcePool="resgroup-s")
    rows[-2][1].update(parent=refs["domain-s0"], owner=refs["domain-s0"])
    add("HostSystem", "host-s", "S0", "domain-s0")
    add("Folder", "group-w", "web", "group-v0")
    return rows


class PathIndex:
    """SearchIndex.FindByInventoryPath over the fake inventory's folders; ``asked`` lists the paths."""

    def __init__(self, rows):
        self.asked = []
        by_moid = {ref._moId: (ref, values) for ref, values in rows}
        self.paths = {}
        for ref, values in rows:
            if not isinstance(ref, vim.Folder) or ref._moId == ROOT._moId:
                continue
            names, at = [], ref._moId
            while at in by_moid and at != ROOT._moId:
                names.append(by_moid[at][1]["name"])
                parent = by_moid[at][1]["parent"]
                at = parent._moId if parent is not None else None
            self.paths["/".join(reversed(names))] = ref

    def FindByInventoryPath(self, path):  # noqa: N802 (the vSphere name)
        self.asked.append(path)
        return self.paths.get(path)


def session():
    rows = inventory()
    fake = FakeSession(rows, root=ROOT)
    fake.content.searchIndex = PathIndex(rows)
    return fake


def moids(placement):
    return {kind: ref._moId for kind, ref in vars(placement).items() if kind in KINDS and ref is not None}


CASES = [
    ({"datacenter": "DC0"}, {"datacenter": "datacenter-0", "folder": "group-v0"}),
    ({"cluster": "C0"}, {"datacenter": "datacenter-0", "folder": "group-v0", "cluster": "domain-c0", "resource_pool": "resgroup-c0"}),
    ({"host": "H1"}, {"datacenter": "datacenter-0", "folder": "group-v0", "cluster": "domain-c0", "host": "host-1",
                      "resource_pool": "resgroup-c0"}),
    ({"host": "S0"}, {"datacenter": "datacenter-0", "folder": "group-v0", "host": "host-s", "resource_pool": "resgroup-s"}),
    ({"datacenter": "DC1", "host": "H0"}, {"datacenter": "datacenter-1", "folder": "group-v1", "cluster": "domain-c1",
                                           "host": "host-9", "resource_pool": "resgroup-c1"}),
    ({"cluster": "C0", "resource_pool": "web"}, {"datacenter": "datacenter-0", "folder": "group-v0", "cluster": "domain-c0",
                                                 "resource_pool": "resgroup-w"}),
    ({"resource_pool": "web"}, {"datacenter": "datacenter-0", "folder": "group-v0", "cluster": "domain-c0", "resource_pool": "resgroup-w"}),
    ({"folder": "/DC0/vm/web"}, {"datacenter": "datacenter-0", "folder": "group-w"}),
    ({"folder": "web", "datacenter": "DC0"}, {"datacenter": "datacenter-0", "folder": "group-w"}),
    ({"folder": "web"}, {"datacenter": "datacenter-0", "folder": "group-w"}),
    ({"folder": "vm", "datacenter": "DC1"}, {"datacenter": "datacenter-1", "folder": "group-v1"}),
    ({"folder": "/lab/DC1/vm"}, {"datacenter": "datacenter-1", "folder": "group-v1"}),
    ({"datacenter": "DC1", "datastore": "ds1"}, {"datacenter": "datacenter-1", "folder": "group-v1", "datastore": "datastore-1"}),
]


@pytest.mark.parametrize("asked, expected", CASES)
def test_names_become_references_in_one_round_trip(asked, expected):
    fake = session()
    placement = resolve(fake, **asked)
    assert moids(placement) == expected
    assert fake.round_trips == 1
    for kind, value in asked.items():
        assert placement.names[kind].endswith(value.strip("/").split("/")[-1])
    assert set(placement.as_dict()) == {"datacenter", "folder", "cluster", "host", "resource_pool", "datastore"}


def test_nothing_asked_costs_nothing():
    fake = session()
    assert moids(resolve(fake)) == {} and fake.round_trips == 0


def test_the_vm_folders_are_never_walked_a_folder_is_an_inventory_path():
    for asked in ({"datacenter": "DC0"}, {"folder": "/DC0/vm"}):
        fake = session()
        resolve(fake, **asked)
        (spec,) = fake.content.propertyCollector.calls[0][1]
        paths = sorted(t.path for t in spec.objectSet[0].selectSet)
        assert "vmFolder" not in paths and "hostFolder" in paths
        assert not any(prop.type is vim.VirtualMachine for prop in spec.propSet)
    assert fake.content.searchIndex.asked == ["DC0/vm"]


@pytest.mark.parametrize("asked, paths", [
    ({"folder": "/DC0/vm/web"}, ["DC0/vm/web"]),
    ({"folder": "web", "datacenter": "DC0"}, ["DC0/vm/web"]),
    ({"folder": "web"}, ["DC0/vm/web", "lab/DC1/vm/web"]),  # one per datacenter, not per VM
    ({"folder": "/DC0/host"}, []),  # not a VM folder: nothing to ask
])
def test_a_folder_costs_one_path_query_per_candidate_datacenter(asked, paths):
    fake = session()
    try:
        resolve(fake, **asked)
    except NotFound:
        assert not paths
    assert fake.content.searchIndex.asked == paths and fake.round_trips == 1


BAD = [
    ({"cluster": "nope"}, NotFound, "no cluster named 'nope' (there: C0, C1)", ["C0", "C1"]),
    ({"datacenter": "DC0", "host": "H9"}, NotFound, "no host named 'H9' in datacenter 'DC0' (there: H0, H1, S0)", ["H0", "H1", "S0"]),
    ({"cluster": "C0", "host": "S0"}, NotFound, "no host named 'S0' in cluster 'C0' (there: H0, H1)", ["H0", "H1"]),
    ({"host": "H0"}, Ambiguous, "2 hosts are named 'H0': /DC0/host/C0/H0 (host-0), /lab/DC1/host/C1/H0 (host-9)",
     ["/DC0/host/C0/H0 (host-0)", "/lab/DC1/host/C1/H0 (host-9)"]),
    ({"datastore": "ds1"}, Ambiguous, "2 datastores are named 'ds1'", None),
    ({"folder": "nope", "datacenter": "DC1"}, NotFound, "no VM folder 'nope' in datacenter 'DC1'", None),
    ({"folder": "/DC0/vm/nope"}, NotFound, "no VM folder '/DC0/vm/nope'", None),
    ({"datacenter": "DC1", "folder": "/DC0/vm/web"}, InvalidInput, "folder 'web' is not in datacenter 'DC1'", None),
    ({"folder": "/DC0/host"}, NotFound, "no VM folder '/DC0/host'", None),
    ({"cluster": " "}, InvalidInput, "cluster must name a cluster", None),
]


@pytest.mark.parametrize("asked, error, message, candidates", BAD)
def test_names_that_do_not_fit_say_what_is_there(asked, error, message, candidates):
    with pytest.raises(error) as err:
        resolve(session(), **asked)
    assert message in err.value.message
    if candidates is not None:
        assert err.value.details["candidates"] == candidates


# ---- defaults for deploy modules: the only datacenter, and a host's root resource pool from the same read ----
DC1_MOIDS = {"group-f9", "group-v1", "datacenter-1", "group-h1", "group-s1", "resgroup-c1", "domain-c1", "datastore-1", "host-9"}


def test_only_datacenter_reads_the_inventory_and_takes_the_only_one():
    one = FakeSession([row for row in inventory() if row[0]._moId not in DC1_MOIDS], root=ROOT)
    placement = resolve(one, only_datacenter=True)
    assert moids(placement) == {"datacenter": "datacenter-0", "folder": "group-v0"} and one.round_trips == 1
    assert placement.names["folder"] == "/DC0/vm"


def test_only_datacenter_with_two_datacenters_leaves_the_folder_unknown():
    fake = session()
    placement = resolve(fake, only_datacenter=True)
    assert moids(placement) == {} and fake.round_trips == 1
    assert sorted(node.name for node in placement.tree.of_kind("datacenter")) == ["DC0", "DC1"]


@pytest.mark.parametrize("host, expected", [
    ("host-1", ("resgroup-c0", "Resources", "C0")),     # a cluster member: the cluster's root pool
    ("host-s", ("resgroup-s", "Resources", "S0")),      # a standalone host: its own root pool
    ("host-9", None),                                   # in DC1, not the placement's datacenter
    ("host-404", None),                                 # not in the inventory read
    (None, None),
])
def test_root_pool_of_host_comes_from_the_read_already_made(host, expected):
    fake = session()
    placement = resolve(fake, datacenter="DC0")
    got = root_pool_of_host(placement, host)
    assert (got if got is None else (got[0]._moId, got[1], got[2])) == expected
    assert fake.round_trips == 1


def test_root_pool_of_host_needs_an_inventory_read():
    assert root_pool_of_host(resolve(session()), "host-1") is None
