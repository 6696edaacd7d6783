#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vcenter_service_info
short_description: List the services of vCenter Server with their state, startup type and health
version_added: 0.1.0
description:
  - Reads every service of vCenter Server (C(com.vmware.vcenter.services)), or the named ones, in one request.
  - Works with vCenter 7.0 and later (C(/api)) and with vCenter 6.7 (C(/rest)).
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - opensphere.vsphere.attributes
  - opensphere.vsphere.attributes.ACTIONGROUP_VMWARE
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: N/A
    details: The module changes nothing.
  idempotent:
    support: full
options:
  names:
    description:
      - Identifiers of the services to report (for example V(vpxd)). All services when omitted.
      - An unknown name fails the task, naming the closest known services.
    type: list
    elements: str
    aliases: [name]
seealso:
  - module: opensphere.vsphere.vcenter_service
"""

EXAMPLES = r"""
- name: Read every service
  opensphere.vsphere.vcenter_service_info:
    hostname: "{{ vcenter_hostname }}"
    username: "{{ vcenter_username }}"
    password: "{{ vcenter_password }}"
  register: all_services

- name: Show the automatic services that do not run
  ansible.builtin.debug:
    msg: "{{ all_services.services | selectattr('startup_type', '==', 'automatic')
             | rejectattr('state', '==', 'started') | map(attribute='name') }}"

- name: Read two services
  opensphere.vsphere.vcenter_service_info:
    names: [vpxd, vsphere-ui]
  register: core
"""

RETURN = r"""
services:
  description: The services, sorted by name (in the order of O(names) when given).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Identifier of the service.
      type: str
      sample: vpxd
    name_key:
      description: Key of the service's display name in vCenter's resource bundle.
      type: str
      sample: cis.vpxd.ServiceName
    description_key:
      description: Key of the service's description in vCenter's resource bundle.
      type: str
    state:
      description: Run state, V(started), V(stopped), V(starting) or V(stopping).
      type: str
      sample: started
    startup_type:
      description: Startup type, V(automatic), V(manual) or V(disabled).
      type: str
      sample: automatic
    health:
      description: V(healthy), V(healthy_with_warnings) or V(degraded); null unless the service is started.
      type: str
      sample: healthy
    health_messages:
      description: What vCenter says about the service's health.
      type: list
      elements: str
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._services import list_services, unknown


def select(services, names):
    """The requested services (all, sorted, when ``names`` is empty); NotFound for an unknown name."""
    if not names:
        return [services[name] for name in sorted(services)]
    for name in names:
        if name not in services:
            raise unknown(name, services)
    return [services[name] for name in dict.fromkeys(names)]


def main_flow(module):
    with module.rest() as api:
        with module.doing("list the services of vCenter"):
            services = list_services(api)
        with module.doing("select the services %s" % ", ".join(module.params["names"] or [])):
            selected = select(services, module.params["names"])
    module.exit_read(services=selected)


def main():
    module = VSphereModule(
        {"argument_spec": {"names": {"type": "list", "elements": "str", "aliases": ["name"]}}, "names": {"names": None}},
        transport="rest",
    )
    module.run(main_flow)


if __name__ == "__main__":
    main()
