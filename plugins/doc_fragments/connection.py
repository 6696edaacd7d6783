# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  hostname:
    description:
      - Name or address of the vCenter Server (or ESXi host).
      - If not set, the value of the E(VMWARE_HOST) environment variable is used.
    type: str
    required: true
  username:
    description:
      - User to log in as.
      - If not set, the value of the E(VMWARE_USER) environment variable is used.
    type: str
    required: true
    aliases: [user, admin]
  password:
    description:
      - Password of O(username). Never logged or returned.
      - If not set, the value of the E(VMWARE_PASSWORD) environment variable is used.
    type: str
    required: true
    aliases: [pass, pwd]
  port:
    description:
      - HTTPS port of the server, from 1 to 65535.
      - If not set, the value of the E(VMWARE_PORT) environment variable is used.
    type: int
    default: 443
  validate_certs:
    description:
      - Verify the server's TLS certificate, against O(ca_path) when given, else the system trust store.
      - The same rule holds for the SOAP and the REST transport; E(REQUESTS_CA_BUNDLE) and proxy variables
        of the environment are not consulted.
      - If not set, the value of the E(VMWARE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA (or CA bundle) that signed the server's certificate.
      - If not set, the value of the E(VMWARE_CA_PATH) environment variable is used.
    type: path
  proxy_host:
    description:
      - HTTP proxy to tunnel the HTTPS connection through (HTTP CONNECT), for both transports.
      - If not set, the value of the E(VMWARE_PROXY_HOST) environment variable is used.
    type: str
  proxy_port:
    description:
      - Port of O(proxy_host).
      - If not set, the value of the E(VMWARE_PROXY_PORT) environment variable is used.
    type: int
  connect_timeout:
    description:
      - Seconds to wait for the server to accept a connection or answer one request; a positive number.
      - Waits for tasks and states have their own timeouts and are not limited by this (a long-poll gets a
        socket timeout of its own, derived from the wait).
      - If not set, the value of the E(VMWARE_CONNECT_TIMEOUT) environment variable is used.
    type: int
    default: 30
notes:
  - Each task opens one session and always logs it out, also when it fails.
requirements:
  - pyVmomi >= 8.0.1.0
  - requests >= 2.28
"""
