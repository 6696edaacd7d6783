"""Datastore clusters in the lab: ConfigureStorageDrsForPod_Task names the pod as its entity (vcsim
named the StorageResourceManager, which pyVmomi cannot read), and RecommendDatastores places a new
VM on a datastore of a pod with Storage DRS on, and refuses a pod with it off."""
import time

import pytest
from pyVmomi import vim, vmodl


def configure(si, pod, enabled):
    task = si.content.storageResourceManager.ConfigureStorageDrsForPod_Task(
        pod=pod, modify=True, spec=vim.storageDrs.ConfigSpec(podConfigSpec=vim.storageDrs.PodConfigSpec(enabled=enabled)))
    deadline = time.time() + 10
    while task.info.state not in ("success", "error") and time.time() < deadline:
        time.sleep(0.02)
    return task


def placement(si, pod, pool):
    spec = vim.storageDrs.StoragePlacementSpec(
        type="create", resourcePool=pool, configSpec=vim.vm.ConfigSpec(name="placed"),
        podSelectionSpec=vim.storageDrs.PodSelectionSpec(
            storagePod=pod, initialVmConfig=[vim.storageDrs.PodSelectionSpec.VmPodConfig(storagePod=pod, disk=[])]))
    return si.content.storageResourceManager.RecommendDatastores(storageSpec=spec)


def test_storage_drs_task_and_placement(si):
    dc = si.content.rootFolder.childEntity[0]
    ds = dc.datastore[0]
    pool = [c for c in dc.hostFolder.childEntity if c.name == "DC0_C0"][0].resourcePool
    pod = dc.datastoreFolder.CreateStoragePod(name="pod")
    task = configure(si, pod, True)
    assert task.info.state == "success" and task.info.entity == pod and task.info.entityName == "pod"
    assert pod.podStorageDrsEntry.storageDrsConfig.podConfig.enabled is True
    move = pod.MoveIntoFolder_Task(list=[ds])
    deadline = time.time() + 10
    while move.info.state not in ("success", "error") and time.time() < deadline:
        time.sleep(0.02)
    assert list(pod.childEntity) == [ds]
    recs = placement(si, pod, pool).recommendations
    assert recs and recs[0].action[0].destination == ds
    configure(si, pod, False)
    with pytest.raises(vmodl.fault.InvalidArgument):
        placement(si, pod, pool)
