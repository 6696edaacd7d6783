"""vCenter services (com.vmware.vcenter.services) in both API styles, and the /api refusal control."""
import threading
import time

import pytest
import requests

STYLES = ["api", "rest"]


class Client:
    """A minimal vAPI client for one style, so each rule is checked on /api and /rest alike."""

    def __init__(self, lab, style):
        self.lab, self.style = lab, style
        self.http = requests.Session()
        self.http.verify, self.http.trust_env = lab.ca, False
        path = "/api/session" if style == "api" else "/rest/com/vmware/cis/session"
        r = self.http.post(lab.url + path, auth=(lab.user, lab.password))
        assert r.status_code in (200, 201), r.text
        token = r.json()
        self.http.headers["vmware-api-session-id"] = token["value"] if style == "rest" else token

    def url(self, service="", action=""):
        base = "%s/%s/vcenter/services%s" % (self.lab.url, self.style, "/" + service if service else "")
        if action:
            return base + ("?action=" + action if self.style == "api" else "/" + action)
        return base

    def unwrap(self, r):
        body = r.json() if r.content else None
        return body["value"] if self.style == "rest" and isinstance(body, dict) and "value" in body else body

    def get(self, service):
        r = self.http.get(self.url(service))
        assert r.status_code == 200, r.text
        return self.unwrap(r)

    def list(self):
        r = self.http.get(self.url())
        assert r.status_code == 200, r.text
        body = self.unwrap(r)
        if self.style == "rest":
            assert isinstance(body, list)
            return {entry["key"]: entry["value"] for entry in body}
        assert isinstance(body, dict)
        return body

    def act(self, service, action):
        return self.http.post(self.url(service, action))

    def set_startup(self, service, startup_type):
        spec = {"startup_type": startup_type}
        return self.http.patch(self.url(service), json=spec if self.style == "api" else {"spec": spec})

    def ok(self, r):
        assert r.status_code == (204 if self.style == "api" else 200), r.text

    def error(self, r, status, kind):
        assert r.status_code == status, r.text
        body = r.json()
        if self.style == "api":
            assert body["error_type"] == kind.upper()
            messages = body["messages"]
        else:
            assert body["type"] == "com.vmware.vapi.std.errors." + kind
            messages = body["value"]["messages"]
        assert messages and messages[0]["default_message"] and messages[0]["id"]
        return messages[0]["default_message"]


@pytest.fixture(params=STYLES)
def client(request, fresh):
    return Client(fresh, request.param)


def test_catalog_looks_like_an_appliance(client):
    services = client.list()
    assert len(services) >= 40
    for name in ("vpxd", "vsphere-ui", "vmware-vpostgres", "content-library", "eam"):
        assert services[name]["state"] == "STARTED" and services[name]["startup_type"] == "AUTOMATIC"
        assert services[name]["health"] == "HEALTHY" and services[name]["health_messages"] == []
        assert services[name]["name_key"] == "cis.%s.ServiceName" % name
    stopped = {k for k, v in services.items() if v["state"] == "STOPPED"}
    assert {"imagebuilder", "rbd", "vmcam", "vcha", "netdumper"} <= stopped
    assert all("health" not in services[k] for k in stopped)  # health only while STARTED
    assert {k for k, v in services.items() if v["startup_type"] == "DISABLED"} == {"vcha", "netdumper"}
    assert services["vsan-health"]["health"] == "HEALTHY_WITH_WARNINGS"
    assert services["vsan-health"]["health_messages"][0]["default_message"]
    assert client.get("vpxd") == services["vpxd"]


def test_unknown_service_is_not_found(client):
    for r in (client.http.get(client.url("vpxdd")), client.act("vpxdd", "start"), client.set_startup("vpxdd", "MANUAL")):
        assert "vpxdd" in client.error(r, 404, "not_found")


def test_start_is_synchronous_and_others_see_starting(client):
    client.lab.ctl("POST", "services", {"transition_ms": 600})
    seen, result = [], {}

    def start():
        t0 = time.monotonic()
        result["response"] = client.act("rbd", "start")
        result["took"] = time.monotonic() - t0

    worker = threading.Thread(target=start)
    worker.start()
    time.sleep(0.2)
    other = Client(client.lab, client.style)
    seen.append(other.get("rbd")["state"])
    busy = other.act("rbd", "stop")
    busy_update = other.set_startup("rbd", "AUTOMATIC")
    worker.join()
    client.ok(result["response"])
    assert result["took"] >= 0.55
    assert seen == ["STARTING"]
    assert "in progress" in other.error(busy, 400, "not_allowed_in_current_state")
    assert "in progress" in other.error(busy_update, 400, "not_allowed_in_current_state")
    info = client.get("rbd")
    assert info["state"] == "STARTED" and info["health"] == "HEALTHY"


