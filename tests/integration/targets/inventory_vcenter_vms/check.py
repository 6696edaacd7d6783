#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run ansible-inventory on vcenter_vms inventory files against the lab and check what it makes.

The lab is prepared independently of the collection (plain pyVmomi through setup_lab's vmctl.py,
vcsim's own /rest tagging endpoints, the lab's control API), then every scenario runs
``ansible-inventory --list`` (or ``--graph``) on a small inventory file and checks hosts, groups
and variables against what the lab holds, plus the API calls the lab counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import requests
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
VMCTL = os.path.join(HERE, "..", "setup_lab", "files", "vmctl.py")


class Lab:
    def __init__(self, config):
        self.config = config
        self.url = config["lab_url"]
        self.auth = (config["vcenter_username"], config["vcenter_password"])
        self.ca = config["vcenter_ca_path"]

    def control(self, method, path, body=None):
        response = requests.request(method, self.url + "/lab/" + path, auth=self.auth, verify=self.ca, json=body, timeout=60)
        response.raise_for_status()
        return response.json() if response.content else None

    def calls(self):
        return self.control("GET", "calls")

    def vmctl(self, *args):
        c = self.config
        out = subprocess.run([sys.executable, VMCTL, "--host", c["vcenter_hostname"], "--port", str(c["vcenter_port"]),
                              "--user", c["vcenter_username"], "--password", c["vcenter_password"], "--ca", self.ca]
                             + list(args), check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    def rest(self, method, path, body=None, session=None):
        headers = {"vmware-api-session-id": session} if session else {}
        response = requests.request(method, self.url + path, auth=None if session else self.auth, headers=headers,
                                    verify=self.ca, json=body, timeout=30)
        response.raise_for_status()
        return response.json().get("value") if response.content else None


def power_off_and_list(lab, name):
    """Power VM ``name`` off and return {"<folder>/<name>": moid} of every VM, with plain pyVmomi."""
    import ssl
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim

    c = lab.config
    si = SmartConnect(host=c["vcenter_hostname"], port=c["vcenter_port"], user=c["vcenter_username"],
                      pwd=c["vcenter_password"], sslContext=ssl.create_default_context(cafile=lab.ca))
    try:
        view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
        vms = list(view.view)
        task = [vm for vm in vms if vm.name == name][0].PowerOffVM_Task()
        deadline = time.monotonic() + 30
        while task.info.state not in ("success", "error") and time.monotonic() < deadline:
            time.sleep(0.05)  # a test helper; the collection itself never polls
        assert task.info.state == "success", task.info.error
        return dict(("%s/%s" % (vm.parent.name, vm.name), vm._moId) for vm in vms)
    finally:
        Disconnect(si)


def tag(lab, vm_moid):
    """Category env with tag prod on ``vm_moid``, and tag staging unattached, through vcsim's /rest."""
    session = lab.rest("POST", "/rest/com/vmware/cis/session")
    base = "/rest/com/vmware/cis/tagging"
    category = lab.rest("POST", base + "/category", {"create_spec": {
        "name": "env", "description": "", "cardinality": "SINGLE", "associable_types": []}}, session)
    prod = lab.rest("POST", base + "/tag", {"create_spec": {"name": "prod", "description": "", "category_id": category}}, session)
    lab.rest("POST", base + "/tag", {"create_spec": {"name": "staging", "description": "", "category_id": category}}, session)
    lab.rest("POST", base + "/tag-association/id:%s?~action=attach" % prod,
             {"object_id": {"id": vm_moid, "type": "VirtualMachine"}}, session)
    lab.rest("DELETE", "/rest/com/vmware/cis/session", session=session)


class Runner:
    def __init__(self, lab, workdir):
        self.lab = lab
        self.workdir = workdir
        c = lab.config
        self.env = dict(os.environ, VMWARE_HOST=c["vcenter_hostname"], VMWARE_PORT=str(c["vcenter_port"]),
                        VMWARE_USER=c["vcenter_username"], VMWARE_PASSWORD=c["vcenter_password"], VMWARE_CA_PATH=lab.ca)

    def write(self, name, options):
        path = os.path.join(self.workdir, name + ".vcenter_vms.yml")
        with open(path, "w") as handle:
            yaml.safe_dump(dict({"plugin": "opensphere.vsphere.vcenter_vms"}, **options), handle)
        return path

    def run(self, name, options, *extra, env=None, ok=True):
        path = self.write(name, options)
        started = time.monotonic()
        proc = subprocess.run(["ansible-inventory", "-i", path] + list(extra or ["--list"]),
                              env=dict(self.env, **(env or {})), capture_output=True, text=True, check=False)
        print("  %-28s rc=%d %.2fs" % (name, proc.returncode, time.monotonic() - started))
        if ok and proc.returncode != 0:
            raise AssertionError("ansible-inventory failed for %s:\n%s" % (name, proc.stderr))
        if not ok:
            assert proc.returncode != 0, "expected a failure for %s, got:\n%s" % (name, proc.stdout)
            return proc.stderr
        return unwrap(json.loads(proc.stdout)) if "--graph" not in extra else proc.stdout

    def counted(self, name, options, *extra, **kwargs):
        self.lab.control("POST", "calls/reset")
        out = self.run(name, options, *extra, **kwargs)
        return out, self.lab.calls()


def unwrap(data):
    """ansible-inventory marks values that must never be templated (all of them here, since they come
    from vCenter) as {"__ansible_unsafe": value}; the checks compare the values."""
    if isinstance(data, dict):
        if list(data) == ["__ansible_unsafe"]:
            return data["__ansible_unsafe"]
        return dict((key, unwrap(value)) for key, value in data.items())
    if isinstance(data, list):
        return [unwrap(item) for item in data]
    return data


def hosts(inventory):
    return sorted(inventory["_meta"]["hostvars"])


def members(inventory, group):
    return sorted(inventory.get(group, {}).get("hosts", []))


def check_default(runner, moids):
    inv, calls = runner.counted("default", {})
    # the template is left out by default, the powered-off VM is in, the two VMs named alike get their moid
    expected = ["DC0_C0_RP0_VM0_%s" % moids["dup"], "DC0_C0_RP0_VM0_%s" % moids["DC0_C0_RP0_VM0"],
                "DC0_C0_RP0_VM1", "DC0_H0_VM0"]
    assert hosts(inv) == sorted(expected), hosts(inv)
    vm0 = inv["_meta"]["hostvars"]["DC0_H0_VM0"]
    want = {"vsphere_name": "DC0_H0_VM0", "vsphere_moid": moids["DC0_H0_VM0"], "vsphere_power_state": "powered-on",
            "vsphere_template": False, "vsphere_guest_ip": "10.0.0.5", "vsphere_guest_hostname": "web1.example.com",
            "vsphere_folder": "/DC0/vm", "vsphere_datacenter": "DC0", "vsphere_cluster": None, "vsphere_host": "DC0_H0",
            "vsphere_resource_pool": "Resources", "vsphere_guest_id": "otherGuest"}
    assert dict((k, vm0.get(k)) for k in want) == want, vm0
    assert len(vm0["vsphere_uuid"]) == 36, vm0
    rp1 = inv["_meta"]["hostvars"]["DC0_C0_RP0_VM1"]
    assert rp1["vsphere_cluster"] == "DC0_C0" and rp1["vsphere_power_state"] == "powered-off", rp1
    assert rp1["vsphere_host"].startswith("DC0_C0_H"), rp1
    dup = inv["_meta"]["hostvars"]["DC0_C0_RP0_VM0_%s" % moids["dup"]]
    assert dup["vsphere_folder"] == "/DC0/vm/dup", dup
    # one bulk read: login, view, one RetrievePropertiesEx, destroy, logout (no per-VM call)
    by_method = calls["by_method"]
    assert by_method.get("RetrievePropertiesEx") == 1, calls
    assert "ContinueRetrievePropertiesEx" not in by_method, calls
    assert by_method.get("Login") == 1 and by_method.get("Logout") == 1, calls
    assert calls["total"] <= 7, calls
    return calls


def check_constructed(runner, moids):
    options = {
        "hostnames": ["ip", "dns", "name"],
        "include_templates": True,
        "page_size": 4,
        "properties": ["name", "guest_ip", "folder", "cluster", "host", "config.hardware.numCPU", "summary.runtime"],
        "keyed_groups": [{"key": "vsphere_power_state", "prefix": "power"},
                         {"key": "vsphere_cluster", "prefix": "cluster", "default_value": "standalone"}],
        "groups": {"templates": "vsphere_template", "on_h0": "vsphere_host == 'DC0_H0'"},
        "compose": {"ansible_host": "vsphere_guest_ip | default(vsphere_name, true)", "cpus": "vsphere_config_hardware_numCPU * 2"},
    }
    inv, calls = runner.counted("constructed", options)
    # 5 VMs and 14 containers, 4 objects a page: one RetrievePropertiesEx and 4 continuations
    assert calls["by_method"].get("RetrievePropertiesEx") == 1, calls
    assert calls["by_method"].get("ContinueRetrievePropertiesEx") == 4, calls
    names = hosts(inv)
    assert "10.0.0.5" in names and "DC0_H0_VM0" not in names, names  # ip wins over the name
    assert "DC0_H0_VM1" in names, names                               # the template, by name (no ip, no dns)
    assert members(inv, "templates") == ["DC0_H0_VM1"], inv.get("templates")
    assert members(inv, "on_h0") == ["10.0.0.5", "DC0_H0_VM1"], inv.get("on_h0")
    # the clone in /DC0/vm/dup was never powered on
    assert members(inv, "power_powered_off") == sorted(["DC0_C0_RP0_VM1", "DC0_H0_VM1", "DC0_C0_RP0_VM0_" + moids["dup"]]), \
        inv.get("power_powered_off")
    assert members(inv, "cluster_standalone") == ["10.0.0.5", "DC0_H0_VM1"], inv.get("cluster_standalone")
    assert "DC0_C0_RP0_VM1" in members(inv, "cluster_DC0_C0"), inv.get("cluster_DC0_C0")
    vm0 = inv["_meta"]["hostvars"]["10.0.0.5"]
    assert vm0["ansible_host"] == "10.0.0.5" and vm0["cpus"] == 2, vm0
    assert inv["_meta"]["hostvars"]["DC0_H0_VM1"]["ansible_host"] == "DC0_H0_VM1"
    assert vm0["vsphere_summary_runtime"]["powerState"] == "poweredOn", vm0["vsphere_summary_runtime"]
    assert "vsphere_guest_os" not in vm0, vm0  # only what was asked (plus the four always set)
    graph = runner.run("constructed", options, "--graph")
    assert "@power_powered_off:" in graph and "@cluster_DC0_C0:" in graph and "|--10.0.0.5" in graph, graph


def check_filters(runner):
    inv = runner.run("running", {"include_powered_off": False})
    # without the powered-off clone, the name DC0_C0_RP0_VM0 is unique again
    assert hosts(inv) == ["DC0_C0_RP0_VM0", "DC0_H0_VM0"], hosts(inv)
    inv = runner.run("filters", {"filters": ["vsphere_folder.startswith('/DC0/vm')", "vsphere_host == 'DC0_H0'",
                                             "vsphere_power_state == 'powered-on'"], "include_templates": True})
    assert hosts(inv) == ["DC0_H0_VM0"], hosts(inv)
    inv = runner.run("folder", {"filters": ["vsphere_folder == '/DC0/vm/dup'"]})
    assert hosts(inv) == ["DC0_C0_RP0_VM0"], hosts(inv)  # and its name is unique among the kept VMs
    # a filter that cannot evaluate fails with strict (and leaves the VM out without: see the unit tests)
    err = runner.run("bad_filter_strict", {"filters": ["no_such_var == 1"], "strict": True}, ok=False)
    assert "Could not evaluate filter" in err and "no_such_var" in err, err


def check_cache(runner, workdir):
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile",
             "cache_connection": os.path.join(workdir, "cache"), "cache_timeout": 600}
    first, calls = runner.counted("cached", cache)
    assert calls["by_method"].get("RetrievePropertiesEx") == 1, calls
    # from the cache, even with a wrong password: nothing talks to vCenter
    again, calls = runner.counted("cached", cache, env={"VMWARE_PASSWORD": "wrong"})
    assert calls["total"] == 0, calls
    assert again == first
    flushed, calls = runner.counted("cached", cache, "--list", "--flush-cache")
    assert calls["by_method"].get("RetrievePropertiesEx") == 1 and flushed == first, calls


