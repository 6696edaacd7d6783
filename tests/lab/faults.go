package main

// Fault rules (POST /lab/faults).
//
//	{"method": "PowerOffVM_Task", ...}  the call itself answers a SOAP fault
//	{"task":   "PowerOffVM_Task", ...}  the call succeeds and returns a Task that
//	                                    ends in state error with the fault in
//	                                    info.error; the inventory is untouched
//
// Common fields: object (entity name, moid, or "*"/"" for any), fault (a vim
// fault type name), message, count (times to fire, 0 = unlimited), skip
// (matching calls to let through first), delay_ms (call faults: sleep before
// answering; task faults: the task stays running that long before failing).

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type faultRule struct {
	Method  string `json:"method,omitempty"`
	Task    string `json:"task,omitempty"`
	Object  string `json:"object,omitempty"`
	Fault   string `json:"fault"`
	Message string `json:"message,omitempty"`
	Count   int    `json:"count,omitempty"`
	Skip    int    `json:"skip,omitempty"`
	DelayMS int    `json:"delay_ms,omitempty"`
	Fired   int    `json:"fired"`
	seen    int
}

type faultSet struct {
	mu    sync.Mutex
	rules []*faultRule
}

func (fs *faultSet) add(r *faultRule) error {
	if (r.Method == "") == (r.Task == "") {
		return fmt.Errorf(`exactly one of "method" or "task" is required`)
	}
	if r.Fault == "" {
		return fmt.Errorf(`"fault" is required`)
	}
	if _, err := newFault(r.Fault, "", types.ManagedObjectReference{}); err != nil {
		return err
	}
	fs.mu.Lock()
	fs.rules = append(fs.rules, r)
	fs.mu.Unlock()
	return nil
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	fs.rules = nil
	fs.mu.Unlock()
}

func (fs *faultSet) list() []faultRule {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]faultRule, 0, len(fs.rules))
	for _, r := range fs.rules {
		out = append(out, *r)
	}
	return out
}

func objectMatches(ctx *simulator.Context, pattern string, ref types.ManagedObjectReference) bool {
	if pattern == "" || pattern == "*" || pattern == ref.Value {
		return true
	}
	if e, ok := ctx.Map.Get(ref).(mo.Entity); ok {
		return e.Entity().Name == pattern
	}
	return false
}

// match returns the first rule that fires for this call, counting skip/count.
func (fs *faultSet) match(ctx *simulator.Context, m *simulator.Method) *faultRule {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, r := range fs.rules {
		name := r.Method
		if name == "" {
			name = r.Task
		}
		if name != m.Name || (r.Count > 0 && r.Fired >= r.Count) || !objectMatches(ctx, r.Object, m.This) {
			continue
		}
		r.seen++
		if r.seen <= r.Skip {
			continue
		}
		r.Fired++
		c := *r
		return &c
	}
	return nil
}

func (fs *faultSet) apply(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	r := fs.match(ctx, m)
	if r == nil {
		return nil
	}
	f, _ := newFault(r.Fault, r.Message, m.This)
	msg := r.Message
	if msg == "" {
		msg = fmt.Sprintf("%s (lab fault rule)", r.Fault)
	}
	if r.Method != "" {
		if r.DelayMS > 0 {
			time.Sleep(time.Duration(r.DelayMS) * time.Millisecond)
		}
		return soapFault(msg, f)
	}
	if ctx.Map.Get(m.This) == nil {
		return nil // let vcsim answer ManagedObjectNotFound
	}
	task := failedTask(ctx, m, f, msg, time.Duration(r.DelayMS)*time.Millisecond)
	return soapResult(m.Name, task)
}

// failedTask registers a Task for m.This that ends in error after d, without running anything.
func failedTask(ctx *simulator.Context, m *simulator.Method, f types.BaseMethodFault, msg string, d time.Duration) types.ManagedObjectReference {
	now := time.Now()
	t := &simulator.Task{}
	t.Info.Name = m.Name
	t.Info.DescriptionId = fmt.Sprintf("%s.%s", m.This.Type, m.Name)
	entity := m.This
	t.Info.Entity = &entity
	if e, ok := ctx.Map.Get(m.This).(mo.Entity); ok {
		t.Info.EntityName = e.Entity().Name
	}
	t.Info.Reason = &types.TaskReasonUser{UserName: ctx.Session.UserName}
	t.Info.QueueTime, t.Info.StartTime = now, &now
	t.Info.State = types.TaskInfoStateRunning
	lf := &types.LocalizedMethodFault{Fault: f, LocalizedMessage: msg}
	if d <= 0 {
		t.Info.State, t.Info.Error, t.Info.CompleteTime = types.TaskInfoStateError, lf, &now
	}
	ctx.Map.Put(t)
	t.Info.Key, t.Info.Task = t.Self.Value, t.Self
	if d > 0 {
		bg := &simulator.Context{Context: context.Background(), Map: ctx.Map, Session: ctx.Session}
		time.AfterFunc(d, func() {
			ctx.Map.AtomicUpdate(bg, t, []types.PropertyChange{
				{Name: "info.completeTime", Val: time.Now()},
				{Name: "info.state", Val: types.TaskInfoStateError},
				{Name: "info.error", Val: lf},
			})
		})
	}
	return t.Self
}

// newFault builds a vim fault by type name ("InvalidState", "NotFound", ...),
// filling the fields clients commonly read.
func newFault(name, msg string, obj types.ManagedObjectReference) (types.BaseMethodFault, error) {
	t, ok := types.TypeFunc()(name)
	if !ok {
		return nil, fmt.Errorf("unknown fault type %q", name)
	}
	f, ok := reflect.New(t).Interface().(types.BaseMethodFault)
	if !ok {
		return nil, fmt.Errorf("%q is not a fault type", name)
	}
	switch x := f.(type) {
	case *types.SystemError:
		x.Reason = msg
	case *types.InvalidPowerState:
		x.ExistingState = types.VirtualMachinePowerStatePoweredOff
		x.RequestedState = types.VirtualMachinePowerStatePoweredOn
	case *types.ManagedObjectNotFound:
		x.Obj = obj
	case *types.NotAuthenticated:
		x.Object = &obj
		x.PrivilegeId = "System.View"
	case *types.NoPermission:
		x.Object = &obj
		x.PrivilegeId = "System.View"
	case *types.InvalidArgument:
		x.InvalidProperty = msg
	case *types.TaskInProgress:
		// the (fictitious) task said to hold the object; clients only read its type
		x.Task = types.ManagedObjectReference{Type: "Task", Value: "task-lab-busy"}
	case *types.FileFault:
		x.File = msg
	case *types.FileNotFound:
		x.File = msg
	}
	if msg != "" {
		f.GetMethodFault().FaultMessage = []types.LocalizableMessage{{Key: "com.vmware.lab.fault", Message: msg}}
	}
	return f, nil
}
