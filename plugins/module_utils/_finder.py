# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding inventory objects at a cost that does not grow with the inventory.

find_* returns None when nothing matches; get_* raises NotFound. A name that matches
several objects raises Ambiguous naming every candidate with its inventory path.

VM by name in a folder given as an absolute path (or relative, with the datacenter): one
SearchIndex.FindByInventoryPath, whose answer has the same size at any inventory size.
VM by name otherwise: one RetrievePropertiesEx walking the VM folders from the root (VM
names, folder and datacenter names and parents); one more, for the matches only, when a
folder or datacenter narrows the search or several VMs share the name. VM by uuid: one
SearchIndex call. VM by moid: none (the caller's first read proves it exists).

The walk is the only read whose answer grows with the inventory (about 230 bytes per VM).
vSphere has no server-side filter that sees every VM: the PropertyCollector has no
predicates, SearchIndex needs a path, and the Automation API's ``GET /api/vcenter/vm?names=``
leaves templates out, so it could miss a template of that name and call an ambiguous name
unique. The walk's answer is therefore parsed by _bulk_read (C ElementTree, plain moids and
strings, no pyVmomi objects), which keeps only the VMs of the wanted name: at 10,000 VMs
that costs a few tens of milliseconds here instead of the half second pyVmomi's
deserializer took. The server still sends every name.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import vm_identity, vm_label
from ansible_collections.opensphere.vsphere.plugins.module_utils._bulk_read import retrieve_plain
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read, read_one
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl


def _walk_spec(session):
    """Object and property specs covering every VM folder, datacenter, vApp and VM."""
    pc = vmodl.query.PropertyCollector
    select = pc.SelectionSpec
    folders = pc.TraversalSpec(name="folders", type=vim.Folder, path="childEntity", skip=False,
                               selectSet=[select(name="folders"), select(name="datacenters"), select(name="vapps")])
    datacenters = pc.TraversalSpec(name="datacenters", type=vim.Datacenter, path="vmFolder", skip=False,
                                   selectSet=[select(name="folders")])
    vapps = pc.TraversalSpec(name="vapps", type=vim.VirtualApp, path="vm", skip=False)
    objects = [pc.ObjectSpec(obj=session.content.rootFolder, skip=False, selectSet=[folders, datacenters, vapps])]
    props = [
        pc.PropertySpec(type=vim.Folder, pathSet=["name", "parent"]),
        pc.PropertySpec(type=vim.Datacenter, pathSet=["name", "parent"]),
        pc.PropertySpec(type=vim.VirtualApp, pathSet=["name", "parent"]),
        pc.PropertySpec(type=vim.VirtualMachine, pathSet=["name"]),
    ]
    return objects, props


class Inventory:
    """Names and parents of the containers, to turn any parent chain into a path."""

    def __init__(self, root_moid):
        self.root = root_moid
        self.nodes = {}  # moid -> (name, parent moid, kind)

    def add(self, obj, name, parent, kind):
        """A container from pyVmomi references."""
        self.put(obj._moId, name, parent._moId if parent is not None else None, kind)

    def put(self, moid, name, parent_moid, kind):
        """A container from plain moids (as _bulk_read gives them)."""
        self.nodes[moid] = (name, parent_moid, kind)

    def chain(self, moid):
        """(name, kind) from the root's child down to ``moid``."""
        out = []
        while moid and moid != self.root and moid in self.nodes:
            name, parent, kind = self.nodes[moid]
            out.append((name, kind))
            moid = parent
        return list(reversed(out))

    def folder_path(self, parent_moid):
        """'/DC0/vm/sub' for the folder (or vApp) holding a VM."""
        return "/" + "/".join(name for name, _kind in self.chain(parent_moid))

    def datacenter_of(self, parent_moid):
        for name, kind in self.chain(parent_moid):
            if kind == "Datacenter":
                return name
        return None


def normalize_folder(folder):
    """Split a folder option into (absolute, parts): '/DC0/vm/a' is absolute; 'a' or 'vm/a' is
    relative to the datacenter's VM folder."""
    absolute = folder.startswith("/")
    parts = [part for part in folder.strip("/").split("/") if part]
    if not absolute and parts[:1] == ["vm"]:
        parts = parts[1:]
    return absolute, parts


def folder_matches(folder, path, datacenter_name):
    absolute, parts = normalize_folder(folder)
    have = [part for part in path.strip("/").split("/") if part]
    if absolute:
        return have == parts
    return have[:2] == [datacenter_name, "vm"] and have[2:] == parts


