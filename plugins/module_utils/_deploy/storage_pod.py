# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A datastore cluster (StoragePod) as a deploy's datastore: Storage DRS chooses the datastore.

pick_datastore() asks StorageResourceManager.RecommendDatastores for an initial placement of a
new VM (type ``create``, read-only: recommendations are not applied) and takes the first (best
rated) recommendation's destination, as the vSphere Client does when a datastore cluster is the
target. vCenter gives no recommendation when Storage DRS is off on the cluster: then a datastore
of it must be named. One round trip.
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl


def is_pod(ref):
    return isinstance(ref, vim.StoragePod)


def pick_datastore(session, pod, pod_name, pool, folder, name):
    """The datastore Storage DRS recommends in ``pod`` for a new VM ``name`` (a vim.Datastore)."""
    spec = vim.storageDrs.StoragePlacementSpec(
        type="create", resourcePool=pool, folder=folder, configSpec=vim.vm.ConfigSpec(name=name),
        podSelectionSpec=vim.storageDrs.PodSelectionSpec(
            storagePod=pod, initialVmConfig=[vim.storageDrs.PodSelectionSpec.VmPodConfig(storagePod=pod, disk=[])]))
    try:
        result = session.content.storageResourceManager.RecommendDatastores(storageSpec=spec)
    except vmodl.fault.InvalidArgument:
        result = None  # vCenter refuses a pod without Storage DRS as a placement
    recommendations = result.recommendations if result is not None else []
    for rec in sorted(recommendations or [], key=lambda r: -(r.rating or 0)):
        for action in rec.action or []:
            if isinstance(action, vim.storageDrs.StoragePlacementAction) and action.destination is not None:
                return action.destination
    raise InvalidInput("datastore cluster '%s' gives no placement recommendation (is Storage DRS on?): "
                       "name one of its datastores instead" % pod_name, fault_type="NoStorageRecommendation")
