# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection failures against real local sockets: refused, and accepted but silent."""

from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ConnectionFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._rest import RestSession
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import SoapSession


def params(port, timeout):
    return {"hostname": "127.0.0.1", "port": port, "username": "u", "password": "p", "validate_certs": True,
            "ca_path": None, "proxy_host": None, "proxy_port": None, "connect_timeout": timeout}


@pytest.fixture
def silent_port():
    """A listener whose kernel completes the TCP handshake but which never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.parametrize("transport", [SoapSession, RestSession])
def test_a_silent_server_fails_within_the_connect_timeout(silent_port, transport):
    started = time.monotonic()
    with pytest.raises(ConnectionFailed, match="cannot reach"):
        transport(params(silent_port, 1)).connect()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("transport", [SoapSession, RestSession])
def test_a_refused_connection_fails_at_once(closed_port, transport):
    started = time.monotonic()
    with pytest.raises(ConnectionFailed, match="cannot reach 127.0.0.1:%d|cannot reach https://127.0.0.1:%d"
                       % (closed_port, closed_port)):
        transport(params(closed_port, 30)).connect()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("transport, text", [
    (SoapSession, "ProxyError: the proxy 127.0.0.1:%d did not connect us to 127.0.0.1:443"),
    (RestSession, "ProxyError: the proxy 127.0.0.1:%d did not connect us to https://127.0.0.1:443"),
])
def test_a_refused_proxy_is_named_as_the_proxy(closed_port, transport, text):
    p = dict(params(443, 5), proxy_host="127.0.0.1", proxy_port=closed_port)
    with pytest.raises(ConnectionFailed) as err:
        transport(p).connect()
    assert err.value.fault_type == "ProxyError"
    assert ("%s: %s" % (err.value.fault_type, err.value.message)).startswith(text % closed_port)


def test_read_timeout_applies_to_pooled_and_new_connections_and_is_restored(silent_port):
    session = SoapSession(params(silent_port, 1))
    sock = socket.socket()
    conn = SimpleNamespace(timeout=1, sock=sock)  # a pooled connection of pyVmomi's stub
    session.stub = SimpleNamespace(schemeArgs={"timeout": 1}, pool=[(conn, 0.0)], lock=threading.Lock())
    with session.read_timeout(25):
        assert session.stub.schemeArgs["timeout"] == 25 and conn.timeout == 25 and sock.gettimeout() == 25
    assert session.stub.schemeArgs["timeout"] == 1 and conn.timeout == 1 and sock.gettimeout() == 1
    sock.close()
