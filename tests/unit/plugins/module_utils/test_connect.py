# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection failures against real local sockets: refused, and accepted but silent."""

from __future__ import annotations

import socket
import time

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
