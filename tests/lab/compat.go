package main

// pyVmomi compatibility fixes (see /work/shared/LAB.md):
//  1. runtime/summary.runtime faultToleranceState and recordReplayState are
//     sent empty by vcsim; pyVmomi rejects the empty enum. Set on every VM at
//     build time and whenever a VM enters the registry (CreateVM, Clone,
//     ImportVApp, RegisterVM all end in Registry.Put) or its runtime changes.
//  2. PropertyCollector.Fetch of an unset property answers a
//     RetrievePropertiesExResponse; the lab answers an empty FetchResponse.
//  3. A panic inside a task body killed the process; task bodies are wrapped
//     so the task ends in error with SystemError instead.

import (
	"fmt"
	"log"
	"reflect"
	"runtime/debug"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func fixVM(vm *simulator.VirtualMachine) {
	if vm.Runtime.FaultToleranceState == "" {
		vm.Runtime.FaultToleranceState = types.VirtualMachineFaultToleranceStateNotConfigured
	}
	if vm.Runtime.RecordReplayState == "" {
		vm.Runtime.RecordReplayState = types.VirtualMachineRecordReplayStateInactive
	}
	if vm.Summary.Runtime.FaultToleranceState == "" {
		vm.Summary.Runtime.FaultToleranceState = vm.Runtime.FaultToleranceState
	}
	if vm.Summary.Runtime.RecordReplayState == "" {
		vm.Summary.Runtime.RecordReplayState = vm.Runtime.RecordReplayState
	}
}

// compatHandler is a Registry RegisterObject handler.
type compatHandler struct{ Self types.ManagedObjectReference }

func (h *compatHandler) Reference() types.ManagedObjectReference { return h.Self }

func (h *compatHandler) PutObject(_ *simulator.Context, obj mo.Reference) {
	switch x := obj.(type) {
	case *simulator.VirtualMachine:
		fixVM(x)
		relabelVM(x) // devices.go
	case *simulator.Task:
		guardTask(x)
	}
}

func (h *compatHandler) UpdateObject(_ *simulator.Context, obj mo.Reference, changes []types.PropertyChange) {
	vm, ok := obj.(*simulator.VirtualMachine)
	if !ok {
		return
	}
	for _, c := range changes {
		if strings.HasPrefix(c.Name, "runtime") || strings.HasPrefix(c.Name, "summary") {
			fixVM(vm)
			return
		}
	}
}

func (h *compatHandler) RemoveObject(*simulator.Context, types.ManagedObjectReference) {}

// guardTask turns a panic in the task body into a SystemError task result.
// Task.Run puts the task in the registry before starting its goroutine, so
// the wrapper is always in place in time.
func guardTask(t *simulator.Task) {
	run := t.Execute
	if run == nil {
		return
	}
	t.Execute = func(task *simulator.Task) (res types.AnyType, fault types.BaseMethodFault) {
		defer func() {
			if p := recover(); p != nil {
				log.Printf("lab: recovered panic in task %s (%s): %v\n%s", task.Info.Name, task.Self.Value, p, debug.Stack())
				res, fault = nil, &types.SystemError{Reason: fmt.Sprintf("vcsim panic in %s: %v", task.Info.Name, p)}
			}
		}()
		return run(task)
	}
}

// applyCompat fixes the VMs already built and hooks the registry for later ones.
func applyCompat(r *simulator.Registry) {
	for _, e := range r.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok {
			fixVM(vm)
			relabelVM(vm)
		}
	}
	r.AddHandler(&compatHandler{Self: types.ManagedObjectReference{Type: "LabCompat", Value: "lab-compat"}})
	r.Put(&dispatcher{mo.ExtensibleManagedObject{Self: dispatcherRef}})
}

// fetchHook answers Fetch via vcsim, fixing the response type for unset properties.
func fetchHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	si, ok := ctx.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	if !ok {
		return nil
	}
	pc := ctx.Map.Get(si.Content.PropertyCollector)
	fn := reflect.ValueOf(pc).MethodByName("Fetch")
	if !fn.IsValid() {
		return nil
	}
	out := fn.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(m.Body)})
	res, _ := out[0].Interface().(soap.HasFault)
	if res == nil {
		return nil
	}
	if _, wrong := res.(*methods.RetrievePropertiesExBody); wrong && res.Fault() == nil {
		return soapResult("Fetch", nil) // unset property: empty FetchResponse
	}
	return res
}

func init() {
	registerExtension("compat", func(l *Lab) {
		l.HandleSOAP("Fetch", fetchHook)
	})
}
