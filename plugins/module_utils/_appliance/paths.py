# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The appliance's deployment operations (com.vmware.vcenter.deployment) in both API styles.

``/api`` (7.0+) sends bodies and results bare; ``/rest`` (6.7) wraps request bodies as
``{"spec": ...}`` and results as ``{"value": ...}``, and sends maps as ``[{"key", "value"}]``.
Both spell the operation as ``?action=<name>``.
"""

from __future__ import annotations

STYLES = ("api", "rest")
LOGIN = {"api": "/api/session", "rest": "/rest/com/vmware/cis/session"}

# operation -> (HTTP method, path below the style prefix, action or None)
OPERATIONS = {
    "info": ("GET", "/vcenter/deployment", None),
    "rollback": ("POST", "/vcenter/deployment", "rollback"),
    "spec": ("GET", "/vcenter/deployment/install", None),
    "check": ("POST", "/vcenter/deployment/install", "check"),
    "start": ("POST", "/vcenter/deployment/install", "start"),
    "cancel": ("POST", "/vcenter/deployment/install", "cancel"),
    "question": ("GET", "/vcenter/deployment/question", None),
    "answer": ("POST", "/vcenter/deployment/question", "answer"),
}


def request(style, operation, body=None):
    """(method, path, query params, JSON body) of an operation in a style."""
    if style not in STYLES:
        raise ValueError("style must be api or rest, not %r" % (style,))
    method, path, action = OPERATIONS[operation]
    params = {"action": action} if action else None
    if body is not None and style == "rest":
        body = {"spec": body}
    return method, "/" + style + path, params, body


def unwrap(style, data):
    """The result of an operation without the /rest ``value`` wrapper."""
    if style == "rest" and isinstance(data, dict) and set(data) <= {"value"}:
        return data.get("value")
    return data


def as_map(value):
    """A vAPI map from either style: /rest sends ``[{"key": k, "value": v}]``, /api an object."""
    if isinstance(value, list):
        return dict((entry["key"], entry["value"]) for entry in value)
    return dict(value or {})
