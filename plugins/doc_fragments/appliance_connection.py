# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection to a vCenter Server Appliance's own deployment API (not to a vCenter).
    DOCUMENTATION = r"""
options:
  appliance_hostname:
    description:
      - Address of the appliance (its FQDN or IP address as given in stage 1).
      - If not set, the environment variable E(APPLIANCE_HOST) is used.
      - Deliberately not O(ignore:hostname), and never filled from C(VMWARE_HOST) or from the C(group/opensphere.vsphere.vmware)
        module defaults - those name a vCenter and its SSO account, which do not exist before stage 2.
    type: str
    required: true
  appliance_username:
    description:
      - The appliance's own administrator account.
      - If not set, the environment variable E(APPLIANCE_USER) is used.
    type: str
    default: root
  appliance_password:
    description:
      - Password of O(appliance_username), as set in stage 1.
      - If not set, the environment variable E(APPLIANCE_PASSWORD) is used.
    type: str
    required: true
  appliance_port:
    description:
      - Port of the appliance management interface that serves the deployment API.
      - If not set, the environment variable E(APPLIANCE_PORT) is used.
    type: int
    default: 5480
  validate_certs:
    description:
      - Verify the appliance's certificate against O(ca_path) or the system trust store.
      - A new appliance's certificate is self-signed; pin it with O(ssl_thumbprint) rather than turn this off.
      - Ignored when O(ssl_thumbprint) is set (the pin is the check).
      - If not set, the environment variable E(APPLIANCE_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - File of CA certificates that signed the appliance's certificate.
      - If not set, the environment variable E(APPLIANCE_CA_PATH) is used (never E(VMWARE_CA_PATH)).
    type: path
  ssl_thumbprint:
    description:
      - Fingerprint of the appliance's certificate, SHA-1 or SHA-256, in colon hex (as the vSphere Client and
        C(openssl x509 -fingerprint) print it). When set, exactly that certificate is accepted.
      - If not set, the environment variable E(APPLIANCE_THUMBPRINT) is used.
    type: str
  api_style:
    description:
      - V(auto) uses C(/api) and falls back to C(/rest) when the appliance does not offer it (6.7).
      - V(api) or V(rest) use one style only.
    type: str
    choices: [auto, api, rest]
    default: auto
  connect_timeout:
    description: Seconds to wait for each request's connection and answer.
    type: int
    default: 30
notes:
  - These modules talk to the appliance, not to a vCenter, so they are not members of the
    C(opensphere.vsphere.vmware) action group whose C(module_defaults) carry vCenter credentials
    (every option of a group's defaults is handed to every module of the group, and these modules would
    either refuse or misuse them). They form the C(opensphere.vsphere.appliance) group instead; set
    C(module_defaults) for C(group/opensphere.vsphere.appliance) to give the appliance's connection once.
"""

    ACTIONGROUP_APPLIANCE = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/opensphere.vsphere.appliance) in C(module_defaults) to set the appliance's connection options once.
    support: full
    membership:
      - opensphere.vsphere.appliance
"""
