# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_snapshot: planning as tables, and main() with the session faked at the boundary."""

from __future__ import annotations

import datetime
from types import SimpleNamespace as NS

import pytest

from ansible_collections.opensphere.vsphere.tests.unit.plugins.fakes import Recorder
from ansible_collections.opensphere.vsphere.tests.unit.plugins.modules.utils import run_main
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import Ambiguous, InvalidInput, NotFound
from ansible_collections.opensphere.vsphere.plugins.module_utils import _snapshots
from ansible_collections.opensphere.vsphere.plugins.module_utils._snapshots import find, flatten
from ansible_collections.opensphere.vsphere.plugins.modules import vm_snapshot

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def node(sid, name, children=(), state="poweredOff"):
    return NS(name=name, id=sid, snapshot=NS(_moId="snapshot-%d" % sid), description="d%d" % sid,
              createTime=T0 + datetime.timedelta(hours=sid), state=state, quiesced=False, childSnapshotList=list(children))


def info(current, *roots):
    return NS(rootSnapshotList=list(roots), currentSnapshot=NS(_moId="snapshot-%d" % current))


# base(1) -> daily-a(2) -> daily-b(3) -> daily-c(4, current); base(1) -> other(5) -> dup(6); base -> dup(7)
TREE = info(4, node(1, "base", [
    node(2, "daily-a", [node(3, "daily-b", [node(4, "daily-c")])]),
    node(5, "other", [node(6, "dup")]),
    node(7, "dup", state="poweredOn"),
]))
FACTS = {"name": "vm1", "power_state": "powered-on", "tools_running_status": "guestToolsNotRunning", "consolidation_needed": False,
         "template": False}
DEFAULTS = {"state": "present", "snapshot_name": None, "snapshot_id": None, "new_snapshot_name": None, "description": None,
            "memory": False, "quiesce": False, "remove_children": False, "remove_all": False, "consolidate": True,
            "suppress_power_on": False, "keep_newest": None, "name_prefix": None, "name_pattern": None}


def plan(rows, facts, p):
    """``(actions, after rows, target id)`` of the options ``p``: checked as the module checks them, then planned."""
    _snapshots.check_options(p)
    result = _snapshots.plan({"vm": facts, "snapshots": rows}, p)
    assert result.changed == bool(result.steps)
    actions = [_snapshots.step_action(step) for step in result.steps]
    return actions, result.after["snapshots"], result.notes["target_id"]


def paths(rows):
    return [row["path"] + ("*" if row["current"] else "") for row in rows]


def test_flatten_gives_paths_parents_and_current():
    rows = flatten(TREE)
    assert paths(rows) == ["base", "base/daily-a", "base/daily-a/daily-b", "base/daily-a/daily-b/daily-c*",
                           "base/other", "base/other/dup", "base/dup"]
    assert [row["parent_id"] for row in rows] == [None, 1, 2, 3, 1, 5, 1]
    assert rows[6]["power_state"] == "powered-on" and rows[0]["created"] == "2026-01-01T01:00:00+00:00"
    assert flatten(None) == []


def test_find_by_id_path_and_name():
    rows = flatten(TREE)
    assert find(rows, snapshot_id=6)["path"] == "base/other/dup"
    assert find(rows, "base/other/dup")["id"] == 6
    assert find(rows, "daily-b")["id"] == 3
    assert find(rows, "nope") is None and find(rows, snapshot_id=99) is None
    with pytest.raises(Ambiguous) as err:
        find(rows, "dup")
    assert "id 6 (base/other/dup), id 7 (base/dup)" in err.value.message
    assert err.value.details["candidates"] == ["id 6 (base/other/dup)", "id 7 (base/dup)"]


