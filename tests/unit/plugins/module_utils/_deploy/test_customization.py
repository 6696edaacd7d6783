# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_deploy.customization: option checks, fitting to the template, the spec and the status, as tables."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import customization as cz

LINUX = {"linux": {"hostname": "web01", "domain": "lab.local"}}
WIN = {"windows": {"computer_name": "win01", "admin_password": "S3cret!", "product_key": "AAAAA-BBBBB"}}
CLOUD = {"cloud_init": {"user_data": "#cloud-config\n", "meta_data": "local-hostname: c1\n"}}
TEMPLATE = {"name": "tmpl", "guest_id": "otherLinux64Guest", "nics": [{"label": "Network adapter 1"}]}
WIN_TEMPLATE = dict(TEMPLATE, guest_id="windows9Server64Guest")


@pytest.mark.parametrize("c, message", [
    ({}, None),
    ({"linux": {"hostname": "a"}, "windows": {"computer_name": "b"}}, "exactly one of linux, windows or cloud_init, not linux, windows"),
    ({"dns_servers": ["1.1.1.1"]}, "exactly one of linux, windows or cloud_init, not none"),
    ({"linux": {"domain": "x"}}, "customization.linux needs hostname"),
    ({"linux": {"hostname": "bad_name"}}, "must be 1-63 letters, digits or '-'"),
    ({"windows": {"computer_name": "much-too-long-name"}}, "must be 1-15 letters"),
    ({"windows": {"computer_name": "w", "domain": "corp"}}, "joining domain corp needs domain_user and domain_password"),
    ({"windows": {"computer_name": "w", "domain": "corp", "workgroup": "W"}}, "either a domain or a workgroup"),
    ({"cloud_init": {"user_data": ""}}, "needs user_data, meta_data or both"),
    (dict(LINUX, nics=[{"ip": "10.0.0.300", "netmask": "255.255.255.0"}]), "ip must be 'dhcp' or an IPv4 address"),
    (dict(LINUX, nics=[{"ip": "10.0.0.3"}]), "nics[0]: a static ip needs netmask"),
    (dict(LINUX, nics=[{"ip": "10.0.0.3", "netmask": "255.0.255.0"}]), "is not a valid IPv4 netmask"),
    (dict(LINUX, nics=[{"ip": "10.0.0.3", "netmask": "255.255.255.0", "gateway": "10.0.1.1"}]), "gateway 10.0.1.1 is not in 10.0.0.0/24"),
    (dict(LINUX, nics=[{"ip": "dhcp", "netmask": "255.255.255.0"}]), "netmask is only for a static ip"),
    (dict(LINUX, dns_servers=["dns.example"]), "'dns.example' is not an IP address"),
])
def test_check_refuses(c, message):
    if message is None:
        assert cz.check(c) is None
        return
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace("[", r"\[")):
        cz.check(c)


