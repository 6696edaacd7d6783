# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plugin's population step on records, with Ansible's real inventory and templar."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar
from ansible.utils.display import Display

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19: every template from the inventory file is trusted anyway
    def trust_as_template(value):
        return value


def trusted(value):
    """Templates as they come from an inventory file (which ansible-core trusts)."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, dict):
        return dict((key, trusted(item)) for key, item in value.items())
    if isinstance(value, list):
        return [trusted(item) for item in value]
    return value


def rec(name, moid, **extra):
    out = {"vsphere_name": name, "vsphere_moid": moid, "vsphere_power_state": "powered-on", "vsphere_template": False,
           "vsphere_folder": "/DC0/vm", "vsphere_guest_ip": None}
    out.update(("vsphere_" + key, value) for key, value in extra.items())
    return out


RECORDS = [
    rec("web1", "vm-1", guest_ip="10.0.0.5", folder="/DC0/vm/web"),
    rec("web2", "vm-2", folder="/DC0/vm/web", power_state="powered-off"),
    rec("db1", "vm-3"),
    rec("tpl", "vm-4", template=True, power_state="powered-off"),
]


def populate(records=None, **options):
    plugin = inventory_loader.get("opensphere.vsphere.vcenter_vms")
    defaults = {"plugin": "opensphere.vsphere.vcenter_vms", "hostname": "vc", "username": "u", "password": "p",
                "hostnames": ["name"], "filters": [], "include_templates": False,
                "include_powered_off": True, "compose": {}, "groups": {}, "keyed_groups": [], "strict": False,
                "use_extra_vars": False, "leading_separator": True}
    defaults.update(trusted(options))
    plugin.set_options(direct=defaults)
    plugin.inventory = InventoryData()
    plugin.templar = Templar(loader=DataLoader())
    plugin._populate(RECORDS if records is None else records)
    return plugin.inventory


def names(inventory, group=None):
    if group is None:
        return sorted(inventory.hosts)
    return sorted(host.name for host in inventory.groups[group].hosts)


@pytest.mark.parametrize("options, hosts", [
    ({}, ["db1", "web1", "web2"]),
    ({"include_templates": True}, ["db1", "tpl", "web1", "web2"]),
    ({"include_powered_off": False}, ["db1", "web1"]),
    ({"filters": ["vsphere_folder.startswith('/DC0/vm/web')"]}, ["web1", "web2"]),
    ({"filters": ["vsphere_folder.startswith('/DC0/vm/web')", "vsphere_power_state == 'powered-on'"]}, ["web1"]),
    ({"filters": ["no_such_var == 1"]}, []),  # not evaluable and not strict: left out
    ({"hostnames": ["ip", "name"]}, ["10.0.0.5", "db1", "web2"]),
])
def test_which_vms_become_hosts(options, hosts):
    assert names(populate(**options)) == hosts


def test_a_filter_that_does_not_evaluate_fails_with_strict():
    with pytest.raises(AnsibleParserError, match="Could not evaluate filter 'no_such_var == 1' for VM web1"):
        populate(filters=["no_such_var == 1"], strict=True)


def test_compose_groups_and_keyed_groups():
    inventory = populate(
        compose={"ansible_host": "vsphere_guest_ip | default(vsphere_name, true)"},
        groups={"web": "vsphere_folder == '/DC0/vm/web'"},
        keyed_groups=[{"key": "vsphere_power_state", "prefix": "power"}],
    )
    assert names(inventory, "web") == ["web1", "web2"]
    assert names(inventory, "power_powered_off") == ["web2"]
    assert names(inventory, "power_powered_on") == ["db1", "web1"]
    assert inventory.get_host("web1").vars["ansible_host"] == "10.0.0.5"
    assert inventory.get_host("db1").vars["ansible_host"] == "db1"
    assert inventory.get_host("db1").vars["vsphere_moid"] == "vm-3"


def test_equal_names_become_unique_with_a_warning(monkeypatch):
    warnings = []
    monkeypatch.setattr(Display, "warning", lambda self, msg, *args, **kwargs: warnings.append(msg))
    inventory = populate(records=[rec("web", "vm-1"), rec("web", "vm-2")])
    assert names(inventory) == ["web_vm-1", "web_vm-2"]
    assert warnings and "web" in warnings[0]
