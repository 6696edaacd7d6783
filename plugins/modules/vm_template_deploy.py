#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vm_template_deploy
short_description: Deploy a virtual machine from a template (folder or content library), customized, sized and started
version_added: 0.1.0
description:
  - Deploys a VM from a VM template in the inventory (O(template) or O(template_moid)) or from a VM template item
    (VMTX) of a content library (O(library) and O(library_item)), in one task.
  - Hardware overrides (CPU, memory, disk growth, NIC networks) are part of the clone itself, not a second
    reconfigure. Guest customization is given inline (O(customization)) or by the name of a specification of the
    vCenter customization specification manager (O(customization_spec)), and is checked against the template
    (OS family, number of network adapters) before anything is deployed, in check mode too.
  - Idempotent on existence, as every deploy module of this collection is; a VM of O(name) in the target folder is
    left alone even when requested settings differ from it (the warning and C(--diff) name them; change them with
    M(opensphere.vsphere.vm_hardware) and M(opensphere.vsphere.vm_power)). The deployed VM remembers its source in
    its configuration (C(opensphere.deploy.source)); a VM of that name that came from elsewhere is refused rather
    than taken for this deployment.
  - Guest customization is followed through its vCenter events (C(CustomizationStartedEvent),
    C(CustomizationSucceeded), C(CustomizationFailed) and its kinds) with the PropertyCollector, without sleeps; a
    failed customization fails the task with its reason.
  - An OVF item of a content library is M(opensphere.vsphere.ovf_deploy)'s job.
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
    details: Check mode resolves every name (source, placement, networks, customization specification), checks the
      customization against the template, reports what a real run would do, and changes nothing.
  diff_mode:
    support: full
    details: The diff shows the VM (source, power state, CPU, memory, disks, networks, customization) before and after;
      for an existing VM, the requested settings that differ from it.
  idempotent:
    support: full
