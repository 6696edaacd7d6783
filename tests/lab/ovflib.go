package main

// OVF deploy and filter of content library items (com.vmware.vcenter.ovf.library_item), as
// vCenter serves them (an extension). vcsim serves only the 6.7 /rest form; its filter answers
// the item's name alone, its deploy finds standard port groups only (a distributed one is
// dropped silently), ignores the annotation, the EULAs and vCenter's warnings, never uploads
// the item's disks, and answers every failure as one SERVER error. The lab serves
//
//	POST /api/vcenter/ovf/library-item/{id}?action=deploy|filter                 (7.0+)
//	POST /rest/com/vmware/vcenter/ovf/library-item/id:{id}?~action=deploy|filter (6.7)
//
// from the item's own .ovf (vcsim's library files on the datastore):
//
//   - filter {"target": {"resource_pool_id", "host_id", "folder_id"}} -> OvfSummary: name,
//     annotation, EULAs, networks, storage_groups, additional_params (PropertyParams with the
//     user-configurable properties; a password property's type is "password"), DeploymentOptionParams,
//     SizeParams; no disk list: the API has none). The resource pool is
//     required and checked, as on vCenter.
//   - deploy {"target", "deployment_spec": {name, annotation, accept_all_EULA, network_mappings
//     (OVF network -> network id, standard or distributed), storage_provisioning (thin, thick,
//     eagerZeroedThick), default_datastore_id, additional_parameters (PropertyParams,
//     DeploymentOptionParams)}} -> DeploymentResult: through the lab's faithful CreateImportSpec,
//     ImportVApp and NFC upload of the item's files (so disk bytes land on the datastore),
//     HttpNfcLeaseComplete. CreateImportSpec's errors are VALIDATION errors and its warnings
//     are returned in error.warnings (also on success); EULAs not accepted is an INPUT error;
//     unknown target or network ids are not_found, a missing resource pool invalid_argument.
//     A failed upload aborts the lease (the VM goes with it). No power-on: the spec has none.
//
// vAPI maps are objects on /api and [{"key", "value"}] lists on /rest (vapiMap).

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/nfc"
	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

type ovfTarget struct {
	ResourcePool string `json:"resource_pool_id"`
	Host         string `json:"host_id"`
	Folder       string `json:"folder_id"`
}

type ovfParam struct {
	Type        string `json:"type"`
	SelectedKey string `json:"selected_key"`
	Properties  []struct {
		ClassID    string `json:"class_id"`
		ID         string `json:"id"`
		InstanceID string `json:"instance_id"`
		Value      string `json:"value"`
	} `json:"properties"`
}

type ovfDeploySpec struct {
	Name                string          `json:"name"`
	Annotation          *string         `json:"annotation"`
	AcceptAllEULA       bool            `json:"accept_all_EULA"`
	NetworkMappings     json.RawMessage `json:"network_mappings"`
	StorageProvisioning string          `json:"storage_provisioning"`
	DefaultDatastoreID  string          `json:"default_datastore_id"`
	AdditionalParams    []ovfParam      `json:"additional_parameters"`
}

type ovfRequest struct {
	Target ovfTarget     `json:"target"`
	Spec   ovfDeploySpec `json:"deployment_spec"`
}

func ovfMessage(id, text string) map[string]any {
	return map[string]any{"id": "com.vmware.lab.ovf." + id, "default_message": text, "args": []string{}}
}

// itemDescriptor reads the item's .ovf from vcsim's library files.
func itemDescriptor(it libItem) (string, *ovf.Envelope, error) {
	for _, name := range it.files {
		if strings.HasSuffix(strings.ToLower(name), ".ovf") && it.dir != "" {
			b, err := os.ReadFile(filepath.Join(it.dir, name))
			if err != nil {
				return "", nil, err
			}
			env, err := ovf.Unmarshal(strings.NewReader(string(b)))
			return string(b), env, err
		}
	}
	return "", nil, fmt.Errorf("the library item has no .ovf file")
}

