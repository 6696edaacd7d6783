"""Tagging in the 7.0+ /api spelling (tagging.go), sharing its state with vcsim's 6.7 /rest spelling."""
import requests


def session(lab, style):
    http = requests.Session()
    http.verify, http.trust_env = lab.ca, False
    path = "/api/session" if style == "api" else "/rest/com/vmware/cis/session"
    r = http.post(lab.url + path, auth=(lab.user, lab.password))
    assert r.status_code in (200, 201), r.text
    token = r.json()
    http.headers["vmware-api-session-id"] = token["value"] if style == "rest" else token
    return http


def test_api_tagging_round_trip_and_bulk_reads(fresh):
    api = session(fresh, "api")
    base = fresh.url + "/api/cis/tagging"
    assert api.get(base + "/tag").json() == []  # an empty list, not null
    r = api.post(base + "/category", json={"name": "env", "description": "", "cardinality": "SINGLE", "associable_types": []})
    assert r.status_code == 201, r.text
    category = r.json()
    assert category.startswith("urn:vmomi:InventoryServiceCategory:")
    r = api.post(base + "/tag", json={"name": "prod", "description": "", "category_id": category})
    assert r.status_code == 201, r.text
    tag = r.json()
    assert api.get(base + "/tag/" + tag).json()["name"] == "prod"
    assert api.get(base + "/category/" + category).json()["name"] == "env"
    assert api.get(base + "/tag").json() == [tag]
    vm = {"type": "VirtualMachine", "id": "vm-62"}
    r = api.post(base + "/tag-association/%s?action=attach" % tag, json={"object_id": vm})
    assert r.status_code == 204, r.text
    r = api.post(base + "/tag-association?action=list-attached-objects-on-tags", json={"tag_ids": [tag]})
    assert r.json() == [{"tag_id": tag, "object_ids": [vm]}]
    r = api.post(base + "/tag-association?action=list-attached-tags-on-objects", json={"object_ids": [vm]})
    assert r.json() == [{"object_id": vm, "tag_ids": [tag]}]

    # the same state through vcsim's /rest spelling
    rest = session(fresh, "rest")
    r = rest.post(fresh.url + "/rest/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags",
                  json={"tag_ids": [tag]})
    assert r.json()["value"] == [{"tag_id": tag, "object_ids": [vm]}]

    # calls are counted by their /api name
    calls = fresh.ctl("GET", "calls")["by_method"]
    assert calls.get("POST /api/cis/tagging/tag-association?action=list-attached-objects-on-tags") == 1, calls


def test_api_tagging_errors(fresh):
    api = session(fresh, "api")
    r = api.get(fresh.url + "/api/cis/tagging/tag/urn:vmomi:InventoryServiceTag:nope:GLOBAL")
    assert r.status_code == 404 and r.json()["error_type"] == "NOT_FOUND", r.text
    r = requests.get(fresh.url + "/api/cis/tagging/tag", verify=fresh.ca)  # no session
    assert r.status_code == 401 and r.json()["error_type"] == "UNAUTHENTICATED", r.text
    # /rest/cis/tagging is no vCenter path (6.7 has /rest/com/vmware/cis/tagging)
    r = session(fresh, "rest").get(fresh.url + "/rest/cis/tagging/tag")
    assert r.status_code == 404, r.text
