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
    only up to its descriptor), or vCenter's summary of an OVF template in a content library, and returns its
    networks, properties, deployment options, disks and EULAs,
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
  - opensphere.vsphere.placement
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
    description: Path of a local C(.ovf), C(.ova) or a directory holding one C(.ovf); exactly one of O(ovf), O(url) and O(library).
    type: path
    aliases: [ova, ovf_path]
  url:
    description: http or https URL of an C(.ovf) or C(.ova).
    type: str
  library:
    description:
      - Content library holding the OVF template O(library_item) (its name, or its id when no library has that name).
      - vCenter summarises an item for a placement (C(com.vmware.vcenter.ovf.library_item) C(filter)), so one of
        O(cluster), O(host), O(resource_pool) is needed. The API gives no disk list (RV(disks) and RV(files) are
        empty; RV(sizes) has vCenter's size estimates), only the user-configurable properties, and a property's
        type as vCenter spells it (a password property is V(password)).
      - With O(datastore), RV(validation) holds the checks of O(networks), O(properties) and O(deployment_option)
        against vCenter's summary (a failing one fails the task) and the warnings vCenter gives for OVF networks
        left unmapped (vCenter has no read-only validation of a library deploy).
    type: str
  library_item:
    description: The OVF template item of O(library) (its name, or its id when no item has that name).
    type: str
  url_validate_certs:
    description: Verify the certificate of an https O(url).
    type: bool
    default: true
  url_ca_path:
    description: CA bundle to verify an https O(url) with.
    type: path
  datastore:
    description: >-
      Datastore (or datastore cluster: Storage DRS picks one of its datastores) of the placement to validate for;
      giving it asks vCenter to validate.
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
sizes:
  description: vCenter's size estimates for a library item (C(approximate_download_size), C(approximate_flat_deployment_size), ...).
  returned: when O(library) is given
  type: dict
library_item_id:
  description: The library item's id.
  returned: when O(library) is given
  type: str
validation:
  description: vCenter's verdict on an import spec for the placement (C(errors), C(warnings), lists of texts).
  returned: when O(datastore) is given
  type: dict
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import ovf_descriptor, ovf_library, storage_pod
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
        "library": {"type": "str"},
        "library_item": {"type": "str"},
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
    "mutually_exclusive": [["ovf", "url", "library"], ["cluster", "resource_pool"]],
    "required_one_of": [["ovf", "url", "library"]],
    "required_together": [["library", "library_item"]],
}


def check(params):
    if params["library"] and not (params["cluster"] or params["host"] or params["resource_pool"]):
        raise InvalidInput("reading a library item needs cluster, host or resource_pool: vCenter summarises it for a placement")
    if params["datastore"] and not (params["cluster"] or params["host"] or params["resource_pool"]):
        raise InvalidInput("validating for a placement needs cluster, host or resource_pool besides datastore")


def library_flow(module):
    """An OVF template of a content library: vCenter's summary of it for the placement (its filter)."""
    p = module.params
    with module.soap() as si:
        with module.doing("resolve the placement"):
            where = resolve(si, datacenter=p["datacenter"], cluster=p["cluster"], host=p["host"],
                            resource_pool=p["resource_pool"], datastore=p["datastore"], storage_pods=True)
        with module.rest() as rest:
            with module.doing("read OVF template %s/%s" % (p["library"], p["library_item"])):
                item_id = ovf_library.find_item(rest, p["library"], p["library_item"])
                desc = ovf_library.describe(ovf_library.summary(rest, item_id, where))
        result = dict(desc, default_deployment_option=ovf_descriptor.default_option(desc), library_item_id=item_id)
        if p["datastore"]:
            with module.doing("check the networks, properties and deployment option against the item"):
                ovf_descriptor.check_request(desc, p["networks"], p["properties"], p["deployment_option"])
                resolve_networks(si, where.datacenter, p["networks"].values())  # every port group named exists
            result["validation"] = {"errors": [], "warnings": ovf_library.predicted_warnings(desc, p["networks"])}
    module.exit_read(**result)


def main_flow(module):
    p = module.params
    if p["library"]:
        library_flow(module)
        return
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
                                    resource_pool=p["resource_pool"], datastore=p["datastore"], storage_pods=True)
                if storage_pod.is_pod(where.datastore):
                    with module.doing("have Storage DRS pick a datastore of datastore cluster '%s'" % p["datastore"]):
                        where.datastore = storage_pod.pick_datastore(si, where.datastore, p["datastore"], where.resource_pool,
                                                                     where.folder, p["name"])
                with module.doing("have vCenter validate an import spec"):
                    nets = resolve_networks(si, where.datacenter, p["networks"].values())
                    _spec, errors, warnings = spec_result(si, source.descriptor, where, p["name"], values, nets,
                                                          p["networks"], p["deployment_option"], "thin")
            result["validation"] = {"errors": errors, "warnings": warnings}
    finally:
        source.close()
    module.exit_read(**result)


def main():
    module = VSphereModule(ARGS, {"names": dict(PLACEMENT_NAMES, name=ENTITY_NAME_MAX, ovf=None, url=None)}, transport=("soap", "rest"))
    module.run(main_flow, check=check)


if __name__ == "__main__":
    main()
