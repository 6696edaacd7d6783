package main

// vAPI REST: session handling for both styles and helpers for extensions.
//
//	POST   /rest/com/vmware/cis/session   basic auth -> {"value": "<id>"} + cookie vmware-api-session-id
//	POST   /api/session                   basic auth -> 201 "<id>" (bare JSON string)
//	DELETE /rest/com/vmware/cis/session   -> 200 ; DELETE /api/session -> 204
//	GET    /api/session                   -> bare session info
//
// Credentials are checked exactly (401 + vAPI error body otherwise). Sessions
// live in the vAPI simulator (so its tagging/library endpoints accept them);
// the lab forwards to it and records the ids so they can all be terminated.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
)

const restSessionPath = "/rest/com/vmware/cis/session"

// restStyle is "api" for /api/... and "rest" for /rest/...
func restStyle(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/api") {
		return "api"
	}
	return "rest"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// RESTResult answers v in the caller's style: {"value": v} for /rest, bare for /api.
// A nil v answers 204 on /api and 200 without value on /rest.
func (l *Lab) RESTResult(w http.ResponseWriter, r *http.Request, status int, v any) {
	if restStyle(r) == "rest" {
		if v == nil {
			writeJSON(w, status, map[string]any{})
			return
		}
		writeJSON(w, status, map[string]any{"value": v})
		return
	}
	if v == nil {
		if status == http.StatusOK {
			status = http.StatusNoContent
		}
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, v)
}

// RESTError answers a vAPI standard error. kind is the snake_case error name
// ("not_found", "invalid_argument", "already_exists", "not_allowed_in_current_state",
// "unauthenticated", "unauthorized", "resource_in_use", "error", ...).
//
//	/rest: {"type": "com.vmware.vapi.std.errors.not_found", "value": {"messages": [...]}}
//	/api:  {"error_type": "NOT_FOUND", "messages": [...]}
func (l *Lab) RESTError(w http.ResponseWriter, r *http.Request, status int, kind, msg string) {
	messages := []map[string]any{{
		"id":              "com.vmware.lab." + kind,
		"default_message": msg,
		"args":            []string{},
	}}
	if restStyle(r) == "rest" {
		writeJSON(w, status, map[string]any{
			"type":  "com.vmware.vapi.std.errors." + kind,
			"value": map[string]any{"messages": messages},
		})
		return
	}
	writeJSON(w, status, map[string]any{"error_type": strings.ToUpper(kind), "messages": messages})
}

// forwardSession sends a session request to the vAPI simulator in-process.
func (inv *inventory) forwardSession(method string, from *http.Request) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, restSessionPath, nil)
	for _, h := range []string{"Authorization", "Cookie", "vmware-api-session-id", "vmware-use-header-authn"} {
		if v := from.Header.Values(h); len(v) > 0 {
			req.Header[http.CanonicalHeaderKey(h)] = v
		}
	}
	rec := httptest.NewRecorder()
	inv.mux.ServeHTTP(rec, req)
	return rec
}

// serveSession handles session create/delete/get; it reports false for requests it leaves alone.
func (l *Lab) serveSession(inv *inventory, w http.ResponseWriter, r *http.Request) bool {
	api := r.URL.Path == "/api/session"
	if !api && !(r.URL.Path == restSessionPath && r.Method == http.MethodPost && r.URL.Query().Get("~action") == "") {
		return false
	}
	switch r.Method {
	case http.MethodPost:
		u, p, ok := r.BasicAuth()
		if !ok || u != labUser || p != labPassword {
			l.RESTError(w, r, http.StatusUnauthorized, "unauthenticated", "Authentication required.")
			return true
		}
		rec := inv.forwardSession(http.MethodPost, r)
		var out struct {
			Value string `json:"value"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Value == "" {
			l.RESTError(w, r, http.StatusInternalServerError, "error", "session create failed: "+rec.Body.String())
			return true
		}
		inv.mu.Lock()
		inv.restSessions[out.Value] = true
		inv.mu.Unlock()
		if api {
			writeJSON(w, http.StatusCreated, out.Value)
			return true
		}
		for _, c := range rec.Result().Cookies() {
			http.SetCookie(w, c)
		}
		writeJSON(w, http.StatusOK, map[string]any{"value": out.Value})
	case http.MethodDelete, http.MethodGet:
		rec := inv.forwardSession(r.Method, r)
		if rec.Code != http.StatusOK {
			l.RESTError(w, r, http.StatusUnauthorized, "unauthenticated", "Authentication required.")
			return true
		}
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		var out struct {
			Value any `json:"value"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		writeJSON(w, http.StatusOK, out.Value)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
	return true
}

// terminateREST invalidates every REST session issued by this inventory.
func (inv *inventory) terminateREST() int {
	inv.mu.Lock()
	ids := inv.restSessions
	inv.restSessions = map[string]bool{}
	inv.mu.Unlock()
	for id := range ids {
		req := httptest.NewRequest(http.MethodDelete, restSessionPath, nil)
		req.Header.Set("vmware-api-session-id", id)
		inv.mux.ServeHTTP(httptest.NewRecorder(), req)
	}
	return len(ids)
}
