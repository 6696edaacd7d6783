package main

// ReconfigVM_Task checks vcsim skips, as a real vCenter makes them. A refused
// reconfigure still returns a task; the task ends in error with the fault
// (vCenter validates inside the task), and nothing about the VM changes.
//
//   - memoryMB not a positive multiple of 4       -> InvalidArgument (invalidProperty memoryMB)
//   - numCPUs not a multiple of numCoresPerSocket  -> InvalidArgument (invalidProperty numCoresPerSocket)
//   - VM not powered off:
//     more CPUs without cpuHotAddEnabled, fewer without cpuHotRemoveEnabled -> CpuHotPlugNotSupported
//     more memory without memoryHotAddEnabled, or any less memory         -> MemoryHotPlugNotSupported
//     a new numCoresPerSocket or a change of the hot-add/-remove flags      -> InvalidPowerState
//   - secure boot without EFI firmware, an unknown guest id: vcsim refuses them after applying the
//     spec (the VM keeps part of it); the lab refuses first -> InvalidVmConfig / InvalidArgument
//   - a CPU or memory reservation above its limit, or memory reserved beyond the VM's memory
//     -> InvalidArgument (invalidProperty spec.<cpu|memory>Allocation.reservation)
//   - scheduledHardwareUpgradeInfo (dropped by vcsim) is validated, stored in
//     config.scheduledHardwareUpgradeInfo and reported; policy "never" clears the target version.
//   - bootOptions (stored wholesale by vcsim) are merged into the VM's: fields the spec leaves unset keep
//     their values.

import (
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var upgradePolicies = map[string]bool{"never": true, "onSoftPowerOff": true, "always": true}

func boolValue(b *bool) bool { return b != nil && *b }

// reconfigFault is the fault a real vCenter would end the reconfigure task with, or nil.
func reconfigFault(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) (types.BaseMethodFault, string) {
	hw := vm.Config.Hardware
	if spec.MemoryMB != 0 && (spec.MemoryMB < 0 || spec.MemoryMB%4 != 0) {
		return &types.InvalidArgument{InvalidProperty: "memoryMB"},
			fmt.Sprintf("Memory size %d MB is not a positive multiple of 4 MB.", spec.MemoryMB)
	}
	if spec.NumCPUs != 0 || spec.NumCoresPerSocket != nil {
		cpus, cores := hw.NumCPU, int32(1)
		if hw.NumCoresPerSocket != nil && *hw.NumCoresPerSocket > 0 {
			cores = *hw.NumCoresPerSocket
		}
		if spec.NumCPUs != 0 {
			cpus = spec.NumCPUs
		}
		if spec.NumCoresPerSocket != nil {
			cores = *spec.NumCoresPerSocket
		}
		if cpus <= 0 || cores <= 0 || cpus%cores != 0 {
			return &types.InvalidArgument{InvalidProperty: "numCoresPerSocket"},
				fmt.Sprintf("Cannot support %d CPUs using %d cores per socket: the CPU count must be a multiple of the cores per socket.", cpus, cores)
		}
	}
	if o := spec.BootOptions; o != nil && boolValue(o.EfiSecureBootEnabled) {
		firmware := vm.Config.Firmware
		if spec.Firmware != "" {
			firmware = spec.Firmware
		}
		if firmware != string(types.GuestOsDescriptorFirmwareTypeEfi) {
			return &types.InvalidVmConfig{Property: "msg.hostd.configSpec.efi"}, "Secure boot can be enabled only with EFI firmware."
		}
	}
	if spec.GuestId != "" && !knownGuest(spec.GuestId) {
		return &types.InvalidArgument{InvalidProperty: "configSpec.guestId"}, fmt.Sprintf("Unknown guest OS id %q.", spec.GuestId)
	}
	if f, msg := allocationFault("cpu", vm.Config.CpuAllocation, spec.CpuAllocation); f != nil {
		return f, msg
	}
	if f, msg := allocationFault("memory", vm.Config.MemoryAllocation, spec.MemoryAllocation); f != nil {
		return f, msg
	}
	if a := spec.MemoryAllocation; a != nil && a.Reservation != nil {
		memory := int64(hw.MemoryMB)
		if spec.MemoryMB != 0 {
			memory = spec.MemoryMB
		}
		if *a.Reservation > memory {
			return &types.InvalidArgument{InvalidProperty: "spec.memoryAllocation.reservation"},
				fmt.Sprintf("The memory reservation (%d MB) cannot exceed the virtual machine's memory (%d MB).", *a.Reservation, memory)
		}
	}
	if p := spec.ScheduledHardwareUpgradeInfo; p != nil && p.UpgradePolicy != "" && !upgradePolicies[p.UpgradePolicy] {
		return &types.InvalidArgument{InvalidProperty: "scheduledHardwareUpgradeInfo.upgradePolicy"},
			fmt.Sprintf("Unknown hardware upgrade policy %q.", p.UpgradePolicy)
	}
	if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOff {
		return nil, ""
	}
	cfg := vm.Config
	switch {
	case spec.NumCPUs > hw.NumCPU && !boolValue(cfg.CpuHotAddEnabled):
		return &types.CpuHotPlugNotSupported{}, "CPU hot plug is not supported for this virtual machine."
	case spec.NumCPUs != 0 && spec.NumCPUs < hw.NumCPU && !boolValue(cfg.CpuHotRemoveEnabled):
		return &types.CpuHotPlugNotSupported{}, "CPU hot remove is not supported for this virtual machine."
	case spec.MemoryMB != 0 && int32(spec.MemoryMB) > hw.MemoryMB && !boolValue(cfg.MemoryHotAddEnabled):
		return &types.MemoryHotPlugNotSupported{}, "Memory hot plug is not supported for this virtual machine."
	case spec.MemoryMB != 0 && int32(spec.MemoryMB) < hw.MemoryMB:
		return &types.MemoryHotPlugNotSupported{}, "Memory cannot be removed from a running virtual machine."
	}
	changed := func(want *bool, have *bool) bool { return want != nil && *want != boolValue(have) }
	coresChanged := spec.NumCoresPerSocket != nil && (hw.NumCoresPerSocket == nil || *spec.NumCoresPerSocket != *hw.NumCoresPerSocket)
	if coresChanged || changed(spec.CpuHotAddEnabled, cfg.CpuHotAddEnabled) ||
		changed(spec.CpuHotRemoveEnabled, cfg.CpuHotRemoveEnabled) || changed(spec.MemoryHotAddEnabled, cfg.MemoryHotAddEnabled) {
		return &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOff, ExistingState: vm.Runtime.PowerState},
			fmt.Sprintf("The attempted operation cannot be performed in the current state (%s).", vm.Runtime.PowerState)
	}
	return nil, ""
}

