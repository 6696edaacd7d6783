#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: appliance_install_info
short_description: Read the deployment state of a vCenter Server Appliance (stage 2)
version_added: 0.1.0
description:
  - Reports where stage 2 of a vCenter Server Appliance stands - its deployment state, progress, the
    install's subtasks with their status, the questions it waits on, its errors and warnings, and the spec
    it uses (without secrets) - from the appliance's deployment API (C(com.vmware.vcenter.deployment)).
  - Connects to the appliance with its own root account, like M(opensphere.vsphere.appliance_install);
    never changes anything.
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.appliance_connection
  - opensphere.vsphere.attributes
  - opensphere.vsphere.appliance_connection.ACTIONGROUP_APPLIANCE
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: N/A
    details: The module changes nothing.
  idempotent:
    support: full
options: {}
seealso:
  - module: opensphere.vsphere.appliance_install
"""

EXAMPLES = r"""
- name: Where does stage 2 stand?
  opensphere.vsphere.appliance_install_info:
    appliance_hostname: "{{ appliance_hostname }}"
    appliance_password: "{{ appliance_root_password }}"
    ssl_thumbprint: "{{ appliance_thumbprint }}"
  register: stage2

- name: Show the questions the install waits on
  ansible.builtin.debug:
    msg: "{{ stage2.appliance.questions | map(attribute='text') | list }}"
  when: stage2.appliance.state == 'QUESTION_RAISED'
"""

RETURN = r"""
appliance:
  description: The appliance's deployment state.
  returned: always
  type: dict
  contains:
    state:
      description: C(NOT_INITIALIZED), C(INITIALIZED), C(CONFIG_IN_PROGRESS), C(QUESTION_RAISED), C(CONFIGURED) or C(FAILED).
      type: str
      sample: CONFIG_IN_PROGRESS
    progress:
      description: C(percent) done and the appliance's C(message).
      type: dict
      sample: {"percent": 40, "message": "Configuring the Single Sign-On domain"}
    subtasks:
      description: The install's subtasks in the appliance's order, each with C(id), C(description), C(status), C(percent), C(errors).
      type: list
      elements: dict
    failed_subtask:
      description: Id of the subtask that failed, if any.
      type: str
    questions:
      description: The questions pending (state C(QUESTION_RAISED)), each with C(id), C(text), C(type), C(default), C(possible).
      type: list
      elements: dict
    errors:
      description: The appliance's error messages.
      type: list
      elements: str
    warnings:
      description: The appliance's warnings.
      type: list
      elements: str
    spec:
      description: The spec in use (secret-free summary), once an install started and when the appliance shows it.
      type: dict
    start_time:
      description: When the install started (ISO 8601), if it did.
      type: str
    end_time:
      description: When it ended, if it did.
      type: str
    api_style:
      description: C(api) or C(rest).
      type: str
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.connect import connection
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.install import Deployment
from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.options import APPLIANCE_CONNECTION
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule


def run(module):
    with connection(module) as client:
        deployment = Deployment(client, module.params, client.deadline)
        with module.doing("read the deployment state of the appliance %s" % client.base):
            facts = dict(deployment.read_info())
            facts["questions"] = deployment.pending_questions()
            facts["spec"] = deployment.spec_in_use()
        facts["api_style"] = client.style
        module.exit_json(changed=False, appliance=facts)


def main():
    module = VSphereModule(connection=APPLIANCE_CONNECTION, transport="rest")
    module.run(run)


if __name__ == "__main__":
    main()