func ovfSummary(it libItem, env *ovf.Envelope) map[string]any {
	out := map[string]any{"name": it.Name, "EULAs": []string{}, "networks": []string{}, "storage_groups": []string{}}
	props, options := []map[string]any{}, []map[string]any{}
	selected := ""
	if vs := env.VirtualSystem; vs != nil {
		if vs.Annotation != nil {
			out["annotation"] = vs.Annotation.Annotation
		}
		eulas := []string{}
		for _, e := range vs.Eula {
			eulas = append(eulas, e.License)
		}
		out["EULAs"] = eulas
		for _, p := range vs.Product {
			category := ""
			for _, item := range p.Items {
				if item.Category != nil {
					category = *item.Category
				}
				prop := item.Property
				if prop == nil || prop.UserConfigurable == nil || !*prop.UserConfigurable {
					continue
				}
				entry := map[string]any{"id": prop.Key, "type": filterType(prop), "ui_optional": false, "category": category,
					"value": deref(prop.Default), "label": deref(prop.Label), "description": deref(prop.Description)}
				if p.Class != nil {
					entry["class_id"] = *p.Class
				}
				if p.Instance != nil {
					entry["instance_id"] = *p.Instance
				}
				props = append(props, entry)
			}
		}
	}
	if env.Network != nil {
		nets := []string{}
		for _, n := range env.Network.Networks {
			nets = append(nets, n.Name)
		}
		out["networks"] = nets
	}
	if env.DeploymentOption != nil {
		for i, c := range env.DeploymentOption.Configuration {
			def := c.Default != nil && *c.Default
			if def || (selected == "" && i == 0) {
				selected = c.ID
			}
			options = append(options, map[string]any{"key": c.ID, "label": c.Label, "description": c.Description, "default_choice": def})
		}
	}
	var download, flat int64
	if env.References != nil {
		for _, f := range env.References {
			download += int64(f.Size)
		}
	}
	if env.Disk != nil {
		for _, d := range env.Disk.Disks {
			flat += diskBytes(d)
		}
	}
	params := []map[string]any{
		{"@class": "com.vmware.vcenter.ovf.property_params", "type": "PropertyParams", "properties": props},
		{"@class": "com.vmware.vcenter.ovf.size_params", "type": "SizeParams", "approximate_download_size": download,
			"approximate_flat_deployment_size": flat, "approximate_sparse_deployment_size": download, "variable_disk_size": false},
	}
	if len(options) > 0 {
		params = append(params, map[string]any{"@class": "com.vmware.vcenter.ovf.deployment_option_params",
			"type": "DeploymentOptionParams", "deployment_options": options, "selected_key": selected})
	}
	out["additional_params"] = params
	return out
}

// filterType is a property's type as the OVF service shows it: the OVF type, except that a
// password property is "password" (with its length range, "password(8..20)", as ovftool prints it):
// the vAPI Property has no password flag, this is how a client tells a secret.
func filterType(p *ovf.Property) string {
	if p.Password == nil || !*p.Password {
		return p.Type
	}
	q, lo, hi := deref(p.Qualifiers), "", ""
	if m := qualMinLen.FindStringSubmatch(q); m != nil {
		lo = m[1]
	}
	if m := qualMaxLen.FindStringSubmatch(q); m != nil {
		hi = m[1]
	}
	if lo == "" && hi == "" {
		return "password"
	}
	return "password(" + lo + ".." + hi + ")"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// diskBytes is a disk's capacity in bytes (ovf:capacity times its allocation units, 'byte * 2^30').
func diskBytes(d ovf.VirtualDiskDesc) int64 {
	n, _ := strconv.ParseInt(d.Capacity, 10, 64)
	if d.CapacityAllocationUnits == nil {
		return n
	}
	var base, exp int64
	if _, err := fmt.Sscanf(strings.ReplaceAll(*d.CapacityAllocationUnits, " ", ""), "byte*%d^%d", &base, &exp); err == nil {
		for ; exp > 0; exp-- {
			n *= base
		}
	}
	return n
}

// ovfLibItemREST serves deploy and filter for an OVF library item in both styles.
func ovfLibItemREST(l *Lab, inv *inventory) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if restStyle(r) == "rest" {
			if !strings.HasPrefix(id, "id:") { // as vcsim: the 6.7 form names the id as id:{id}
				l.RESTError(w, r, http.StatusNotFound, "not_found", "The 6.7 path names the item as id:{id}.")
				return
			}
			id = strings.TrimPrefix(id, "id:")
		}
		action := r.URL.Query().Get("action")
		if restStyle(r) == "rest" {
			action = r.URL.Query().Get("~action")
		}
		if r.Method != http.MethodPost || (action != "deploy" && action != "filter") {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "Only POST ?action=deploy and ?action=filter are served here.")
			return
		}
		it, ok := vapiItemInfo(inv, id)
		if !ok {
			l.RESTError(w, r, http.StatusNotFound, "not_found", fmt.Sprintf("Library item with identifier '%s' does not exist.", id))
			return
		}
		if it.Type != "ovf" {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", fmt.Sprintf("Library item '%s' is of type '%s', not an OVF package (ovf).", id, it.Type))
			return
		}
		var req ovfRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "Invalid request body: "+err.Error())
			return
		}
		desc, env, err := itemDescriptor(it)
		if err != nil {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "The library item holds no valid OVF descriptor: "+err.Error())
			return
		}
		reg := inv.model.Map()
		if fail := checkTarget(reg, req.Target); fail != nil {
			l.RESTError(w, r, fail.status, fail.kind, fail.msg)
			return
		}
		if action == "filter" {
			l.RESTResult(w, r, http.StatusOK, ovfSummary(it, env))
			return
		}
		result, fail := deployItem(inv, l.public.Host, it, desc, env, &req)
		if fail != nil {
			l.RESTError(w, r, fail.status, fail.kind, fail.msg)
			return
		}
		l.RESTResult(w, r, http.StatusOK, result)
	}
}

