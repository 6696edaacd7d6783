package main

// A freshly deployed vCenter Server Appliance after stage 1: the deployment API
// (com.vmware.vcenter.deployment) on its own HTTPS listener, answering with the
// appliance's root account (basic auth, or a session created with it) before any
// SSO domain exists. See appliance_api.go for the endpoints, appliance_ctl.go for
// the /lab/appliance control hooks, appliance_net.go for the listener.
//
// State machine (Deployment.ApplianceState):
//
//	NOT_INITIALIZED -> INITIALIZED -> CONFIG_IN_PROGRESS -> (QUESTION_RAISED -> CONFIG_IN_PROGRESS)*
//	                                                      -> CONFIGURED | FAILED
//	FAILED --rollback--> INITIALIZED ; CONFIG_IN_PROGRESS|QUESTION_RAISED --cancel--> FAILED
//
// Time is evaluated lazily: every request (and every control call) advances the
// install to "now", and each transition is stamped with the exact moment it
// logically happened, so end_time says when CONFIGURED was reached even if no
// one looked at that instant.

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

const (
	stNotInitialized = "NOT_INITIALIZED"
	stInitialized    = "INITIALIZED"
	stInProgress     = "CONFIG_IN_PROGRESS"
	stQuestion       = "QUESTION_RAISED"
	stFailed         = "FAILED"
	stConfigured     = "CONFIGURED"

	applianceUser     = "root"
	appliancePassword = "Appliance1!"
)

// applianceSubtasks are the steps of an embedded install, in order, with their descriptions.
var applianceSubtasks = []struct{ id, text string }{
	{"validation", "Validating the install specification"},
	{"firstboot", "Running first-boot scripts"},
	{"sso", "Configuring the Single Sign-On domain"},
	{"vpxd", "Configuring vCenter Server"},
	{"services", "Starting vCenter Server services"},
	{"finalize", "Finishing the configuration"},
}

// questionConf is a question the control API asks the install to raise.
type questionConf struct {
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Type      string   `json:"type"`     // YES_NO | OK_CANCEL | ABORT_RETRY_IGNORE
	Default   string   `json:"default"`  // default_answer
	Possible  []string `json:"possible"` // possible_answers (derived from type when empty)
	AtPercent float64  `json:"at_percent"`
	// Fail lists answers that make the install fail (e.g. "No", "Cancel", "Abort").
	Fail []string `json:"fail"`
}

type failConf struct {
	Subtask string `json:"subtask"`
	Message string `json:"message"`
}

type rebootConf struct {
	AtMS   int `json:"at_ms"`   // after start
	DownMS int `json:"down_ms"` // connection refused this long
}

// applianceConf is what a test sets with POST /lab/appliance.
type applianceConf struct {
	State             string         `json:"state"`
	DurationMS        int            `json:"duration_ms"`
	InitializeAfterMS int            `json:"initialize_after_ms"`
	Questions         []questionConf `json:"questions"`
	Fail              *failConf      `json:"fail"`
	Reboot            *rebootConf    `json:"reboot"`
	CheckWarnings     []string       `json:"check_warnings"`
	CheckErrors       []string       `json:"check_errors"`
	Spec              map[string]any `json:"spec"` // the spec in use for a preset CONFIGURED/FAILED state
	SessionTimeoutMS  int            `json:"session_timeout_ms"`
	API               *bool          `json:"api"` // false: answer 404 on /api (a 6.7 appliance)
}

const defaultApplianceDurationMS = 2000

type notification struct {
	ID      string    `json:"id"`
	Time    time.Time `json:"-"`
	Message string    `json:"-"`
}

type subtask struct {
	id, text   string
	status     string // PENDING RUNNING BLOCKED SUCCEEDED FAILED
	completed  int
	start, end time.Time
	errors     []notification
}

// appliance is the deployment state of one simulated appliance (reset with /lab/reset).
type appliance struct {
	mu   sync.Mutex
	conf applianceConf

	state      string
	created    time.Time
	spec       map[string]any // the spec in use, secrets removed
	autoAnswer bool

	started, ended time.Time
	active         time.Duration // install time elapsed, excluding question pauses
	last           time.Time     // the moment active was last advanced to
	subtasks       []*subtask
	asked          map[string]bool
	pending        []questionConf // raised, unanswered
	answers        []map[string]any
	info, warnings []notification
	errors         []notification
	status         string // the operation's Task status
	message        string

	sessions map[string]time.Time // id -> last use
}

