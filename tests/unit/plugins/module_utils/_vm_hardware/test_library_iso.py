# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A content library ISO item as a CD-ROM drive's ISO file (library_iso.py), with the REST session and
the datastore read faked at the boundary."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy import source
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware import library_iso
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.cdroms import check_cdrom_options, isos_to_check
from ansible_collections.opensphere.vsphere.tests.unit.plugins.fakes import FakeRest

pytest.importorskip("pyVmomi")

URL = "ds:///vmfs/volumes/5f1e-aa/"
SESSION = NS(ref=lambda kind, moid: NS(_moId=moid))
URI = URL + "contentlib-lib1/item1/tools_0653e3f3.iso"


def storage(name="tools.iso", uri=URI, cached=True, ds="datastore-11"):
    return {"name": name, "cached": cached, "size": 4096 if cached else 0, "version": "1",
            "storage_backing": {"type": "DATASTORE", "datastore_id": ds}, "storage_uris": [uri]}


def rest(files, style="api", items=("item1",), typed=None):
    """A library 'isos' with item 'tools' (id item1) of type iso holding ``files``."""
    def item_find(body):
        spec = body if "spec" not in (body or {}) else body["spec"]
        if spec.get("name") != "tools":
            return []
        if spec.get("type") in (None, typed or "iso"):
            return list(items)
        return []
    routes = {("POST", "/content/library"): lambda body: ["lib1"] if body["name"] == "isos" else [],
              ("POST", "/content/library/item"): item_find,
              ("GET", "/content/library/item/item1/storage"): files}
    return FakeRest(routes, style=style)


@pytest.fixture
def datastores(monkeypatch):
    reads = []

    def read(session, objects, paths, what="object"):
        reads.append(([o._moId for o in objects], list(paths)))
        return [{"name": "ds1", "summary.url": URL} for _o in objects]
    monkeypatch.setattr(library_iso, "read", read)
    return reads


def test_the_item_resolves_to_its_file_under_the_datastore_url(datastores):
    api = rest([storage("readme.txt", URL + "contentlib-lib1/item1/readme_1.txt"), storage()])
    paths = library_iso.resolve(api, SESSION, [("isos", "tools")])
    assert paths == {("isos", "tools"): "[ds1] contentlib-lib1/item1/tools_0653e3f3.iso"}
    # two finds, one storage read, one datastore read; nothing changed
    assert api.requests == [("POST", "/content/library"), ("POST", "/content/library/item"),
                            ("GET", "/content/library/item/item1/storage")]
    assert datastores == [(["datastore-11"], ["name", "summary.url"])]


def test_a_6_7_server_is_asked_in_the_rest_form(datastores, monkeypatch):
    api = rest([storage()], style="rest")
    seen = []
    original = api.request

    def request(method, path, rest=None, body=None, rest_body=None, params=None, **kwargs):
        seen.append((method, path, rest, params))
        return original(method, path, rest=rest, body=body, rest_body=rest_body, params=params, **kwargs)
    monkeypatch.setattr(api, "request", request)
    library_iso.resolve(api, SESSION, [("isos", "tools")])
    assert seen[-1] == ("GET", "/content/library/item/item1/storage", "/com/vmware/content/library/item/storage",
                        {"library_item_id": "item1"})


@pytest.mark.parametrize("files, text, fault", [
    ([storage("readme.txt")], "holds no .iso file (its files: readme.txt)", "NoIsoFile"),
    ([], "holds no .iso file (its files: none)", "NoIsoFile"),
    ([storage("a.iso"), storage("b.iso")], "holds 2 .iso files (a.iso, b.iso)", "Ambiguous"),
    ([storage(cached=False)], "is not cached", "NotCached"),
    ([dict(storage(), storage_backing={"type": "OTHER", "storage_uri": "nfs://x/y"})], "is not on a datastore", "NotOnDatastore"),
    ([storage(uri="ds:///vmfs/volumes/other/contentlib-lib1/item1/t.iso")], "is not under datastore ds1's URL", "NotOnDatastore"),
])
def test_an_item_without_one_usable_iso_file_is_refused(datastores, files, text, fault):
    api = rest(files)
    with pytest.raises(InvalidInput) as info:
        library_iso.resolve(api, SESSION, [("isos", "tools")])
    assert text in info.value.message and info.value.fault_type == fault
    # only the two finds (POST ?action=find reads) and the storage read
    assert api.requests == [("POST", "/content/library"), ("POST", "/content/library/item"),
                            ("GET", "/content/library/item/item1/storage")]


