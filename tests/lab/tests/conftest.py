"""Fixtures for the lab self-tests.

Uses a running lab when `tests/lab/lab status` says one runs (reading its env
file), otherwise starts one and stops it at the end of the session.
"""
import os
import re
import shlex
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests
from pyVmomi import SoapStubAdapter, vim, vmodl
from pyVim.connect import SmartConnect, Disconnect

LAB_DIR = Path(__file__).resolve().parent.parent
LAB = str(LAB_DIR / "lab")


def parse_env(text):
    env = {}
    for line in text.splitlines():
        m = re.match(r"^export (\w+)=(.*)$", line)
        if m:
            env[m.group(1)] = shlex.split(m.group(2))[0]
    return env


def lab_cmd(*args, state_dir=None, check=True):
    env = dict(os.environ)
    if state_dir:
        env["LAB_STATE_DIR"] = str(state_dir)
    return subprocess.run([LAB, *args], env=env, capture_output=True, text=True, check=check)


class Lab:
    def __init__(self, env):
        self.env = env
        self.url = env["LAB_URL"]
        self.host = env["VMWARE_HOST"]
        self.port = int(env["VMWARE_PORT"])
        self.user = env["VMWARE_USER"]
        self.password = env["VMWARE_PASSWORD"]
        self.ca = env["VMWARE_CA_PATH"]
        self.http = requests.Session()
        self.http.verify = self.ca
        self.http.trust_env = False

    # control API
    def ctl(self, method, path, json=None, expect=200):
        r = self.http.request(method, self.url + "/lab/" + path, json=json, auth=(self.user, self.password))
        assert r.status_code == expect, r.text
        return r.json() if r.content else None

    def reset(self):
        return self.ctl("POST", "reset")

    def ssl_context(self):
        return ssl.create_default_context(cafile=self.ca)

    def connect(self, user=None, password=None):
        return SmartConnect(host=self.host, port=self.port, user=user or self.user,
                            pwd=password or self.password, sslContext=self.ssl_context())

    def stub(self):
        return SoapStubAdapter(host=self.host, port=self.port, version="vim.version.version9",
                               sslContext=self.ssl_context())


@pytest.fixture(scope="session")
def lab():
    started = False
    if lab_cmd("status", check=False).returncode != 0:
        lab_cmd("start")
        started = True
    state = Path(os.environ.get("LAB_STATE_DIR", LAB_DIR / ".run"))
    the_lab = Lab(parse_env((state / "env").read_text()))
    yield the_lab
    if started:
        lab_cmd("stop")


@pytest.fixture
def fresh(lab):
    """A freshly reset lab: use in every test that changes state."""
    lab.reset()
    lab.ctl("POST", "calls/reset")
    yield lab


@pytest.fixture
def si(fresh):
    si = fresh.connect()
    yield si
    try:
        Disconnect(si)
    except Exception:
        pass


def find_vm(si, name):
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    try:
        for vm in view.view:
            if vm.name == name:
                return vm
    finally:
        view.Destroy()
    raise LookupError(name)


def watch(si, obj, paths, done, timeout, max_wait=2):
    """The values of obj's paths once done(values) holds, with WaitForUpdatesEx on a private collector."""
    pc = si.content.propertyCollector.CreatePropertyCollector()
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=obj)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=type(obj), pathSet=list(paths))])
    flt = pc.CreateFilter(spec, True)
    version, deadline, values = "", time.monotonic() + timeout, {}
    try:
        while time.monotonic() < deadline:
            upd = pc.WaitForUpdatesEx(version, vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=max_wait))
            if upd is None:
                continue
            version = upd.version
            for fs in upd.filterSet:
                for o in fs.objectSet:
                    for ch in o.changeSet:
                        values[ch.name] = ch.val
            if done(values):
                return values
        raise TimeoutError(f"{obj} {list(paths)}: last seen {values}")
    finally:
        flt.Destroy()
        pc.Destroy()


def wait_task(si, task, timeout=30):
    """(state, error) of a finished task, awaited with the PropertyCollector."""
    values = watch(si, task, ["info.state", "info.error"],
                   lambda v: v.get("info.state") in ("success", "error"), timeout, max_wait=5)
    return values["info.state"], values.get("info.error")


def wait_property(si, obj, prop, want, timeout=10):
    """Wait until obj.prop == want, with WaitForUpdatesEx; the time it got there."""
    watch(si, obj, [prop], lambda v: v.get(prop) == want, timeout)
    return time.monotonic()
