# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OVF descriptors as plain data, and the checks a deploy request must pass against one.

parse() reads what a deploy needs (files, disks, networks, properties with their types,
deployment options, EULAs); check_request() refuses, before anything is uploaded, a
network, property or deployment option the descriptor does not declare and a property
value that does not fit its type. Pure: no I/O beyond the text given.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

OVF = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
NS = {"ovf": OVF, "rasd": RASD}

INT_RANGES = {
    "uint8": (0, 2 ** 8 - 1), "uint16": (0, 2 ** 16 - 1), "uint32": (0, 2 ** 32 - 1), "uint64": (0, 2 ** 64 - 1),
    "sint8": (-2 ** 7, 2 ** 7 - 1), "sint16": (-2 ** 15, 2 ** 15 - 1),
    "sint32": (-2 ** 31, 2 ** 31 - 1), "sint64": (-2 ** 63, 2 ** 63 - 1),
}
UNITS = re.compile(r"^\s*byte\s*(?:\*\s*(\d+)\s*\^\s*(\d+))?\s*$")


def _attr(el, name, default=None):
    return el.get("{%s}%s" % (OVF, name), el.get(name, default))


def _text(el, path):
    found = el.find(path, NS)
    return found.text.strip() if found is not None and found.text else None


def _true(value):
    return str(value).lower() == "true"


def capacity_bytes(capacity, units):
    """Bytes from ovf:capacity and ovf:capacityAllocationUnits ('byte * 2^30')."""
    match = UNITS.match(units or "byte")
    if not match or not str(capacity).isdigit():
        raise InvalidInput("disk capacity '%s' in '%s' is not understood" % (capacity, units))
    base, exp = match.groups()
    return int(capacity) * (int(base) ** int(exp) if base else 1)


def parse(text):
    """The descriptor as a dict; InvalidInput when it is not an OVF envelope with a VirtualSystem."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InvalidInput("the descriptor is not XML: %s" % exc, fault_type="OvfInvalidPackage")
    if root.tag != "{%s}Envelope" % OVF:
        raise InvalidInput("the descriptor is not an OVF envelope (its document element is %s)" % root.tag,
                           fault_type="OvfInvalidPackage")
    vs = root.find("ovf:VirtualSystem", NS)
    if vs is None:
        if root.find("ovf:VirtualSystemCollection", NS) is not None:
            raise InvalidInput("the descriptor holds a VirtualSystemCollection (a vApp); only one VirtualSystem is supported",
                               fault_type="OvfMissingElement")
        raise InvalidInput("the descriptor has no VirtualSystem", fault_type="OvfMissingElement")

    files = [{"id": _attr(f, "id"), "href": _attr(f, "href"), "size": int(_attr(f, "size")) if _attr(f, "size") else None}
             for f in root.findall("ovf:References/ovf:File", NS)]
    disks = []
    for d in root.findall("ovf:DiskSection/ovf:Disk", NS):
        disks.append({
            "id": _attr(d, "diskId"), "file": _attr(d, "fileRef"),
            "capacity": capacity_bytes(_attr(d, "capacity", "0"), _attr(d, "capacityAllocationUnits")),
            "populated_size": int(_attr(d, "populatedSize")) if _attr(d, "populatedSize") else None,
            "format": _attr(d, "format"),
        })
    networks = [{"name": _attr(n, "name"), "description": _text(n, "ovf:Description")}
                for n in root.findall("ovf:NetworkSection/ovf:Network", NS)]
    options = [{"id": _attr(c, "id"), "label": _text(c, "ovf:Label"), "description": _text(c, "ovf:Description"),
                "default": _true(_attr(c, "default", "false"))}
               for c in root.findall("ovf:DeploymentOptionSection/ovf:Configuration", NS)]
    properties = []
    for section in vs.findall("ovf:ProductSection", NS):
        cls, inst = _attr(section, "class"), _attr(section, "instance")
        category = None
        for el in section:
            if el.tag == "{%s}Category" % OVF:
                category = (el.text or "").strip() or None
            if el.tag != "{%s}Property" % OVF:
                continue
            key = _attr(el, "key")
            full = ".".join(part for part in (cls, key, inst) if part)
            properties.append({
                "key": full, "id": key, "class_id": cls, "instance_id": inst, "category": category,
                "type": _attr(el, "type", "string"), "qualifiers": _attr(el, "qualifiers"),
                "default": _attr(el, "value", ""), "user_configurable": _true(_attr(el, "userConfigurable", "false")),
                "password": _true(_attr(el, "password", "false")),
                "label": _text(el, "ovf:Label"), "description": _text(el, "ovf:Description"),
            })
    eulas = [_text(e, "ovf:License") for e in vs.findall("ovf:EulaSection", NS)]
    return {
        "name": _text(vs, "ovf:Name") or vs.get("{%s}id" % OVF),
        "annotation": _text(vs, "ovf:AnnotationSection/ovf:Annotation"),
        "files": files, "disks": disks, "networks": networks, "deployment_options": options,
        "properties": properties, "eulas": [e for e in eulas if e],
    }


def property_value(value):
    """A property value as OVF text: booleans as 'true'/'false', numbers in decimal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def value_problem(prop, value):
    """Why ``value`` (text) does not fit the property's type and qualifiers, or None."""
    kind = prop["type"]
    if kind in INT_RANGES:
        if not re.match(r"^[+-]?\d+$", value):
            return "not an integer"
        low, high = INT_RANGES[kind]
        if not low <= int(value) <= high:
            return "out of range %d..%d" % (low, high)
    elif kind == "boolean":
        if value.lower() not in ("true", "false"):
            return "not a boolean (true or false)"
    elif kind in ("real32", "real64"):
        try:
            float(value)
        except ValueError:
            return "not a number"
    quals = prop.get("qualifiers") or ""
    match = re.search(r"MinLen\((\d+)\)", quals)
    if match and len(value) < int(match.group(1)):
        return "shorter than %s characters" % match.group(1)
    match = re.search(r"MaxLen\((\d+)\)", quals)
    if match and len(value) > int(match.group(1)):
        return "longer than %s characters" % match.group(1)
    match = re.search(r"ValueMap\{([^}]*)\}", quals)
    if match:
        allowed = [c.strip().strip('"') for c in match.group(1).split(",")]
        if value not in allowed:
            return "not one of %s" % ", ".join(allowed)
    return None


