# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A logged-in appliance session for a module, logged out whatever happens."""

from __future__ import annotations

import contextlib
import time

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.client import ApplianceClient


@contextlib.contextmanager
def connection(module):
    """The ApplianceClient for the module's options.

    The first login may retry a refused connection for ``connect_timeout`` seconds (a wrong
    address fails that soon, not after ``timeout``); after it, retries run until ``timeout``.
    """
    params = module.params
    deadline = time.monotonic() + (params.get("timeout") or 300)
    client = ApplianceClient(params, min(deadline, time.monotonic() + params["connect_timeout"]))
    with module.doing("log in to the appliance %s as %s" % (client.base, params["appliance_username"])):
        client.connect()
    client.deadline = deadline
    try:
        yield client
    finally:
        client.close()
