# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's decisions as pure functions: options checked, then ``before`` facts -> Plan.

check_options() refuses what the options alone make impossible (before any session).
changes() works out what the request changes: CPU, memory and hot-add flags and the hardware
version here, devices in devices.py (only what the request names is touched; nothing is
removed unless an entry says ``state: absent``). plan() turns that into the Plan's steps
(guest shutdown when the running VM cannot take it, reconfigure, upgrade, power back on).
Check mode, ``--diff`` and the real run all come from this one plan.
"""

from __future__ import annotations

import copy

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Step
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import check_guest_shutdown
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.controllers import (
    check_controller_options, plan_controllers,
)
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.cdroms import check_cdrom_options, plan_cdroms
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.devices import check_retyped_units
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.disks import (
    check_disk_options, controller_types, plan_disks,
)
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.limits import check_sizes
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.nics import check_nic_options, plan_nics
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.resources import check_resource_options, plan_resources
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import (
    bad, normalize_version, version_number,
)


def check_options(p):
    """Everything that can be refused without asking vSphere; raises InvalidInput."""
    for option in ("num_cpus", "cores_per_socket", "memory_mb"):
        if p.get(option) is not None and p[option] <= 0:
            bad("%s must be a positive number, not %s" % (option, p[option]))
    if p.get("memory_mb") is not None and p["memory_mb"] % 4:
        bad("memory_mb must be a multiple of 4 MB; %s is not (try %s)" % (p["memory_mb"], p["memory_mb"] - p["memory_mb"] % 4 or 4))
    check_sizes(p)
    if p.get("num_cpus") and p.get("cores_per_socket") and p["num_cpus"] % p["cores_per_socket"]:
        bad("cores_per_socket %s does not divide num_cpus %s" % (p["cores_per_socket"], p["num_cpus"]))
    p["hardware_version"] = normalize_version(p.get("hardware_version"), "hardware_version")
    if p.get("upgrade_policy"):
        p["upgrade_policy"]["version"] = normalize_version(p["upgrade_policy"].get("version"), "upgrade_policy.version")
    check_resource_options(p)
    check_controller_options(p.get("controllers"))
    check_disk_options(p.get("disks"))
    check_nic_options(p.get("nics"))
    check_cdrom_options(p)


class Changes:
    """What a request changes: the facts after, the ConfigSpec fields, devices, upgrade, and why the
    running VM cannot take it (``needs_off``)."""

    def __init__(self, before):
        self.after = copy.deepcopy(before)
        self.config = {}
        self.policy = None
        self.allocation = {}       # "cpu"/"memory" -> {"shares", "reservation", "limit"} that change
        self.boot = {}             # BootOptions fields that change
        self.devices = []          # (op, kind, facts after, extra)
        self.upgrade = None
        self.needs_off = []        # why the running VM cannot take the change
        self.version = before["hardware_version"]  # devices are placed before any upgrade: the units are this version's
        self.controller_types = {}  # (kind, bus) -> controller type as the request leaves it

    @property
    def reconfigure(self):
        return bool(self.config or self.policy or self.devices or self.allocation or self.boot)


def _scalar(plan, before, p, running):
    hot = [("num_cpus", "numCPUs"), ("cores_per_socket", "numCoresPerSocket"), ("memory_mb", "memoryMB"),
           ("cpu_hot_add", "cpuHotAddEnabled"), ("cpu_hot_remove", "cpuHotRemoveEnabled"),
           ("memory_hot_add", "memoryHotAddEnabled")]
    for option, field in hot:
        want = p.get(option)
        if want is None or want == before[option]:
            continue
        plan.after[option] = want
        plan.config[field] = want
        if not running:
            continue
        if before["power_state"] == "suspended":
            plan.needs_off.append("%s cannot change while the VM is suspended" % option)
        elif option == "num_cpus" and want > before[option] and not before["cpu_hot_add"]:
            plan.needs_off.append("num_cpus %s -> %s needs CPU hot add, which is off" % (before[option], want))
        elif option == "num_cpus" and want < before[option] and not before["cpu_hot_remove"]:
            plan.needs_off.append("num_cpus %s -> %s needs CPU hot remove, which is off" % (before[option], want))
        elif option == "memory_mb" and want < before[option]:
            plan.needs_off.append("memory_mb %s -> %s: memory cannot be removed from a running VM" % (before[option], want))
        elif option == "memory_mb" and not before["memory_hot_add"]:
            plan.needs_off.append("memory_mb %s -> %s needs memory hot add, which is off" % (before[option], want))
        elif option not in ("num_cpus", "memory_mb"):
            plan.needs_off.append("%s can only change while the VM is powered off" % option)
    cpus, cores = plan.after["num_cpus"], plan.after["cores_per_socket"]
    if cpus and cores and cpus % cores:
        bad("cores_per_socket %s does not divide num_cpus %s" % (cores, cpus))


def _version(plan, before, p, versions, running):
    want = p.get("hardware_version")
    if want and not (want != "latest" and version_number(want) <= version_number(before["hardware_version"])):  # never a downgrade
        if not versions:
            bad("the VM's host reports no hardware versions it supports")
        target = versions[-1] if want == "latest" else want
        if target not in versions:
            bad("hardware_version %s is not supported by the VM's host (supported: %s)" % (target, ", ".join(versions)))
        if version_number(target) > version_number(before["hardware_version"]):
            plan.upgrade = target
            plan.after["hardware_version"] = target
            if running:
                plan.needs_off.append("hardware_version %s -> %s needs the VM powered off" % (before["hardware_version"], target))
    policy = p.get("upgrade_policy")
    if policy:
        version = policy.get("version")
        if version == "latest" or (version is None and policy["policy"] != "never"):
            version = versions[-1] if versions else None
        if version and versions and version not in versions:
            bad("upgrade_policy.version %s is not supported by the VM's host (supported: %s)" % (version, ", ".join(versions)))
        want_policy = {"policy": policy["policy"], "version": None if policy["policy"] == "never" else version}
        if want_policy != before["upgrade_policy"]:
            plan.after["upgrade_policy"] = want_policy
            plan.policy = want_policy


def changes(before, p, used_units=None, networks=None, datastores=None, versions=None, isos=None, guest_ids=None):
    """The changes that bring ``before`` to what ``p`` asks; raises InvalidInput naming the option.

    ``networks``/``datastores`` are the names known in the datacenter (None: not read, not needed);
    ``versions`` the hardware versions the host supports (None: not needed); ``isos`` whether each
    ISO file the request mounts exists (None: not read, not checked).
    """
    if before["template"]:
        bad("VM '%s' is a template; convert it to a VM to change its hardware" % before["name"], "InvalidState")
    result = Changes(before)
    result.used_units = dict((where, set(units)) for where, units in (used_units or {}).items())  # planned units join them
    result.controller_types = controller_types(before, p)
    running = before["power_state"] != "powered-off"
    _scalar(result, before, p, running)
    _version(result, before, p, versions or [], running)
    plan_resources(result, before, p, guest_ids)
    plan_disks(result, before, p, datastores)
    plan_controllers(result, before, p)  # after the disks: a controller is removed only once nothing is on it
    check_retyped_units(result, before)
    plan_nics(result, before, p, networks)
    plan_cdroms(result, before, p, datastores, isos)
    return result


def plan(before, p):
    """The Plan for ``before`` = ``{"vm": facts, "known": what was read for the plan}``; pure.

    ``known``: used_units, guest_ids, networks, datastores, versions, isos (see changes()). The steps:
    shut the guest down or power the VM off (power_cycle_method; only with allow_power_cycle, when the
    running VM cannot take the change),
    reconfigure, upgrade, power back on. ``after`` is ``{"vm": facts after}``; ``notes`` hold the
    Changes (``changes``), whether the VM is power-cycled (``power_cycled``) and how (``power_cycle_method``).
    """
    vm, known = before["vm"], before["known"]
    name = vm["name"]
    planned = changes(vm, p, **known)
    cycle = bool(planned.needs_off) and vm["power_state"] != "powered-off"
    if cycle and not p["allow_power_cycle"]:
        raise InvalidInput("VM '%s' is %s and cannot take: %s; power it off first, or set allow_power_cycle"
                           % (name, vm["power_state"], "; ".join(planned.needs_off)), fault_type="InvalidPowerState")
    method = p.get("power_cycle_method") or "guest-shutdown"
    if cycle and method == "guest-shutdown":
        try:
            check_guest_shutdown(name, vm["power_state"], vm["tools_running_status"], "the change")
        except InvalidInput as error:
            raise InvalidInput("%s; power_cycle_method power-off powers the VM off without its guest" % error.message,
                               fault_type=error.fault_type)
    steps = []
    if planned.reconfigure:
        steps.append(Step("reconfigure", "reconfigure VM '%s'" % name, changes=planned))
    if planned.upgrade:
        steps.append(Step("upgrade", "upgrade VM '%s' to hardware version %s" % (name, planned.upgrade), version=planned.upgrade))
    if cycle and method == "guest-shutdown":
        steps.insert(0, Step("shutdown_guest", "shut down the guest of VM '%s' (%s)" % (name, "; ".join(planned.needs_off))))
    elif cycle:
        steps.insert(0, Step("power_off", "power VM '%s' off, without its guest (%s)" % (name, "; ".join(planned.needs_off))))
    if cycle:
        steps.append(Step("power_on", "power VM '%s' back on" % name))
    return Plan(steps, {"vm": planned.after},
                notes={"changes": planned, "power_cycled": cycle, "power_cycle_method": method if cycle else None})