# options -> (ops planned, tree after) or the error expected
PLAN_TABLE = [
    ({"snapshot_name": "new"}, ["create"], "base/daily-a/daily-b/daily-c/new*"),
    ({"snapshot_name": "daily-b"}, [], "base/daily-a/daily-b/daily-c*"),
    ({"snapshot_name": "daily-b", "description": "d3"}, [], None),
    ({"snapshot_name": "daily-b", "description": "new text"}, ["rename"], None),
    ({"snapshot_name": "daily-b", "new_snapshot_name": "weekly"}, ["rename"], "base/daily-a/weekly/daily-c*"),
    ({"snapshot_name": "gone", "new_snapshot_name": "daily-b"}, [], None),
    ({"snapshot_name": "gone", "new_snapshot_name": "also-gone"}, NotFound),
    ({"snapshot_id": 99, "description": "x"}, NotFound),
    ({"snapshot_name": "a/b"}, InvalidInput),
    ({"snapshot_name": "dup"}, Ambiguous),
    ({"snapshot_name": "q", "quiesce": True}, "ToolsUnavailable"),
    ({"state": "absent", "snapshot_name": "nope"}, [], None),
    ({"state": "absent", "snapshot_id": 2}, ["remove"], "base/daily-b/daily-c*"),
    ({"state": "absent", "snapshot_id": 2, "remove_children": True}, ["remove"], "base*"),
    ({"state": "absent", "snapshot_name": "base/dup"}, ["remove"], None),
    ({"state": "absent", "remove_all": True}, ["remove_all"], ""),
    ({"state": "absent"}, InvalidInput),  # nothing named to remove: refused, not a silent no-op
    ({"state": "absent", "keep_newest": 2, "name_prefix": "daily-"}, ["remove"], "base/daily-b/daily-c*"),
    ({"state": "absent", "keep_newest": 1, "name_pattern": "^daily"}, ["remove", "remove"], "base/daily-c*"),
    ({"state": "absent", "keep_newest": 3, "name_prefix": "daily-"}, [], None),
    ({"snapshot_name": "daily-d", "keep_newest": 3, "name_prefix": "daily-"}, ["create", "remove"], "base/daily-b/daily-c/daily-d*"),
    ({"state": "absent", "keep_newest": 0}, InvalidInput),
    ({"state": "absent", "keep_newest": -2}, InvalidInput),
    ({"state": "absent", "keep_newest": 2, "name_pattern": "("}, InvalidInput),
    ({"state": "absent", "name_prefix": "x"}, InvalidInput),
    ({"state": "reverted"}, ["revert"], "base/daily-a/daily-b/daily-c*"),
    ({"state": "reverted", "snapshot_name": "daily-a"}, ["revert"], "base/daily-a*"),
    ({"state": "reverted", "snapshot_name": "nope"}, NotFound),
    ({"state": "reverted", "snapshot_name": "dup"}, Ambiguous),
    ({"state": "reverted", "memory": True}, InvalidInput),
    ({"state": "present", "snapshot_name": "x", "suppress_power_on": True}, InvalidInput),
    ({"state": "consolidated"}, [], None),
]


@pytest.mark.parametrize("args, ops, current_path", [row if len(row) == 3 else row + (None,) for row in PLAN_TABLE])
def test_plan(args, ops, current_path):
    p = dict(DEFAULTS, **args)
    rows = flatten(TREE)
    if not isinstance(ops, list):
        expected = InvalidInput if isinstance(ops, str) else ops
        with pytest.raises(expected) as err:
            plan(rows, FACTS, p)
        if isinstance(ops, str):
            assert err.value.fault_type == ops
        return
    actions, after, _target = plan(rows, FACTS, p)
    assert [action["op"] for action in actions] == ops
    if current_path is not None:
        chain = [row["path"] + "*" for row in after if row["current"]]
        assert chain == ([current_path] if current_path else [])
    if not ops:
        assert after == rows


def test_plan_without_snapshots():
    assert plan([], FACTS, dict(DEFAULTS, state="absent", remove_all=True))[0] == []
    with pytest.raises(NotFound, match="no snapshots to revert to"):
        plan([], FACTS, dict(DEFAULTS, state="reverted"))


def test_new_snapshot_power_state_and_quiesce():
    off = dict(FACTS, power_state="powered-off")
    actions, after, dummy = plan([], off, dict(DEFAULTS, snapshot_name="s", memory=True, quiesce=True))
    assert after[0]["power_state"] == "powered-off" and after[0]["quiesced"] is False
    running = dict(FACTS, tools_running_status="guestToolsRunning")
    actions, after, dummy = plan([], running, dict(DEFAULTS, snapshot_name="s", memory=True, quiesce=True))
    assert after[0]["power_state"] == "powered-on" and after[0]["quiesced"] is True


def test_consolidation_when_needed():
    actions, after, dummy = plan([], dict(FACTS, consolidation_needed=True), dict(DEFAULTS, state="consolidated"))
    assert actions == [{"op": "consolidate"}]


def test_a_template_has_no_snapshots():
    with pytest.raises(InvalidInput, match="template"):
        plan([], dict(FACTS, template=True), dict(DEFAULTS, snapshot_name="s"))


@pytest.fixture
def run(monkeypatch, capsys, fake_vm, fake_waiter):
    def run_(args, check, tree=TREE, facts=None, seen=None, made="snapshot-8"):
        values = {"name": "vm1", "snapshot": tree, "runtime.powerState": "poweredOn", "runtime.consolidationNeeded": False,
                  "guest.toolsRunningStatus": "guestToolsNotRunning", "config.template": False}
        values.update(facts or {})
        vm = fake_vm(values)
        fake_waiter.seen = {"snapshot": seen if seen is not None else info(8, node(8, "observed"))}
        fake_waiter.task_result = Recorder(made, vm.calls)  # CreateSnapshot_Task's result: the new snapshot
        monkeypatch.setattr(vm_snapshot, "Waiter", fake_waiter)
        return run_main(vm_snapshot, capsys, dict({"name": "vm1"}, **args), check), vm.calls
    return run_


