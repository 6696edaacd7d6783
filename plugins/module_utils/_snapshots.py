# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A VM's snapshot tree as plain data, and the pure planning of every snapshot operation.

The tree is a flat list of dicts in depth-first order, each with its tree ``path``
(``parent/child``). check_options() refuses what the options alone make impossible, before
any session. plan(before, params) turns the VM facts and the tree into a Plan: one Step per
snapshot operation and the VM and tree they leave; check mode, --diff and the real run all
use that one answer. simulate() applies one action to a tree, so the real run can keep
the tree it reports in step with what it did.
"""

from __future__ import annotations

import re

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils._plan import Plan, Step
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import power_state, require_tools


def flatten(info):
    """Rows of a ``vim.vm.SnapshotInfo`` (or None): name, id, moid, path, parent_id, current, ..."""
    rows = []
    if info is None:
        return rows
    current = info.currentSnapshot._moId if info.currentSnapshot is not None else None

    def walk(nodes, prefix, parent_id):
        for node in nodes or []:
            path = prefix + node.name
            rows.append({
                "name": node.name, "id": node.id, "moid": node.snapshot._moId,
                "description": node.description or "",
                "created": node.createTime.isoformat() if node.createTime else None,
                "power_state": power_state(node.state), "quiesced": bool(node.quiesced),
                "path": path, "parent_id": parent_id, "current": node.snapshot._moId == current,
            })
            walk(node.childSnapshotList, path + "/", node.id)

    walk(info.rootSnapshotList, "", None)
    return rows


def _label(row):
    return "id %s (%s)" % (row["id"], row["path"])


def find(rows, name=None, snapshot_id=None):
    """The row named by id, tree path or name; None when absent. Several matches raise Ambiguous."""
    if snapshot_id is not None:
        matches = [row for row in rows if row["id"] == snapshot_id]
        return matches[0] if matches else None
    matches = [row for row in rows if row["path"] == name] if "/" in name else []
    matches = matches or [row for row in rows if row["name"] == name]
    if len(matches) > 1:
        labels = [_label(row) for row in matches]
        raise Ambiguous("%d snapshots are named '%s': %s; use snapshot_id or the tree path"
                        % (len(matches), name, ", ".join(labels)), candidates=labels)
    return matches[0] if matches else None


def _repath(rows):
    by_id = {row["id"]: row for row in rows if row["id"] is not None}
    for row in rows:  # depth-first order: a parent's path is final before its children's
        parent = by_id.get(row["parent_id"])
        row["path"] = (parent["path"] + "/" if parent else "") + row["name"]
    return rows


def _subtree(rows, snapshot_id):
    ids = {snapshot_id}
    for row in rows:
        if row["parent_id"] in ids:
            ids.add(row["id"])
    return ids


def simulate(rows, action):
    """The tree after ``action`` (a dict with ``op``), as vSphere leaves it."""
    rows = [dict(row) for row in rows]
    op = action["op"]
    if op == "create":
        parent = next((row for row in rows if row["current"]), None)
        for row in rows:
            row["current"] = False
        rows.append(dict(action["row"], parent_id=parent["id"] if parent else None, current=True))
    elif op == "rename":
        for row in rows:
            if row["id"] == action["id"]:
                row["name"] = action.get("name") or row["name"]
                row["description"] = action["description"] if action.get("description") is not None else row["description"]
    elif op == "remove":
        target = next(row for row in rows if row["id"] == action["id"])
        gone = _subtree(rows, target["id"]) if action["remove_children"] else {target["id"]}
        holds_current = any(row["current"] for row in rows if row["id"] in gone)
        rows = [row for row in rows if row["id"] not in gone]
        for row in rows:
            if row["parent_id"] == target["id"]:
                row["parent_id"] = target["parent_id"]
            if holds_current:
                row["current"] = row["id"] == target["parent_id"]
    elif op == "remove_all":
        rows = []
    elif op == "revert":
        for row in rows:
            row["current"] = row["id"] == action["id"]
    return _repath(rows)


def _retention(rows, keep, prefix=None, pattern=None):
    """Ids to remove so that only the newest ``keep`` snapshots (of those matching) stay, oldest first."""
    matching = [row for row in rows
                if (prefix is None or row["name"].startswith(prefix)) and (pattern is None or re.search(pattern, row["name"]))]
    # a snapshot still to be created has no time yet: it is the newest
    newest_first = sorted(matching, key=lambda row: (row["created"] is None, row["created"] or "", row["id"] or 0), reverse=True)
    return [row["id"] for row in reversed(newest_first[keep:])]


def check_options(p):
    """What the options alone make impossible; raises InvalidInput before any session opens."""
    if p.get("keep_newest") is not None and p["keep_newest"] < 1:
        raise InvalidInput("keep_newest must be 1 or more, not %s; to remove every snapshot use remove_all" % p["keep_newest"])
    if p.get("name_pattern") is not None:
        try:
            re.compile(p["name_pattern"])
        except re.error as exc:
            raise InvalidInput("name_pattern '%s' is not a valid regular expression: %s" % (p["name_pattern"], exc))
    if p["state"] != "present" and (p.get("new_snapshot_name") or p.get("memory") or p.get("quiesce")):
        raise InvalidInput("new_snapshot_name, memory and quiesce apply to state=present only")
    if p["state"] == "absent" and p.get("snapshot_name") is None and p.get("snapshot_id") is None \
            and not p.get("remove_all") and p.get("keep_newest") is None:
        raise InvalidInput("state=absent needs what to remove: snapshot_name, snapshot_id, remove_all or keep_newest")
    if p["state"] != "absent" and p.get("remove_all"):
        raise InvalidInput("remove_all applies to state=absent only")
    if p["state"] != "reverted" and p.get("suppress_power_on"):
        raise InvalidInput("suppress_power_on applies to state=reverted only")
    if p["state"] not in ("present", "absent") and p.get("keep_newest") is not None:
        raise InvalidInput("keep_newest applies to state=present or state=absent only")
    if (p.get("name_prefix") is not None or p.get("name_pattern") is not None) and p.get("keep_newest") is None:
        raise InvalidInput("name_prefix and name_pattern select what keep_newest keeps; give keep_newest")


def _check_vm(p, facts):
    if facts.get("template") and p["state"] != "consolidated":
        raise InvalidInput("VM '%s' is a template; templates have no snapshots" % facts["name"], fault_type="InvalidState")


def _new_row(p, facts):
    on = facts["power_state"] == "powered-on"
    state = "powered-off"
    if facts["power_state"] == "suspended" or (on and p.get("memory")):
        state = facts["power_state"]
    return {"name": p["snapshot_name"], "id": None, "moid": None, "description": p.get("description") or "",
            "created": None, "power_state": state, "quiesced": bool(p.get("quiesce") and on), "path": None}


def _present(rows, p, facts):
    name, sid, new_name = p.get("snapshot_name"), p.get("snapshot_id"), p.get("new_snapshot_name")
    target = find(rows, name, sid)
    if target is None and new_name and sid is None:
        target = find(rows, new_name)  # renamed already
    if target is not None:
        change = {}
        if new_name and new_name != target["name"]:
            change["name"] = new_name
        if p.get("description") is not None and p["description"] != target["description"]:
            change["description"] = p["description"]
        return ([dict(op="rename", id=target["id"], moid=target["moid"], **change)] if change else []), target["id"]
    if sid is not None:
        raise NotFound("VM '%s' has no snapshot with id %s" % (facts["name"], sid))
    if new_name:
        raise NotFound("VM '%s' has no snapshot named '%s' (nor '%s') to rename" % (facts["name"], name, new_name))
    if "/" in name:
        raise InvalidInput("no snapshot has the tree path '%s'; a new snapshot needs a plain name without '/'" % name)
    if p.get("quiesce") and facts["power_state"] == "powered-on":
        require_tools(facts["name"], facts["tools_running_status"],
                      "the file system cannot be quiesced; start VMware Tools or set quiesce to false")
    return [{"op": "create", "row": _new_row(p, facts)}], None


def _absent(rows, p, facts):
    if p.get("remove_all"):
        return ([{"op": "remove_all"}] if rows else []), None
    if p.get("snapshot_name") is None and p.get("snapshot_id") is None:
        return [], None
    target = find(rows, p.get("snapshot_name"), p.get("snapshot_id"))
    if target is None:
        return [], None
    return [{"op": "remove", "id": target["id"], "moid": target["moid"], "remove_children": p["remove_children"]}], target["id"]


def _reverted(rows, p, facts):
    if not rows:
        raise NotFound("VM '%s' has no snapshots to revert to" % facts["name"])
    if p.get("snapshot_name") is None and p.get("snapshot_id") is None:
        target = next((row for row in rows if row["current"]), None)
        if target is None:
            raise NotFound("VM '%s' has no current snapshot; name the snapshot to revert to" % facts["name"])
    else:
        target = find(rows, p.get("snapshot_name"), p.get("snapshot_id"))
        if target is None:
            raise NotFound("VM '%s' has no snapshot %s; it has: %s" % (
                facts["name"], "with id %s" % p["snapshot_id"] if p.get("snapshot_id") is not None else "named '%s'" % p["snapshot_name"],
                ", ".join(_label(row) for row in rows)))
    return [{"op": "revert", "id": target["id"], "moid": target["moid"], "suppress_power_on": p["suppress_power_on"]}], target["id"]


def power_after_revert(row, suppress_power_on):
    if row["power_state"] == "powered-on" and suppress_power_on:
        return "suspended"
    return row["power_state"]


def _actions(rows, facts, p):
    """``(actions, after_rows, target_id)``: the operations as dicts with ``op``, simulated in order."""
    _check_vm(p, facts)
    if p["state"] == "consolidated":
        return ([{"op": "consolidate"}] if facts["consolidation_needed"] else []), list(rows), None
    actions, target_id = {"present": _present, "absent": _absent, "reverted": _reverted}[p["state"]](rows, p, facts)
    after = list(rows)
    for action in actions:
        after = simulate(after, action)
    if p.get("keep_newest") is not None:
        for sid in _retention(after, p["keep_newest"], p.get("name_prefix"), p.get("name_pattern")):
            row = next(r for r in after if r["id"] == sid)
            action = {"op": "remove", "id": sid, "moid": row["moid"], "remove_children": False}
            actions.append(action)
            after = simulate(after, action)
    return actions, after, target_id


VERBS = {"create": "create snapshot '%s'", "rename": "rename snapshot %s", "remove": "remove snapshot %s",
         "remove_all": "remove all snapshots", "revert": "revert to snapshot %s", "consolidate": "consolidate the disks"}


def action_text(action, rows):
    """What an action does, naming its snapshot as it is in ``rows`` (the tree just before it)."""
    if action["op"] == "create":
        return VERBS["create"] % action["row"]["name"]
    if action["op"] in ("rename", "remove", "revert"):
        row = next((r for r in rows if r["id"] == action["id"]), None)
        return VERBS[action["op"]] % (_label(row) if row else "id %s" % action["id"])
    return VERBS[action["op"]]


def vm_after(vm, actions, after_rows, consolidate):
    """The VM facts once ``actions`` are done (power state after a revert, disks to consolidate)."""
    out = dict(vm)
    for action in actions:
        if action["op"] == "revert":
            row = next(r for r in after_rows if r["id"] == action["id"])
            out["power_state"] = power_after_revert(row, action["suppress_power_on"])
        elif action["op"] == "consolidate":
            out["consolidation_needed"] = False
        elif action["op"] in ("remove", "remove_all") and not consolidate:
            out["consolidation_needed"] = True
    return out


def plan(before, p):
    """The Plan for the module's options ``p``: ``before`` is ``{"vm": facts, "snapshots": rows}``.

    ``facts``: name, power_state, tools_running_status, consolidation_needed, template. Each Step's
    ``action`` is the operation, its args the action's fields plus ``label`` (the text of what it
    does); ``after`` has the same shape as ``before``; ``notes["target_id"]`` is the id of the
    snapshot the task is about (None for a new one, or none). Raises on what cannot be done.
    """
    vm, rows = before["vm"], before["snapshots"]
    actions, after_rows, target_id = _actions(rows, vm, p)
    steps, current = [], rows
    for action in actions:
        label = action_text(action, current)
        args = {key: value for key, value in action.items() if key != "op"}
        steps.append(Step(action["op"], "%s of VM '%s'" % (label, vm["name"]), label=label, **args))
        current = simulate(current, action)
    after = {"vm": vm_after(vm, actions, after_rows, p["consolidate"]), "snapshots": after_rows}
    return Plan(steps, after, notes={"target_id": target_id})


def step_action(step):
    """The action dict (``op`` plus fields) a Step of plan() stands for, for simulate()."""
    action = {key: value for key, value in step.args.items() if key != "label"}
    action["op"] = step.action
    return action
