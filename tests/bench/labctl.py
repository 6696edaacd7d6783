"""The bench's own lab: started with tests/lab/lab in a private state dir and port, driven
through its control API, and a plain pyVmomi / REST helper session for preparing state.

The helper talks to the lab only between measured runs: the call counter is reset after
every preparation, so nothing it does is ever counted against a module.
"""

import os
import re
import shlex
import ssl
import subprocess
import time
from pathlib import Path

import requests
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim, vmodl

LAB_SCRIPT = Path(__file__).resolve().parents[1] / "lab" / "lab"


def _parse_env(text):
    env = {}
    for line in text.splitlines():
        match = re.match(r"^export (\w+)=(.*)$", line)
        if match:
            env[match.group(1)] = shlex.split(match.group(2))[0]
    return env


class BenchLab:
    def __init__(self, state_dir, port):
        self.state_dir = str(state_dir)
        self.port = port
        self.env = {}
        self.vms = None
        self.http = None
        self._si = None

    def _lab(self, *args):
        # 10,000 VMs take minutes to build on a busy 2-core machine: allow for it
        env = dict(os.environ, LAB_STATE_DIR=self.state_dir)
        env.setdefault("LAB_START_TIMEOUT", "1800")
        return subprocess.run([str(LAB_SCRIPT), *args], env=env, capture_output=True, text=True, check=True)

    def start(self, vms):
        """(Re)start the lab with ``vms`` VMs; returns the start-up time in seconds."""
        self.close_helper()
        began = time.monotonic()
        out = self._lab("start", "--vms", str(vms), "--port", str(self.port))
        self.env = _parse_env(out.stdout)
        self.vms = vms
        self.http = requests.Session()
        self.http.verify = self.env["VMWARE_CA_PATH"]
        self.http.trust_env = False
        return time.monotonic() - began

    def attach(self):
        """Use the lab already running in the state dir (its size as it is); returns the VM count."""
        self.env = _parse_env(Path(self.state_dir, "env").read_text())
        self.http = requests.Session()
        self.http.verify = self.env["VMWARE_CA_PATH"]
        self.http.trust_env = False
        self.vms = self.ctl("GET", "status")["vms"]
        return self.vms

    def stop(self):
        self.close_helper()
        self._lab("stop")

    # --- control API -------------------------------------------------------------------------
    def ctl(self, method, path, body=None):
        auth = (self.env["VMWARE_USER"], self.env["VMWARE_PASSWORD"])
        resp = self.http.request(method, self.env["LAB_URL"] + "/lab/" + path, json=body, auth=auth, timeout=60)
        if resp.status_code >= 300:
            raise RuntimeError("lab %s %s: %s %s" % (method, path, resp.status_code, resp.text))
        return resp.json() if resp.content else None

    def reset_calls(self):
        self.ctl("POST", "calls/reset")

    def calls(self):
        return self.ctl("GET", "calls")

    def set_delay(self, soap_ms=None, tasks=None):
        body = {}
        if soap_ms is not None:
            body["soap_ms"] = soap_ms
            body["rest_ms"] = soap_ms  # a REST round trip costs what a SOAP one does
        if tasks is not None:
            body["tasks"] = tasks
        return self.ctl("POST", "delay", body)

    def set_service_transition(self, ms):
        return self.ctl("POST", "services", {"transition_ms": ms})

    # --- connection facts for modules ----------------------------------------------------------
    def module_connection(self):
        return {"hostname": self.env["VMWARE_HOST"], "port": int(self.env["VMWARE_PORT"]),
                "username": self.env["VMWARE_USER"], "password": self.env["VMWARE_PASSWORD"],
                "ca_path": self.env["VMWARE_CA_PATH"]}

    # --- helper sessions (preparation only, never measured) ------------------------------------
    def si(self):
        if self._si is None:
            ctx = ssl.create_default_context(cafile=self.env["VMWARE_CA_PATH"])
            self._si = SmartConnect(host=self.env["VMWARE_HOST"], port=int(self.env["VMWARE_PORT"]),
                                    user=self.env["VMWARE_USER"], pwd=self.env["VMWARE_PASSWORD"], sslContext=ctx)
        return self._si

    def close_helper(self):
        if self._si is not None:
            try:
                Disconnect(self._si)
            except (vmodl.MethodFault, OSError):
                pass
            self._si = None

    def vm(self, name):
        """The helper's VM by name (SearchIndex on the default inventory path)."""
        content = self.si().RetrieveContent()
        for folder in ("DC0/vm/", "DC0/vm/DC0_C0/"):
            found = content.searchIndex.FindByInventoryPath(folder + name)
            if found is not None:
                return found
        raise LookupError("lab VM %s not found" % name)

    def run_task(self, task):
        """Wait for a helper task (short loop; preparation is not measured)."""
        while task.info.state in (vim.TaskInfo.State.queued, vim.TaskInfo.State.running):
            time.sleep(0.01)
        if task.info.state != vim.TaskInfo.State.success:
            raise RuntimeError("helper task failed: %s" % task.info.error)

    def task_records(self):
        """[(descriptionId, startTime, completeTime)] of the TaskManager's recent tasks, one read."""
        content = self.si().RetrieveContent()
        tasks = list(content.taskManager.recentTask or [])
        if not tasks:
            return []
        pc = vmodl.query.PropertyCollector
        spec = pc.FilterSpec(objectSet=[pc.ObjectSpec(obj=t) for t in tasks],
                             propSet=[pc.PropertySpec(type=vim.Task, pathSet=["info"])])
        out = []
        for obj in content.propertyCollector.RetrieveContents([spec]):
            info = obj.propSet[0].val
            out.append((info.descriptionId or info.name, info.startTime, info.completeTime))
        return out

    def rest(self, method, path, body=None):
        """One vAPI (/api) call with a fresh session (helper only)."""
        base = "https://%s:%s/api" % (self.env["VMWARE_HOST"], self.env["VMWARE_PORT"])
        auth = (self.env["VMWARE_USER"], self.env["VMWARE_PASSWORD"])
        token = self.http.post(base + "/session", auth=auth, timeout=60).json()
        headers = {"vmware-api-session-id": token}
        try:
            resp = self.http.request(method, base + path, json=body, headers=headers, timeout=60)
            if resp.status_code >= 300:
                raise RuntimeError("REST %s %s: %s %s" % (method, path, resp.status_code, resp.text))
            return resp.json() if resp.content else None
        finally:
            self.http.delete(base + "/session", headers=headers, timeout=60)
