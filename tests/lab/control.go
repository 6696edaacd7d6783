package main

// Control API under /lab (lab credentials, HTTP basic auth; JSON in and out).
// Not counted by the call counter. See README.md for the full reference.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

const sessionTimeoutKey = "config.vmacore.soap.sessionTimeout"

func (l *Lab) serveControl(w http.ResponseWriter, r *http.Request) {
	if u, p, ok := r.BasicAuth(); !ok || u != labUser || p != labPassword {
		w.Header().Set("WWW-Authenticate", `Basic realm="lab"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "lab credentials required"})
		return
	}
	inv := l.cur.Load()
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/lab/"), "/")
	route := r.Method + " " + path
	switch route {
	case "GET status":
		writeJSON(w, 200, map[string]any{"url": l.public.String(), "vms": l.vmCount(), "options": l.opts})
	case "POST reset":
		d, err := l.reset()
		if err != nil {
			writeJSON(w, 500, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, 200, map[string]any{"reset_ms": float64(d.Microseconds()) / 1000, "vms": l.vmCount()})
	case "GET calls":
		writeJSON(w, 200, l.calls.snapshot())
	case "POST calls/reset":
		l.calls.reset()
		writeJSON(w, 200, l.calls.snapshot())
	case "GET faults":
		writeJSON(w, 200, map[string]any{"rules": inv.faults.list()})
	case "POST faults":
		var rule faultRule
		if !decode(w, r, &rule) {
			return
		}
		if err := inv.faults.add(&rule); err != nil {
			writeJSON(w, 400, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, 200, map[string]any{"rules": inv.faults.list()})
	case "DELETE faults":
		inv.faults.clear()
		l.setTaskDelays(inv, map[string]int{})
		writeJSON(w, 200, map[string]any{"rules": []faultRule{}})
	case "POST sessions/terminate":
		soapN := terminateSOAP(inv.model.Map())
		restN := inv.terminateREST()
		writeJSON(w, 200, map[string]int{"soap": soapN, "rest": restN})
	case "GET sessions/timeout":
		writeJSON(w, 200, map[string]any{"seconds": sessionTimeout(inv.model.Map())})
	case "POST sessions/timeout":
		var in struct {
			Seconds float64 `json:"seconds"`
		}
		if !decode(w, r, &in) {
			return
		}
		setSessionTimeout(inv.model.Map(), in.Seconds)
		writeJSON(w, 200, map[string]any{"seconds": sessionTimeout(inv.model.Map())})
	case "GET delay":
		writeJSON(w, 200, l.delays(inv))
	case "POST delay":
		var in struct {
			SoapMS  *int           `json:"soap_ms"`
			Methods map[string]int `json:"methods"`
			Tasks   map[string]int `json:"tasks"`
			GuestMS *int           `json:"guest_ms"`
			RestMS  *int           `json:"rest_ms"`
		}
		if !decode(w, r, &in) {
			return
		}
		if err := checkTaskDelays(in.Tasks); err != nil {
			writeJSON(w, 400, map[string]string{"error": err.Error()})
			return
		}
		dc := &inv.model.DelayConfig
		if in.SoapMS != nil {
			dc.Delay = *in.SoapMS
		}
		if in.Methods != nil {
			dc.MethodDelay = in.Methods // replaced, never mutated: vcsim reads it concurrently
		}
		if in.Tasks != nil {
			l.setTaskDelays(inv, in.Tasks)
		}
		if in.GuestMS != nil {
			inv.guestDelay.Store(int64(*in.GuestMS))
		}
		if in.RestMS != nil {
			inv.restDelay.Store(int64(*in.RestMS))
		}
		writeJSON(w, 200, l.delays(inv))
	default:
		name, _, _ := strings.Cut(path, "/")
		if fn, ok := inv.control[name]; ok {
			fn(w, r)
			return
		}
		writeJSON(w, 404, map[string]string{"error": "no such control endpoint: " + route})
	}
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeJSON(w, 400, map[string]string{"error": "bad JSON: " + err.Error()})
		return false
	}
	return true
}

func (l *Lab) delays(inv *inventory) map[string]any {
	inv.mu.Lock()
	tasks := inv.taskDelays
	inv.mu.Unlock()
	if tasks == nil {
		tasks = map[string]int{}
	}
	methods := inv.model.DelayConfig.MethodDelay
	if methods == nil {
		methods = map[string]int{}
	}
	return map[string]any{
		"soap_ms": inv.model.DelayConfig.Delay, "methods": methods,
		"tasks": tasks, "guest_ms": inv.guestDelay.Load(), "rest_ms": inv.restDelay.Load(),
	}
}

// setTaskDelays keeps tasks named like vcsim names them ("PowerOn", "PowerOff",
// "ReconfigVM_Task"...) running for ms; LockHandoff=0 keeps the object readable meanwhile.
func (l *Lab) setTaskDelays(inv *inventory, tasks map[string]int) {
	md := map[string]int{"LockHandoff": 0}
	for k, v := range tasks {
		md[k] = v
	}
	inv.mu.Lock()
	inv.taskDelays = tasks
	inv.mu.Unlock()
	simulator.TaskDelay = simulator.DelayConfig{MethodDelay: md} // package global, replaced whole
}

// terminateSOAP invalidates every SOAP session (next call: NotAuthenticated).
func terminateSOAP(reg *simulator.Registry) int {
	sm := reg.SessionManager()
	admin := &simulator.Session{
		UserSession: types.UserSession{Key: fmt.Sprintf("lab-control-%d", time.Now().UnixNano())},
		Registry:    simulator.NewRegistry(),
		Map:         reg,
	}
	view, ok := admin.Get(sm.Reference()).(*simulator.SessionManager) // vcsim fills SessionList in the session view
	if !ok {
		return 0
	}
	var ids []string
	for _, s := range view.SessionList {
		ids = append(ids, s.Key)
	}
	ctx := &simulator.Context{Map: reg, Session: admin}
	sm.TerminateSession(ctx, &types.TerminateSession{SessionId: ids})
	return len(ids)
}

func sessionTimeout(reg *simulator.Registry) float64 {
	for _, o := range reg.OptionManager().Setting {
		if ov := o.GetOptionValue(); ov.Key == sessionTimeoutKey {
			if d, err := time.ParseDuration(fmt.Sprint(ov.Value)); err == nil {
				return d.Seconds()
			}
		}
	}
	return 0
}

// setSessionTimeout sets the idle timeout for SOAP and REST sessions created
// afterwards (vcsim reads it at login); <= 0 removes it (no timeout).
func setSessionTimeout(reg *simulator.Registry, seconds float64) {
	om := reg.OptionManager()
	ctx := &simulator.Context{Map: reg}
	ctx.WithLock(om, func() {
		kept := om.Setting[:0:0]
		for _, o := range om.Setting {
			if o.GetOptionValue().Key != sessionTimeoutKey {
				kept = append(kept, o)
			}
		}
		if seconds > 0 {
			d := time.Duration(seconds * float64(time.Second))
			kept = append(kept, &types.OptionValue{Key: sessionTimeoutKey, Value: d.String()})
		}
		om.Setting = kept
	})
}
