# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared option groups that carry their own constraints, and merge() to combine them.

Each group is a dict with ``argument_spec`` and any of the AnsibleModule constraint
lists; a module merges the groups it needs with its own options, so the groups
cannot drift apart between modules.
"""

from __future__ import annotations

import copy

from ansible.module_utils.basic import env_fallback
from ansible_collections.opensphere.vsphere.plugins.module_utils._limits import ENTITY_NAME_MAX

CONSTRAINT_KEYS = ("mutually_exclusive", "required_one_of", "required_together", "required_if", "required_by")


def _env(*names):
    return (env_fallback, list(names))


CONNECTION = {
    "argument_spec": {
        "hostname": {"type": "str", "required": True, "fallback": _env("VMWARE_HOST")},
        "username": {"type": "str", "required": True, "aliases": ["user", "admin"], "fallback": _env("VMWARE_USER")},
        "password": {"type": "str", "required": True, "aliases": ["pass", "pwd"], "no_log": True, "fallback": _env("VMWARE_PASSWORD")},
        "port": {"type": "int", "default": 443, "fallback": _env("VMWARE_PORT")},
        "validate_certs": {"type": "bool", "default": True, "fallback": _env("VMWARE_VALIDATE_CERTS")},
        "ca_path": {"type": "path", "fallback": _env("VMWARE_CA_PATH")},
        "proxy_host": {"type": "str", "fallback": _env("VMWARE_PROXY_HOST")},
        "proxy_port": {"type": "int", "fallback": _env("VMWARE_PROXY_PORT")},
        "connect_timeout": {"type": "int", "default": 30, "fallback": _env("VMWARE_CONNECT_TIMEOUT")},
    },
    "required_together": [["proxy_host", "proxy_port"]],
    "names": {"hostname": None, "username": None, "proxy_host": None},
}

VM_IDENTITY = {
    "argument_spec": {
        "name": {"type": "str"},
        "uuid": {"type": "str"},
        "use_instance_uuid": {"type": "bool", "default": False},
        "moid": {"type": "str"},
        "folder": {"type": "str"},
        "datacenter": {"type": "str"},
    },
    "mutually_exclusive": [["name", "uuid", "moid"]],
    "required_one_of": [["name", "uuid", "moid"]],
    "names": {"name": ENTITY_NAME_MAX, "uuid": None, "moid": None, "datacenter": ENTITY_NAME_MAX},
}


def timeout(default):
    """The ``timeout`` option (seconds a module waits at most), with the module's default.

    Declared here once; VSphereModule.run() refuses a value out of _limits' bounds before any session.
    """
    return {"argument_spec": {"timeout": {"type": "int", "default": default}}}


def merge(*groups):
    """Combine option groups into AnsibleModule keyword arguments.

    A later group may not redefine an option of an earlier one: that would be the
    silent drift this module exists to prevent.
    """
    result = {"argument_spec": {}}
    for group in groups:
        if "names" in group:  # name options and their maximum length, for _limits (VSphereModule pops it)
            result.setdefault("names", {}).update(group["names"])
        for name, spec in group.get("argument_spec", {}).items():
            if name in result["argument_spec"]:
                raise ValueError("option %r is defined twice" % name)
            result["argument_spec"][name] = copy.deepcopy(spec)
        for key in CONSTRAINT_KEYS:
            if key not in group:
                continue
            if key == "required_by":
                result.setdefault(key, {}).update(copy.deepcopy(group[key]))
            else:
                result.setdefault(key, []).extend(copy.deepcopy(group[key]))
    return result


def vm_identity(params):
    """The VM identity options out of a module's params, for the finder."""
    return {key: params.get(key) for key in VM_IDENTITY["argument_spec"]}


def vm_label(params):
    """How the options name the VM, for "find VM '<label>'" (its name, uuid or moid)."""
    return params.get("name") or params.get("uuid") or params.get("moid")
