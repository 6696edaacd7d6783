"""The appliance's deployment API (com.vmware.vcenter.deployment) on its own listener, both styles."""
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import LAB, parse_env

STYLES = ["api", "rest"]
SPEC = {"vcsa_embedded": {"ceip_enabled": False,
                          "standalone": {"sso_domain_name": "vsphere.local", "sso_admin_password": "Sso.Secret1!"}}}


class Appliance:
    """A minimal client of the appliance for one style (root basic auth unless a session is made)."""

    def __init__(self, lab, style, auth=True):
        self.lab, self.style = lab, style
        env = lab.env
        self.base = "https://%s:%s" % (env["APPLIANCE_HOST"], env["APPLIANCE_PORT"])
        self.http = requests.Session()
        self.http.verify, self.http.trust_env = env["APPLIANCE_CA_PATH"], False
        if auth:
            self.http.auth = (env["APPLIANCE_USER"], env["APPLIANCE_PASSWORD"])

    def url(self, what="", action=""):
        return "%s/%s/vcenter/deployment%s%s" % (self.base, self.style, "/" + what if what else "",
                                                 "?action=" + action if action else "")

    def body(self, spec):
        return {"spec": spec} if self.style == "rest" else spec

    def unwrap(self, r):
        data = r.json() if r.content else None
        return data["value"] if self.style == "rest" and isinstance(data, dict) and "value" in data else data

    def ok(self, r):
        assert r.status_code in (200, 204), r.text
        return self.unwrap(r)

    def error(self, r, status, kind):
        """The messages of a vAPI error of the given kind, in this style."""
        assert r.status_code == status, r.text
        body = r.json()
        if self.style == "rest":
            assert body["type"] == "com.vmware.vapi.std.errors." + kind, body
            messages = body["value"]["messages"]
        else:
            assert body["error_type"] == kind.upper(), body
            messages = body["messages"]
        return " | ".join(m["default_message"] for m in messages)

    def info(self):
        info = self.ok(self.http.get(self.url()))
        if self.style == "rest" and "subtasks" in info:  # /rest sends maps as key/value lists
            assert isinstance(info["subtasks"], list)
            info["subtasks"] = {e["key"]: e["value"] for e in info["subtasks"]}
        return info

    def act(self, what, action, spec=None):
        return self.http.post(self.url(what, action), json=self.body(spec) if spec is not None else None)

    def wait(self, want, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.info()
            if info["state"] in want:
                return info
            time.sleep(0.05)
        raise TimeoutError("appliance state %s, wanted %s" % (info["state"], want))


def setup(lab, **conf):
    return lab.ctl("POST", "appliance", conf)


@pytest.fixture(params=STYLES)
def appl(lab, request):
    setup(lab)
    lab.ctl("POST", "appliance/calls/reset")
    return Appliance(lab, request.param)


def test_env_names_the_appliance(lab):
    env = lab.env
    assert env["APPLIANCE_USER"] == "root" and env["APPLIANCE_PASSWORD"]
    assert int(env["APPLIANCE_PORT"]) == int(env["VMWARE_PORT"]) + 1
    pem = ssl.get_server_certificate((env["APPLIANCE_HOST"], int(env["APPLIANCE_PORT"])))
    der = ssl.PEM_cert_to_DER_cert(pem)
    import hashlib
    assert env["APPLIANCE_THUMBPRINT"] == ":".join("%02X" % b for b in hashlib.sha1(der).digest())
    assert env["APPLIANCE_THUMBPRINT_SHA256"] == ":".join("%02X" % b for b in hashlib.sha256(der).digest())


def test_fresh_appliance_is_initialized_and_needs_root(appl):
    assert appl.info() == {"state": "INITIALIZED"}
    anon = Appliance(appl.lab, appl.style, auth=False)
    assert "Authentication" in anon.error(anon.http.get(anon.url()), 401, "unauthenticated")
    anon.http.auth = ("root", "wrong")
    assert "Authentication" in anon.error(anon.http.get(anon.url()), 401, "unauthenticated")
    anon.http.auth = (appl.lab.user, appl.lab.password)  # vCenter's SSO account means nothing here
    assert "Authentication" in anon.error(anon.act("install", "start", SPEC), 401, "unauthenticated")
    assert appl.info() == {"state": "INITIALIZED"}


def test_sessions_login_expire_and_idle_timeout(appl):
    lab = appl.lab
    path = "/api/session" if appl.style == "api" else "/rest/com/vmware/cis/session"
    anon = Appliance(lab, appl.style, auth=False)
    assert anon.http.post(anon.base + path, auth=("root", "nope")).status_code == 401
    r = anon.http.post(anon.base + path, auth=(lab.env["APPLIANCE_USER"], lab.env["APPLIANCE_PASSWORD"]))
    assert r.status_code == (201 if appl.style == "api" else 200), r.text
    token = r.json() if appl.style == "api" else r.json()["value"]
    anon.http.cookies.clear()
    anon.http.headers["vmware-api-session-id"] = token
    assert anon.info()["state"] == "INITIALIZED"
    assert lab.ctl("POST", "appliance/sessions/expire") == {"expired": 1}
    assert anon.http.get(anon.url()).status_code == 401
    setup(lab, session_timeout_ms=300)
    r = anon.http.post(anon.base + path, auth=(lab.env["APPLIANCE_USER"], lab.env["APPLIANCE_PASSWORD"]))
    anon.http.headers["vmware-api-session-id"] = r.json() if appl.style == "api" else r.json()["value"]
    assert anon.info()["state"] == "INITIALIZED"
    time.sleep(0.45)
    assert anon.http.get(anon.url()).status_code == 401
    assert anon.http.delete(anon.base + path).status_code == 401


@pytest.mark.parametrize("spec, words", [
    ({"vcsa_embedded": {"ceip_enabled": False, "standalone": {"sso_domain_name": "vsphere.local"}}},
     "sso_admin_password is required"),
    ({"vcsa_embedded": {"ceip_enabled": False,
                        "standalone": {"sso_domain_name": "bad_domain!", "sso_admin_password": "x"}}},
     "not a valid domain name"),
    ({"vcsa_embedded": {"ceip_enabled": False, "replicated": {"sso_admin_password": "x"}}},
     "partner_hostname is required"),
    ({"vcsa_embedded": {"ceip_enabled": False}}, "needs its partner"),
    ({"vcsa_embedded": {"standalone": {"sso_domain_name": "vsphere.local", "sso_admin_password": "x"}}},
     "ceip_enabled is required"),
    ({"psc": {}}, "vcsa_embedded is required"),
])
def test_bad_spec_is_invalid_argument_for_check_and_start(appl, spec, words):
    for action in ("check", "start"):
        assert words in appl.error(appl.act("install", action, spec), 400, "invalid_argument")
    assert appl.info() == {"state": "INITIALIZED"}


def test_check_reports_and_starts_nothing(appl):
    assert appl.ok(appl.act("install", "check", SPEC)) == {
        "status": "SUCCESS", "result": {"info": [], "warnings": [], "errors": []}}
    setup(appl.lab, check_warnings=["DNS is slow"])
    out = appl.ok(appl.act("install", "check", SPEC))
    assert out["status"] == "WARNING" and out["result"]["warnings"][0]["message"]["default_message"] == "DNS is slow"
    setup(appl.lab, check_errors=["partner unreachable"])
    out = appl.ok(appl.act("install", "check", SPEC))
    assert out["status"] == "ERROR" and out["result"]["errors"][0]["message"]["default_message"] == "partner unreachable"
    assert "partner unreachable" in appl.error(appl.act("install", "start", SPEC), 400, "invalid_argument")
    assert appl.info() == {"state": "INITIALIZED"}


def test_not_initialized_then_initialized(appl):
    setup(appl.lab, initialize_after_ms=300)
    assert appl.info() == {"state": "NOT_INITIALIZED"}
    for action in ("check", "start"):
        assert "NOT_INITIALIZED" in appl.error(appl.act("install", action, SPEC), 400, "not_allowed_in_current_state")
    time.sleep(0.35)
    assert appl.info() == {"state": "INITIALIZED"}
    setup(appl.lab, state="NOT_INITIALIZED")
    assert appl.info()["state"] == "NOT_INITIALIZED"


def test_install_progress_subtasks_and_configured(appl):
    setup(appl.lab, duration_ms=900)
    t0 = time.time()
    assert appl.ok(appl.act("install", "start", SPEC)) in (None, {})
    seen, percents = [], []
    while True:
        info = appl.info()
        seen.append(info["state"])
        percents.append(info["progress"]["completed"])
        if info["state"] == "CONFIGURED":
            break
        assert info["state"] == "CONFIG_IN_PROGRESS" and info["status"] == "RUNNING" and info["cancelable"]
        running = [k for k in info["subtask_order"] if info["subtasks"][k]["status"] == "RUNNING"]
        assert len(running) == 1 and info["progress"]["message"]["default_message"]
        done = [k for k in info["subtask_order"] if info["subtasks"][k]["status"] == "SUCCEEDED"]
        assert info["subtask_order"][:len(done)] == done  # subtasks finish in order
        time.sleep(0.08)
    assert percents == sorted(percents) and len(set(percents)) >= 4 and percents[-1] == 100
    assert info["subtask_order"] == ["validation", "firstboot", "sso", "vpxd", "services", "finalize"]
    assert all(info["subtasks"][k]["status"] == "SUCCEEDED" for k in info["subtask_order"])
    assert info["status"] == "SUCCEEDED" and not info["cancelable"]
    start = time.mktime(time.strptime(info["start_time"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    end = time.mktime(time.strptime(info["end_time"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    assert abs(start - t0) < 2 and 0 <= end - start <= 2
    spec = appl.ok(appl.http.get(appl.url("install")))
    assert spec == {"vcsa_embedded": {"ceip_enabled": False, "standalone": {"sso_domain_name": "vsphere.local"}}}
    assert "Sso.Secret1!" not in appl.http.get(appl.url()).text
    for action in ("check", "start", "cancel"):
        assert "CONFIGURED" in appl.error(appl.act("install", action, SPEC if action != "cancel" else None), 400,
                                          "not_allowed_in_current_state")
    assert "CONFIGURED" in appl.error(appl.act("", "rollback"), 400, "not_allowed_in_current_state")
    calls = appl.lab.ctl("GET", "appliance/calls")["by_method"]
    assert calls["POST /%s/vcenter/deployment/install?action=start" % appl.style] == 2  # the run and the refused one


def test_install_spec_and_question_need_their_states(appl):
    assert "INITIALIZED" in appl.error(appl.http.get(appl.url("install")), 400, "not_allowed_in_current_state")
    assert "INITIALIZED" in appl.error(appl.http.get(appl.url("question")), 400, "not_allowed_in_current_state")
    r = appl.act("question", "answer", {"question_id": "q", "answer_val": "Yes"})
    assert "INITIALIZED" in appl.error(r, 400, "not_allowed_in_current_state")
    assert "INITIALIZED" in appl.error(appl.act("install", "cancel"), 400, "not_allowed_in_current_state")
    assert "INITIALIZED" in appl.error(appl.act("", "rollback"), 400, "not_allowed_in_current_state")


def test_question_pauses_and_answer_resumes(appl):
    setup(appl.lab, duration_ms=600, questions=[
        {"id": "cert", "text": "Replace the certificate?", "at_percent": 30},
        {"id": "ntp", "text": "Use host time?", "type": "OK_CANCEL", "at_percent": 60}])
    appl.ok(appl.act("install", "start", SPEC))
    info = appl.wait({"QUESTION_RAISED"})
    assert info["status"] == "BLOCKED" and info["progress"]["completed"] == 30
    time.sleep(0.3)
    assert appl.info()["progress"]["completed"] == 30  # time stands still while a question waits
    q = appl.ok(appl.http.get(appl.url("question")))
    assert q == {"questions": [{"id": "cert", "type": "YES_NO", "default_answer": "Yes", "possible_answers": ["Yes", "No"],
                                "question": {"id": "com.vmware.lab.question.cert", "args": [],
                                             "default_message": "Replace the certificate?"}}]}
    bad = appl.act("question", "answer", {"question_id": "nope", "answer_val": "Yes"})
    assert "no pending question" in appl.error(bad, 400, "invalid_argument")
    bad = appl.act("question", "answer", {"question_id": "cert", "answer_val": "Maybe"})
    assert "not one of Yes, No" in appl.error(bad, 400, "invalid_argument")
    appl.ok(appl.act("question", "answer", {"question_id": "cert", "answer_val": "No"}))
    assert appl.info()["state"] == "CONFIG_IN_PROGRESS"
    appl.wait({"QUESTION_RAISED"})
    q = appl.ok(appl.http.get(appl.url("question")))["questions"]
    assert [x["id"] for x in q] == ["ntp"] and q[0]["possible_answers"] == ["OK", "Cancel"]
    appl.ok(appl.act("question", "answer", {"question_id": "ntp", "answer_val": "OK"}))
    assert appl.wait({"CONFIGURED"})["progress"]["completed"] == 100
    assert appl.lab.ctl("GET", "appliance")["answers"] == [
        {"question_id": "cert", "answer_val": "No", "auto": False}, {"question_id": "ntp", "answer_val": "OK", "auto": False}]


def test_auto_answer_takes_defaults_and_a_failing_answer_fails(appl):
    setup(appl.lab, duration_ms=400, questions=[{"id": "cert", "at_percent": 20}])
    appl.ok(appl.act("install", "start", dict(SPEC, auto_answer=True)))
    info = appl.wait({"CONFIGURED", "QUESTION_RAISED"})
    assert info["state"] == "CONFIGURED"
    assert "cert answered with its default answer Yes" in info["result"]["info"][0]["message"]["default_message"]
    setup(appl.lab, duration_ms=400, questions=[{"id": "go", "type": "OK_CANCEL", "at_percent": 50, "fail": ["Cancel"]}])
    appl.ok(appl.act("install", "start", SPEC))
    appl.wait({"QUESTION_RAISED"})
    appl.ok(appl.act("question", "answer", {"question_id": "go", "answer_val": "Cancel"}))
    info = appl.info()
    assert info["state"] == "FAILED" and "go answered Cancel" in info["result"]["errors"][0]["message"]["default_message"]


def test_failure_at_a_subtask_and_rollback(appl):
    setup(appl.lab, duration_ms=600, fail={"subtask": "sso", "message": "SSO domain setup failed: LDAP error 49"})
    appl.ok(appl.act("install", "start", SPEC))
    info = appl.wait({"FAILED"})
    subs = info["subtasks"]
    assert [subs[k]["status"] for k in info["subtask_order"]] == [
        "SUCCEEDED", "SUCCEEDED", "FAILED", "PENDING", "PENDING", "PENDING"]
    assert subs["sso"]["result"]["errors"][0]["message"]["default_message"] == "SSO domain setup failed: LDAP error 49"
    assert info["result"]["errors"][0]["message"]["default_message"] == "SSO domain setup failed: LDAP error 49"
    assert info["status"] == "FAILED" and info["progress"]["completed"] < 50
    assert "FAILED" in appl.error(appl.act("install", "start", SPEC), 400, "not_allowed_in_current_state")
    appl.ok(appl.act("", "rollback"))
    assert appl.info() == {"state": "INITIALIZED"}
    appl.ok(appl.act("install", "start", SPEC))  # the fault rule stays: the retry fails again
    assert appl.wait({"FAILED"})["subtasks"]["sso"]["status"] == "FAILED"


def test_cancel_in_progress_and_at_a_question(appl):
    setup(appl.lab, duration_ms=2000, questions=[{"id": "q", "at_percent": 50}])
    appl.ok(appl.act("install", "start", SPEC))
    appl.ok(appl.act("install", "cancel"))
    info = appl.info()
    assert info["state"] == "FAILED" and "cancelled" in info["result"]["errors"][0]["message"]["default_message"]
    appl.ok(appl.act("", "rollback"))
    setup(appl.lab, duration_ms=200, questions=[{"id": "q", "at_percent": 50}])
    appl.ok(appl.act("install", "start", SPEC))
    appl.wait({"QUESTION_RAISED"})
    appl.ok(appl.act("install", "cancel"))
    assert appl.info()["state"] == "FAILED"


def refused(appl):
    try:
        appl.http.get(appl.url(), timeout=2)
    except requests.exceptions.ConnectionError:
        return True
    return False


def test_reboot_refuses_connections_and_install_goes_on(appl):
    setup(appl.lab, duration_ms=800, reboot={"at_ms": 200, "down_ms": 400})
    appl.ok(appl.act("install", "start", SPEC))
    time.sleep(0.3)
    assert refused(appl)
    assert appl.lab.ctl("GET", "appliance")["rebooting"] is True
    time.sleep(0.45)
    assert appl.wait({"CONFIGURED"}, timeout=3)["state"] == "CONFIGURED"
    appl.lab.ctl("POST", "appliance/reboot", {"down_ms": 200})
    assert refused(appl)
    time.sleep(0.3)
    assert appl.info()["state"] == "CONFIGURED"  # a reboot keeps the appliance's state


def test_preset_states_and_api_refusal(appl):
    setup(appl.lab, state="CONFIGURED", spec=SPEC)
    info = appl.info()
    assert info["state"] == "CONFIGURED" and info["progress"]["completed"] == 100
    assert appl.ok(appl.http.get(appl.url("install")))["vcsa_embedded"]["standalone"] == {"sso_domain_name": "vsphere.local"}
    setup(appl.lab, state="FAILED", spec=SPEC, fail={"message": "boom"})
    assert appl.info()["result"]["errors"][0]["message"]["default_message"] == "boom"
    setup(appl.lab, state="CONFIG_IN_PROGRESS", spec=SPEC, duration_ms=300)
    assert appl.info()["state"] == "CONFIG_IN_PROGRESS"
    r = appl.lab.http.post(appl.lab.url + "/lab/appliance", json={"state": "CONFIGURED"},
                           auth=(appl.lab.user, appl.lab.password))
    assert r.status_code == 400 and "valid spec" in r.text
    setup(appl.lab, api=False)
    assert appl.http.get(appl.base + "/api/vcenter/deployment").status_code == 404
    assert appl.http.get(appl.base + "/rest/vcenter/deployment").json() == {"value": {"state": "INITIALIZED"}}


def test_lab_reset_resets_the_appliance(fresh):
    setup(fresh, state="CONFIGURED", spec=SPEC)
    fresh.reset()
    assert Appliance(fresh, "api").info() == {"state": "INITIALIZED"}


def test_other_address_and_port(lab, tmp_path):
    """--appliance-address/--appliance-port: the certificate covers the address (a loopback alias)."""
    src = Path(lab.env["APPLIANCE_CA_PATH"]).parent / "lab-server"
    shutil.copy2(src, tmp_path / "lab-server")
    port = int(lab.env["APPLIANCE_PORT"]) + 1
    env = dict(os.environ, LAB_STATE_DIR=str(tmp_path))
    out = subprocess.run([LAB, "start", "--port", str(port), "--appliance-port", str(port + 1),
                          "--appliance-address", "127.0.0.2"], env=env, capture_output=True, text=True, check=True)
    try:
        e = parse_env(out.stdout)
        assert e["APPLIANCE_HOST"] == "127.0.0.2" and e["APPLIANCE_PORT"] == str(port + 1)
        r = requests.get("https://127.0.0.2:%d/api/vcenter/deployment" % (port + 1), verify=e["APPLIANCE_CA_PATH"],
                         auth=(e["APPLIANCE_USER"], e["APPLIANCE_PASSWORD"]))
        assert r.json() == {"state": "INITIALIZED"}
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port + 1)) != 0  # only on the address asked for
    finally:
        subprocess.run([LAB, "stop"], env=env, capture_output=True, check=False)
