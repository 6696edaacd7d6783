package main

// Virtual devices as vCenter labels and checks them, where vcsim does not.
//
// Labels: vcsim labels devices after their type and key ("disk-202-0", "ethernet-0",
// "cdrom-203"); vCenter says "Hard disk N", "Network adapter N", "CD/DVD drive N",
// "Floppy drive N" (numbered from 1) and "SCSI controller B", "SATA controller B",
// "NVMe controller B", "IDE B" (B: the bus number). The lab relabels every VM's
// devices when the inventory is built and when a VM is created, and gives each device
// a ReconfigVM_Task adds without a label the smallest free number of its kind.
//
// CD-ROM drives: vcsim's inventory puts each VM's drive on SCSI controller 0 at the first disk's
// unit; the lab moves it to the first free IDE unit, where vCenter would have it.
//
// ReconfigVM_Task refusals (the task ends in error, nothing changes):
//   - a device at unit 7 of a SCSI controller (the controller's own unit) -> InvalidDeviceSpec
//   - a device at a unit its controller does not have (see unitFault)   -> InvalidDeviceSpec, or
//     DeviceUnsupportedForVmVersion when a newer hardware version would have it
//   - a controller added with a bus number its kind already uses             -> InvalidDeviceSpec
//   - adding or removing a device on an IDE controller while the VM is not off -> DeviceHotPlugNotSupported
//   - removing a SCSI, SATA or NVMe controller while the VM is not off       -> DeviceHotPlugNotSupported
//     (so a controller type change, remove + add, needs the VM powered off)
//   - removing a controller that still has devices (not removed or moved to
//     another controller by the same spec)                                    -> InvalidDeviceOperation
// An added SCSI controller without scsiCtlrUnitNumber gets 7, as vCenter sets it.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// labelKind is the label prefix of a device and whether it is numbered by bus (controllers).
func labelKind(d types.BaseVirtualDevice) (string, bool) {
	switch d.(type) {
	case *types.VirtualDisk:
		return "Hard disk ", false
	case types.BaseVirtualEthernetCard:
		return "Network adapter ", false
	case *types.VirtualCdrom:
		return "CD/DVD drive ", false
	case *types.VirtualFloppy:
		return "Floppy drive ", false
	case types.BaseVirtualSCSIController:
		return "SCSI controller ", true
	case types.BaseVirtualSATAController:
		return "SATA controller ", true
	case *types.VirtualNVMEController:
		return "NVMe controller ", true
	case *types.VirtualIDEController:
		return "IDE ", true
	}
	return "", false
}

func busNumber(d types.BaseVirtualDevice) int32 {
	if c, ok := d.(types.BaseVirtualController); ok {
		return c.GetVirtualController().BusNumber
	}
	return -1
}

func setLabel(d types.BaseVirtualDevice, label string) {
	dev := d.GetVirtualDevice()
	if dev.DeviceInfo == nil {
		dev.DeviceInfo = &types.Description{Label: label, Summary: label}
		return
	}
	dev.DeviceInfo.GetDescription().Label = label
}

func label(d types.BaseVirtualDevice) string {
	if info := d.GetVirtualDevice().DeviceInfo; info != nil {
		return info.GetDescription().Label
	}
	return ""
}

