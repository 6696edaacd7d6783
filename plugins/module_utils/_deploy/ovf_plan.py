# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ovf_deploy's decisions as pure functions: option checks, the requested settings, what
differs from a deployed VM, and the plan (steps + predicted after) for either state.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.common import removal_steps
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput

HIDDEN = "********"
PROVISIONING = ("thin", "thick", "eagerZeroedThick", "flat", "monolithicFlat", "monolithicSparse", "twoGbMaxExtentSparse",
                "twoGbMaxExtentFlat", "seSparse", "sparse")


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


def masked(values, desc):
    """Property values with those the descriptor marks as passwords hidden."""
    secret = set(p["key"] for p in desc["properties"] if p["password"])
    return dict((k, HIDDEN if k in secret else v) for k, v in values.items())


def requested(params, values, option):
    """The settings a deploy with these options gives the VM (``values``: checked property text)."""
    return {
        "name": params["name"],
        "power_state": "powered-on" if params.get("power_on") else "powered-off",
        "properties": dict(values),
        "networks": dict(params.get("networks") or {}),
        "deployment_option": option,
        "annotation": params.get("annotation"),
    }


def differences(deployed, wanted):
    """{setting: {"deployed": x, "requested": y}} for every requested setting the VM does not have.

    Properties are compared key by key (only those requested); networks as the set of port
    groups the VM is connected to (vSphere does not record which OVF network a NIC came
    from); the annotation only when one is requested; the deployment option cannot be read
    back from a VM and is not compared.
    """
    out = {}
    if deployed["power_state"] != wanted["power_state"] and wanted["power_state"] == "powered-on":
        out["power_state"] = {"deployed": deployed["power_state"], "requested": wanted["power_state"]}
    have = deployed.get("properties") or {}
    for key in sorted(wanted["properties"]):
        if have.get(key) != wanted["properties"][key]:
            out["properties.%s" % key] = {"deployed": have.get(key), "requested": wanted["properties"][key]}
    missing = sorted(set(wanted["networks"].values()) - set(deployed.get("networks") or []))
    if missing:
        out["networks"] = {"deployed": sorted(deployed.get("networks") or []), "requested": sorted(set(wanted["networks"].values()))}
    if wanted.get("annotation") is not None and wanted["annotation"] != deployed.get("annotation"):
        out["annotation"] = {"deployed": deployed.get("annotation"), "requested": wanted["annotation"]}
    return out


def plan_present(deployed, wanted, replace=False):
    """(steps, after, differing) for state present. ``deployed`` is None when no VM has the name.

    Steps are (action, text) pairs: ``remove`` (replace only), ``import``, ``power_on``, ``wait_for_ip``.
    """
    if deployed is not None:
        differing = differences(deployed, wanted)
        if not (replace and differing):
            return [], dict(deployed), differing
    else:
        differing = {}
    steps = []
    if deployed is not None:
        steps.append(("remove", "remove VM '%s' to deploy it again (replace: differing %s)"
                      % (wanted["name"], ", ".join(sorted(differing)))))
    steps.append(("import", "deploy the OVF package as VM '%s'" % wanted["name"]))
    if wanted["power_state"] == "powered-on":
        steps.append(("power_on", "power on VM '%s'" % wanted["name"]))
    after = dict(wanted, exists=True)
    return steps, after, differing


def plan_absent(deployed, name):
    """(steps, after) for state absent."""
    text = {"power_off": "power off VM '%s'", "destroy": "remove VM '%s'"}
    return [(action, text[action] % name) for action in removal_steps(deployed)], {"exists": False, "name": name}
