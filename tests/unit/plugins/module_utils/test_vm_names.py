# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import json
from types import SimpleNamespace as NS

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils import _vm_names


class FakeResponse:
    def __init__(self, status, body, will_close=False):
        self.status, self.will_close = status, will_close
        self._data = b"" if body is None else json.dumps(body).encode()

    def read(self):
        return self._data


class FakeConnection:
    """One pooled connection: answers from ``routes`` ((method, path without query) -> (status, body) or an exception)."""

    def __init__(self, stub):
        self.stub, self.closed, self.pending = stub, False, None

    def request(self, method, path, headers=None):
        self.stub.sent.append((method, path, dict(headers or {})))
        answer = self.stub.routes.get((method, path.split("?")[0]), (404, None))
        if isinstance(answer, Exception):
            raise answer
        self.pending = FakeResponse(*answer)

    def getresponse(self):
        return self.pending

    def close(self):
        self.closed = True


class FakeStub:
    def __init__(self, routes):
        self.routes, self.sent, self.returned = routes, [], []

    def GetConnection(self):  # noqa: N802 (pyVmomi's name)
        return FakeConnection(self)

    def ReturnConnection(self, conn):  # noqa: N802
        self.returned.append(conn)


def session(routes, api_type="VirtualCenter"):
    return NS(stub=FakeStub(routes), params={"username": "admin@vsphere.local", "password": "pä:ss"},
              content=NS(about=NS(apiType=api_type)), name_lookup=None, name_lookup_warning=None)


API_OK = {("POST", "/api/session"): (201, "tok-1"), ("DELETE", "/api/session"): (204, None)}


def api(extra):
    return {**API_OK, **extra}


def test_api_style_logs_in_lists_by_name_and_logs_out():
    s = session(api({("GET", "/api/vcenter/vm"): (200, [
        {"vm": "vm-7", "name": "web 1", "power_state": "POWERED_ON"},
        {"vm": "vm-8", "name": "web 1", "power_state": "POWERED_OFF"}])}))
    assert _vm_names.vm_ids(s, "web 1") == ["vm-7", "vm-8"]
    methods = [(m, p) for m, p, _h in s.stub.sent]
    assert methods == [("POST", "/api/session"), ("GET", "/api/vcenter/vm?names=web+1"), ("DELETE", "/api/session")]
    login, listing, logout = (h for _m, _p, h in s.stub.sent)
    assert login["Authorization"] == "Basic " + base64.b64encode("admin@vsphere.local:pä:ss".encode()).decode()
    assert listing["vmware-api-session-id"] == "tok-1" and logout["vmware-api-session-id"] == "tok-1"
    assert "Authorization" not in listing
    assert len(s.stub.returned) == 3  # every connection back to the pool
    assert s.name_lookup == "list"


def test_rest_style_when_the_server_has_no_api():
    s = session({("POST", "/rest/com/vmware/cis/session"): (200, {"value": "tok-67"}),
                 ("GET", "/rest/vcenter/vm"): (200, {"value": [{"vm": "vm-3", "name": "db"}]}),
                 ("DELETE", "/rest/com/vmware/cis/session"): (200, {})})
    assert _vm_names.vm_ids(s, "db") == ["vm-3"]
    paths = [p for _m, p, _h in s.stub.sent]
    assert paths == ["/api/session", "/rest/com/vmware/cis/session", "/rest/vcenter/vm?filter.names=db",
                     "/rest/com/vmware/cis/session"]


def test_only_exact_names_are_kept_and_an_empty_answer_is_an_answer():
    s = session(api({("GET", "/api/vcenter/vm"): (200, [{"vm": "vm-1", "name": "WEB"}, {"name": "web"}])}))
    assert _vm_names.vm_ids(s, "web") == []
    assert s.name_lookup == "list"


@pytest.mark.parametrize("routes, reason", [
    ({}, "no Automation API"),
    ({("POST", "/api/session"): (401, {"error_type": "UNAUTHENTICATED"})}, "refused the login (HTTP 401)"),
    ({("POST", "/api/session"): (503, None)}, "refused the login (HTTP 503)"),
    ({("POST", "/api/session"): ConnectionResetError("reset by peer")}, "POST /api/session: reset by peer"),
    ({("POST", "/api/session"): (201, "")}, "gave no session id"),
])
def test_no_usable_login_means_the_walk_and_why(routes, reason):
    s = session(routes)
    assert _vm_names.vm_ids(s, "web") is None
    assert s.name_lookup.startswith("walk: ") and reason in s.name_lookup
    assert reason in s.name_lookup_warning and "walking the whole inventory" in s.name_lookup_warning


