# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_limits: the shared bounds, and _errors.gone(): an object that is gone is NotFound."""

from __future__ import annotations

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils import _limits
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, NotFound, gone
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl

NAMES = {"name": _limits.ENTITY_NAME_MAX, "snapshot_name": None, "names": None}


@pytest.mark.parametrize("params, message", [
    ({"port": 0}, "port must be a TCP port from 1 to 65535, not 0"),
    ({"port": 65536}, "port must be a TCP port from 1 to 65535, not 65536"),
    ({"proxy_port": -1}, "proxy_port must be a TCP port from 1 to 65535, not -1"),
    ({"appliance_port": 70000}, "appliance_port must be a TCP port from 1 to 65535, not 70000"),
    ({"connect_timeout": 0}, "connect_timeout must be a positive number of seconds, not 0"),
    ({"connect_timeout": -5}, "connect_timeout must be a positive number of seconds, not -5"),
    ({"timeout": 10 ** 9}, "timeout is 1000000000 seconds; at most 604800 (a week) is allowed"),
    ({"name": ""}, "name must not be empty or blank (got '')"),
    ({"name": "  \t"}, "name must not be empty or blank (got '  \\t')"),
    ({"name": "x" * 81}, "name is 81 characters long; vCenter allows at most 80"),
    ({"snapshot_name": " "}, "snapshot_name must not be empty or blank (got ' ')"),
    ({"names": ["vpxd", ""]}, "names must not be empty or blank (got '')"),
])
def test_bounds_refused(params, message):
    with pytest.raises(InvalidInput) as err:
        _limits.check_options(params, NAMES)
    assert err.value.message == message


@pytest.mark.parametrize("params", [
    {"port": 1, "proxy_port": 65535, "connect_timeout": 1, "timeout": 604800},
    {"name": "x" * 80, "snapshot_name": "y" * 300, "names": ["vpxd"]},
    {"name": None, "port": None, "names": None},
    {"password": "pässwörd", "username": "administrator@vsphere.local"},  # latin-1 is fine for basic auth
])
def test_bounds_accepted(params):
    _limits.check_options(params, NAMES, rest=True)


@pytest.mark.parametrize("option", ["password", "username", "appliance_password"])
def test_rest_credentials_must_be_latin_1(option):
    params = {option: "пароль"}
    _limits.check_options(params, NAMES)  # SOAP carries any text
    with pytest.raises(InvalidInput) as err:
        _limits.check_options(params, NAMES, rest=True)
    assert err.value.message.startswith("%s holds characters outside latin-1" % option)
    assert "пароль" not in err.value.message


@pytest.mark.parametrize("obj, text", [
    (vim.VirtualMachine("vm-999", None), "VM vm-999 does not exist"),
    (vim.vm.Snapshot("snapshot-3", None), "snapshot snapshot-3 does not exist"),
    (vim.Datastore("datastore-1", None), "datastore datastore-1 does not exist"),
])
def test_gone_turns_managed_object_not_found_into_not_found(obj, text):
    error = gone(vmodl.fault.ManagedObjectNotFound(obj=obj))
    assert isinstance(error, NotFound) and error.fault_type == "NotFound"
    assert error.message.startswith(text)


@pytest.mark.parametrize("exc", [vim.fault.InvalidPowerState(), vmodl.fault.InvalidArgument(), OSError("x"), NotFound("y")])
def test_gone_leaves_other_errors_alone(exc):
    assert gone(exc) is None


def test_gone_objects_are_described_as_not_found_everywhere():
    # the inventory plugin and every failure message describe errors through these two
    from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import describe, fault_type_of

    exc = vmodl.fault.ManagedObjectNotFound(obj=vim.VirtualMachine("vm-7", None))
    assert fault_type_of(exc) == "NotFound"
    assert describe(exc).startswith("NotFound: VM vm-7 does not exist")
