package main

// Snapshots as the vSphere API reference describes them, where vcsim lacks or
// fakes them (an extension; see /work/shared/LAB.md):
//
//   - RenameSnapshot (missing in vcsim): sets a new name and/or description on
//     the snapshot; an empty or omitted value leaves that field alone.
//   - RevertToSnapshot_Task / RevertToCurrentSnapshot_Task: besides making the
//     snapshot current (vcsim's part), restore the snapshot's virtual hardware
//     and bring the VM to the power state the snapshot was taken in. With
//     suppressPowerOn, a VM whose snapshot was taken powered on is left
//     suspended (the memory state is restored, the VM is not started), as the
//     vSphere Client's "suspend this virtual machine when reverting" does.
//   - RemoveSnapshot_Task with removeChildren: vcsim cut the subtree out of the
//     tree but left currentSnapshot pointing into it, and the next
//     CreateSnapshot panicked. The subtree is now removed leaf first through
//     vcsim's own single-snapshot removal, which moves "current" up to the
//     removed snapshot's parent, exactly where vSphere puts it, and removes
//     each snapshot's object and files. consolidate=false leaves
//     runtime.consolidationNeeded set, as vSphere does.
//   - ConsolidateVMDisks_Task (missing): a task that clears
//     runtime.consolidationNeeded.
//   - CreateSnapshot_Task: quiesce only takes effect on a powered-on VM with
//     VMware Tools running (the reference: otherwise the flag is ignored; vcsim
//     marked every such snapshot quiesced), and a suspended VM's snapshot always
//     includes its memory.
//
// Control: POST /lab/consolidation {"vm": "<name or moid>", "needed": true}
// marks a VM as needing disk consolidation (or not); it answers the VM's moid
// and the new value.

import (
	"bytes"
	"net/http"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// snapshotNode finds ref in a snapshot tree; parent is the parent node's snapshot (nil at the root).
func snapshotNode(tree []types.VirtualMachineSnapshotTree, ref types.ManagedObjectReference,
	parent *types.ManagedObjectReference) (*types.VirtualMachineSnapshotTree, *types.ManagedObjectReference) {
	for i := range tree {
		if tree[i].Snapshot == ref {
			return &tree[i], parent
		}
		self := tree[i].Snapshot
		if node, p := snapshotNode(tree[i].ChildSnapshotList, ref, &self); node != nil {
			return node, p
		}
	}
	return nil, nil
}

// postOrder lists the snapshots of a subtree, children before their parent.
func postOrder(node types.VirtualMachineSnapshotTree) []types.ManagedObjectReference {
	var out []types.ManagedObjectReference
	for _, child := range node.ChildSnapshotList {
		out = append(out, postOrder(child)...)
	}
	return append(out, node.Snapshot)
}

// snapshotOf resolves a snapshot reference to its VM and tree node (a copy), under the VM's lock.
func snapshotOf(ctx *simulator.Context, ref types.ManagedObjectReference) (*simulator.VirtualMachine, *types.VirtualMachineSnapshotTree) {
	snap, ok := ctx.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	if !ok {
		return nil, nil
	}
	vm, ok := ctx.Map.Get(snap.Vm).(*simulator.VirtualMachine)
	if !ok {
		return nil, nil
	}
	var found *types.VirtualMachineSnapshotTree
	ctx.WithLock(vm, func() {
		if vm.Snapshot != nil {
			if node, _ := snapshotNode(vm.Snapshot.RootSnapshotList, ref, nil); node != nil {
				c := *node
				found = &c
			}
		}
	})
	if found == nil {
		return nil, nil
	}
	return vm, found
}

// runSubtask starts a vcsim task through its SOAP method and waits for it; the outer task's result.
func runSubtask(ctx *simulator.Context, res soap.HasFault) types.BaseMethodFault {
	if f := res.Fault(); f != nil {
		if mf, ok := f.VimFault().(types.BaseMethodFault); ok {
			return mf
		}
		return &types.SystemError{Reason: f.String}
	}
	ref := reflectReturnval(res)
	task, ok := ctx.Map.Get(ref).(*simulator.Task)
	if !ok {
		return &types.SystemError{Reason: "lab: subtask " + ref.Value + " not found"}
	}
	task.Wait()
	if task.Info.Error != nil {
		return task.Info.Error.Fault
	}
	return nil
}

func reflectReturnval(res soap.HasFault) types.ManagedObjectReference {
	switch b := res.(type) {
	case *methods.RemoveSnapshot_TaskBody:
		return b.Res.Returnval
	case *methods.RevertToSnapshot_TaskBody:
		return b.Res.Returnval
	case *methods.PowerOnVM_TaskBody:
		return b.Res.Returnval
	case *methods.PowerOffVM_TaskBody:
		return b.Res.Returnval
	case *methods.SuspendVM_TaskBody:
		return b.Res.Returnval
	}
	return types.ManagedObjectReference{}
}

func removeSnapshotHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req, ok := m.Body.(*types.RemoveSnapshot_Task)
	if !ok {
		return nil
	}
	vm, node := snapshotOf(ctx, m.This)
	if vm == nil {
		return nil // vcsim answers ManagedObjectNotFound
	}
	order := []types.ManagedObjectReference{m.This}
	if req.RemoveChildren {
		order = postOrder(*node)
	}
	consolidate := req.Consolidate == nil || *req.Consolidate
	task := simulator.CreateTask(vm, "removeSnapshot", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		for _, ref := range order {
			snap, ok := ctx.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
			if !ok {
				continue
			}
			res := snap.RemoveSnapshotTask(ctx, &types.RemoveSnapshot_Task{This: ref, RemoveChildren: false})
			if f := runSubtask(ctx, res); f != nil {
				return nil, f
			}
		}
		if !consolidate {
			setConsolidationNeeded(ctx, vm, true)
		}
		return nil, nil
	})
	return &methods.RemoveSnapshot_TaskBody{Res: &types.RemoveSnapshot_TaskResponse{Returnval: task.Run(ctx)}}
}

