package main

// vCenter Server services (com.vmware.vcenter.services.Service), in both styles:
//
//	/api (7.0+)                                     /rest (6.7)
//	GET   /api/vcenter/services                      GET   /rest/vcenter/services             list_details
//	      -> {id: Info}                                    -> {"value": [{"key": id, "value": Info}]}
//	GET   /api/vcenter/services/{id}  -> Info       GET   /rest/vcenter/services/{id}  -> {"value": Info}
//	POST  /api/vcenter/services/{id}?action=start   POST  /rest/vcenter/services/{id}/start   (stop, restart)
//	PATCH /api/vcenter/services/{id}                PATCH /rest/vcenter/services/{id}
//	      {"startup_type": "MANUAL"}                       {"spec": {"startup_type": "MANUAL"}}
//
// start, stop and restart are synchronous, as on vCenter: the call returns once
// the service is there (204 on /api, 200 on /rest). Meanwhile other callers see
// STARTING or STOPPING and get NotAllowedInCurrentState for any other operation.
// The rules the reference lists:
//   - unknown service: NotFound (404)
//   - start or restart of a DISABLED service: NotAllowedInCurrentState (400)
//   - startup type DISABLED for a service that is not STOPPED: NotAllowedInCurrentState
//   - any operation while another one is in progress: NotAllowedInCurrentState
//   - a start that does not finish: TimedOut (504); a start that fails: Error (500)
//
// Control (lab credentials):
//
//	GET    /lab/services              transition time, failure rules, every service's Info
//	POST   /lab/services              {"transition_ms": 200}  how long STARTING/STOPPING last
//	POST   /lab/services/fail         {"service": "eam", "mode": "stopped|degraded|timeout", "message": "..."}
//	DELETE /lab/services/fail         forget every failure rule
//
// Failure modes, for the next starts of that service (restart included):
//   - stopped:  the start fails with Error after the transition time; the service stays STOPPED
//   - degraded: the start succeeds but the service is STARTED with health DEGRADED and the message
//   - timeout:  the start answers TimedOut after the transition time; the service stays STARTING
// Everything resets with /lab/reset.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

const defaultServiceTransition = 200 * time.Millisecond

// serviceSeed is one line of the catalog: id, startup type, state.
type serviceSeed struct{ id, startup, state string }

// The services of a vCenter Server 8.0 appliance as vMon reports them; most run
// automatically, a few are manual and stopped, two are disabled.
var serviceCatalog = []serviceSeed{
	{"analytics", "AUTOMATIC", "STARTED"},
	{"applmgmt", "AUTOMATIC", "STARTED"},
	{"certificateauthority", "AUTOMATIC", "STARTED"},
	{"certificatemanagement", "AUTOMATIC", "STARTED"},
	{"cis-license", "AUTOMATIC", "STARTED"},
	{"content-library", "AUTOMATIC", "STARTED"},
	{"eam", "AUTOMATIC", "STARTED"},
	{"envoy", "AUTOMATIC", "STARTED"},
	{"envoy-hgw", "AUTOMATIC", "STARTED"},
	{"envoy-sidecar", "AUTOMATIC", "STARTED"},
	{"hvc", "AUTOMATIC", "STARTED"},
	{"imagebuilder", "MANUAL", "STOPPED"},
	{"infraprofile", "AUTOMATIC", "STARTED"},
	{"lookupsvc", "AUTOMATIC", "STARTED"},
	{"lwsmd", "AUTOMATIC", "STARTED"},
	{"netdumper", "DISABLED", "STOPPED"},
	{"observability", "AUTOMATIC", "STARTED"},
	{"observability-vapi", "AUTOMATIC", "STARTED"},
	{"pschealth", "AUTOMATIC", "STARTED"},
	{"rbd", "MANUAL", "STOPPED"},
	{"rhttpproxy", "AUTOMATIC", "STARTED"},
	{"sca", "AUTOMATIC", "STARTED"},
	{"sps", "AUTOMATIC", "STARTED"},
	{"statsmonitor", "AUTOMATIC", "STARTED"},
	{"sts", "AUTOMATIC", "STARTED"},
	{"topologysvc", "AUTOMATIC", "STARTED"},
	{"trustmanagement", "AUTOMATIC", "STARTED"},
	{"updatemgr", "AUTOMATIC", "STARTED"},
	{"vapi-endpoint", "AUTOMATIC", "STARTED"},
	{"vcha", "DISABLED", "STOPPED"},
	{"vlcm", "AUTOMATIC", "STARTED"},
	{"vmcam", "MANUAL", "STOPPED"},
	{"vmonapi", "AUTOMATIC", "STARTED"},
	{"vmware-postgres-archiver", "AUTOMATIC", "STARTED"},
	{"vmware-vpostgres", "AUTOMATIC", "STARTED"},
	{"vpxd", "AUTOMATIC", "STARTED"},
	{"vpxd-svcs", "AUTOMATIC", "STARTED"},
	{"vsan-health", "AUTOMATIC", "STARTED"},
	{"vsphere-ui", "AUTOMATIC", "STARTED"},
	{"vstats", "AUTOMATIC", "STARTED"},
	{"vtsdb", "AUTOMATIC", "STARTED"},
	{"wcp", "AUTOMATIC", "STARTED"},
}

