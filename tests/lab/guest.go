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

import (
	"context"
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

func guestOp(inv *inventory, deferred bool) SOAPHook {
	return func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
		vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
		if !ok {
			return nil
		}
		if f := guestPrecheck(ctx, vm); f != nil {
			return soapFault("", f)
		}
		if !deferred {
			return nil // RebootGuest: vcsim's implementation, now that the checks passed
		}
		bg := &simulator.Context{Context: context.Background(), Map: ctx.Map, Session: ctx.Session}
		name := m.Name
		time.AfterFunc(time.Duration(inv.guestDelay.Load())*time.Millisecond, func() {
			bg.WithLock(vm, func() {
				if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
					return // powered off (or suspended) in the meantime
				}
				switch name {
				case "ShutdownGuest":
					vm.ShutdownGuest(bg, &types.ShutdownGuest{This: vm.Self})
				case "StandbyGuest":
					vm.StandbyGuest(bg, &types.StandbyGuest{This: vm.Self})
				}
			})
		})
		return soapResult(name, nil)
	}
}

func init() {
	registerExtension("guest", func(l *Lab) {
		inv := l.inv()
		l.HandleSOAP("ShutdownGuest", guestOp(inv, true))
		l.HandleSOAP("StandbyGuest", guestOp(inv, true))
		l.HandleSOAP("RebootGuest", guestOp(inv, false))
	})
}