def test_stop_start_restart_and_no_ops(client):
    client.ok(client.act("eam", "stop"))
    assert client.get("eam")["state"] == "STOPPED" and "health" not in client.get("eam")
    client.ok(client.act("eam", "stop"))  # already stopped: nothing to do, no error
    client.ok(client.act("eam", "restart"))  # restart of a stopped service starts it
    assert client.get("eam")["state"] == "STARTED"
    client.ok(client.act("eam", "start"))
    client.ok(client.act("eam", "restart"))
    assert client.get("eam")["state"] == "STARTED"


def test_disabled_service_cannot_start_or_restart(client):
    for action in ("start", "restart"):
        assert "DISABLED" in client.error(client.act("vcha", action), 400, "not_allowed_in_current_state")
    assert client.get("vcha")["state"] == "STOPPED"
    client.ok(client.act("vcha", "stop"))  # stopping a stopped disabled service is allowed
    client.ok(client.set_startup("vcha", "MANUAL"))
    client.ok(client.act("vcha", "start"))
    assert client.get("vcha")["state"] == "STARTED"


def test_disable_requires_stopped(client):
    assert "STOPPED" in client.error(client.set_startup("eam", "DISABLED"), 400, "not_allowed_in_current_state")
    assert client.get("eam")["startup_type"] == "AUTOMATIC"
    client.ok(client.act("eam", "stop"))
    client.ok(client.set_startup("eam", "DISABLED"))
    assert client.get("eam")["startup_type"] == "DISABLED"
    client.ok(client.set_startup("eam", "MANUAL"))
    assert client.get("eam")["startup_type"] == "MANUAL"


def test_invalid_startup_type(client):
    client.error(client.set_startup("eam", "SOMETIMES"), 400, "invalid_argument")
    assert client.get("eam")["startup_type"] == "AUTOMATIC"


def test_failure_rules(client):
    lab = client.lab
    lab.ctl("POST", "services/fail", {"service": "rbd", "mode": "stopped", "message": "port 6501 in use"})
    assert "port 6501 in use" in client.error(client.act("rbd", "start"), 500, "error")
    assert client.get("rbd")["state"] == "STOPPED"

    lab.ctl("POST", "services/fail", {"service": "rbd", "mode": "degraded", "message": "database unreachable"})
    client.ok(client.act("rbd", "start"))
    info = client.get("rbd")
    assert info["state"] == "STARTED" and info["health"] == "DEGRADED"
    assert info["health_messages"][0]["default_message"] == "database unreachable"

    lab.ctl("POST", "services/fail", {"service": "imagebuilder", "mode": "timeout"})
    client.error(client.act("imagebuilder", "start"), 504, "timed_out")
    assert client.get("imagebuilder")["state"] == "STARTING"
    client.ok(client.act("imagebuilder", "stop"))
    assert client.get("imagebuilder")["state"] == "STOPPED"

    lab.ctl("DELETE", "services/fail")
    client.ok(client.act("imagebuilder", "start"))
    assert client.get("imagebuilder")["state"] == "STARTED"


def test_control_validates_input(fresh):
    fresh.ctl("POST", "services/fail", {"service": "nope", "mode": "stopped"}, expect=400)
    fresh.ctl("POST", "services/fail", {"service": "eam", "mode": "sometimes"}, expect=400)
    fresh.ctl("POST", "services", {"transition_ms": -1}, expect=400)
    state = fresh.ctl("GET", "services")
    assert state["transition_ms"] == 200 and state["failures"] == {} and len(state["services"]) >= 40


def test_state_resets_with_the_lab(fresh):
    c = Client(fresh, "api")
    c.ok(c.act("eam", "stop"))
    fresh.ctl("POST", "services", {"transition_ms": 5})
    fresh.ctl("POST", "services/fail", {"service": "rbd", "mode": "stopped"})
    fresh.reset()
    c = Client(fresh, "api")
    assert c.get("eam")["state"] == "STARTED"
    state = fresh.ctl("GET", "services")
    assert state["transition_ms"] == 200 and state["failures"] == {}


def test_services_need_a_session(fresh):
    for url in (fresh.url + "/api/vcenter/services", fresh.url + "/rest/vcenter/services/vpxd"):
        r = requests.get(url, verify=fresh.ca)
        assert r.status_code == 401


def test_api_can_be_refused_like_a_67_vcenter(fresh):
    assert fresh.ctl("GET", "api") == {"enabled": True}
    assert fresh.ctl("POST", "api", {"enabled": False}) == {"enabled": False}
    r = requests.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password), verify=fresh.ca)
    assert r.status_code == 404
    c = Client(fresh, "rest")
    assert c.get("vpxd")["state"] == "STARTED"
    assert c.http.get(fresh.url + "/api/vcenter/services").status_code == 404
    fresh.reset()
    assert fresh.ctl("GET", "api") == {"enabled": True}
    assert Client(fresh, "api").get("vpxd")["state"] == "STARTED"
