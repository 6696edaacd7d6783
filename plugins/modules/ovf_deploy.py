#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ovf_deploy
short_description: Deploy a VM from an OVF or OVA package (a file or a URL), idempotently, or remove it
version_added: 0.1.0
description:
  - Deploys an OVF package as a virtual machine named O(name) in O(folder), unless a VM of that name is
    already there; that VM is then reported, and with C(--diff) the requested settings it does not have
    are listed in RV(differences). Nothing is redeployed unless O(replace) says so.
  - The package is a local C(.ovf) with its files beside it, a local C(.ova), an http(s) URL to either, or an OVF
    template of a content library (O(library) and O(library_item)). Files are streamed to vCenter (an OVA from a URL
    is read once, member by member), never held in memory.
  - Before anything is uploaded the descriptor is parsed, every name is resolved and every requested
    network, property and deployment option is checked against the descriptor (property values against
    their OVF types and qualifiers); then vCenter validates the import spec (C(CreateImportSpec), which
    changes nothing). Check mode does all of this too, so it predicts the real run's result and errors.
  - While uploading, the import lease is renewed with progress reports. If anything fails after the import
    started, the lease is aborted and the half-imported VM removed, so the next run starts clean.
  - O(state=absent) removes the VM of that name in that folder (powering it off first).
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - opensphere.vsphere.placement
  - opensphere.vsphere.placement.FOLDER
  - opensphere.vsphere.attributes
  - opensphere.vsphere.attributes.ACTIONGROUP_VMWARE
attributes:
  check_mode:
    support: full
    details: Check mode reads the package, resolves every name and has vCenter validate the import spec, and uploads nothing.
  diff_mode:
    support: full
    details: The diff shows whether the VM exists and its settings (power state, properties, networks, annotation) before and after.
  idempotent:
    support: full
    details: A VM of O(name) in O(folder) means no change (with O(replace), only when its settings already match).
