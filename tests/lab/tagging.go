package main

// The vSphere 7.0+ /api spelling of the tagging service, which vcsim serves only
// in the 6.7 /rest spelling (/rest/com/vmware/cis/tagging/...). Each /api call is
// answered by vcsim's own /rest implementation, so both spellings share one set of
// categories, tags and associations (and reset with the inventory):
//
//	/api (7.0+)                                                          /rest (6.7, vcsim)
//	GET  /api/cis/tagging/category                  -> [ids]            GET  .../category
//	POST /api/cis/tagging/category {spec}           -> 201 id           POST .../category {"create_spec": spec}
//	GET  /api/cis/tagging/category/{id}             -> CategoryModel    GET  .../category/id:{id}
//	GET  /api/cis/tagging/tag, POST, GET /{id}      (the same for tags)
//	POST /api/cis/tagging/tag-association?action=list-attached-objects-on-tags {"tag_ids": [...]}
//	     -> [{"tag_id", "object_ids": [{"type", "id"}]}]                POST .../tag-association?~action=...
//	POST /api/cis/tagging/tag-association?action=list-attached-tags-on-objects {"object_ids": [...]}
//	     -> [{"object_id", "tag_ids"}]
//	POST /api/cis/tagging/tag-association/{tag_id}?action=attach|detach|list-attached-objects
//	     {"object_id": {"type", "id"}}                                  POST .../tag-association/id:{tag_id}?~action=...
//
// Errors come back as /api vAPI errors ({"error_type": "NOT_FOUND", ...}).
// /rest/cis/tagging/... (which HandleREST also mounts) is not a vCenter path: 404.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

const vcsimTagging = "/rest/com/vmware/cis/tagging"

func init() {
	registerExtension("tagging-api", func(l *Lab) {
		m := l.Model()
		vapiLock := func() sync.Locker {
			h, _ := m.Service.ServeMux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/rest/"}})
			lk, _ := h.(sync.Locker)
			return lk
		}
		serve := func(w http.ResponseWriter, r *http.Request) {
			if restStyle(r) == "rest" {
				l.RESTError(w, r, http.StatusNotFound, "not_found", "no such path; the 6.7 tagging API is "+vcsimTagging)
				return
			}
			forwardTagging(l, m.Service.ServeMux, vapiLock(), w, r)
		}
		for _, p := range []string{"/cis/tagging/category", "/cis/tagging/category/", "/cis/tagging/tag", "/cis/tagging/tag/",
			"/cis/tagging/tag-association", "/cis/tagging/tag-association/"} {
			l.HandleREST(p, serve)
		}
	})
}

// forwardTagging answers one /api tagging call with vcsim's /rest implementation.
// It runs under the vAPI lock (HandleREST), which vcsim's handler takes again:
// the lock is released around the inner call.
func forwardTagging(l *Lab, mux http.Handler, lock sync.Locker, w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/cis/tagging")
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if len(parts) == 2 {
		rest = "/" + parts[0] + "/id:" + parts[1]
	} else if len(parts) != 1 {
		l.RESTError(w, r, http.StatusNotFound, "not_found", "no such path: "+r.URL.Path)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", err.Error())
		return
	}
	create := r.Method == http.MethodPost && len(parts) == 1 && parts[0] != "tag-association" && r.URL.Query().Get("action") == ""
	if create { // /api takes the spec bare; /rest wants it as create_spec
		body, _ = json.Marshal(map[string]json.RawMessage{"create_spec": body})
	}
	target := vcsimTagging + rest
	if action := r.URL.Query().Get("action"); action != "" {
		target += "?~action=" + url.QueryEscape(action)
	}
	inner, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
	if err != nil {
		l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", err.Error())
		return
	}
	inner.Header = r.Header.Clone()
	inner.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	lock.Unlock()
	mux.ServeHTTP(rec, inner)
	lock.Lock()

	switch {
	case rec.Code == http.StatusNotFound:
		l.RESTError(w, r, http.StatusNotFound, "not_found", "no such "+parts[0]+" ("+strings.Join(parts[1:], "")+")")
		return
	case rec.Code >= 400:
		kind := "invalid_argument"
		var vapiErr struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &vapiErr) == nil && vapiErr.Type != "" {
			kind = vapiErr.Type[strings.LastIndex(vapiErr.Type, ".")+1:]
		}
		l.RESTError(w, r, rec.Code, kind, strings.TrimSpace(rec.Body.String()))
		return
	}
	var wrapped struct {
		Value json.RawMessage `json:"value"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &wrapped)
	status := http.StatusOK
	if create {
		status = http.StatusCreated
	}
	if len(wrapped.Value) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if string(wrapped.Value) == "null" { // vcsim's empty list
		wrapped.Value = json.RawMessage("[]")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(wrapped.Value)
}
