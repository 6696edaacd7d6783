package main

// Datastore clusters (StoragePod), where vcsim's differs from vCenter (an extension):
// ConfigureStorageDrsForPod_Task's task names the StorageResourceManager as its entity, which
// is not a ManagedEntity (pyVmomi cannot read such a task's info); on vCenter the task's
// entity is the pod being configured. The lab lets vcsim run the task and then names the pod.

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func init() {
	registerExtension("storage-pod", func(l *Lab) {
		l.HandleSOAP("ConfigureStorageDrsForPod_Task", func(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
			req := m.Body.(*types.ConfigureStorageDrsForPod_Task)
			srm, ok := ctx.Map.Get(req.This).(*simulator.StorageResourceManager)
			if !ok {
				return nil
			}
			pod, ok := ctx.Map.Get(req.Pod).(*simulator.StoragePod)
			if !ok {
				return soapFault("The object has already been deleted or has not been completely created",
					&types.ManagedObjectNotFound{Obj: req.Pod})
			}
			var res soap.HasFault
			ctx.WithLock(srm, func() { res = srm.ConfigureStorageDrsForPodTask(ctx, req) })
			body, ok := res.(*methods.ConfigureStorageDrsForPod_TaskBody)
			if !ok || body.Res == nil {
				return res
			}
			if task, ok := ctx.Map.Get(body.Res.Returnval).(*simulator.Task); ok {
				ctx.WithLock(task, func() {
					ref := pod.Self
					task.Info.Entity, task.Info.EntityName = &ref, pod.Name
				})
			}
			return res
		})
	})
}