CASES = [
    ({"snapshot_name": "daily-b"}, []),
    ({"snapshot_name": "daily-b", "new_snapshot_name": "weekly", "description": "w"},
     [("snapshot-3", "RenameSnapshot", {"name": "weekly", "description": "w"})]),
    ({"state": "absent", "snapshot_name": "base/daily-a", "remove_children": True, "consolidate": False},
     [("snapshot-2", "RemoveSnapshot_Task", {"removeChildren": True, "consolidate": False})]),
    ({"state": "absent", "snapshot_name": "nope"}, []),
    ({"state": "absent", "remove_all": True}, [("vm-1", "RemoveAllSnapshots_Task", {"consolidate": True})]),
    ({"state": "absent", "keep_newest": 1, "name_prefix": "daily-"},
     [("snapshot-2", "RemoveSnapshot_Task", {"removeChildren": False, "consolidate": True}),
      ("snapshot-3", "RemoveSnapshot_Task", {"removeChildren": False, "consolidate": True})]),
    ({"state": "reverted", "snapshot_id": 7, "suppress_power_on": True},
     [("snapshot-7", "RevertToSnapshot_Task", {"suppressPowerOn": True})]),
    ({"state": "reverted", "snapshot_name": "dup"}, []),
    ({"snapshot_name": "q", "quiesce": True}, []),
    ({"state": "consolidated"}, []),
]


@pytest.mark.parametrize("args, expected_calls", CASES)
def test_check_mode_predicts_the_real_run_and_calls_nothing(run, args, expected_calls):
    checked, check_calls = run(args, check=True)
    real, real_calls = run(args, check=False)
    assert check_calls == []
    assert real_calls == expected_calls
    for key in ("failed", "changed", "diff", "snapshots", "snapshot", "removed", "vm", "msg"):
        assert checked.get(key) == real.get(key), key
    assert real.get("changed", False) == bool(expected_calls)


def test_revert_reports_the_power_state_the_snapshot_leads_to(run):
    out, _calls = run({"state": "reverted", "snapshot_id": 7, "suppress_power_on": True}, check=False)
    assert out["vm"]["power_state"] == "suspended" and out["snapshot"]["current"] is True
    assert out["diff"]["before"]["power_state"] == "powered-on" and out["diff"]["after"]["power_state"] == "suspended"


def test_create_reports_the_snapshot_vsphere_made(run):
    checked, dummy = run({"snapshot_name": "observed"}, check=True, tree=None)
    real, calls = run({"snapshot_name": "observed"}, check=False, tree=None)
    assert calls == [("vm-1", "CreateSnapshot_Task", {"name": "observed", "description": "", "memory": False, "quiesce": False})]
    assert checked["changed"] and checked["snapshot"]["id"] is None and checked["snapshot"]["path"] == "observed"
    assert real["snapshot"]["id"] == 8 and real["snapshot"]["moid"] == "snapshot-8" and real["snapshot"]["current"]
    assert checked["diff"]["before"] == real["diff"]["before"] == {"snapshots": [], "power_state": "powered-on",
                                                                   "consolidation_needed": False}


# forks creating one name at once: the tree each one sees when its create ends
RACE = info(8, node(5, "observed", [node(8, "observed")]))


@pytest.mark.parametrize("made, removed, changed", [
    ("snapshot-8", True, False),   # ours is the younger twin: removed, no change, a note
    ("snapshot-5", False, True),   # ours is the oldest: kept, the change is ours
])
def test_parallel_creates_of_one_name_keep_the_oldest(run, made, removed, changed):
    out, calls = run({"snapshot_name": "observed"}, check=False, tree=None, seen=RACE, made=made)
    create = ("vm-1", "CreateSnapshot_Task", {"name": "observed", "description": "", "memory": False, "quiesce": False})
    remove = ("snapshot-8", "RemoveSnapshot_Task", {"removeChildren": False, "consolidate": True})
    assert calls == ([create, remove] if removed else [create])
    assert out["changed"] is changed and out["snapshot"]["id"] == 5
    assert [row["id"] for row in out["snapshots"]] == ([5] if removed else [5, 8])
    assert ("note" in out) is removed
    if removed:
        assert out["note"] == ("another task created snapshot 'observed' at the same time; the older one (id 5) is kept "
                               "and ours (id 8) was removed")


def test_remove_all_without_snapshots_is_no_change(run):
    out, calls = run({"state": "absent", "remove_all": True}, check=False, tree=None)
    assert out["changed"] is False and calls == []


def test_ambiguous_name_lists_ids_and_paths(run):
    out, calls = run({"state": "absent", "snapshot_name": "dup"}, check=False)
    assert out["failed"] and calls == []
    assert out["msg"] == ("Failed to plan snapshot state absent of VM 'vm1': Ambiguous: 2 snapshots are named 'dup': "
                          "id 6 (base/other/dup), id 7 (base/dup); use snapshot_id or the tree path")
    assert out["candidates"] == ["id 6 (base/other/dup)", "id 7 (base/dup)"]


def test_conflicting_options_are_refused(run):
    out, calls = run({"state": "absent", "remove_all": True, "snapshot_name": "x"}, check=False)
    assert out["failed"] and "mutually exclusive" in out["msg"] and calls == []


def test_timeout_must_be_positive(run):
    out, calls = run({"snapshot_name": "new", "timeout": -5}, check=False)
    assert out["failed"] and calls == []
    assert out["msg"] == "Failed to check the options: InvalidInput: timeout must be a positive number of seconds, not -5"
