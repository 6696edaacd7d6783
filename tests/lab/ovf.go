package main

// OVF import as the vSphere API reference describes it, where vcsim fakes it
// (an extension; see /work/shared/LAB.md):
//
//   - NFC uploads (PUT/POST /nfc/<lease>/<file>) write the bytes to the
//     datastore file the lease names (vcsim hashed and discarded them), only
//     while the lease is `ready`; HttpNfcLeaseGetManifest reports their size and SHA-1.
//   - HttpNfcLeaseComplete moves the lease to `done` (vcsim removed it, so its
//     state could never be read); Progress renews the lease and sets
//     transferProgress; a lease without progress for info.leaseTimeout seconds
//     expires: state `error` with a Timedout fault, and the imported VM is
//     removed, as it is after HttpNfcLeaseAbort (state `error`, the given fault
//     or RequestCanceled). Calls on a lease that is no longer ready answer InvalidState.
//   - CreateImportSpec answers errors in the result instead of crashing or
//     ignoring them: a descriptor that does not parse (OvfInvalidPackage), no
//     VirtualSystem or VirtualHardwareSection (OvfMissingElement), an unknown
//     deployment option (OvfInvalidValueConfiguration), a property value that
//     is not of the property's type or not in its qualifiers (OvfPropertyValue);
//     warnings for a mapping that names no OVF network or property, and for an
//     OVF network left unmapped; a mapped network that does not exist is a
//     ManagedObjectNotFound fault. diskProvisioning reaches the disk backings
//     (thin / thick / eagerZeroedThick), and property values go to the vApp
//     properties only (vcsim also copied them into extraConfig).
//
// Control: POST /lab/ovf {"upload_bytes_per_s": N, "fail_after_bytes": N,
// "lease_timeout_s": N} (0 = unlimited / off / 300 s; fail_after_bytes fires
// once: the upload that passes it fails with HTTP 500, the lease goes to
// `error` with a SystemError and its VM is removed); GET /lab/ovf shows the
// settings and the leases (state, progress, bytes written per file).

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type ovfSettings struct {
	UploadBytesPerS int64 `json:"upload_bytes_per_s"`
	FailAfterBytes  int64 `json:"fail_after_bytes"`
	LeaseTimeoutS   int32 `json:"lease_timeout_s"`
}

type nfcFile struct {
	Size int64  `json:"size"`
	SHA1 string `json:"sha1"`
	key  string
}

type leaseState struct {
	lease *simulator.HttpNfcLease
	ctx   *simulator.Context // background context bound to the importing session
	timer *time.Timer
	files map[string]*nfcFile // target id -> what was written
	paths map[string]string   // target id -> local file
}

type ovfLab struct {
	mu       sync.Mutex
	settings ovfSettings
	leases   map[string]*leaseState
}

func init() {
	registerExtension("ovf", func(l *Lab) {
		o := &ovfLab{leases: map[string]*leaseState{}}
		l.HandleSOAP("CreateImportSpec", o.createImportSpec)
		l.HandleSOAP("ImportVApp", o.importVApp)
		l.HandleSOAP("HttpNfcLeaseComplete", o.complete)
		l.HandleSOAP("HttpNfcLeaseAbort", o.abort)
		l.HandleSOAP("HttpNfcLeaseProgress", o.progress)
		l.HandleSOAP("HttpNfcLeaseGetManifest", o.manifest)
		l.HandleHTTP("/nfc/", o.serveNFC)
		l.HandleControl("ovf", o.control)
	})
}

