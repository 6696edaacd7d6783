package main

// GET /api/vcenter/vm and GET /rest/vcenter/vm: the Automation API's VM list
// (com.vmware.vcenter.VM.list), which vcsim does not serve (its vcenter/vm
// handler knows only /vcenter/vm/{vm}/data-sets and DELETE /vcenter/vm/{vm}).
//
// As the reference describes it:
//   - the filter (VM.FilterSpec): vms, names, folders, datacenters, hosts,
//     clusters, resource_pools, power_states; a VM matches when it matches
//     every property given, and a property with several values when it matches
//     one of them. /api takes them as query parameters (names=a&names=b), the
//     6.7 /rest style as filter.names=a or filter.names.1=a&filter.names.2=b.
//   - folders, resource_pools: the folder / pool holding the VM; datacenters:
//     the datacenter above it; hosts: the host it is registered on; clusters:
//     that host's cluster.
//   - templates are not virtual machines for this service: they are never
//     listed (vmware.vmware_rest#165 shows a real vCenter doing the same).
//   - at most 4000 VMs are returned: when more match, the call fails with
//     unable_to_allocate_resource (HTTP 400, the vAPI mapping of that error).
//   - each summary: vm, name, power_state (POWERED_ON, POWERED_OFF,
//     SUSPENDED), cpu_count and memory_size_MiB.
//   - an unknown power state is invalid_argument; ids that name nothing just
//     match nothing. Other query parameters are ignored.
// Every visible VM is listed: the lab has one user, who sees everything.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// vmListMax is the most VMs one list answers (vSphere 7.0+; 6.5 said 1000).
const vmListMax = 4000

var vmListFilters = []string{"vms", "names", "folders", "datacenters", "hosts", "clusters", "resource_pools", "power_states"}

var vmListPowerStates = map[string]types.VirtualMachinePowerState{
	"POWERED_ON":  types.VirtualMachinePowerStatePoweredOn,
	"POWERED_OFF": types.VirtualMachinePowerStatePoweredOff,
	"SUSPENDED":   types.VirtualMachinePowerStateSuspended,
}

// vmListFilter reads the filter of either style: {property: set of values}.
func vmListFilter(q url.Values, style string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for key, values := range q {
		name := key
		if style == "rest" {
			if !strings.HasPrefix(key, "filter.") {
				continue
			}
			name = strings.TrimPrefix(key, "filter.")
			if base, index, ok := strings.Cut(name, "."); ok && index != "" && strings.Trim(index, "0123456789") == "" {
				name = base // filter.names.1
			}
		}
		known := false
		for _, f := range vmListFilters {
			known = known || f == name
		}
		if !known {
			continue
		}
		for _, v := range values {
			if out[name] == nil {
				out[name] = map[string]bool{}
			}
			out[name][v] = true
		}
	}
	return out
}

// vmPlace is where a VM sits, as the filter properties see it.
type vmPlace struct {
	folder, pool, datacenter, host, cluster string
}

func placeOf(reg *simulator.Registry, vm *simulator.VirtualMachine) vmPlace {
	var p vmPlace
	if vm.Parent != nil {
		p.folder = vm.Parent.Value
	}
	if vm.ResourcePool != nil {
		p.pool = vm.ResourcePool.Value
	}
	if vm.Runtime.Host != nil {
		p.host = vm.Runtime.Host.Value
		if h, ok := reg.Get(*vm.Runtime.Host).(*simulator.HostSystem); ok && h.Parent != nil && h.Parent.Type == "ClusterComputeResource" {
			p.cluster = h.Parent.Value
		}
	}
	next := vm.Parent
	if next == nil {
		next = vm.ParentVApp
	}
	for hops := 0; next != nil && hops < 64; hops++ {
		if next.Type == "Datacenter" {
			p.datacenter = next.Value
			break
		}
		e, ok := reg.Get(*next).(mo.Entity)
		if !ok {
			break
		}
		next = e.Entity().Parent
	}
	return p
}

func vmListREST(l *Lab, inv *inventory) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			l.RESTError(w, r, http.StatusMethodNotAllowed, "invalid_request", "only GET lists virtual machines here")
			return
		}
		filter := vmListFilter(r.URL.Query(), restStyle(r))
		for state := range filter["power_states"] {
			if _, ok := vmListPowerStates[state]; !ok {
				l.RESTError(w, r, http.StatusBadRequest, "invalid_argument",
					fmt.Sprintf("Invalid value '%s' for enumeration type 'com.vmware.vcenter.vm.power.state'.", state))
				return
			}
		}
		match := func(property, value string) bool {
			set, given := filter[property]
			return !given || set[value]
		}
		reg := inv.model.Map()
		ctx := &simulator.Context{Context: context.Background(), Map: reg}
		var out []map[string]any
		for _, e := range reg.All("VirtualMachine") {
			vm, ok := e.(*simulator.VirtualMachine)
			// vCenter answers a name filter from its inventory index: the lab skips the other
			// names before taking any VM's lock (the name read unlocked, as vcsim's FindByName does),
			// so the list costs about the same at 10,000 VMs as at 4
			if !ok || !match("vms", vm.Self.Value) || !match("names", vm.Name) {
				continue
			}
			var summary map[string]any
			ctx.WithLock(vm, func() {
				if vm.Config == nil || vm.Config.Template || !match("names", vm.Name) {
					return
				}
				state := string(vm.Runtime.PowerState)
				for k, v := range vmListPowerStates {
					if v == vm.Runtime.PowerState {
						state = k
					}
				}
				if !match("power_states", state) {
					return
				}
				p := placeOf(reg, vm)
				if !match("folders", p.folder) || !match("resource_pools", p.pool) || !match("datacenters", p.datacenter) ||
					!match("hosts", p.host) || !match("clusters", p.cluster) {
					return
				}
				summary = map[string]any{
					"vm": vm.Self.Value, "name": vm.Name, "power_state": state,
					"cpu_count": vm.Config.Hardware.NumCPU, "memory_size_MiB": vm.Config.Hardware.MemoryMB,
				}
			})
			if summary != nil {
				out = append(out, summary)
			}
		}
		if len(out) > vmListMax {
			l.RESTError(w, r, http.StatusBadRequest, "unable_to_allocate_resource",
				fmt.Sprintf("Too many virtual machines (%d) match the filter; at most %d are returned. Narrow the filter.", len(out), vmListMax))
			return
		}
		sort.Slice(out, func(i, j int) bool { return out[i]["vm"].(string) < out[j]["vm"].(string) })
		if out == nil {
			out = []map[string]any{}
		}
		l.RESTResult(w, r, http.StatusOK, out)
	}
}

func init() {
	registerExtension("vm-list", func(l *Lab) {
		l.HandleREST("/vcenter/vm", vmListREST(l, l.inv()))
	})
}
