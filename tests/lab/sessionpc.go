package main

// One PropertyCollector per session, each one told of every change.
//
// vCenter gives every session its own view of the PropertyCollector singleton
// (same moid "propertyCollector", separate filters and update queues). vcsim
// does create one instance per session, but registers each as a registry
// listener under its moid when it first calls WaitForUpdatesEx(version ""):
// listeners are keyed by moid, so every session's collector replaces the
// previous one and only the newest session is told of updates. With several
// sessions waiting at once (forks of one playbook), all but one wait until
// their timeout.
//
// The lab keeps the listener out of vcsim's moid-keyed map: the first
// WaitForUpdatesEx of a session's root collector runs vcsim's own code (which
// collects the current state and registers the listener), then the lab moves
// that listener into a fan-out keyed by session, which forwards every
// create/update/delete to each live session's collector. Collectors made
// with CreatePropertyCollector have unique moids and need none of this.
// Sessions that logged out are dropped at Logout; terminated or expired ones
// when the next session starts waiting.

import (
	"net/http"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type pcFanout struct {
	Self types.ManagedObjectReference
	mu   sync.Mutex
	pcs  map[string]*simulator.PropertyCollector // session key -> its root collector
}

func (f *pcFanout) Reference() types.ManagedObjectReference { return f.Self }

func (f *pcFanout) each(fn func(pc *simulator.PropertyCollector)) {
	f.mu.Lock()
	pcs := make([]*simulator.PropertyCollector, 0, len(f.pcs))
	for _, pc := range f.pcs {
		pcs = append(pcs, pc)
	}
	f.mu.Unlock()
	for _, pc := range pcs {
		fn(pc)
	}
}

func (f *pcFanout) PutObject(ctx *simulator.Context, o mo.Reference) {
	f.each(func(pc *simulator.PropertyCollector) { pc.PutObject(ctx, o) })
}

func (f *pcFanout) UpdateObject(ctx *simulator.Context, o mo.Reference, changes []types.PropertyChange) {
	f.each(func(pc *simulator.PropertyCollector) { pc.UpdateObject(ctx, o, changes) })
}

func (f *pcFanout) RemoveObject(ctx *simulator.Context, ref types.ManagedObjectReference) {
	f.each(func(pc *simulator.PropertyCollector) { pc.RemoveObject(ctx, ref) })
}

func (f *pcFanout) add(key string, pc *simulator.PropertyCollector, live map[string]bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.pcs {
		if !live[k] {
			delete(f.pcs, k)
		}
	}
	f.pcs[key] = pc
}

func (f *pcFanout) drop(key string) {
	f.mu.Lock()
	delete(f.pcs, key)
	f.mu.Unlock()
}

func (f *pcFanout) size() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pcs)
}

// liveSessions returns the keys of the SOAP sessions the SessionManager holds.
func liveSessions(reg *simulator.Registry) map[string]bool {
	view := &simulator.Session{Registry: simulator.NewRegistry(), Map: reg}
	live := map[string]bool{}
	if sm, ok := view.Get(reg.SessionManager().Reference()).(*simulator.SessionManager); ok {
		for _, s := range sm.SessionList {
			live[s.Key] = true
		}
	}
	return live
}

// waitWhileLive runs a session's long-poll and ends it with NotAuthenticated
// when the session ends meanwhile (terminated, or expired by the idle
// timeout), as vCenter does; vcsim would keep it waiting, then answer. nil
// (vcsim as is) for a wait that returns at once.
func waitWhileLive(ctx *simulator.Context, m *simulator.Method, req *types.WaitForUpdatesEx) soap.HasFault {
	if req.Options == nil || req.Options.MaxWaitSeconds == nil || *req.Options.MaxWaitSeconds == 0 {
		return nil
	}
	pc, ok := ctx.Session.Get(m.This).(*simulator.PropertyCollector)
	if !ok {
		return nil
	}
	key, stop, ended := ctx.Session.Key, make(chan struct{}), make(chan struct{})
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if !liveSessions(ctx.Map)[key] {
					close(ended)
					pc.CancelWaitForUpdates(&types.CancelWaitForUpdates{This: pc.Self})
					return
				}
			}
		}
	}()
	res := pc.WaitForUpdatesEx(ctx, req)
	close(stop)
	select {
	case <-ended:
		return soapFault("The session is not authenticated.", &types.NotAuthenticated{})
	default:
		return res
	}
}

func rootPC(ctx *simulator.Context) types.ManagedObjectReference {
	if si, ok := ctx.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance); ok {
		return si.Content.PropertyCollector
	}
	return types.ManagedObjectReference{Type: "PropertyCollector", Value: "propertyCollector"}
}

func init() {
	registerExtension("sessionpc", func(l *Lab) {
		fan := &pcFanout{
			Self: types.ManagedObjectReference{Type: "LabPCFanout", Value: "lab-pc-fanout"},
			pcs:  map[string]*simulator.PropertyCollector{},
		}
		l.Map().AddHandler(fan)

		l.HandleSOAP("WaitForUpdatesEx", func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
			req, ok := m.Body.(*types.WaitForUpdatesEx)
			if ok && req.Version != "" {
				return waitWhileLive(ctx, m, req) // a later wait: ends with the session
			}
			if !ok || m.This != rootPC(ctx) {
				return nil // a collector of its own: vcsim as is
			}
			pc, ok := ctx.Session.Get(m.This).(*simulator.PropertyCollector)
			if !ok {
				return nil
			}
			// Into the fan-out first: an update arriving meanwhile may reach pc twice
			// (harmless, the same values) but never not at all.
			fan.add(ctx.Session.Key, pc, liveSessions(ctx.Map))
			res := pc.WaitForUpdatesEx(ctx, req) // collects the current state, registers pc under its moid
			ctx.Map.RemoveHandler(pc)            // ...where the next session would replace it
			return res
		})
		l.HandleSOAP("Logout", func(ctx *simulator.Context, _ *simulator.Method) soap.HasFault {
			fan.drop(ctx.Session.Key)
			return nil
		})
		l.HandleControl("collectors", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 200, map[string]int{"listening_sessions": fan.size()})
		})
	})
}
