# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VMs of one name, filtered by vCenter itself: the Automation API's VM list.

``GET /api/vcenter/vm?names=<name>`` (6.7: ``/rest/vcenter/vm?filter.names=<name>``) answers
only the VMs of that name, so its cost does not grow with the inventory, where the SOAP walk
(_finder) has the server send every VM's name. Three HTTP round trips: log in, list, log out.
They go over the SOAP session's own connection pool (same host, port, TLS context and proxy
tunnel), so a kept-alive connection costs no new TLS handshake, and no HTTP library is
imported for them.

What the list cannot do decides when it is used (``vm_ids`` returns None, and the caller walks):
- templates are not VMs for this service: it never lists them. A name it does not know may be a
  template's, so the caller walks then; a template sharing a name with VMs is not seen.
- an ESXi host has no Automation API; a vCenter whose endpoint is down or refuses the account.
- names holding ``%``, ``/`` or ``\\``: vCenter stores them escaped, and the walk compares them
  exactly as stored.
How the name was resolved is kept in ``session.name_lookup`` ("list", or "walk: <why>"); when the
list should have answered and could not (login refused, endpoint down or missing, a failed
list), ``session.name_lookup_warning`` says so for the module to warn: the task still works,
at the walk's cost.
"""

from __future__ import annotations

import base64
import http.client
import json
from urllib.parse import urlencode

LOGIN = {"api": "/api/session", "rest": "/rest/com/vmware/cis/session"}
LIST = {"api": ("/api/vcenter/vm", "names"), "rest": ("/rest/vcenter/vm", "filter.names")}
SESSION_HEADER = "vmware-api-session-id"


class Unavailable(Exception):
    """The list cannot answer here; the text says why."""


def _call(session, method, path, headers):
    """``(status, parsed JSON or None)`` of one request on a pooled connection of the SOAP stub."""
    stub = session.stub
    conn = stub.GetConnection()
    try:
        conn.request(method, path, headers=dict(headers, Accept="application/json"))
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        raise Unavailable("%s %s: %s" % (method, path.split("?")[0], exc))
    if response.will_close:
        conn.close()
    else:
        stub.ReturnConnection(conn)
    try:
        body = json.loads(data) if data else None
    except ValueError:
        body = None
    return response.status, body


def _login(session):
    """``(style, token)``: /api first, /rest when the server has no /api (6.7)."""
    p = session.params
    basic = base64.b64encode(("%s:%s" % (p["username"], p["password"])).encode("utf-8")).decode("ascii")
    for style in ("api", "rest"):
        status, body = _call(session, "POST", LOGIN[style], {"Authorization": "Basic " + basic})
        if status == 404:
            continue
        if status not in (200, 201):
            raise Unavailable("the Automation API refused the login (HTTP %s)" % status)
        token = body.get("value") if isinstance(body, dict) else body
        if not isinstance(token, str) or not token:
            raise Unavailable("the Automation API login gave no session id")
        return style, token
    raise Unavailable("the server has no Automation API (/api and /rest answer 404)")


def _fall_back(session, why):
    session.name_lookup = "walk: " + why
    session.name_lookup_warning = (
        "VM names were resolved by walking the whole inventory, not by vCenter's VM list (%s); the task is "
        "unaffected, but the walk costs more as the inventory grows. Give folder, uuid or moid to avoid it." % why)


def vm_ids(session, name):
    """The moids of the VMs (not templates) called ``name``, or None when the list cannot say.

    An empty list is a real answer: no VM has that name (a template still may).
    """
    if any(ch in name for ch in "%/\\"):
        session.name_lookup = "walk: the name holds a character vCenter stores escaped"
        return None
    if getattr(session.content.about, "apiType", None) == "HostAgent":
        session.name_lookup = "walk: an ESXi host has no Automation API"
        return None
    try:
        style, token = _login(session)
    except Unavailable as exc:
        return _fall_back(session, str(exc))
    auth = {SESSION_HEADER: token}
    try:
        path, key = LIST[style]
        status, body = _call(session, "GET", path + "?" + urlencode({key: name}), auth)
    except Unavailable as exc:
        return _fall_back(session, str(exc))
    finally:
        try:
            _call(session, "DELETE", LOGIN[style], auth)
        except Unavailable:
            pass  # the session expires on its own; the answer is what matters
    if style == "rest" and isinstance(body, dict):
        body = body.get("value")
    if status != 200 or not isinstance(body, list):
        return _fall_back(session, "the VM list answered HTTP %s" % status)
    session.name_lookup = "list"
    # the filter is vCenter's; the exact comparison is ours, as the walk makes it
    return [vm["vm"] for vm in body if isinstance(vm, dict) and vm.get("name") == name and vm.get("vm")]
