package main

// The Lab owns one HTTPS listener and an atomically swappable "inventory":
// a complete govmomi simulator (Model + Service + ServeMux) plus the lab's
// per-inventory state (fault rules, hooks, REST sessions, delays). A reset
// builds a fresh inventory and swaps it in, so the process, port and TLS
// identity stay the same while every object, session and rule starts over.

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator" // vAPI REST endpoints (/rest, /api)
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// Fixed lab credentials, checked exactly on SOAP, REST and /lab.
const (
	labUser     = "administrator@vsphere.local"
	labPassword = "VMware1!"
)

// Options are the start-up options; a reset rebuilds with the same ones.
type Options struct {
	VMs      int // total VMs in the inventory, exactly; <0 means the VPX default (4)
	DelayMS  int // SOAP delay per call
	Port     int
	StateDir string
	// CPUProfile, when set, receives a CPU profile of the first inventory build.
	CPUProfile string
	// The appliance listener (appliance_net.go); port 0 means Port+1.
	AppliancePort    int
	ApplianceAddress string
}

// Lab is the running lab.
type Lab struct {
	opts   Options
	tls    *tls.Config
	public *url.URL // https://127.0.0.1:port/sdk
	calls  counter

	cur     atomic.Pointer[inventory]
	resetMu sync.Mutex // serialises builds

	building *inventory // set only while extensions' setup funcs run
}

// inventory is one simulator instance and everything that must not survive a reset.
type inventory struct {
	model    *simulator.Model
	internal *simulator.Server // govmomi's own listener, used by vAPI internally
	mux      http.Handler

	soapHooks   map[string][]SOAPHook
	beforeHooks []func(method string) bool
	afterHooks  []func(method string)
	control     map[string]http.HandlerFunc
	rest        []restRoute
	http        []httpRoute
	faults      faultSet

	mu           sync.Mutex
	restSessions map[string]bool // ids issued by POST .../session, for terminate-all
	guestDelay   atomic.Int64    // ms
	restDelay    atomic.Int64    // ms per /api or /rest request (the SOAP delay's REST twin)
	taskDelays   map[string]int
}

const defaultGuestDelayMS = 300

func newLab(opts Options, tlsConf *tls.Config) *Lab {
	return &Lab{
		opts:   opts,
		tls:    tlsConf,
		public: &url.URL{Scheme: "https", Host: fmt.Sprintf("127.0.0.1:%d", opts.Port), Path: vim25.Path},
	}
}

// Map returns the registry of the inventory being built or served.
func (l *Lab) Map() *simulator.Registry { return l.inv().model.Map() }

// Model returns the simulator model of the inventory being built or served.
func (l *Lab) Model() *simulator.Model { return l.inv().model }

func (l *Lab) inv() *inventory {
	if l.building != nil {
		return l.building
	}
	return l.cur.Load()
}

// build creates a complete inventory; it does not touch the served one.
func (l *Lab) build() (*inventory, error) {
	m := simulator.VPX()
	// VPX puts Machine VMs on the standalone host and Machine VMs in the cluster pool.
	// Up to seedMachines per pool the model creates them; growInventory clones the rest.
	extra, perPool := 0, 0
	if l.opts.VMs >= 0 {
		perPool = (l.opts.VMs + 1) / 2
		m.Machine = min(perPool, seedMachines)
		extra = 2*perPool - l.opts.VMs
	}
	if err := m.Create(); err != nil {
		return nil, err
	}
	if perPool > m.Machine {
		err := growInventory(m, map[string]int{"DC0_H0_VM": perPool, "DC0_C0_RP0_VM": perPool})
		if err != nil {
			m.Remove()
			return nil, err
		}
	}
	// The service reads the model's DelayConfig through a pointer: set the delay once the inventory is built.
	m.DelayConfig.Delay = l.opts.DelayMS
	inv := &inventory{
		model:        m,
		soapHooks:    map[string][]SOAPHook{},
		control:      map[string]http.HandlerFunc{},
		restSessions: map[string]bool{},
	}
	inv.guestDelay.Store(defaultGuestDelayMS)
	inv.restDelay.Store(int64(l.opts.DelayMS))
	if extra > 0 {
		// odd count: drop the last VM created (highest moid, in the cluster pool)
		if err := destroyVM(m, fmt.Sprintf("DC0_C0_RP0_VM%d", perPool-1)); err != nil {
			m.Remove()
			return nil, err
		}
	}

	svc := m.Service
	svc.TLS = l.tls.Clone()
	svc.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(labUser, labPassword)}
	svc.RegisterEndpoints = true

	applyCompat(m.Map())
	m.Map().Handler = inv.soapHandler

	l.building = inv
	for _, e := range extensions {
		e.setup(l)
	}
	l.building = nil
	for _, rt := range inv.rest {
		svc.HandleFunc(rt.pattern, rt.fn)
	}

	inv.internal = svc.NewServer()
	inv.mux = svc.ServeMux
	// Point clients (NFC leases, datastore URLs) at the public listener, not govmomi's internal one.
	ctx := svc.Context
	ctx.Map.SessionManager().ServiceHostName = l.public.Host
	ctx.Map.OptionManager().UpdateOptions(&types.UpdateOptions{ChangedValue: []types.BaseOptionValue{
		&types.OptionValue{Key: "vcsim.server.url", Value: l.public.String()},
	}})
	return inv, nil
}

func destroyVM(m *simulator.Model, name string) error {
	ctx := context.Background()
	c, err := vim25.NewClient(ctx, m.Service)
	if err != nil {
		return err
	}
	var ref *types.ManagedObjectReference
	for _, e := range m.Map().All("VirtualMachine") {
		if e.Entity().Name == name {
			r := e.Reference()
			ref = &r
		}
	}
	if ref == nil {
		return fmt.Errorf("VM %s not found", name)
	}
	vm := object.NewVirtualMachine(c, *ref)
	if t, err := vm.PowerOff(ctx); err == nil {
		_ = t.Wait(ctx)
	}
	t, err := vm.Destroy(ctx)
	if err != nil {
		return err
	}
	return t.Wait(ctx)
}

// reset builds a fresh inventory, swaps it in and disposes of the old one.
func (l *Lab) reset() (time.Duration, error) {
	l.resetMu.Lock()
	defer l.resetMu.Unlock()
	start := time.Now()
	inv, err := l.build()
	if err != nil {
		return 0, err
	}
	simulator.TaskDelay = simulator.DelayConfig{} // package global: clear task delays
	old := l.cur.Swap(inv)
	if old != nil {
		go old.dispose()
	}
	return time.Since(start), nil
}

func (inv *inventory) dispose() {
	// let in-flight requests on the old inventory finish before removing its files
	time.Sleep(2 * time.Second)
	inv.internal.Close()
	inv.model.Remove()
}

// vmCount reports the VMs in the served inventory.
func (l *Lab) vmCount() int {
	n := 0
	for _, e := range l.Map().All("VirtualMachine") {
		if _, ok := e.(mo.Entity); ok {
			n++
		}
	}
	return n
}

func logf(format string, args ...any) { log.Printf("lab: "+format, args...) }