func checkTarget(reg *simulator.Registry, t ovfTarget) *restFail {
	if t.ResourcePool == "" {
		return &restFail{http.StatusBadRequest, "invalid_argument", "target.resource_pool_id is required."}
	}
	for _, ref := range []types.ManagedObjectReference{{Type: "ResourcePool", Value: t.ResourcePool},
		{Type: "HostSystem", Value: t.Host}, {Type: "Folder", Value: t.Folder}} {
		if ref.Value != "" && reg.Get(ref) == nil {
			return &restFail{http.StatusNotFound, "not_found", fmt.Sprintf("%s with identifier '%s' does not exist.", ref.Type, ref.Value)}
		}
	}
	return nil
}

// networkRef finds a network id of any network kind (standard, distributed, opaque).
func networkRef(reg *simulator.Registry, id string) (types.ManagedObjectReference, bool) {
	for _, kind := range []string{"Network", "DistributedVirtualPortgroup", "OpaqueNetwork"} {
		ref := types.ManagedObjectReference{Type: kind, Value: id}
		if reg.Get(ref) != nil {
			return ref, true
		}
	}
	return types.ManagedObjectReference{}, false
}

func faultTexts(faults []types.LocalizedMethodFault, category string) []map[string]any {
	out := []map[string]any{}
	for _, f := range faults {
		text := f.LocalizedMessage
		if text == "" && f.Fault != nil {
			text = fmt.Sprintf("%T", f.Fault)
		}
		kind := strings.TrimPrefix(fmt.Sprintf("%T", f.Fault), "*types.")
		out = append(out, map[string]any{"category": category, "name": kind, "message": ovfMessage(kind, text)})
	}
	return out
}

