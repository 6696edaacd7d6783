package main

// Content library VM templates (VMTX items) as vCenter serves them (an extension).
// vcsim's GET of a VMTX item returns an empty TemplateInfo, its deploy returns a
// template rather than a VM, ignores powered_on, hardware_customization and
// guest_customization, dereferences a missing placement folder (a crash), and
// only the /rest path finds the item. The lab serves
// /api|/rest/vcenter/vm-template/library-items/{id}:
//
//   - GET: TemplateInfo read from the item's template VM (guest_OS, cpu, memory,
//     nics, disks, vm_home_storage, vm_template); maps are JSON objects on /api
//     and [{"key", "value"}] lists on /rest, as in the vAPI.
//   - POST ?action=deploy: a VM (not a template) cloned from the item's template
//     through CloneVM_Task (so clone.go's checks and customization apply), placed
//     by placement.folder (required) and resource_pool | host | cluster, disks on
//     disk_storage.datastore; hardware_customization cpu_update, memory_update,
//     nics (network per NIC key), disks_to_update (capacity); guest_customization
//     names a spec of the CustomizationSpecManager; powered_on powers it on.
//     Answers the new VM's id; unknown objects are not_found, a missing folder or
//     name invalid_argument, an item that is not a VMTX invalid_argument.
//
// Creating VMTX items stays vcsim's: POST /rest/vcenter/vm-template/library-items
// {"spec": {"source_vm", "name", "library", "placement": {"folder": ...}}}.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// vapiMap decodes a vAPI map: an object (/api) or a [{"key", "value"}] list (/rest).
func vapiMap[T any](raw json.RawMessage) (map[string]T, error) {
	out := map[string]T{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err == nil {
		return out, nil
	}
	var list []struct {
		Key   string `json:"key"`
		Value T      `json:"value"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	for _, e := range list {
		out[e.Key] = e.Value
	}
	return out, nil
}

func vapiMapOut(r *http.Request, m map[string]any) any {
	if restStyle(r) == "api" {
		return m
	}
	list := []map[string]any{}
	for k, v := range m {
		list = append(list, map[string]any{"key": k, "value": v})
	}
	return list
}

type deploySpec struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Placement   *struct {
		Folder       string `json:"folder"`
		ResourcePool string `json:"resource_pool"`
		Host         string `json:"host"`
		Cluster      string `json:"cluster"`
	} `json:"placement"`
	DiskStorage *struct {
		Datastore string `json:"datastore"`
	} `json:"disk_storage"`
	VMHomeStorage *struct {
		Datastore string `json:"datastore"`
	} `json:"vm_home_storage"`
	PoweredOn             bool `json:"powered_on"`
	HardwareCustomization *struct {
		CPUUpdate *struct {
			NumCPUs           int32  `json:"num_cpus"`
			NumCoresPerSocket *int32 `json:"num_cores_per_socket"`
		} `json:"cpu_update"`
		MemoryUpdate *struct {
			Memory int64 `json:"memory"`
		} `json:"memory_update"`
		Nics          json.RawMessage `json:"nics"`
		DisksToUpdate json.RawMessage `json:"disks_to_update"`
	} `json:"hardware_customization"`
	GuestCustomization *struct {
		Name string `json:"name"`
	} `json:"guest_customization"`
}

// guestOSEnum spells a guestId as the vAPI GuestOS enum (otherLinux64Guest -> OTHER_LINUX_64).
func guestOSEnum(id string) string {
	id = strings.TrimSuffix(id, "Guest")
	var b strings.Builder
	for i, r := range id {
		prev := rune(0)
		if i > 0 {
			prev = rune(id[i-1])
		}
		if i > 0 && ((unicode.IsUpper(r) && !unicode.IsUpper(prev)) || (unicode.IsDigit(r) && !unicode.IsDigit(prev))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func templateInfo(r *http.Request, vm *simulator.VirtualMachine) map[string]any {
	nics, disks := map[string]any{}, map[string]any{}
	ds := ""
	if len(vm.Datastore) > 0 {
		ds = vm.Datastore[0].Value
	}
	for _, d := range vm.Config.Hardware.Device {
		key := fmt.Sprint(d.GetVirtualDevice().Key)
		switch dev := d.(type) {
		case *types.VirtualDisk:
			disks[key] = map[string]any{"capacity": dev.CapacityInBytes, "disk_storage": map[string]any{"datastore": ds}}
		case types.BaseVirtualEthernetCard:
			card := dev.GetVirtualEthernetCard()
			nic := map[string]any{"mac_type": "ASSIGNED", "backing_type": "STANDARD_PORTGROUP"}
			if b, ok := card.Backing.(*types.VirtualEthernetCardNetworkBackingInfo); ok && b.Network != nil {
				nic["network"] = b.Network.Value
			}
			if _, ok := card.Backing.(*types.VirtualEthernetCardDistributedVirtualPortBackingInfo); ok {
				nic["backing_type"] = "DISTRIBUTED_PORTGROUP"
			}
			nics[key] = nic
		}
	}
	cores := int32(1)
	if c := vm.Config.Hardware.NumCoresPerSocket; c != nil && *c > 0 {
		cores = *c
	}
	return map[string]any{
		"guest_OS":        guestOSEnum(vm.Config.GuestId),
		"cpu":             map[string]any{"count": vm.Config.Hardware.NumCPU, "cores_per_socket": cores},
		"memory":          map[string]any{"size_MiB": vm.Config.Hardware.MemoryMB},
		"nics":            vapiMapOut(r, nics),
		"disks":           vapiMapOut(r, disks),
		"vm_home_storage": map[string]any{"datastore": ds},
		"vm_template":     vm.Self.Value,
	}
}

type restFail struct {
	status int
	kind   string
	msg    string
}

// cloneSpec turns a deploy spec into a CloneVM_Task request for the template.
func cloneSpec(reg *simulator.Registry, tmpl *simulator.VirtualMachine, spec *deploySpec) (*types.CloneVM_Task, *restFail) {
	get := func(kind, id string) (mo.Reference, *restFail) {
		obj := reg.Get(types.ManagedObjectReference{Type: kind, Value: id})
		if obj == nil {
			return nil, &restFail{http.StatusNotFound, "not_found", fmt.Sprintf("%s with identifier '%s' does not exist.", kind, id)}
		}
		return obj, nil
	}
	invalid := func(msg string) *restFail { return &restFail{http.StatusBadRequest, "invalid_argument", msg} }
	if spec.Name == "" {
		return nil, invalid("spec.name is required.")
	}
	p := spec.Placement
	if p == nil || p.Folder == "" {
		return nil, invalid("spec.placement.folder is required: the folder to place the virtual machine in.")
	}
	if p.ResourcePool == "" && p.Host == "" && p.Cluster == "" {
		return nil, invalid("spec.placement needs one of resource_pool, host or cluster.")
	}
	folder, f := get("Folder", p.Folder)
	if f != nil {
		return nil, f
	}
	req := &types.CloneVM_Task{This: tmpl.Self, Folder: folder.Reference(), Name: spec.Name, Spec: types.VirtualMachineCloneSpec{PowerOn: spec.PoweredOn}}
	loc := &req.Spec.Location
	if p.Host != "" {
		h, f := get("HostSystem", p.Host)
		if f != nil {
			return nil, f
		}
		ref := h.Reference()
		loc.Host = &ref
		switch cr := reg.Get(*h.(*simulator.HostSystem).Parent).(type) {
		case *simulator.ClusterComputeResource:
			loc.Pool = cr.ResourcePool
		case *mo.ComputeResource:
			loc.Pool = cr.ResourcePool
		}
	}
	if p.Cluster != "" {
		c, f := get("ClusterComputeResource", p.Cluster)
		if f != nil {
			return nil, f
		}
		loc.Pool = c.(*simulator.ClusterComputeResource).ResourcePool
	}
	if p.ResourcePool != "" {
		rp, f := get("ResourcePool", p.ResourcePool)
		if f != nil {
			return nil, f
		}
		ref := rp.Reference()
		loc.Pool = &ref
	}
	for _, st := range []*struct {
		Datastore string `json:"datastore"`
	}{spec.DiskStorage, spec.VMHomeStorage} {
		if st != nil && st.Datastore != "" {
			ds, f := get("Datastore", st.Datastore)
			if f != nil {
				return nil, f
			}
			ref := ds.Reference()
			loc.Datastore = &ref
		}
	}
	hw := spec.HardwareCustomization
	if hw == nil {
		return req, nil
	}
	cfg := &types.VirtualMachineConfigSpec{}
	if hw.CPUUpdate != nil {
		cfg.NumCPUs, cfg.NumCoresPerSocket = hw.CPUUpdate.NumCPUs, hw.CPUUpdate.NumCoresPerSocket
	}
	if hw.MemoryUpdate != nil {
		cfg.MemoryMB = hw.MemoryUpdate.Memory
	}
	devices := object.VirtualDeviceList(tmpl.Config.Hardware.Device)
	nics, err := vapiMap[struct {
		Network string `json:"network"`
	}](hw.Nics)
	if err != nil {
		return nil, invalid("hardware_customization.nics: " + err.Error())
	}
	for key, nic := range nics {
		dev := devices.FindByKey(atoi32(key))
		_, ok := dev.(types.BaseVirtualEthernetCard)
		if !ok {
			return nil, &restFail{http.StatusNotFound, "not_found", fmt.Sprintf("The template has no network adapter with key %s.", key)}
		}
		netObj, f := get("Network", nic.Network)
		if f != nil {
			if netObj, f = get("DistributedVirtualPortgroup", nic.Network); f != nil {
				return nil, f
			}
		}
		var backing types.BaseVirtualDeviceBackingInfo = &types.VirtualEthernetCardNetworkBackingInfo{
			VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: netObj.(mo.Entity).Entity().Name},
			Network:                        types.NewReference(netObj.Reference()),
		}
		if pg, ok := netObj.(*simulator.DistributedVirtualPortgroup); ok {
			uuid := ""
			if sw, ok := reg.Get(*pg.Config.DistributedVirtualSwitch).(*simulator.DistributedVirtualSwitch); ok {
				uuid = sw.Uuid
			}
			backing = &types.VirtualEthernetCardDistributedVirtualPortBackingInfo{
				Port: types.DistributedVirtualSwitchPortConnection{PortgroupKey: pg.Key, SwitchUuid: uuid}}
		}
		edited := reflect.New(reflect.TypeOf(dev).Elem())
		edited.Elem().Set(reflect.ValueOf(dev).Elem())
		edited.Interface().(types.BaseVirtualEthernetCard).GetVirtualEthernetCard().Backing = backing
		cfg.DeviceChange = append(cfg.DeviceChange, &types.VirtualDeviceConfigSpec{Operation: types.VirtualDeviceConfigSpecOperationEdit, Device: edited.Interface().(types.BaseVirtualDevice)})
	}
	disks, err := vapiMap[struct {
		Capacity int64 `json:"capacity"`
	}](hw.DisksToUpdate)
	if err != nil {
		return nil, invalid("hardware_customization.disks_to_update: " + err.Error())
	}
	for key, upd := range disks {
		disk, ok := devices.FindByKey(atoi32(key)).(*types.VirtualDisk)
		if !ok {
			return nil, &restFail{http.StatusNotFound, "not_found", fmt.Sprintf("The template has no disk with key %s.", key)}
		}
		if upd.Capacity < disk.CapacityInBytes {
			return nil, invalid(fmt.Sprintf("Disk %s cannot shrink from %d to %d bytes.", key, disk.CapacityInBytes, upd.Capacity))
		}
		d := *disk
		d.CapacityInBytes, d.CapacityInKB = upd.Capacity, upd.Capacity/1024
		cfg.DeviceChange = append(cfg.DeviceChange, &types.VirtualDeviceConfigSpec{Operation: types.VirtualDeviceConfigSpecOperationEdit, Device: &d})
	}
	req.Spec.Config = cfg
	return req, nil
}

func atoi32(s string) int32 {
	var n int32
	_, _ = fmt.Sscan(s, &n)
	return n
}

// vmtxItemREST serves GET and POST ?action=deploy on /api|/rest/vcenter/vm-template/library-items/{id}.
func vmtxItemREST(l *Lab, inv *inventory) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.PathValue("id"), "id:")
		kind, _, template, ok := vapiItem(inv, id)
		if !ok {
			l.RESTError(w, r, http.StatusNotFound, "not_found", fmt.Sprintf("Library item with identifier '%s' does not exist.", id))
			return
		}
		if kind != "vm-template" {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", fmt.Sprintf("Library item '%s' is of type '%s', not a VM template (vm-template).", id, kind))
			return
		}
		reg := inv.model.Map()
		tmpl, ok := reg.Get(types.ManagedObjectReference{Type: "VirtualMachine", Value: template}).(*simulator.VirtualMachine)
		if !ok {
			l.RESTError(w, r, http.StatusNotFound, "not_found", "The library item's template is gone.")
			return
		}
		ctx := &simulator.Context{Context: context.Background(), Map: reg}
		if r.Method == http.MethodGet {
			var info map[string]any
			ctx.WithLock(tmpl, func() { info = templateInfo(r, tmpl) })
			l.RESTResult(w, r, http.StatusOK, info)
			return
		}
		action := r.URL.Query().Get("action")
		if action == "" {
			action = r.URL.Query().Get("~action")
		}
		if r.Method != http.MethodPost || action != "deploy" {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "Only GET and POST ?action=deploy are served here.")
			return
		}
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "Invalid request body: "+err.Error())
			return
		}
		raw, err := json.Marshal(body)
		if s, ok := body["spec"]; ok {
			raw = s
		}
		var spec deploySpec
		if err == nil {
			err = json.Unmarshal(raw, &spec)
		}
		if err != nil {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "Invalid deploy spec: "+err.Error())
			return
		}
		var req *types.CloneVM_Task
		var fail *restFail
		ctx.WithLock(tmpl, func() { req, fail = cloneSpec(reg, tmpl, &spec) })
		if fail != nil {
			l.RESTError(w, r, fail.status, fail.kind, fail.msg)
			return
		}
		ref, fail := deployClone(inv, req, spec.GuestCustomization)
		if fail != nil {
			l.RESTError(w, r, fail.status, fail.kind, fail.msg)
			return
		}
		l.RESTResult(w, r, http.StatusOK, ref)
	}
}

// deployClone runs the clone as a vCenter service would: through its own SOAP session.
func deployClone(inv *inventory, req *types.CloneVM_Task, gc *struct {
	Name string `json:"name"`
}) (string, *restFail) {
	u := *inv.internal.URL
	u.User = url.UserPassword(labUser, labPassword)
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, &u, true)
	if err != nil {
		return "", &restFail{http.StatusInternalServerError, "error", err.Error()}
	}
	defer func() { _ = c.Logout(ctx) }()
	if gc != nil && gc.Name != "" {
		item, err := object.NewCustomizationSpecManager(c.Client).GetCustomizationSpec(ctx, gc.Name)
		if err != nil {
			return "", &restFail{http.StatusNotFound, "not_found", fmt.Sprintf("Customization specification '%s' does not exist.", gc.Name)}
		}
		req.Spec.Customization = &item.Spec
	}
	vm := object.NewVirtualMachine(c.Client, req.This)
	task, err := vm.Clone(ctx, object.NewFolder(c.Client, req.Folder), req.Name, req.Spec)
	if err != nil {
		return "", &restFail{http.StatusBadRequest, "invalid_argument", err.Error()}
	}
	res, err := task.WaitForResult(ctx, nil)
	if err != nil {
		status, kind := http.StatusBadRequest, "invalid_argument"
		if res != nil && res.Error != nil {
			if _, dup := res.Error.Fault.(*types.DuplicateName); dup {
				kind = "already_exists"
			}
		}
		return "", &restFail{status, kind, err.Error()}
	}
	return res.Result.(types.ManagedObjectReference).Value, nil
}

func init() {
	registerExtension("vmtx", func(l *Lab) {
		inv := l.inv()
		l.HandleREST("/vcenter/vm-template/library-items/{id}", vmtxItemREST(l, inv))
	})
}
