package main

// Extension hook. Feature files in this package call registerExtension from
// init(); every setup func runs each time an inventory is built (start and
// every POST /lab/reset), so state created inside setup is reset for free.
//
//	func init() {
//		registerExtension("hello", func(l *Lab) {
//			l.HandleREST("/vcenter/hello", func(w http.ResponseWriter, r *http.Request) {
//				l.RESTResult(w, r, http.StatusOK, "hi")
//			})
//			l.HandleSOAP("RenameSnapshot", func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
//				return nil // nil: not handled, vcsim's implementation runs
//			})
//			l.HandleControl("hello", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, "ok") })
//		})
//	}

import (
	"net/http"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
)

type extension struct {
	name  string
	setup func(l *Lab)
}

var extensions []extension

// registerExtension adds a feature; call it from init().
func registerExtension(name string, setup func(l *Lab)) {
	extensions = append(extensions, extension{name, setup})
}

// SOAPHook may answer a SOAP call instead of vcsim. It runs for authenticated
// calls (and for the anonymous ones: Login, RetrieveServiceContent, Fetch, ...)
// before vcsim's implementation, without any object lock held: use
// ctx.WithLock(obj, fn) when touching an object. Return nil to let the call
// continue (to the next hook, then vcsim); return a body (see soapResult,
// soapFault) to answer it.
type SOAPHook func(ctx *simulator.Context, m *simulator.Method) soap.HasFault

// HandleSOAP registers a hook for the SOAP method named as on the wire (e.g. "ShutdownGuest", "PowerOffVM_Task").
func (l *Lab) HandleSOAP(method string, hook SOAPHook) {
	inv := l.inv()
	inv.soapHooks[method] = append(inv.soapHooks[method], hook)
}

type restRoute struct {
	pattern string
	fn      http.HandlerFunc
}

// HandleREST serves fn at "/api"+path and "/rest"+path (path starts with "/";
// a trailing "/" matches the subtree; "{id}" wildcards work). Requests reach fn
// only with a valid vmware-api-session-id (header or cookie), otherwise the
// client gets 401 with a vAPI error body. fn runs under the vAPI simulator's lock.
// Use l.RESTResult / l.RESTError to answer in the caller's style.
//
// No method prefix ("GET /vcenter/x"): vcsim would register such a pattern on
// its outer mux, where neither the session check nor the lock applies. Check
// r.Method in fn instead; HandleREST refuses the prefix rather than serve an
// unauthenticated endpoint.
func (l *Lab) HandleREST(path string, fn http.HandlerFunc) {
	if strings.ContainsRune(path, ' ') {
		panic("HandleREST " + path + ": no method prefix; check r.Method in the handler")
	}
	inv := l.inv()
	for _, prefix := range []string{"/api", "/rest"} {
		inv.rest = append(inv.rest, restRoute{prefix + path, fn})
	}
}

// HandleControl serves fn at /lab/<name> and /lab/<name>/... (lab credentials required).
func (l *Lab) HandleControl(name string, fn http.HandlerFunc) {
	l.inv().control[name] = fn
}

// HTTPHook may answer a plain HTTP request (not /sdk, /rest, /api) ahead of
// vcsim's mux; it returns false to let vcsim serve it. No session check.
type HTTPHook func(w http.ResponseWriter, r *http.Request) bool

type httpRoute struct {
	prefix string
	fn     HTTPHook
}

// HandleHTTP offers requests whose path starts with prefix to fn first (e.g.
// "/nfc/": NFC transfers are authorised by the lease id in the URL, not a session).
func (l *Lab) HandleHTTP(prefix string, fn HTTPHook) {
	inv := l.inv()
	inv.http = append(inv.http, httpRoute{prefix, fn})
}

// HandleAfterSOAP registers fn to run after every SOAP call has been answered
// (method as on the wire; a REST call as /lab/calls keys it, "GET /api/vcenter/vm"), before the handler returns: a client on the same
// connection cannot send its next call before fn is done.
func (l *Lab) HandleAfterSOAP(fn func(method string)) {
	inv := l.inv()
	inv.afterHooks = append(inv.afterHooks, fn)
}

// HandleBeforeSOAP registers fn to run when a SOAP call arrives (method as on the wire), before
// anything serves it; fn returning true drops the connection without an answer, as a failing
// network or load balancer would (drop.go uses it).
func (l *Lab) HandleBeforeSOAP(fn func(method string) bool) {
	inv := l.inv()
	inv.beforeHooks = append(inv.beforeHooks, fn)
}

func (inv *inventory) dropSOAP(method string) bool {
	for _, fn := range inv.beforeHooks {
		if fn(method) {
			return true
		}
	}
	return false
}

func (inv *inventory) afterSOAP(method string) {
	for _, fn := range inv.afterHooks {
		fn(method)
	}
}
