package main

// The outermost HTTP handler: /lab control, counting, REST session handling,
// panic containment, then the current inventory's simulator mux.

import (
	"fmt"
	"log"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vmware/govmomi/vim25/types"
)

func (l *Lab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/lab" || strings.HasPrefix(r.URL.Path, "/lab/") {
		l.serveControl(w, r)
		return
	}
	key := callKey(r)
	l.calls.add(key)
	inv := l.cur.Load()

	rw := &trackingWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			log.Printf("lab: recovered panic serving %s %s: %v\n%s", r.Method, r.URL.Path, p, debug.Stack())
			if !rw.wrote {
				if strings.HasPrefix(r.URL.Path, "/sdk") {
					writeSOAPFault(rw, fmt.Sprintf("simulator panic: %v", p), &types.SystemError{Reason: fmt.Sprint(p)})
				} else {
					l.RESTError(rw, r, http.StatusInternalServerError, "error", fmt.Sprintf("simulator panic: %v", p))
				}
			}
		}
	}()

	if refuseAPI(inv, rw, r) { // apistyle.go: behave like 6.7 (no /api) when asked
		return
	}
	if isREST(r.URL.Path) {
		if ms := inv.restDelay.Load(); ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond) // a REST call costs a round trip like a SOAP one
		}
		if !l.serveSession(inv, rw, r) {
			rw.style = restStyle(r)
			aliasREST(r) // library.go: a path Go's mux cannot hold beside vcsim's
			inv.mux.ServeHTTP(rw, r)
			rw.finishREST(l, r)
		}
		inv.afterSOAP(key) // after-call hooks (vanish.go) see REST calls too, keyed as /lab/calls counts them
		return
	}
	for _, h := range inv.http {
		if strings.HasPrefix(r.URL.Path, h.prefix) && h.fn(rw, r) {
			return
		}
	}
	if strings.HasPrefix(r.URL.Path, "/sdk") && inv.dropSOAP(key) {
		panic(http.ErrAbortHandler) // net/http closes the connection without an answer
	}
	inv.mux.ServeHTTP(rw, r)
	inv.afterSOAP(key) // extension.go: HandleAfterSOAP, before the client can send its next call
}

func isREST(p string) bool {
	return p == "/rest" || p == "/api" || strings.HasPrefix(p, "/rest/") || strings.HasPrefix(p, "/api/")
}

// trackingWriter remembers whether anything was written and turns an empty
// REST 401 from the vAPI simulator into a proper vAPI error.
type trackingWriter struct {
	http.ResponseWriter
	wrote  bool
	status int
	style  string
	body   bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote, t.status = true, code
	if code == http.StatusUnauthorized && t.style != "" {
		return // written by finishREST
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	if !t.wrote {
		t.WriteHeader(http.StatusOK)
	}
	if t.status == http.StatusUnauthorized && t.style != "" {
		if !t.body {
			t.body = true
			t.ResponseWriter.WriteHeader(t.status)
		}
	}
	return t.ResponseWriter.Write(b)
}

func (t *trackingWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (t *trackingWriter) finishREST(l *Lab, r *http.Request) {
	if t.status == http.StatusUnauthorized && !t.body {
		t.style = ""
		l.RESTError(t.ResponseWriter, r, http.StatusUnauthorized, "unauthenticated", "Authentication required.")
	}
}
