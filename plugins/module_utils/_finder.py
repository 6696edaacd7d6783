# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding inventory objects at a cost that does not grow with the inventory.

find_* returns None when nothing matches; get_* raises NotFound. A name that matches
several objects raises Ambiguous naming every candidate with its inventory path.

VM by name in a folder given as an absolute path (or relative, with the datacenter): one
SearchIndex.FindByInventoryPath, whose answer has the same size at any inventory size.
VM by moid: none (the caller's first read proves it exists). VM by uuid: one SearchIndex call.

VM by name otherwise: vCenter's own filter, the Automation API's VM list (_vm_names: log in,
``GET /api/vcenter/vm?names=``, log out, over the SOAP connection), whose answer holds only
the VMs of that name. When several share the name, or a folder or datacenter narrows the
search, one more read for the containers (folders, datacenters, vApps: no VMs) and one for the
matches' parents give each candidate's path.

The walk: one RetrievePropertiesEx over the VM folders from the root (every VM's name, the
containers' names and parents), parsed by _bulk_read (C ElementTree, plain values, only the
VMs of the wanted name kept); one more read for the matches when narrowing. Its answer grows
with the inventory (about 230 bytes per VM). It is used where the list cannot answer: a name
no VM has (a template's: the list never shows templates), ``templates=True`` (the caller looks
for a template), an ESXi host, a vCenter whose Automation API is unreachable or refuses the
account, names vCenter stores escaped (``%``, ``/``, ``\\``). Through the list, a template that
shares its name with VMs is not a candidate: give folder, uuid or moid to reach it.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import vm_identity, vm_label
from ansible_collections.opensphere.vsphere.plugins.module_utils._bulk_read import retrieve_plain
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read, read_one
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_names import escaped, vm_ids


def _walk_spec(session, with_vms=True):
    """Object and property specs covering every VM folder, datacenter, vApp and (``with_vms``) VM."""
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
    ]
    if with_vms:
        props.append(pc.PropertySpec(type=vim.VirtualMachine, pathSet=["name"]))
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


def _inventory(session, name=None, moids=(), with_vms=True):
    """``(inventory, {vm moid: name})`` of the VMs called ``name`` or with one of ``moids``: one lean read.

    The containers (folders, datacenters, vApps) are all kept, to build paths; of the VMs only
    the wanted ones, so memory does not grow with the VMs beyond the parsed answer. Without
    ``with_vms`` the read holds the containers alone (its size then follows the folders).
    """
    objects, props = _walk_spec(session, with_vms)
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


def wants_vm_list(params):
    """Whether find_vm will ask vCenter's VM list for these identity options (a name it cannot
    resolve by inventory path), so the module may start the list's REST login early."""
    name = params.get("name")
    if not name or params.get("uuid") or params.get("moid") or escaped(name):
        return False
    return inventory_path(name, params.get("folder"), params.get("datacenter")) is None


def find_vm(session, name=None, uuid=None, moid=None, folder=None, datacenter=None, use_instance_uuid=False,
            templates=False):
    """The VM these identity options name, or None. Raises Ambiguous when several match.

    ``templates``: the name is expected to be a template's (which the VM list never shows), so
    the walk is taken at once instead of after an empty list.
    """
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
    inventory = None
    if uuid:
        search = session.content.searchIndex
        matches = list(search.FindAllByUuid(datacenter=None, uuid=uuid, vmSearch=True, instanceUuid=use_instance_uuid) or [])
        kind, value, names = "uuid", uuid, {}
    else:
        kind, value = "name", name
        listed = None if templates else vm_ids(session, name)
        if listed:
            names = dict.fromkeys(listed, name)
        else:
            inventory, names = _inventory(session, name=name)
        matches = [session.ref("VirtualMachine", moid) for moid in names]
    if not matches:
        return None
    if len(matches) == 1 and not (folder or datacenter):
        return matches[0]
    if uuid:
        inventory, names = _inventory(session, moids=[vm._moId for vm in matches])
    elif inventory is None:
        inventory, _none = _inventory(session, with_vms=False)
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
        if getattr(session, "name_lookup_warning", None):
            module.warn(session.name_lookup_warning)
        values = reader(session, vm_ref) if reader is not None else read_one(session, vm_ref, paths, what="VM")
    return vm_ref, values
