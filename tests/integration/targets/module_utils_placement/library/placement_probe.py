#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A test-only module: the frame's _placement.resolve() against the lab, through VSphereModule."""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._placement import KINDS, resolve


def main_flow(module):
    asked = {kind: module.params[kind] for kind in KINDS}
    with module.soap() as session:
        with module.doing("resolve the placement %s" % ", ".join("%s=%s" % kv for kv in sorted(asked.items()) if kv[1])):
            placement = resolve(session, **asked)
    module.exit_json(changed=False, placement=placement.as_dict(), names=placement.names)


def main():
    module = VSphereModule({"argument_spec": {kind: {"type": "str"} for kind in KINDS}})
    module.run(main_flow)


if __name__ == "__main__":
    main()
