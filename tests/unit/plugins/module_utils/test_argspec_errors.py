# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from pyVmomi import vim, vmodl

from ansible_collections.opensphere.vsphere.plugins.module_utils import _argspec, _errors, _soap, _tls


def test_merge_combines_specs_and_constraints():
    merged = _argspec.merge(_argspec.CONNECTION, _argspec.VM_IDENTITY, {"argument_spec": {"state": {"type": "str"}}})
    assert {"hostname", "password", "name", "moid", "state"} <= set(merged["argument_spec"])
    assert ["name", "uuid", "moid"] in merged["mutually_exclusive"]
    assert ["proxy_host", "proxy_port"] in merged["required_together"]
    assert merged["argument_spec"]["password"]["no_log"] is True


def test_merge_refuses_a_redefined_option():
    with pytest.raises(ValueError, match="'name' is defined twice"):
        _argspec.merge(_argspec.VM_IDENTITY, {"argument_spec": {"name": {"type": "str"}}})


def test_merge_does_not_share_state_between_modules():
    merged = _argspec.merge(_argspec.CONNECTION)
    merged["argument_spec"]["port"]["default"] = 1
    assert _argspec.CONNECTION["argument_spec"]["port"]["default"] == 443


@pytest.mark.parametrize("option, variable", [
    ("hostname", "VMWARE_HOST"), ("username", "VMWARE_USER"), ("password", "VMWARE_PASSWORD"),
    ("port", "VMWARE_PORT"), ("validate_certs", "VMWARE_VALIDATE_CERTS"), ("ca_path", "VMWARE_CA_PATH"),
    ("proxy_host", "VMWARE_PROXY_HOST"), ("proxy_port", "VMWARE_PROXY_PORT"),
])
def test_every_connection_option_falls_back_to_its_environment_variable(option, variable):
    spec = _argspec.CONNECTION["argument_spec"][option]
    assert spec["fallback"][1] == [variable]


@pytest.mark.parametrize("exc, expected", [
    (_errors.NotFound("no VM named 'x'"), "NotFound: no VM named 'x'"),
    (_errors.TaskFailed("boom", fault_type="InvalidState"), "InvalidState: boom"),
    (vim.fault.InvalidPowerState(msg="The attempted operation cannot be performed in the current state (Powered off)."),
     "InvalidPowerState: The attempted operation cannot be performed in the current state (Powered off)."),
    (vim.fault.InvalidLogin(), "InvalidLogin: InvalidLogin"),
    (vmodl.fault.SystemError(msg="disk", reason="x"), "SystemError: disk"),
    (ValueError("odd"), "ValueError: odd"),
])
def test_error_text_renders_fault_type_and_text(exc, expected):
    assert _errors.error_text(exc) == expected


def test_fault_text_includes_fault_messages_and_cause():
    fault = vim.fault.InvalidState(msg="outer", faultCause=vim.fault.FileFault(msg="inner"),
                                   faultMessage=[vmodl.LocalizableMessage(key="k", message="detail")])
    assert _errors.fault_text(fault) == "outer; detail; caused by FileFault: inner"


@pytest.mark.parametrize("api_version, expected", [
    ("6.5", "vim.version.version11"),
    ("6.7.3", "vim.version.version15"),
    ("7.0.3.0", "vim.version.v7_0_3_0"),
    ("8.0.3.0", "vim.version.v8_0_3_0"),
    ("8.0.3.7", "vim.version.v8_0_3_1"),  # unknown patch level: the newest known below it
    ("99.0", _soap.VmomiSupport.newestVersions.GetName("vim")),
    ("garbage", "vim.version.version11"),
])
def test_best_version_never_exceeds_the_server(api_version, expected):
    assert _soap.best_version(api_version) == expected


def test_tls_options_mean_the_same_on_both_transports(tmp_path):
    assert _tls.requests_verify(False, "/ca.pem") is False
    assert _tls.requests_verify(True, "/ca.pem") == "/ca.pem"
    assert _tls.ssl_context(False).verify_mode == 0
    assert _tls.ssl_context(True).check_hostname is True
    assert _tls.proxies("proxy", 3128) == {"https": "http://proxy:3128", "http": "http://proxy:3128"}
    assert _tls.proxies(None, None) == {}