options:
  name:
    description: Name of the VM to deploy (or remove); the existence check looks for it in O(folder).
    type: str
    required: true
  state:
    description:
      - V(present) deploys the package unless the VM exists; V(absent) removes the VM.
    type: str
    choices: [present, absent]
    default: present
  ovf:
    description:
      - Path of a local C(.ovf) (its disk files beside it), a local C(.ova), or a directory holding one C(.ovf).
      - Exactly one of O(ovf), O(url) and O(library) is needed for O(state=present).
    type: path
    aliases: [ova, ovf_path]
  url:
    description:
      - http or https URL of an C(.ovf) (its files are fetched relative to it) or an C(.ova) (streamed).
    type: str
  library:
    description:
      - Content library holding O(library_item) (its name, or its id when no library has that name).
      - The item is deployed by vCenter through the vSphere Automation API (C(com.vmware.vcenter.ovf.library_item)), over
        C(/api) (vCenter 7.0+) or C(/rest) (6.7), whichever the server offers; nothing is uploaded.
      - Check mode reads vCenter's summary of the item for the placement (its C(filter)), checks the request against it and
        predicts the warnings for OVF networks left unmapped; vCenter has no read-only validation of a library deploy, so
        its own errors for the values (e.g. a property value of the wrong type) come from the real run. Deploying accepts
        the package's EULAs (M(opensphere.vsphere.ovf_info) lists them).
    type: str
  library_item:
    description: The OVF template item of O(library) (its name, or its id when no item has that name).
    type: str
  url_validate_certs:
    description: Verify the certificate of an https O(url).
    type: bool
    default: true
  url_ca_path:
    description: CA bundle to verify an https O(url) with (instead of the system's).
    type: path
  datastore:
    description:
      - Datastore for the VM's files and disks (required for O(state=present)), or a datastore cluster; Storage DRS then picks
        the datastore (C(RecommendDatastores), read-only, also in check mode), and needs to be on for that cluster.
    type: str
  networks:
    description:
      - Maps OVF network names (see M(opensphere.vsphere.ovf_info)) to port group names (standard or distributed).
      - An OVF network left out is connected to vCenter's default and reported as an import spec warning.
    type: dict
    default: {}
  properties:
    description:
      - OVF property values by key (as M(opensphere.vsphere.ovf_info) lists them, e.g. C(guestinfo.cis.appliance.net.addr)).
      - Each value is checked against the property's OVF type and qualifiers before upload; booleans become C(true)/C(false).
    type: dict
    default: {}
  deployment_option:
    description: Deployment option (configuration) id from the descriptor; default is the descriptor's default.
    type: str
  disk_provisioning:
    description: Disk provisioning for the VM's disks (for O(library), one of V(thin), V(thick), V(eagerZeroedThick)).
    type: str
    choices: [thin, thick, eagerZeroedThick, flat, monolithicFlat, monolithicSparse, twoGbMaxExtentSparse, twoGbMaxExtentFlat, seSparse, sparse]
    default: thin
  annotation:
    description: Notes for the VM; default is the descriptor's annotation.
    type: str
  power_on:
    description: Power the VM on after deploying it.
    type: bool
    default: false
  wait_for_ip:
    description: After powering on, wait (within O(timeout)) until VMware Tools reports an IP address.
    type: bool
    default: false
  timeout:
    description: Seconds to wait for each stage (lease ready, power on, IP address, removal).
    type: int
    default: 600
  fail_on_spec_warnings:
    description: Fail (before anything is uploaded) when vCenter reports warnings for the import spec.
    type: bool
    default: false
  replace:
    description:
      - When a VM of O(name) exists in O(folder) and its settings differ from the requested ones
        (RV(differences)), remove it and deploy again. Without it an existing VM is never touched.
    type: bool
    default: false
notes:
  - One of O(cluster), O(host), O(resource_pool) is required for O(state=present); O(cluster) and O(resource_pool) exclude each other.
  - The deployment option and disk provisioning of a deployed VM cannot be read back from vCenter; they are not compared.
seealso:
  - module: opensphere.vsphere.ovf_info
"""

EXAMPLES = r"""
# The lab (tests/lab) has datacenter DC0, cluster DC0_C0, datastore LocalDS_0 and port groups
# "VM Network" and DC0_DVPG0; tests/integration/targets/setup_ovf/files/make_ovf.py writes the package.
- name: Deploy an appliance from an OVA, with its networks and properties, and start it
  opensphere.vsphere.ovf_deploy:
    hostname: "{{ vcenter_hostname }}"
    username: "{{ vcenter_username }}"
    password: "{{ vcenter_password }}"
    ca_path: "{{ vcenter_ca_path }}"
    ovf: "{{ ovf_dir }}/appliance.ova"
    name: web01
    datacenter: DC0
    cluster: DC0_C0
    datastore: LocalDS_0
    networks:
      frontend: VM Network
      backend: DC0_DVPG0
    properties:
      hostname: web01
      port: 9443
      debug: true
    deployment_option: large
    power_on: true

- name: Deploy the same appliance from a content library into a datastore cluster (Storage DRS picks the datastore)
  opensphere.vsphere.ovf_deploy:
    library: appliances
    library_item: appliance
    name: web02
    datacenter: DC0
    cluster: DC0_C0
    datastore: DC0_POD
    networks:
      frontend: VM Network
    properties:
      hostname: web02
    power_on: true

- name: Remove it again
  opensphere.vsphere.ovf_deploy:
    name: web01
    datacenter: DC0
    state: absent
"""

RETURN = r"""
vm:
  description: The VM (in check mode, as it would be; C(moid) and C(uuid) are then unknown for a new VM).
  returned: always
  type: dict
  contains:
    name: {description: Name of the VM., type: str}
    moid: {description: Managed object id., type: str, sample: vm-42}
    uuid: {description: BIOS UUID., type: str}
    instance_uuid: {description: vCenter instance UUID., type: str}
    power_state: {description: "C(powered-on), C(powered-off) or C(suspended).", type: str}
    ip_address: {description: "Guest IP address, when VMware Tools reports one.", type: str}
    annotation: {description: The VM's notes., type: str}
    template: {description: Whether the VM is a template., type: bool}
deployed:
  description: What was (or would be) deployed; password properties are hidden.
  returned: when O(state=present)
  type: dict
  contains:
    source: {description: "The O(ovf) path, the O(url), or C(library:<library>/<item>).", type: str}
    deployment_option: {description: The deployment option used., type: str}
    properties: {description: The property values given., type: dict}
    networks: {description: The network mapping given., type: dict}
    disk_provisioning: {description: The disk provisioning asked for., type: str}
spec_warnings:
  description: vCenter's warnings for the import spec (also given as task warnings).
  returned: when the import spec was validated
  type: list
  elements: str
differences:
  description: Requested settings that an existing VM does not have (C(deployed) and C(requested) values).
  returned: when O(state=present) and the VM existed
  type: dict
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import common, ovf_descriptor, ovf_library, ovf_plan, storage_pod
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.ovf_import import (
    create_spec, import_vm, read_deployed, resolve_networks)
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.ovf_source import open_source
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._limits import ENTITY_NAME_MAX, PLACEMENT_NAMES
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._placement import resolve
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import power_on
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import Waiter

ARGS = {
    "argument_spec": {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "ovf": {"type": "path", "aliases": ["ova", "ovf_path"]},
        "url": {"type": "str"},
        "url_validate_certs": {"type": "bool", "default": True},
        "url_ca_path": {"type": "path"},
        "library": {"type": "str"},
        "library_item": {"type": "str"},
        "datacenter": {"type": "str"},
        "folder": {"type": "str"},
        "cluster": {"type": "str"},
        "host": {"type": "str"},
        "resource_pool": {"type": "str"},
        "datastore": {"type": "str"},
        "networks": {"type": "dict", "default": {}},
        "properties": {"type": "dict", "default": {}},
        "deployment_option": {"type": "str"},
        "disk_provisioning": {"type": "str", "default": "thin", "choices": list(ovf_plan.PROVISIONING)},
        "annotation": {"type": "str"},
        "power_on": {"type": "bool", "default": False},
        "wait_for_ip": {"type": "bool", "default": False},
        "timeout": {"type": "int", "default": 600},
        "fail_on_spec_warnings": {"type": "bool", "default": False},
        "replace": {"type": "bool", "default": False},
    },
    "mutually_exclusive": [["ovf", "url", "library"], ["cluster", "resource_pool"]],
    "required_together": [["library", "library_item"]],
    "required_if": [["state", "present", ["ovf", "url", "library"], True], ["state", "present", ["datastore"]],
                    ["state", "present", ["cluster", "host", "resource_pool"], True]],
}


def read_package(params):
    """The source, its parsed descriptor and the checked property values: no vCenter yet."""
    source = open_source(params)
    desc = ovf_descriptor.parse(source.descriptor)
    source.check_files(desc)
    values = ovf_descriptor.check_request(desc, params["networks"], params["properties"], params["deployment_option"])
    return source, desc, values


def source_text(params):
    if params["library"]:
        return "library:%s/%s" % (params["library"], params["library_item"])
    return params["url"] or params["ovf"]


def main_flow(module):
    p = module.params
    source = desc = values = None
    if p["state"] == "present" and not p["library"]:
        with module.doing("read the OVF package %s" % source_text(p)):
            source, desc, values = read_package(p)
    try:
        with module.soap() as si:
            with module.doing("resolve the placement"):
                where = resolve(si, datacenter=p["datacenter"], folder=p["folder"], cluster=p["cluster"], host=p["host"],
                                resource_pool=p["resource_pool"], datastore=p["datastore"], storage_pods=True)
            with module.doing("look for VM '%s' in folder %s" % (p["name"], where.names.get("folder"))):
                vm = common.find_in_folder(si, where.folder, p["name"])
                facts, deployed = read_deployed(si, vm) if vm is not None else (common.absent_facts(p["name"]), None)
            module.context["vm"] = facts
            if p["state"] == "absent":
                remove(module, si, vm, deployed)
            elif p["library"]:
                with module.rest() as rest:
                    with module.doing("read OVF template %s" % source_text(p)):
                        item_id = ovf_library.find_item(rest, p["library"], p["library_item"])
                        desc = ovf_library.describe(ovf_library.summary(rest, item_id, where))
                    with module.doing("check the networks, properties and deployment option against %s" % source_text(p)):
                        values = ovf_descriptor.check_request(desc, p["networks"], p["properties"], p["deployment_option"])
                    deploy(module, si, where, vm, deployed, LibraryImport(rest, item_id), desc, values)
            else:
                deploy(module, si, where, vm, deployed, FileImport(source), desc, values)
    finally:
        if source is not None:
            source.close()


class FileImport:
    """A file or URL package: vCenter validates with CreateImportSpec, the module uploads over NFC."""

    def __init__(self, source):
        self.source, self.spec = source, None

    def validate(self, module, si, where, desc, values, option):
        p = module.params
        nets = resolve_networks(si, where.datacenter, p["networks"].values())
        self.spec, warnings = create_spec(si, self.source.descriptor, where, p["name"], values, nets, p["networks"], option,
                                          p["disk_provisioning"])
        return warnings

    def run(self, module, si, waiter, where):
        p = module.params
        return import_vm(si, waiter, self.source, self.spec, where, p["name"], p["timeout"], annotation=p["annotation"],
                         on_cleanup=lambda text: module.warn("cleanup after the failed import: %s" % text))


class LibraryImport:
    """An OVF template of a content library: vCenter deploys it (the Automation API), nothing is uploaded.

    There is no read-only validation of a deploy spec in the API: the request was checked against
    vCenter's filter of the item for this placement, and the warnings vCenter gives for it (OVF
    networks left unmapped) are predicted; the deploy's own warnings are reported after it."""

    def __init__(self, rest, item_id):
        self.rest, self.item_id, self.body, self.predicted = rest, item_id, None, []

    def validate(self, module, si, where, desc, values, option):
        p = module.params
        nets = resolve_networks(si, where.datacenter, p["networks"].values())
        ids = dict((ovf_net, nets[pg]._moId) for ovf_net, pg in p["networks"].items())
        self.body = ovf_library.deploy_spec(self.rest, desc, p["name"], where, values, ids, p["deployment_option"],
                                            p["disk_provisioning"], p["annotation"])
        self.predicted = ovf_library.predicted_warnings(desc, p["networks"])
        return self.predicted

    def run(self, module, si, waiter, where):
        moid, warnings = ovf_library.deploy(self.rest, self.item_id, self.body, module.params["timeout"])
        for text in warnings:
            if text not in self.predicted:  # those were reported already, as the import spec's
                module.warn("deploy: %s" % text)
        return si.ref("VirtualMachine", moid)


def remove(module, si, vm, deployed):
    p, waiter = module.params, Waiter(si)
    plan = ovf_plan.plan_absent(deployed, p["name"])
    module.execute(plan, {"power_off": lambda step: common.power_off(waiter, vm, p["name"], p["timeout"]),
                          "destroy": lambda step: common.destroy(waiter, vm, p["name"], p["timeout"])})
    if plan.changed:
        module.context["vm"] = common.absent_facts(p["name"])
    module.exit_plan(plan, diff_view(deployed, None), diff_view(plan.after, None))


def validate(module, si, where, importer, desc, values, option):
    """vCenter's view of the request (also in check mode: it changes nothing); the warnings."""
    if storage_pod.is_pod(where.datastore):
        with module.doing("have Storage DRS pick a datastore of datastore cluster '%s'" % module.params["datastore"]):
            where.datastore = storage_pod.pick_datastore(si, where.datastore, module.params["datastore"], where.resource_pool,
                                                         where.folder, module.params["name"])
    with module.doing("have vCenter validate the import spec"):
        warnings = importer.validate(module, si, where, desc, values, option)
        if warnings and module.params["fail_on_spec_warnings"]:
            raise InvalidInput("vCenter warns about the import spec and fail_on_spec_warnings is set: %s"
                               % "; ".join(warnings), fault_type="OvfSpecWarning")
    return warnings


def deploy(module, si, where, vm, deployed, importer, desc, values):
    p, name, waiter = module.params, module.params["name"], Waiter(si)
    option = p["deployment_option"] or ovf_descriptor.default_option(desc)
    wanted = ovf_plan.requested(p, values, desc)
    plan, differing = ovf_plan.plan_present(deployed, wanted, p["replace"])
    result = {"deployed": {"source": source_text(p), "deployment_option": option,
                           "properties": ovf_plan.masked(values, desc), "networks": p["networks"],
                           "disk_provisioning": p["disk_provisioning"]}}
    if deployed is not None:
        result["differences"] = mask_differences(differing, desc)
    if "import" in plan.actions:
        warnings = validate(module, si, where, importer, desc, values, option)
        result["spec_warnings"] = warnings
        plan.warnings.extend("import spec: %s" % text for text in warnings)
    made = {"vm": vm}

    def do_remove(step):
        common.remove_vm(waiter, made["vm"], module.context["vm"], p["timeout"])

    def do_import(step):
        made["vm"] = importer.run(module, si, waiter, where)
        module.context["vm"] = common.vm_facts(si, made["vm"])[0]

    def do_power_on(step):
        power_on(waiter, made["vm"], name, p["timeout"])
        if p["wait_for_ip"]:
            common.wait_for_ip(waiter, made["vm"], name, p["timeout"])

    module.execute(plan, {"remove": do_remove, "import": do_import, "power_on": do_power_on})
    if plan.changed and not module.check_mode:
        module.context["vm"] = common.vm_facts(si, made["vm"])[0]
    elif plan.changed:
        module.context["vm"] = dict(common.absent_facts(name), power_state=plan.after["power_state"],
                                    annotation=plan.after["annotation"], template=False)
    module.exit_plan(plan, diff_view(deployed, desc), diff_view(plan.after, desc), **result)


def mask_differences(differing, desc):
    secret = set("properties.%s" % prop["key"] for prop in desc["properties"] if prop["password"])
    return dict((key, {"deployed": ovf_plan.HIDDEN, "requested": ovf_plan.HIDDEN} if key in secret else value)
                for key, value in differing.items())


def diff_view(settings, desc):
    """The before/after of ``--diff``: existence and the compared settings, passwords hidden."""
    if settings is None or not settings.get("exists"):
        return {"exists": False}
    view = dict(settings)
    view.pop("moid", None)
    if desc is not None and "properties" in view:
        view["properties"] = ovf_plan.masked(view["properties"], desc)
    return view


def main():
    module = VSphereModule(ARGS, {"names": dict(PLACEMENT_NAMES, name=ENTITY_NAME_MAX, ovf=None, url=None)}, transport=("soap", "rest"))
    module.run(main_flow, check=ovf_plan.check_options)


if __name__ == "__main__":
    main()
