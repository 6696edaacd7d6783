package main

// The appliance's deployment API, in both styles (/api and /rest), as served on
// port 5480 of a new vCenter Server Appliance:
//
//	GET  {api|rest}/vcenter/deployment                      Deployment.Info
//	POST {api|rest}/vcenter/deployment?action=rollback      FAILED -> INITIALIZED
//	GET  {api|rest}/vcenter/deployment/install              the Install.Spec in use (no secrets)
//	POST {api|rest}/vcenter/deployment/install?action=check Install.Spec -> CheckInfo
//	POST {api|rest}/vcenter/deployment/install?action=start Install.Spec -> CONFIG_IN_PROGRESS
//	POST {api|rest}/vcenter/deployment/install?action=cancel
//	GET  {api|rest}/vcenter/deployment/question             Question.Info (QUESTION_RAISED only)
//	POST {api|rest}/vcenter/deployment/question?action=answer  Answer.Spec
//	POST /api/session, POST /rest/com/vmware/cis/session    root basic auth -> session id; DELETE logs out
//
// /rest wraps request bodies as {"spec": ...} and results as {"value": ...}, and
// sends maps (subtasks) as [{"key": k, "value": v}] lists; /api sends them bare.
// Every request needs the root account (basic auth) or a session made with it.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

func applianceError(w http.ResponseWriter, r *http.Request, status int, kind string, msgs ...string) {
	var messages []map[string]any
	for _, m := range msgs {
		messages = append(messages, map[string]any{
			"id": "com.vmware.vcenter.deployment." + kind, "default_message": m, "args": []string{}})
	}
	if restStyle(r) == "rest" {
		writeJSON(w, status, map[string]any{"type": "com.vmware.vapi.std.errors." + kind,
			"value": map[string]any{"messages": messages}})
		return
	}
	writeJSON(w, status, map[string]any{"error_type": strings.ToUpper(kind), "messages": messages})
}

func applianceResult(w http.ResponseWriter, r *http.Request, status int, v any) {
	(*Lab)(nil).RESTResult(w, r, status, v) // RESTResult does not use its receiver
}

func msg(id, text string) map[string]any {
	return map[string]any{"id": id, "default_message": text, "args": []string{}}
}

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func notifications(list []notification) []map[string]any {
	out := []map[string]any{}
	for _, n := range list {
		out = append(out, map[string]any{"id": n.ID, "time": stamp(n.Time), "message": msg(n.ID, n.Message)})
	}
	return out
}

// serveAppliance is the appliance listener's handler.
func (h *applianceHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.Path
	if act := r.URL.Query().Get("action"); act != "" {
		key += "?action=" + act
	}
	h.calls.add(key)
	a := h.cur.Load()
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	a.advance(now)
	if a.conf.API != nil && !*a.conf.API && strings.HasPrefix(r.URL.Path, "/api") {
		http.NotFound(w, r)
		return
	}
	if r.URL.Path == "/api/session" || r.URL.Path == restSessionPath {
		a.serveSession(w, r, now)
		return
	}
	if !a.authenticated(r, now) {
		applianceError(w, r, http.StatusUnauthorized, "unauthenticated", "Authentication required.")
		return
	}
	path := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api"), "/rest")
	if path == r.URL.Path {
		http.NotFound(w, r)
		return
	}
	route := r.Method + " " + path
	if act := r.URL.Query().Get("action"); act != "" {
		route += "?" + act
	}
	switch route {
	case "GET /vcenter/deployment":
		applianceResult(w, r, 200, a.infoJSON(restStyle(r)))
	case "POST /vcenter/deployment?rollback":
		if a.state != stFailed {
			a.notAllowed(w, r, "rollback")
			return
		}
		a.rollback()
		applianceResult(w, r, 200, nil)
	case "GET /vcenter/deployment/install":
		if a.spec == nil {
			a.notAllowed(w, r, "get the install spec")
			return
		}
		applianceResult(w, r, 200, a.spec)
	case "POST /vcenter/deployment/install?check", "POST /vcenter/deployment/install?start":
		if a.state != stInitialized {
			a.notAllowed(w, r, strings.TrimPrefix(route, "POST /vcenter/deployment/install?"))
			return
		}
		spec, ok := readBody(w, r)
		if !ok {
			return
		}
		if errs := validateSpec(spec); len(errs) > 0 {
			applianceError(w, r, http.StatusBadRequest, "invalid_argument", errs...)
			return
		}
		if strings.HasSuffix(route, "check") {
			applianceResult(w, r, 200, a.checkJSON(now))
			return
		}
		if len(a.conf.CheckErrors) > 0 {
			applianceError(w, r, http.StatusBadRequest, "invalid_argument", a.conf.CheckErrors...)
			return
		}
		a.begin(spec, now)
		a.advance(now)
		applianceResult(w, r, 200, nil)
	case "POST /vcenter/deployment/install?cancel":
		if a.state != stInProgress && a.state != stQuestion {
			a.notAllowed(w, r, "cancel")
			return
		}
		a.cancel(now)
		applianceResult(w, r, 200, nil)
	case "GET /vcenter/deployment/question":
		if a.state != stQuestion {
			a.notAllowed(w, r, "get the question")
			return
		}
		qs := []map[string]any{}
		for _, q := range a.pending {
			qs = append(qs, map[string]any{"id": q.ID, "question": msg("com.vmware.lab.question."+q.ID, q.Text),
				"type": q.Type, "default_answer": q.Default, "possible_answers": q.Possible})
		}
		applianceResult(w, r, 200, map[string]any{"questions": qs})
	case "POST /vcenter/deployment/question?answer":
		if a.state != stQuestion {
			a.notAllowed(w, r, "answer")
			return
		}
		spec, ok := readBody(w, r)
		if !ok {
			return
		}
		id, _ := spec["question_id"].(string)
		val, _ := spec["answer_val"].(string)
		if e := a.answer(id, val, now); e != "" {
			applianceError(w, r, http.StatusBadRequest, "invalid_argument", e)
			return
		}
		a.advance(now)
		applianceResult(w, r, 200, nil)
	default:
		applianceError(w, r, http.StatusNotFound, "not_found", "no operation "+route)
	}
}