func deployItem(inv *inventory, publicHost string, it libItem, desc string, env *ovf.Envelope, req *ovfRequest) (map[string]any, *restFail) {
	reg := inv.model.Map()
	spec := req.Spec
	cisp := types.OvfCreateImportSpecParams{EntityName: spec.Name, DiskProvisioning: spec.StorageProvisioning}
	if cisp.EntityName == "" && env.VirtualSystem != nil {
		cisp.EntityName = it.Name
	}
	switch spec.StorageProvisioning {
	case "", "thin", "thick", "eagerZeroedThick":
	default:
		return nil, &restFail{http.StatusBadRequest, "invalid_argument", fmt.Sprintf("Invalid storage_provisioning '%s' (thin, thick or eagerZeroedThick).", spec.StorageProvisioning)}
	}
	nets, err := vapiMap[string](spec.NetworkMappings)
	if err != nil {
		return nil, &restFail{http.StatusBadRequest, "invalid_argument", "deployment_spec.network_mappings: " + err.Error()}
	}
	for ovfNet, id := range nets {
		ref, ok := networkRef(reg, id)
		if !ok {
			return nil, &restFail{http.StatusNotFound, "not_found", fmt.Sprintf("Network with identifier '%s' does not exist.", id)}
		}
		cisp.NetworkMapping = append(cisp.NetworkMapping, types.OvfNetworkMapping{Name: ovfNet, Network: ref})
	}
	for _, p := range spec.AdditionalParams {
		switch p.Type {
		case "PropertyParams":
			for _, prop := range p.Properties {
				key := strings.Join(nonEmpty(prop.ClassID, prop.ID, prop.InstanceID), ".")
				cisp.PropertyMapping = append(cisp.PropertyMapping, types.KeyValue{Key: key, Value: prop.Value})
			}
		case "DeploymentOptionParams":
			cisp.DeploymentOption = p.SelectedKey
		}
	}
	ds := types.ManagedObjectReference{Type: "Datastore", Value: spec.DefaultDatastoreID}
	if ds.Value == "" {
		return nil, &restFail{http.StatusBadRequest, "invalid_argument", "deployment_spec.default_datastore_id is required by the lab (no storage profiles)."}
	}
	if reg.Get(ds) == nil {
		return nil, &restFail{http.StatusNotFound, "not_found", fmt.Sprintf("Datastore with identifier '%s' does not exist.", ds.Value)}
	}
	result := map[string]any{"succeeded": false}
	info := map[string]any{"errors": []map[string]any{}, "warnings": []map[string]any{}, "information": []map[string]any{}}
	if env.VirtualSystem != nil && len(env.VirtualSystem.Eula) > 0 && !spec.AcceptAllEULA {
		info["errors"] = []map[string]any{{"category": "INPUT", "name": "accept_all_EULA",
			"message": ovfMessage("eula", "The OVF package has EULAs; deployment_spec.accept_all_EULA must be true.")}}
		result["error"] = info
		return result, nil
	}
	if cisp.DeploymentOption == "" && env.DeploymentOption != nil {
		for i, c := range env.DeploymentOption.Configuration {
			if (c.Default != nil && *c.Default) || (cisp.DeploymentOption == "" && i == 0) {
				cisp.DeploymentOption = c.ID
			}
		}
	}
	vm, fail := importItem(inv, publicHost, it, desc, req, ds, &cisp, info)
	if fail != nil {
		return nil, fail
	}
	if vm != nil {
		result["succeeded"] = true
		result["resource_id"] = map[string]string{"type": "VirtualMachine", "id": vm.Value}
	}
	if len(info["errors"].([]map[string]any)) > 0 || len(info["warnings"].([]map[string]any)) > 0 {
		result["error"] = info
	}
	return result, nil
}

func nonEmpty(parts ...string) []string {
	out := []string{}
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// importItem runs the import as vCenter's library service does: its own SOAP session, the
// import spec, ImportVApp, an NFC upload of each file from the library, and lease completion.
func importItem(inv *inventory, publicHost string, it libItem, desc string, req *ovfRequest, ds types.ManagedObjectReference,
	cisp *types.OvfCreateImportSpecParams, info map[string]any) (*types.ManagedObjectReference, *restFail) {
	u := *inv.internal.URL
	u.User = url.UserPassword(labUser, labPassword)
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, &u, true)
	if err != nil {
		return nil, &restFail{http.StatusInternalServerError, "error", err.Error()}
	}
	defer func() { _ = c.Logout(ctx) }()
	server := func(err error) (*types.ManagedObjectReference, *restFail) {
		info["errors"] = append(info["errors"].([]map[string]any), map[string]any{"category": "SERVER", "message": ovfMessage("server", err.Error())})
		return nil, nil
	}
	pool := types.ManagedObjectReference{Type: "ResourcePool", Value: req.Target.ResourcePool}
	if req.Target.Host != "" {
		ref := types.ManagedObjectReference{Type: "HostSystem", Value: req.Target.Host}
		cisp.HostSystem = &ref
	}
	res, err := methods.CreateImportSpec(ctx, c, &types.CreateImportSpec{This: *c.ServiceContent.OvfManager,
		OvfDescriptor: desc, ResourcePool: pool, Datastore: ds, Cisp: cisp})
	if err != nil {
		return server(err)
	}
	spec := res.Returnval
	info["warnings"] = faultTexts(spec.Warning, "VALIDATION")
	if len(spec.Error) > 0 {
		info["errors"] = faultTexts(spec.Error, "VALIDATION")
		return nil, nil
	}
	if vmSpec, ok := spec.ImportSpec.(*types.VirtualMachineImportSpec); ok && req.Spec.Annotation != nil {
		vmSpec.ConfigSpec.Annotation = *req.Spec.Annotation
	}
	imp := types.ImportVApp{This: pool, Spec: spec.ImportSpec}
	if req.Target.Folder != "" {
		imp.Folder = &types.ManagedObjectReference{Type: "Folder", Value: req.Target.Folder}
	} else if folder := defaultVMFolder(inv, pool); folder != nil {
		imp.Folder = folder
	}
	if imp.Folder != nil && nameInFolder(inv, *imp.Folder, cisp.EntityName) {
		info["errors"] = append(info["errors"].([]map[string]any), map[string]any{"category": "SERVER", "name": "DuplicateName",
			"message": ovfMessage("DuplicateName", fmt.Sprintf("The name '%s' already exists.", cisp.EntityName))})
		return nil, nil
	}
	if req.Target.Host != "" {
		imp.Host = cisp.HostSystem
	}
	out, err := methods.ImportVApp(ctx, c, &imp)
	if err != nil {
		return server(err)
	}
	lease := nfc.NewLease(c.Client, out.Returnval)
	linfo, err := lease.Wait(ctx, nil)
	if err != nil {
		return server(err)
	}
	urls := map[string]string{}
	for _, d := range linfo.DeviceUrl {
		urls[d.ImportKey] = d.Url
	}
	for _, item := range spec.FileItem {
		raw, ok := urls[item.DeviceId]
		target, err := url.Parse(strings.Replace(raw, "*", publicHost, 1))
		if !ok || err != nil {
			err = fmt.Errorf("the lease has no device URL for %s", item.DeviceId)
		} else {
			target.Host = publicHost // the lab's NFC (ovf.go) writes the bytes to the datastore file
			err = putFile(target.String(), libraryData(it.dir, item.Path))
		}
		if err != nil {
			_ = lease.Abort(ctx, &types.LocalizedMethodFault{Fault: &types.SystemError{Reason: err.Error()}, LocalizedMessage: err.Error()})
			return server(fmt.Errorf("uploading %s from the library: %w", item.Path, err))
		}
	}
	if err := lease.Complete(ctx); err != nil {
		return server(err)
	}
	return &linfo.Entity, nil
}

