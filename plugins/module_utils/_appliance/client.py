# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP client of a vCenter Server Appliance's deployment API (port 5480, root account).

Not the vCenter client: before stage 2 no SSO exists, so it logs in with the appliance's own
account, and a new appliance's certificate is self-signed, so besides ``validate_certs`` and
``ca_path`` it can pin the certificate by ``ssl_thumbprint`` (SHA-1 or SHA-256, colon hex).
An install restarts services and closes connections: a refused connection (or a 502/503/504)
is retried with a back-off from 0.2 s doubling to at most 2 s until the caller's deadline; a
session that expired (401) is logged in again once per call. POSTs are retried only when the
connection was refused, never when a request may have reached the appliance.
"""

from __future__ import annotations

import time
import traceback
import warnings

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance import paths
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ApiError, ConnectionFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._rest import error_from
from ansible_collections.opensphere.vsphere.plugins.module_utils._tls import requests_verify

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning, NewConnectionError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = object
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

SESSION_HEADER = "vmware-api-session-id"
RETRY_STATUS = (502, 503, 504)
FIRST_DELAY, MAX_DELAY = 0.2, 2.0


class _Pinned(HTTPAdapter):
    """Accept exactly the certificate with this fingerprint (urllib3 checks it on connect)."""

    def __init__(self, fingerprint):
        self.fingerprint = fingerprint
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["assert_fingerprint"] = self.fingerprint
        super().init_poolmanager(*args, **kwargs)


def _refused(exc):
    """True when the connection was never made (nothing reached the appliance)."""
    seen = exc
    while seen is not None:
        if isinstance(seen, NewConnectionError) or isinstance(seen, requests.exceptions.ConnectTimeout):
            return True
        seen = getattr(seen, "reason", None) or (seen.args[0] if seen.args and isinstance(seen.args[0], Exception) else None)
    return "refused" in str(exc).lower()


class ApplianceClient:
    """One logged-in session with the appliance; ``style`` is 'api' or 'rest'."""

    def __init__(self, params, deadline):
        self.params = params
        self.deadline = deadline  # time.monotonic() value: retries stop there
        self.base = "https://%s:%s" % (params["appliance_hostname"], params["appliance_port"])
        self.http = None
        self.style = None
        self.retries = 0
        self.logins = 0
        self.requests = 0

    # transport
    def _send(self, method, path, retry_post=True, **kwargs):
        kwargs.setdefault("timeout", self.params.get("connect_timeout") or 30)
        delay = FIRST_DELAY
        while True:
            failure = None
            try:
                self.requests += 1
                response = self.http.request(method, self.base + path, **kwargs)
            except requests.exceptions.SSLError as exc:
                raise ConnectionFailed(self._tls_hint(exc), fault_type="SSLError")
            except requests.exceptions.RequestException as exc:
                if method != "GET" and not (retry_post and _refused(exc)):
                    raise ConnectionFailed("lost the connection to %s during %s %s: %s" % (self.base, method, path, exc),
                                           fault_type=type(exc).__name__)
                failure = "cannot reach %s: %s" % (self.base, exc)
            else:
                if response.status_code not in RETRY_STATUS:
                    return response
                failure = "%s answered HTTP %s" % (self.base, response.status_code)
            if time.monotonic() + delay > self.deadline:
                raise ConnectionFailed("%s (retried %d times until the timeout)" % (failure, self.retries),
                                       fault_type="ConnectionFailed")
            time.sleep(delay)
            self.retries += 1
            delay = min(delay * 2, MAX_DELAY)

    def _tls_hint(self, exc):
        if self.params.get("ssl_thumbprint"):
            return ("the appliance's certificate does not match ssl_thumbprint %s (%s): check the thumbprint, or "
                    "that this is the appliance you mean" % (self.params["ssl_thumbprint"], exc))
        return ("%s. The appliance's certificate is not trusted: a new appliance's certificate is self-signed; pin it "
                "with ssl_thumbprint, set ca_path to the CA that signed it, or validate_certs: false" % exc)

    def connect(self):
        p = self.params
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE and *_PROXY must not override the options
        if p.get("ssl_thumbprint"):
            self.http.verify = False
            self.http.mount("https://", _Pinned(p["ssl_thumbprint"].replace(":", "").lower()))
            warnings.simplefilter("ignore", InsecureRequestWarning)  # the pin is the check
        else:
            if not p["validate_certs"]:
                warnings.simplefilter("ignore", InsecureRequestWarning)
            self.http.verify = requests_verify(p["validate_certs"], p.get("ca_path"))
        self.login()
        return self

    def login(self):
        p = self.params
        self.http.headers.pop(SESSION_HEADER, None)
        styles = ("api", "rest") if p.get("api_style", "auto") == "auto" else (p["api_style"],)
        for style in styles:
            response = self._send("POST", paths.LOGIN[style], auth=(p["appliance_username"], p["appliance_password"]))
            if response.status_code == 404 and style != styles[-1]:
                continue
            if response.status_code == 401:
                raise ApiError("the appliance refused the password of %s (HTTP 401)" % p["appliance_username"],
                               fault_type="UNAUTHENTICATED", status=401)
            if response.status_code >= 400:
                raise error_from(response)
            token = response.json()
            self.style = style
            self.logins += 1
            self.http.headers[SESSION_HEADER] = token["value"] if style == "rest" else token
            self.http.cookies.clear()
            return
        raise ApiError("the appliance offers no deployment API session at %s" % self.base, fault_type="NOT_FOUND")

    def close(self):
        if self.http is None:
            return
        try:
            if self.style:
                self.http.request("DELETE", self.base + paths.LOGIN[self.style], timeout=5)
        except requests.exceptions.RequestException:
            pass  # logout is best effort: the appliance may be restarting
        finally:
            self.style = None
            self.http.close()

    def __enter__(self):
        return self.connect()

    def __exit__(self, *exc_info):
        self.close()

    def call(self, operation, body=None):
        """One deployment operation (see paths.OPERATIONS); the unwrapped result or None."""
        method, path, query, payload = paths.request(self.style, operation, body)
        response = self._send(method, path, params=query, json=payload)
        if response.status_code == 401:  # the session expired: log in again, once
            self.login()
            response = self._send(method, path, params=query, json=payload)
        if response.status_code >= 400:
            raise error_from(response)
        if not response.content:
            return None
        return paths.unwrap(self.style, response.json())
