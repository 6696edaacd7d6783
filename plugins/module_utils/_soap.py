# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SOAP sessions with pyVmomi: connect, negotiate the API version for free, always log out.

The only file that imports pyVmomi at top level. Connecting costs two round trips:
RetrieveServiceContent (which also tells the server's API version, so no separate version
probe is needed) and Login.
"""

from __future__ import annotations

import contextlib
import http.client
import ssl
import traceback

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ConnectionFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._tls import proxy_text, ssl_context, untrusted_hint

try:
    from pyVmomi import SoapStubAdapter, VmomiSupport, vim, vmodl
    # re-exported for _bulk_read, which parses property reads itself but lets pyVmomi raise faults
    from pyVmomi.SoapAdapter import SoapResponseDeserializer  # noqa: F401 pylint: disable=unused-import
except ImportError:
    HAS_PYVMOMI = False
    PYVMOMI_IMPORT_ERROR = traceback.format_exc()
    vim = vmodl = VmomiSupport = SoapResponseDeserializer = None
else:
    HAS_PYVMOMI = True
    PYVMOMI_IMPORT_ERROR = None

# vSphere 6.5: the oldest API spoken; every supported vCenter accepts it for the first call.
BASELINE_VERSION = "vim.version.version11"


def _numeric(version):
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return None


def best_version(api_version):
    """The newest pyVmomi vim version not newer than the server's ``about.apiVersion``."""
    exact = VmomiSupport.versionMap.get("vim25/" + api_version)
    if exact:
        return exact
    wanted = _numeric(api_version)
    best, best_key = BASELINE_VERSION, _numeric("6.5")
    for key, name in VmomiSupport.versionMap.items():
        if not key.startswith("vim25/"):
            continue
        number = _numeric(key[len("vim25/"):])
        if number and wanted and best_key < number <= wanted:
            best, best_key = name, number
    return best


class SoapSession:
    """A logged-in SOAP session; ``content`` is the ServiceContent read once at connect."""

    def __init__(self, params):
        self.params = params
        self.stub = None
        self.content = None
        self.logged_in = False
        self.name_lookup = None  # how the last VM name was resolved (_vm_names), for reports
        self.name_lookup_warning = None  # set when the VM list should have answered and could not
        self.rest_prefetch = None  # _vm_names.Prefetch: the VM list's REST login started ahead

    @property
    def target(self):
        return "%s:%s" % (self.params["hostname"], self.params["port"])

    def connect(self, after_content=None):
        """Log in. ``after_content(session)`` runs once the ServiceContent is read, before the Login
        (the name lookup starts its REST login there, to overlap the two)."""
        p = self.params
        self.stub = SoapStubAdapter(
            host=p["hostname"],
            port=p["port"],
            version=BASELINE_VERSION,
            sslContext=ssl_context(p["validate_certs"], p.get("ca_path")),
            httpProxyHost=p.get("proxy_host"),
            httpProxyPort=p.get("proxy_port") or 80,
            httpConnectionTimeout=p.get("connect_timeout"),
        )
        try:
            self.content = vim.ServiceInstance("ServiceInstance", self.stub).RetrieveContent()
            self.stub.ComputeVersionInfo(best_version(self.content.about.apiVersion))
            if after_content is not None:
                after_content(self)
            try:
                self.content.sessionManager.Login(p["username"], p["password"], None)
            except BaseException:
                self._close_prefetch()  # nobody will close this session: end what the hook started
                raise
        except ssl.SSLCertVerificationError as exc:
            raise ConnectionFailed(untrusted_hint(exc), fault_type=type(exc).__name__)
        except (OSError, http.client.HTTPException) as exc:
            if p.get("proxy_host") and not isinstance(exc, ssl.SSLError):
                # every byte goes to the proxy first: a refusal or a failed CONNECT is the proxy's
                raise ConnectionFailed(proxy_text(p, self.target, exc), fault_type="ProxyError")
            raise ConnectionFailed("cannot reach %s: %s" % (self.target, exc), fault_type=type(exc).__name__)
        self.logged_in = True
        return self

    def close(self):
        """Log out and drop the connections; never masks the error that ended the work."""
        if self.stub is None:
            return
        try:
            if self.logged_in:
                self.content.sessionManager.Logout()
        except (vmodl.MethodFault, OSError, http.client.HTTPException):
            pass  # the session is gone either way; logout is best effort on a failing path
        finally:
            self.logged_in = False
            self._close_prefetch()  # after the SOAP logout: a REST logout still running overlaps it
            self.stub.DropConnections()

    def _close_prefetch(self):
        prefetch, self.rest_prefetch = self.rest_prefetch, None
        if prefetch is not None:
            prefetch.close()

    def __enter__(self):
        return self.connect()

    def __exit__(self, *exc_info):
        self.close()

    @contextlib.contextmanager
    def read_timeout(self, seconds):
        """Allow the calls inside ``seconds`` to answer (a long-poll), instead of ``connect_timeout``.

        pyVmomi gives every connection of its pool the one timeout it was built with, for
        connecting and reading alike; a WaitForUpdatesEx that may rightly take longer than
        ``connect_timeout`` would be cut by the socket. The pool's connections and any new one
        get ``seconds`` while inside, and the old timeout again afterwards.
        """
        before = self.stub.schemeArgs.get("timeout")
        self._set_timeout(seconds)
        try:
            yield
        finally:
            self._set_timeout(before)

    def _set_timeout(self, seconds):
        stub = self.stub
        if seconds is None:
            stub.schemeArgs.pop("timeout", None)
        else:
            stub.schemeArgs["timeout"] = seconds
        with stub.lock:
            pooled = [conn for conn, _at in stub.pool]
        for conn in pooled:
            conn.timeout = seconds
            if conn.sock is not None:
                conn.sock.settimeout(seconds)

    def ref(self, kind, moid):
        """A managed object reference bound to this session, without a round trip."""
        return getattr(vim, kind)(moid, self.stub)
