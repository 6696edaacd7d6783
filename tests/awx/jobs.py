#!/usr/bin/env python
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the playbooks under playbooks/ as AWX / Automation Controller job templates run them.

For each job: a private data dir with the project (playbooks/ and collections/ of this repository), an
inventory with localhost, env/envvars holding what the credentials inject (the built-in VMware vCenter
credential: VMWARE_HOST, VMWARE_USER, VMWARE_PASSWORD, VMWARE_VALIDATE_CERTS; a custom credential type:
VMWARE_PORT, VMWARE_CA_PATH; see playbooks/README.md) and the collections path that project sync gives,
and env/extravars built from the playbook's survey exactly as AWX builds them (the defaults, then the
answers; a required question without either is an error). ansible-runner runs it; the job's status, its
events and the lab are checked, and no event may hold the vCenter password.

Before any job: every playbook has a survey under playbooks/surveys/ that AWX would accept, no playbook
uses vars_prompt, and collections/requirements.yml names this collection.

Usage: jobs.py --collections DIR   (DIR holds ansible_collections/opensphere/vsphere, e.g. the installed
tarball); the lab's VMWARE_* variables and LAB_URL in the environment.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import ansible_runner
import requests
import yaml
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(ROOT, "playbooks")
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}


def fail(message):
    sys.exit("awx jobs: " + message)


# --- what AWX checks when a survey spec is saved (JobTemplateSurveySpec) and how it builds extra vars ---

def choices_of(item):
    choices = item.get("choices", "")
    return choices if isinstance(choices, list) else [c for c in str(choices).split("\n") if c]


def validate_survey(path):
    with open(path) as handle:
        spec = json.load(handle)
    where = os.path.relpath(path, ROOT)
    problems = []
    if not isinstance(spec, dict):
        fail("%s: a survey spec is a JSON object" % where)
    for key in ("name", "description", "spec"):
        if key not in spec:
            problems.append("'%s' missing from the survey spec" % key)
    if not isinstance(spec.get("spec"), list) or not spec.get("spec"):
        problems.append("'spec' must be a non-empty list of questions")
    seen = set()
    for index, item in enumerate(spec.get("spec") or []):
        label = "question %d" % (index + 1)
        for key in ("type", "question_name", "variable", "required"):
            if key not in item:
                problems.append("%s: '%s' missing" % (label, key))
        if item.get("type") not in SURVEY_TYPES:
            problems.append("%s: type %r is not one of %s" % (label, item.get("type"), sorted(SURVEY_TYPES)))
        if not isinstance(item.get("required"), bool):
            problems.append("%s: 'required' must be a boolean" % label)
        variable = item.get("variable")
        if variable in seen:
            problems.append("%s: variable %r used twice" % (label, variable))
        seen.add(variable)
        default, kind = item.get("default"), item.get("type")
        if kind in ("multiplechoice", "multiselect"):
            choices = choices_of(item)
            if not choices:
                problems.append("%s: %s needs choices" % (label, kind))
            wanted = [d for d in str(default or "").split("\n") if d] if kind == "multiselect" else [default] if default else []
            for value in wanted:
                if value not in choices:
                    problems.append("%s: default %r is not among the choices %s" % (label, value, choices))
        elif kind == "integer" and default not in ("", None) and (not isinstance(default, int) or isinstance(default, bool)):
            problems.append("%s: the default of an integer question must be an integer" % label)
        elif kind == "float" and default not in ("", None) and not isinstance(default, (int, float)):
            problems.append("%s: the default of a float question must be a number" % label)
        elif kind in ("text", "textarea", "password") and default not in ("", None):
            if not isinstance(default, str):
                problems.append("%s: the default of a %s question must be a string" % (label, kind))
            elif item.get("max") is not None and len(default) > int(item["max"]):
                problems.append("%s: the default is longer than max" % label)
        for bound in ("min", "max"):
            if item.get(bound) not in (None, "") and not isinstance(item[bound], int):
                problems.append("%s: '%s' must be an integer" % (label, bound))
    if problems:
        fail("%s: %s" % (where, "; ".join(problems)))
    return spec


