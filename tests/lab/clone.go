package main

// CloneVM_Task as a real vCenter does it (an extension). vcsim's clone copies
// only numCPUs, memoryMB and extraConfig from spec.config, ignores
// spec.location.diskMoveType, and runs guest customization synchronously inside
// the power-on task (failing the clone when it fails). The lab instead:
//
//   - refuses, inside the task, what vCenter refuses: memoryMB not a positive
//     multiple of 4, numCPUs not a multiple of numCoresPerSocket
//     (InvalidArgument), a destination that is not a folder
//     (ManagedObjectNotFound), a linked clone (diskMoveType
//     createNewChildDiskBacking) without spec.snapshot or with a snapshot of
//     another VM (InvalidArgument spec.snapshot), a customization whose NIC
//     settings do not match the source's NICs (NicSettingMismatch) or whose
//     identity does not fit the guest OS family (UncustomizableGuest);
//   - applies spec.config's numCoresPerSocket, guestId and annotation as well;
//   - gives a linked clone delta disks whose backing parent is the source's disk
//     (so every linked clone of one template shares the parent's chain);
//   - hands spec.customization to the guest customization of customization.go:
//     pending after the clone, run by the guest after power-on, asynchronously,
//     with its events; the clone task itself succeeds as on vCenter.
//
// The clone runs as vcsim's task behind a lab task (the one returned), so task
// delays keyed "CloneVM_Task" keep the returned task running.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// sizeFault checks spec sizes against the hardware they apply to.
func sizeFault(hw types.VirtualHardware, spec *types.VirtualMachineConfigSpec) (types.BaseMethodFault, string) {
	if spec == nil {
		return nil, ""
	}
	if spec.MemoryMB != 0 && (spec.MemoryMB < 0 || spec.MemoryMB%4 != 0) {
		return &types.InvalidArgument{InvalidProperty: "memoryMB"},
			fmt.Sprintf("Memory size %d MB is not a positive multiple of 4 MB.", spec.MemoryMB)
	}
	cpus, cores := hw.NumCPU, int32(1)
	if hw.NumCoresPerSocket != nil && *hw.NumCoresPerSocket > 0 {
		cores = *hw.NumCoresPerSocket
	}
	if spec.NumCPUs != 0 {
		cpus = spec.NumCPUs
	}
	if spec.NumCoresPerSocket != nil {
		cores = *spec.NumCoresPerSocket
	}
	if cpus <= 0 || cores <= 0 || cpus%cores != 0 {
		return &types.InvalidArgument{InvalidProperty: "numCoresPerSocket"},
			fmt.Sprintf("Cannot support %d CPUs using %d cores per socket: the CPU count must be a multiple of the cores per socket.", cpus, cores)
	}
	return nil, ""
}

func nicCount(vm *simulator.VirtualMachine) int {
	return len(object.VirtualDeviceList(vm.Config.Hardware.Device).SelectByType((*types.VirtualEthernetCard)(nil)))
}

func isWindowsGuest(guestID string) bool { return strings.HasPrefix(strings.ToLower(guestID), "win") }

// customizationFault is what vCenter answers for a spec that cannot fit vm.
func customizationFault(vm *simulator.VirtualMachine, spec *types.CustomizationSpec) (types.BaseMethodFault, string) {
	if spec == nil {
		return nil, ""
	}
	_, cloudInit := spec.Identity.(*types.CustomizationCloudinitPrep)
	if !(cloudInit && len(spec.NicSettingMap) == 0) && len(spec.NicSettingMap) != nicCount(vm) {
		return &types.NicSettingMismatch{NumberOfNicsInSpec: int32(len(spec.NicSettingMap)), NumberOfNicsInVM: int32(nicCount(vm))},
			fmt.Sprintf("The number of network adapter settings in the customization specification: %d does not match the number of network adapters present in the virtual machine: %d.", len(spec.NicSettingMap), nicCount(vm))
	}
	windows := isWindowsGuest(vm.Config.GuestId)
	switch spec.Identity.(type) {
	case *types.CustomizationSysprep, *types.CustomizationSysprepText:
		if !windows {
			return &types.UncustomizableGuest{UncustomizableGuestOS: vm.Config.GuestId},
				fmt.Sprintf("Customization of the guest operating system '%s' is not supported with a Windows sysprep specification.", vm.Config.GuestId)
		}
	case *types.CustomizationLinuxPrep:
		if windows {
			return &types.UncustomizableGuest{UncustomizableGuestOS: vm.Config.GuestId},
				fmt.Sprintf("Customization of the guest operating system '%s' is not supported with a Linux specification.", vm.Config.GuestId)
		}
	}
	return nil, ""
}