func newAppliance(conf applianceConf, now time.Time) *appliance {
	if conf.DurationMS <= 0 {
		conf.DurationMS = defaultApplianceDurationMS
	}
	a := &appliance{conf: conf, created: now, state: stInitialized, sessions: map[string]time.Time{},
		asked: map[string]bool{}, status: "NONE"}
	if conf.InitializeAfterMS > 0 {
		a.state = stNotInitialized
	}
	switch conf.State {
	case "", stInitialized:
	case stNotInitialized:
		a.state = stNotInitialized
	case stConfigured, stFailed:
		a.spec = scrub(conf.Spec)
		a.startSubtasks(now)
		a.started, a.last, a.ended = now, now, now
		a.active = a.duration()
		for _, st := range a.subtasks {
			st.status, st.completed, st.start, st.end = "SUCCEEDED", 100, now, now
		}
		a.state, a.status = stConfigured, "SUCCEEDED"
		if conf.State == stFailed {
			last := a.subtasks[len(a.subtasks)-1]
			last.status, last.completed = "FAILED", 50
			msg := "preset failure"
			if conf.Fail != nil && conf.Fail.Message != "" {
				msg = conf.Fail.Message
			}
			a.fail(last, msg, now)
		}
	case stInProgress:
		a.begin(conf.Spec, now)
	}
	return a
}

func (a *appliance) duration() time.Duration {
	return time.Duration(a.conf.DurationMS) * time.Millisecond
}

func (a *appliance) startSubtasks(now time.Time) {
	a.subtasks = nil
	for _, s := range applianceSubtasks {
		a.subtasks = append(a.subtasks, &subtask{id: s.id, text: s.text, status: "PENDING"})
	}
}

// begin moves INITIALIZED to CONFIG_IN_PROGRESS with spec (already validated).
func (a *appliance) begin(spec map[string]any, now time.Time) {
	a.spec = scrub(spec)
	a.autoAnswer, _ = spec["auto_answer"].(bool)
	a.startSubtasks(now)
	a.started, a.last, a.active = now, now, 0
	a.state, a.status = stInProgress, "RUNNING"
	a.info, a.warnings, a.errors, a.answers, a.pending = nil, nil, nil, nil, nil
	for _, w := range a.conf.CheckWarnings {
		a.warnings = append(a.warnings, notification{"com.vmware.lab.check.warning", now, w})
	}
	a.asked = map[string]bool{}
	a.subtasks[0].status, a.subtasks[0].start = "RUNNING", now
	if a.conf.Reboot != nil {
		scheduleReboot(time.Duration(a.conf.Reboot.AtMS)*time.Millisecond, time.Duration(a.conf.Reboot.DownMS)*time.Millisecond, a)
	}
}

