# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guest customization for template deploys: options checked, fitted to the template, turned into a spec.

``check(c)`` refuses what is wrong on its face (before any session); ``fit(c, template)`` checks it
against the template (OS family, NIC count) and fills the NICs left out with DHCP, because vCenter
wants one NIC setting per adapter; ``spec(c, vim)`` builds the vim.vm.customization.Specification.
``status(events)`` reads the customization outcome from the VM's events.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

IDENTITIES = ("linux", "windows", "cloud_init")
SECRETS = ("admin_password", "domain_password", "product_key")


def _bad(message):
    raise InvalidInput(message)


def is_windows(guest_id):
    return str(guest_id or "").lower().startswith("win")


def _check_nic(i, nic):
    where = "customization.nics[%d]" % i
    ip = nic.get("ip") or "dhcp"
    if ip == "dhcp":
        for key in ("netmask", "gateway"):
            if nic.get(key):
                _bad("%s: %s is only for a static ip, not with dhcp" % (where, key))
        return {"ip": "dhcp", "dns_domain": nic.get("dns_domain")}
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        _bad("%s: ip must be 'dhcp' or an IPv4 address, not '%s'" % (where, ip))
    if not nic.get("netmask"):
        _bad("%s: a static ip needs netmask" % where)
    try:
        net = ipaddress.IPv4Network("%s/%s" % (addr, nic["netmask"]), strict=False)
    except ValueError:
        _bad("%s: netmask '%s' is not a valid IPv4 netmask" % (where, nic["netmask"]))
    gateway = nic.get("gateway")
    if gateway:
        try:
            if ipaddress.IPv4Address(gateway) not in net:
                _bad("%s: gateway %s is not in %s" % (where, gateway, net))
        except ipaddress.AddressValueError:
            _bad("%s: gateway must be an IPv4 address, not '%s'" % (where, gateway))
    return {"ip": str(addr), "netmask": str(net.netmask), "gateway": gateway, "dns_domain": nic.get("dns_domain")}


def check(c):
    """The normalized customization (a new dict), or InvalidInput. None stays None."""
    if not c:
        return None
    given = [k for k in IDENTITIES if c.get(k)]
    if len(given) != 1:
        _bad("customization needs exactly one of linux, windows or cloud_init, not %s" % (", ".join(given) or "none"))
    kind = given[0]
    out = {"type": kind, "dns_servers": list(c.get("dns_servers") or []), "dns_suffixes": list(c.get("dns_suffixes") or []),
           "nics": [_check_nic(i, n) for i, n in enumerate(c.get("nics") or [])]}
    for server in out["dns_servers"]:
        try:
            ipaddress.ip_address(server)
        except ValueError:
            _bad("customization.dns_servers: '%s' is not an IP address" % server)
    ident = dict(c[kind])
    if kind == "linux":
        if not ident.get("hostname"):
            _bad("customization.linux needs hostname")
        _hostname("customization.linux.hostname", ident["hostname"], 63)
    elif kind == "windows":
        if not ident.get("computer_name"):
            _bad("customization.windows needs computer_name")
        _hostname("customization.windows.computer_name", ident["computer_name"], 15)
        if ident.get("domain") and ident.get("workgroup"):
            _bad("customization.windows: join either a domain or a workgroup, not both")
        if ident.get("domain") and not (ident.get("domain_user") and ident.get("domain_password")):
            _bad("customization.windows: joining domain %s needs domain_user and domain_password" % ident["domain"])
        if not ident.get("domain") and not ident.get("workgroup"):
            ident["workgroup"] = "WORKGROUP"
    else:
        if not ident.get("user_data") and not ident.get("meta_data"):
            _bad("customization.cloud_init needs user_data, meta_data or both")
    out[kind] = ident
    return out


def _hostname(option, name, limit):
    if len(name) > limit or not all(ch.isalnum() or ch == "-" for ch in name) or name.startswith("-"):
        _bad("%s '%s' must be 1-%d letters, digits or '-' (not starting with '-')" % (option, name, limit))


def fit(c, template):
    """``c`` checked against the template facts (guest_id, nics); NICs padded with DHCP. Pure."""
    if c is None:
        return None
    name, nics = template["name"], len(template["nics"])
    windows = is_windows(template["guest_id"])
    if c["type"] == "windows" and not windows:
        _bad("customization.windows (sysprep) does not fit template %s: its guest OS is %s, not Windows"
             % (name, template["guest_id"]))
    if c["type"] == "linux" and windows:
        _bad("customization.linux does not fit template %s: its guest OS is Windows (%s); use customization.windows"
             % (name, template["guest_id"]))
    if len(c["nics"]) > nics:
        _bad("customization.nics has %d entries but template %s has %d network adapter%s"
             % (len(c["nics"]), name, nics, "" if nics == 1 else "s"))
    out = dict(c)
    if c["type"] != "cloud_init" or c["nics"]:
        out["nics"] = c["nics"] + [{"ip": "dhcp", "dns_domain": None}] * (nics - len(c["nics"]))
    return out


