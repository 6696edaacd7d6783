# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_template_deploy's placement defaults: the template's datacenter and its host's root resource pool,
from the reads already made (the session is faked at the property collector)."""

from __future__ import annotations

import pytest

from pyVmomi import vim

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import source
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._placement import resolve
from ansible_collections.opensphere.vsphere.plugins.modules import vm_template_deploy as mod
from ansible_collections.opensphere.vsphere.tests.unit.plugins.fakes import FakeSession
from ansible_collections.opensphere.vsphere.tests.unit.plugins.module_utils.test_placement import DC1_MOIDS, ROOT, inventory

PLACEMENT = ("datacenter", "folder", "cluster", "host", "resource_pool", "datastore")


def params(**kw):
    p = dict.fromkeys(PLACEMENT)
    p.update(kw)
    return p


@pytest.mark.parametrize("kw, named", [({}, False)] + [({option: "x"}, True) for option in PLACEMENT])
def test_any_placement_option_names_the_datacenter(kw, named):
    assert mod.names_a_datacenter(params(**kw)) is named


def template(host):
    return {"name": "tmpl", "host": host}


@pytest.mark.parametrize("host, pool", [("host-1", "resgroup-c0"), ("host-s", "resgroup-s")])
def test_the_pool_defaults_to_the_root_pool_of_the_templates_host(host, pool):
    fake = FakeSession(inventory(), root=ROOT)
    place = resolve(fake, datacenter="DC0", only_datacenter=True)
    mod.default_pool(place, template(host))
    assert place.resource_pool._moId == pool and place.names["resource_pool"] == "Resources"
    assert place.host is None and fake.round_trips == 1   # nothing read beyond the placement's own read


def test_a_pool_asked_for_is_kept():
    place = resolve(FakeSession(inventory(), root=ROOT), resource_pool="web")
    mod.default_pool(place, template("host-s"))
    assert place.resource_pool._moId == "resgroup-w"


@pytest.mark.parametrize("host, message", [
    (None, "template tmpl is registered on no host, so there is no resource pool to default to: give cluster, host or resource_pool"),
    ("host-9", "the host of template tmpl is not in datacenter 'DC0'"),
])
def test_no_pool_to_default_to_is_refused_before_any_clone(host, message):
    fake = FakeSession(inventory(), root=ROOT)
    place = resolve(fake, datacenter="DC0")
    with pytest.raises(InvalidInput) as err:
        mod.default_pool(place, template(host))
    assert message in err.value.message and place.resource_pool is None
    assert [m for _moid, m, _kw in fake.calls] == []


def test_several_datacenters_and_no_option_naming_one_is_refused_naming_them():
    place = resolve(FakeSession(inventory(), root=ROOT), only_datacenter=True)
    assert place.folder is None
    assert mod.no_folder(place, None).message == \
        "the vCenter has 2 datacenters (DC0, DC1) and no option says which: give datacenter or folder"


def test_the_only_datacenter_is_the_default():
    place = resolve(FakeSession([row for row in inventory() if row[0]._moId not in DC1_MOIDS], root=ROOT), only_datacenter=True)
    assert place.folder._moId == "group-v0" and place.names["folder"] == "/DC0/vm"


def test_the_template_read_gives_its_host_and_datacenter_in_one_call():
    ref = vim.VirtualMachine("vm-9")
    fake = FakeSession([(ref, {"name": "tmpl", "config.template": True, "runtime.host": vim.HostSystem("host-s")}),
                        (vim.Datacenter("datacenter-0"), {"name": "DC0"})], root=ROOT)
    read = source.read_template_values(fake, ref)
    assert read[1] == ("DC0", "datacenter-0") and fake.round_trips == 1
    facts = source.read_template(fake, ref, {}, read=read)
    assert (facts["host"], facts["datacenter"]) == ("host-s", {"name": "DC0", "moid": "datacenter-0"})
    assert fake.round_trips == 1   # the facts come from what was read
