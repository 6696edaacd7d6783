# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The appliance client against real local sockets: refused connections are retried, bounded."""

from __future__ import annotations

import socket
import time

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance import client as appliance_client
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ConnectionFailed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def params(port, **extra):
    p = {"appliance_hostname": "127.0.0.1", "appliance_port": port, "appliance_username": "root",
         "appliance_password": "x", "validate_certs": True, "ca_path": None, "ssl_thumbprint": None,
         "api_style": "auto", "connect_timeout": 2}
    p.update(extra)
    return p


def test_refused_connections_are_retried_with_a_bounded_back_off_until_the_deadline():
    c = appliance_client.ApplianceClient(params(free_port()), time.monotonic() + 1.0)
    t0 = time.monotonic()
    with pytest.raises(ConnectionFailed) as err:
        c.connect()
    took = time.monotonic() - t0
    assert "retried" in err.value.message and "until the timeout" in err.value.message
    assert (c.requests, c.retries) == (3, 2)  # tries at 0, 0.2 and 0.6 s; waiting 0.8 s more would pass the deadline
    assert 0.5 <= took <= 1.2


def test_a_post_that_may_have_reached_the_appliance_is_not_repeated():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    c = appliance_client.ApplianceClient(params(port, connect_timeout=1), time.monotonic() + 5)
    c.http = appliance_client.requests.Session()
    try:
        with pytest.raises(ConnectionFailed) as err:
            c._send("POST", "/api/vcenter/deployment/install", params={"action": "start"})  # accepted, never answered
    finally:
        listener.close()
    assert "lost the connection" in err.value.message and c.retries == 0
    assert c.requests == 1
