# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deploy source read as plain facts: a folder template (one property read) or a VMTX item (REST).

Both give the same shape, so the plan, the customization fit and the overrides do not care
where the template lives: name, guest_id, num_cpus, cores_per_socket, memory_mb,
disks [{label, key, size_mb}], nics [{label, key, network}], snapshots, is_template; a folder
template also gives where it is (``host``: the moid of its host, ``datacenter``: its datacenter's
name and moid), read in the same call, for vm_template_deploy's placement defaults.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, NotFound, gone
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import retrieve
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl

TEMPLATE_PATHS = ["name", "config.template", "config.guestId", "config.hardware.numCPU",
                  "config.hardware.numCoresPerSocket", "config.hardware.memoryMB", "config.hardware.device",
                  "snapshot", "runtime.host"]
SOURCE_MARK = "opensphere.deploy.source"


def _walk(nodes, path=""):
    for node in nodes or []:
        full = node.name if not path else path + "/" + node.name
        yield full, node
        yield from _walk(node.childSnapshotList, full)


def template_facts(ref, values, network_names, datacenter=None):
    """Facts of a template VM from its TEMPLATE_PATHS values; ``network_names``: moid -> name;
    ``datacenter``: (name, moid) of the datacenter it is in, when read."""
    disks, nics = [], []
    for dev in values.get("config.hardware.device") or []:
        label = dev.deviceInfo.label if dev.deviceInfo else str(dev.key)
        if isinstance(dev, vim.vm.device.VirtualDisk):
            disks.append({"label": label, "key": dev.key, "size_mb": int(dev.capacityInKB // 1024)})
        elif isinstance(dev, vim.vm.device.VirtualEthernetCard):
            backing, network = dev.backing, None
            if isinstance(backing, vim.vm.device.VirtualEthernetCard.NetworkBackingInfo):
                network = backing.deviceName
            elif isinstance(backing, vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo):
                network = network_names.get(backing.port.portgroupKey, backing.port.portgroupKey)
            nics.append({"label": label, "key": dev.key, "network": network})
    snap = values.get("snapshot")
    snapshots = {path: node.snapshot for path, node in _walk(snap.rootSnapshotList if snap else [])}
    return {
        "name": values.get("name"), "moid": ref._moId, "is_template": bool(values.get("config.template")),
        "guest_id": values.get("config.guestId"), "num_cpus": values.get("config.hardware.numCPU"),
        "cores_per_socket": values.get("config.hardware.numCoresPerSocket") or 1,
        "memory_mb": values.get("config.hardware.memoryMB"), "disks": disks, "nics": nics,
        "snapshots": snapshots, "current_snapshot": snap.currentSnapshot if snap else None,
        "devices": {dev.key: dev for dev in values.get("config.hardware.device") or []},
        "host": values["runtime.host"]._moId if values.get("runtime.host") is not None else None,
        "datacenter": {"name": datacenter[0], "moid": datacenter[1]} if datacenter else None,
    }


def read_template_values(session, ref):
    """``(TEMPLATE_PATHS values, (datacenter name, moid) or None)`` of a template VM in one RetrievePropertiesEx:
    the VM, and up its folders to its datacenter (only the datacenter's name is read on the way)."""
    pc = vmodl.query.PropertyCollector
    up = pc.TraversalSpec(name="up", type=vim.Folder, path="parent", skip=False, selectSet=[pc.SelectionSpec(name="up")])
    vm_up = pc.TraversalSpec(name="vmUp", type=vim.VirtualMachine, path="parent", skip=False, selectSet=[up])
    objects = [pc.ObjectSpec(obj=ref, skip=False, selectSet=[vm_up])]
    props = [pc.PropertySpec(type=vim.VirtualMachine, pathSet=TEMPLATE_PATHS), pc.PropertySpec(type=vim.Datacenter, pathSet=["name"])]
    try:
        rows = retrieve(session, objects, props)
    except vmodl.MethodFault as exc:
        raise gone(exc) or exc
    values = next((row for obj, row in rows if isinstance(obj, vim.VirtualMachine) and obj._moId == ref._moId), None)
    if values is None:
        raise NotFound("template %s does not exist (a wrong moid, or it was removed meanwhile)" % ref._moId)
    dc = next(((row.get("name"), obj._moId) for obj, row in rows if isinstance(obj, vim.Datacenter)), None)
    return values, dc


def read_template(session, ref, network_names, read=None):
    """The template's facts; ``read``: what read_template_values() already gave (then no call)."""
    values, dc = read or read_template_values(session, ref)
    return template_facts(ref, values, network_names, dc)


def networks(session, datacenter):
    """{name: {ref, key, dvs_uuid}} and {moid or portgroup key: name} of a datacenter's networks, one read."""
    pc = vmodl.query.PropertyCollector
    traverse = pc.TraversalSpec(name="dcNetworks", type=vim.Datacenter, path="network", skip=False)
    specs = [pc.ObjectSpec(obj=datacenter, skip=True, selectSet=[traverse])]
    props = [pc.PropertySpec(type=vim.Network, pathSet=["name"]),
             pc.PropertySpec(type=vim.dvs.DistributedVirtualPortgroup, pathSet=["name", "key", "config.distributedVirtualSwitch"])]
    by_name, names = {}, {}
    switches = {}
    rows = retrieve(session, specs, props)
    dvs_refs = [v["config.distributedVirtualSwitch"] for _o, v in rows if v.get("config.distributedVirtualSwitch")]
    if dvs_refs:
        uniq = list({d._moId: d for d in dvs_refs}.values())
        for obj, v in retrieve(session, [pc.ObjectSpec(obj=d) for d in uniq],
                               [pc.PropertySpec(type=vim.DistributedVirtualSwitch, pathSet=["uuid"])]):
            switches[obj._moId] = v.get("uuid")
    for obj, v in rows:
        key = v.get("key")
        dvs = v.get("config.distributedVirtualSwitch")
        by_name[v["name"]] = {"ref": obj, "key": key, "dvs_uuid": switches.get(dvs._moId) if dvs else None}
        names[obj._moId] = v["name"]
        if key:
            names[key] = v["name"]
    return by_name, names


def pick_snapshot(template, snapshot):
    """The snapshot a linked clone grows from: the named one (a tree path or name) or the current one."""
    if snapshot:
        if snapshot in template["snapshots"]:
            return template["snapshots"][snapshot]
        named = [ref for path, ref in template["snapshots"].items() if path.rsplit("/", 1)[-1] == snapshot]
        if len(named) == 1:
            return named[0]
        raise NotFound("template %s has %s snapshot named '%s' (it has %s)" % (
            template["name"], "more than one" if named else "no", snapshot, sorted(template["snapshots"]) or "none"))
    if template["current_snapshot"] is None:
        raise InvalidInput("linked_clone needs a snapshot of template %s, and it has none: take one first "
                           "(vm_snapshot) or deploy a full clone" % template["name"])
    return template["current_snapshot"]


# --- content library (REST) -------------------------------------------------------------

def _find(rest, kind, body, api, rest_path):
    action = {"action": "find"} if rest.style == "api" else {"~action": "find"}
    return rest.request("POST", api, rest=rest_path, body=body, rest_body={"spec": body}, params=action) or []


def _one(ids, kind, name):
    if not ids:
        raise NotFound("no content %s named '%s'" % (kind, name))
    if len(ids) > 1:
        raise InvalidInput("%d content %ss are named '%s': %s" % (len(ids), kind, name, ", ".join(ids)),
                           fault_type="Ambiguous")
    return ids[0]


LIBRARY = ("/content/library", "/com/vmware/content/library")
ITEM = ("/content/library/item", "/com/vmware/content/library/item")


ITEM_WORDS = {"vm-template": "VM template", "ovf": "OVF template", "iso": "ISO image"}


def library_item(rest, library, item, kind="vm-template"):
    """The id of the ``kind`` item ``item`` in ``library`` (both by name): two finds, a third only to explain a miss.

    A VMTX item asked for that is an OVF template is refused with a pointer to ovf_deploy; any other kind
    asked for that names an item of another type is refused as WrongItemType."""
    words = ITEM_WORDS.get(kind, kind)
    lib = _one(_find(rest, "library", {"name": library}, *LIBRARY), "library", library)
    ids = _find(rest, "item", {"name": item, "library_id": lib, "type": kind}, *ITEM)
    if ids:
        return _one(ids, "library %s item" % words, item)
    if kind == "vm-template":
        if _find(rest, "item", {"name": item, "library_id": lib, "type": "ovf"}, *ITEM):
            raise InvalidInput("library item '%s' in library '%s' is an OVF template, not a VM template (VMTX): "
                               "deploy it with opensphere.vsphere.ovf_deploy" % (item, library), fault_type="WrongItemType")
    elif _find(rest, "item", {"name": item, "library_id": lib}, *ITEM):
        raise InvalidInput("library item '%s' in library '%s' is not of type %s (%s)" % (item, library, kind, words),
                           fault_type="WrongItemType")
    raise NotFound("library '%s' has no %s item named '%s'" % (library, words, item))


def _vapi_map(value):
    if isinstance(value, list):
        return {entry["key"]: entry["value"] for entry in value}
    return value or {}


def vmtx_facts(rest, item_id, item_name, network_names):
    """The template facts of a VMTX item from GET /vcenter/vm-template/library-items/{id}."""
    info = rest.request("GET", "/vcenter/vm-template/library-items/" + item_id)
    nics = sorted(_vapi_map(info.get("nics")).items(), key=lambda kv: int(kv[0]))
    disks = sorted(_vapi_map(info.get("disks")).items(), key=lambda kv: int(kv[0]))
    guest = str(info.get("guest_OS") or "")
    return {
        "name": item_name, "moid": info.get("vm_template"), "is_template": True,
        # the vAPI spells the guest OS as an enum (WINDOWS_9_SERVER_64); only its family matters here
        "guest_id": "windows" if guest.startswith("WIN") else guest.lower(),
        "num_cpus": info["cpu"]["count"], "cores_per_socket": info["cpu"].get("cores_per_socket") or 1,
        "memory_mb": info["memory"]["size_MiB"],
        "disks": [{"label": "Hard disk %d" % (i + 1), "key": int(k), "size_mb": int(v["capacity"] // (1024 * 1024))}
                  for i, (k, v) in enumerate(disks)],
        "nics": [{"label": "Network adapter %d" % (i + 1), "key": int(k), "network": network_names.get(v.get("network"), v.get("network"))}
                 for i, (k, v) in enumerate(nics)],
        "snapshots": {}, "current_snapshot": None, "devices": {},
    }