func hasSnapshot(vm *simulator.VirtualMachine, ref types.ManagedObjectReference) bool {
	if vm.Snapshot == nil {
		return false
	}
	var walk func([]types.VirtualMachineSnapshotTree) bool
	walk = func(nodes []types.VirtualMachineSnapshotTree) bool {
		for _, n := range nodes {
			if n.Snapshot == ref || walk(n.ChildSnapshotList) {
				return true
			}
		}
		return false
	}
	return walk(vm.Snapshot.RootSnapshotList)
}

func cloneFault(ctx *simulator.Context, src *simulator.VirtualMachine, req *types.CloneVM_Task) (types.BaseMethodFault, string) {
	if _, ok := ctx.Map.Get(req.Folder).(*simulator.Folder); !ok {
		return &types.ManagedObjectNotFound{Obj: req.Folder}, fmt.Sprintf("The object '%s' has already been deleted or has not been completely created", req.Folder.Value)
	}
	if f, msg := sizeFault(src.Config.Hardware, req.Spec.Config); f != nil {
		return f, msg
	}
	if req.Spec.Location.DiskMoveType == string(types.VirtualMachineRelocateDiskMoveOptionsCreateNewChildDiskBacking) {
		if req.Spec.Snapshot == nil {
			return &types.InvalidArgument{InvalidProperty: "spec.snapshot"}, "A linked clone (createNewChildDiskBacking) needs spec.snapshot."
		}
		if !hasSnapshot(src, *req.Spec.Snapshot) {
			return &types.InvalidArgument{InvalidProperty: "spec.snapshot"}, "The snapshot is not a snapshot of the source virtual machine."
		}
	}
	if req.Spec.Template {
		return nil, ""
	}
	probe := src
	if cfg := req.Spec.Config; cfg != nil && cfg.GuestId != "" && cfg.GuestId != src.Config.GuestId {
		probe = &simulator.VirtualMachine{VirtualMachine: mo.VirtualMachine{Config: &types.VirtualMachineConfigInfo{GuestId: cfg.GuestId, Hardware: src.Config.Hardware}}}
	}
	return customizationFault(probe, req.Spec.Customization)
}

// labTask makes a running task for m that the lab completes with finishTask.
func labTask(ctx *simulator.Context, m *simulator.Method) *simulator.Task {
	now := time.Now()
	t := &simulator.Task{}
	t.Info.Name = m.Name
	t.Info.DescriptionId = fmt.Sprintf("%s.%s", m.This.Type, strings.TrimSuffix(m.Name, "_Task"))
	entity := m.This
	t.Info.Entity = &entity
	if e, ok := ctx.Map.Get(m.This).(mo.Entity); ok {
		t.Info.EntityName = e.Entity().Name
	}
	t.Info.Reason = &types.TaskReasonUser{UserName: ctx.Session.UserName}
	t.Info.QueueTime, t.Info.StartTime = now, &now
	t.Info.State = types.TaskInfoStateRunning
	ctx.Map.Put(t)
	t.Info.Key, t.Info.Task = t.Self.Value, t.Self
	return t
}

func finishTask(ctx *simulator.Context, t *simulator.Task, result types.AnyType, fault *types.LocalizedMethodFault) {
	state := types.TaskInfoStateSuccess
	var errVal any
	if fault != nil {
		state, errVal = types.TaskInfoStateError, fault
	}
	ctx.Map.AtomicUpdate(ctx, t, []types.PropertyChange{
		{Name: "info.completeTime", Val: time.Now()},
		{Name: "info.state", Val: state},
		{Name: "info.result", Val: result},
		{Name: "info.error", Val: errVal},
	})
}

func background(ctx *simulator.Context) *simulator.Context {
	return &simulator.Context{Context: context.Background(), Map: ctx.Map, Session: ctx.Session}
}

// taskOf returns the task a vcsim *_Task method body returned.
func taskOf(ctx *simulator.Context, body soap.HasFault) (*simulator.Task, *types.LocalizedMethodFault) {
	if f := body.Fault(); f != nil {
		fault, _ := f.VimFault().(types.BaseMethodFault)
		return nil, &types.LocalizedMethodFault{Fault: fault, LocalizedMessage: f.String}
	}
	var ref types.ManagedObjectReference
	switch b := body.(type) {
	case *methods.CloneVM_TaskBody:
		ref = b.Res.Returnval
	case *methods.PowerOnVM_TaskBody:
		ref = b.Res.Returnval
	}
	t, _ := ctx.Map.Get(ref).(*simulator.Task)
	return t, nil
}

func waitTask(t *simulator.Task) *types.LocalizedMethodFault {
	t.Wait()
	return t.Info.Error
}

