# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every VM of a vCenter as a plain record, in a constant number of round trips.

One RetrievePropertiesEx (plus its continuation pages) reads two things at once: the asked
properties of every VM, through a recursive ContainerView, and the name and parent of every
folder, datacenter, compute resource, host and resource pool, through one traversal from the
root folder. Folder paths, datacenters, clusters, hosts and pools are then resolved locally.
The same read costs the same number of calls at 4 VMs and at 10,000 (apart from paging).

The records are plain dicts (JSON-able, so an inventory cache can store them) keyed by the
host variable names, ``vsphere_name``, ``vsphere_power_state``, ...
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._finder import Inventory
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import power_state
from ansible_collections.opensphere.vsphere.plugins.module_utils._bulk_read import retrieve_plain
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl

PREFIX = "vsphere_"

# Short property name -> the vSphere paths it is computed from.
CATALOG = {
    "name": ["name"],
    "moid": [],
    "uuid": ["config.uuid"],
    "instance_uuid": ["config.instanceUuid"],
    "power_state": ["runtime.powerState"],
    "template": ["config.template"],
    "guest_ip": ["guest.ipAddress"],
    "guest_hostname": ["guest.hostName"],
    "guest_id": ["config.guestId"],
    "guest_os": ["config.guestFullName"],
    "folder": ["parent", "parentVApp"],
    "datacenter": ["parent", "parentVApp"],
    "host": ["runtime.host"],
    "cluster": ["runtime.host"],
    "resource_pool": ["resourcePool"],
    "tags": [],  # read over the vSphere Automation API, see _tags.py
}

DEFAULT_PROPERTIES = ["name", "moid", "uuid", "power_state", "template", "guest_ip", "guest_hostname",
                      "guest_id", "guest_os", "folder", "datacenter", "cluster", "host", "resource_pool"]

# Set whatever was asked: hostnames, the include_* options and messages need these.
ALWAYS_SET = ["name", "moid", "power_state", "template"]

# hostnames entries -> the property that gives the host its name.
HOSTNAME_SOURCES = {
    "name": "name",
    "ip": "guest_ip",
    "dns": "guest_hostname",
    "uuid": "uuid",
    "instance_uuid": "instance_uuid",
    "moid": "moid",
}

# Containers read alongside the VMs: (type name, the traversal paths out of it).
_CONTAINERS = [
    ("Folder", ["childEntity"]),
    ("Datacenter", ["vmFolder", "hostFolder"]),
    ("ComputeResource", ["host", "resourcePool"]),
    ("ResourcePool", ["resourcePool"]),
    ("HostSystem", []),
]


def var_name(prop):
    """The host variable of a property: ``vsphere_power_state``, ``vsphere_config_hardware_numCPU``."""
    return PREFIX + prop.replace(".", "_")


def check_path(path):
    """Refuse a property path VirtualMachine does not have, with pyVmomi's type tables (no round trip).

    The path may go through data objects, not through arrays (the PropertyCollector cannot either).
    """
    kind, walked = vim.VirtualMachine, []
    for part in path.split("."):
        try:
            info = kind._GetPropertyInfo(part)
        except (AttributeError, KeyError):
            info = None
        if info is None:
            where = "VirtualMachine" + "".join("." + step for step in walked)
            raise InvalidInput("properties entry '%s' is neither one of %s nor a property path of VirtualMachine "
                               "(%s has no '%s')" % (path, ", ".join(CATALOG), where, part), fault_type="InvalidProperty")
        kind = info.type
        walked.append(part)
        if issubclass(kind, list) and part != path.split(".")[-1]:
            raise InvalidInput("properties entry '%s' goes through the array %s: read the whole array instead"
                               % (path, ".".join(walked)), fault_type="InvalidProperty")


