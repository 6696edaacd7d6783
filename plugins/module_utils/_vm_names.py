# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VMs of one name, filtered by vCenter itself: the Automation API's VM list.

``GET /api/vcenter/vm?names=<name>`` (6.7: ``/rest/vcenter/vm?filter.names=<name>``) answers
only the VMs of that name, so its cost does not grow with the inventory, where the SOAP walk
(_finder) has the server send every VM's name. Three HTTP round trips: log in, list, log out.
They go over the SOAP session's own connection pool (same host, port, TLS context and proxy
tunnel), so no HTTP library is imported for them. Only the list waits: a module that will look
a VM up by name starts the REST login (``Prefetch``) while the SOAP login runs, and the REST
logout runs while the module goes on, joined when the SOAP session closes, so the name costs
the task about one round trip, as an inventory-path query does.

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
import threading
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


def escaped(name):
    """Whether vCenter stores ``name`` escaped (then only the walk compares it as stored)."""
    return any(ch in name for ch in "%/\\")


class Prefetch:
    """The REST login started ahead (in a thread, on its own pooled connection) and the logout run behind.

    ``login()`` waits for the login's outcome; ``logout_later(style, token)`` sends the logout in a
    thread; ``close()`` waits for both and logs out a session nobody used. Never raises from a thread.
    """

    def __init__(self, session):
        self.session = session
        self.outcome = None  # (style, token) or Unavailable
        self.used = False
        self.logout_thread = None
        self.login_thread = threading.Thread(target=self._login, name="opensphere-rest-login", daemon=True)
        self.login_thread.start()

    def _login(self):
        try:
            self.outcome = _login(self.session)
        except Unavailable as exc:
            self.outcome = exc
        except Exception as exc:  # pylint: disable=broad-exception-caught  # a thread must hand every failure over
            self.outcome = Unavailable("REST login: %s" % exc)

    def login(self):
        self.login_thread.join()
        self.used = True
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome

    def logout_later(self, style, token):
        self.logout_thread = threading.Thread(target=_logout, args=(self.session, style, token),
                                              name="opensphere-rest-logout", daemon=True)
        self.logout_thread.start()

    def close(self):
        self.login_thread.join()
        if not self.used and isinstance(self.outcome, tuple):
            _logout(self.session, *self.outcome)
        if self.logout_thread is not None:
            self.logout_thread.join()


def prefetch_login(session):
    """SoapSession.connect's ``after_content`` hook: start the REST login (not on an ESXi host)."""
    if getattr(session.content.about, "apiType", None) != "HostAgent":
        session.rest_prefetch = Prefetch(session)


def _logout(session, style, token):
    try:
        _call(session, "DELETE", LOGIN[style], {SESSION_HEADER: token})
    except Unavailable:
        pass  # the session expires on its own; the answer is what matters


def _fall_back(session, why):
    session.name_lookup = "walk: " + why
    session.name_lookup_warning = (
        "VM names were resolved by walking the whole inventory, not by vCenter's VM list (%s); the task is "
        "unaffected, but the walk costs more as the inventory grows. Give folder, uuid or moid to avoid it." % why)


def vm_ids(session, name):
    """The moids of the VMs (not templates) called ``name``, or None when the list cannot say.

    An empty list is a real answer: no VM has that name (a template still may). Uses the
    session's ``rest_prefetch`` (a Prefetch) when the module started one.
    """
    if escaped(name):
        session.name_lookup = "walk: the name holds a character vCenter stores escaped"
        return None
    if getattr(session.content.about, "apiType", None) == "HostAgent":
        session.name_lookup = "walk: an ESXi host has no Automation API"
        return None
    prefetch = getattr(session, "rest_prefetch", None)
    try:
        style, token = prefetch.login() if prefetch is not None else _login(session)
    except Unavailable as exc:
        return _fall_back(session, str(exc))
    try:
        path, key = LIST[style]
        status, body = _call(session, "GET", path + "?" + urlencode({key: name}), {SESSION_HEADER: token})
    except Unavailable as exc:
        return _fall_back(session, str(exc))
    finally:
        if prefetch is not None:
            prefetch.logout_later(style, token)
        else:
            _logout(session, style, token)
    if style == "rest" and isinstance(body, dict):
        body = body.get("value")
    if status != 200 or not isinstance(body, list):
        return _fall_back(session, "the VM list answered HTTP %s" % status)
    session.name_lookup = "list"
    # the filter is vCenter's; the exact comparison is ours, as the walk makes it
    return [vm["vm"] for vm in body if isinstance(vm, dict) and vm.get("name") == name and vm.get("vm")]