// advance brings the appliance to now: initialization, progress, subtasks, questions, failure, the end.
func (a *appliance) advance(now time.Time) {
	if a.state == stNotInitialized && a.conf.InitializeAfterMS > 0 &&
		now.Sub(a.created) >= time.Duration(a.conf.InitializeAfterMS)*time.Millisecond {
		a.state = stInitialized
	}
	for a.state == stInProgress && now.After(a.last) {
		total := a.duration()
		n := len(a.subtasks)
		share := total / time.Duration(n)
		// the next event: the end of the running subtask, a question, a failure point
		next := total
		kind := "end"
		idx := min(int(a.active/share), n-1)
		if end := share * time.Duration(idx+1); idx < n-1 && end < next {
			next, kind = end, "subtask"
		}
		for _, q := range a.conf.Questions {
			at := time.Duration(q.AtPercent / 100 * float64(total))
			if !a.asked[q.ID] && at >= a.active && at < next {
				next, kind = at, "question:"+q.ID
			}
		}
		if f := a.conf.Fail; f != nil {
			for i, st := range a.subtasks {
				if st.id == f.Subtask {
					at := share*time.Duration(i) + share/2
					if at >= a.active && at < next {
						next, kind = at, "fail"
					}
				}
			}
		}
		reach := a.last.Add(next - a.active)
		if reach.After(now) { // nothing happens before now: move progress only
			a.active += now.Sub(a.last)
			a.last = now
			a.setProgress()
			return
		}
		a.active, a.last = next, reach
		a.setProgress()
		cur := a.subtasks[idx]
		switch {
		case kind == "end":
			for _, st := range a.subtasks {
				if st.status != "SUCCEEDED" {
					st.status, st.completed, st.end = "SUCCEEDED", 100, reach
					if st.start.IsZero() {
						st.start = reach
					}
				}
			}
			a.state, a.status, a.ended, a.message = stConfigured, "SUCCEEDED", reach, "Configuration complete"
		case kind == "subtask":
			cur.status, cur.completed, cur.end = "SUCCEEDED", 100, reach
			nxt := a.subtasks[idx+1]
			nxt.status, nxt.start = "RUNNING", reach
		case kind == "fail":
			a.fail(cur, a.conf.Fail.Message, reach)
		default:
			id := strings.TrimPrefix(kind, "question:")
			a.asked[id] = true
			q := a.question(id)
			if a.autoAnswer {
				a.info = append(a.info, notification{"com.vmware.vcenter.deployment.question.autoanswered", reach,
					fmt.Sprintf("Question %s answered with its default answer %s", q.ID, q.Default)})
				a.answers = append(a.answers, map[string]any{"question_id": q.ID, "answer_val": q.Default, "auto": true})
				if contains(q.Fail, q.Default) {
					a.fail(cur, fmt.Sprintf("Question %s answered %s: install aborted", q.ID, q.Default), reach)
				}
				continue
			}
			a.pending = append(a.pending, q)
			a.state, a.status = stQuestion, "BLOCKED"
			cur.status = "BLOCKED"
		}
	}
	if a.state == stQuestion {
		a.last = now // time stands still while a question waits
	}
}

func (a *appliance) fail(st *subtask, msg string, at time.Time) {
	n := notification{"com.vmware.vcenter.deployment.failed." + st.id, at, msg}
	st.status, st.end = "FAILED", at
	st.errors = append(st.errors, n)
	a.errors = append(a.errors, n)
	a.state, a.status, a.ended, a.message = stFailed, "FAILED", at, msg
	a.pending = nil
}

func (a *appliance) setProgress() {
	n := len(a.subtasks)
	share := a.duration() / time.Duration(n)
	for i, st := range a.subtasks {
		if st.status == "RUNNING" || st.status == "BLOCKED" {
			done := a.active - share*time.Duration(i)
			st.completed = max(0, min(99, int(100*done/share)))
		}
	}
	a.message = ""
	for _, st := range a.subtasks {
		if st.status == "RUNNING" || st.status == "BLOCKED" {
			a.message = st.text
		}
	}
}

func (a *appliance) percent() int {
	if a.state == stConfigured {
		return 100
	}
	if a.subtasks == nil {
		return 0
	}
	return min(99, int(100*a.active/a.duration()))
}

func (a *appliance) question(id string) questionConf {
	for _, q := range a.conf.Questions {
		if q.ID == id {
			return completeQuestion(q)
		}
	}
	return questionConf{ID: id}
}

func completeQuestion(q questionConf) questionConf {
	if q.Type == "" {
		q.Type = "YES_NO"
	}
	if len(q.Possible) == 0 {
		q.Possible = map[string][]string{
			"YES_NO": {"Yes", "No"}, "OK_CANCEL": {"OK", "Cancel"}, "ABORT_RETRY_IGNORE": {"Abort", "Retry", "Ignore"},
		}[q.Type]
	}
	if q.Default == "" && len(q.Possible) > 0 {
		q.Default = q.Possible[0]
	}
	if q.Text == "" {
		q.Text = "Question " + q.ID + "?"
	}
	return q
}

// answer applies an answer to a pending question; an error text means InvalidArgument.
func (a *appliance) answer(id, val string, now time.Time) string {
	for i, q := range a.pending {
		if q.ID != id {
			continue
		}
		if !contains(q.Possible, val) {
			return fmt.Sprintf("answer %q is not one of %s for question %s", val, strings.Join(q.Possible, ", "), id)
		}
		a.pending = append(a.pending[:i], a.pending[i+1:]...)
		a.answers = append(a.answers, map[string]any{"question_id": id, "answer_val": val, "auto": false})
		cur := a.running()
		if contains(q.Fail, val) {
			a.fail(cur, fmt.Sprintf("Question %s answered %s: install aborted", id, val), now)
			return ""
		}
		if len(a.pending) == 0 {
			a.state, a.status, a.last = stInProgress, "RUNNING", now
			cur.status = "RUNNING"
		}
		return ""
	}
	return fmt.Sprintf("no pending question with id %q", id)
}