def _names(items, key):
    return ", ".join("'%s'" % i[key] for i in items) or "none"


def check_request(desc, networks=None, properties=None, deployment_option=None):
    """Refuse what the descriptor does not declare; returns the property values as OVF text."""
    known_nets = set(n["name"] for n in desc["networks"])
    for name in sorted(networks or {}):
        if name not in known_nets:
            raise InvalidInput("networks: '%s' is not a network of the OVF descriptor (it declares %s)"
                               % (name, _names(desc["networks"], "name")))
    if deployment_option is not None and deployment_option not in [o["id"] for o in desc["deployment_options"]]:
        raise InvalidInput("deployment_option: '%s' is not offered by the OVF descriptor (it offers %s)"
                           % (deployment_option, _names(desc["deployment_options"], "id")))
    by_key = dict((p["key"], p) for p in desc["properties"])
    values = {}
    for key in sorted(properties or {}):
        prop = by_key.get(key)
        if prop is None:
            raise InvalidInput("properties: '%s' is not a property of the OVF descriptor (it declares %s)"
                               % (key, _names(desc["properties"], "key")))
        text = property_value(properties[key])
        if not prop["user_configurable"] and text != prop["default"]:
            raise InvalidInput("properties: '%s' is not user configurable" % key, fault_type="NotUserConfigurableProperty")
        problem = value_problem(prop, text)
        if problem:
            shown = "(hidden)" if prop["password"] else "'%s'" % text
            raise InvalidInput("properties: value %s for '%s' (type %s) is %s" % (shown, key, prop["type"], problem),
                               fault_type="OvfPropertyValue")
        values[key] = text
    return values


def default_option(desc):
    """The deployment option vCenter picks when none is given (the default, else the first)."""
    options = desc["deployment_options"]
    for option in options:
        if option["default"]:
            return option["id"]
    return options[0]["id"] if options else None