func (o *ovfLab) control(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.Method == http.MethodPost {
		s := ovfSettings{}
		if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		o.settings = s
	}
	leases := map[string]any{}
	for id, ls := range o.leases {
		leases[id] = map[string]any{"state": ls.lease.State, "progress": ls.lease.TransferProgress, "files": ls.files}
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": o.settings, "leases": leases})
}

func (o *ovfLab) get(ref types.ManagedObjectReference) *leaseState {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.leases[ref.Value]
}

// importVApp runs vcsim's ImportVApp, then tracks the lease it made.
func (o *ovfLab) importVApp(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req := m.Body.(*types.ImportVApp)
	var res soap.HasFault
	switch pool := ctx.Map.Get(req.This).(type) {
	case *simulator.ResourcePool:
		ctx.WithLock(pool, func() { res = pool.ImportVApp(ctx, req) })
	case *simulator.VirtualApp:
		ctx.WithLock(pool, func() { res = pool.ImportVApp(ctx, req) })
	default:
		return nil
	}
	body, ok := res.(*methods.ImportVAppBody)
	if !ok || body.Res == nil {
		return res
	}
	lease, ok := ctx.Session.Get(body.Res.Returnval).(*simulator.HttpNfcLease)
	if !ok {
		return res
	}
	bg := &simulator.Context{Context: context.Background(), Map: ctx.Map, Session: ctx.Session}
	ls := &leaseState{lease: lease, ctx: bg, files: map[string]*nfcFile{}, paths: map[string]string{}}
	o.mu.Lock()
	o.leases[lease.Self.Value] = ls
	timeout := o.settings.LeaseTimeoutS
	o.mu.Unlock()
	if timeout <= 0 {
		timeout = 300
	}
	go o.whenReady(ls, timeout)
	return res
}

// whenReady waits for vcsim's import task to make the lease ready, then sets
// its timeout and starts the expiry clock.
func (o *ovfLab) whenReady(ls *leaseState, timeout int32) {
	for range 1000 {
		state := types.HttpNfcLeaseStateInitializing
		ls.ctx.WithLock(ls.lease, func() {
			state = ls.lease.State
			if state == types.HttpNfcLeaseStateReady && ls.lease.Info != nil {
				ls.lease.Info.LeaseTimeout = timeout
			}
		})
		if state != types.HttpNfcLeaseStateInitializing {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	o.mu.Lock()
	ls.timer = time.AfterFunc(time.Duration(timeout)*time.Second, func() {
		o.fail(ls, &types.Timedout{}, "The lease timed out: no progress was reported within its timeout")
	})
	o.mu.Unlock()
}

// fail puts a live lease into `error` and removes the VM it was importing.
func (o *ovfLab) fail(ls *leaseState, fault types.BaseMethodFault, msg string) bool {
	o.mu.Lock()
	if ls.timer != nil {
		ls.timer.Stop()
	}
	o.mu.Unlock()
	failed := false
	var entity types.ManagedObjectReference
	ls.ctx.WithLock(ls.lease, func() {
		st := ls.lease.State
		if st != types.HttpNfcLeaseStateReady && st != types.HttpNfcLeaseStateInitializing {
			return
		}
		failed = true
		if ls.lease.Info != nil {
			entity = ls.lease.Info.Entity
		}
		ls.ctx.Update(ls.lease, []types.PropertyChange{
			{Name: "state", Val: types.HttpNfcLeaseStateError},
			{Name: "error", Val: &types.LocalizedMethodFault{Fault: fault, LocalizedMessage: msg}},
		})
	})
	if vm, ok := ls.ctx.Map.Get(entity).(*simulator.VirtualMachine); failed && ok {
		ls.ctx.WithLock(vm, func() {
			if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
				vm.PowerOffVMTask(ls.ctx, &types.PowerOffVM_Task{This: vm.Self})
			}
		})
		ls.ctx.WithLock(vm, func() { vm.DestroyTask(ls.ctx, &types.Destroy_Task{This: vm.Self}) })
	}
	return failed
}

func leaseNotReady(state types.HttpNfcLeaseState) soap.HasFault {
	return soapFault(fmt.Sprintf("The lease is %s, not ready", state), &types.InvalidState{})
}

func (o *ovfLab) complete(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req := m.Body.(*types.HttpNfcLeaseComplete)
	ls := o.get(req.This)
	if ls == nil {
		return nil
	}
	var res soap.HasFault
	ctx.WithLock(ls.lease, func() {
		if st := ls.lease.State; st != types.HttpNfcLeaseStateReady {
			res = leaseNotReady(st)
			return
		}
		ctx.Update(ls.lease, []types.PropertyChange{
			{Name: "state", Val: types.HttpNfcLeaseStateDone},
			{Name: "transferProgress", Val: int32(100)},
		})
		res = soapResult(m.Name, nil)
	})
	o.mu.Lock()
	if ls.timer != nil {
		ls.timer.Stop()
	}
	o.mu.Unlock()
	return res
}

func (o *ovfLab) abort(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req := m.Body.(*types.HttpNfcLeaseAbort)
	ls := o.get(req.This)
	if ls == nil {
		return nil
	}
	var fault types.BaseMethodFault = &types.RequestCanceled{}
	msg := "The operation was canceled by the user"
	if req.Fault != nil && req.Fault.Fault != nil {
		fault, msg = req.Fault.Fault, req.Fault.LocalizedMessage
	}
	if !o.fail(ls, fault, msg) {
		var st types.HttpNfcLeaseState
		ctx.WithLock(ls.lease, func() { st = ls.lease.State })
		if st == types.HttpNfcLeaseStateDone {
			return leaseNotReady(st)
		}
	}
	return soapResult(m.Name, nil)
}

func (o *ovfLab) progress(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req := m.Body.(*types.HttpNfcLeaseProgress)
	ls := o.get(req.This)
	if ls == nil {
		return nil
	}
	if req.Percent < 0 || req.Percent > 100 {
		return soapFault("percent must be 0..100", &types.InvalidArgument{InvalidProperty: "percent"})
	}
	var res soap.HasFault
	ctx.WithLock(ls.lease, func() {
		if st := ls.lease.State; st != types.HttpNfcLeaseStateReady {
			res = leaseNotReady(st)
			return
		}
		ctx.Update(ls.lease, []types.PropertyChange{{Name: "transferProgress", Val: req.Percent}})
		res = soapResult(m.Name, nil)
	})
	o.mu.Lock()
	if ls.timer != nil && res.Fault() == nil {
		ls.timer.Reset(time.Duration(ls.lease.Info.LeaseTimeout) * time.Second)
	}
	o.mu.Unlock()
	return res
}

func (o *ovfLab) manifest(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req := m.Body.(*types.HttpNfcLeaseGetManifest)
	ls := o.get(req.This)
	if ls == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	entries := []types.HttpNfcLeaseManifestEntry{}
	for _, f := range ls.files {
		entries = append(entries, types.HttpNfcLeaseManifestEntry{Key: f.key, Sha1: f.SHA1, Size: f.Size})
	}
	return &methods.HttpNfcLeaseGetManifestBody{Res: &types.HttpNfcLeaseGetManifestResponse{Returnval: entries}}
}

// target resolves a lease's device URL target id to the local file behind it.
func (o *ovfLab) target(ls *leaseState, name string) (path string, key string, ok bool) {
	var entity types.ManagedObjectReference
	ready := false
	ls.ctx.WithLock(ls.lease, func() {
		if ls.lease.State != types.HttpNfcLeaseStateReady || ls.lease.Info == nil {
			return
		}
		ready = true
		entity = ls.lease.Info.Entity
		for _, u := range ls.lease.Info.DeviceUrl {
			if u.TargetId == name {
				key = u.Key
			}
		}
	})
	if !ready || key == "" {
		return "", "", false
	}
	vm, isVM := ls.ctx.Map.Get(entity).(*simulator.VirtualMachine)
	if !isVM {
		return "", "", false
	}
	ls.ctx.WithLock(vm, func() {
		for _, d := range vm.Config.Hardware.Device {
			b, isFile := d.GetVirtualDevice().Backing.(types.BaseVirtualDeviceFileBackingInfo)
			if !isFile {
				continue
			}
			var p object.DatastorePath
			p.FromString(b.GetVirtualDeviceFileBackingInfo().FileName)
			if pathBase(p.Path) != name {
				continue
			}
			for _, ref := range vm.Datastore {
				if ds, isDS := ls.ctx.Map.Get(ref).(*simulator.Datastore); isDS && ds.Name == p.Datastore {
					path = filepath.Join(ds.Info.GetDatastoreInfo().Url, p.Path)
				}
			}
		}
	})
	return path, key, path != ""
}

func pathBase(p string) string { return path.Base(p) }

// serveNFC writes an upload to the datastore file (GETs and unknown leases go to vcsim).
func (o *ovfLab) serveNFC(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		return false
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/nfc/"), "/")
	if len(parts) != 2 {
		return false
	}
	ls := o.get(types.ManagedObjectReference{Type: "HttpNfcLease", Value: parts[0]})
	if ls == nil {
		return false
	}
	file, key, ok := o.target(ls, parts[1])
	if !ok {
		http.Error(w, "no such device URL on a ready lease", http.StatusNotFound)
		return true
	}
	f, err := os.OpenFile(file, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return true
	}
	defer f.Close()
	o.mu.Lock()
	rate, failAt := o.settings.UploadBytesPerS, o.settings.FailAfterBytes
	o.mu.Unlock()

	sum := sha1.New()
	buf := make([]byte, 1<<20)
	var n int64
	start := time.Now()
	for {
		k, rerr := r.Body.Read(buf)
		if k > 0 {
			if _, err := f.Write(buf[:k]); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return true
			}
			sum.Write(buf[:k])
			n += int64(k)
			o.record(ls, parts[1], key, n, "")
			if failAt > 0 && n >= failAt && o.consumeFail() {
				o.fail(ls, &types.SystemError{Reason: "injected NFC failure"}, "Connection to the host was lost during the disk transfer")
				http.Error(w, "disk transfer failed", http.StatusInternalServerError)
				return true
			}
			if rate > 0 {
				if ahead := time.Duration(float64(n)/float64(rate)*float64(time.Second)) - time.Since(start); ahead > 0 {
					time.Sleep(ahead)
				}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			http.Error(w, rerr.Error(), http.StatusBadRequest)
			return true
		}
	}
	o.record(ls, parts[1], key, n, hex.EncodeToString(sum.Sum(nil)))
	w.WriteHeader(http.StatusOK)
	return true
}

func (o *ovfLab) record(ls *leaseState, name, key string, n int64, digest string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	ls.files[name] = &nfcFile{Size: n, SHA1: digest, key: key}
}

func (o *ovfLab) consumeFail() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.settings.FailAfterBytes == 0 {
		return false
	}
	o.settings.FailAfterBytes = 0
	return true
}

// ---- CreateImportSpec ----

func ovfFault(msg string, f types.BaseMethodFault) types.LocalizedMethodFault {
	return types.LocalizedMethodFault{Fault: f, LocalizedMessage: msg}
}

func (o *ovfLab) createImportSpec(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req := m.Body.(*types.CreateImportSpec)
	cisp := req.Cisp.GetOvfCreateImportSpecParams()
	result := types.OvfCreateImportSpecResult{}
	answer := func() soap.HasFault {
		return &methods.CreateImportSpecBody{Res: &types.CreateImportSpecResponse{Returnval: result}}
	}
	env, err := ovf.Unmarshal(strings.NewReader(req.OvfDescriptor))
	if err == nil {
		err = ovfRoot(req.OvfDescriptor)
	}
	if err != nil {
		result.Error = append(result.Error, ovfFault("Failed to parse the OVF descriptor: "+err.Error(), &types.OvfInvalidPackage{}))
		return answer()
	}
	if env.VirtualSystem == nil {
		result.Error = append(result.Error, ovfFault("The OVF descriptor has no VirtualSystem",
			&types.OvfMissingElement{OvfElement: types.OvfElement{Name: "VirtualSystem"}}))
		return answer()
	}
	if len(env.VirtualSystem.VirtualHardware) == 0 {
		result.Error = append(result.Error, ovfFault("The VirtualSystem has no VirtualHardwareSection",
			&types.OvfMissingElement{OvfElement: types.OvfElement{Name: "VirtualHardwareSection"}}))
		return answer()
	}
	if opt := cisp.DeploymentOption; opt != "" {
		known := false
		if env.DeploymentOption != nil {
			for _, c := range env.DeploymentOption.Configuration {
				known = known || c.ID == opt
			}
		}
		if !known {
			result.Error = append(result.Error, ovfFault(fmt.Sprintf("Invalid deployment option '%s'", opt),
				&types.OvfInvalidValueConfiguration{OvfInvalidValue: types.OvfInvalidValue{
					OvfAttribute: types.OvfAttribute{ElementName: "Configuration", AttributeName: "ovf:id"}, Value: opt}}))
		}
	}
	props := map[string]ovf.Property{}
	for _, p := range env.VirtualSystem.Product {
		for _, prop := range p.Property {
			props[p.Key(prop)] = prop
		}
	}
	for _, kv := range cisp.PropertyMapping {
		prop, ok := props[kv.Key]
		if !ok {
			result.Warning = append(result.Warning, ovfFault(fmt.Sprintf("Property '%s' is not declared by the OVF descriptor and is ignored", kv.Key),
				&types.OvfProperty{Type: "", Value: kv.Value}))
			continue
		}
		if reason := checkOvfValue(prop, kv.Value); reason != "" {
			result.Error = append(result.Error, ovfFault(fmt.Sprintf("Invalid value '%s' for property '%s' of type '%s': %s", kv.Value, kv.Key, prop.Type, reason),
				&types.OvfPropertyValue{OvfProperty: types.OvfProperty{Type: prop.Type, Value: kv.Value}}))
		}
	}
	ovfNets := map[string]bool{}
	if env.Network != nil {
		for _, n := range env.Network.Networks {
			ovfNets[n.Name] = true
		}
	}
	mapped := map[string]bool{}
	for _, nm := range cisp.NetworkMapping {
		if ctx.Map.Get(nm.Network) == nil {
			ref := nm.Network
			return soapFault("The object has already been deleted or has not been completely created",
				&types.ManagedObjectNotFound{Obj: ref})
		}
		if !ovfNets[nm.Name] {
			result.Warning = append(result.Warning, ovfFault(fmt.Sprintf("Network mapping '%s' names no network of the OVF descriptor", nm.Name),
				&types.OvfNetworkMappingNotSupported{}))
		}
		mapped[nm.Name] = true
	}
	for name := range ovfNets {
		if !mapped[name] {
			result.Warning = append(result.Warning, ovfFault(fmt.Sprintf("OVF network '%s' is not mapped; its adapters are connected to the default network", name),
				&types.OvfNetworkMappingNotSupported{}))
		}
	}
	if len(result.Error) > 0 {
		return answer()
	}

	mgr, ok := ctx.Map.Get(req.This).(*simulator.OvfManager)
	if !ok {
		return nil
	}
	var res soap.HasFault
	ctx.WithLock(mgr, func() { res = mgr.CreateImportSpec(ctx, req) })
	body, ok := res.(*methods.CreateImportSpecBody)
	if !ok || body.Res == nil {
		return res
	}
	out := &body.Res.Returnval
	out.Warning = append(out.Warning, result.Warning...)
	if spec, ok := out.ImportSpec.(*types.VirtualMachineImportSpec); ok {
		spec.ConfigSpec.ExtraConfig = nil // vcsim copies properties here; vCenter does not
		if a := env.VirtualSystem.Annotation; a != nil {
			spec.ConfigSpec.Annotation = a.Annotation
		}
		provision(spec, cisp.DiskProvisioning)
	}
	return res
}

// ovfRoot checks that the document element is an OVF Envelope (ovf.Unmarshal accepts any root).
func ovfRoot(doc string) error {
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "Envelope" || se.Name.Space != "http://schemas.dmtf.org/ovf/envelope/1" {
				return fmt.Errorf("the document element is {%s}%s, not an OVF Envelope", se.Name.Space, se.Name.Local)
			}
			return nil
		}
	}
}