// linkDisks turns the clone's disks into children of the source's disks.
func linkDisks(ctx *simulator.Context, src, clone *simulator.VirtualMachine) {
	var parents []*types.VirtualDiskFlatVer2BackingInfo
	ctx.WithLock(src, func() {
		for _, d := range object.VirtualDeviceList(src.Config.Hardware.Device).SelectByType((*types.VirtualDisk)(nil)) {
			if b, ok := d.(*types.VirtualDisk).Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
				p := *b
				parents = append(parents, &p)
			}
		}
	})
	ctx.WithLock(clone, func() {
		devices := object.VirtualDeviceList(clone.Config.Hardware.Device)
		for i, d := range devices.SelectByType((*types.VirtualDisk)(nil)) {
			if b, ok := d.(*types.VirtualDisk).Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok && i < len(parents) {
				b.Parent = parents[i]
				b.DeltaDiskFormat = string(types.VirtualDiskDeltaDiskFormatRedoLogFormat)
			}
		}
		ctx.Update(clone, []types.PropertyChange{{Name: "config.hardware.device", Val: []types.BaseVirtualDevice(devices)}})
	})
}

// finishClone applies what vcsim's clone leaves out.
func finishClone(ctx *simulator.Context, src, clone *simulator.VirtualMachine, spec *types.VirtualMachineCloneSpec) {
	if spec.Location.DiskMoveType == string(types.VirtualMachineRelocateDiskMoveOptionsCreateNewChildDiskBacking) {
		linkDisks(ctx, src, clone)
	}
	cfg := spec.Config
	if cfg == nil {
		return
	}
	var changes []types.PropertyChange
	if cfg.NumCoresPerSocket != nil {
		changes = append(changes, types.PropertyChange{Name: "config.hardware.numCoresPerSocket", Val: *cfg.NumCoresPerSocket},
			types.PropertyChange{Name: "summary.config.numCpu", Val: clone.Config.Hardware.NumCPU})
	}
	if cfg.GuestId != "" {
		changes = append(changes, types.PropertyChange{Name: "config.guestId", Val: cfg.GuestId},
			types.PropertyChange{Name: "summary.config.guestId", Val: cfg.GuestId})
	}
	if cfg.Annotation != "" {
		changes = append(changes, types.PropertyChange{Name: "config.annotation", Val: cfg.Annotation},
			types.PropertyChange{Name: "summary.config.annotation", Val: cfg.Annotation})
	}
	if len(changes) > 0 {
		ctx.WithLock(clone, func() { ctx.Update(clone, changes) })
	}
}

func runClone(ctx *simulator.Context, cs *custState, t *simulator.Task, src *simulator.VirtualMachine, req types.CloneVM_Task) {
	spec := req.Spec
	inner := req
	inner.Spec.Customization, inner.Spec.PowerOn = nil, false
	var body soap.HasFault
	ctx.WithLock(src, func() { body = src.CloneVMTask(ctx, &inner) })
	task, fault := taskOf(ctx, body)
	if fault == nil {
		fault = waitTask(task)
	}
	if fault != nil {
		finishTask(ctx, t, nil, fault)
		return
	}
	ref := task.Info.Result.(types.ManagedObjectReference)
	clone := ctx.Map.Get(ref).(*simulator.VirtualMachine)
	finishClone(ctx, src, clone, &spec)
	if spec.Customization != nil && !spec.Template {
		cs.setPending(ctx, clone, spec.Customization)
	}
	if spec.PowerOn && !spec.Template {
		ctx.WithLock(clone, func() { body = clone.PowerOnVMTask(ctx, &types.PowerOnVM_Task{This: ref}) })
		ptask, fault := taskOf(ctx, body)
		if fault == nil {
			fault = waitTask(ptask)
		}
		if fault != nil {
			finishTask(ctx, t, nil, fault)
			return
		}
		cs.poweredOn(ctx, clone)
	}
	finishTask(ctx, t, ref, nil)
}

func cloneHook(cs *custState) SOAPHook {
	return func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
		src, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
		req, ok2 := m.Body.(*types.CloneVM_Task)
		if !ok || !ok2 {
			return nil
		}
		var fault types.BaseMethodFault
		var msg string
		ctx.WithLock(src, func() { fault, msg = cloneFault(ctx, src, req) })
		if fault != nil {
			return soapResult(m.Name, failedTask(ctx, m, fault, msg, 0))
		}
		t := labTask(ctx, m)
		go runClone(background(ctx), cs, t, src, *req)
		return soapResult(m.Name, t.Self)
	}
}

func init() {
	registerExtension("clone", func(l *Lab) {
		l.HandleSOAP("CloneVM_Task", cloneHook(customizations(l)))
	})
}
