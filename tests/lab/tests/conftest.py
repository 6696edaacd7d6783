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


def wait_task(si, task, timeout=30):
    """Wait for a task with CreateFilter + WaitForUpdatesEx (no polling sleeps)."""
    pc = si.content.propertyCollector.CreatePropertyCollector()
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=task)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.Task, pathSet=["info.state", "info.error"])])
    flt = pc.CreateFilter(spec, True)
    version, deadline = "", time.monotonic() + timeout
    try:
        state, error = None, None
        while time.monotonic() < deadline:
            upd = pc.WaitForUpdatesEx(version, vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=5))
            if upd is None:
                continue
            version = upd.version
            for fs in upd.filterSet:
                for obj in fs.objectSet:
                    for ch in obj.changeSet:
                        if ch.name == "info.state":
                            state = ch.val
                        elif ch.name == "info.error":
                            error = ch.val
            if state in ("success", "error"):
                return state, error
        raise TimeoutError(f"task {task} still {state}")
    finally:
        flt.Destroy()
        pc.Destroy()


def wait_property(si, obj, prop, want, timeout=10):
    """Wait until obj.prop == want, with WaitForUpdatesEx."""
    pc = si.content.propertyCollector.CreatePropertyCollector()
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=obj)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=type(obj), pathSet=[prop])])
    flt = pc.CreateFilter(spec, True)
    version, deadline, val = "", time.monotonic() + timeout, None
    try:
        while time.monotonic() < deadline:
            upd = pc.WaitForUpdatesEx(version, vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=2))
            if upd is None:
                continue
            version = upd.version
            for fs in upd.filterSet:
                for o in fs.objectSet:
                    for ch in o.changeSet:
                        val = ch.val
            if val == want:
                return time.monotonic()
        raise TimeoutError(f"{prop} is {val}, want {want}")
    finally:
        flt.Destroy()
        pc.Destroy()