func (a *appliance) running() *subtask {
	for _, st := range a.subtasks {
		if st.status == "RUNNING" || st.status == "BLOCKED" {
			return st
		}
	}
	return a.subtasks[len(a.subtasks)-1]
}

func (a *appliance) cancel(now time.Time) {
	cur := a.running()
	a.fail(cur, "The installation was cancelled", now)
	a.status = "FAILED"
}

func (a *appliance) rollback() {
	conf := a.conf
	conf.State, conf.InitializeAfterMS, conf.Spec = stInitialized, 0, nil
	fresh := newAppliance(conf, time.Now())
	a.conf, a.state, a.created, a.spec, a.autoAnswer = fresh.conf, fresh.state, fresh.created, nil, false
	a.started, a.ended, a.last, a.active, a.subtasks = time.Time{}, time.Time{}, time.Time{}, 0, nil
	a.asked, a.pending, a.answers = map[string]bool{}, nil, nil
	a.info, a.warnings, a.errors, a.status, a.message = nil, nil, nil, "NONE", ""
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var (
	domainLabel = `[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
	domainRe    = regexp.MustCompile(`^` + domainLabel + `(\.` + domainLabel + `)+$`)
	secretKeys  = map[string]bool{"sso_admin_password": true, "password": true}
)

// validateSpec returns the InvalidArgument messages for an Install.Spec (none: valid).
func validateSpec(spec map[string]any) []string {
	if spec == nil {
		return []string{"spec is required"}
	}
	emb, ok := spec["vcsa_embedded"].(map[string]any)
	if !ok {
		return []string{"spec.vcsa_embedded is required (only an embedded vCenter Server can be installed)"}
	}
	var errs []string
	if _, ok := emb["ceip_enabled"].(bool); !ok {
		errs = append(errs, "spec.vcsa_embedded.ceip_enabled is required (true or false)")
	}
	sa, hasSA := emb["standalone"].(map[string]any)
	rp, hasRP := emb["replicated"].(map[string]any)
	switch {
	case hasSA && hasRP:
		errs = append(errs, "spec.vcsa_embedded: give standalone or replicated, not both")
	case hasSA:
		if s, _ := sa["sso_admin_password"].(string); s == "" {
			errs = append(errs, "spec.vcsa_embedded.standalone.sso_admin_password is required")
		}
		d, _ := sa["sso_domain_name"].(string)
		if d == "" {
			errs = append(errs, "spec.vcsa_embedded.standalone.sso_domain_name is required")
		} else if !domainRe.MatchString(d) {
			errs = append(errs, fmt.Sprintf("spec.vcsa_embedded.standalone.sso_domain_name %q is not a valid domain name", d))
		}
	case hasRP:
		if h, _ := rp["partner_hostname"].(string); h == "" {
			errs = append(errs, "spec.vcsa_embedded.replicated.partner_hostname is required")
		}
		if s, _ := rp["sso_admin_password"].(string); s == "" {
			errs = append(errs, "spec.vcsa_embedded.replicated.sso_admin_password is required")
		}
		if p, ok := rp["https_port"]; ok {
			if f, ok := p.(float64); !ok || f < 1 || f > 65535 || f != float64(int(f)) {
				errs = append(errs, "spec.vcsa_embedded.replicated.https_port must be a port number")
			}
		}
	default:
		errs = append(errs, "spec.vcsa_embedded: standalone or replicated is required (a replicated install needs its partner)")
	}
	return errs
}

// scrub copies a spec without its secrets: the appliance never echoes a password.
func scrub(v map[string]any) map[string]any {
	if v == nil {
		return nil
	}
	out := make(map[string]any, len(v))
	for k, x := range v {
		if secretKeys[k] {
			continue
		}
		if m, ok := x.(map[string]any); ok {
			out[k] = scrub(m)
		} else {
			out[k] = x
		}
	}
	return out
}
