# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything vm_hardware plans from, in one RetrievePropertiesEx.

The VM's hardware (with its devices), hot-add flags, version, upgrade policy, power state
and tools status, plus the names of the networks it uses. When the request names a network
or a datastore, the same call also walks up to the VM's datacenter and down its network and
datastore folders, so names cost one round trip whatever the inventory size.
The facts are plain dicts; the pyVmomi objects stay in ``Context``.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound, TaskFailed, gone
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import power_state
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import retrieve
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.device_facts import (
    CONTROLLERS, KIND_ORDER, allocations, cdrom_facts, controller_facts, datastore_of, disk_facts, nic_facts,
)
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import POLICY_NAMES, version_number

VM_PATHS = ["name", "config.hardware", "config.cpuHotAddEnabled", "config.cpuHotRemoveEnabled",
            "config.memoryHotAddEnabled", "config.version", "config.scheduledHardwareUpgradeInfo",
            "config.template", "config.files.vmPathName", "runtime.powerState", "runtime.host",
            "guest.toolsRunningStatus", "environmentBrowser", "config.cpuAllocation", "config.memoryAllocation",
            "config.memoryReservationLockedToMax", "config.nestedHVEnabled", "config.guestId", "config.firmware",
            "config.bootOptions"]


class Context:
    """pyVmomi objects behind the facts: devices by key, controllers, networks and datastores by name."""

    def __init__(self):
        self.devices = {}
        self.controllers = {}   # (kind, bus number) -> controller key
        self.networks = {}      # name -> {"ref", "dvs_uuid", "key"}
        self.datastores = {}    # name -> {"ref", "browser"}
        self.inventory_read = False
        self.environment_browser = None
        self.host = None


def _spec(vm_ref, inventory):
    pc = vmodl.query.PropertyCollector
    select = pc.SelectionSpec
    uses = pc.TraversalSpec(name="uses", type=vim.VirtualMachine, path="network", skip=False)
    traversals = [uses]
    props = [pc.PropertySpec(type=vim.VirtualMachine, pathSet=VM_PATHS),
             pc.PropertySpec(type=vim.Network, pathSet=["name"]),
             pc.PropertySpec(type=vim.dvs.DistributedVirtualPortgroup, pathSet=["name", "key", "config.distributedVirtualSwitch"])]
    if inventory:
        down = pc.TraversalSpec(name="down", type=vim.Folder, path="childEntity", skip=False, selectSet=[select(name="down")])
        nets = pc.TraversalSpec(name="nets", type=vim.Datacenter, path="networkFolder", skip=False, selectSet=[down])
        stores = pc.TraversalSpec(name="stores", type=vim.Datacenter, path="datastoreFolder", skip=False, selectSet=[down])
        up = pc.TraversalSpec(name="up", type=vim.Folder, path="parent", skip=False,
                              selectSet=[select(name="up"), nets, stores])
        traversals.append(pc.TraversalSpec(name="vmUp", type=vim.VirtualMachine, path="parent", skip=False, selectSet=[up]))
        props += [pc.PropertySpec(type=vim.Datastore, pathSet=["name", "browser"]),
                  pc.PropertySpec(type=vim.DistributedVirtualSwitch, pathSet=["uuid"])]
    return [pc.ObjectSpec(obj=vm_ref, skip=False, selectSet=traversals)], props


def read(session, vm_ref, inventory=False):
    """``(facts, Context)`` of the VM; ``inventory`` adds the datacenter's networks and datastores."""
    objects, props = _spec(vm_ref, inventory)
    try:
        rows = retrieve(session, objects, props)
    except vmodl.MethodFault as exc:  # a VM that is gone is NotFound, as everywhere (_errors.gone)
        raise gone(exc) or exc
    ctx, values, switches, portgroups = Context(), None, {}, []
    ctx.inventory_read = inventory
    for obj, row in rows:
        if isinstance(obj, vim.VirtualMachine):
            values = row
        elif isinstance(obj, vim.Datastore):
            ctx.datastores[row.get("name")] = {"ref": obj, "browser": row.get("browser")}
        elif isinstance(obj, vim.DistributedVirtualSwitch):
            switches[obj._moId] = row.get("uuid")
        elif isinstance(obj, vim.dvs.DistributedVirtualPortgroup):
            portgroups.append((obj, row))
        elif isinstance(obj, vim.Network):
            ctx.networks.setdefault(row.get("name"), {"ref": obj, "dvs_uuid": None, "key": None})
    if values is None:
        raise NotFound("VM %s does not exist" % vm_ref._moId)
    for obj, row in portgroups:
        dvs = row.get("config.distributedVirtualSwitch")
        ctx.networks[row.get("name")] = {"ref": obj, "key": row.get("key"),
                                         "dvs_uuid": switches.get(dvs._moId) if dvs is not None else None}
    ctx.environment_browser = values.get("environmentBrowser")
    ctx.host = values.get("runtime.host")
    return facts(vm_ref._moId, values, ctx), ctx