def plan_properties(properties, hostnames):
    """Split the asked properties into catalog names and raw vSphere paths, and list the paths to read.

    Pure. Returns ``(names, raw, paths)``; every hostnames entry must be a known source.
    """
    names, raw = list(ALWAYS_SET), []
    for prop in properties:
        target = names if prop in CATALOG else raw
        if prop not in target:
            target.append(prop)
    for entry in hostnames:
        if entry not in HOSTNAME_SOURCES:
            raise InvalidInput("hostnames entry '%s' is not one of %s" % (entry, ", ".join(sorted(HOSTNAME_SOURCES))))
    for entry in hostnames:
        if HOSTNAME_SOURCES[entry] not in names:
            names.append(HOSTNAME_SOURCES[entry])
    paths = []
    for prop in names:
        for path in CATALOG[prop]:
            if path not in paths:
                paths.append(path)
    for path in raw:
        check_path(path)
        if path not in paths:
            paths.append(path)
    return names, raw, paths


def _specs(session, view, paths):
    pc = vmodl.query.PropertyCollector
    select = pc.SelectionSpec
    traversals = []
    for kind, edges in _CONTAINERS:
        for edge in edges:
            traversals.append(pc.TraversalSpec(name="%s.%s" % (kind, edge), type=getattr(vim, kind), path=edge, skip=False,
                                               selectSet=[select(name="%s.%s" % (k, e)) for k, es in _CONTAINERS for e in es]))
    view_traversal = pc.TraversalSpec(name="view", type=vim.view.ContainerView, path="view", skip=False)
    objects = [
        pc.ObjectSpec(obj=view, skip=True, selectSet=[view_traversal]),
        pc.ObjectSpec(obj=session.content.rootFolder, skip=False, selectSet=traversals),
    ]
    props = [pc.PropertySpec(type=vim.VirtualMachine, pathSet=list(paths))]
    props += [pc.PropertySpec(type=getattr(vim, kind), pathSet=["name", "parent"]) for kind, _edges in _CONTAINERS]
    return objects, props


def read_all(session, paths, page_size=1000):
    """``(inventory, [(vm moid, {path: plain value})])`` for every VM, in one paged read."""
    manager = session.content.viewManager
    view = manager.CreateContainerView(session.content.rootFolder, [vim.VirtualMachine], True)
    try:
        objects, props = _specs(session, view, paths)
        spec = vmodl.query.PropertyCollector.FilterSpec(objectSet=objects, propSet=props)
        rows = retrieve_plain(session, spec, max_objects=page_size)
    finally:
        view.DestroyView()
    inventory = Inventory(session.content.rootFolder._moId)
    vms = []
    for kind, moid, values in rows:
        if kind == "VirtualMachine":
            vms.append((moid, values))
        else:
            inventory.put(moid, values.get("name"), values.get("parent"), kind)
    return inventory, vms


def record(inventory, moid, values, names, raw):
    """The host variables of one VM (pure given the inventory): catalog names, then raw paths."""
    parent = values.get("parent") or values.get("parentVApp")
    host = values.get("runtime.host")
    host_node = inventory.nodes.get(host)
    compute = inventory.nodes.get(host_node[1]) if host_node else None
    pool = inventory.nodes.get(values.get("resourcePool"))
    computed = {
        "name": values.get("name"),
        "moid": moid,
        "uuid": values.get("config.uuid"),
        "instance_uuid": values.get("config.instanceUuid"),
        "power_state": power_state(values.get("runtime.powerState")),
        "template": bool(values.get("config.template")),
        "guest_ip": values.get("guest.ipAddress"),
        "guest_hostname": values.get("guest.hostName"),
        "guest_id": values.get("config.guestId"),
        "guest_os": values.get("config.guestFullName"),
        "folder": inventory.folder_path(parent) if parent else None,
        "datacenter": inventory.datacenter_of(parent) if parent else None,
        "host": host_node[0] if host_node else None,
        "cluster": compute[0] if compute and compute[2] == "ClusterComputeResource" else None,
        "resource_pool": pool[0] if pool else None,
    }
    out = dict((var_name(name), computed[name]) for name in names if name in computed)
    for path in raw:
        out[var_name(path)] = values.get(path)
    return out


