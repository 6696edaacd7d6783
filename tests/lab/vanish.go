package main

// Objects that vanish between two calls (POST /lab/vanish).
//
//	{"object": "DC0_H0_VM0", "after": "RetrievePropertiesEx", "nth": 1, "how": "destroy"}
//
// Right after the nth call of method "after" (a SOAP method, or a REST call as
// /lab/calls keys it: "GET /api/vcenter/vm"; counted from when the rule is set,
// any session) has been answered, the object is removed from the
// inventory, the way another client would remove it: "destroy" (VMs are
// powered off first, then Destroy_Task; a snapshot moid: RemoveSnapshot_Task
// without children; any other entity: Destroy_Task) or "unregister" (VMs:
// powered off, then UnregisterVM, the files stay). The removal runs before the answered call's
// handler returns, so the caller's next call finds the object gone: a module
// that looked a VM up and reads it next sees exactly the race a busy vCenter
// produces. Each rule fires once; GET lists the rules with "fired" and the
// outcome, DELETE clears them; a reset clears them too.

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

type vanishRule struct {
	Object string `json:"object"`
	After  string `json:"after"`
	Nth    int    `json:"nth"`
	How    string `json:"how"`
	Seen   int    `json:"seen"`
	Fired  bool   `json:"fired"`
	Moid   string `json:"moid,omitempty"`
	Error  string `json:"error,omitempty"`
}

type vanishSet struct {
	mu    sync.Mutex
	rules []*vanishRule
}

func (vs *vanishSet) list() []vanishRule {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	out := make([]vanishRule, 0, len(vs.rules))
	for _, r := range vs.rules {
		out = append(out, *r)
	}
	return out
}

// due counts the call and returns the rules that fire now.
func (vs *vanishSet) due(method string) []*vanishRule {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	var out []*vanishRule
	for _, r := range vs.rules {
		if r.Fired || r.After != method {
			continue
		}
		r.Seen++
		if r.Seen >= r.Nth {
			r.Fired = true
			out = append(out, r)
		}
	}
	return out
}

// findObject resolves a moid or an entity name in the registry.
func findObject(reg *simulator.Registry, name string) (types.ManagedObjectReference, bool) {
	var found []types.ManagedObjectReference
	for _, o := range reg.AllReference("") {
		ref := o.Reference()
		if ref.Value == name {
			return ref, true
		}
		if e, ok := o.(mo.Entity); ok && e.Entity().Name == name {
			found = append(found, ref)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return types.ManagedObjectReference{}, false
}

func removeObject(m *simulator.Model, ref types.ManagedObjectReference, how string) error {
	ctx := context.Background()
	c, err := vim25.NewClient(ctx, m.Service)
	if err != nil {
		return err
	}
	wait := func(t *object.Task, err error) error {
		if err != nil {
			return err
		}
		return t.Wait(ctx)
	}
	switch {
	case ref.Type == "VirtualMachineSnapshot":
		res, err := methods.RemoveSnapshot_Task(ctx, c, &types.RemoveSnapshot_Task{This: ref, RemoveChildren: false})
		if err != nil {
			return err
		}
		return object.NewTask(c, res.Returnval).Wait(ctx)
	case ref.Type == "VirtualMachine":
		vm := object.NewVirtualMachine(c, ref)
		if st, err := vm.PowerState(ctx); err == nil && st != types.VirtualMachinePowerStatePoweredOff {
			if err := wait(vm.PowerOff(ctx)); err != nil {
				return err
			}
		}
		if how == "unregister" {
			return vm.Unregister(ctx) // vCenter too refuses to unregister a powered-on VM
		}
		return wait(vm.Destroy(ctx))
	case how == "unregister":
		return fmt.Errorf("unregister applies to VMs only, not %s", ref.Type)
	default:
		return wait(object.NewCommon(c, ref).Destroy(ctx))
	}
}

func init() {
	registerExtension("vanish", func(l *Lab) {
		vs := &vanishSet{}
		model := l.Model()
		l.HandleAfterSOAP(func(method string) {
			for _, r := range vs.due(method) {
				ref, ok := findObject(model.Map(), r.Object)
				var err error
				if !ok {
					err = fmt.Errorf("no single object named %q", r.Object)
				} else {
					err = removeObject(model, ref, r.How)
				}
				vs.mu.Lock()
				r.Moid = ref.Value
				if err != nil {
					r.Error = err.Error()
					logf("vanish %s: %v", r.Object, err)
				}
				vs.mu.Unlock()
			}
		})
		l.HandleControl("vanish", func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet:
				writeJSON(w, 200, map[string]any{"rules": vs.list()})
			case http.MethodDelete:
				vs.mu.Lock()
				vs.rules = nil
				vs.mu.Unlock()
				writeJSON(w, 200, map[string]any{"rules": []vanishRule{}})
			case http.MethodPost:
				var rule vanishRule
				if !decode(w, r, &rule) {
					return
				}
				if rule.Nth == 0 {
					rule.Nth = 1
				}
				if rule.How == "" {
					rule.How = "destroy"
				}
				switch {
				case rule.Object == "" || rule.After == "":
					writeJSON(w, 400, map[string]string{"error": `"object" and "after" are required`})
					return
				case rule.Nth < 1:
					writeJSON(w, 400, map[string]string{"error": `"nth" must be 1 or more`})
					return
				case rule.How != "destroy" && rule.How != "unregister":
					writeJSON(w, 400, map[string]string{"error": `"how" is "destroy" or "unregister"`})
					return
				}
				if _, ok := findObject(model.Map(), rule.Object); !ok {
					writeJSON(w, 400, map[string]string{"error": fmt.Sprintf("no single object named %q", rule.Object)})
					return
				}
				rule.Seen, rule.Fired, rule.Moid, rule.Error = 0, false, "", ""
				vs.mu.Lock()
				vs.rules = append(vs.rules, &rule)
				vs.mu.Unlock()
				writeJSON(w, 200, map[string]any{"rules": vs.list()})
			default:
				writeJSON(w, 405, map[string]string{"error": "GET, POST or DELETE"})
			}
		})
	})
}