def facts(moid, values, ctx):
    hw = values.get("config.hardware")
    devices = list(hw.device or []) if hw is not None else []
    ctx.devices = {dev.key: dev for dev in devices}
    controllers = [controller_facts(dev) for dev in devices if isinstance(dev, CONTROLLERS)]
    ctx.controllers = {(c["kind"], c["bus_number"]): c["key"] for c in controllers}
    names_by_key = {info["key"]: name for name, info in ctx.networks.items() if info["key"]}
    policy = values.get("config.scheduledHardwareUpgradeInfo")
    return {
        "name": values.get("name"),
        "moid": moid,
        "power_state": power_state(values.get("runtime.powerState")),
        "tools_running_status": values.get("guest.toolsRunningStatus"),
        "template": bool(values.get("config.template")),
        "vm_datastore": datastore_of(values.get("config.files.vmPathName")),
        "num_cpus": hw.numCPU if hw is not None else None,
        "cores_per_socket": (hw.numCoresPerSocket or 1) if hw is not None else None,
        "memory_mb": hw.memoryMB if hw is not None else None,
        "cpu_hot_add": bool(values.get("config.cpuHotAddEnabled")),
        "cpu_hot_remove": bool(values.get("config.cpuHotRemoveEnabled")),
        "memory_hot_add": bool(values.get("config.memoryHotAddEnabled")),
        **allocations(values),
        "hardware_version": values.get("config.version"),
        "upgrade_policy": {
            "policy": POLICY_NAMES.get(getattr(policy, "upgradePolicy", None) or "never", policy.upgradePolicy if policy else "never"),
            "version": (getattr(policy, "versionKey", None) or None) if policy else None,
        },
        "controllers": sorted(controllers, key=lambda c: (c["kind"], c["bus_number"])),
        "disks": sorted((disk_facts(dev, ctx) for dev in devices if isinstance(dev, vim.vm.device.VirtualDisk)),
                        key=lambda d: (KIND_ORDER.get(d["controller_type"], 9), d["controller"] if d["controller"] is not None else 99,
                                       d["unit_number"] or 0)),
        # in slot order: the order adapters were added (keys need not grow with it)
        "nics": [nic_facts(dev, names_by_key) for dev in sorted(
            (dev for dev in devices if isinstance(dev, vim.vm.device.VirtualEthernetCard)),
            key=lambda dev: (dev.unitNumber if dev.unitNumber is not None else 99, dev.key))],
        "cdroms": sorted((cdrom_facts(dev, ctx) for dev in devices if isinstance(dev, vim.vm.device.VirtualCdrom)),
                         key=lambda c: c["key"]),
    }


def supported_versions(ctx):
    """Hardware versions the VM's host can run (one QueryConfigOptionDescriptor), oldest first."""
    out = []
    for desc in ctx.environment_browser.QueryConfigOptionDescriptor() or []:
        hosts = [h._moId for h in desc.host or []]
        if ctx.host is None or not hosts or ctx.host._moId in hosts:
            out.append(desc.key)
    return sorted(set(key for key in out if version_number(key)), key=version_number)


def needs_inventory(p):
    """Read the datacenter's networks and datastores only when the request names one."""
    names_network = any(n.get("network") for n in p["nics"] or [])
    names_datastore = any(d.get("datastore") for d in p["disks"] or [])
    mounts = any(c.get("type") == "iso" for c in (p["cdroms"] or []) + ([p["cdrom"]] if p["cdrom"] else []))
    return bool(names_network or names_datastore or mounts)


def needs_versions(p, before):
    """Ask the host for its hardware versions only when the request upgrades or sets a policy."""
    version = p["hardware_version"]
    if version == "latest" or (version and version_number(version) > version_number(before["hardware_version"])):
        return True
    return bool(p["upgrade_policy"] and p["upgrade_policy"]["policy"] != "never")


def used_units(ctx):
    """The unit numbers taken on each controller: ``{(kind, bus): {unit, ...}}``."""
    units = {}
    bus_of = {key: kind_bus for kind_bus, key in ctx.controllers.items()}
    for dev in ctx.devices.values():
        if dev.controllerKey in bus_of and dev.unitNumber is not None:
            units.setdefault(bus_of[dev.controllerKey], set()).add(dev.unitNumber)
    return units


def iso_exists(session, waiter, ctx, path, timeout):
    """True when the ISO file exists on its datastore (one SearchDatastore_Task)."""
    datastore, _sep, rest = path[1:].partition("]")
    rest = rest.strip()
    folder, _sep, filename = rest.rpartition("/")
    browser = ctx.datastores[datastore]["browser"]
    spec = vim.host.DatastoreBrowser.SearchSpec(matchPattern=[filename])
    task = browser.SearchDatastore_Task(datastorePath="[%s] %s" % (datastore, folder), searchSpec=spec)
    try:
        result = waiter.task(task, timeout, "search for %s" % path)
    except TaskFailed as exc:
        # The folder itself is missing: then so is the file. Any other fault (no permission, a datastore
        # that is not accessible) is not "file not found" and is reported as what it is.
        if exc.fault_type == "FileNotFound":
            return False
        raise
    return bool(result and any(f.path == filename for f in result.file or []))


def supported_guest_ids(ctx, guest_id):
    """The guest OS ids the VM's host offers for ``guest_id`` (one QueryConfigOptionEx filtered to it)."""
    spec = vim.EnvironmentBrowser.ConfigOptionQuerySpec(guestId=[guest_id], host=ctx.host)
    option = ctx.environment_browser.QueryConfigOptionEx(spec=spec)
    return set(desc.id for desc in (option.guestOSDescriptor if option else None) or [])
