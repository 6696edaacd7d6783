"""What the bench measures: one changing task per module, plus the floors to compare them with.

A case brings the lab to its "before" state out of band (prepare), then the measured process
makes exactly one change. ``task`` names the vcsim task whose delay the 2 s scenario sets, and
``budget`` is ``(calls, unit, long-polls)``: the exact number of API calls the task costs besides
WaitForUpdatesEx (a fresh login included), and the most long-polls it may need (a task can end before
the first one returns or need one more, so their number depends on timing, not on the code).
"""

import json
from pathlib import Path

from pyVmomi import vim

COLLECTION = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
VM = "DC0_H0_VM0"
SERVICE = "vmcam"  # MANUAL and STOPPED in the lab's service table


class Case:
    label = ""
    module = None      # collection module name; None for a floor
    task = None        # vcsim task name for the task-delay scenario (SOAP tasks only)
    budget = None      # (exact calls besides long-polls, unit, max long-polls)
    kind = "module"    # module | floor
    variant = False    # another way to run an earlier case's operation (no floor of its own)

    def args(self, lab):
        raise NotImplementedError

    def prepare(self, lab):
        """Bring the lab to the state before the change (not measured, not counted)."""

    def check(self, result):
        """An error message when the run did not do its job, else None."""
        if result.get("failed"):
            return result.get("msg", "failed")
        if result.get("changed") is False:
            return "reported no change"
        return None

    def available(self):
        if self.module is None:
            return True
        return (COLLECTION / "plugins" / "modules" / (self.module + ".py")).is_file()

    def command(self, python, lab):
        """(argv, stdin, extra env): the module as Ansible runs it, its args JSON on stdin
        (so the password never shows in a process list)."""
        args = dict(lab.module_connection(), **self.args(lab))
        return ([python, "-m", "ansible_collections.opensphere.vsphere.plugins.modules." + self.module],
                json.dumps({"ANSIBLE_MODULE_ARGS": args}), {})


# --- preparation helpers ------------------------------------------------------------------------
def power(lab, want):
    vm = lab.vm(VM)
    state = vm.runtime.powerState
    if want == "on" and state != vim.VirtualMachinePowerState.poweredOn:
        lab.run_task(vm.PowerOnVM_Task())
    if want == "off" and state != vim.VirtualMachinePowerState.poweredOff:
        lab.run_task(vm.PowerOffVM_Task())
    return vm


class PowerOff(Case):
    label = "vm_power: power off"
    module = "vm_power"
    task = "PowerOff"
    # login 2, the VM list 3 (REST login, list, logout), read, power-off, the task's filter, logout
    budget = (9, "calls", 3)

    def args(self, lab):
        return {"name": VM, "state": "powered-off"}

    def prepare(self, lab):
        power(lab, "on")


class PowerOffInFolder(PowerOff):
    """The same power-off with the VM's folder given: the lookup is an inventory path."""
    label = "vm_power: power off, name + folder"
    variant = True
    budget = (7, "calls", 3)  # FindByInventoryPath instead of the VM list's 3

    def args(self, lab):
        return {"name": VM, "folder": "/DC0/vm", "state": "powered-off"}


class PowerOffNoop(PowerOff):
    """The no-op re-run: the VM is already off, the module only finds and reads it."""
    label = "vm_power: no-op re-run (already off)"
    variant = True
    task = None  # no task runs
    budget = (7, "calls", 0)  # login 2, the VM list 3, read, logout

    def prepare(self, lab):
        power(lab, "off")

    def check(self, result):
        if result.get("failed"):
            return result.get("msg", "failed")
        return "reported a change" if result.get("changed") else None


class PowerOffNoopInFolder(PowerOffNoop):
    label = "vm_power: no-op re-run, name + folder"
    budget = (5, "calls", 0)

    def args(self, lab):
        return {"name": VM, "folder": "/DC0/vm", "state": "powered-off"}


class SnapshotCreate(Case):
    label = "vm_snapshot: create"
    module = "vm_snapshot"
    task = "CreateSnapshotEx"
    budget = (9, "calls", 3)

    def args(self, lab):
        return {"name": VM, "snapshot_name": "bench", "state": "present"}

    def prepare(self, lab):
        vm = lab.vm(VM)
        if vm.snapshot is not None:
            lab.run_task(vm.RemoveAllSnapshots_Task())


class SnapshotCreateInFolder(SnapshotCreate):
    label = "vm_snapshot: create, name + folder"
    variant = True
    budget = (7, "calls", 3)

    def args(self, lab):
        return {"name": VM, "folder": "/DC0/vm", "snapshot_name": "bench", "state": "present"}


class CpuMemory(Case):
    label = "vm_hardware: CPU + memory"
    module = "vm_hardware"
    task = "ReconfigVm"
    budget = (10, "calls", 3)

    def args(self, lab):
        return {"name": VM, "num_cpus": 2, "memory_mb": 2048}

    def prepare(self, lab):
        vm = power(lab, "off")
        hw = vm.config.hardware
        if hw.numCPU != 1 or hw.memoryMB != 1024:
            lab.run_task(vm.ReconfigVM_Task(vim.vm.ConfigSpec(numCPUs=1, memoryMB=1024)))


class ServiceStart(Case):
    label = "vcenter_service: start"
    module = "vcenter_service"
    budget = (5, "requests", 0)

    def args(self, lab):
        return {"name": SERVICE, "state": "started"}

    def prepare(self, lab):
        info = lab.rest("GET", "/vcenter/services/" + SERVICE)
        if info.get("state") != "STOPPED":
            lab.rest("POST", "/vcenter/services/%s?action=stop" % SERVICE)


class Ping(Case):
    """Floor: the cheapest module process there is (ansible.builtin.ping)."""
    label = "floor: ansible.builtin.ping"
    kind = "floor"

    def command(self, python, lab):
        return [python, "-m", "ansible.modules.ping"], '{"ANSIBLE_MODULE_ARGS": {}}', {}

    def check(self, result):
        return None if result.get("ping") == "pong" else "no pong"


class Script(Case):
    """Floor: a minimal pyVmomi script doing one case's operation (floor_script.py)."""
    kind = "floor"

    def __init__(self, of):
        self.of = of
        self.label = "floor: pyVmomi script, %s" % of.label.split(": ", 1)[1]
        self.task = of.task
        self.op = {"vm_power": "power_off", "vm_snapshot": "snapshot", "vm_hardware": "reconfig"}[of.module]

    def prepare(self, lab):
        self.of.prepare(lab)

    def command(self, python, lab):
        env = lab.env
        return ([python, str(BENCH_DIR / "floor_script.py"), self.op, env["VMWARE_HOST"], env["VMWARE_PORT"],
                 env["VMWARE_CA_PATH"], VM], "",
                {"BENCH_USER": env["VMWARE_USER"], "BENCH_PASSWORD": env["VMWARE_PASSWORD"]})

    def check(self, result):
        return None if result.get("ok") else result.get("msg", "script failed")


def all_cases():
    modules = [PowerOff(), PowerOffInFolder(), PowerOffNoop(), PowerOffNoopInFolder(), SnapshotCreate(),
               SnapshotCreateInFolder(), CpuMemory(), ServiceStart()]
    floors = [Ping()] + [Script(case) for case in modules if case.task and not case.variant]
    return modules, floors
