package main

// Make the lab answer like a vCenter 6.7, which has no /api: while refused,
// every /api request (POST /api/session included) gets 404, so clients must
// fall back to /rest. Resets with /lab/reset.
//
//	GET  /lab/api                  {"enabled": true}
//	POST /lab/api {"enabled": false}
//
// And like a vCenter whose vSphere Automation API service (vapi-endpoint) is
// down while vpxd serves SOAP: the reverse proxy answers every /api and /rest
// request with 503 and a plain-text reason. Resets with /lab/reset.
//
//	GET  /lab/vapi                 {"available": true}
//	POST /lab/vapi {"available": false}

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// apiRefused holds, per inventory, whether /api is refused (only the newest inventory is kept).
var apiRefused sync.Map // *inventory -> *atomic.Bool

// vapiDown holds, per inventory, whether the Automation API as a whole is down.
var vapiDown sync.Map // *inventory -> *atomic.Bool

func init() {
	registerExtension("api-style", func(l *Lab) {
		inv := l.inv()
		flag := &atomic.Bool{}
		apiRefused.Range(func(k, _ any) bool { apiRefused.Delete(k); return true })
		apiRefused.Store(inv, flag)
		down := &atomic.Bool{}
		vapiDown.Range(func(k, _ any) bool { vapiDown.Delete(k); return true })
		vapiDown.Store(inv, down)
		l.HandleControl("vapi", switchControl("available", down))
		l.HandleControl("api", switchControl("enabled", flag))
	})
}

// switchControl serves GET and POST {"<key>": true|false} for a flag that is set while the
// switch is off (a refused /api, an Automation API that is down).
func switchControl(key string, off *atomic.Bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var in map[string]*bool
			if !decode(w, r, &in) {
				return
			}
			if in[key] == nil {
				writeJSON(w, 400, map[string]string{"error": `give {"` + key + `": true|false}`})
				return
			}
			off.Store(!*in[key])
		default:
			writeJSON(w, 405, map[string]string{"error": "GET or POST"})
			return
		}
		writeJSON(w, 200, map[string]bool{key: !off.Load()})
	}
}

// refuseAPI answers 404 to /api requests while the current inventory refuses them,
// and 503 to every /api and /rest request while its Automation API is down.
func refuseAPI(inv *inventory, w http.ResponseWriter, r *http.Request) bool {
	if d, ok := vapiDown.Load(inv); ok && d.(*atomic.Bool).Load() && isREST(r.URL.Path) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("503 Service Unavailable (Failed to connect to endpoint: the vSphere Automation API service is not running)"))
		return true
	}
	v, ok := apiRefused.Load(inv)
	if !ok || !v.(*atomic.Bool).Load() {
		return false
	}
	if r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	http.NotFound(w, r)
	return true
}
