package main

// Content library lookups on /api (an extension). vcsim serves the content
// library only in the 6.7 /rest form (/rest/com/vmware/content/...); vCenter 7.0+
// also serves it under /api. The lab answers, from vcsim's own library state:
//
//	POST /api/content/library?action=find       {"name": "lib"}                      -> ["id", ...]
//	POST /api/content/library/item?action=find  {"name": "item", "library_id": "id", "type": "vm-template"} -> ["id", ...]
//
// (GET /api/content/library/item/{id} cannot be mounted: it would overlap vcsim's
// /api/content/library/{library}/usages pattern; find with "type" tells an item's type.)
// (HandleREST also mounts them under /rest/content/..., a path vCenter does not have; clients use
// /rest/com/vmware/content/... there, which stays vcsim's.)

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"reflect"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

type libItem struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Library  string `json:"library_id"`
	template string
	files    []string // file names, in vcsim's order
	dir      string   // where vcsim keeps the item's files (its library datastore's contentlib-<lib>/<item>)
}

type libInfo struct {
	ID, Name string
	Items    []libItem
}

// libraryDir is where vcsim keeps a library's files: <datastore url>/contentlib-<id> (as its libraryPath).
func libraryDir(inv *inventory, lib reflect.Value) string {
	st := lib.FieldByName("Storage")
	if !st.IsValid() || st.Len() == 0 {
		return ""
	}
	ref := types.ManagedObjectReference{Type: "Datastore", Value: st.Index(0).FieldByName("DatastoreID").String()}
	ds, ok := inv.model.Map().Get(ref).(*simulator.Datastore)
	if !ok {
		return ""
	}
	return path.Join(ds.Info.GetDatastoreInfo().Url, "contentlib-"+lib.FieldByName("ID").String())
}

// vapiLibraries reads vcsim's vAPI simulator's libraries and items (its state is unexported).
func vapiLibraries(inv *inventory) []libInfo {
	h, _ := inv.mux.(*http.ServeMux).Handler(&http.Request{Method: "GET", URL: &url.URL{Path: "/rest/com/vmware/content/library"}})
	v := reflect.ValueOf(h)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	libs := v.Elem().FieldByName("Library")
	if !libs.IsValid() {
		return nil
	}
	var out []libInfo
	iter := libs.MapRange()
	for iter.Next() {
		c := iter.Value().Elem()
		lib := c.FieldByName("Library").Elem()
		info := libInfo{ID: lib.FieldByName("ID").String(), Name: lib.FieldByName("Name").String()}
		dir := libraryDir(inv, lib)
		items := c.FieldByName("Item").MapRange()
		for items.Next() {
			it := items.Value().Elem()
			meta := it.FieldByName("Item").Elem()
			item := libItem{ID: meta.FieldByName("ID").String(), Name: meta.FieldByName("Name").String(),
				Type: meta.FieldByName("Type").String(), Library: info.ID}
			if dir != "" {
				item.dir = path.Join(dir, item.ID)
			}
			files := it.FieldByName("File")
			for i := 0; i < files.Len(); i++ {
				item.files = append(item.files, files.Index(i).FieldByName("Name").String())
			}
			if t := it.FieldByName("Template"); !t.IsNil() {
				item.template = t.Elem().FieldByName("Value").String()
			}
			info.Items = append(info.Items, item)
		}
		out = append(out, info)
	}
	return out
}

// vapiItemInfo is the library item with that id.
func vapiItemInfo(inv *inventory, id string) (libItem, bool) {
	for _, lib := range vapiLibraries(inv) {
		for _, it := range lib.Items {
			if it.ID == id {
				return it, true
			}
		}
	}
	return libItem{}, false
}

func vapiItem(inv *inventory, id string) (kind, name, template string, ok bool) {
	for _, lib := range vapiLibraries(inv) {
		for _, it := range lib.Items {
			if it.ID == id {
				return it.Type, it.Name, it.template, true
			}
		}
	}
	return "", "", "", false
}

func findBody(r *http.Request) (map[string]string, error) {
	var body map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, err
	}
	raw := body["spec"]
	if raw == nil {
		raw, _ = json.Marshal(body)
	}
	out := map[string]string{}
	err := json.Unmarshal(raw, &out)
	return out, err
}

func libraryREST(l *Lab, inv *inventory) {
	l.HandleREST("/content/library", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Query().Get("action") != "find" {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "the lab serves only POST ?action=find here")
			return
		}
		spec, err := findBody(r)
		if err != nil {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", err.Error())
			return
		}
		ids := []string{}
		for _, lib := range vapiLibraries(inv) {
			if spec["name"] == "" || lib.Name == spec["name"] {
				ids = append(ids, lib.ID)
			}
		}
		l.RESTResult(w, r, http.StatusOK, ids)
	})
	l.HandleREST("/content/library/item", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Query().Get("action") != "find" {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "the lab serves only POST ?action=find here")
			return
		}
		spec, err := findBody(r)
		if err != nil {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", err.Error())
			return
		}
		ids := []string{}
		for _, lib := range vapiLibraries(inv) {
			if spec["library_id"] != "" && lib.ID != spec["library_id"] {
				continue
			}
			for _, it := range lib.Items {
				if (spec["name"] == "" || it.Name == spec["name"]) && (spec["type"] == "" || it.Type == spec["type"]) {
					ids = append(ids, it.ID)
				}
			}
		}
		l.RESTResult(w, r, http.StatusOK, ids)
	})
}

func init() {
	registerExtension("library", func(l *Lab) { libraryREST(l, l.inv()) })
}
