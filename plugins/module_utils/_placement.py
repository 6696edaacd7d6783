# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a new VM goes: datacenter, folder, cluster, host, resource pool and datastore names -> references.

resolve() reads the containers once, in one RetrievePropertiesEx from the root folder (name
and parent of every folder, datacenter, compute resource, host, resource pool and datastore;
the VM folders are never walked, since a traversal of them reaches every VM), and answers
every name from that one answer. A VM folder is one SearchIndex.FindByInventoryPath (one per
datacenter for a relative path without a datacenter), so it all costs the same at 10 VMs
and at 10,000.

A name that matches nothing raises NotFound naming what is there; one that matches several
raises Ambiguous naming each candidate's inventory path. What is implied is filled in: the
datacenter of whatever was found, the datacenter's VM folder, the cluster of a host, the
root resource pool of the cluster or host.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._finder import normalize_folder
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import retrieve
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl

KINDS = ("datacenter", "folder", "cluster", "host", "resource_pool", "datastore")


class Node:
    """One container of the inventory: its reference, name, parent node id and kind."""

    def __init__(self, ref, name, parent, kind, extra):
        self.ref, self.name, self.parent, self.kind, self.extra = ref, name, parent, kind, extra

    @property
    def moid(self):
        return self.ref._moId


class Placement:
    """The references found (None where not asked and not implied) and their names (``.names``)."""

    def __init__(self):
        self.datacenter = self.folder = self.cluster = self.host = self.resource_pool = self.datastore = None
        self.names = {}
        self.tree = None        # the inventory read (None when nothing was asked), for defaults found later

    def as_dict(self):
        """Names and moids, for a module's result (no pyVmomi objects)."""
        out = {}
        for kind in KINDS:
            ref = getattr(self, kind)
            out[kind] = None if ref is None else {"name": self.names.get(kind), "moid": ref._moId}
        return out


def _kind(ref):
    if isinstance(ref, vim.Datacenter):
        return "datacenter"
    if isinstance(ref, vim.ClusterComputeResource):
        return "cluster"
    if isinstance(ref, vim.ComputeResource):
        return "compute"
    if isinstance(ref, vim.HostSystem):
        return "host"
    if isinstance(ref, vim.ResourcePool):
        return "resource_pool"
    if isinstance(ref, vim.Datastore):
        return "datastore"
    if isinstance(ref, vim.StoragePod):
        return "datastore_cluster"
    return "folder"


def _spec(session):
    """One filter from the root: folders, datacenters' host and datastore folders (not the VM folders),
    compute resources with their hosts and resource pools, and datastores."""
    pc = vmodl.query.PropertyCollector

    def traverse(name, kind, path, *then):
        return pc.TraversalSpec(name=name, type=kind, path=path, skip=False,
                                selectSet=[pc.SelectionSpec(name=n) for n in then])

    dc_paths = [("dc_host", "hostFolder"), ("dc_ds", "datastoreFolder")]
    names = [name for name, _path in dc_paths]
    specs = [traverse("folders", vim.Folder, "childEntity", "folders", "cr_pool", "cr_host", *names),
             traverse("cr_pool", vim.ComputeResource, "resourcePool", "pools"),
             traverse("cr_host", vim.ComputeResource, "host"),
             traverse("pools", vim.ResourcePool, "resourcePool", "pools")]
    specs += [traverse(name, vim.Datacenter, path, "folders") for name, path in dc_paths]
    objects = [pc.ObjectSpec(obj=session.content.rootFolder, skip=False, selectSet=specs)]
    props = [pc.PropertySpec(type=vim.Folder, pathSet=["name", "parent"]),
             pc.PropertySpec(type=vim.Datacenter, pathSet=["name", "parent", "vmFolder"]),
             pc.PropertySpec(type=vim.ComputeResource, pathSet=["name", "parent", "resourcePool"]),
             pc.PropertySpec(type=vim.HostSystem, pathSet=["name", "parent"]),
             pc.PropertySpec(type=vim.ResourcePool, pathSet=["name", "parent", "owner"]),
             pc.PropertySpec(type=vim.Datastore, pathSet=["name", "parent"])]
    return objects, props