var startupTypes = map[string]bool{"MANUAL": true, "AUTOMATIC": true, "DISABLED": true}

type vapiMessage struct {
	ID             string   `json:"id"`
	DefaultMessage string   `json:"default_message"`
	Args           []string `json:"args"`
}

// serviceInfo is com.vmware.vcenter.services.Service.Info.
type serviceInfo struct {
	NameKey        string        `json:"name_key"`
	DescriptionKey string        `json:"description_key"`
	StartupType    string        `json:"startup_type"`
	State          string        `json:"state"`
	Health         string        `json:"health,omitempty"` // only while STARTED
	HealthMessages []vapiMessage `json:"health_messages"`
}

type serviceFailure struct {
	Mode    string `json:"mode"`
	Message string `json:"message"`
}

type serviceLab struct {
	mu         sync.Mutex
	info       map[string]*serviceInfo
	busy       map[string]string // service -> operation in progress
	fail       map[string]serviceFailure
	transition time.Duration
	vapiLock   func() sync.Locker // the vAPI simulator's lock, held while a REST handler runs
}

func init() {
	registerExtension("services", func(l *Lab) {
		m := l.Model()
		s := newServiceLab()
		s.vapiLock = func() sync.Locker {
			h, _ := m.Service.ServeMux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/rest/"}})
			lk, _ := h.(sync.Locker)
			return lk
		}
		l.HandleREST("/vcenter/services", func(w http.ResponseWriter, r *http.Request) { s.serveList(l, w, r) })
		l.HandleREST("/vcenter/services/", func(w http.ResponseWriter, r *http.Request) { s.serveOne(l, w, r) })
		l.HandleControl("services", func(w http.ResponseWriter, r *http.Request) { s.serveControl(w, r) })
	})
}

func newServiceLab() *serviceLab {
	s := &serviceLab{info: map[string]*serviceInfo{}, busy: map[string]string{}, fail: map[string]serviceFailure{},
		transition: defaultServiceTransition}
	for _, seed := range serviceCatalog {
		info := &serviceInfo{
			NameKey: "cis." + seed.id + ".ServiceName", DescriptionKey: "cis." + seed.id + ".ServiceDescription",
			StartupType: seed.startup, State: seed.state, HealthMessages: []vapiMessage{},
		}
		if seed.state == "STARTED" {
			info.Health = "HEALTHY"
		}
		s.info[seed.id] = info
	}
	// one service healthy with a warning, as a real appliance often has
	s.info["vsan-health"].Health = "HEALTHY_WITH_WARNINGS"
	s.info["vsan-health"].HealthMessages = []vapiMessage{{ID: "com.vmware.vsan.health.warning",
		DefaultMessage: "vSAN health service has warnings: no vSAN cluster is configured", Args: []string{}}}
	return s
}

// serviceError answers a vAPI standard error the way vCenter does in the caller's style.
func serviceError(w http.ResponseWriter, r *http.Request, status int, kind, id, msg string, args ...string) {
	if args == nil {
		args = []string{}
	}
	messages := []vapiMessage{{ID: id, DefaultMessage: msg, Args: args}}
	if restStyle(r) == "rest" {
		writeJSON(w, status, map[string]any{"type": "com.vmware.vapi.std.errors." + kind,
			"value": map[string]any{"messages": messages}})
		return
	}
	writeJSON(w, status, map[string]any{"error_type": strings.ToUpper(kind), "messages": messages})
}

func notFound(w http.ResponseWriter, r *http.Request, id string) {
	serviceError(w, r, http.StatusNotFound, "not_found", "com.vmware.vcenter.services.not_found",
		fmt.Sprintf("Service '%s' is not found.", id), id)
}

func notAllowed(w http.ResponseWriter, r *http.Request, id, msg string) {
	serviceError(w, r, http.StatusBadRequest, "not_allowed_in_current_state",
		"com.vmware.vcenter.services.not_allowed_in_current_state", msg, id)
}

func (s *serviceLab) snapshot(id string) serviceInfo {
	info := *s.info[id]
	info.HealthMessages = append([]vapiMessage{}, info.HealthMessages...)
	return info
}

