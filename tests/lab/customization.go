package main

// Guest customization as the guest and vCenter carry it out (an extension).
// vcsim customizes synchronously inside the power-on task; a real guest does it
// after boot, and vCenter reports it through guest.customizationInfo (7.0 U2+)
// and events. The lab:
//
//   - CustomizeVM_Task (VM powered off) and CloneVM_Task with spec.customization
//     (clone.go) leave the VM with config.tools.pendingCustomization set;
//   - once such a VM is powered on, after start_ms (default 150) the guest starts:
//     VMware Tools run, CustomizationStartedEvent;
//     after run_ms more (default 250) it ends: guest.hostName from the
//     identity (Linux prep host name, sysprep computer name, cloud-init metadata
//     local-hostname/hostname), guest.net / guest.ipAddress from the NIC settings
//     (fixed IPs as given; DHCP NICs get 10.77.x.y, stable per VM), and a
//     CustomizationSucceeded event; or, when a failure rule matches, the rule's event (CustomizationFailed or a subtype such as
//     CustomizationNetworkSetupFailed, CustomizationLinuxIdentityFailed,
//     CustomizationSysprepFailed, CustomizationUnknownFailure) carrying the reason.
//     pendingCustomization is cleared either way.
//
// guest.customizationInfo (vSphere 7.0 U2+) is not set: the lab speaks API 6.5
// (as vcsim), where vCenter has no such property, and pyVmomi at 6.5 cannot
// read it (vcsim's own customize sets it and then every read of vm.guest raises).
// Clients follow customization through its events, as on 6.5 and 6.7.
//
// Control: POST /lab/customization {"object": "vm name|moid|*", "event": "CustomizationNetworkSetupFailed",
// "reason": "...", "count": 1} adds a failure rule; POST /lab/customization {"start_ms": N, "run_ms": M}
// sets the guest's timing; GET shows rules and timing; DELETE clears rules and restores the timing.

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type custRule struct {
	Object string `json:"object"`
	Event  string `json:"event"`
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	Fired  int    `json:"fired"`
}

type custState struct {
	mu      sync.Mutex
	pending map[types.ManagedObjectReference]*types.CustomizationSpec
	rules   []*custRule
	StartMS int `json:"start_ms"`
	RunMS   int `json:"run_ms"`
}

const defaultCustStartMS, defaultCustRunMS = 150, 250

var (
	custMu     sync.Mutex
	custByInv  = map[*inventory]*custState{}
	failEvents = map[string]func(types.CustomizationFailed) types.BaseEvent{
		"CustomizationFailed": func(f types.CustomizationFailed) types.BaseEvent { return &f },
		"CustomizationNetworkSetupFailed": func(f types.CustomizationFailed) types.BaseEvent {
			return &types.CustomizationNetworkSetupFailed{CustomizationFailed: f}
		},
		"CustomizationLinuxIdentityFailed": func(f types.CustomizationFailed) types.BaseEvent {
			return &types.CustomizationLinuxIdentityFailed{CustomizationFailed: f}
		},
		"CustomizationSysprepFailed": func(f types.CustomizationFailed) types.BaseEvent {
			return &types.CustomizationSysprepFailed{CustomizationFailed: f}
		},
		"CustomizationUnknownFailure": func(f types.CustomizationFailed) types.BaseEvent {
			return &types.CustomizationUnknownFailure{CustomizationFailed: f}
		},
	}
)

// customizations returns the customization state of the inventory being built or served.
func customizations(l *Lab) *custState {
	custMu.Lock()
	defer custMu.Unlock()
	inv := l.inv()
	if cs, ok := custByInv[inv]; ok {
		return cs
	}
	for old := range custByInv { // keep no disposed inventory alive
		if old != l.cur.Load() {
			delete(custByInv, old)
		}
	}
	cs := &custState{pending: map[types.ManagedObjectReference]*types.CustomizationSpec{}, StartMS: defaultCustStartMS, RunMS: defaultCustRunMS}
	custByInv[inv] = cs
	return cs
}

// setPending records spec for vm (called with no lock on vm held).
func (cs *custState) setPending(ctx *simulator.Context, vm *simulator.VirtualMachine, spec *types.CustomizationSpec) {
	cs.mu.Lock()
	cs.pending[vm.Self] = spec
	cs.mu.Unlock()
	ctx.WithLock(vm, func() {
		ctx.Update(vm, []types.PropertyChange{
			{Name: "config.tools.pendingCustomization", Val: fmt.Sprintf("[%s] %s/imcf-%s", "LocalDS_0", vm.Name, vm.Self.Value)},
		})
	})
}

// poweredOn starts the guest's customization run when one is pending.
func (cs *custState) poweredOn(ctx *simulator.Context, vm *simulator.VirtualMachine) {
	cs.mu.Lock()
	spec, ok := cs.pending[vm.Self]
	if ok {
		delete(cs.pending, vm.Self)
	}
	start, run := cs.StartMS, cs.RunMS
	cs.mu.Unlock()
	if ok {
		go cs.run(ctx, vm, spec, time.Duration(start)*time.Millisecond, time.Duration(run)*time.Millisecond)
	}
}