@pytest.mark.parametrize("c, template, message", [
    (WIN, TEMPLATE, "customization.windows (sysprep) does not fit template tmpl: its guest OS is otherLinux64Guest, not Windows"),
    (LINUX, WIN_TEMPLATE, "customization.linux does not fit template tmpl: its guest OS is Windows"),
    (dict(LINUX, nics=[{"ip": "dhcp"}, {"ip": "dhcp"}]), TEMPLATE, "customization.nics has 2 entries but template tmpl has 1 network adapter"),
])
def test_fit_refuses(c, template, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        cz.fit(cz.check(c), template)


def test_fit_pads_nics_with_dhcp_and_leaves_cloud_init_network_alone():
    two = dict(TEMPLATE, nics=[{}, {}])
    fitted = cz.fit(cz.check(dict(LINUX, nics=[{"ip": "10.0.0.5", "netmask": "255.255.255.0", "gateway": "10.0.0.1"}])), two)
    assert [n["ip"] for n in fitted["nics"]] == ["10.0.0.5", "dhcp"]
    assert cz.fit(cz.check(CLOUD), two)["nics"] == []
    assert cz.fit(cz.check(LINUX), two)["nics"] == [{"ip": "dhcp", "dns_domain": None}] * 2


def test_linux_spec():
    c = cz.fit(cz.check(dict(LINUX, dns_servers=["10.0.0.2"], dns_suffixes=["lab.local"],
                             nics=[{"ip": "10.0.0.5", "netmask": "255.255.255.0", "gateway": "10.0.0.1"}])), TEMPLATE)
    spec = cz.spec(vim, c)
    assert isinstance(spec.identity, vim.vm.customization.LinuxPrep)
    assert spec.identity.hostName.name == "web01" and spec.identity.domain == "lab.local"
    assert spec.globalIPSettings.dnsServerList == ["10.0.0.2"] and spec.globalIPSettings.dnsSuffixList == ["lab.local"]
    ip = spec.nicSettingMap[0].adapter
    assert (ip.ip.ipAddress, ip.subnetMask, ip.gateway) == ("10.0.0.5", "255.255.255.0", ["10.0.0.1"])


def test_windows_spec_carries_secrets_that_the_summary_hides():
    c = cz.fit(cz.check(dict(WIN, dns_servers=["10.0.0.2"])), WIN_TEMPLATE)
    spec = cz.spec(vim, c)
    assert isinstance(spec.identity, vim.vm.customization.Sysprep)
    assert spec.identity.guiUnattended.password.value == "S3cret!"
    assert spec.identity.userData.productId == "AAAAA-BBBBB"
    assert spec.identity.identification.joinWorkgroup == "WORKGROUP"
    assert spec.nicSettingMap[0].adapter.dnsServerList == ["10.0.0.2"]
    shown = repr(cz.summary(c))
    assert "S3cret!" not in shown and "AAAAA" not in shown and "********" in shown


def test_domain_join_and_cloud_init_specs():
    c = cz.fit(cz.check({"windows": {"computer_name": "w", "domain": "corp.local", "domain_user": "adm",
                                     "domain_password": "pw", "run_once": ["cmd /c echo hi"]}}), WIN_TEMPLATE)
    ident = cz.spec(vim, c).identity
    assert ident.identification.joinDomain == "corp.local" and ident.identification.domainAdminPassword.value == "pw"
    assert ident.guiRunOnce.commandList == ["cmd /c echo hi"]
    ci = cz.spec(vim, cz.fit(cz.check(CLOUD), TEMPLATE))
    assert isinstance(ci.identity, vim.vm.customization.CloudinitPrep) and ci.nicSettingMap == []
    assert cz.summary(cz.fit(cz.check(CLOUD), TEMPLATE))["cloud_init"] == {"user_data": "(14 bytes)", "meta_data": "(19 bytes)"}


@pytest.mark.parametrize("events, want", [
    ([], {"status": "PENDING", "start_time": None, "end_time": None, "error": None}),
    ([("CustomizationStartedEvent", 1, None, "")], {"status": "RUNNING", "start_time": 1, "end_time": None, "error": None}),
    ([("CustomizationStartedEvent", 1, None, ""), ("CustomizationSucceeded", 2, None, "")],
     {"status": "SUCCEEDED", "start_time": 1, "end_time": 2, "error": None}),
    ([("CustomizationStartedEvent", 1, None, ""), ("CustomizationNetworkSetupFailed", 3, "no eth7", "msg")],
     {"status": "FAILED", "start_time": 1, "end_time": 3, "error": "CustomizationNetworkSetupFailed: no eth7"}),
    ([("CustomizationStartedEvent", 1, None, ""), ("CustomizationFailed", 3, None, "it broke")],
     {"status": "FAILED", "start_time": 1, "end_time": 3, "error": "CustomizationFailed: it broke"}),
])
def test_status_from_events(events, want):
    assert cz.status(events) == want
