# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: vcenter_vms
short_description: Every VM of a vCenter as an Ansible host, read in a few API calls
description:
  - Reads every virtual machine of a vCenter Server (or ESXi host) and adds it to the inventory, with its
    placement (folder path, datacenter, cluster, host, resource pool), power state and guest facts as host
    variables prefixed C(vsphere_).
  - "The whole inventory costs a constant number of vSphere API calls whatever its size: one
    C(RetrievePropertiesEx) (paged with continuation tokens) reads the asked properties of every VM through a
    container view together with the names of every folder, datacenter, cluster, host and resource pool, and
    the placement is resolved locally. With O(properties) holding V(tags), three more calls per tag category
    and tag (not per VM) read the tags over the vSphere Automation API."
  - Group and name hosts with the usual constructed options (O(compose), O(groups), O(keyed_groups),
    O(strict)), keep only some VMs with O(filters), O(include_templates) and O(include_powered_off), and keep
    the result in an inventory cache (O(cache)).
  - The inventory file name must end with C(vcenter_vms.yml) or C(vcenter_vms.yaml).
version_added: 0.1.0
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; makes the file an inventory source for it.
    type: str
    required: true
    choices: [opensphere.vsphere.vcenter_vms]
  hostname:
    env: [{name: VMWARE_HOST}]
  username:
    env: [{name: VMWARE_USER}]
  password:
    env: [{name: VMWARE_PASSWORD}]
  port:
    env: [{name: VMWARE_PORT}]
  validate_certs:
    env: [{name: VMWARE_VALIDATE_CERTS}]
  ca_path:
    env: [{name: VMWARE_CA_PATH}]
  proxy_host:
    env: [{name: VMWARE_PROXY_HOST}]
  proxy_port:
    env: [{name: VMWARE_PROXY_PORT}]
  connect_timeout:
    env: [{name: VMWARE_CONNECT_TIMEOUT}]
  properties:
    description:
      - What to read of each VM. Each entry is either one of the names below, which sets the host variable
        C(vsphere_<name>), or any vSphere property path of a VirtualMachine (for example
        V(config.hardware.numCPU) or V(summary.quickStats.overallCpuUsage)), which sets C(vsphere_<path>) with
        the dots turned into underscores (C(vsphere_config_hardware_numCPU)); data objects become dictionaries
        and managed object references their moid.
      - V(name), V(moid) (the managed object id, such as V(vm-42)), V(uuid) (BIOS UUID), V(instance_uuid),
        V(power_state) (V(powered-on), V(powered-off) or V(suspended)), V(template) (true or false),
        V(guest_ip) and V(guest_hostname) (as VMware Tools reports them), V(guest_id) (such as
        V(ubuntu64Guest)), V(guest_os) (full name), V(folder) (the VM's folder path, such as V(/DC0/vm/web)),
        V(datacenter), V(cluster) (empty on a standalone host), V(host), V(resource_pool), V(tags).
      - V(tags) sets C(vsphere_tags) (a list of C(category:tag) strings; make groups of them with
        O(keyed_groups)) and C(vsphere_tag_categories) (a dictionary from category to its tags' names), read
        over the vSphere Automation API.
      - C(vsphere_name), C(vsphere_moid), C(vsphere_power_state) and C(vsphere_template) are always set.
      - Every extra vSphere path makes the one read larger, not more frequent.
    type: list
    elements: str
    default: [name, moid, uuid, power_state, template, guest_ip, guest_hostname, guest_id, guest_os, folder,
              datacenter, cluster, host, resource_pool]
  hostnames:
    description:
      - How to name each host, in order of preference; the first that is set for the VM wins.
      - V(name) (the VM's name), V(ip) (its guest IP address), V(dns) (its guest host name), V(uuid),
        V(instance_uuid), V(moid).
      - When none is set for a VM (for example V(ip) of a powered-off VM without a fallback), the moid is used.
      - When several VMs end up with the same name (vCenter allows equal VM names in different folders), each of
        them is named C(<name>_<moid>) and a warning lists the names.
    type: list
    elements: str
    default: [name]
  filters:
    description:
      - Jinja2 conditionals on a VM's host variables (those from O(properties), before O(compose)); a VM becomes
        a host only if every one is true, for example V(vsphere_folder.startswith('/DC0/vm/web')).
      - With O(strict), a conditional that fails to evaluate is an error; otherwise the VM is left out.
    type: list
    elements: str
    default: []
  include_templates:
    description: Add VM templates as hosts too.
    type: bool
    default: false
  include_powered_off:
    description: Add powered-off and suspended VMs as hosts too.
    type: bool
    default: true
  page_size:
    description:
      - How many VMs the server returns per page of the one property read; the rest follows with continuation
        tokens. Larger pages mean fewer round trips and larger answers.
    type: int
    default: 1000
notes:
  - One SOAP session (and, with V(tags), one vSphere Automation API session) per inventory run, always logged out.
  - "AWX / Automation Controller: attach the built-in I(VMware vCenter) credential to the inventory source; it
    injects E(VMWARE_HOST), E(VMWARE_USER) and E(VMWARE_PASSWORD), so the source file needs no connection
    options. Add E(VMWARE_CA_PATH) (or O(validate_certs)) for a private CA."
seealso:
  - name: Constructed inventory plugin
    description: The meaning of compose, groups, keyed_groups and strict.
    link: https://docs.ansible.com/ansible/latest/collections/ansible/builtin/constructed_inventory.html
"""

EXAMPLES = r"""
# vcenter.vcenter_vms.yml: every VM, grouped by power state, datacenter, cluster and folder.
# Connection from the environment (VMWARE_HOST, VMWARE_USER, VMWARE_PASSWORD, VMWARE_CA_PATH),
# which is what an AWX inventory source with the VMware vCenter credential provides.
plugin: opensphere.vsphere.vcenter_vms
hostnames: [dns, ip, name]
keyed_groups:
  - key: vsphere_power_state
    prefix: power
  - key: vsphere_datacenter
    prefix: dc
  - key: vsphere_cluster
    prefix: cluster
  - key: vsphere_folder
    prefix: folder
compose:
  ansible_host: vsphere_guest_ip | default(vsphere_name, true)

# prod.vcenter_vms.yml: only running VMs under one folder, with their tags as groups,
# connection options given in the file and an inventory cache of ten minutes.
plugin: opensphere.vsphere.vcenter_vms
hostname: vcenter.example.com
username: inventory@vsphere.local
password: "{{ lookup('ansible.builtin.env', 'VCENTER_PASSWORD') }}"
ca_path: /etc/pki/vcenter-ca.pem
include_powered_off: false
properties: [name, guest_ip, folder, cluster, tags, config.hardware.numCPU, config.hardware.memoryMB]
filters:
  - vsphere_folder.startswith('/DC0/vm/prod')
keyed_groups:
  - key: vsphere_tags
    prefix: tag
groups:
  big: vsphere_config_hardware_memoryMB >= 16384
compose:
  ansible_host: vsphere_guest_ip
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /var/tmp/vcenter-inventory
cache_timeout: 600
"""

import http.client
import os

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.release import __version__ as ANSIBLE_VERSION
from ansible.utils.unsafe_proxy import wrap_var
from ansible_collections.opensphere.vsphere.plugins.module_utils import _rest, _soap
from ansible_collections.opensphere.vsphere.plugins.module_utils import _vm_inventory as vmi
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, VSphereError, describe

# What a vSphere read is expected to raise; anything else is a bug and shows as one.
EXPECTED_ERRORS = (VSphereError, OSError, http.client.HTTPException) + ((_soap.vmodl.MethodFault,) if _soap.HAS_PYVMOMI else ())
# vCenter's strings (VM names, notes, ...) must never be templated. ansible-core 2.19+ does not
# template a plugin's values unless the plugin trusts them; older versions need them marked unsafe.
UNSAFE = wrap_var if tuple(int(part) for part in ANSIBLE_VERSION.split(".")[:2]) < (2, 19) else (lambda value: value)
CONNECTION_OPTIONS = ("hostname", "username", "password", "port", "validate_certs", "ca_path", "proxy_host",
                      "proxy_port", "connect_timeout")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "opensphere.vsphere.vcenter_vms"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("vcenter_vms.yml", "vcenter_vms.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        self.action = "check the options"
        try:
            plan = self._check_options()
            records = self._records(path, cache, plan)
            self._populate(records)
        except EXPECTED_ERRORS as exc:
            raise AnsibleParserError("Failed to %s: %s" % (self.action, describe(exc)))

    def _check_options(self):
        """Everything that can be refused is refused here, before any session opens."""
        if not _soap.HAS_PYVMOMI:
            raise AnsibleError(missing_required_lib("pyVmomi"))
        if self.get_option("page_size") < 1:
            raise InvalidInput("page_size must be a positive number of VMs, not %s" % self.get_option("page_size"))
        if (self.get_option("proxy_host") is None) != (self.get_option("proxy_port") is None):
            raise InvalidInput("proxy_host and proxy_port go together: give both or neither")
        ca_path = self.get_option("ca_path")
        if ca_path and not os.path.isfile(ca_path):
            raise InvalidInput("ca_path %s is not a file: give the PEM file of the CA that signed vCenter's certificate"
                               % ca_path)
        names, raw, paths = vmi.plan_properties(self.get_option("properties"), self.get_option("hostnames"))
        return {"names": names, "raw": raw, "paths": paths}

    def _records(self, path, cache, plan):
        """The VM records, from the inventory cache when it may and can be used."""
        use_cache = self.get_option("cache")
        key = self.get_cache_key(path)
        if use_cache and cache:
            try:
                return self._cache[key]
            except KeyError:
                pass  # nothing cached yet (or expired): read and store
        records = self._read(plan)
        if use_cache:
            self._cache[key] = records
        return records

    def _read(self, plan):
        params = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        session = _soap.SoapSession(params)
        self.action = "connect to vCenter %s as %s" % (session.target, params["username"])
        with session:
            self.action = "read the VMs of %s" % session.target
            inventory, rows = vmi.read_all(session, plan["paths"], self.get_option("page_size"))
        records = [vmi.record(inventory, moid, values, plan["names"], plan["raw"]) for moid, values in rows]
        if "tags" in plan["names"]:
            self._add_tags(params, records)
        return records

    def _add_tags(self, params, records):
        if not _rest.HAS_REQUESTS:
            raise AnsibleError(missing_required_lib("requests"))
        session = _rest.RestSession(params)
        self.action = "log in to the vSphere Automation API at %s as %s" % (session.base, params["username"])
        with session:
            self.action = "read the tags of the VMs at %s" % session.base
            attached = vmi.read_tags(session)
        vmi.set_tags(records, attached)

    def _populate(self, records):
        strict = self.get_option("strict")
        kept = [rec for rec in records if vmi.included(rec, self.get_option("include_templates"),
                                                       self.get_option("include_powered_off"))]
        kept = [rec for rec in kept if self._passes(rec, strict)]
        named, duplicates = vmi.assign_hostnames(kept, self.get_option("hostnames"))
        if duplicates:
            self.display.warning("several VMs share the host name(s) %s; each is named <name>_<moid>"
                                 % ", ".join(duplicates))
        compose, groups, keyed = self.get_option("compose"), self.get_option("groups"), self.get_option("keyed_groups")
        for host, rec in named:
            self.inventory.add_host(host)
            for var, value in rec.items():
                self.inventory.set_variable(host, var, UNSAFE(value))
            if compose:
                self._set_composite_vars(compose, rec, host, strict=strict)
            if groups or keyed:
                hostvars = self.inventory.get_host(host).get_vars()
                self._add_host_to_composed_groups(groups, hostvars, host, strict=strict, fetch_hostvars=False)
                self._add_host_to_keyed_groups(keyed, hostvars, host, strict=strict, fetch_hostvars=False)

    def _passes(self, rec, strict):
        for condition in self.get_option("filters"):
            try:
                if not self._compose(condition, rec):
                    return False
            except AnsibleError as exc:  # a template that does not evaluate; strict decides, as constructed does
                if strict:
                    raise AnsibleParserError("Could not evaluate filter %r for VM %s: %s"
                                             % (condition, rec.get("vsphere_name"), exc))
                return False
        return True
