# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One TLS and proxy story for both transports.

``validate_certs`` and ``ca_path`` mean the same for SOAP (pyVmomi, http.client) and REST
(requests), and the environment (``REQUESTS_CA_BUNDLE``, ``HTTPS_PROXY``) is never consulted:
only the module's own options (which fall back to ``VMWARE_*`` variables) decide.
"""

from __future__ import annotations

import ssl


def ssl_context(validate_certs, ca_path=None):
    """The SSLContext for pyVmomi: verify against ca_path, else the system store; or not at all."""
    if not validate_certs:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context(cafile=ca_path) if ca_path else ssl.create_default_context()


def requests_verify(validate_certs, ca_path=None):
    """The ``verify`` value for requests matching ssl_context()."""
    if not validate_certs:
        return False
    if ca_path:
        return ca_path
    # requests' own default is certifi's bundle; use the system store, like ssl_context().
    paths = ssl.get_default_verify_paths()
    return paths.cafile or paths.capath or True


def proxies(proxy_host, proxy_port):
    """The proxy mapping for requests (HTTPS goes through CONNECT, as pyVmomi's tunnel does)."""
    if not proxy_host:
        return {}
    url = "http://%s:%s" % (proxy_host, proxy_port)
    return {"https": url, "http": url}


def untrusted_hint(exc):
    """The advice to give with a certificate verification failure."""
    return (
        "%s. The server's certificate is not trusted: set ca_path (or VMWARE_CA_PATH) to the CA "
        "file that signed it, or validate_certs: false to skip verification" % exc
    )


def proxy_text(params, target, exc):
    """The words for a proxy that refused the connection or the tunnel: the proxy, not vCenter, failed."""
    return ("the proxy %s:%s did not connect us to %s (%s); check proxy_host and proxy_port, "
            "or that the proxy allows CONNECT to that port" % (params.get("proxy_host"), params.get("proxy_port"), target, exc))