// nameInFolder tells whether the folder already holds an entity of that name (vCenter's DuplicateName).
func nameInFolder(inv *inventory, folder types.ManagedObjectReference, name string) bool {
	reg := inv.model.Map()
	f, ok := reg.Get(folder).(*simulator.Folder)
	if !ok {
		return false
	}
	found := false
	ctx := &simulator.Context{Context: context.Background(), Map: reg}
	ctx.WithLock(f, func() {
		for _, child := range f.ChildEntity {
			if e, ok := reg.Get(child).(mo.Entity); ok && e.Entity().Name == name {
				found = true
			}
		}
	})
	return found
}

// defaultVMFolder is the VM folder of the datacenter holding the pool (vCenter's default placement).
func defaultVMFolder(inv *inventory, pool types.ManagedObjectReference) *types.ManagedObjectReference {
	reg := inv.model.Map()
	obj := reg.Get(pool)
	for obj != nil {
		if dc, ok := obj.(*simulator.Datacenter); ok {
			ref := dc.VmFolder
			return &ref
		}
		e, ok := obj.(mo.Entity)
		if !ok {
			return nil
		}
		parent := e.Entity().Parent
		if parent == nil {
			return nil
		}
		obj = reg.Get(*parent)
	}
	return nil
}

func init() {
	registerExtension("ovf-library", func(l *Lab) {
		inv := l.inv()
		l.HandleREST("/vcenter/ovf/library-item/{id}", ovfLibItemREST(l, inv))
		l.HandleREST("/com/vmware/vcenter/ovf/library-item/{id}", ovfLibItemREST(l, inv))
	})
}

// libraryData is the file holding a library file's data. vcsim keeps an uploaded .vmdk as a
// descriptor plus a <name>-flat.vmdk with the data that followed the header; that is what it has.
func libraryData(dir, name string) string {
	file := filepath.Join(dir, filepath.Base(name))
	if flat := strings.TrimSuffix(file, ".vmdk") + "-flat.vmdk"; strings.HasSuffix(file, ".vmdk") {
		if _, err := os.Stat(flat); err == nil {
			return flat
		}
	}
	return file
}

// putFile sends a library file to an NFC device URL, as vCenter's library service streams it to the host.
func putFile(target, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPut, target, f)
	if err != nil {
		return err
	}
	req.ContentLength = st.Size()
	req.Header.Set("Content-Type", "application/x-vnd.vmware-streamVmdk")
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // the lab's own listener
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("HTTP %d: %s", res.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}