func (cs *custState) failure(vm *simulator.VirtualMachine) *custRule {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, r := range cs.rules {
		if (r.Object == "*" || r.Object == vm.Name || r.Object == vm.Self.Value) && (r.Count == 0 || r.Fired < r.Count) {
			r.Fired++
			return r
		}
	}
	return nil
}

func vmEvent(ctx *simulator.Context, vm *simulator.VirtualMachine) types.CustomizationEvent {
	ev := types.Event{Vm: &types.VmEventArgument{EntityEventArgument: types.EntityEventArgument{Name: vm.Name}, Vm: vm.Self}}
	if vm.Runtime.Host != nil {
		if h, ok := ctx.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem); ok {
			ev.Host = &types.HostEventArgument{EntityEventArgument: types.EntityEventArgument{Name: h.Name}, Host: h.Self}
		}
	}
	var parent mo.Entity = vm
	for parent != nil {
		if dc, ok := parent.(*simulator.Datacenter); ok {
			ev.Datacenter = &types.DatacenterEventArgument{EntityEventArgument: types.EntityEventArgument{Name: dc.Name}, Datacenter: dc.Self}
			break
		}
		p := parent.Entity().Parent
		if p == nil {
			break
		}
		parent, _ = ctx.Map.Get(*p).(mo.Entity)
	}
	return types.CustomizationEvent{VmEvent: types.VmEvent{Event: ev}, LogLocation: "/var/log/vmware-imc/toolsDeployPkg.log"}
}

func postEvent(ctx *simulator.Context, event types.BaseEvent) {
	em := ctx.Map.EventManager()
	ctx.WithLock(em, func() { em.PostEvent(ctx, &types.PostEvent{This: em.Self, EventToPost: event}) })
}

var hostnameRE = regexp.MustCompile(`(?m)^\s*(local-hostname|hostname)\s*:\s*"?([^"\s]+)"?\s*$`)

func customizedHostname(vm *simulator.VirtualMachine, spec *types.CustomizationSpec) string {
	name := func(n types.BaseCustomizationName) string {
		switch v := n.(type) {
		case *types.CustomizationFixedName:
			return v.Name
		case *types.CustomizationVirtualMachineName:
			return vm.Name
		}
		return ""
	}
	switch id := spec.Identity.(type) {
	case *types.CustomizationLinuxPrep:
		return name(id.HostName)
	case *types.CustomizationSysprep:
		return name(id.UserData.ComputerName)
	case *types.CustomizationCloudinitPrep:
		found := map[string]string{}
		for _, m := range hostnameRE.FindAllStringSubmatch(id.Metadata, -1) {
			found[m[1]] = m[2]
		}
		if h := found["local-hostname"]; h != "" {
			return h
		}
		return found["hostname"]
	}
	return ""
}

func dhcpAddress(vm *simulator.VirtualMachine, nic int) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(vm.Self.Value))
	v := h.Sum32()
	return fmt.Sprintf("10.77.%d.%d", (v>>8)%250+1, (v+uint32(nic))%250+2)
}

// guestResult is the guest state a successful customization leaves.
func guestResult(vm *simulator.VirtualMachine, spec *types.CustomizationSpec) []types.PropertyChange {
	hostname := customizedHostname(vm, spec)
	cards := object.VirtualDeviceList(vm.Config.Hardware.Device).SelectByType((*types.VirtualEthernetCard)(nil))
	var nets []types.GuestNicInfo
	address := ""
	for i, d := range cards {
		card := d.(types.BaseVirtualEthernetCard).GetVirtualEthernetCard()
		nic := types.GuestNicInfo{MacAddress: card.MacAddress, Connected: true, DeviceConfigId: card.Key}
		if b, ok := card.Backing.(*types.VirtualEthernetCardNetworkBackingInfo); ok {
			nic.Network = b.DeviceName
		}
		ip := ""
		if i < len(spec.NicSettingMap) {
			s := spec.NicSettingMap[i]
			if f, ok := s.Adapter.Ip.(*types.CustomizationFixedIp); ok {
				ip = f.IpAddress
			} else if _, ok := s.Adapter.Ip.(*types.CustomizationDhcpIpGenerator); ok {
				ip = dhcpAddress(vm, i)
			}
			nic.DnsConfig = &types.NetDnsConfigInfo{HostName: hostname, DomainName: s.Adapter.DnsDomain, IpAddress: s.Adapter.DnsServerList}
		} else {
			ip = dhcpAddress(vm, i) // cloud-init network config or no NIC map: the guest's own DHCP
		}
		if ip != "" {
			nic.IpAddress = []string{ip}
			nic.IpConfig = &types.NetIpConfigInfo{IpAddress: []types.NetIpConfigInfoIpAddress{{IpAddress: ip, PrefixLength: 24, State: "preferred"}}}
			if address == "" {
				address = ip
			}
		}
		nets = append(nets, nic)
	}
	changes := []types.PropertyChange{{Name: "guest.net", Val: nets}}
	if hostname != "" {
		changes = append(changes, types.PropertyChange{Name: "guest.hostName", Val: hostname}, types.PropertyChange{Name: "summary.guest.hostName", Val: hostname})
	}
	if address != "" {
		changes = append(changes, types.PropertyChange{Name: "guest.ipAddress", Val: address}, types.PropertyChange{Name: "summary.guest.ipAddress", Val: address})
	}
	return changes
}