// provision sets the disk backings for a diskProvisioning value.
func provision(spec *types.VirtualMachineImportSpec, kind string) {
	for _, dc := range spec.ConfigSpec.DeviceChange {
		d, ok := dc.GetVirtualDeviceConfigSpec().Device.(*types.VirtualDisk)
		if !ok {
			continue
		}
		b, ok := d.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
		if !ok {
			continue
		}
		switch kind {
		case "thin", "":
			b.ThinProvisioned = types.NewBool(true)
		case "thick", "flat", "monolithicFlat":
			b.ThinProvisioned, b.EagerlyScrub = types.NewBool(false), types.NewBool(false)
		case "eagerZeroedThick":
			b.ThinProvisioned, b.EagerlyScrub = types.NewBool(false), types.NewBool(true)
		}
	}
}

var ovfIntRanges = map[string][2]float64{
	"uint8": {0, math.MaxUint8}, "uint16": {0, math.MaxUint16}, "uint32": {0, math.MaxUint32}, "uint64": {0, math.MaxUint64},
	"sint8": {math.MinInt8, math.MaxInt8}, "sint16": {math.MinInt16, math.MaxInt16},
	"sint32": {math.MinInt32, math.MaxInt32}, "sint64": {math.MinInt64, math.MaxInt64},
}

