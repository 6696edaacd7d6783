#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ovf_info
short_description: Read an OVF or OVA package and say what deploying it needs, optionally validated by vCenter
version_added: 0.1.0
description:
  - Reads the descriptor of a local C(.ovf)/C(.ova) or of an http(s) URL to either (an OVA from a URL is read
    only up to its descriptor) and returns its networks, properties, deployment options, disks and EULAs,
    what M(opensphere.vsphere.ovf_deploy) takes as O(opensphere.vsphere.ovf_deploy#module:networks),
    O(opensphere.vsphere.ovf_deploy#module:properties) and O(opensphere.vsphere.ovf_deploy#module:deployment_option).
  - With O(datastore) and one of O(cluster), O(host), O(resource_pool), it also asks vCenter to validate an import
    spec for that placement (with the O(networks), O(properties) and O(deployment_option) given) and returns
    vCenter's errors and warnings in RV(validation) instead of failing. Nothing is changed either way.
  - Without a placement no vCenter session is opened.
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - opensphere.vsphere.attributes
  - opensphere.vsphere.attributes.ACTIONGROUP_VMWARE
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode returns the same.
  diff_mode:
    support: none
  idempotent:
    support: full
options:
  ovf:
    description: Path of a local C(.ovf), C(.ova) or a directory holding one C(.ovf); exactly one of O(ovf) and O(url).
    type: path
    aliases: [ova, ovf_path]
  url:
    description: http or https URL of an C(.ovf) or C(.ova).
    type: str
  url_validate_certs:
    description: Verify the certificate of an https O(url).
    type: bool
    default: true
  url_ca_path:
    description: CA bundle to verify an https O(url) with.
    type: path
  datacenter:
    description: Datacenter of the placement to validate for.
    type: str
  cluster:
    description: Cluster of the placement to validate for.
    type: str
  host:
    description: Host of the placement to validate for.
    type: str
  resource_pool:
    description: Resource pool of the placement to validate for.
    type: str
  datastore:
    description: Datastore of the placement to validate for; giving it asks vCenter to validate.
    type: str
  name:
    description: VM name used in the validated import spec.
    type: str
    default: ovf-info-validation
  networks:
    description: OVF network name to port group name, for the validation.
    type: dict
    default: {}
  properties:
    description: OVF property values, for the validation (checked against the descriptor first).
    type: dict
    default: {}
  deployment_option:
    description: Deployment option, for the validation.
    type: str
seealso:
  - module: opensphere.vsphere.ovf_deploy
"""

EXAMPLES = r"""
# tests/integration/targets/setup_ovf/files/make_ovf.py writes the package into ovf_dir.
- name: What does the appliance need?
  opensphere.vsphere.ovf_info:
    ovf: "{{ ovf_dir }}/appliance.ova"
  register: appliance

- name: Show its properties
  ansible.builtin.debug:
    msg: "{{ appliance.properties | map(attribute='key') | list }}"

- name: Ask vCenter whether this placement and these settings would deploy
  opensphere.vsphere.ovf_info:
    hostname: "{{ vcenter_hostname }}"
    username: "{{ vcenter_username }}"
    password: "{{ vcenter_password }}"
    ca_path: "{{ vcenter_ca_path }}"
    ovf: "{{ ovf_dir }}/appliance.ova"
    datacenter: DC0
    cluster: DC0_C0
    datastore: LocalDS_0
    networks: {frontend: VM Network}
    properties: {port: 9443}
  register: checked
"""

RETURN = r"""
name:
  description: The VirtualSystem's name.
  returned: always
  type: str
annotation:
  description: The descriptor's annotation.
  returned: always
  type: str
networks:
  description: The OVF networks (C(name), C(description)).
  returned: always
  type: list
  elements: dict
properties:
  description: >-
    The properties (C(key) as ovf_deploy takes it, C(id), C(class_id), C(instance_id), C(category), C(type),
    C(qualifiers), C(default), C(user_configurable), C(password), C(label), C(description)).
  returned: always
  type: list
  elements: dict
deployment_options:
  description: The deployment options (C(id), C(label), C(description), C(default)).
  returned: always
  type: list
  elements: dict
default_deployment_option:
  description: The option vCenter uses when none is given.
  returned: always
  type: str
disks:
  description: The disks (C(id), C(file), C(capacity) in bytes, C(populated_size), C(format)).
  returned: always
  type: list
  elements: dict
files:
  description: The referenced files (C(id), C(href), C(size)).
  returned: always
  type: list
  elements: dict
eulas:
  description: The license texts.
  returned: always
  type: list
  elements: str
validation:
  description: vCenter's verdict on an import spec for the placement (C(errors), C(warnings), lists of texts).
  returned: when O(datastore) is given
  type: dict
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import ovf_descriptor
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.ovf_import import resolve_networks, spec_result
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.ovf_source import open_source
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._limits import ENTITY_NAME_MAX, PLACEMENT_NAMES
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._placement import resolve

ARGS = {
    "argument_spec": {
        "ovf": {"type": "path", "aliases": ["ova", "ovf_path"]},
        "url": {"type": "str"},
        "url_validate_certs": {"type": "bool", "default": True},
        "url_ca_path": {"type": "path"},
        "datacenter": {"type": "str"},
        "cluster": {"type": "str"},
        "host": {"type": "str"},
        "resource_pool": {"type": "str"},
        "datastore": {"type": "str"},
        "name": {"type": "str", "default": "ovf-info-validation"},
        "networks": {"type": "dict", "default": {}},
        "properties": {"type": "dict", "default": {}},
        "deployment_option": {"type": "str"},
    },
    "mutually_exclusive": [["ovf", "url"], ["cluster", "resource_pool"]],
    "required_one_of": [["ovf", "url"]],
}


def check(params):
    if params["datastore"] and not (params["cluster"] or params["host"] or params["resource_pool"]):
        raise InvalidInput("validating for a placement needs cluster, host or resource_pool besides datastore")


def main_flow(module):
    p = module.params
    with module.doing("read the OVF package %s" % (p["url"] or p["ovf"])):
        source = open_source(p)
    try:
        with module.doing("parse the OVF descriptor of %s" % (p["url"] or p["ovf"])):
            desc = ovf_descriptor.parse(source.descriptor)
            source.check_files(desc)
        result = dict(desc, default_deployment_option=ovf_descriptor.default_option(desc))
        if p["datastore"]:
            with module.doing("check the networks, properties and deployment option against the descriptor"):
                values = ovf_descriptor.check_request(desc, p["networks"], p["properties"], p["deployment_option"])
            with module.soap() as si:
                with module.doing("resolve the placement"):
                    where = resolve(si, datacenter=p["datacenter"], cluster=p["cluster"], host=p["host"],
                                    resource_pool=p["resource_pool"], datastore=p["datastore"])
                with module.doing("have vCenter validate an import spec"):
                    nets = resolve_networks(si, where.datacenter, p["networks"].values())
                    _spec, errors, warnings = spec_result(si, source.descriptor, where, p["name"], values, nets,
                                                          p["networks"], p["deployment_option"], "thin")
            result["validation"] = {"errors": errors, "warnings": warnings}
    finally:
        source.close()
    module.exit_read(**result)


def main():
    module = VSphereModule(ARGS, {"names": dict(PLACEMENT_NAMES, name=ENTITY_NAME_MAX, ovf=None, url=None)})
    module.run(main_flow, check=check)


if __name__ == "__main__":
    main()