def test_a_missing_library_or_item_and_an_item_of_another_type(datastores):
    with pytest.raises(NotFound, match="no content library named 'nolib'"):
        library_iso.resolve(rest([storage()]), SESSION, [("nolib", "tools")])
    with pytest.raises(NotFound, match="library 'isos' has no ISO image item named 'other'"):
        library_iso.resolve(rest([storage()]), SESSION, [("isos", "other")])
    with pytest.raises(InvalidInput, match="library item 'tools' in library 'isos' is not of type iso") as info:
        library_iso.resolve(rest([storage()], typed="ovf"), SESSION, [("isos", "tools")])
    assert info.value.fault_type == "WrongItemType"
    assert datastores == []


def test_the_vm_template_lookup_keeps_its_words():
    api = rest([], typed="ovf")
    with pytest.raises(InvalidInput, match="is an OVF template, not a VM template"):
        source.library_item(api, "isos", "tools")
    with pytest.raises(NotFound, match="library 'isos' has no VM template item named 'x'"):
        source.library_item(rest([]), "isos", "x")


@pytest.mark.parametrize("uri, url, path", [
    ("ds:///vmfs/volumes/u1/contentlib-a/b/c.iso", "ds:///vmfs/volumes/u1/", "[ds1] contentlib-a/b/c.iso"),
    ("ds:///vmfs/volumes/u1/contentlib-a/b/c.iso", "ds:///vmfs/volumes/u1", "[ds1] contentlib-a/b/c.iso"),
    ("/tmp/vcsim/LocalDS_0/contentlib-a/b/c.iso", "/tmp/vcsim/LocalDS_0", "[ds1] contentlib-a/b/c.iso"),
])
def test_datastore_path(uri, url, path):
    assert library_iso.datastore_path(uri, "ds1", url) == path


def test_a_uri_beside_the_datastore_is_not_under_it():
    with pytest.raises(InvalidInput):
        library_iso.datastore_path("ds:///vmfs/volumes/u10/x.iso", "ds1", "ds:///vmfs/volumes/u1")


def test_each_item_is_resolved_once_and_given_to_its_entries():
    entries = [{"library": "isos", "library_item": "tools", "state": "present"}, {"type": "none", "state": "present"},
               {"library": "isos", "library_item": "tools", "state": "present", "position": 2}]
    assert library_iso.library_refs(entries) == [("isos", "tools")]
    library_iso.apply(entries, {("isos", "tools"): "[ds1] contentlib-a/b/c.iso"})
    assert [e.get("iso_path") for e in entries] == ["[ds1] contentlib-a/b/c.iso", None, "[ds1] contentlib-a/b/c.iso"]
    assert entries[0]["type"] == "iso" and entries[0]["from_library"]
    # the library vouches for the file: no datastore search for it
    before = {"cdroms": []}
    assert isos_to_check(before, {"cdroms": entries}) == []


def entry(**over):
    return dict({"state": "present", "controller": 0, "label": None, "position": None, "unit_number": None,
                 "controller_type": None, "type": None, "iso_path": None, "library": None, "library_item": None}, **over)


@pytest.mark.parametrize("over, text", [
    ({"library": "isos"}, "library and library_item go together"),
    ({"library_item": "tools"}, "library and library_item go together"),
    ({"library": "isos", "library_item": "tools", "iso_path": "[ds1] a.iso", "type": "iso"}, "mutually exclusive"),
    ({"library": "isos", "library_item": "tools", "type": "client"}, "does not go with type client"),
    ({"type": "iso"}, "iso_path is needed with type iso"),
])
def test_library_options_are_checked_before_any_session(over, text):
    with pytest.raises(InvalidInput, match=text):
        check_cdrom_options({"cdrom": None, "cdroms": [entry(**over)]})


@pytest.mark.parametrize("over", [{"library": "isos", "library_item": "tools"},
                                  {"library": "isos", "library_item": "tools", "type": "iso"}])
def test_library_options_that_go(over):
    check_cdrom_options({"cdrom": None, "cdroms": [entry(**over)]})
    check_cdrom_options({"cdrom": dict({"type": "iso", "iso_path": None, "library": None, "library_item": None}, **over),
                         "cdroms": None})
