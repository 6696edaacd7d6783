package main

// Task-delay keys (POST /lab/delay {"tasks": {...}}) are vcsim's task names,
// i.e. TaskInfo.name as vcsim sets it ("ReconfigVm", "CreateSnapshotEx"), not
// the SOAP method names ("ReconfigVM_Task"). A key vcsim never uses would
// delay nothing, silently; the lab refuses it and names the right spelling.

import (
	"fmt"
	"sort"
	"strings"
)

// vcsimTaskNames: every name govmomi v0.56.0's simulator gives a task
// (CreateTask/NewTask calls, first letter upper-cased), plus the lab's own.
var vcsimTaskNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`AddDVPortgroup AddHost AddStandaloneHost AttachDisk CheckCompatibility
		CheckRelocate CheckVmConfig CloneVapp CloneVm ConfigureStorageDrsForPod CopyDatastoreFile CopyVirtualDisk
		ConsolidateVMDisks CreateDVS CreateDisk CreateSnapshot CreateSnapshotEx CreateVirtualDisk CreateVm CustomizeVm
		DeleteDatastoreFile DeleteDisk DeleteSnapshot DeleteVirtualDisk Destroy DetachDisk DisconnectHost
		EnterMaintenanceMode ExitMaintenanceMode ExtendDisk ExtendVirtualDisk ImportVAppLRO MoveDatastoreFile
		MoveInto MoveIntoFolder MoveVirtualDisk PowerOff PowerOn PowerOnMultiVM PromoteDisks QueryVirtualDiskInfo
		ReconcileDatastoreInventory ReconfigVm ReconfigureCluster ReconfigureDvPortgroup ReconfigureDvs
		ReconnectHost RegisterVm RelocateVm RemoveAllSnapshots RemoveSnapshot Rename Reset RevertSnapshot
		RevertToSnapshot SearchDatastore ShutdownGuest StandbyGuest Suspend UpdateVStorageObjectMetadataEx UpgradeVm`) {
		vcsimTaskNames[n] = true
	}
}

// soapToTaskName guesses the task name for a SOAP method name, for the error message.
var soapToTaskName = map[string]string{
	"PowerOnVM_Task": "PowerOn", "PowerOffVM_Task": "PowerOff", "SuspendVM_Task": "Suspend",
	"ResetVM_Task": "Reset", "ReconfigVM_Task": "ReconfigVm", "CloneVM_Task": "CloneVm",
	"CreateSnapshot_Task": "CreateSnapshotEx", "CreateSnapshotEx_Task": "CreateSnapshotEx",
	"RemoveSnapshot_Task": "RemoveSnapshot", "RevertToSnapshot_Task": "RevertToSnapshot",
	"RemoveAllSnapshots_Task": "RemoveAllSnapshots", "Destroy_Task": "Destroy", "UpgradeVM_Task": "UpgradeVm",
	"RelocateVM_Task": "RelocateVm", "CustomizeVM_Task": "CustomizeVm", "ConsolidateVMDisks_Task": "ConsolidateVMDisks",
}

// checkTaskDelays returns an error naming the first key vcsim would never match.
func checkTaskDelays(tasks map[string]int) error {
	keys := make([]string, 0, len(tasks))
	for k := range tasks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if vcsimTaskNames[k] {
			if tasks[k] < 0 {
				return fmt.Errorf("task delay %q: %d ms is negative", k, tasks[k])
			}
			continue
		}
		hint := "keys are task names (TaskInfo.name), e.g. PowerOff, ReconfigVm, CreateSnapshotEx"
		if t, ok := soapToTaskName[k]; ok {
			hint = fmt.Sprintf("the task %s starts is named %q", k, t)
		}
		return fmt.Errorf("unknown task name %q: %s", k, hint)
	}
	return nil
}