def extra_vars(spec, answers):
    """The extra vars AWX passes for a launch with these survey answers."""
    out = {}
    unknown = set(answers) - {item["variable"] for item in spec["spec"]}
    if unknown:
        fail("answers to questions the survey does not ask: %s" % sorted(unknown))
    for item in spec["spec"]:
        variable, kind = item["variable"], item["type"]
        if variable in answers:
            value = answers[variable]
        elif item.get("default") not in ("", None):
            value = item["default"]
        elif item["required"]:
            fail("survey question %r (%s) is required and has no default: the test must answer it"
                 % (item["question_name"], variable))
        else:
            continue
        if kind == "multiselect" and isinstance(value, str):
            value = [v for v in value.split("\n") if v]
        if kind == "integer":
            value = int(value)
        if kind == "multiplechoice" and value not in choices_of(item):
            fail("answer %r to %s is not among its choices" % (value, variable))
        if kind in ("text", "textarea") and item.get("min") and len(str(value)) < int(item["min"]):
            fail("answer to %s is shorter than the survey allows" % variable)
        out[variable] = value
    return out


def check_project():
    playbooks = sorted(glob.glob(os.path.join(PLAYBOOKS, "*.yml")))
    surveys = {}
    for path in playbooks:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as handle:
            plays = yaml.safe_load(handle)
        for play in plays:
            if "vars_prompt" in play:
                fail("%s: vars_prompt would block an AWX job" % os.path.relpath(path, ROOT))
        survey = os.path.join(PLAYBOOKS, "surveys", name + ".json")
        if not os.path.exists(survey):
            fail("%s has no survey spec (%s)" % (os.path.relpath(path, ROOT), os.path.relpath(survey, ROOT)))
        surveys[name] = validate_survey(survey)
    with open(os.path.join(ROOT, "collections", "requirements.yml")) as handle:
        requirements = yaml.safe_load(handle)
    names = [c["name"] if isinstance(c, dict) else c for c in requirements.get("collections", [])]
    if "opensphere.vsphere" not in names:
        fail("collections/requirements.yml does not name opensphere.vsphere")
    print("awx jobs: %d playbooks, each with a valid survey; no vars_prompt; collections/requirements.yml ok"
          % len(playbooks))
    return surveys


# --- running a job ---

