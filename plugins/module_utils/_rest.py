# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vSphere Automation API over one HTTP session, in either style.

vCenter 7.0+ serves ``/api`` (bare JSON, ``POST /api/session``); 6.7 serves ``/rest``
(``{"value": ...}`` wrapping, ``POST /rest/com/vmware/cis/session``). The client logs in with
``/api`` and falls back to ``/rest`` when the server does not know it, so the style is found
out by the login itself at no extra cost. Callers give the path in ``/api`` form and, where
the 6.7 form differs, its ``/rest`` form. The session always logs out.
"""

from __future__ import annotations

import traceback

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ApiError, ConnectionFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._limits import check_basic_auth
from ansible_collections.opensphere.vsphere.plugins.module_utils._tls import proxies, proxy_text, requests_verify, untrusted_hint

try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

SESSION_HEADER = "vmware-api-session-id"
LOGIN_PATHS = {"api": "/api/session", "rest": "/rest/com/vmware/cis/session"}


def error_from(response):
    """An ApiError from a vAPI error response of either style (or any HTTP error)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error_type, messages = "HTTP_%s" % response.status_code, []
    if isinstance(body, dict):
        if "error_type" in body:  # /api
            error_type = body["error_type"]
            messages = body.get("messages") or []
        elif "type" in body:  # /rest
            error_type = body["type"].rsplit(".", 1)[-1].upper()
            messages = (body.get("value") or {}).get("messages") or []
    text = "; ".join(m.get("default_message", "") for m in messages if isinstance(m, dict)) or response.reason or ""
    return ApiError("%s (HTTP %s)" % (text, response.status_code), fault_type=error_type, status=response.status_code,
                    body=body)


class RestSession:
    """A logged-in vAPI session; ``style`` is 'api' or 'rest'."""

    def __init__(self, params):
        self.params = params
        self.base = "https://%s:%s" % (params["hostname"], params["port"])
        self.http = None
        self.style = None

    def _send(self, method, path, **kwargs):
        kwargs.setdefault("timeout", self.params.get("connect_timeout") or 30)
        try:
            return self.http.request(method, self.base + path, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise ConnectionFailed(untrusted_hint(exc), fault_type="SSLError")
        except requests.exceptions.ProxyError as exc:
            raise ConnectionFailed(proxy_text(self.params, self.base, exc), fault_type="ProxyError")
        except requests.exceptions.RequestException as exc:
            raise ConnectionFailed("cannot reach %s: %s" % (self.base, exc), fault_type=type(exc).__name__)

    def connect(self):
        p = self.params
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE and *_PROXY must not override our options
        self.http.verify = requests_verify(p["validate_certs"], p.get("ca_path"))
        self.http.proxies = proxies(p.get("proxy_host"), p.get("proxy_port"))
        for option in ("username", "password"):
            check_basic_auth(option, p[option])
        auth = (p["username"], p["password"])
        for style in ("api", "rest"):
            response = self._send("POST", LOGIN_PATHS[style], auth=auth)
            if response.status_code == 404 and style == "api":
                continue
            if response.status_code >= 400:
                raise error_from(response)
            token = response.json()
            self.style = style
            self.http.headers[SESSION_HEADER] = token["value"] if style == "rest" else token
            return self
        raise ApiError("the server offers neither /api nor /rest sessions", fault_type="NOT_FOUND")

    def close(self):
        if self.http is None:
            return
        try:
            if self.style:
                self._send("DELETE", LOGIN_PATHS[self.style])
        except ConnectionFailed:
            pass  # logout is best effort once the connection itself has failed
        finally:
            self.style = None
            self.http.close()

    def __enter__(self):
        return self.connect()

    def __exit__(self, *exc_info):
        self.close()

    def request(self, method, api, rest=None, body=None, rest_body=None, params=None, ok_missing=False, timeout=None):
        """Call one operation; returns the (unwrapped) JSON result, or None.

        ``api`` is the /api path (``/vcenter/services/vpxd``, without the prefix); ``rest`` the
        /rest path where it differs. ``rest_body`` is the /rest request body where it differs
        (6.7 wraps most bodies, e.g. ``{"spec": ...}``). ``ok_missing`` turns a NOT_FOUND into None.
        ``timeout`` (seconds) replaces ``connect_timeout`` for an operation that is known to take
        long before it answers (a synchronous service start).
        """
        path = "/api" + api if self.style == "api" else "/rest" + (rest if rest is not None else api)
        payload = body if self.style == "api" or rest_body is None else rest_body
        extra = {"timeout": timeout} if timeout else {}
        response = self._send(method, path, json=payload, params=params, **extra)
        if response.status_code >= 400:
            error = error_from(response)
            if ok_missing and error.fault_type == "NOT_FOUND":
                return None
            raise error
        if not response.content:
            return None
        data = response.json()
        if self.style == "rest" and isinstance(data, dict) and "value" in data:
            return data["value"]
        return data
