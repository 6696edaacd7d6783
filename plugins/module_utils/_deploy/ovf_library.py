# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OVF templates of a content library, through the Automation API (com.vmware.vcenter.ovf.library_item).

find_item() turns library and item names (or ids) into the item id; summary() asks vCenter's
``filter`` for a placement and describe() turns its answer into the descriptor shape
ovf_descriptor uses (so the same request checks apply); deploy() sends the deploy and turns
vCenter's DeploymentResult into a VM id and warnings, or raises with its errors.

Both REST styles: 7.0+ ``POST /api/vcenter/ovf/library-item/{id}?action=...`` with vAPI maps as
JSON objects, 6.7 ``POST /rest/com/vmware/vcenter/ovf/library-item/id:{id}?~action=...`` with
maps as ``[{"key", "value"}]`` lists and results wrapped in ``value`` (unwrapped by RestSession).
Round trips: find library 1, find item 1 (a third only to explain a miss), filter 1, deploy 1.
"""

from __future__ import annotations

import re

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.source import ITEM, LIBRARY, _find
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import ApiError, InvalidInput, NotFound

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PROPERTY_CLASS = "com.vmware.vcenter.ovf.property_params"
OPTION_CLASS = "com.vmware.vcenter.ovf.deployment_option_params"


def _action(rest, action):
    return {"action": action} if rest.style == "api" else {"~action": action}


def _paths(item_id):
    return "/vcenter/ovf/library-item/%s" % item_id, "/com/vmware/vcenter/ovf/library-item/id:%s" % item_id


def find_item(rest, library, item):
    """The id of OVF item ``item`` in ``library``; each is a name, or an id when no name matches."""
    libs = _find(rest, "library", {"name": library}, *LIBRARY)
    if len(libs) > 1:
        raise InvalidInput("%d content libraries are named '%s': %s; give its id" % (len(libs), library, ", ".join(libs)),
                           fault_type="Ambiguous")
    if not libs and not UUID.match(library):
        raise NotFound("no content library named '%s'" % library)
    lib = libs[0] if libs else library
    ids = _find(rest, "item", {"name": item, "library_id": lib, "type": "ovf"}, *ITEM)
    if len(ids) > 1:
        raise InvalidInput("%d OVF items are named '%s' in library '%s': %s; give its id" % (len(ids), item, library, ", ".join(ids)),
                           fault_type="Ambiguous")
    if ids:
        return ids[0]
    if UUID.match(item):
        return item
    if _find(rest, "item", {"name": item, "library_id": lib, "type": "vm-template"}, *ITEM):
        raise InvalidInput("library item '%s' in library '%s' is a VM template (VMTX), not an OVF template: "
                           "deploy it with opensphere.vsphere.vm_template_deploy" % (item, library), fault_type="WrongItemType")
    raise NotFound("library '%s' has no OVF template item named '%s'" % (library, item))


def target(where):
    """The deployment target of a placement (ids)."""
    out = {"resource_pool_id": where.resource_pool._moId}
    if where.host is not None:
        out["host_id"] = where.host._moId
    if where.folder is not None:
        out["folder_id"] = where.folder._moId
    return out


def summary(rest, item_id, where):
    """vCenter's OvfSummary of the item for the placement (``filter``: read-only)."""
    api, rest_path = _paths(item_id)
    body = {"target": target(where)}
    try:
        return rest.request("POST", api, rest=rest_path, body=body, params=_action(rest, "filter"))
    except ApiError as exc:
        if exc.fault_type == "NOT_FOUND":
            raise NotFound("OVF library item %s: %s" % (item_id, exc.message), fault_type="NOT_FOUND")
        raise


def _params(found, kind):
    return [p for p in found.get("additional_params") or [] if p.get("type") == kind]


def _ovf_type(text):
    """(OVF type, qualifiers, password) from the filter's type: an OVF type ('uint16') or ovftool's
    spelling ('string(1..64)', 'password(8..)', 'int(0..65535)', 'string["a", "b"]')."""
    text = text or "string"
    match = re.match(r"^(string|password)\((\d*)\.\.(\d*)\)$", text)
    if match:
        quals = " ".join(q for q in ("MinLen(%s)" % match.group(2) if match.group(2) else "",
                                     "MaxLen(%s)" % match.group(3) if match.group(3) else "") if q)
        return "string", quals or None, match.group(1) == "password"
    if text == "password":
        return "string", None, True
    if text.startswith("int("):
        return "sint64", None, False
    match = re.match(r"^string\[(.*)\]$", text)
    if match:
        return "string", "ValueMap{%s}" % match.group(1), False
    return text, None, False


