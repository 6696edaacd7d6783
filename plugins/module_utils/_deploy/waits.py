# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for a VM's guest customization through its events, with the PropertyCollector.

vCenter reports customization as events on the VM (CustomizationStartedEvent, then
CustomizationSucceeded or a CustomizationFailed kind carrying the reason), on every version;
``guest.customizationInfo`` exists only from 7.0 U2. One EventHistoryCollector filtered to the
VM and those event types is watched (its ``latestPage``) with WaitForUpdatesEx: no sleeps, and
events posted before the collector was made are in its first page. The collector goes with the
session's logout.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.customization import FAILED_EVENTS, status
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim

EVENT_TYPES = ["CustomizationStartedEvent", "CustomizationSucceeded"] + list(FAILED_EVENTS)


def _rows(page):
    rows = []
    for event in page or []:
        kind = type(event).__name__.rsplit(".", 1)[-1]
        created = event.createdTime.isoformat() if event.createdTime else None
        rows.append((event.key, kind, created, getattr(event, "reason", None), event.fullFormattedMessage))
    return [row[1:] for row in sorted(rows, key=lambda r: r[0])]  # oldest first


def _ended(values):
    return status(_rows(values.get("latestPage")))["status"] in ("SUCCEEDED", "FAILED")


def wait_customization(session, waiter, vm, name, timeout):
    """The customization status of ``vm`` once it has ended (see customization.status)."""
    flt = vim.event.EventFilterSpec(entity=vim.event.EventFilterSpec.ByEntity(entity=vm, recursion="self"),
                                    eventTypeId=EVENT_TYPES)
    collector = session.content.eventManager.CreateCollectorForEvents(filter=flt)
    values = waiter.watch(collector, ["latestPage"], _ended, timeout, "the end of the guest customization of VM '%s'" % name)
    return status(_rows(values.get("latestPage")))