@pytest.mark.parametrize("answer, reason", [
    ((400, {"error_type": "UNABLE_TO_ALLOCATE_RESOURCE"}), "HTTP 400"),
    ((200, {"not": "a list"}), "HTTP 200"),
    (TimeoutError("timed out"), "GET /api/vcenter/vm: timed out"),
])
def test_a_failed_list_means_the_walk_and_still_logs_out(answer, reason):
    s = session(api({("GET", "/api/vcenter/vm"): answer}))
    assert _vm_names.vm_ids(s, "web") is None
    assert reason in s.name_lookup and reason in s.name_lookup_warning
    assert s.stub.sent[-1][:2] == ("DELETE", "/api/session")


def test_a_failed_logout_does_not_lose_the_answer():
    s = session({("POST", "/api/session"): (201, "t"), ("GET", "/api/vcenter/vm"): (200, [{"vm": "vm-1", "name": "a"}]),
                 ("DELETE", "/api/session"): OSError("gone")})
    assert _vm_names.vm_ids(s, "a") == ["vm-1"]


@pytest.mark.parametrize("name", ["a%2fb", "a/b", "back\\slash"])
def test_names_vcenter_stores_escaped_are_walked_without_a_call(name):
    s = session(API_OK)
    assert _vm_names.vm_ids(s, name) is None and s.stub.sent == []
    assert "escaped" in s.name_lookup and s.name_lookup_warning is None  # expected: nothing to warn about


def test_an_esxi_host_is_walked_without_a_call():
    s = session(API_OK, api_type="HostAgent")
    assert _vm_names.vm_ids(s, "web") is None and s.stub.sent == []
    assert "ESXi" in s.name_lookup and s.name_lookup_warning is None


def test_a_closing_connection_is_not_returned_to_the_pool():
    s = session(api({("GET", "/api/vcenter/vm"): (200, [])}))
    routes = s.stub.routes

    class Closing(FakeConnection):
        def request(self, method, path, headers=None):
            super().request(method, path, headers)
            self.pending.will_close = True
    s.stub.GetConnection = lambda: Closing(s.stub)
    s.stub.routes = routes
    assert _vm_names.vm_ids(s, "x") == []
    assert s.stub.returned == []


# --- the login started ahead, the logout run behind -------------------------------------------
def test_a_prefetched_login_is_used_once_and_its_logout_joined_at_close():
    s = session(api({("GET", "/api/vcenter/vm"): (200, [{"vm": "vm-7", "name": "web"}])}))
    _vm_names.prefetch_login(s)
    assert _vm_names.vm_ids(s, "web") == ["vm-7"]
    s.rest_prefetch.close()
    assert [(m, p.split("?")[0]) for m, p, _h in s.stub.sent] == [
        ("POST", "/api/session"), ("GET", "/api/vcenter/vm"), ("DELETE", "/api/session")]


def test_an_unused_prefetched_login_is_logged_out_at_close():
    s = session(API_OK)
    _vm_names.prefetch_login(s)
    s.rest_prefetch.close()
    assert [m for m, _p, _h in s.stub.sent] == ["POST", "DELETE"]


def test_a_failed_prefetched_login_means_the_walk_with_its_reason():
    s = session({("POST", "/api/session"): (503, None)})
    _vm_names.prefetch_login(s)
    assert _vm_names.vm_ids(s, "web") is None
    assert "HTTP 503" in s.name_lookup_warning
    s.rest_prefetch.close()
    assert [m for m, _p, _h in s.stub.sent] == ["POST"]


def test_an_unexpected_error_in_the_login_thread_is_handed_over():
    s = session(API_OK)

    def broken_pool():
        raise ValueError("pool broken")
    s.stub.GetConnection = broken_pool
    _vm_names.prefetch_login(s)
    assert _vm_names.vm_ids(s, "web") is None and "pool broken" in s.name_lookup


def test_no_prefetch_on_an_esxi_host():
    s = session(API_OK, api_type="HostAgent")
    _vm_names.prefetch_login(s)
    assert getattr(s, "rest_prefetch", None) is None and s.stub.sent == []