def _inventory(session, name=None, moids=()):
    """``(inventory, {vm moid: name})`` of the VMs called ``name`` or with one of ``moids``: one lean read.

    The containers (folders, datacenters, vApps) are all kept, to build paths; of the VMs only
    the wanted ones, so memory does not grow with the VMs beyond the parsed answer.
    """
    objects, props = _walk_spec(session)
    spec = vmodl.query.PropertyCollector.FilterSpec(objectSet=objects, propSet=props)
    inventory = Inventory(session.content.rootFolder._moId)
    wanted = set(moids)
    vms = {}
    for kind, moid, values in retrieve_plain(session, spec):
        if kind == "VirtualMachine":
            vm_name = values.get("name")
            if (name is not None and vm_name == name) or moid in wanted:
                vms[moid] = vm_name
        else:
            inventory.put(moid, values.get("name"), values.get("parent"), kind)
    return inventory, vms


def _narrow(session, inventory, matches, folder, datacenter):
    """Keep the matches inside ``folder``/``datacenter``; returns [(vm, path)]."""
    parents = read(session, matches, ["parent", "parentVApp"], what="VM")
    located = []
    for vm, values in zip(matches, parents):
        parent = values.get("parent") or values.get("parentVApp")
        path = inventory.folder_path(parent._moId) if parent is not None else "?"
        dc_name = inventory.datacenter_of(parent._moId) if parent is not None else None
        if datacenter and dc_name != datacenter:
            continue
        if folder and not folder_matches(folder, path, dc_name):
            continue
        located.append((vm, path))
    return located


def scope_text(folder, datacenter):
    scope = []
    if folder:
        scope.append("folder '%s'" % folder)
    if datacenter:
        scope.append("datacenter '%s'" % datacenter)
    return (" in " + " and ".join(scope)) if scope else ""


def _ambiguous(kind, value, located):
    candidates = ["%s/%s (%s)" % (path.rstrip("/"), name, vm._moId) for vm, path, name in located]
    raise Ambiguous(
        "%d VMs match %s '%s': %s; narrow it with folder or datacenter, or use uuid or moid"
        % (len(located), kind, value, ", ".join(candidates)),
        candidates=candidates,
    )


def inventory_path(name, folder, datacenter):
    """The inventory path of VM ``name`` in ``folder``, or None when the options do not pin one down.

    An absolute folder is the path itself; a relative one needs the datacenter (assumed at the
    root: a datacenter inside folders is then found by the full walk instead). Names holding
    '/' are left to the walk, since inventory paths escape them.
    """
    if not (name and folder) or "/" in name:
        return None
    absolute, parts = normalize_folder(folder)
    if absolute == bool(datacenter):
        return None  # relative without a datacenter, or absolute plus a datacenter to check
    if not absolute:
        parts = [datacenter, "vm"] + parts
    return "/".join(parts + [name])


def find_vm(session, name=None, uuid=None, moid=None, folder=None, datacenter=None, use_instance_uuid=False):
    """The VM these identity options name, or None. Raises Ambiguous when several match."""
    if folder is not None and not folder.strip("/"):
        raise InvalidInput("folder must name a folder, for example '/DC0/vm/web' or 'web'")
    if moid:
        return session.ref("VirtualMachine", moid)
    path = inventory_path(name, folder, datacenter)
    if path:
        found = session.content.searchIndex.FindByInventoryPath(path)
        if isinstance(found, vim.VirtualMachine):
            return found
        if folder.startswith("/"):
            return None  # an absolute path is exact: nothing there
        # relative: the datacenter may sit inside a folder; the walk below decides
    if uuid:
        search = session.content.searchIndex
        matches = list(search.FindAllByUuid(datacenter=None, uuid=uuid, vmSearch=True, instanceUuid=use_instance_uuid) or [])
        kind, value = "uuid", uuid
    else:
        inventory, names = _inventory(session, name=name)
        matches = [session.ref("VirtualMachine", moid) for moid in names]
        kind, value = "name", name
    if not matches:
        return None
    if len(matches) == 1 and not (folder or datacenter):
        return matches[0]
    if uuid:
        inventory, names = _inventory(session, moids=[vm._moId for vm in matches])
    located = _narrow(session, inventory, matches, folder, datacenter)
    if len(located) > 1:
        _ambiguous(kind, value, [(vm, path, names.get(vm._moId, "?")) for vm, path in located])
    return located[0][0] if located else None


def get_vm(session, **identity):
    """Like find_vm, but a missing VM raises NotFound."""
    vm = find_vm(session, **identity)
    if vm is None:
        what = identity.get("name") or identity.get("uuid")
        kind = "named" if identity.get("name") else "with uuid"
        raise NotFound("no VM %s '%s'%s" % (kind, what, scope_text(identity.get("folder"), identity.get("datacenter"))))
    return vm


def open_vm(module, session, paths=None, reader=None):
    """The opening of every VM module: find the VM the identity options name and read it.

    Under ``doing("find VM '<name>'")``: get_vm(), then one read of ``paths`` (or
    ``reader(session, vm_ref)`` for a module with its own bulk read). Returns ``(vm_ref, values)``.
    """
    with module.doing("find VM '%s'" % vm_label(module.params)):
        vm_ref = get_vm(session, **vm_identity(module.params))
        values = reader(session, vm_ref) if reader is not None else read_one(session, vm_ref, paths, what="VM")
    return vm_ref, values