def summary(c):
    """What the customization will do, without secrets (for the result and --diff)."""
    if c is None:
        return None
    ident = {k: v for k, v in c[c["type"]].items() if k not in SECRETS and v is not None}
    for k in SECRETS:
        if c[c["type"]].get(k):
            ident[k] = "********"
    if c["type"] == "cloud_init":
        ident = {k: "(%d bytes)" % len(v) for k, v in ident.items() if v}
    return {"type": c["type"], c["type"]: ident, "nics": [n["ip"] for n in c["nics"]]}


def _name(vim, value):
    return vim.vm.customization.FixedName(name=value)


def _identity(vim, c):
    ident = c[c["type"]]
    cust = vim.vm.customization
    if c["type"] == "linux":
        return cust.LinuxPrep(hostName=_name(vim, ident["hostname"]), domain=ident.get("domain") or "",
                              timeZone=ident.get("time_zone"), hwClockUTC=ident.get("hw_clock_utc", True))
    if c["type"] == "cloud_init":
        return cust.CloudinitPrep(metadata=ident.get("meta_data") or "", userdata=ident.get("user_data") or "")
    password = None
    if ident.get("admin_password"):
        password = cust.Password(value=ident["admin_password"], plainText=True)
    unattended = cust.GuiUnattended(password=password, timeZone=ident.get("time_zone") or 85,
                                    autoLogon=bool(ident.get("auto_logon")), autoLogonCount=1 if ident.get("auto_logon") else 0)
    user = cust.UserData(computerName=_name(vim, ident["computer_name"]), fullName=ident.get("full_name") or "Administrator",
                         orgName=ident.get("org_name") or "Organization", productId=ident.get("product_key") or "")
    if ident.get("domain"):
        join = cust.Identification(joinDomain=ident["domain"], domainAdmin=ident["domain_user"],
                                   domainAdminPassword=cust.Password(value=ident["domain_password"], plainText=True))
    else:
        join = cust.Identification(joinWorkgroup=ident["workgroup"])
    run_once = cust.GuiRunOnce(commandList=list(ident["run_once"])) if ident.get("run_once") else None
    return cust.Sysprep(guiUnattended=unattended, userData=user, identification=join, guiRunOnce=run_once)


def spec(vim, c):
    """The vim.vm.customization.Specification for a fitted customization."""
    cust = vim.vm.customization
    mappings = []
    for nic in c["nics"]:
        if nic["ip"] == "dhcp":
            settings = cust.IPSettings(ip=cust.DhcpIpGenerator())
        else:
            settings = cust.IPSettings(ip=cust.FixedIp(ipAddress=nic["ip"]), subnetMask=nic["netmask"],
                                       gateway=[nic["gateway"]] if nic.get("gateway") else [])
        if nic.get("dns_domain"):
            settings.dnsDomain = nic["dns_domain"]
        if c["dns_servers"] and c["type"] == "windows":
            settings.dnsServerList = c["dns_servers"]
        mappings.append(cust.AdapterMapping(adapter=settings))
    global_ip = cust.GlobalIPSettings(dnsSuffixList=c["dns_suffixes"] or None,
                                      dnsServerList=c["dns_servers"] if c["type"] != "windows" and c["dns_servers"] else None)
    return cust.Specification(identity=_identity(vim, c), globalIPSettings=global_ip, nicSettingMap=mappings)


FAILED_EVENTS = ("CustomizationFailed", "CustomizationNetworkSetupFailed", "CustomizationLinuxIdentityFailed",
                 "CustomizationSysprepFailed", "CustomizationUnknownFailure")


def status(events):
    """The customization outcome from the VM's events [(type name, created time, reason, message)], oldest first."""
    out = {"status": "PENDING", "start_time": None, "end_time": None, "error": None}
    for kind, created, reason, message in events:
        if kind == "CustomizationStartedEvent":
            out.update(status="RUNNING", start_time=created, end_time=None, error=None)
        elif kind == "CustomizationSucceeded":
            out.update(status="SUCCEEDED", end_time=created)
        elif kind in FAILED_EVENTS:
            out.update(status="FAILED", end_time=created,
                       error="%s: %s" % (kind, reason or message or "no reason given"))
    return out
