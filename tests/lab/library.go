package main

// Content library lookups on /api (an extension). vcsim serves the content
// library only in the 6.7 /rest form (/rest/com/vmware/content/...); vCenter 7.0+
// also serves it under /api. The lab answers, from vcsim's own library state:
//
//	POST /api/content/library?action=find       {"name": "lib"}                      -> ["id", ...]
//	POST /api/content/library/item?action=find  {"name": "item", "library_id": "id", "type": "vm-template"} -> ["id", ...]
//	GET  /api/content/library/item/{id}/storage                                        -> [storage Info, ...]
//
// (the storage URIs are the backing datastore's summary.url + "contentlib-<lib>/<item>/<file>", as vCenter
// gives them and vcsim's /rest form does; vCenter's stored file name also carries a uuid, the lab's does not)
//
// (GET /api/content/library/item/{id} cannot be mounted: it would overlap vcsim's
// /api/content/library/{library}/usages pattern; find with "type" tells an item's type.)
// (HandleREST also mounts them under /rest/content/..., a path vCenter does not have; clients use
// /rest/com/vmware/content/... there, which stays vcsim's.)

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strings"

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
	storage  []any    // the files as com.vmware.content.library.item.storage Info (itemStorage)
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
				item.storage = append(item.storage, itemStorage(inv, lib, item.ID, files.Index(i)))
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

// dsURI joins a datastore URL and a path below it as vCenter's storage URIs read:
// summary.url + "contentlib-<lib>/<item>/<file>". A real URL is "ds:///vmfs/volumes/<uuid>/" (path.Join
// would collapse its "///"); vcsim's is a local directory without the trailing "/".
func dsURI(base string, elem ...string) string {
	return strings.TrimSuffix(base, "/") + "/" + strings.Join(elem, "/")
}

// itemStorage is one library file as GET /api/content/library/item/{id}/storage lists it: its URI
// under the backing datastore's summary.url, its size, version and whether it is cached.
func itemStorage(inv *inventory, lib reflect.Value, item string, file reflect.Value) any {
	backing := map[string]any{"type": "OTHER"}
	uris := []string{}
	if st := lib.FieldByName("Storage"); st.IsValid() && st.Len() > 0 {
		id := st.Index(0).FieldByName("DatastoreID").String()
		backing = map[string]any{"type": "DATASTORE", "datastore_id": id}
		if ds, ok := inv.model.Map().Get(types.ManagedObjectReference{Type: "Datastore", Value: id}).(*simulator.Datastore); ok {
			uris = append(uris, dsURI(ds.Summary.Url, "contentlib-"+lib.FieldByName("ID").String(), item, file.FieldByName("Name").String()))
		}
	}
	out := map[string]any{"name": file.FieldByName("Name").String(), "version": file.FieldByName("Version").String(),
		"storage_backing": backing, "storage_uris": uris, "size": int64(0), "cached": false}
	if v := file.FieldByName("Size"); !v.IsNil() {
		out["size"] = v.Elem().Int()
	}
	if v := file.FieldByName("Cached"); !v.IsNil() {
		out["cached"] = v.Elem().Bool()
	}
	if v := file.FieldByName("Checksum"); !v.IsNil() {
		out["checksum_info"] = map[string]any{"algorithm": v.Elem().FieldByName("Algorithm").String(),
			"checksum": v.Elem().FieldByName("Checksum").String()}
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

// itemStorageRoute is where the lab mounts GET /api/content/library/item/{id}/storage: that pattern
// conflicts with vcsim's /api/content/library/{library}/usages/{usage} in Go's mux (neither is more
// specific), so ServeHTTP rewrites the path to this one first (aliasREST); the call counter sees the real path.
const itemStorageRoute = "/content/lab-item-storage/"

// aliasREST rewrites a vCenter path the mux cannot hold to the lab's route for it.
func aliasREST(r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/content/library/item/")
	if id, found := strings.CutSuffix(rest, "/storage"); ok && found && id != "" && !strings.Contains(id, "/") {
		r.URL.Path = "/api" + itemStorageRoute + id
		r.URL.RawPath = ""
	}
}

// itemStorageREST serves GET /api/content/library/item/{id}/storage (vCenter 7.0 U2+), which vcsim
// has only as GET /rest/com/vmware/content/library/item/storage?library_item_id= (6.7, still vcsim's).
func itemStorageREST(l *Lab, inv *inventory) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "the lab serves only GET here")
			return
		}
		it, ok := vapiItemInfo(inv, r.PathValue("id"))
		if !ok {
			l.RESTError(w, r, http.StatusNotFound, "not_found", fmt.Sprintf("Library item with identifier '%s' does not exist.", r.PathValue("id")))
			return
		}
		out := it.storage
		if out == nil {
			out = []any{}
		}
		l.RESTResult(w, r, http.StatusOK, out)
	}
}

func init() {
	registerExtension("library", func(l *Lab) {
		libraryREST(l, l.inv())
		l.HandleREST(itemStorageRoute+"{id}", itemStorageREST(l, l.inv()))
	})
}