// ideCdroms moves a CD-ROM drive vcsim put on a SCSI controller (sharing unit 0 with the first
// disk) to the first free IDE unit: vCenter attaches CD-ROM drives to IDE or SATA only.
func ideCdroms(vm *simulator.VirtualMachine) {
	devices := vm.Config.Hardware.Device
	byKey := map[int32]types.BaseVirtualDevice{}
	used := map[[2]int32]bool{}
	for _, d := range devices {
		dev := d.GetVirtualDevice()
		byKey[dev.Key] = d
		if dev.UnitNumber != nil {
			used[[2]int32{dev.ControllerKey, *dev.UnitNumber}] = true
		}
	}
	for _, d := range devices {
		cd, ok := d.(*types.VirtualCdrom)
		if !ok {
			continue
		}
		if _, scsi := byKey[cd.ControllerKey].(types.BaseVirtualSCSIController); !scsi {
			continue
		}
	slots:
		for _, c := range devices {
			ide, ok := c.(*types.VirtualIDEController)
			if !ok {
				continue
			}
			for unit := int32(0); unit < 2; unit++ {
				if !used[[2]int32{ide.Key, unit}] {
					if old, ok := byKey[cd.ControllerKey].(types.BaseVirtualController); ok {
						old.GetVirtualController().Device = without(old.GetVirtualController().Device, cd.Key)
					}
					u := unit
					cd.ControllerKey, cd.UnitNumber = ide.Key, &u
					ide.Device = append(ide.Device, cd.Key)
					used[[2]int32{ide.Key, unit}] = true
					break slots
				}
			}
		}
	}
}

func without(keys []int32, key int32) []int32 {
	out := keys[:0:0]
	for _, k := range keys {
		if k != key {
			out = append(out, k)
		}
	}
	return out
}

// relabelVM gives every device of the VM vCenter's label (numbered kinds in key order), after
// moving CD-ROM drives off SCSI controllers.
func relabelVM(vm *simulator.VirtualMachine) {
	if vm.Config == nil {
		return
	}
	ideCdroms(vm)
	devices := append([]types.BaseVirtualDevice(nil), vm.Config.Hardware.Device...)
	sort.Slice(devices, func(i, j int) bool { return devices[i].GetVirtualDevice().Key < devices[j].GetVirtualDevice().Key })
	next := map[string]int{}
	for _, d := range devices {
		prefix, byBus := labelKind(d)
		switch {
		case prefix == "":
		case byBus:
			setLabel(d, fmt.Sprintf("%s%d", prefix, busNumber(d)))
		default:
			next[prefix]++
			setLabel(d, fmt.Sprintf("%s%d", prefix, next[prefix]))
		}
	}
}

// specDevices: what the spec removes, and the devices it adds, by key.
func specDevices(spec *types.VirtualMachineConfigSpec) (map[int32]bool, map[int32]types.BaseVirtualDevice) {
	removed, added := map[int32]bool{}, map[int32]types.BaseVirtualDevice{}
	for _, c := range spec.DeviceChange {
		s := c.GetVirtualDeviceConfigSpec()
		switch s.Operation {
		case types.VirtualDeviceConfigSpecOperationRemove:
			removed[s.Device.GetVirtualDevice().Key] = true
		case types.VirtualDeviceConfigSpecOperationAdd:
			added[s.Device.GetVirtualDevice().Key] = s.Device
		}
	}
	return removed, added
}

// labelAdds labels the devices the spec adds (smallest free number of their kind, the bus for a
// controller) and sets an added SCSI controller's own unit to 7.
func labelAdds(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) {
	removed, _ := specDevices(spec)
	used := map[string]bool{}
	for _, d := range vm.Config.Hardware.Device {
		if !removed[d.GetVirtualDevice().Key] {
			used[label(d)] = true
		}
	}
	for _, c := range spec.DeviceChange {
		s := c.GetVirtualDeviceConfigSpec()
		if s.Operation != types.VirtualDeviceConfigSpecOperationAdd {
			continue
		}
		if scsi, ok := s.Device.(types.BaseVirtualSCSIController); ok && scsi.GetVirtualSCSIController().ScsiCtlrUnitNumber == 0 {
			scsi.GetVirtualSCSIController().ScsiCtlrUnitNumber = 7
		}
		prefix, byBus := labelKind(s.Device)
		if prefix == "" || label(s.Device) != "" {
			continue
		}
		name := fmt.Sprintf("%s%d", prefix, busNumber(s.Device))
		for n := 1; !byBus; n++ {
			if name = fmt.Sprintf("%s%d", prefix, n); !used[name] {
				break
			}
		}
		used[name] = true
		setLabel(s.Device, name)
	}
}