// checkOvfValue returns why value does not fit the property's type and qualifiers ("" if it does).
func checkOvfValue(p ovf.Property, value string) string {
	if r, ok := ovfIntRanges[p.Type]; ok {
		v, err := strconv.ParseFloat(value, 64)
		if err != nil || v != math.Trunc(v) || strings.ContainsAny(value, ".eE") {
			return "not an integer"
		}
		if v < r[0] || v > r[1] {
			return "out of range"
		}
	}
	switch p.Type {
	case "boolean":
		if value != "true" && value != "false" && value != "True" && value != "False" {
			return "not a boolean"
		}
	case "real32", "real64":
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return "not a number"
		}
	}
	if p.Qualifiers == nil {
		return ""
	}
	q := *p.Qualifiers
	if m := qualMinLen.FindStringSubmatch(q); m != nil {
		if n, _ := strconv.Atoi(m[1]); len(value) < n {
			return fmt.Sprintf("shorter than %d characters", n)
		}
	}
	if m := qualMaxLen.FindStringSubmatch(q); m != nil {
		if n, _ := strconv.Atoi(m[1]); len(value) > n {
			return fmt.Sprintf("longer than %d characters", n)
		}
	}
	if m := qualValueMap.FindStringSubmatch(q); m != nil {
		for _, c := range strings.Split(m[1], ",") {
			if strings.Trim(strings.TrimSpace(c), `"`) == value {
				return ""
			}
		}
		return "not one of {" + m[1] + "}"
	}
	return ""
}

var (
	qualMinLen   = regexp.MustCompile(`MinLen\((\d+)\)`)
	qualMaxLen   = regexp.MustCompile(`MaxLen\((\d+)\)`)
	qualValueMap = regexp.MustCompile(`ValueMap\{([^}]*)\}`)
)
