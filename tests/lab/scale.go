package main

// Large inventories. vcsim's Model.Create makes its VMs one after the other and
// awaits each CreateVM and PowerOn task with a PropertyCollector whose wait loop
// ticks every 20 ms, so 10,000 VMs took well over five minutes while the CPU
// stayed mostly idle. The lab lets the model build the first VMs of each pool
// (the VPX default layout and names) and clones the rest from them with many
// clones in flight, which overlaps those waits.

import (
	"context"
	"fmt"
	"sync"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// seedMachines is how many VMs per pool the model itself creates before cloning takes over.
const seedMachines = 2

// cloneWorkers is how many clones run at once (each with its own source VM and folder).
const cloneWorkers = 32

// growInventory clones the seed VMs until each pool holds `per[prefix]` VMs.
//
// Two vcsim limits shape it: a clone holds its source VM's lock while it runs
// (clones of one source run one at a time), and concurrent clones into one
// folder race in vcsim's duplicate-name check (it panics reading a VM that is
// still being created). So the first wave clones a few sources one by one into
// the datacenter's VM folder, and the second gives each worker its own source
// and its own folder (bulk-NN) for the rest. The VMs keep the VPX names
// (<pool prefix><i>); from the first wave on they spread over the bulk folders.
func growInventory(m *simulator.Model, per map[string]int) error {
	ctx := context.Background()
	c, err := vim25.NewClient(ctx, m.Service)
	if err != nil {
		return err
	}
	seeds := map[string][]*object.VirtualMachine{}
	var vmFolder *object.Folder
	for prefix := range per {
		for i := 0; i < seedMachines; i++ {
			vm := findVM(m, fmt.Sprintf("%s%d", prefix, i))
			if vm == nil {
				return fmt.Errorf("seed VM %s%d not found", prefix, i)
			}
			seeds[prefix] = append(seeds[prefix], object.NewVirtualMachine(c, vm.Reference()))
			vmFolder = object.NewFolder(c, *vm.Parent)
		}
	}
	// wave 1: one at a time, sources for the workers
	lanes := cloneWorkers / len(per)
	next := map[string]int{}
	for prefix, want := range per {
		next[prefix] = seedMachines
		for ; next[prefix] < min(want, lanes); next[prefix]++ {
			name := fmt.Sprintf("%s%d", prefix, next[prefix])
			ref, err := cloneOne(ctx, m, seeds[prefix][0], vmFolder, name)
			if err != nil {
				return err
			}
			seeds[prefix] = append(seeds[prefix], object.NewVirtualMachine(c, ref))
		}
	}
	// wave 2: one worker per (pool, lane), each with its own source and folder
	var wg sync.WaitGroup
	errs := make(chan error, cloneWorkers)
	lane := 0
	for prefix, want := range per {
		names := make([][]string, len(seeds[prefix]))
		for i := next[prefix]; i < want; i++ {
			k := i % len(names)
			names[k] = append(names[k], fmt.Sprintf("%s%d", prefix, i))
		}
		for k, batch := range names {
			if len(batch) == 0 {
				continue
			}
			folder, err := vmFolder.CreateFolder(ctx, fmt.Sprintf("bulk-%02d", lane))
			if err != nil {
				return err
			}
			lane++
			wg.Add(1)
			go func(source *object.VirtualMachine, folder *object.Folder, batch []string) {
				defer wg.Done()
				for _, name := range batch {
					if _, err := cloneOne(ctx, m, source, folder, name); err != nil {
						errs <- err
						return
					}
				}
			}(seeds[prefix][k], folder, batch)
		}
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func cloneOne(ctx context.Context, m *simulator.Model, source *object.VirtualMachine, folder *object.Folder, name string) (types.ManagedObjectReference, error) {
	task, err := source.Clone(ctx, folder, name, types.VirtualMachineCloneSpec{PowerOn: true})
	if err != nil {
		return types.ManagedObjectReference{}, fmt.Errorf("clone %s: %w", name, err)
	}
	ref, err := awaitTask(m, task.Reference())
	if err != nil {
		return ref, fmt.Errorf("clone %s: %w", name, err)
	}
	return ref, nil
}

// awaitTask waits on the simulator's own task object: a PropertyCollector wait
// would deep-copy the task through XML on every tick, a third of the build's CPU.
func awaitTask(m *simulator.Model, ref types.ManagedObjectReference) (types.ManagedObjectReference, error) {
	task, ok := m.Map().Get(ref).(*simulator.Task)
	if !ok {
		return ref, fmt.Errorf("task %s not found", ref.Value)
	}
	task.Wait()
	if task.Info.State == types.TaskInfoStateError && task.Info.Error != nil {
		return ref, fmt.Errorf("%s: %s", ref.Value, task.Info.Error.LocalizedMessage)
	}
	result, _ := task.Info.Result.(types.ManagedObjectReference)
	return result, nil
}

func findVM(m *simulator.Model, name string) *simulator.VirtualMachine {
	for _, e := range m.Map().All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok && vm.Name == name {
			return vm
		}
	}
	return nil
}
