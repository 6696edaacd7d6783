# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's resource allocation (CPU and memory shares, reservation, limit), nested
virtualization, guest OS id and boot firmware: options checked, then planned into ``Changes``.

Allocation changes are taken by a running VM; nested_virt, guest_id, firmware and secure_boot
need it powered off. Secure boot needs EFI firmware (as it will be after the change).
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import bad, shares_value

# option -> (resource, field of the allocation fact)
ALLOCATION = {"cpu_shares": ("cpu", "shares"), "cpu_reservation_mhz": ("cpu", "reservation"), "cpu_limit_mhz": ("cpu", "limit"),
              "memory_shares": ("memory", "shares"), "memory_reservation_mb": ("memory", "reservation"),
              "memory_limit_mb": ("memory", "limit")}
# option -> ConfigSpec field; all need the VM powered off
OFFLINE = {"nested_virt": "nestedHVEnabled", "guest_id": "guestId", "firmware": "firmware"}


def check_resource_options(p):
    for option in ("cpu_shares", "memory_shares"):
        p[option] = shares_value(option, p.get(option))
    for option in ("cpu_reservation_mhz", "memory_reservation_mb"):
        if p.get(option) is not None and p[option] < 0:
            bad("%s must be 0 or more, not %s" % (option, p[option]))
    for option in ("cpu_limit_mhz", "memory_limit_mb"):
        if p.get(option) is not None and (p[option] == 0 or p[option] < -1):
            bad("%s must be a positive number, or -1 for unlimited, not %s" % (option, p[option]))
    if p.get("memory_reservation_locked_to_max") and p.get("memory_reservation_mb") is not None:
        bad("memory_reservation_mb cannot be set with memory_reservation_locked_to_max, which reserves all the memory")
    if p.get("secure_boot") and p.get("firmware") == "bios":
        bad("secure_boot needs firmware efi, not bios")
    if p.get("guest_id") is not None and not str(p["guest_id"]).strip():
        bad("guest_id must not be empty")


def _allocation(plan, before, p):
    for option, (resource, field) in ALLOCATION.items():
        want = p.get(option)
        if want is not None and want != before[option]:
            plan.after[option] = want
            plan.allocation.setdefault(resource, {})[field] = want
    for resource, unit in (("cpu", "mhz"), ("memory", "mb")):
        reservation, limit = plan.after["%s_reservation_%s" % (resource, unit)], plan.after["%s_limit_%s" % (resource, unit)]
        if limit != -1 and reservation > limit:
            bad("%s_reservation_%s %s is above %s_limit_%s %s" % (resource, unit, reservation, resource, unit, limit))
    if plan.after["memory_reservation_mb"] > plan.after["memory_mb"] and not plan.after["memory_reservation_locked_to_max"]:
        bad("memory_reservation_mb %s is above the VM's memory, %s MB" % (plan.after["memory_reservation_mb"], plan.after["memory_mb"]))
    locked = p.get("memory_reservation_locked_to_max")
    if locked is not None and locked != before["memory_reservation_locked_to_max"]:
        plan.after["memory_reservation_locked_to_max"] = locked
        plan.config["memoryReservationLockedToMax"] = locked


def plan_resources(plan, before, p, guest_ids=None):
    """``guest_ids``: the guest OS ids the VM's host supports (None: not read, the request sets none)."""
    _allocation(plan, before, p)
    running = before["power_state"] != "powered-off"
    if p.get("guest_id") and p["guest_id"] != before["guest_id"] and guest_ids is not None and p["guest_id"] not in guest_ids:
        bad("guest_id '%s' is not a guest OS the VM's host supports (see the host's guest OS list, e.g. otherLinux64Guest, "
            "windows2019srv_64Guest)" % p["guest_id"], "NotFound")
    for option, field in OFFLINE.items():
        want = p.get(option)
        if want is None or want == before[option]:
            continue
        plan.after[option] = want
        plan.config[field] = want
        if running:
            plan.needs_off.append("%s can only change while the VM is powered off" % option)
    secure = p.get("secure_boot")
    if secure is not None and secure != before["secure_boot"]:
        plan.after["secure_boot"] = secure
        plan.boot["efiSecureBootEnabled"] = secure
        if running:
            plan.needs_off.append("secure_boot can only change while the VM is powered off")
    if plan.after["secure_boot"] and plan.after["firmware"] != "efi":
        if secure:
            bad("secure_boot needs firmware efi; the VM's firmware is %s (set firmware: efi too)" % plan.after["firmware"])
        bad("firmware bios cannot go with secure boot, which is on; set secure_boot: false too")
