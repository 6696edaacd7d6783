"""Content library item storage in the lab (library.go): GET /api/content/library/item/{id}/storage as
vCenter 7.0 U2+ serves it, equal to vcsim's 6.7 /rest form; each storage URI lies under the backing
datastore's summary.url, and the `[datastore] path` it maps to is the file a CD-ROM drive mounts."""
import argparse
import os
import sys
import time
from pathlib import Path

import pytest
from pyVmomi import vim

from conftest import find_vm

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests/integration/targets/setup_ovf/files"))
import ovfctl  # noqa: E402  (the integration tests' own library upload)


@pytest.fixture
def iso_item(fresh, si, tmp_path):
    (tmp_path / "tools.iso").write_bytes(b"CD001" * 400)
    (tmp_path / "readme.txt").write_text("not an ISO image\n")
    args = argparse.Namespace(host=fresh.host, port=fresh.port, user=fresh.user, password=fresh.password, ca=fresh.ca)
    return ovfctl.library(args, si, "isos", "tools", str(tmp_path), "iso")


def storage(lab, item, style):
    if style == "api":
        token = lab.http.post(lab.url + "/api/session", auth=(lab.user, lab.password)).json()
        r = lab.http.get("%s/api/content/library/item/%s/storage" % (lab.url, item), headers={"vmware-api-session-id": token})
        return r.status_code, r.json()
    token = lab.http.post(lab.url + "/rest/com/vmware/cis/session", auth=(lab.user, lab.password)).json()["value"]
    r = lab.http.get(lab.url + "/rest/com/vmware/content/library/item/storage", params={"library_item_id": item},
                     headers={"vmware-api-session-id": token})
    return r.status_code, r.json().get("value")


def test_both_styles_list_the_same_storage(fresh, iso_item):
    code, api = storage(fresh, iso_item["item"], "api")
    assert code == 200
    code, rest = storage(fresh, iso_item["item"], "rest")
    assert code == 200

    def key(s):
        return s["name"], s["storage_uris"], s["cached"], s["size"], s["storage_backing"]["datastore_id"]
    assert sorted(map(key, api)) == sorted(map(key, rest))
    assert sorted(s["name"] for s in api) == ["readme.txt", "tools.iso"]
    assert all(s["cached"] and s["storage_backing"]["type"] == "DATASTORE" for s in api)


def test_a_missing_item_is_not_found_and_a_session_is_needed(fresh):
    token = fresh.http.post(fresh.url + "/api/session", auth=(fresh.user, fresh.password)).json()
    r = fresh.http.get(fresh.url + "/api/content/library/item/nope/storage", headers={"vmware-api-session-id": token})
    assert r.status_code == 404 and r.json()["error_type"] == "NOT_FOUND"
    r = fresh.http.get(fresh.url + "/api/content/library/item/nope/storage")
    assert r.status_code == 401


def test_the_uri_is_under_summary_url_and_the_drive_mounts_that_file(fresh, si, iso_item):
    _code, files = storage(fresh, iso_item["item"], "api")
    iso = [s for s in files if s["name"] == "tools.iso"][0]
    ds = vim.Datastore(iso["storage_backing"]["datastore_id"], si._stub)
    url = ds.summary.url
    uri = iso["storage_uris"][0]
    base = url.rstrip("/") + "/"
    assert uri.startswith(base)
    relative = uri[len(base):]
    assert relative == "contentlib-%s/%s/tools.iso" % (iso_item["library"], iso_item["item"])
    # the file is where the datastore path resolves (vcsim's datastore URL is a local directory)
    assert os.path.getsize(os.path.join(ds.info.url, relative)) == iso["size"] == 2000
    path = "[%s] %s" % (ds.name, relative)
    found = ds.browser.SearchDatastore_Task(datastorePath="[%s] %s" % (ds.name, relative.rsplit("/", 1)[0]),
                                            searchSpec=vim.host.DatastoreBrowser.SearchSpec(matchPattern=["tools.iso"]))
    while found.info.state not in ("success", "error"):
        time.sleep(0.05)
    assert found.info.state == "success" and [f.path for f in found.info.result.file] == ["tools.iso"]
    vm = find_vm(si, "DC0_H0_VM0")
    cdrom = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualCdrom)][0]
    cdrom.backing = vim.vm.device.VirtualCdrom.IsoBackingInfo(fileName=path)
    task = vm.ReconfigVM_Task(vim.vm.ConfigSpec(deviceChange=[vim.vm.device.VirtualDeviceSpec(operation="edit", device=cdrom)]))
    while task.info.state not in ("success", "error"):
        time.sleep(0.05)
    assert task.info.state == "success", task.info.error
    cdrom = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualCdrom)][0]
    assert cdrom.backing.fileName == path