def check_tags(runner, moids):
    options = {"properties": ["name", "tags"], "keyed_groups": [{"key": "vsphere_tags", "prefix": "tag"}]}
    inv, calls = runner.counted("tags", options)
    vm0 = inv["_meta"]["hostvars"]["DC0_H0_VM0"]
    assert vm0["vsphere_tags"] == ["env:prod"] and vm0["vsphere_tag_categories"] == {"env": ["prod"]}, vm0
    assert members(inv, "tag_env_prod") == ["DC0_H0_VM0"], inv.get("tag_env_prod")
    assert inv["_meta"]["hostvars"]["DC0_C0_RP0_VM1"]["vsphere_tags"] == []
    bulk = [key for key in calls["by_method"] if "list-attached-objects-on-tags" in key]
    assert len(bulk) == 1 and calls["by_method"][bulk[0]] == 1, calls
    # 2 tags, 1 category: list + 2 tag reads + 1 category read + 1 association read, whatever the VM count
    gets = sum(n for key, n in calls["by_method"].items() if key.startswith("GET ") and "tagging" in key)
    assert gets == 4, calls


def check_failures(runner):
    err = runner.run("default", {}, env={"VMWARE_PASSWORD": "wrong"}, ok=False)
    assert "Failed to connect to vCenter" in err and "InvalidLogin" in err, err
    system_store = "/etc/ssl/certs/ca-certificates.crt"
    other_ca = system_store if os.path.isfile(system_store) else runner.write("not_a_ca", {})
    err = runner.run("default", {}, env={"VMWARE_CA_PATH": other_ca}, ok=False)
    assert "Failed to connect to vCenter" in err and "certificate" in err and "ca_path" in err, err
    err = runner.run("bad_hostnames", {"hostnames": ["name", "bogus"]}, ok=False)
    assert "hostnames entry 'bogus' is not one of" in err, err
    err = runner.run("bad_property", {"properties": ["name", "config.noSuchThing"]}, ok=False)
    assert "Failed to check the options: InvalidProperty: properties entry 'config.noSuchThing'" in err, err


