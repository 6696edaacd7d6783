package main

// Guest power operations, as a real vCenter does them (an extension: the
// smallest real use of the hook API).
//
// ShutdownGuest / StandbyGuest / RebootGuest fail with InvalidPowerState unless
// the VM is powered on, then with ToolsUnavailable unless
// guest.toolsRunningStatus is guestToolsRunning (fake it per VM with
// extraConfig SET.guest.toolsRunningStatus=guestToolsRunning). Shutdown and
// standby return at once, without a task, and the VM reaches poweredOff /
// suspended after the guest-op delay (default 300 ms; POST /lab/delay
// {"guest_ms": N}); vcsim's own implementation performs the transition.
// The same operations are served over REST at /api|/rest/vcenter/vm/{vm}/guest/power.

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func guestPrecheck(ctx *simulator.Context, vm *simulator.VirtualMachine) types.BaseMethodFault {
	var fault types.BaseMethodFault
	ctx.WithLock(vm, func() {
		if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
			fault = &types.InvalidPowerState{
				RequestedState: types.VirtualMachinePowerStatePoweredOn,
				ExistingState:  vm.Runtime.PowerState,
			}
		} else if vm.Guest == nil || vm.Guest.ToolsRunningStatus != string(types.VirtualMachineToolsRunningStatusGuestToolsRunning) {
			fault = &types.ToolsUnavailable{}
		}
	})
	return fault
}

// guestPower starts a guest operation ("ShutdownGuest", "StandbyGuest",
// "RebootGuest") after the checks; shutdown and standby complete after the guest delay.
func guestPower(inv *inventory, ctx *simulator.Context, vm *simulator.VirtualMachine, op string) types.BaseMethodFault {
	if f := guestPrecheck(ctx, vm); f != nil {
		return f
	}
	bg := &simulator.Context{Context: context.Background(), Map: ctx.Map, Session: ctx.Session}
	if op == "RebootGuest" {
		bg.WithLock(vm, func() { vm.RebootGuest(bg, &types.RebootGuest{This: vm.Self}) })
		return nil
	}
	time.AfterFunc(time.Duration(inv.guestDelay.Load())*time.Millisecond, func() {
		bg.WithLock(vm, func() {
			if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
				return // powered off (or suspended) in the meantime
			}
			switch op {
			case "ShutdownGuest":
				vm.ShutdownGuest(bg, &types.ShutdownGuest{This: vm.Self})
			case "StandbyGuest":
				vm.StandbyGuest(bg, &types.StandbyGuest{This: vm.Self})
			}
		})
	})
	return nil
}

func guestOp(inv *inventory) SOAPHook {
	return func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
		vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
		if !ok {
			return nil
		}
		if f := guestPower(inv, ctx, vm, m.Name); f != nil {
			return soapFault("", f)
		}
		return soapResult(m.Name, nil)
	}
}

// guestPowerREST serves /api|/rest/vcenter/vm/{vm}/guest/power (GET; POST ?action=shutdown|reboot|standby).
func guestPowerREST(l *Lab, inv *inventory) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reg := inv.model.Map()
		vm, ok := reg.Get(types.ManagedObjectReference{Type: "VirtualMachine", Value: r.PathValue("vm")}).(*simulator.VirtualMachine)
		if !ok {
			l.RESTError(w, r, http.StatusNotFound, "not_found", "VirtualMachine "+r.PathValue("vm")+" not found.")
			return
		}
		ctx := &simulator.Context{Context: context.Background(), Map: reg}
		if r.Method == http.MethodGet {
			state, ready := "NOT_RUNNING", false
			ctx.WithLock(vm, func() {
				tools := vm.Guest != nil && vm.Guest.ToolsRunningStatus == string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
				switch {
				case vm.Runtime.PowerState == types.VirtualMachinePowerStateSuspended:
					state = "STANDBY"
				case vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn && tools:
					state, ready = "RUNNING", true
				case vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn:
					state = "UNAVAILABLE"
				}
			})
			l.RESTResult(w, r, http.StatusOK, map[string]any{"state": state, "operations_ready": ready, "interactive_ready": ready})
			return
		}
		op := map[string]string{"shutdown": "ShutdownGuest", "standby": "StandbyGuest", "reboot": "RebootGuest"}[r.URL.Query().Get("action")]
		if r.Method != http.MethodPost || op == "" {
			l.RESTError(w, r, http.StatusBadRequest, "invalid_argument", "action must be shutdown, reboot or standby")
			return
		}
		switch f := guestPower(inv, ctx, vm, op).(type) {
		case nil:
			l.RESTResult(w, r, http.StatusOK, nil)
		case *types.InvalidPowerState:
			l.RESTError(w, r, http.StatusBadRequest, "not_allowed_in_current_state", "The virtual machine is not powered on.")
		default:
			l.RESTError(w, r, http.StatusServiceUnavailable, "service_unavailable", fmt.Sprintf("VMware Tools is not running (%T).", f))
		}
	}
}

func init() {
	registerExtension("guest", func(l *Lab) {
		inv := l.inv()
		for _, op := range []string{"ShutdownGuest", "StandbyGuest", "RebootGuest"} {
			l.HandleSOAP(op, guestOp(inv))
		}
		l.HandleREST("/vcenter/vm/{vm}/guest/power", guestPowerREST(l, inv))
	})
}