class Tree:
    """The inventory's containers by moid, with paths and the datacenter each one is in."""

    def __init__(self, rows, root_moid):
        self.root = root_moid
        self.nodes = {}
        for ref, values in rows:
            parent = values.get("parent")
            extra = {key: value for key, value in values.items() if key not in ("name", "parent")}
            self.nodes[ref._moId] = Node(ref, values.get("name"), parent._moId if parent is not None else None,
                                         _kind(ref), extra)

    def chain(self, moid):
        out = []
        while moid and moid != self.root and moid in self.nodes:
            out.append(self.nodes[moid])
            moid = self.nodes[moid].parent
        return list(reversed(out))

    def path(self, node):
        if "path" in node.extra:  # a VM folder found by its path (_folder), not in the read
            return node.extra["path"]
        return "/" + "/".join(n.name for n in self.chain(node.moid))

    def datacenter_of(self, node):
        if "datacenter" in node.extra:
            return node.extra["datacenter"]
        return next((n for n in self.chain(node.moid) if n.kind == "datacenter"), None)

    def within(self, node, ancestor):
        if ancestor is None:
            return True
        if "datacenter" in node.extra:  # the only ancestor asked of a VM folder is its datacenter
            return node.extra["datacenter"].moid == ancestor.moid
        return any(n.moid == ancestor.moid for n in self.chain(node.moid))

    def of_kind(self, *kinds):
        return [node for node in self.nodes.values() if node.kind in kinds]


def _pick(tree, what, name, candidates, scope_text):
    """The one node of ``candidates`` called ``name``; NotFound or Ambiguous naming the choices."""
    matches = [node for node in candidates if node.name == name]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = sorted(set(node.name for node in candidates))
        raise NotFound("no %s named '%s'%s (there: %s)" % (what, name, scope_text, ", ".join(known) or "none"),
                       candidates=known)
    paths = sorted("%s (%s)" % (tree.path(node), node.moid) for node in matches)
    raise Ambiguous("%d %ss are named '%s'%s: %s; narrow it with the datacenter, cluster or host"
                    % (len(matches), what, name, scope_text, ", ".join(paths)), candidates=paths)


def _scope_text(*nodes):
    named = ["%s '%s'" % (node.kind.replace("_", " "), node.name) for node in nodes if node is not None]
    return (" in " + " and ".join(named)) if named else ""


def _folder(session, tree, folder, dc):
    """The VM folder ``folder`` names: absolute ('/DC0/vm/web') or relative to a datacenter's VM folder ('web').

    Found by inventory path, never by walking the VM folders: one FindByInventoryPath, or one per
    datacenter for a relative path without ``dc``.
    """
    absolute, parts = normalize_folder(folder)
    tries = []  # (inventory path, datacenter node)
    for node in ([dc] if dc is not None and not absolute else tree.of_kind("datacenter")):
        dc_parts = tree.path(node).strip("/").split("/")
        if absolute:
            if parts[:len(dc_parts)] == dc_parts and parts[len(dc_parts):len(dc_parts) + 1] == ["vm"]:
                tries.append(("/".join(parts), node))
        else:
            tries.append(("/".join(dc_parts + ["vm"] + parts), node))
    matches = []
    for path, owner in tries:
        ref = session.content.searchIndex.FindByInventoryPath(path)
        if isinstance(ref, vim.Folder):
            matches.append(Node(ref, path.rsplit("/", 1)[-1], None, "folder", {"path": "/" + path, "datacenter": owner}))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound("no VM folder '%s'%s" % (folder, _scope_text(dc)))
    paths = sorted(tree.path(node) for node in matches)
    raise Ambiguous("%d folders match '%s': %s; give the datacenter or an absolute path" % (len(matches), folder, ", ".join(paths)),
                    candidates=paths)


def _root_pool(tree, compute):
    ref = compute.extra.get("resourcePool") if compute is not None else None
    return tree.nodes.get(ref._moId) if ref is not None else None


