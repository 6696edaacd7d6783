package main

// EnvironmentBrowser.QueryConfigOption(Ex): vcsim's guest OS descriptors leave the required
// type-name fields (recommendedDiskController, recommendedCdromController) empty, and pyVmomi
// cannot read the answer. The lab fills them (and the firmware fields) as an ESXi host reports
// them for a generic guest, the allocation options' default share level and the default adapters' share level (empty too); the descriptor list itself (vcsim's guest ids, filtered by the
// query's guestId) is unchanged.

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func fillGuestDescriptors(opt *types.VirtualMachineConfigOption) {
	if opt == nil {
		return
	}
	for _, a := range []*types.ResourceAllocationOption{&opt.HardwareOptions.ResourceConfigOption.CpuAllocationOption,
		&opt.HardwareOptions.ResourceConfigOption.MemoryAllocationOption} {
		if a.SharesOption.DefaultLevel == "" {
			a.SharesOption.DefaultLevel = types.SharesLevelNormal
		}
	}
	for _, d := range opt.DefaultDevice {
		if card, ok := d.(types.BaseVirtualEthernetCard); ok {
			if a := card.GetVirtualEthernetCard().ResourceAllocation; a != nil && a.Share.Level == "" {
				a.Share.Level = types.SharesLevelNormal
			}
		}
	}
	for i := range opt.GuestOSDescriptor {
		d := &opt.GuestOSDescriptor[i]
		if d.FullName == "" {
			d.FullName = d.Id
		}
		if d.RecommendedDiskController == "" {
			d.RecommendedDiskController = "ParaVirtualSCSIController"
		}
		if d.RecommendedCdromController == "" {
			d.RecommendedCdromController = "VirtualIDEController"
		}
		if len(d.SupportedFirmware) == 0 {
			d.SupportedFirmware = []string{"bios", "efi"}
		}
		if d.RecommendedFirmware == "" {
			d.RecommendedFirmware = "bios"
		}
		if d.SupportLevel == "" {
			d.SupportLevel = "supported"
		}
	}
}

func configOptionHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	b, ok := ctx.Map.Get(m.This).(*simulator.EnvironmentBrowser)
	if !ok {
		return nil
	}
	switch req := m.Body.(type) {
	case *types.QueryConfigOptionEx:
		res := b.QueryConfigOptionEx(req)
		if body, ok := res.(*methods.QueryConfigOptionExBody); ok && body.Res != nil {
			fillGuestDescriptors(body.Res.Returnval)
		}
		return res
	case *types.QueryConfigOption:
		res := b.QueryConfigOption(req)
		if body, ok := res.(*methods.QueryConfigOptionBody); ok && body.Res != nil {
			fillGuestDescriptors(body.Res.Returnval)
		}
		return res
	}
	return nil
}

func init() {
	registerExtension("configoption", func(l *Lab) {
		l.HandleSOAP("QueryConfigOptionEx", configOptionHook)
		l.HandleSOAP("QueryConfigOption", configOptionHook)
	})
}
