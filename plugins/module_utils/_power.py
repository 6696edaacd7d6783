# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Power states in the collection's spelling, and the waits and steps shared by modules.

vm_power drives every power state; vm_hardware uses the graceful cycle (guest shutdown,
change, power back on) for changes a running VM cannot take.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, WaitTimeout, error_text, fault_type_of
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Raced

POWER_STATES = {"poweredOn": "powered-on", "poweredOff": "powered-off", "suspended": "suspended"}
VIM_STATES = {value: key for key, value in POWER_STATES.items()}
TOOLS_RUNNING = "guestToolsRunning"


def power_state(value):
    """The collection's spelling of a vSphere power state (``poweredOn`` -> ``powered-on``)."""
    value = None if value is None else str(value)
    return POWER_STATES.get(value, value)


def wait_power(waiter, vm_ref, state, timeout, name):
    """Wait until the VM's runtime.powerState is ``state`` (collection spelling)."""
    waiter.wait_for(vm_ref, "power_state", timeout, "VM '%s'" % name, state=state)


def require_tools(name, tools_running_status, consequence):
    """Raise ToolsUnavailable unless VMware Tools runs: "VMware Tools is not running in VM ..., so <consequence>"."""
    if tools_running_status != TOOLS_RUNNING:
        raise InvalidInput("VMware Tools is not running in VM '%s' (status: %s), so %s"
                           % (name, tools_running_status, consequence), fault_type="ToolsUnavailable")


def check_guest_shutdown(name, power_state, tools_running_status, why):
    """Raise InvalidInput unless the guest of a running VM can be asked to shut down."""
    if power_state != "powered-on":
        raise InvalidInput("VM '%s' is %s, so its guest cannot shut down for %s; power it off or on first"
                           % (name, power_state, why), fault_type="InvalidPowerState")
    require_tools(name, tools_running_status, "its guest cannot shut down for %s" % why)


def shutdown_guest(waiter, vm_ref, name, timeout):
    """Ask the guest to shut down and return once the VM is powered off."""
    vm_ref.ShutdownGuest()
    wait_power(waiter, vm_ref, "powered-off", timeout, name)


def power_on(waiter, vm_ref, name, timeout):
    waiter.task(vm_ref.PowerOnVM_Task(), timeout, "power on of VM '%s'" % name)


def settle_race(session, waiter, vm_ref, name, wanted, exc, timeout):
    """After a power operation failed with ``exc``: raise Raced when the VM is ``wanted`` anyway, else ``exc``.

    Forks of one play (or other clients) powering the same VM race; the losers' calls fail with
    InvalidPowerState (already there) or TaskInProgress (still getting there). One read tells which
    (TaskInProgress: a wait for ``wanted``, within ``timeout``); only a VM that is not ``wanted`` fails.
    """
    from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read_one

    now = power_state(read_one(session, vm_ref, ["runtime.powerState"], what="VM").get("runtime.powerState"))
    if now != wanted and fault_type_of(exc) == "TaskInProgress":
        try:
            wait_power(waiter, vm_ref, wanted, timeout, name)
            now = wanted
        except WaitTimeout:
            pass
    if now != wanted:
        raise exc
    raise Raced("VM '%s' was already %s when our request failed (%s): another task got there first"
                % (name, wanted, error_text(exc)))
