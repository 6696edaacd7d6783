package main

// Make the lab answer like a vCenter 6.7, which has no /api: while refused,
// every /api request (POST /api/session included) gets 404, so clients must
// fall back to /rest. Resets with /lab/reset.
//
//	GET  /lab/api                  {"enabled": true}
//	POST /lab/api {"enabled": false}

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// apiRefused holds, per inventory, whether /api is refused (only the newest inventory is kept).
var apiRefused sync.Map // *inventory -> *atomic.Bool

func init() {
	registerExtension("api-style", func(l *Lab) {
		inv := l.inv()
		flag := &atomic.Bool{}
		apiRefused.Range(func(k, _ any) bool { apiRefused.Delete(k); return true })
		apiRefused.Store(inv, flag)
		l.HandleControl("api", func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet:
			case http.MethodPost:
				var in struct {
					Enabled *bool `json:"enabled"`
				}
				if !decode(w, r, &in) {
					return
				}
				if in.Enabled == nil {
					writeJSON(w, 400, map[string]string{"error": `give {"enabled": true|false}`})
					return
				}
				flag.Store(!*in.Enabled)
			default:
				writeJSON(w, 405, map[string]string{"error": "GET or POST"})
				return
			}
			writeJSON(w, 200, map[string]bool{"enabled": !flag.Load()})
		})
	})
}

// refuseAPI answers 404 to /api requests while the current inventory refuses them.
func refuseAPI(inv *inventory, w http.ResponseWriter, r *http.Request) bool {
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