func setConsolidationNeeded(ctx *simulator.Context, vm *simulator.VirtualMachine, needed bool) {
	ctx.WithLock(vm, func() {
		ctx.Update(vm, []types.PropertyChange{
			{Name: "runtime.consolidationNeeded", Val: needed},
			{Name: "summary.runtime.consolidationNeeded", Val: needed},
		})
	})
}

func consolidateHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
	if !ok {
		return soapFault("", &types.ManagedObjectNotFound{Obj: m.This})
	}
	task := simulator.CreateTask(vm, "consolidateVMDisks", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		setConsolidationNeeded(ctx, vm, false)
		return nil, nil
	})
	return &methods.ConsolidateVMDisks_TaskBody{Res: &types.ConsolidateVMDisks_TaskResponse{Returnval: task.Run(ctx)}}
}

func renameSnapshotHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req, ok := m.Body.(*types.RenameSnapshot)
	if !ok {
		return nil
	}
	vm, _ := snapshotOf(ctx, m.This)
	if vm == nil {
		return soapFault("", &types.ManagedObjectNotFound{Obj: m.This})
	}
	ctx.WithLock(vm, func() {
		node, _ := snapshotNode(vm.Snapshot.RootSnapshotList, m.This, nil)
		if node == nil {
			return
		}
		if req.Name != "" {
			node.Name = req.Name
		}
		if req.Description != "" {
			node.Description = req.Description
		}
		ctx.Update(vm, []types.PropertyChange{{Name: "snapshot.rootSnapshotList", Val: vm.Snapshot.RootSnapshotList}})
	})
	return &methods.RenameSnapshotBody{Res: &types.RenameSnapshotResponse{}}
}

// copyHardware deep-copies virtual hardware (devices are pointers shared otherwise).
func copyHardware(src types.VirtualHardware) (types.VirtualHardware, error) {
	var dst types.VirtualHardware
	b, err := xml.Marshal(src)
	if err != nil {
		return dst, err
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.TypeFunc = types.TypeFunc()
	err = dec.Decode(&dst)
	return dst, err
}

// revert runs one task: vcsim's revert (current snapshot, data sets), then the
// snapshot's hardware and power state.
func revert(ctx *simulator.Context, vm *simulator.VirtualMachine, ref types.ManagedObjectReference,
	node *types.VirtualMachineSnapshotTree, suppressPowerOn bool) types.ManagedObjectReference {
	snap := ctx.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	target := node.State
	if target == types.VirtualMachinePowerStatePoweredOn && suppressPowerOn {
		target = types.VirtualMachinePowerStateSuspended
	}
	task := simulator.CreateTask(vm, "revertToSnapshot", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		if f := runSubtask(ctx, snap.RevertToSnapshotTask(ctx, &types.RevertToSnapshot_Task{This: ref})); f != nil {
			return nil, f
		}
		hw, err := copyHardware(snap.Config.Hardware)
		if err != nil {
			return nil, &types.SystemError{Reason: "lab: copying snapshot hardware: " + err.Error()}
		}
		ctx.WithLock(vm, func() {
			ctx.Update(vm, []types.PropertyChange{
				{Name: "config.hardware", Val: hw},
				{Name: "summary.config.numCpu", Val: hw.NumCPU},
				{Name: "summary.config.memorySizeMB", Val: hw.MemoryMB},
			})
		})
		return nil, powerTo(ctx, vm, target)
	})
	return task.Run(ctx)
}

