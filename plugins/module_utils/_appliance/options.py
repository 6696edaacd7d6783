# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The appliance connection options (doc fragment ``appliance_connection``), in the frame's group form.

Separate from the vCenter CONNECTION group on purpose: other names, other environment variables,
so neither ``VMWARE_*`` nor ``module_defaults: group/...vmware`` can reach them.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def _env(name):
    return (env_fallback, [name])


APPLIANCE_CONNECTION = {
    "argument_spec": {
        "appliance_hostname": {"type": "str", "required": True, "fallback": _env("APPLIANCE_HOST")},
        "appliance_username": {"type": "str", "default": "root", "fallback": _env("APPLIANCE_USER")},
        "appliance_password": {"type": "str", "required": True, "no_log": True, "fallback": _env("APPLIANCE_PASSWORD")},
        "appliance_port": {"type": "int", "default": 5480, "fallback": _env("APPLIANCE_PORT")},
        "validate_certs": {"type": "bool", "default": True, "fallback": _env("APPLIANCE_VALIDATE_CERTS")},
        "ca_path": {"type": "path", "fallback": _env("APPLIANCE_CA_PATH")},
        "ssl_thumbprint": {"type": "str", "fallback": _env("APPLIANCE_THUMBPRINT")},
        "api_style": {"type": "str", "choices": ["auto", "api", "rest"], "default": "auto"},
        "connect_timeout": {"type": "int", "default": 30},
    },
    "names": {"appliance_hostname": None, "appliance_username": None},
}

_ANSWER = {
    "id": {"type": "str"},
    "pattern": {"type": "str"},
    "answer": {"type": "str", "required": True},
}

_STANDALONE = {
    "sso_domain_name": {"type": "str", "default": "vsphere.local"},
    "sso_admin_password": {"type": "str", "no_log": True},
}

_REPLICATED = {
    "partner_hostname": {"type": "str"},
    "https_port": {"type": "int", "default": 443},
    "sso_admin_password": {"type": "str", "no_log": True},
    "ssl_thumbprint": {"type": "str"},
    "ssl_verify": {"type": "bool"},
}

INSTALL = {
    "argument_spec": {
        "state": {"type": "str", "choices": ["checked", "installed", "cancelled"], "default": "installed"},
        "spec": {"type": "dict", "options": {
            "ceip_enabled": {"type": "bool", "default": False},
            "standalone": {"type": "dict", "options": _STANDALONE},
            "replicated": {"type": "dict", "options": _REPLICATED},
        }},
        "answers": {"type": "list", "elements": "dict", "default": [], "options": _ANSWER},
        "auto_answer": {"type": "bool", "default": False},
        "rollback": {"type": "bool", "default": False},
        "timeout": {"type": "int", "default": 3600},
        "poll_interval": {"type": "float", "default": 0.5},
    },
    "required_if": [["state", "installed", ["spec"]], ["state", "checked", ["spec"]]],
}