def run_job(work, collections, surveys, playbook, answers, check=False, secrets=()):
    name = os.path.splitext(playbook)[0]
    data = tempfile.mkdtemp(prefix=name + "-", dir=work)
    project = os.path.join(data, "project")
    shutil.copytree(PLAYBOOKS, os.path.join(project, "playbooks"))
    shutil.copytree(os.path.join(ROOT, "collections"), os.path.join(project, "collections"))
    os.makedirs(os.path.join(data, "inventory"))
    os.makedirs(os.path.join(data, "env"))
    with open(os.path.join(data, "inventory", "hosts"), "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = {key: os.environ[key] for key in ("VMWARE_HOST", "VMWARE_USER", "VMWARE_PASSWORD")}
    env["VMWARE_VALIDATE_CERTS"] = "True"
    env.update({key: os.environ[key] for key in ("VMWARE_PORT", "VMWARE_CA_PATH")})
    env["ANSIBLE_COLLECTIONS_PATH"] = collections
    with open(os.path.join(data, "env", "envvars"), "w") as handle:
        json.dump(env, handle)
    variables = extra_vars(surveys[name], answers)
    with open(os.path.join(data, "env", "extravars"), "w") as handle:
        json.dump(variables, handle)
    runner = ansible_runner.run(private_data_dir=data, playbook="playbooks/" + playbook, quiet=True,
                                cmdline="--check" if check else None, rotate_artifacts=1)
    events = list(runner.events)
    stdout = runner.stdout.read()
    for secret in (os.environ["VMWARE_PASSWORD"],) + tuple(secrets):
        leaked = [e.get("event") for e in events if secret in json.dumps(e)]
        if leaked or secret in stdout:
            fail("%s: a password (the vCenter's or one the survey asked for) appears in job events %s"
                 % (playbook, leaked or ["stdout"]))
    ok = [e["event_data"] for e in events if e.get("event") in ("runner_on_ok", "runner_item_on_ok")]
    changed = [e.get("task") for e in ok if e.get("res", {}).get("changed")]
    return {"status": runner.status, "rc": runner.rc, "events": events, "changed": changed, "stdout": stdout,
            "extravars": variables}


# --- the lab, read independently of the collection ---

def lab_connect():
    context = ssl.create_default_context(cafile=os.environ["VMWARE_CA_PATH"])
    return SmartConnect(host=os.environ["VMWARE_HOST"], port=int(os.environ["VMWARE_PORT"]),
                        user=os.environ["VMWARE_USER"], pwd=os.environ["VMWARE_PASSWORD"], sslContext=context)


def lab_vms_named(si, name):
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
    try:
        return [v for v in view.view if v.name == name]
    finally:
        view.Destroy()


def lab_vm(name):
    """A VM's size, power state and snapshots, or None when the lab has no VM of that name."""
    si = lab_connect()
    try:
        found = lab_vms_named(si, name)
        if not found:
            return None
        vm = found[0]
        names = []

        def walk(nodes):
            for node in nodes or []:
                names.append(node.name)
                walk(node.childSnapshotList)
        walk(vm.snapshot.rootSnapshotList if vm.snapshot else [])
        return {"num_cpus": vm.config.hardware.numCPU, "memory_mb": vm.config.hardware.memoryMB,
                "power_state": str(vm.runtime.powerState), "snapshots": names}
    finally:
        Disconnect(si)


def lab_guest(name, address, timeout=120):
    """Play the guest of VM `name`: once it exists and runs, make VMware Tools report `address` (the lab fakes
    guest facts through extraConfig SET.guest.*), as a booted appliance reports the address it got. Runs in a
    thread beside the job."""
    def play():
        si = lab_connect()
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                found = lab_vms_named(si, name)
                if found and str(found[0].runtime.powerState) == "poweredOn":
                    found[0].ReconfigVM_Task(vim.vm.ConfigSpec(extraConfig=[
                        vim.option.OptionValue(key="SET.guest.ipAddress", value=address)]))
                    return
                time.sleep(0.2)
        finally:
            Disconnect(si)
    thread = threading.Thread(target=play, daemon=True)
    thread.start()
    return thread


def vmctl(*args):
    """tests/integration/targets/setup_lab/files/vmctl.py (plain pyVmomi) against the lab."""
    tool = os.path.join(ROOT, "tests", "integration", "targets", "setup_lab", "files", "vmctl.py")
    subprocess.run([sys.executable, tool, "--host", os.environ["VMWARE_HOST"], "--port", os.environ["VMWARE_PORT"],
                    "--user", os.environ["VMWARE_USER"], "--password", os.environ["VMWARE_PASSWORD"],
                    "--ca", os.environ["VMWARE_CA_PATH"]] + list(args), check=True, capture_output=True)


def lab(method, path, body=None):
    response = requests.request(method, os.environ["LAB_URL"] + "/lab/" + path, json=body,
                                auth=(os.environ["VMWARE_USER"], os.environ["VMWARE_PASSWORD"]),
                                verify=os.environ["VMWARE_CA_PATH"], timeout=60)
    response.raise_for_status()
    return response.json() if response.content else None


def expect(condition, message, job=None):
    if not condition:
        if job is not None:
            sys.stderr.write(job["stdout"][-6000:] + "\n")
        fail(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--collections", required=True)
    args = parser.parse_args()
    surveys = check_project()
    work = tempfile.mkdtemp(prefix="opensphere-awx-")
    try:
        lab("POST", "reset")
        lab("POST", "services", {"transition_ms": 20})
        vm = "DC0_H0_VM0"
        before = lab_vm(vm)

        # vcenter_services: stop and make manual two services; the second launch changes nothing
        answers = {"services_names": "eam\nwcp", "services_state": "stopped", "services_startup_type": "manual"}
        job = run_job(work, args.collections, surveys, "vcenter_services.yml", answers)
        expect(job["status"] == "successful", "vcenter_services job: %s" % job["status"], job)
        services = lab("GET", "services")["services"]
        expect(all(services[s]["state"] == "STOPPED" and services[s]["startup_type"] == "MANUAL" for s in ("eam", "wcp")),
               "vcenter_services job: the lab's eam/wcp are not STOPPED/MANUAL", job)
        again = run_job(work, args.collections, surveys, "vcenter_services.yml", answers)
        expect(again["status"] == "successful" and again["changed"] == [],
               "vcenter_services job, second launch: %s, changed %s" % (again["status"], again["changed"]), again)
        print("awx jobs: vcenter_services.yml: successful, eam and wcp stopped and manual; second launch: no change")

        # guarded_change, as a Check job: nothing changes
        answers = {"guarded_vms": vm, "guarded_change_name": "AWX-1", "resize_cpus": 2, "resize_memory_mb": 64}
        job = run_job(work, args.collections, surveys, "guarded_change.yml", answers, check=True)
        expect(job["status"] == "successful", "guarded_change check job: %s" % job["status"], job)
        expect(lab_vm(vm) == before, "guarded_change check job changed the VM: %s" % lab_vm(vm), job)
        # a Run job: guard, resize (with the survey's required answers and defaults), keep
        job = run_job(work, args.collections, surveys, "guarded_change.yml", answers)
        expect(job["status"] == "successful", "guarded_change job: %s" % job["status"], job)
        expect(job["extravars"]["guarded_keep"] == 3 and job["extravars"]["guarded_tasks"] == "changes/resize.yml",
               "the survey's defaults did not reach the job: %s" % job["extravars"])
        after = lab_vm(vm)
        expect(after == {"num_cpus": 2, "memory_mb": 64, "power_state": "poweredOn", "snapshots": ["guard-AWX-1"]},
               "guarded_change job: the lab's VM is %s" % after, job)
        again = run_job(work, args.collections, surveys, "guarded_change.yml", answers)
        expect(again["status"] == "successful" and again["changed"] == [] and lab_vm(vm) == after,
               "guarded_change, second launch: %s, changed %s" % (again["status"], again["changed"]), again)
        print("awx jobs: guarded_change.yml: check job changed nothing; run job sized %s under guard-AWX-1;"
              " second launch: no change" % vm)

        # a change whose smoke test fails: the job fails, the VM is back on its guard, size and power state
        answers = {"guarded_vms": vm, "guarded_change_name": "AWX-2", "resize_cpus": 4, "resize_memory_mb": 128,
                   "guarded_tasks": "changes/resize.yml\nchanges/smoke_test.yml", "smoke_test_timeout": 1}
        job = run_job(work, args.collections, surveys, "guarded_change.yml", answers)
        expect(job["status"] == "failed", "the failing guarded change's job is %s, not failed" % job["status"], job)
        reverted = lab_vm(vm)
        expect(reverted == {"num_cpus": 2, "memory_mb": 64, "power_state": "poweredOn",
                            "snapshots": ["guard-AWX-1", "guard-AWX-2"]},
               "after the failed change the lab's VM is %s" % reverted, job)
        failures = [e["event_data"]["res"].get("msg", "") for e in job["events"] if e.get("event") == "runner_on_failed"
                    and not e["event_data"].get("ignore_errors")]
        expect(any("Reverted to the guard snapshot 'guard-AWX-2'" in m for m in failures),
               "the job's failure does not say it reverted: %s" % failures, job)
        print("awx jobs: guarded_change.yml with a failing smoke test: job failed, %s reverted to guard-AWX-2,"
              " 2 CPUs / 64 MB, powered on" % vm)

        provision_jobs(work, args.collections, surveys)
        deploy_vcsa_jobs(work, args.collections, surveys)
        print("awx jobs: no job event holds the vCenter password (nor the appliance's root or SSO password)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        lab("POST", "reset")


def provision_jobs(work, collections, surveys):
    """provision_vms.yml: a Check job, a Run job (two VMs from a template, two at a time), a second launch."""
    vmctl("clone-template", "DC0_H0_VM1", "awx-template")
    names = ["awx-web1", "awx-web2"]
    answers = {"provision_names": "\n".join(names), "provision_template": "awx-template", "provision_datacenter": "DC0",
               "provision_cluster": "DC0_C0", "provision_num_cpus": 2, "provision_memory_mb": 128,
               "provision_wait_for_ip": "false", "provision_snapshot": "baseline", "provision_concurrency": 2}
    job = run_job(work, collections, surveys, "provision_vms.yml", answers, check=True)
    expect(job["status"] == "successful", "provision_vms check job: %s" % job["status"], job)
    expect([lab_vm(n) for n in names] == [None, None], "the provision_vms check job created VMs", job)
    job = run_job(work, collections, surveys, "provision_vms.yml", answers)
    expect(job["status"] == "successful", "provision_vms job: %s" % job["status"], job)
    expect(job["extravars"]["provision_power_on"] == "true" and job["extravars"]["provision_timeout"] == 3600,
           "the survey's defaults did not reach the job: %s" % job["extravars"])
    made = [lab_vm(n) for n in names]
    wanted = {"num_cpus": 2, "memory_mb": 128, "power_state": "poweredOn", "snapshots": ["baseline"]}
    expect(made == [wanted, wanted], "provision_vms job: the lab's VMs are %s" % made, job)
    again = run_job(work, collections, surveys, "provision_vms.yml", answers)
    expect(again["status"] == "successful" and again["changed"] == [],
           "provision_vms, second launch: %s, changed %s" % (again["status"], again["changed"]), again)
    print("awx jobs: provision_vms.yml: check job created nothing; run job made %s (2 CPUs, 128 MB, on, baseline);"
          " second launch: no change" % ", ".join(names))


def deploy_vcsa_jobs(work, collections, surveys):
    """deploy_vcsa.yml: the VCSA-like test OVF as stage 1 (DHCP: no address requested), a guest that reports the
    lab appliance's address, stage 2 there, the lab's vCenter as the new vCenter; a second launch changes nothing."""
    ovf_dir = os.path.join(work, "ovf")
    tool = os.path.join(ROOT, "tests", "integration", "targets", "setup_ovf", "files", "make_ovf.py")
    subprocess.run([sys.executable, tool, ovf_dir], check=True, capture_output=True)
    lab("POST", "appliance", {"duration_ms": 500, "state": "INITIALIZED"})
    root, sso = os.environ["APPLIANCE_PASSWORD"], os.environ["VMWARE_PASSWORD"]
    answers = {"vcsa_name": "awx-vcsa", "vcsa_ova": os.path.join(ovf_dir, "vcsa", "vcsa.ovf"), "vcsa_datacenter": "DC0",
               "vcsa_cluster": "DC0_C0", "vcsa_datastore": "LocalDS_0", "vcsa_port_group": "VM Network",
               "vcsa_ovf_network": "frontend", "vcsa_ip_mode": "dhcp", "vcsa_size": "small", "vcsa_root_password": root,
               "vcsa_sso_password": sso, "vcsa_thumbprint": os.environ["APPLIANCE_THUMBPRINT"],
               "vcsa_appliance_port": int(os.environ["APPLIANCE_PORT"]), "vcsa_vcenter_hostname": os.environ["VMWARE_HOST"],
               "vcsa_vcenter_port": int(os.environ["VMWARE_PORT"]), "vcsa_vcenter_ca_path": os.environ["VMWARE_CA_PATH"],
               "vcsa_health_timeout": 10}
    job = run_job(work, collections, surveys, "deploy_vcsa.yml", answers, check=True, secrets=(root,))
    expect(job["status"] == "successful", "deploy_vcsa check job: %s" % job["status"], job)
    expect(lab_vm("awx-vcsa") is None and lab("GET", "appliance")["state"] == "INITIALIZED",
           "the deploy_vcsa check job changed the lab", job)
    guest = lab_guest("awx-vcsa", os.environ["APPLIANCE_HOST"])
    job = run_job(work, collections, surveys, "deploy_vcsa.yml", answers, secrets=(root,))
    guest.join(5)
    expect(job["status"] == "successful", "deploy_vcsa job: %s" % job["status"], job)
    appliance = lab("GET", "appliance")
    vm = lab_vm("awx-vcsa")
    expect(appliance["state"] == "CONFIGURED" and vm is not None and vm["power_state"] == "poweredOn",
           "deploy_vcsa job: the lab's appliance is %s, its VM %s" % (appliance["state"], vm), job)
    again = run_job(work, collections, surveys, "deploy_vcsa.yml", answers, secrets=(root,))
    expect(again["status"] == "successful" and again["changed"] == [],
           "deploy_vcsa, second launch: %s, changed %s" % (again["status"], again["changed"]), again)
    print("awx jobs: deploy_vcsa.yml: check job changed nothing; run job deployed awx-vcsa, installed the appliance at"
          " the address its guest reported (%s), services healthy; second launch: no change" % os.environ["APPLIANCE_HOST"])


if __name__ == "__main__":
    main()