options:
  name:
    description: Name of the VM to deploy (or remove), unique in O(folder).
    type: str
    required: true
  state:
    description:
      - V(present) deploys the VM unless a VM of that name is in the target folder.
      - V(absent) powers the VM of that name in the target folder off and removes it with its disks.
    type: str
    choices: [present, absent]
    default: present
  template:
    description: Name of the VM template in the inventory to deploy from. Mutually exclusive with O(template_moid) and O(library).
    type: str
  template_folder:
    description: VM folder of O(template) (absolute, V(/DC0/vm/templates), or relative to the datacenter's VM folder);
      makes the lookup one call whatever the inventory size.
    type: str
  template_moid:
    description: Managed object id of the template (V(vm-123)).
    type: str
  allow_vm_source:
    description: Allow O(template) or O(template_moid) to name a VM that is not marked as a template (it is then cloned).
    type: bool
    default: false
  library:
    description: Name of the content library holding O(library_item). Needs the vSphere Automation API (REST).
    type: str
  library_item:
    description: Name of the VM template (VMTX) item in O(library).
    type: str
  datastore:
    description: Datastore for the VM's files and disks; default the template's.
    type: str
  datacenter:
    description:
      - Datacenter to deploy in. Needed only when a name matches in several datacenters.
      - Without it (and without O(folder), O(cluster), O(host), O(resource_pool) and O(datastore), which imply one),
        a folder template is deployed in its own datacenter, read with the template in the same call; otherwise
        (O(state=absent)) the only datacenter of the vCenter is used, and with several the task fails before any
        change, naming them.
    type: str
  folder:
    description:
      - VM folder for the VM, an absolute inventory path (C(/DC0/vm/apps)) or relative to the datacenter's VM folder
        (C(apps)).
      - Default is the datacenter's VM folder (C(/DC0/vm)), not the template's folder, so that deployed VMs do not land
        among the templates; the datacenter is the template's unless an option names one.
      - The VM is looked for by name in this folder only (a VM of the same name elsewhere is another VM).
    type: str
  resource_pool:
    description:
      - Resource pool for the VM, searched within O(host) (or its cluster) when given, else within the datacenter.
      - Without O(cluster), O(host) and O(resource_pool), a folder template's VM goes into the root resource pool of the
        cluster (or standalone host) of the template's host, found in the inventory read the placement already makes.
        A template registered on no host, or on one outside the target datacenter, fails before any clone.
      - A content library item has no host to default to; it needs one of O(cluster), O(host) or O(resource_pool)
        (checked before connecting).
    type: str
  disk_provisioning:
    description: Disk format of a full clone of a folder template; V(same-as-source) keeps the template's.
    type: str
    choices: [same-as-source, thin, thick, eager-zeroed]
  linked_clone:
    description: Deploy a linked clone whose disks are children of the template's disks at a snapshot (folder templates only).
    type: bool
    default: false
  snapshot:
    description: The template's snapshot (name or tree path) a linked clone grows from; default its current snapshot.
    type: str
  num_cpus:
    description: Number of virtual CPUs of the new VM (checked as M(opensphere.vsphere.vm_hardware) checks it).
    type: int
  cores_per_socket:
    description: Cores per CPU socket; must divide the number of CPUs.
    type: int
  memory_mb:
    description: Memory of the new VM in MB, a multiple of 4.
    type: int
  disks:
    description: Disk growth at deploy, matched to the template's disks by O(disks[].label) or else in order. Disks can only grow.
    type: list
    elements: dict
    default: []
    suboptions:
      label:
        description: The template disk's label (V(Hard disk 1)).
        type: str
      size_gb:
        description: New size in GB.
        type: int
      size_mb:
        description: New size in MB.
        type: int
  nics:
    description: Network of the template's adapters, matched by O(nics[].label) or else in order.
    type: list
    elements: dict
    default: []
    suboptions:
      label:
        description: The adapter's label (V(Network adapter 1)).
        type: str
      network:
        description: Name of the network or distributed port group.
        type: str
        required: true
  customization_spec:
    description: Name of a specification in vCenter's customization specification manager. Mutually exclusive with O(customization).
    type: str
  customization:
    description:
      - Inline guest customization; exactly one of O(customization.linux), O(customization.windows) or O(customization.cloud_init).
      - One entry of O(customization.nics) per network adapter, in order; adapters not listed use DHCP.
      - Cloud-init customization needs vCenter 7.0 U3 or later.
    type: dict
    suboptions:
      linux:
        description: Linux guest preparation.
        type: dict
        suboptions:
          hostname:
            description: "Host name."
            type: str
          domain:
            description: "DNS domain."
            type: str
          time_zone:
            description: "Time zone (V(Europe/Berlin)."
            type: str
          hw_clock_utc:
            description: "Whether the hardware clock is in UTC."
            type: bool
            default: true
      windows:
        description: Windows sysprep.
        type: dict
        suboptions:
          computer_name:
            description: "Computer (NetBIOS) name, up to 15 characters."
            type: str
          admin_password:
            description: "Password of the local Administrator."
            type: str
          full_name:
            description: "Registered owner."
            type: str
          org_name:
            description: "Registered organization."
            type: str
          product_key:
            description: "Windows product key."
            type: str
          time_zone:
            description: "Windows time zone index (85 is GMT)."
            type: int
          workgroup:
            description: "Workgroup to join (default V(WORKGROUP) when no domain is given)."
            type: str
          domain:
            description: "Active Directory domain to join."
            type: str
          domain_user:
            description: "User allowed to join the domain."
            type: str
          domain_password:
            description: "Password of O(customization.windows.domain_user)."
            type: str
          run_once:
            description: "Commands to run at the first logon."
            type: list
            elements: str
          auto_logon:
            description: "Log on as Administrator once after customization."
            type: bool
            default: false
      cloud_init:
        description: cloud-init data (vCenter 7.0 U3+).
        type: dict
        suboptions:
          user_data:
            description: "cloud-init user-data."
            type: str
          meta_data:
            description: "cloud-init meta-data (YAML)."
            type: str
      dns_servers:
        description: "DNS servers."
        type: list
        elements: str
      dns_suffixes:
        description: "DNS search suffixes."
        type: list
        elements: str
      nics:
        description: IP settings per network adapter, in order.
        type: list
        elements: dict
        suboptions:
          ip:
            description: "V(dhcp) or a static IPv4 address."
            type: str
            default: dhcp
          netmask:
            description: "Netmask of a static address."
            type: str
          gateway:
            description: "Default gateway of a static address."
            type: str
          dns_domain:
            description: "DNS domain of this adapter."
            type: str
  power_on:
    description: Power the VM on after the deploy (guest customization runs then).
    type: bool
    default: false
  wait_for_customization:
    description: Wait until the guest customization has succeeded (or failed, which fails the task). Needs O(power_on).
    type: bool
    default: false
  wait_for_ip:
    description: Wait until the guest reports an IP address. Needs O(power_on).
    type: bool
    default: false
  timeout:
    description: Seconds to wait for each of the deploy, the customization and the IP address.
    type: int
    default: 600
"""

EXAMPLES = r"""
# The examples name a lab (tests/lab) where 'tmpl-linux' is a template cloned from DC0_H0_VM0.
- name: Deploy a Linux VM from a template, sized, customized and started, and wait for the guest
  opensphere.vsphere.vm_template_deploy:
    name: web01
    template: tmpl-linux
    template_folder: /DC0/vm
    folder: /DC0/vm
    cluster: DC0_C0
    datastore: LocalDS_0
    num_cpus: 2
    memory_mb: 64
    customization:
      linux:
        hostname: web01
        domain: lab.local
      dns_servers: [192.0.2.2]
      nics:
        - ip: 192.0.2.51
          netmask: 255.255.255.0
          gateway: 192.0.2.1
    power_on: true
    wait_for_customization: true
    wait_for_ip: true
    timeout: 300

- name: Remove it again
  opensphere.vsphere.vm_template_deploy:
    name: web01
    folder: /DC0/vm
    state: absent
"""

RETURN = r"""
vm:
  description: The VM after the task (in check mode, as it would be; with O(state=absent), C(moid) null).
  returned: always
  type: dict
  contains:
    name:
      description: "Name."
      type: str
    moid:
      description: "Managed object id (null in check mode before a deploy)."
      type: str
    uuid:
      description: "BIOS UUID."
      type: str
    instance_uuid:
      description: "vCenter instance UUID."
      type: str
    power_state:
      description: "Power state (V(powered-on), V(powered-off), V(suspended))."
      type: str
    ip_address:
      description: "The guest's IP address, when it reports one."
      type: str
    annotation:
      description: "Notes."
      type: str
    template:
      description: "Whether it is a template (always false for a deployed VM)."
      type: bool
customization:
  description: The guest customization of this deploy (null without one, or when the VM already existed).
  returned: always
  type: dict
  contains:
    status:
      description: "V(PENDING), V(RUNNING), V(SUCCEEDED) or V(FAILED) (V(PENDING) when not awaited)."
      type: str
    start_time:
      description: "When the guest started it (ISO 8601)."
      type: str
    end_time:
      description: "When it ended."
      type: str
    error:
      description: "The failure event and its reason."
      type: str
    spec:
      description: "What was applied (inline customization without secrets, or the specification's name)."
      type: dict
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import clone_spec, common, customization as cz, source
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import template_plan
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.waits import wait_customization
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, NotFound, TaskFailed
from ansible_collections.opensphere.vsphere.plugins.module_utils._finder import get_vm
from ansible_collections.opensphere.vsphere.plugins.module_utils._limits import ENTITY_NAME_MAX, PLACEMENT_NAMES
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._placement import resolve, root_pool_of_host
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import Waiter

EXISTING_PATHS = ["config.hardware.numCPU", "config.hardware.numCoresPerSocket", "config.hardware.memoryMB",
                  "config.hardware.device", "config.extraConfig"]


def existing_view(session, vm, folder_name, names):
    facts, values = common.vm_facts(session, vm, EXISTING_PATHS)
    marks = [o.value for o in values.get("config.extraConfig") or [] if o.key == source.SOURCE_MARK]
    tmpl = source.template_facts(vm, values, names)
    hw = {"num_cpus": tmpl["num_cpus"], "cores_per_socket": tmpl["cores_per_socket"], "memory_mb": tmpl["memory_mb"],
          "disks": [{"label": d["label"], "size_mb": d["size_mb"]} for d in tmpl["disks"]],
          "nics": [{"label": n["label"], "network": n["network"]} for n in tmpl["nics"]]}
    view = template_plan.view(dict(facts, folder=folder_name), hw, marks[0] if marks else None)
    view["template"] = facts["template"]
    return facts, view


def find_template(session, p):
    """``(ref, what source.read_template_values read)`` of the folder template: found, then one read."""
    if p["template_moid"]:
        ref = session.ref("VirtualMachine", p["template_moid"])
    else:
        ref = get_vm(session, name=p["template"], folder=p["template_folder"], datacenter=p["datacenter"], templates=True)
    return ref, source.read_template_values(session, ref)


def read_source(module, session, rest, names, early=None):
    """(template facts, template ref or None, VMTX item id or None); ``early``: find_template()'s answer, if read."""
    p = module.params
    if p["library"]:
        item_id = source.library_item(rest, p["library"], p["library_item"])
        return source.vmtx_facts(rest, item_id, p["library_item"], names), None, item_id
    ref, read = early or find_template(session, p)
    return source.read_template(session, ref, names, read=read), ref, None


def names_a_datacenter(p):
    """Whether a placement option says (or implies) the datacenter."""
    return any(p[option] for option in ("datacenter", "folder", "cluster", "host", "resource_pool", "datastore"))


def no_folder(place, early):
    """Why there is no folder to deploy into (raised before any change)."""
    dcs = sorted(node.name for node in place.tree.of_kind("datacenter")) if place.tree is not None else []
    if early is not None:
        return InvalidInput("the template's datacenter could not be read; give datacenter or folder")
    if not dcs:
        return InvalidInput("the vCenter has no datacenter to deploy in")
    return InvalidInput("the vCenter has %d datacenters (%s) and no option says which: give datacenter or folder"
                        % (len(dcs), ", ".join(dcs)))


def default_pool(place, template):
    """With no cluster, host or resource_pool: the root resource pool of the template's host's cluster (or
    standalone host), from the inventory already read; InvalidInput when there is none (before any clone)."""
    if place.resource_pool is not None:
        return
    if not template.get("host"):
        raise InvalidInput("template %s is registered on no host, so there is no resource pool to default to: "
                           "give cluster, host or resource_pool" % template["name"])
    found = root_pool_of_host(place, template["host"])
    if found is None:
        raise InvalidInput("the host of template %s is not in datacenter '%s', so its resource pool cannot be the default: "
                           "give cluster, host or resource_pool" % (template["name"], place.names.get("datacenter")))
    place.resource_pool, place.names["resource_pool"] = found[0], found[1]


def _api_below(version, wanted):
    parts = tuple(int(x) for x in version.split(".") if x.isdigit())
    return parts + (0,) * (3 - len(parts)) < wanted


def customization_of(module, session, template):
    """(fitted inline customization or the named spec's item, result summary)."""
    p = module.params
    if p["customization_spec"]:
        try:
            item = session.content.customizationSpecManager.GetCustomizationSpec(name=p["customization_spec"])
        except vim.fault.NotFound:
            raise NotFound("no customization specification named '%s'" % p["customization_spec"])
        identity = item.spec.identity
        kind = "windows" if isinstance(identity, (vim.vm.customization.Sysprep, vim.vm.customization.SysprepText)) else \
            "cloud_init" if identity.__class__.__name__.endswith("CloudinitPrep") else "linux"
        settings = len(item.spec.nicSettingMap or [])
        if (kind != "cloud_init" or settings) and settings != len(template["nics"]):
            raise InvalidInput("customization specification '%s' has %d NIC settings but template %s has %d network adapters"
                               % (p["customization_spec"], settings, template["name"], len(template["nics"])))
        cz.fit({"type": kind, "nics": [], kind: {}}, template)  # the OS family
        return item.spec, {"customization_spec": p["customization_spec"], "type": kind}
    fitted = cz.fit(p["customization"], template)
    if fitted is None:
        return None, None
    if fitted["type"] == "cloud_init" and _api_below(session.content.about.apiVersion, (7, 0, 3)):
        raise InvalidInput("customization.cloud_init needs vCenter 7.0 U3 or later; %s speaks API %s"
                           % (module.params["hostname"], session.content.about.apiVersion))
    return fitted, cz.summary(fitted)


def main_flow(module):
    p = module.params
    with module.soap() as session:
        early = None
        if p["state"] == "present" and not p["library"] and not names_a_datacenter(p):
            # no option says where: the template's datacenter (the template is read once, here, for the deploy too)
            with module.doing("find %s" % template_plan.source_text(p)):
                early = find_template(session, p)
        with module.doing("find the placement of VM '%s'" % p["name"]):
            dc = p["datacenter"] or (early[1][1][0] if early and early[1][1] else None)
            place = resolve(session, datacenter=dc, folder=p["folder"], cluster=p["cluster"], host=p["host"],
                            resource_pool=p["resource_pool"], datastore=p["datastore"], only_datacenter=True)
            if place.folder is None:
                raise no_folder(place, early)
            folder_name = place.names.get("folder")
            vm = common.find_in_folder(session, place.folder, p["name"])
        before = None
        if vm is not None:
            with module.doing("read VM '%s'" % p["name"]):
                _networks, names = source.networks(session, place.datacenter)
                before_facts, before = existing_view(session, vm, folder_name, names)
            module.context["vm"] = before_facts
        module.context.setdefault("vm", common.absent_facts(p["name"]))
        module.context["customization"] = None
        if vm is not None or p["state"] == "absent":
            with module.doing("plan VM '%s'" % p["name"]):
                plan = template_plan.plan(before, p, folder_name=folder_name)
            module.execute(plan, {"power_off": lambda s: common.power_off(Waiter(session), vm, p["name"], p["timeout"]),
                                  "destroy": lambda s: common.destroy(Waiter(session), vm, p["name"], p["timeout"])})
            if p["state"] == "absent":
                module.context["vm"] = common.absent_facts(p["name"])
            module.exit_plan(plan, before, plan.after if p["state"] == "present" else None)
            return
        deploy(module, session, place, folder_name, early)


def deploy(module, session, place, folder_name, early=None):
    p = module.params
    with module.doing("read the networks of datacenter '%s'" % place.names.get("datacenter")):
        networks, names = source.networks(session, place.datacenter)
    if p["library"]:
        with module.rest() as rest:
            with module.doing("find %s" % template_plan.source_text(p)):
                template, _ref, item_id = read_source(module, session, rest, names)
            state = prepare(module, session, template, networks, folder_name)
            run(module, session, place, template, None, item_id, networks, rest, *state)
    else:
        with module.doing("find %s" % template_plan.source_text(p)):
            template, ref, _item = read_source(module, session, None, names, early)
        with module.doing("place VM '%s' by template %s" % (p["name"], template["name"])):
            default_pool(place, template)
        state = prepare(module, session, template, networks, folder_name)
        run(module, session, place, template, ref, None, networks, None, *state)


def prepare(module, session, template, networks, folder_name):
    p = module.params
    with module.doing("check the request against %s" % template_plan.source_text(p)):
        changes = clone_spec.overrides(p, template, list(networks))
        custom, shown = customization_of(module, session, template)
        snapshot = source.pick_snapshot(template, p["snapshot"]) if p["linked_clone"] else None
        plan = template_plan.plan(None, p, template, changes, shown, folder_name=folder_name)
    return changes, custom, shown, snapshot, plan


def run(module, session, place, template, ref, item_id, networks, rest, changes, custom, shown, snapshot, plan):
    p = module.params
    waiter = Waiter(session)
    made = {}
    module.context["customization"] = dict(status="PENDING", start_time=None, end_time=None, error=None, spec=shown) if shown else None
    spec_obj = cz.spec(vim, custom) if isinstance(custom, dict) else custom

    def clone(step):
        cspec = clone_spec.clone_spec(vim, changes, place, devices=template["devices"], networks=networks,
                                      customization=spec_obj, power_on=p["power_on"], disk_provisioning=p["disk_provisioning"],
                                      snapshot=snapshot, disk_keys=[d["key"] for d in template["disks"]])
        cspec.config = cspec.config or vim.vm.ConfigSpec()
        cspec.config.extraConfig = [vim.option.OptionValue(key=source.SOURCE_MARK, value=step.mark)]
        made["vm"] = waiter.task(ref.CloneVM_Task(folder=place.folder, name=p["name"], spec=cspec), p["timeout"], step.what)

    def deploy_vmtx(step):
        ids = {"folder": place.folder._moId, "resource_pool": place.resource_pool._moId if place.resource_pool else None}
        if place.host is not None:
            ids["host"] = place.host._moId
        ids = {k: v for k, v in ids.items() if v}
        spec = clone_spec.vmtx_spec(p["name"], changes, ids, {n: v["ref"]._moId for n, v in networks.items()}, step.power_on,
                                    customization_spec=p["customization_spec"],
                                    datastore_id=place.datastore._moId if place.datastore else None)
        vm_id = rest.request("POST", "/vcenter/vm-template/library-items/%s" % item_id, body=spec, rest_body={"spec": spec},
                             params={"action": "deploy"}, timeout=p["timeout"])
        made["vm"] = session.ref("VirtualMachine", vm_id)

    def mark(step):
        config = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key=source.SOURCE_MARK, value=step.mark)])
        waiter.task(made["vm"].ReconfigVM_Task(spec=config), p["timeout"], step.what)

    def customize(step):
        waiter.task(made["vm"].CustomizeVM_Task(spec=spec_obj), p["timeout"], step.what)

    def power_on(step):
        waiter.task(made["vm"].PowerOnVM_Task(), p["timeout"], step.what)

    def wait_cust(step):
        status = wait_customization(session, waiter, made["vm"], p["name"], p["timeout"])
        module.context["customization"] = dict(status, spec=shown)
        if status["status"] == "FAILED":
            raise TaskFailed("the guest customization of VM '%s' failed: %s" % (p["name"], status["error"]),
                             fault_type="CustomizationFailed")

    def wait_ip(step):
        common.wait_for_ip(waiter, made["vm"], p["name"], p["timeout"])

    handlers = {"clone": clone, "deploy_vmtx": deploy_vmtx, "mark": mark, "customize": customize, "power_on": power_on,
                "wait_customization": wait_cust, "wait_ip": wait_ip}
    try:
        module.execute(plan, handlers)
    finally:
        if made.get("vm") is not None:
            module.context["vm"], _values = common.vm_facts(session, made["vm"])
    if module.check_mode:
        module.context["vm"] = dict(common.absent_facts(p["name"]), power_state=plan.after["power_state"], template=False)
    module.exit_plan(plan, None, plan.after)


