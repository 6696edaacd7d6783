# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deployment.Info (either style) as the plain facts the modules return."""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._appliance.paths import as_map

IN_PROGRESS = ("CONFIG_IN_PROGRESS", "QUESTION_RAISED")
FINAL = ("CONFIGURED", "FAILED")


def _text(message):
    message = message or {}
    return message.get("default_message") or message.get("localized") or ""


def _notes(result, kind):
    return [_text(n.get("message")) for n in ((result or {}).get(kind) or [])]


def _percent(progress):
    progress = progress or {}
    total = progress.get("total") or 0
    return int(100 * progress.get("completed", 0) / total) if total else 0


def summarize(info):
    """state, progress, subtasks in order with their status, notifications, times, failed subtask."""
    subtasks = as_map(info.get("subtasks"))
    order = info.get("subtask_order") or sorted(subtasks)
    steps = []
    for key in order:
        task = subtasks.get(key) or {}
        steps.append({"id": key, "description": _text(task.get("description")), "status": task.get("status"),
                      "percent": _percent(task.get("progress")), "errors": _notes(task.get("result"), "errors")})
    failed = [step for step in steps if step["status"] == "FAILED"]
    progress = info.get("progress") or {}
    return {
        "state": info.get("state"),
        "status": info.get("status"),
        "progress": {"percent": _percent(progress) if progress else 0, "message": _text(progress.get("message"))},
        "subtasks": steps,
        "failed_subtask": failed[0]["id"] if failed else None,
        "errors": _notes(info.get("result"), "errors"),
        "warnings": _notes(info.get("result"), "warnings"),
        "info": _notes(info.get("result"), "info"),
        "start_time": info.get("start_time"),
        "end_time": info.get("end_time"),
    }


def check_summary(check):
    """CheckInfo as status plus the texts of its notifications."""
    result = (check or {}).get("result")
    return {"status": (check or {}).get("status"), "errors": _notes(result, "errors"),
            "warnings": _notes(result, "warnings"), "info": _notes(result, "info")}


def failure_text(facts):
    """Why an install failed, in one sentence: the subtask and the appliance's errors."""
    errors = "; ".join(facts["errors"]) or "no error message"
    where = " at subtask %s" % facts["failed_subtask"] if facts["failed_subtask"] else ""
    return "the install FAILED%s: %s" % (where, errors)