func (cs *custState) run(ctx *simulator.Context, vm *simulator.VirtualMachine, spec *types.CustomizationSpec, start, run time.Duration) {
	time.Sleep(start) // the guest boots and its tools start
	on := false
	ctx.WithLock(vm, func() {
		if on = vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn; !on {
			return
		}
		ctx.Update(vm, []types.PropertyChange{
			{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)},
			{Name: "guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsOk},
			{Name: "summary.guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)},
		})
	})
	if !on { // powered off before the guest got to it: still pending
		cs.mu.Lock()
		cs.pending[vm.Self] = spec
		cs.mu.Unlock()
		return
	}
	var event types.CustomizationEvent
	ctx.WithLock(vm, func() { event = vmEvent(ctx, vm) })
	postEvent(ctx, &types.CustomizationStartedEvent{CustomizationEvent: event})
	time.Sleep(run)
	rule := cs.failure(vm)
	ctx.WithLock(vm, func() {
		changes := []types.PropertyChange{{Name: "config.tools.pendingCustomization", Val: ""}}
		if rule == nil {
			changes = append(changes, guestResult(vm, spec)...)
		}
		ctx.Update(vm, changes)
	})
	if rule != nil {
		postEvent(ctx, failEvents[rule.Event](types.CustomizationFailed{CustomizationEvent: event, Reason: rule.Reason}))
		return
	}
	postEvent(ctx, &types.CustomizationSucceeded{CustomizationEvent: event})
}

func customizeHook(cs *custState) SOAPHook {
	return func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
		vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
		req, ok2 := m.Body.(*types.CustomizeVM_Task)
		if !ok || !ok2 {
			return nil
		}
		var fault types.BaseMethodFault
		var msg string
		ctx.WithLock(vm, func() {
			if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
				fault, msg = &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOff, ExistingState: vm.Runtime.PowerState},
					"The attempted operation cannot be performed in the current state (Powered on)."
			} else if vm.Config.Tools != nil && vm.Config.Tools.PendingCustomization != "" {
				fault, msg = &types.CustomizationPending{}, "The virtual machine already has a pending guest customization."
			} else {
				fault, msg = customizationFault(vm, &req.Spec)
			}
		})
		if fault != nil {
			return soapResult(m.Name, failedTask(ctx, m, fault, msg, 0))
		}
		t := labTask(ctx, m)
		cs.setPending(ctx, vm, &req.Spec)
		finishTask(ctx, t, nil, nil)
		return soapResult(m.Name, t.Self)
	}
}

// powerOnHook starts a pending customization once vcsim has powered the VM on.
func powerOnHook(cs *custState) SOAPHook {
	return func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
		vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
		if !ok {
			return nil
		}
		cs.mu.Lock()
		_, pending := cs.pending[vm.Self]
		cs.mu.Unlock()
		if !pending {
			return nil
		}
		bg := background(ctx)
		go func() {
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) { // the lab watching its own task, not a client
				on := false
				bg.WithLock(vm, func() { on = vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn })
				if on {
					cs.poweredOn(bg, vm)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		return nil
	}
}

func (cs *custState) control(w http.ResponseWriter, r *http.Request) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		var body struct {
			custRule
			StartMS *int `json:"start_ms"`
			RunMS   *int `json:"run_ms"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeJSON(w, 400, map[string]string{"error": err.Error()})
			return
		}
		if body.StartMS != nil {
			cs.StartMS = *body.StartMS
		}
		if body.RunMS != nil {
			cs.RunMS = *body.RunMS
		}
		if body.Event != "" || body.Object != "" {
			if body.Event == "" {
				body.Event = "CustomizationFailed"
			}
			if _, ok := failEvents[body.Event]; !ok {
				writeJSON(w, 400, map[string]string{"error": "unknown customization failure event " + body.Event})
				return
			}
			if body.Object == "" {
				body.Object = "*"
			}
			rule := body.custRule
			rule.Fired = 0
			cs.rules = append(cs.rules, &rule)
		}
	case http.MethodDelete:
		cs.rules, cs.StartMS, cs.RunMS = nil, defaultCustStartMS, defaultCustRunMS
	}
	writeJSON(w, 200, map[string]any{"rules": cs.rules, "start_ms": cs.StartMS, "run_ms": cs.RunMS})
}

func init() {
	registerExtension("customization", func(l *Lab) {
		cs := customizations(l)
		l.HandleSOAP("CustomizeVM_Task", customizeHook(cs))
		l.HandleSOAP("PowerOnVM_Task", powerOnHook(cs))
		l.HandleControl("customization", cs.control)
	})
}