func controllerKind(d types.BaseVirtualDevice) string {
	switch d.(type) {
	case types.BaseVirtualSCSIController:
		return "SCSI"
	case types.BaseVirtualSATAController:
		return "SATA"
	case *types.VirtualNVMEController:
		return "NVMe"
	}
	return ""
}

// deviceFault is the fault a real vCenter ends the reconfigure with for the spec's devices, or nil.
func deviceFault(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) (types.BaseMethodFault, string) {
	removed, added := specDevices(spec)
	byKey := map[int32]types.BaseVirtualDevice{}
	buses := map[string]bool{}
	for _, d := range vm.Config.Hardware.Device {
		byKey[d.GetVirtualDevice().Key] = d
		if kind := controllerKind(d); kind != "" && !removed[d.GetVirtualDevice().Key] {
			buses[fmt.Sprintf("%s%d", kind, busNumber(d))] = true
		}
	}
	moved := map[int32]int32{} // device key -> controller key the spec gives it
	for i, c := range spec.DeviceChange {
		s := c.GetVirtualDeviceConfigSpec()
		dev := s.Device.GetVirtualDevice()
		if s.Operation == types.VirtualDeviceConfigSpecOperationRemove {
			continue
		}
		moved[dev.Key] = dev.ControllerKey
		ctrl := byKey[dev.ControllerKey]
		if ctrl == nil {
			ctrl = added[dev.ControllerKey]
		}
		if _, ide := ctrl.(*types.VirtualIDEController); ide && s.Operation == types.VirtualDeviceConfigSpecOperationAdd &&
			vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
			return &types.DeviceHotPlugNotSupported{InvalidDeviceSpec: types.InvalidDeviceSpec{DeviceIndex: int32(i)}},
				fmt.Sprintf("A device cannot be added to %s while the virtual machine is %s.", label(ctrl), vm.Runtime.PowerState)
		}
		if _, scsi := ctrl.(types.BaseVirtualSCSIController); scsi && dev.UnitNumber != nil && *dev.UnitNumber == 7 {
			return &types.InvalidDeviceSpec{DeviceIndex: int32(i)},
				fmt.Sprintf("Unit number 7 of %s is reserved for the SCSI controller itself.", label(ctrl))
		}
		if ctrl != nil && dev.UnitNumber != nil {
			if f, msg := unitFault(i, ctrl, *dev.UnitNumber, vm.Config.Version); f != nil {
				return f, msg
			}
		}
		if s.Operation == types.VirtualDeviceConfigSpecOperationAdd {
			if kind := controllerKind(s.Device); kind != "" {
				bus := fmt.Sprintf("%s%d", kind, busNumber(s.Device))
				if buses[bus] {
					return &types.InvalidDeviceSpec{DeviceIndex: int32(i)},
						fmt.Sprintf("The VM already has a %s controller on bus %d.", kind, busNumber(s.Device))
				}
				buses[bus] = true
			}
		}
	}
	for i, c := range spec.DeviceChange {
		s := c.GetVirtualDeviceConfigSpec()
		key := s.Device.GetVirtualDevice().Key
		if old := byKey[key]; s.Operation == types.VirtualDeviceConfigSpecOperationRemove && old != nil &&
			vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
			if _, ide := byKey[old.GetVirtualDevice().ControllerKey].(*types.VirtualIDEController); ide {
				return &types.DeviceHotPlugNotSupported{InvalidDeviceSpec: types.InvalidDeviceSpec{DeviceIndex: int32(i)}},
					fmt.Sprintf("%s cannot be removed from an IDE controller while the virtual machine is %s.", label(old), vm.Runtime.PowerState)
			}
		}
		ctrl := byKey[key]
		if s.Operation != types.VirtualDeviceConfigSpecOperationRemove || ctrl == nil || controllerKind(ctrl) == "" {
			continue
		}
		if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
			return &types.DeviceHotPlugNotSupported{InvalidDeviceSpec: types.InvalidDeviceSpec{DeviceIndex: int32(i)}},
				fmt.Sprintf("%s cannot be removed while the virtual machine is %s.", label(ctrl), vm.Runtime.PowerState)
		}
		var attached []string
		for _, d := range vm.Config.Hardware.Device {
			dev := d.GetVirtualDevice()
			to, edited := moved[dev.Key]
			if dev.ControllerKey == key && !removed[dev.Key] && (!edited || to == key) {
				attached = append(attached, label(d))
			}
		}
		if len(attached) > 0 {
			return &types.InvalidDeviceOperation{InvalidDeviceSpec: types.InvalidDeviceSpec{DeviceIndex: int32(i)},
					BadOp: types.VirtualDeviceConfigSpecOperationRemove},
				fmt.Sprintf("%s cannot be removed: devices are attached to it (%s).", label(ctrl), strings.Join(attached, ", "))
		}
	}
	return nil, ""
}

