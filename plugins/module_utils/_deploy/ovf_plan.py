# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ovf_deploy's decisions as pure functions: option checks, the requested settings, what
differs from a deployed VM, and the plan (steps + predicted after) for either state.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.common import removal_steps
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Step

HIDDEN = "********"
PROVISIONING = ("thin", "thick", "eagerZeroedThick", "flat", "monolithicFlat", "monolithicSparse", "twoGbMaxExtentSparse",
                "twoGbMaxExtentFlat", "seSparse", "sparse")
LIBRARY_PROVISIONING = ("thin", "thick", "eagerZeroedThick")  # the Automation API's DiskProvisioningType


def check_options(params):
    """Refuse option combinations no session could fix; called before any I/O."""
    if params.get("state", "present") == "absent":
        return
    if params.get("wait_for_ip") and not params.get("power_on"):
        raise InvalidInput("wait_for_ip needs power_on: true (a powered-off VM reports no IP address)")
    for key, value in (params.get("properties") or {}).items():
        if isinstance(value, (dict, list)) or value is None:
            raise InvalidInput("properties: the value of '%s' must be a string, number or boolean" % key)
    for key, value in (params.get("networks") or {}).items():
        if not isinstance(value, str) or not value:
            raise InvalidInput("networks: '%s' must map to a port group name" % key)
    if params.get("library") and not params.get("library_item"):
        raise InvalidInput("library needs library_item (the OVF template's name or id)")
    if params.get("library_item") and not params.get("library"):
        raise InvalidInput("library_item needs library (the content library's name or id)")
    if params.get("library") and params.get("disk_provisioning") not in LIBRARY_PROVISIONING:
        raise InvalidInput("disk_provisioning: a content library deploy takes %s, not '%s'"
                           % (", ".join(LIBRARY_PROVISIONING), params.get("disk_provisioning")))


def masked(values, desc):
    """Property values with those the descriptor marks as passwords hidden."""
    secret = set(p["key"] for p in desc["properties"] if p["password"])
    return dict((k, HIDDEN if k in secret else v) for k, v in values.items())


def requested(params, values, desc):
    """The VM a deploy with these options gives (``values``: the checked property text).

    ``properties`` holds every descriptor property (defaults, then the given values), as a
    deployed VM reports them; ``asked`` names the settings the request itself gives, the
    only ones compared with an existing VM.
    """
    props = dict((p["key"], p["default"]) for p in desc["properties"])
    props.update(values)
    return {
        "name": params["name"],
        "power_state": "powered-on" if params.get("power_on") else "powered-off",
        "annotation": params["annotation"] if params.get("annotation") is not None else desc.get("annotation"),
        "properties": props,
        "networks": sorted(set((params.get("networks") or {}).values())),
        "asked": {"properties": sorted(values), "annotation": params.get("annotation") is not None},
    }


def differences(deployed, wanted):
    """{setting: {"deployed": x, "requested": y}} for every requested setting the VM does not have.

    Only what the request gives is compared: the properties it sets, key by key; the port
    groups it maps to (as a set: vSphere does not record which OVF network a NIC came
    from); the annotation when one is given; power-on when asked for. The deployment option
    cannot be read back from a VM and is not compared.
    """
    out = {}
    asked = wanted.get("asked") or {}
    if deployed["power_state"] != wanted["power_state"] and wanted["power_state"] == "powered-on":
        out["power_state"] = {"deployed": deployed["power_state"], "requested": wanted["power_state"]}
    have = deployed.get("properties") or {}
    for key in asked.get("properties", []):
        if have.get(key) != wanted["properties"][key]:
            out["properties.%s" % key] = {"deployed": have.get(key), "requested": wanted["properties"][key]}
    if set(wanted["networks"]) - set(deployed.get("networks") or []):
        out["networks"] = {"deployed": sorted(deployed.get("networks") or []), "requested": wanted["networks"]}
    if asked.get("annotation") and wanted["annotation"] != deployed.get("annotation"):
        out["annotation"] = {"deployed": deployed.get("annotation"), "requested": wanted["annotation"]}
    return out


def plan_present(deployed, wanted, replace=False, warnings=()):
    """(Plan, differing) for state present. ``deployed`` is None when no VM has the name.

    Step actions: ``remove`` (replace only), ``import``, ``power_on``.
    """
    differing = differences(deployed, wanted) if deployed is not None else {}
    if deployed is not None and not (replace and differing):
        return Plan([], dict(deployed), warnings), differing
    steps = []
    if deployed is not None:
        steps.append(Step("remove", "remove VM '%s' to deploy it again (replace: %s differ)"
                          % (wanted["name"], ", ".join(sorted(differing)))))
    steps.append(Step("import", "deploy the OVF package as VM '%s'" % wanted["name"]))
    if wanted["power_state"] == "powered-on":
        steps.append(Step("power_on", "power on VM '%s'" % wanted["name"]))
    after = dict(wanted, exists=True)
    after.pop("asked", None)
    return Plan(steps, after, warnings), differing


def plan_absent(deployed, name):
    """The Plan for state absent: power off if needed, destroy; none when there is no VM."""
    text = {"power_off": "power off VM '%s'", "destroy": "remove VM '%s'"}
    return Plan([Step(action, text[action] % name) for action in removal_steps(deployed)], {"exists": False, "name": name})