def main():
    module = VSphereModule(
        {"argument_spec": {
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "template": {"type": "str"},
            "template_folder": {"type": "str"},
            "template_moid": {"type": "str"},
            "allow_vm_source": {"type": "bool", "default": False},
            "library": {"type": "str"},
            "library_item": {"type": "str"},
            "datacenter": {"type": "str"},
            "folder": {"type": "str"},
            "cluster": {"type": "str"},
            "host": {"type": "str"},
            "resource_pool": {"type": "str"},
            "datastore": {"type": "str"},
            "disk_provisioning": {"type": "str", "choices": ["same-as-source", "thin", "thick", "eager-zeroed"]},
            "linked_clone": {"type": "bool", "default": False},
            "snapshot": {"type": "str"},
            "num_cpus": {"type": "int"},
            "cores_per_socket": {"type": "int"},
            "memory_mb": {"type": "int"},
            "disks": {"type": "list", "elements": "dict", "default": [], "options": {
                "label": {"type": "str"}, "size_gb": {"type": "int"}, "size_mb": {"type": "int"}},
                "mutually_exclusive": [["size_gb", "size_mb"]]},
            "nics": {"type": "list", "elements": "dict", "default": [], "options": {
                "label": {"type": "str"}, "network": {"type": "str", "required": True}}},
            "customization_spec": {"type": "str"},
            "customization": {"type": "dict", "options": CUSTOMIZATION},
            "power_on": {"type": "bool", "default": False},
            "wait_for_customization": {"type": "bool", "default": False},
            "wait_for_ip": {"type": "bool", "default": False},
            "timeout": {"type": "int", "default": 600},
        },
            "mutually_exclusive": [["template", "template_moid", "library"], ["customization", "customization_spec"],
                                   ["template_folder", "template_moid"], ["template_folder", "library"]],
            "required_together": [["library", "library_item"]],
            "required_by": {"template_folder": "template"},
            "names": dict(PLACEMENT_NAMES, name=ENTITY_NAME_MAX, template=ENTITY_NAME_MAX, template_folder=None, template_moid=None,
                          library=None, library_item=None, snapshot=None, customization_spec=None)},
        transport=("soap", "rest"),
    )
    module.run(main_flow, check=template_plan.check)


