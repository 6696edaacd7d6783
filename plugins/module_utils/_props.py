# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property reads in bulk: one RetrievePropertiesEx for any number of objects and paths."""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import KINDS, NotFound, gone
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vmodl


def _pc():
    return vmodl.query.PropertyCollector


def retrieve(session, object_specs, prop_specs):
    """Run one filter spec and return ``[(obj, {path: value})]``, following continuation tokens."""
    pc = session.content.propertyCollector
    spec = _pc().FilterSpec(objectSet=object_specs, propSet=prop_specs)
    result = pc.RetrievePropertiesEx([spec], _pc().RetrieveOptions())
    rows = []
    while result is not None:
        for content in result.objects or []:
            rows.append((content.obj, {prop.name: prop.val for prop in content.propSet or []}))
        if not result.token:
            break
        result = pc.ContinueRetrievePropertiesEx(result.token)
    return rows


def read(session, objects, paths, what="object"):
    """Read ``paths`` of every object in ``objects`` (all of one type) in one round trip.

    Returns one dict per object, in order. An object that no longer exists raises NotFound.
    """
    if not objects:
        return []
    specs = [_pc().ObjectSpec(obj=obj, skip=False) for obj in objects]
    prop = _pc().PropertySpec(type=type(objects[0]), pathSet=list(paths), all=False)
    try:
        rows = dict((obj._moId, values) for obj, values in retrieve(session, specs, [prop]))
    except vmodl.MethodFault as exc:
        raise gone(exc) or exc
    missing = [obj._moId for obj in objects if obj._moId not in rows]
    if missing:
        kind = KINDS.get(what, what)
        raise NotFound("%s %s does not exist (a wrong moid, or it was removed meanwhile)" % (kind, ", ".join(missing)))
    return [rows[obj._moId] for obj in objects]


def read_one(session, obj, paths, what="object"):
    return read(session, [obj], paths, what)[0]