func (s *serviceLab) serveList(l *Lab, w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		serviceError(w, r, http.StatusMethodNotAllowed, "operation_not_found", "vapi.method.input.invalid",
			"Operation not found for "+r.Method+" "+r.URL.Path)
		return
	}
	s.mu.Lock()
	ids := make([]string, 0, len(s.info))
	for id := range s.info {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if restStyle(r) == "rest" {
		entries := make([]map[string]any, 0, len(ids))
		for _, id := range ids {
			entries = append(entries, map[string]any{"key": id, "value": s.snapshot(id)})
		}
		s.mu.Unlock()
		l.RESTResult(w, r, http.StatusOK, entries)
		return
	}
	all := make(map[string]serviceInfo, len(ids))
	for _, id := range ids {
		all[id] = s.snapshot(id)
	}
	s.mu.Unlock()
	l.RESTResult(w, r, http.StatusOK, all)
}

// route splits /api/vcenter/services/{id}[?action=X] or /rest/vcenter/services/{id}[/X].
func route(r *http.Request) (id, action string, ok bool) {
	rest := r.URL.Path[strings.Index(r.URL.Path, "/vcenter/services/")+len("/vcenter/services/"):]
	id, action, _ = strings.Cut(rest, "/")
	if id == "" {
		return "", "", false
	}
	if restStyle(r) == "api" {
		if action != "" {
			return "", "", false
		}
		action = r.URL.Query().Get("action")
	}
	return id, action, true
}

func (s *serviceLab) serveOne(l *Lab, w http.ResponseWriter, r *http.Request) {
	id, action, ok := route(r)
	if !ok {
		serviceError(w, r, http.StatusNotFound, "not_found", "vapi.rest.path.not_found", "No operation at "+r.URL.Path)
		return
	}
	s.mu.Lock()
	_, known := s.info[id]
	s.mu.Unlock()
	switch {
	case !known:
		notFound(w, r, id)
	case r.Method == http.MethodGet && action == "":
		s.mu.Lock()
		info := s.snapshot(id)
		s.mu.Unlock()
		l.RESTResult(w, r, http.StatusOK, info)
	case r.Method == http.MethodPatch && action == "":
		s.update(l, w, r, id)
	case r.Method == http.MethodPost && (action == "start" || action == "stop" || action == "restart"):
		s.operate(l, w, r, id, action)
	default:
		serviceError(w, r, http.StatusNotFound, "not_found", "vapi.rest.path.not_found",
			fmt.Sprintf("No operation %s %s", r.Method, r.URL.RequestURI()))
	}
}

