package main

// CPU profiles of the running lab, to tell the simulator's own cost from the
// client's (e.g. how long vcsim takes to build a 10,000-VM property read).
//
//	curl ... "$LAB_URL/lab/profile?seconds=10" > cpu.pprof   # then: go tool pprof -top lab-server cpu.pprof
//
// The profile covers every request the lab serves during those seconds; one
// profile runs at a time (409 otherwise).

import (
	"net/http"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"
)

var profiling sync.Mutex

func profileControl(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeJSON(w, 405, map[string]string{"error": "GET /lab/profile?seconds=N"})
		return
	}
	seconds, err := strconv.Atoi(r.URL.Query().Get("seconds"))
	if err != nil || seconds < 1 || seconds > 300 {
		writeJSON(w, 400, map[string]string{"error": "seconds must be 1..300"})
		return
	}
	if !profiling.TryLock() {
		writeJSON(w, 409, map[string]string{"error": "a profile is being taken already"})
		return
	}
	defer profiling.Unlock()
	w.Header().Set("Content-Type", "application/octet-stream")
	if err := pprof.StartCPUProfile(w); err != nil {
		writeJSON(w, 409, map[string]string{"error": err.Error()})
		return
	}
	time.Sleep(time.Duration(seconds) * time.Second)
	pprof.StopCPUProfile()
}

func init() {
	registerExtension("profile", func(l *Lab) {
		l.HandleControl("profile", profileControl)
	})
}