// unitRange: the highest unit a device can take on the controller, and, when a newer hardware version
// takes more, that version and its highest unit (0 when none). From vSphere's configuration maxima and
// the vSphere VM administration guide's storage controller limits: LSI Logic, LSI Logic SAS and BusLogic
// 16 targets (0-15, 7 the controller's own); VMware Paravirtual 64 targets (0-63) from hardware version
// 14 (ESXi 6.7), 16 below; SATA (AHCI) 30 devices (0-29); IDE 0-1; NVMe 15 namespaces (0-14), 64 from
// hardware version 21 (ESXi 8.0 U2). ok is false for controllers that hold no disks or drives (PCI, PS/2...).
func unitRange(ctrl types.BaseVirtualDevice) (top int32, from int, more int32, ok bool) {
	switch ctrl.(type) {
	case *types.ParaVirtualSCSIController:
		return 15, 14, 63, true
	case types.BaseVirtualSCSIController:
		return 15, 0, 0, true
	case types.BaseVirtualSATAController:
		return 29, 0, 0, true
	case *types.VirtualNVMEController:
		return 14, 21, 63, true
	case *types.VirtualIDEController:
		return 1, 0, 0, true
	}
	return 0, 0, 0, false
}

func hardwareVersion(version string) int {
	var n int
	if _, err := fmt.Sscanf(version, "vmx-%d", &n); err != nil {
		return 0
	}
	return n
}

// unitFault: the fault vCenter ends the reconfigure with for a device (index i of the spec) at a unit
// its controller does not have on the VM's hardware version, or nil. vCenter refuses a device spec it
// cannot apply with InvalidDeviceSpec ("Invalid configuration for device '<index>'."); a device that a
// newer hardware version supports with DeviceUnsupportedForVmVersion (an InvalidDeviceSpec carrying the
// VM's current and the minimum expected version), as the vSphere API reference describes both faults.
func unitFault(i int, ctrl types.BaseVirtualDevice, unit int32, version string) (types.BaseMethodFault, string) {
	top, from, more, ok := unitRange(ctrl)
	if !ok || (unit >= 0 && unit <= top) {
		return nil, ""
	}
	if from != 0 && unit >= 0 && unit <= more {
		if hardwareVersion(version) >= from {
			return nil, ""
		}
		expected := fmt.Sprintf("vmx-%02d", from)
		return &types.DeviceUnsupportedForVmVersion{InvalidDeviceSpec: types.InvalidDeviceSpec{DeviceIndex: int32(i)},
				CurrentVersion: version, ExpectedVersion: expected},
			fmt.Sprintf("The device or operation specified at index '%d' is not supported for the current virtual machine "+
				"version '%s'. A minimum version of '%s' is required for this operation to succeed.", i, version, expected)
	}
	return &types.InvalidDeviceSpec{DeviceIndex: int32(i)},
		fmt.Sprintf("Invalid configuration for device '%d'.", i)
}