func (s *serviceLab) update(l *Lab, w http.ResponseWriter, r *http.Request, id string) {
	var spec struct {
		StartupType *string `json:"startup_type"`
		Spec        *struct {
			StartupType *string `json:"startup_type"`
		} `json:"spec"`
	}
	if err := json.NewDecoder(r.Body).Decode(&spec); err != nil {
		serviceError(w, r, http.StatusBadRequest, "invalid_argument", "vapi.json.body.invalid", "Invalid JSON body: "+err.Error())
		return
	}
	want := spec.StartupType
	if restStyle(r) == "rest" {
		want = nil
		if spec.Spec != nil {
			want = spec.Spec.StartupType
		}
	}
	if want != nil && !startupTypes[*want] {
		serviceError(w, r, http.StatusBadRequest, "invalid_argument", "vapi.bindings.typeconverter.enum.invalid",
			fmt.Sprintf("Invalid value '%s' for startup_type (MANUAL, AUTOMATIC or DISABLED).", *want), *want)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	info := s.info[id]
	if op := s.busy[id]; op != "" {
		notAllowed(w, r, id, fmt.Sprintf("Service '%s' cannot be updated while a %s operation is in progress.", id, op))
		return
	}
	if want != nil && *want == "DISABLED" && info.State != "STOPPED" {
		notAllowed(w, r, id, fmt.Sprintf("Service '%s' is %s; it must be STOPPED before its startup type is set to DISABLED.",
			id, info.State))
		return
	}
	if want != nil {
		info.StartupType = *want
	}
	l.RESTResult(w, r, http.StatusOK, nil)
}

// operate runs start, stop or restart synchronously: the caller waits for the
// transition while the vAPI lock is released, so other callers can watch it.
func (s *serviceLab) operate(l *Lab, w http.ResponseWriter, r *http.Request, id, op string) {
	s.mu.Lock()
	info := s.info[id]
	if busy := s.busy[id]; busy != "" {
		s.mu.Unlock()
		notAllowed(w, r, id, fmt.Sprintf("Service '%s' cannot %s while a %s operation is in progress.", id, op, busy))
		return
	}
	if op != "stop" && info.StartupType == "DISABLED" {
		s.mu.Unlock()
		notAllowed(w, r, id, fmt.Sprintf("Service '%s' has startup type DISABLED and cannot %s.", id, op))
		return
	}
	steps := []string{}
	switch {
	case op == "stop" && info.State != "STOPPED":
		steps = []string{"STOPPING"}
	case op == "start" && info.State != "STARTED":
		steps = []string{"STARTING"}
	case op == "restart" && info.State == "STOPPED":
		steps = []string{"STARTING"}
	case op == "restart":
		steps = []string{"STOPPING", "STARTING"}
	}
	if len(steps) == 0 {
		s.mu.Unlock()
		l.RESTResult(w, r, http.StatusOK, nil)
		return
	}
	s.busy[id] = op
	wait := s.transition
	s.mu.Unlock()

	var failure serviceFailure
	for _, step := range steps {
		s.mu.Lock()
		info.State, info.Health, info.HealthMessages = step, "", []vapiMessage{}
		failure = s.fail[id]
		s.mu.Unlock()
		s.pause(wait)
		s.mu.Lock()
		switch {
		case step == "STOPPING":
			info.State = "STOPPED"
		case failure.Mode == "stopped":
			info.State = "STOPPED"
		case failure.Mode == "timeout":
			// stays STARTING
		case failure.Mode == "degraded":
			info.State, info.Health = "STARTED", "DEGRADED"
			info.HealthMessages = []vapiMessage{{ID: "com.vmware.vmon.health.degraded", DefaultMessage: failure.Message,
				Args: []string{}}}
		default:
			info.State, info.Health = "STARTED", "HEALTHY"
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	delete(s.busy, id)
	s.mu.Unlock()
	switch failure.Mode {
	case "stopped":
		if op != "stop" {
			serviceError(w, r, http.StatusInternalServerError, "error", "com.vmware.vmon.start.failed",
				fmt.Sprintf("Service '%s' did not start: %s", id, failure.Message), id)
			return
		}
	case "timeout":
		if op != "stop" {
			serviceError(w, r, http.StatusGatewayTimeout, "timed_out", "com.vmware.vmon.start.timed_out",
				fmt.Sprintf("Timed out waiting for service '%s' to start.", id), id)
			return
		}
	}
	l.RESTResult(w, r, http.StatusOK, nil)
}

// pause waits with the vAPI simulator's lock released (the REST handler holds it).
func (s *serviceLab) pause(d time.Duration) {
	lk := s.vapiLock()
	if lk == nil {
		time.Sleep(d)
		return
	}
	lk.Unlock()
	defer lk.Lock()
	time.Sleep(d)
}

func (s *serviceLab) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/lab/services"), "/")
	switch r.Method + " " + path {
	case "GET ":
	case "POST ":
		var in struct {
			TransitionMS *int `json:"transition_ms"`
		}
		if !decode(w, r, &in) {
			return
		}
		if in.TransitionMS != nil {
			if *in.TransitionMS < 0 {
				writeJSON(w, 400, map[string]string{"error": "transition_ms must be >= 0"})
				return
			}
			s.mu.Lock()
			s.transition = time.Duration(*in.TransitionMS) * time.Millisecond
			s.mu.Unlock()
		}
	case "POST /fail":
		var in struct {
			Service string `json:"service"`
			serviceFailure
		}
		if !decode(w, r, &in) {
			return
		}
		s.mu.Lock()
		_, known := s.info[in.Service]
		s.mu.Unlock()
		if !known {
			writeJSON(w, 400, map[string]string{"error": "no such service: " + in.Service})
			return
		}
		if in.Mode != "stopped" && in.Mode != "degraded" && in.Mode != "timeout" {
			writeJSON(w, 400, map[string]string{"error": "mode must be stopped, degraded or timeout"})
			return
		}
		if in.Message == "" {
			in.Message = "the service did not come up (lab failure rule)"
		}
		s.mu.Lock()
		s.fail[in.Service] = in.serviceFailure
		s.mu.Unlock()
	case "DELETE /fail":
		s.mu.Lock()
		s.fail = map[string]serviceFailure{}
		s.mu.Unlock()
	default:
		writeJSON(w, 404, map[string]string{"error": "no such control endpoint: " + r.Method + " " + r.URL.Path})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := map[string]serviceInfo{}
	for id := range s.info {
		all[id] = s.snapshot(id)
	}
	writeJSON(w, 200, map[string]any{"transition_ms": s.transition.Milliseconds(), "failures": s.fail,
		"busy": s.busy, "services": all})
}
