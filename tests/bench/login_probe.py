"""Time one login + logout with the collection's own SoapSession, in process.

    login_probe.py < {"hostname": ..., "port": ..., "username": ..., "password": ..., "ca_path": ...}

Prints {"ok": true, "connect_s": ..., "close_s": ...}. Run under the bench's PYTHONPATH so
the collection imports as ansible_collections.opensphere.vsphere.
"""

import json
import sys
import time

from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import SoapSession


def main():
    params = dict({"validate_certs": True, "proxy_host": None, "proxy_port": None, "connect_timeout": 30},
                  **json.load(sys.stdin))
    session = SoapSession(params)
    began = time.perf_counter()
    session.connect()
    connected = time.perf_counter()
    session.close()
    closed = time.perf_counter()
    print(json.dumps({"ok": True, "connect_s": connected - began, "close_s": closed - connected}))


if __name__ == "__main__":
    main()
