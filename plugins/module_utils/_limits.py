# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounds every module shares: names, ports, timeouts, credentials a transport can send.

VSphereModule.check_common() applies them to the options a module has, before any session
and the same in check mode, so odd input fails with a message naming the option instead of
reaching vCenter (or a socket, or an encoder) and failing there with something misleading.

A module names the options that hold names in its option groups, under the group key
``names``: ``{"names": {"name": ENTITY_NAME_MAX, "snapshot_name": None}}`` (None: any length,
but not empty or blank).
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

# vCenter refuses inventory object names (VMs, folders, ...) longer than 80 characters
ENTITY_NAME_MAX = 80
# the placement options of the deploy modules (a host's name is its address, a folder's a path: no bound)
PLACEMENT_NAMES = {"datacenter": ENTITY_NAME_MAX, "folder": None, "cluster": ENTITY_NAME_MAX, "host": None,
                   "resource_pool": ENTITY_NAME_MAX, "datastore": ENTITY_NAME_MAX}
PORT_MIN, PORT_MAX = 1, 65535
PORT_OPTIONS = ("port", "proxy_port", "appliance_port")
# seconds; a week is longer than any wait a module could mean
TIMEOUT_MAX = 7 * 24 * 3600
TIMEOUT_OPTIONS = ("timeout", "connect_timeout")
# HTTP basic authentication (the REST login) carries latin-1 only
BASIC_AUTH_OPTIONS = ("username", "password", "appliance_username", "appliance_password")


def check_name(option, value, maximum=None):
    """A name given must hold something other than spaces, and fit in ``maximum`` characters."""
    if value is None:
        return
    if not value.strip():
        raise InvalidInput("%s must not be empty or blank (got %r)" % (option, value))
    if maximum is not None and len(value) > maximum:
        raise InvalidInput("%s is %d characters long; vCenter allows at most %d" % (option, len(value), maximum))


def check_port(option, value):
    if value is not None and not PORT_MIN <= value <= PORT_MAX:
        raise InvalidInput("%s must be a TCP port from %d to %d, not %s" % (option, PORT_MIN, PORT_MAX, value))


def check_timeout(option, value):
    if value is not None and value <= 0:
        raise InvalidInput("%s must be a positive number of seconds, not %s" % (option, value))
    if value is not None and value > TIMEOUT_MAX:
        raise InvalidInput("%s is %s seconds; at most %d (a week) is allowed" % (option, value, TIMEOUT_MAX))


def check_basic_auth(option, value):
    """Refuse what HTTP basic authentication cannot carry (requests encodes it as latin-1)."""
    if value is None:
        return
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise InvalidInput("%s holds characters outside latin-1, which the vSphere Automation API login "
                           "(HTTP basic authentication) cannot carry" % option)


def check_options(params, names=None, rest=False):
    """Every shared bound on ``params``; ``names`` maps name options to their maximum length (or None).

    ``rest``: the module logs in with HTTP basic authentication, so the credentials must be latin-1.
    """
    for option in PORT_OPTIONS:
        check_port(option, params.get(option))
    for option in TIMEOUT_OPTIONS:
        check_timeout(option, params.get(option))
    for option, maximum in sorted((names or {}).items()):
        value = params.get(option)
        for item in value if isinstance(value, list) else [value]:
            check_name(option, item, maximum)
    if rest:
        for option in BASIC_AUTH_OPTIONS:
            check_basic_auth(option, params.get(option))