def included(rec, include_templates, include_powered_off):
    """Whether the include_* options keep this VM (pure)."""
    if rec.get(PREFIX + "template") and not include_templates:
        return False
    if rec.get(PREFIX + "power_state") != "powered-on" and not include_powered_off:
        return False
    return True


def hostname(rec, preferences):
    """The first preferred source that is set for this VM, else its moid (never empty)."""
    for entry in preferences:
        value = rec.get(var_name(HOSTNAME_SOURCES[entry]))
        if value not in (None, ""):
            return str(value)
    return rec[PREFIX + "moid"]


def assign_hostnames(records, preferences):
    """``([(host name, record)], duplicates)``: a name several VMs share becomes ``<name>_<moid>`` for each."""
    names = [hostname(rec, preferences) for rec in records]
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    named, duplicates = [], set()
    for name, rec in zip(names, records):
        if counts[name] > 1:
            duplicates.add(name)
            name = "%s_%s" % (name, rec[PREFIX + "moid"])
        named.append((name, rec))
    return named, sorted(duplicates)


_TAGGING = {  # /api path (7.0+) -> /rest path (6.7)
    "tags": ("/cis/tagging/tag", "/com/vmware/cis/tagging/tag"),
    "tag": ("/cis/tagging/tag/%s", "/com/vmware/cis/tagging/tag/id:%s"),
    "category": ("/cis/tagging/category/%s", "/com/vmware/cis/tagging/category/id:%s"),
    "attached": ("/cis/tagging/tag-association?action=list-attached-objects-on-tags",
                 "/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags"),
}


def _tagging(rest, what, *args, **kwargs):
    api, old = _TAGGING[what]
    method = kwargs.pop("method", "GET")
    return rest.request(method, api % args if args else api, rest=old % args if args else old, **kwargs)


def read_tags(rest):
    """``{vm moid: ["category:tag", ...]}`` from the vSphere Automation API tagging service.

    One call lists the tags, one per tag and one per category read their names, and one
    bulk association read (list-attached-objects-on-tags) gives every tagged object: the
    count grows with the number of tags, never with the number of VMs.
    """
    tag_ids = _tagging(rest, "tags") or []
    if not tag_ids:
        return {}
    tags = dict((tag_id, _tagging(rest, "tag", tag_id)) for tag_id in tag_ids)
    categories = {}
    for tag in tags.values():
        if tag["category_id"] not in categories:
            categories[tag["category_id"]] = _tagging(rest, "category", tag["category_id"])["name"]
    attached = _tagging(rest, "attached", method="POST", body={"tag_ids": list(tag_ids)}) or []
    return vm_tags(attached, dict((tag_id, (categories[tag["category_id"]], tag["name"])) for tag_id, tag in tags.items()))


def vm_tags(attached, names):
    """Pure: the association answer and ``{tag id: (category, tag)}`` -> ``{vm moid: sorted labels}``."""
    out = {}
    for entry in attached:
        category, tag = names.get(entry.get("tag_id"), (None, None))
        if tag is None:
            continue  # a tag deleted between the two reads
        for obj in entry.get("object_ids") or []:
            if obj.get("type") == "VirtualMachine":
                out.setdefault(obj["id"], set()).add("%s:%s" % (category, tag))
    return dict((moid, sorted(labels)) for moid, labels in out.items())


def set_tags(records, tags):
    """Set vsphere_tags and vsphere_tag_categories on every record (empty when untagged)."""
    for rec in records:
        labels = tags.get(rec[PREFIX + "moid"], [])
        rec[PREFIX + "tags"] = labels
        by_category = {}
        for label in labels:
            category, tag = label.split(":", 1)
            by_category.setdefault(category, []).append(tag)
        rec[PREFIX + "tag_categories"] = by_category
