package main

// Connections that drop mid-call (POST /lab/drop).
//
//	{"method": "WaitForUpdatesEx", "after_ms": 300, "skip": 1, "count": 1}
//
// A SOAP call of "method" (any session) that matches is held for after_ms (the
// client is waiting for its answer, as in a long-poll) and then its connection
// is closed without an answer, the way a failing network, proxy or load
// balancer cuts a call. "skip" lets that many matching calls through first,
// "count" limits the drops (0: every matching call). Nothing else changes: the
// session, its filters and its tasks live on, as they do in vCenter when a
// client's connection breaks. GET lists the rules with "seen" and "dropped",
// DELETE clears them; a reset clears them too.

import (
	"net/http"
	"sync"
	"time"
)

type dropRule struct {
	Method  string `json:"method"`
	AfterMs int    `json:"after_ms"`
	Skip    int    `json:"skip"`
	Count   int    `json:"count"`
	Seen    int    `json:"seen"`
	Dropped int    `json:"dropped"`
}

type dropSet struct {
	mu    sync.Mutex
	rules []*dropRule
}

func (ds *dropSet) list() []dropRule {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	out := make([]dropRule, 0, len(ds.rules))
	for _, r := range ds.rules {
		out = append(out, *r)
	}
	return out
}

// match counts the call and returns how long to hold it before dropping, or false.
func (ds *dropSet) match(method string) (time.Duration, bool) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	for _, r := range ds.rules {
		if r.Method != method {
			continue
		}
		r.Seen++
		if r.Seen <= r.Skip || (r.Count > 0 && r.Dropped >= r.Count) {
			continue
		}
		r.Dropped++
		return time.Duration(r.AfterMs) * time.Millisecond, true
	}
	return 0, false
}

func init() {
	registerExtension("drop", func(l *Lab) {
		ds := &dropSet{}
		l.HandleBeforeSOAP(func(method string) bool {
			hold, ok := ds.match(method)
			if ok {
				time.Sleep(hold)
				logf("drop: closed the connection of a %s call after %s", method, hold)
			}
			return ok
		})
		l.HandleControl("drop", func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet:
				writeJSON(w, 200, map[string]any{"rules": ds.list()})
			case http.MethodDelete:
				ds.mu.Lock()
				ds.rules = nil
				ds.mu.Unlock()
				writeJSON(w, 200, map[string]any{"rules": []dropRule{}})
			case http.MethodPost:
				var rule dropRule
				if !decode(w, r, &rule) {
					return
				}
				if rule.Method == "" || rule.AfterMs < 0 || rule.Skip < 0 || rule.Count < 0 {
					writeJSON(w, 400, map[string]string{"error": `"method" is required; "after_ms", "skip" and "count" are 0 or more`})
					return
				}
				rule.Seen, rule.Dropped = 0, 0
				ds.mu.Lock()
				ds.rules = append(ds.rules, &rule)
				ds.mu.Unlock()
				writeJSON(w, 200, map[string]any{"rules": ds.list()})
			default:
				writeJSON(w, 405, map[string]string{"error": "GET, POST or DELETE"})
			}
		})
	})
}