func knownGuest(id string) bool {
	for _, g := range simulator.GuestID {
		if string(g) == id {
			return true
		}
	}
	return false
}

// allocationFault: a reservation above the limit (each as it will be after the spec).
func allocationFault(kind string, have, want *types.ResourceAllocationInfo) (types.BaseMethodFault, string) {
	if want == nil {
		return nil, ""
	}
	var reservation, limit int64 = 0, -1
	if have != nil && have.Reservation != nil {
		reservation = *have.Reservation
	}
	if have != nil && have.Limit != nil {
		limit = *have.Limit
	}
	if want.Reservation != nil {
		reservation = *want.Reservation
	}
	if want.Limit != nil {
		limit = *want.Limit
	}
	if limit != -1 && reservation > limit {
		return &types.InvalidArgument{InvalidProperty: "spec." + kind + "Allocation.reservation"},
			fmt.Sprintf("The %s reservation (%d) cannot exceed the %s limit (%d).", kind, reservation, kind, limit)
	}
	return nil, ""
}

// mergedBootOptions: the boot options a reconfigure leaves, as vCenter applies them: the fields the
// spec sets replace the VM's, the others keep their values (vcsim stores the spec's object as it is,
// so enabling secure boot lost the boot delay, order and retry settings). vcsim's Go type cannot tell
// a delay of 0 from an absent one: a 0 delay in a spec keeps the current delay.
func mergedBootOptions(have, want *types.VirtualMachineBootOptions) *types.VirtualMachineBootOptions {
	if want == nil || have == nil {
		return want
	}
	merged := *have
	if want.BootDelay != 0 {
		merged.BootDelay = want.BootDelay
	}
	if want.EnterBIOSSetup != nil {
		merged.EnterBIOSSetup = want.EnterBIOSSetup
	}
	if want.EfiSecureBootEnabled != nil {
		merged.EfiSecureBootEnabled = want.EfiSecureBootEnabled
	}
	if want.BootRetryEnabled != nil {
		merged.BootRetryEnabled = want.BootRetryEnabled
	}
	if want.BootRetryDelay != 0 {
		merged.BootRetryDelay = want.BootRetryDelay
	}
	if want.BootOrder != nil {
		merged.BootOrder = want.BootOrder
	}
	if want.NetworkBootProtocol != "" {
		merged.NetworkBootProtocol = want.NetworkBootProtocol
	}
	return &merged
}

func reconfigHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
	req, ok2 := m.Body.(*types.ReconfigVM_Task)
	if !ok || !ok2 {
		return nil
	}
	var fault types.BaseMethodFault
	var msg string
	ctx.WithLock(vm, func() {
		fault, msg = reconfigFault(vm, &req.Spec)
		if fault == nil {
			fault, msg = deviceFault(vm, &req.Spec) // devices.go
		}
		if fault == nil {
			labelAdds(vm, &req.Spec)
			req.Spec.BootOptions = mergedBootOptions(vm.Config.BootOptions, req.Spec.BootOptions)
		}
		if fault != nil || req.Spec.ScheduledHardwareUpgradeInfo == nil {
			return
		}
		// vcsim's reconfigure ignores the field: store it, as vCenter reports it back.
		info := *req.Spec.ScheduledHardwareUpgradeInfo
		info.ScheduledHardwareUpgradeStatus = "pending"
		if info.UpgradePolicy == "never" || info.UpgradePolicy == "" {
			info.UpgradePolicy, info.VersionKey, info.ScheduledHardwareUpgradeStatus = "never", "", "none"
		}
		ctx.Update(vm, []types.PropertyChange{{Name: "config.scheduledHardwareUpgradeInfo", Val: &info}})
	})
	if fault == nil {
		return nil // vcsim carries the reconfigure out
	}
	return soapResult(m.Name, failedTask(ctx, m, fault, msg, 0))
}

func init() {
	registerExtension("reconfigure", func(l *Lab) {
		l.HandleSOAP("ReconfigVM_Task", reconfigHook)
	})
}