def main():
    with open(sys.argv[1]) as handle:
        config = yaml.safe_load(handle)
    lab = Lab(config)
    started = time.monotonic()
    lab.control("POST", "reset")
    lab.vmctl("set-guest", "DC0_H0_VM0", "ipAddress=10.0.0.5", "hostName=web1.example.com")
    lab.vmctl("template", "DC0_H0_VM1")
    lab.vmctl("duplicate", "DC0_C0_RP0_VM0")  # a second DC0_C0_RP0_VM0, in /DC0/vm/dup
    listed = power_off_and_list(lab, "DC0_C0_RP0_VM1")
    moids = {"DC0_H0_VM0": listed["vm/DC0_H0_VM0"], "DC0_C0_RP0_VM0": listed["vm/DC0_C0_RP0_VM0"],
             "dup": listed["dup/DC0_C0_RP0_VM0"]}
    tag(lab, moids["DC0_H0_VM0"])
    with tempfile.TemporaryDirectory(prefix="inventory_vcenter_vms-") as workdir:
        runner = Runner(lab, workdir)
        for name, check in [("default inventory", lambda: check_default(runner, moids)),
                            ("constructed features and hostnames", lambda: check_constructed(runner, moids)),
                            ("filters", lambda: check_filters(runner)),
                            ("inventory cache", lambda: check_cache(runner, workdir)),
                            ("tags", lambda: check_tags(runner, moids)),
                            ("failures", lambda: check_failures(runner))]:
            print(name)
            check()
    print("inventory_vcenter_vms: all checks passed in %.1f s" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