def describe(found):
    """The OvfSummary as ovf_descriptor.parse() shapes a descriptor (no files or disks: the API gives none)."""
    props = []
    for group in _params(found, "PropertyParams"):
        for prop in group.get("properties") or []:
            kind, quals, password = _ovf_type(prop.get("type"))
            key = ".".join(part for part in (prop.get("class_id"), prop.get("id"), prop.get("instance_id")) if part)
            props.append({"key": key, "id": prop.get("id"), "class_id": prop.get("class_id"), "instance_id": prop.get("instance_id"),
                          "category": prop.get("category") or None, "type": kind, "qualifiers": quals,
                          "default": prop.get("value") or "", "user_configurable": True, "password": password,
                          "label": prop.get("label"), "description": prop.get("description")})
    options, selected = [], None
    for group in _params(found, "DeploymentOptionParams"):
        selected = group.get("selected_key") or selected
        for opt in group.get("deployment_options") or []:
            options.append({"id": opt.get("key"), "label": opt.get("label"), "description": opt.get("description"),
                            "default": bool(opt.get("default_choice"))})
    if selected and not any(o["default"] for o in options):
        for opt in options:
            opt["default"] = opt["id"] == selected
    sizes = dict((k, v) for group in _params(found, "SizeParams") for k, v in group.items() if k not in ("@class", "type"))
    return {
        "name": found.get("name"), "annotation": found.get("annotation"), "files": [], "disks": [],
        "networks": [{"name": n, "description": None} for n in found.get("networks") or []],
        "deployment_options": options, "properties": props, "eulas": list(found.get("EULAs") or []), "sizes": sizes,
    }


def predicted_warnings(desc, networks):
    """The warnings vCenter gives for a deploy that leaves OVF networks unmapped."""
    return ["OVF network '%s' is not mapped; its adapters are connected to the default network" % n["name"]
            for n in desc["networks"] if n["name"] not in networks]


def deploy_spec(rest, desc, name, where, values, net_ids, option, provisioning, annotation):
    """The deploy request body: deploying accepts the package's EULAs (ovf_info lists them)."""
    by_key = dict((p["key"], p) for p in desc["properties"])
    props = []
    for key, value in sorted(values.items()):
        prop = by_key[key]
        entry = dict((k, prop[k]) for k in ("class_id", "id", "instance_id") if prop.get(k))
        entry["value"] = value
        props.append(entry)
    mapping = dict(net_ids)
    spec = {"name": name, "accept_all_EULA": True, "default_datastore_id": where.datastore._moId,
            "storage_provisioning": provisioning,
            "network_mappings": mapping if rest.style == "api" else [{"key": k, "value": v} for k, v in sorted(mapping.items())],
            "additional_parameters": [{"@class": PROPERTY_CLASS, "type": "PropertyParams", "properties": props}]}
    if option:
        spec["additional_parameters"].append({"@class": OPTION_CLASS, "type": "DeploymentOptionParams", "selected_key": option})
    if annotation is not None:
        spec["annotation"] = annotation
    return {"target": target(where), "deployment_spec": spec}


def _texts(entries):
    out = []
    for entry in entries or []:
        message = entry.get("message") or {}
        text = message.get("default_message") if isinstance(message, dict) else None
        if not text and isinstance(entry.get("error"), dict):
            text = "; ".join(m.get("default_message", "") for m in entry["error"].get("messages") or [])
        out.append(text or str(entry))
    return out


def deploy(rest, item_id, body, timeout):
    """Deploy; (VM moid, vCenter's warnings), or InvalidInput with vCenter's errors."""
    api, rest_path = _paths(item_id)
    result = rest.request("POST", api, rest=rest_path, body=body, params=_action(rest, "deploy"), timeout=timeout) or {}
    info = result.get("error") or {}
    warnings = _texts(info.get("warnings"))
    if not result.get("succeeded"):
        errors = info.get("errors") or []
        kind = next((e.get("name") or e.get("category") for e in errors if e.get("name") or e.get("category")), "OvfDeployError")
        raise InvalidInput("vCenter refused the deploy: %s" % ("; ".join(_texts(errors)) or "no error given"), fault_type=kind)
    return (result.get("resource_id") or {}).get("id"), warnings
