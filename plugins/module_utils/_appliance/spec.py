# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module's ``spec`` option: validated before any call, turned into an Install.Spec, and
compared (without secrets) with the spec an appliance was configured with."""

from __future__ import annotations

import re

_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DOMAIN = re.compile(r"^%s(\.%s)+$" % (_LABEL, _LABEL))
THUMBPRINT = re.compile(r"^([0-9A-Fa-f]{2}:){19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$")


def problems(spec):
    """Everything wrong with a ``spec`` option value, as sentences (empty: valid)."""
    if not spec:
        return ["spec is required for this state"]
    standalone, replicated = spec.get("standalone"), spec.get("replicated")
    if standalone and replicated:
        return ["spec: give standalone or replicated, not both"]
    if not standalone and not replicated:
        return ["spec: give standalone (a new SSO domain) or replicated (join a partner's domain)"]
    found = []
    if standalone:
        domain = standalone.get("sso_domain_name")
        if not standalone.get("sso_admin_password"):
            found.append("spec.standalone.sso_admin_password is required")
        if not domain:
            found.append("spec.standalone.sso_domain_name is required")
        elif not DOMAIN.match(domain):
            found.append("spec.standalone.sso_domain_name %r is not a valid domain name "
                         "(labels of letters, digits and hyphens, joined by dots, e.g. vsphere.local)" % domain)
    else:
        if not replicated.get("partner_hostname"):
            found.append("spec.replicated.partner_hostname is required: a replicated install joins a partner")
        if not replicated.get("sso_admin_password"):
            found.append("spec.replicated.sso_admin_password (the partner's SSO administrator password) is required")
        port = replicated.get("https_port")
        if port is not None and not 0 < port < 65536:
            found.append("spec.replicated.https_port %s is not a port number" % port)
        thumbprint = replicated.get("ssl_thumbprint")
        if thumbprint and not THUMBPRINT.match(thumbprint):
            found.append("spec.replicated.ssl_thumbprint must be a SHA-1 or SHA-256 fingerprint in colon hex")
    return found


def install_spec(spec):
    """The Install.Spec to send (secrets included: it goes to the appliance only)."""
    embedded = {"ceip_enabled": bool(spec.get("ceip_enabled"))}
    if spec.get("standalone"):
        standalone = spec["standalone"]
        embedded["standalone"] = {"sso_domain_name": standalone["sso_domain_name"],
                                  "sso_admin_password": standalone["sso_admin_password"]}
    else:
        replicated = spec["replicated"]
        embedded["replicated"] = dict((key, value) for key, value in (
            ("partner_hostname", replicated["partner_hostname"]),
            ("https_port", replicated.get("https_port") or 443),
            ("sso_admin_password", replicated["sso_admin_password"]),
            ("ssl_thumbprint", replicated.get("ssl_thumbprint")),
            ("ssl_verify", replicated.get("ssl_verify")),
        ) if value is not None)
    return {"vcsa_embedded": embedded}


def summary(install):
    """The comparable, secret-free fields of an Install.Spec (sent or read back)."""
    embedded = (install or {}).get("vcsa_embedded") or {}
    out = {"ceip_enabled": bool(embedded.get("ceip_enabled"))}
    if embedded.get("standalone") is not None:
        out["mode"] = "standalone"
        out["sso_domain_name"] = embedded["standalone"].get("sso_domain_name")
    elif embedded.get("replicated") is not None:
        out["mode"] = "replicated"
        out["partner_hostname"] = embedded["replicated"].get("partner_hostname")
        out["https_port"] = embedded["replicated"].get("https_port") or 443
    return out


def differences(want, have):
    """Sentences naming each field where the appliance's spec summary differs from the wanted one."""
    return ["%s is %r on the appliance, the spec asks %r" % (key, have.get(key), want[key])
            for key in sorted(want) if have.get(key) != want[key]]