CUSTOMIZATION = {
    "linux": {"type": "dict", "options": {
        "hostname": {"type": "str"}, "domain": {"type": "str"}, "time_zone": {"type": "str"},
        "hw_clock_utc": {"type": "bool", "default": True}}},
    "windows": {"type": "dict", "options": {
        "computer_name": {"type": "str"}, "admin_password": {"type": "str", "no_log": True},
        "full_name": {"type": "str"}, "org_name": {"type": "str"}, "product_key": {"type": "str", "no_log": True},
        "time_zone": {"type": "int"}, "workgroup": {"type": "str"}, "domain": {"type": "str"},
        "domain_user": {"type": "str"}, "domain_password": {"type": "str", "no_log": True},
        "run_once": {"type": "list", "elements": "str"}, "auto_logon": {"type": "bool", "default": False}}},
    "cloud_init": {"type": "dict", "options": {"user_data": {"type": "str"}, "meta_data": {"type": "str"}}},
    "dns_servers": {"type": "list", "elements": "str"},
    "dns_suffixes": {"type": "list", "elements": "str"},
    "nics": {"type": "list", "elements": "dict", "options": {
        "ip": {"type": "str", "default": "dhcp"}, "netmask": {"type": "str"}, "gateway": {"type": "str"},
        "dns_domain": {"type": "str"}}},
}


if __name__ == "__main__":
    main()
