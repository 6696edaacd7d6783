# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vCenter Server services (com.vmware.vcenter.services) over the Automation API, in either style.

Both styles carry the same ``Service.Info``; only the list differs (/api: a map of id to
Info; /rest: a list of ``{"key": id, "value": Info}``). The facts are returned in the
module's spelling (lower case), with the health messages as plain text.
"""

from __future__ import annotations

import difflib
from urllib.parse import quote

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import NotFound

BASE = "/vcenter/services"
TRANSITIONAL = ("starting", "stopping")


def path(name, action=None):
    """The /api path of one service (and the /rest path of an action) for RestSession.request."""
    one = "%s/%s" % (BASE, quote(name, safe=""))
    if action is None:
        return one, None
    return one + "?action=" + action, one + "/" + action


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def service_facts(name, info):
    """The module's view of one ``Service.Info``."""
    messages = [m.get("default_message") or m.get("id") for m in info.get("health_messages") or [] if isinstance(m, dict)]
    return {
        "name": name,
        "name_key": info.get("name_key"),
        "description_key": info.get("description_key"),
        "state": _lower(info.get("state")),
        "startup_type": _lower(info.get("startup_type")),
        "health": _lower(info.get("health")),
        "health_messages": messages,
    }


def list_services(api):
    """Every service: ``{id: facts}`` (one request)."""
    data = api.request("GET", BASE) or {}
    if isinstance(data, list):  # /rest renders the map as key/value pairs
        data = {entry["key"]: entry["value"] for entry in data}
    return {name: service_facts(name, info) for name, info in data.items()}


def unknown(name, known):
    """NotFound for ``name``, naming the closest known services."""
    close = difflib.get_close_matches(name, sorted(known), n=5, cutoff=0.5)
    hint = "; did you mean %s?" % ", ".join("'%s'" % c for c in close) if close else ""
    return NotFound("vCenter has no service named '%s'%s" % (name, hint), candidates=close)


def get_service(api, name):
    """One service's facts; NotFound (with the closest names) when vCenter does not know it."""
    info = api.request("GET", path(name)[0], ok_missing=True)
    if info is None:
        raise unknown(name, list_services(api))
    return service_facts(name, info)


def service_text(service):
    """``state=..., health=...`` for messages about a service that did not get where it should."""
    text = "state=%s, startup_type=%s, health=%s" % (service["state"], service["startup_type"], service["health"])
    if service["health_messages"]:
        text += ", health messages: %s" % "; ".join(service["health_messages"])
    return text