func (a *appliance) notAllowed(w http.ResponseWriter, r *http.Request, what string) {
	applianceError(w, r, http.StatusBadRequest, "not_allowed_in_current_state",
		"Cannot "+what+" while the appliance is in state "+a.state+".")
}

// readBody reads an Install.Spec or Answer.Spec: bare on /api, {"spec": ...} on /rest.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		applianceError(w, r, http.StatusBadRequest, "invalid_argument", "the request body is not a JSON object")
		return nil, false
	}
	if restStyle(r) == "rest" {
		spec, ok := body["spec"].(map[string]any)
		if !ok {
			applianceError(w, r, http.StatusBadRequest, "invalid_argument", `/rest expects {"spec": ...}`)
			return nil, false
		}
		return spec, true
	}
	return body, true
}

func (a *appliance) checkJSON(now time.Time) map[string]any {
	status := "SUCCESS"
	var warnings, errs []notification
	for _, t := range a.conf.CheckWarnings {
		warnings = append(warnings, notification{"com.vmware.lab.check.warning", now, t})
		status = "WARNING"
	}
	for _, t := range a.conf.CheckErrors {
		errs = append(errs, notification{"com.vmware.lab.check.error", now, t})
		status = "ERROR"
	}
	return map[string]any{"status": status, "result": map[string]any{
		"info": []map[string]any{}, "warnings": notifications(warnings), "errors": notifications(errs)}}
}

func (a *appliance) infoJSON(style string) map[string]any {
	out := map[string]any{"state": a.state}
	if a.subtasks == nil {
		return out
	}
	order := []string{}
	subs := map[string]any{}
	for _, st := range a.subtasks {
		order = append(order, st.id)
		t := map[string]any{
			"description": msg("com.vmware.vcenter.deployment.subtask."+st.id, st.text),
			"progress":    map[string]any{"total": 100, "completed": st.completed, "message": msg("com.vmware.vcenter.deployment.subtask."+st.id+".progress", st.text)},
			"status":      st.status, "cancelable": false,
			"result": map[string]any{"info": []map[string]any{}, "warnings": []map[string]any{},
				"errors": notifications(st.errors)},
		}
		if s := stamp(st.start); s != nil {
			t["start_time"] = s
		}
		if s := stamp(st.end); s != nil {
			t["end_time"] = s
		}
		subs[st.id] = t
	}
	out["subtask_order"] = order
	if style == "rest" {
		list := []map[string]any{}
		for _, id := range order {
			list = append(list, map[string]any{"key": id, "value": subs[id]})
		}
		out["subtasks"] = list
	} else {
		out["subtasks"] = subs
	}
	out["progress"] = map[string]any{"total": 100, "completed": a.percent(),
		"message": msg("com.vmware.vcenter.deployment.progress", a.message)}
	out["description"] = msg("com.vmware.vcenter.deployment.install", "Install vCenter Server")
	out["service"], out["operation"], out["user"] = "com.vmware.vcenter.deployment.install", "start", applianceUser
	out["status"] = a.status
	out["cancelable"] = a.state == stInProgress || a.state == stQuestion
	out["start_time"] = stamp(a.started)
	if s := stamp(a.ended); s != nil {
		out["end_time"] = s
	}
	out["result"] = map[string]any{"info": notifications(a.info), "warnings": notifications(a.warnings),
		"errors": notifications(a.errors)}
	return out
}

// authenticated: root basic auth, or a live session created with it (idle timeout from the conf).
func (a *appliance) authenticated(r *http.Request, now time.Time) bool {
	if u, p, ok := r.BasicAuth(); ok {
		return u == applianceUser && p == appliancePassword
	}
	id := r.Header.Get("vmware-api-session-id")
	if c, err := r.Cookie("vmware-api-session-id"); id == "" && err == nil {
		id = c.Value
	}
	last, ok := a.sessions[id]
	if !ok {
		return false
	}
	if t := a.conf.SessionTimeoutMS; t > 0 && now.Sub(last) > time.Duration(t)*time.Millisecond {
		delete(a.sessions, id)
		return false
	}
	a.sessions[id] = now
	return true
}

func (a *appliance) serveSession(w http.ResponseWriter, r *http.Request, now time.Time) {
	switch r.Method {
	case http.MethodPost:
		if u, p, ok := r.BasicAuth(); !ok || u != applianceUser || p != appliancePassword {
			applianceError(w, r, http.StatusUnauthorized, "unauthenticated", "Authentication required.")
			return
		}
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		a.sessions[id] = now
		if restStyle(r) == "api" {
			writeJSON(w, http.StatusCreated, id)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "vmware-api-session-id", Value: id, Path: "/rest", Secure: true})
		writeJSON(w, http.StatusOK, map[string]any{"value": id})
	case http.MethodDelete:
		if !a.authenticated(r, now) {
			applianceError(w, r, http.StatusUnauthorized, "unauthenticated", "Authentication required.")
			return
		}
		delete(a.sessions, r.Header.Get("vmware-api-session-id"))
		if restStyle(r) == "api" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	default:
		applianceError(w, r, http.StatusMethodNotAllowed, "operation_not_found", "POST or DELETE")
	}
}
