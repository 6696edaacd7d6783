"""Credentials and TLS: exact lab credentials on SOAP and both REST styles."""
import ssl

import pytest
import requests
from pyVmomi import vim

from conftest import Disconnect, SmartConnect


def test_soap_login_good(lab):
    si = lab.connect()
    assert si.content.sessionManager.currentSession.userName == lab.user
    Disconnect(si)


@pytest.mark.parametrize("user,pwd", [("administrator@vsphere.local", "wrong"), ("root", "VMware1!"),
                                      ("administrator@vsphere.local", "vmware1!")])
def test_soap_login_bad(lab, user, pwd):
    with pytest.raises(vim.fault.InvalidLogin):
        lab.connect(user, pwd)


def test_tls_verifies_with_lab_ca_only(lab):
    assert requests.get(lab.url + "/sdk/vimServiceVersions.xml", verify=lab.ca).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(lab.url + "/sdk/vimServiceVersions.xml", verify=True)
    ctx = ssl.create_default_context()  # system trust store only
    with pytest.raises(ssl.SSLCertVerificationError):
        SmartConnect(host=lab.host, port=lab.port, user=lab.user, pwd=lab.password, sslContext=ctx)
    # the certificate names both 127.0.0.1 and localhost
    assert requests.get(f"https://localhost:{lab.port}/sdk/vimServiceVersions.xml", verify=lab.ca).ok


def rest(lab):
    s = requests.Session()
    s.verify, s.trust_env = lab.ca, False
    return s


def test_rest_legacy_session(fresh):
    s = rest(fresh)
    r = s.post(fresh.url + "/rest/com/vmware/cis/session", auth=(fresh.user, fresh.password))
    assert r.status_code == 200
    sid = r.json()["value"]
    assert s.cookies.get("vmware-api-session-id") == sid
    hdr = {"vmware-api-session-id": sid}
    r = requests.get(fresh.url + "/rest/com/vmware/cis/tagging/category", headers=hdr, verify=fresh.ca)
    assert r.status_code == 200 and "value" in r.json()  # vcsim sends null for an empty list
    r = requests.post(fresh.url + "/rest/com/vmware/cis/session?~action=get", headers=hdr, verify=fresh.ca)
    assert r.status_code == 200 and r.json()["value"]["user"] == fresh.user
    assert requests.delete(fresh.url + "/rest/com/vmware/cis/session", headers=hdr, verify=fresh.ca).status_code == 200
    r = requests.get(fresh.url + "/rest/com/vmware/cis/tagging/category", headers=hdr, verify=fresh.ca)
    assert r.status_code == 401
    assert r.json()["type"] == "com.vmware.vapi.std.errors.unauthenticated"


def test_api_session(fresh):
    r = requests.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password), verify=fresh.ca)
    assert r.status_code == 201
    token = r.json()
    assert isinstance(token, str) and token
    hdr = {"vmware-api-session-id": token}
    r = requests.get(fresh.url + "/api/session", headers=hdr, verify=fresh.ca)
    assert r.status_code == 200 and r.json()["user"] == fresh.user
    r = requests.get(fresh.url + "/api/cis/tagging/category", headers=hdr, verify=fresh.ca)
    assert r.status_code in (200, 404)  # reached the simulator, not rejected as 401
    assert requests.delete(fresh.url + "/api/session", headers=hdr, verify=fresh.ca).status_code == 204
    r = requests.get(fresh.url + "/api/session", headers=hdr, verify=fresh.ca)
    assert r.status_code == 401 and r.json()["error_type"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("path", ["/api/session", "/rest/com/vmware/cis/session"])
@pytest.mark.parametrize("auth", [("administrator@vsphere.local", "bad"), ("admin", "VMware1!"), None])
def test_rest_login_bad(lab, path, auth):
    r = requests.post(lab.url + path, auth=auth, verify=lab.ca)
    assert r.status_code == 401
    body = r.json()
    if path.startswith("/api"):
        assert body["error_type"] == "UNAUTHENTICATED" and body["messages"]
    else:
        assert body["type"] == "com.vmware.vapi.std.errors.unauthenticated"
        assert body["value"]["messages"]


def test_rest_without_session_is_401(lab):
    r = requests.get(lab.url + "/rest/com/vmware/cis/tagging/tag", verify=lab.ca)
    assert r.status_code == 401
    assert r.json()["type"] == "com.vmware.vapi.std.errors.unauthenticated"


def test_control_api_needs_lab_credentials(lab):
    assert requests.get(lab.url + "/lab/calls", verify=lab.ca).status_code == 401
    assert requests.get(lab.url + "/lab/calls", auth=(lab.user, "nope"), verify=lab.ca).status_code == 401
    assert requests.get(lab.url + "/lab/calls", auth=(lab.user, lab.password), verify=lab.ca).status_code == 200