def resolve(session, datacenter=None, folder=None, cluster=None, host=None, resource_pool=None, datastore=None,
            storage_pods=False, only_datacenter=False):
    """References for the names given; see the file's docstring. One RetrievePropertiesEx (none when nothing is asked,
    unless ``only_datacenter``: then the inventory is read for the only datacenter, if there is just one).

    With ``storage_pods``, ``datastore`` may also name a datastore cluster (StoragePod): ``.datastore`` is then
    the pod, for the caller to place on one of its datastores (storage_pod.pick_datastore)."""
    asked = dict(datacenter=datacenter, folder=folder, cluster=cluster, host=host, resource_pool=resource_pool, datastore=datastore)
    for kind, value in asked.items():
        if value is not None and not str(value).strip("/ "):
            raise InvalidInput("%s must name a %s, not '%s'" % (kind, kind.replace("_", " "), value))
    out = Placement()
    if not any(value is not None for value in asked.values()) and not only_datacenter:
        return out
    objects, props = _spec(session)
    tree = out.tree = Tree(retrieve(session, objects, props), session.content.rootFolder._moId)

    dc = _pick(tree, "datacenter", datacenter, tree.of_kind("datacenter"), "") if datacenter else None
    fold = _folder(session, tree, folder, dc) if folder else None
    dc = dc or (tree.datacenter_of(fold) if fold else None)
    clus = None
    if cluster:
        clus = _pick(tree, "cluster", cluster, [n for n in tree.of_kind("cluster") if tree.within(n, dc)], _scope_text(dc))
        dc = dc or tree.datacenter_of(clus)
    hst = None
    if host:
        scope = clus or dc
        hst = _pick(tree, "host", host, [n for n in tree.of_kind("host") if tree.within(n, scope)], _scope_text(clus or dc))
        dc = dc or tree.datacenter_of(hst)
    compute = clus or (tree.nodes.get(hst.parent) if hst else None)
    if clus is None and compute is not None and compute.kind == "cluster":
        clus = compute
    pool = None
    if resource_pool:
        scope = compute or dc
        pools = [n for n in tree.of_kind("resource_pool") if tree.within(n, scope)]
        pool = _pick(tree, "resource pool", resource_pool, pools, _scope_text(compute or dc))
        dc = dc or tree.datacenter_of(pool)
        owner = pool.extra.get("owner")
        owner_node = tree.nodes.get(owner._moId) if owner is not None else None
        if clus is None and owner_node is not None and owner_node.kind == "cluster":
            clus = owner_node
    elif compute is not None:
        pool = _root_pool(tree, compute)
    store = None
    if datastore:
        kinds = ("datastore", "datastore_cluster") if storage_pods else ("datastore",)
        store = _pick(tree, "datastore", datastore, [n for n in tree.of_kind(*kinds) if tree.within(n, dc)], _scope_text(dc))
        dc = dc or tree.datacenter_of(store)
    if dc is None:
        dcs = tree.of_kind("datacenter")
        dc = dcs[0] if len(dcs) == 1 else None
    for found in (fold, clus, hst, pool, store):
        if found is not None and dc is not None and not tree.within(found, dc):
            raise InvalidInput("%s '%s' is not in datacenter '%s' (it is at %s)"
                               % (found.kind.replace("_", " "), found.name, dc.name, tree.path(found)))
    if fold is None and dc is not None:
        vm_folder = dc.extra.get("vmFolder")
        if vm_folder is not None:
            out.folder = vm_folder
            out.names["folder"] = tree.path(dc) + "/vm"
    for kind, node in (("datacenter", dc), ("folder", fold), ("cluster", clus), ("host", hst),
                       ("resource_pool", pool), ("datastore", store)):
        if node is not None:
            setattr(out, kind, node.ref)
            out.names[kind] = tree.path(node) if kind == "folder" else node.name
    return out


def root_pool_of_host(place, host_moid):
    """``(pool ref, pool name, compute resource name)`` of the root resource pool of the compute resource (cluster or host)
    of host ``host_moid``, from the inventory ``resolve`` read (no call); None when it is not known there
    or not in ``place``'s datacenter."""
    tree = place.tree
    host = tree.nodes.get(host_moid) if tree is not None and host_moid else None
    compute = tree.nodes.get(host.parent) if host is not None else None
    pool = _root_pool(tree, compute) if compute is not None else None
    if pool is None or (place.datacenter is not None and not tree.within(pool, tree.nodes.get(place.datacenter._moId))):
        return None
    return pool.ref, pool.name, compute.name
