# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One exception family, and the one place that turns a failure into words and keys.

Helpers raise; only the module base class renders the message, as
``Failed to <step>: <fault type>: <message>``, and adds the machine-readable keys of
failure_keys() (``fault_type``, ``step``, and for a vAPI error ``status`` and ``body``)
that a playbook can test with ``failed_when``.
"""

from __future__ import annotations


class VSphereError(Exception):
    """Base of every error this collection raises on purpose.

    ``step`` is what was being done ("power on VM 'web1'"); the innermost ``module.doing()``
    fills it in when the raiser did not. ``details`` are extra keys for the failure result.
    """

    fault_type = "Error"

    def __init__(self, message, fault_type=None, step=None, **details):
        super().__init__(message)
        self.message = message
        if fault_type:
            self.fault_type = fault_type
        self.step = step
        self.details = details


class NotFound(VSphereError):
    fault_type = "NotFound"


class Ambiguous(VSphereError):
    """Several objects match; ``details['candidates']`` lists them."""

    fault_type = "Ambiguous"


class InvalidInput(VSphereError):
    """The request cannot be carried out as given; nothing was changed."""

    fault_type = "InvalidInput"


class ConnectionFailed(VSphereError):
    fault_type = "ConnectionFailed"


class TaskFailed(VSphereError):
    """A vSphere task ended in error; fault_type is the vSphere fault's name."""


class WaitTimeout(VSphereError):
    """The awaited state was not reached in time; ``details['last']`` holds what was seen last."""

    fault_type = "Timeout"


class ApiError(VSphereError):
    """A vSphere Automation API (REST) error; fault_type is its error type (NOT_FOUND, ...).

    ``status`` is the HTTP status and ``body`` the decoded error body (None when not JSON).
    """

    def __init__(self, message, fault_type=None, status=None, body=None, **details):
        super().__init__(message, fault_type=fault_type, status=status, body=body, **details)
        self.status = status
        self.body = body


def fault_name(fault):
    """The vSphere name of a pyVmomi fault (``InvalidPowerState``), without importing pyVmomi."""
    name = getattr(fault, "_wsdlName", None) or type(fault).__name__
    return name.rsplit(".", 1)[-1]


def fault_text(fault):
    """The most useful human text a pyVmomi fault carries."""
    parts = []
    msg = getattr(fault, "msg", None)
    if msg:
        parts.append(str(msg))
    for fm in getattr(fault, "faultMessage", None) or []:
        text = getattr(fm, "message", None)
        if text and text not in parts:
            parts.append(str(text))
    for cause in [getattr(fault, "faultCause", None)]:
        if cause is not None:
            parts.append("caused by %s: %s" % (fault_name(cause), fault_text(cause)))
    if not parts:
        parts.append(fault_name(fault))
    return "; ".join(parts)


def is_vmodl_fault(exc):
    """True for a pyVmomi MethodFault (duck-typed so this file stays free of pyVmomi)."""
    return hasattr(exc, "_wsdlName") and hasattr(exc, "faultMessage")


def gone(exc):
    """NotFound for a fault that says the object no longer exists (or never did), else None.

    pyVmomi defines ManagedObjectNotFound under ``vmodl.fault`` (not ``vim.fault``); matching it by
    its wire name keeps this file free of pyVmomi and cannot be spelled wrong at an ``except``.
    A moid that does not exist and a VM deleted between the lookup and the next call (another
    client, another fork) both end here, so every SOAP module reports them the same way.
    """
    if not is_vmodl_fault(exc) or fault_name(exc) != "ManagedObjectNotFound":
        return None
    obj = getattr(exc, "obj", None)
    kind = fault_name(obj) if obj is not None and hasattr(obj, "_moId") else "object"
    moid = getattr(obj, "_moId", obj)
    return NotFound("%s %s does not exist (a wrong moid, or it was removed meanwhile)"
                    % (KINDS.get(kind, kind), moid), fault_type="NotFound")


# vSphere type names -> the words messages use
KINDS = {"VirtualMachine": "VM", "VirtualMachineSnapshot": "snapshot", "HostSystem": "host",
         "ClusterComputeResource": "cluster", "ResourcePool": "resource pool", "Datastore": "datastore",
         "Folder": "folder", "Datacenter": "datacenter", "Task": "task"}


def fault_type_of(exc):
    """The fault type name of any error: ours, a pyVmomi fault, or a Python exception."""
    exc = gone(exc) or exc
    if isinstance(exc, VSphereError):
        return exc.fault_type
    if is_vmodl_fault(exc):
        return fault_name(exc)
    return type(exc).__name__


def error_text(exc):
    """``<fault type>: <message>`` for any error the collection expects to meet."""
    exc = gone(exc) or exc
    if isinstance(exc, VSphereError):
        return "%s: %s" % (exc.fault_type, exc.message)
    if is_vmodl_fault(exc):
        hint = FAULT_HINTS.get(fault_name(exc))
        return "%s: %s%s" % (fault_name(exc), fault_text(exc), "; " + hint if hint else "")
    return "%s: %s" % (type(exc).__name__, exc)


# what a fault means for the task that met it, where its own text does not say
FAULT_HINTS = {
    "NotAuthenticated": "the vCenter session ended (it expired or was terminated) while in use; what was started "
                        "may still finish in vCenter, and running the task again converges",
}


describe = error_text  # the old name; the inventory plugin (branch inventory) still imports it

# details an error may carry that the failure result passes on as they are
RESULT_DETAILS = ("candidates", "last", "status", "body")


def failure_keys(exc, step):
    """The machine-readable keys of a failure: fault_type, step, and the details in RESULT_DETAILS."""
    keys = {"fault_type": fault_type_of(exc), "step": step}
    details = getattr(exc, "details", None) or {}
    keys.update((key, details[key]) for key in RESULT_DETAILS if key in details)
    return keys