// powerTo brings the VM to state with vcsim's own power tasks.
func powerTo(ctx *simulator.Context, vm *simulator.VirtualMachine, state types.VirtualMachinePowerState) types.BaseMethodFault {
	var current types.VirtualMachinePowerState
	ctx.WithLock(vm, func() { current = vm.Runtime.PowerState })
	on := func() types.BaseMethodFault {
		return runSubtask(ctx, vm.PowerOnVMTask(ctx, &types.PowerOnVM_Task{This: vm.Self}))
	}
	switch {
	case current == state:
		return nil
	case state == types.VirtualMachinePowerStatePoweredOff:
		return runSubtask(ctx, vm.PowerOffVMTask(ctx, &types.PowerOffVM_Task{This: vm.Self}))
	case state == types.VirtualMachinePowerStatePoweredOn:
		return on()
	default: // suspended: from off, start first
		if current == types.VirtualMachinePowerStatePoweredOff {
			if f := on(); f != nil {
				return f
			}
		}
		return runSubtask(ctx, vm.SuspendVMTask(ctx, &types.SuspendVM_Task{This: vm.Self}))
	}
}

func revertToSnapshotHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req, ok := m.Body.(*types.RevertToSnapshot_Task)
	if !ok {
		return nil
	}
	vm, node := snapshotOf(ctx, m.This)
	if vm == nil {
		return nil
	}
	ref := revert(ctx, vm, m.This, node, req.SuppressPowerOn != nil && *req.SuppressPowerOn)
	return &methods.RevertToSnapshot_TaskBody{Res: &types.RevertToSnapshot_TaskResponse{Returnval: ref}}
}

func revertToCurrentHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req, ok := m.Body.(*types.RevertToCurrentSnapshot_Task)
	if !ok {
		return nil
	}
	vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
	if !ok {
		return nil
	}
	var current *types.ManagedObjectReference
	ctx.WithLock(vm, func() {
		if vm.Snapshot != nil && vm.Snapshot.CurrentSnapshot != nil {
			c := *vm.Snapshot.CurrentSnapshot
			current = &c
		}
	})
	if current == nil {
		return nil // vcsim answers NotFound
	}
	_, node := snapshotOf(ctx, *current)
	if node == nil {
		return nil
	}
	ref := revert(ctx, vm, *current, node, req.SuppressPowerOn != nil && *req.SuppressPowerOn)
	return &methods.RevertToCurrentSnapshot_TaskBody{Res: &types.RevertToCurrentSnapshot_TaskResponse{Returnval: ref}}
}

func createSnapshotHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req, ok := m.Body.(*types.CreateSnapshot_Task)
	if !ok {
		return nil
	}
	vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
	if !ok {
		return nil
	}
	ctx.WithLock(vm, func() {
		on := vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn
		tools := vm.Guest != nil && vm.Guest.ToolsRunningStatus == string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
		if req.Quiesce && !(on && tools) {
			req.Quiesce = false
		}
		if vm.Runtime.PowerState == types.VirtualMachinePowerStateSuspended {
			req.Memory = true
		}
	})
	return nil // vcsim creates the snapshot from the adjusted request
}

func consolidationControl(reg *simulator.Registry) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, 405, map[string]string{"error": "POST {\"vm\": name or moid, \"needed\": bool}"})
			return
		}
		var in struct {
			VM     string `json:"vm"`
			Needed bool   `json:"needed"`
		}
		if !decode(w, r, &in) {
			return
		}
		for _, e := range reg.All("VirtualMachine") {
			vm, ok := e.(*simulator.VirtualMachine)
			if !ok || (vm.Name != in.VM && vm.Self.Value != in.VM) {
				continue
			}
			setConsolidationNeeded(&simulator.Context{Map: reg}, vm, in.Needed)
			writeJSON(w, 200, map[string]any{"vm": vm.Self.Value, "needed": in.Needed})
			return
		}
		writeJSON(w, 404, map[string]string{"error": "no VM named " + in.VM})
	}
}

func init() {
	registerExtension("snapshots", func(l *Lab) {
		l.HandleSOAP("RenameSnapshot", renameSnapshotHook)
		l.HandleSOAP("RemoveSnapshot_Task", removeSnapshotHook)
		l.HandleSOAP("RevertToSnapshot_Task", revertToSnapshotHook)
		l.HandleSOAP("RevertToCurrentSnapshot_Task", revertToCurrentHook)
		l.HandleSOAP("ConsolidateVMDisks_Task", consolidateHook)
		l.HandleSOAP("CreateSnapshot_Task", createSnapshotHook)
		l.HandleControl("consolidation", consolidationControl(l.Map()))
	})
}
