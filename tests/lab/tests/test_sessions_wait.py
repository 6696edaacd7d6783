"""Several sessions waiting at once are each told of their own task's end."""
import threading
import time

from pyVmomi import vim, vmodl

from conftest import find_vm, Disconnect

PC = vmodl.query.PropertyCollector


def wait_root(si, task, timeout):
    """Wait the way the modules do: a filter on the session's root collector, WaitForUpdatesEx."""
    pc = si.content.propertyCollector
    spec = PC.FilterSpec(objectSet=[PC.ObjectSpec(obj=task)],
                         propSet=[PC.PropertySpec(type=vim.Task, pathSet=["info.state"])])
    flt = pc.CreateFilter(spec, False)
    version, state, deadline = "", None, time.monotonic() + timeout
    while state not in ("success", "error") and time.monotonic() < deadline:
        upd = pc.WaitForUpdatesEx(version, PC.WaitOptions(maxWaitSeconds=1 if version else 0))
        if upd is None:
            continue
        version = upd.version
        for fs in upd.filterSet or []:
            if fs.filter._moId != flt._moId:
                continue
            for o in fs.objectSet:
                for ch in o.changeSet:
                    state = ch.val
    return state


def test_eight_sessions_each_see_their_task_end(fresh):
    fresh.ctl("POST", "delay", {"tasks": {"ReconfigVm": 600}})
    names = ["DC0_H0_VM0", "DC0_H0_VM1", "DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1"]
    sessions = [fresh.connect() for _session in range(8)]
    start = threading.Barrier(8)
    results = [None] * 8

    def run(i):
        si = sessions[i]
        vm = find_vm(si, names[i % 4])
        start.wait()
        t0 = time.monotonic()
        task = vm.ReconfigVM_Task(vim.vm.ConfigSpec(annotation="session %d" % i))
        results[i] = (wait_root(si, task, timeout=6), time.monotonic() - t0)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for si in sessions:
        Disconnect(si)
    states = [r[0] for r in results]
    assert states == ["success"] * 8, results
    # each wait ends with its task (600 ms of delay), not at a long-poll's end or the timeout
    assert max(r[1] for r in results) < 3.0, results
    # the delay key really held the tasks
    assert min(r[1] for r in results) >= 0.55, results


def test_logged_out_sessions_stop_listening(fresh):
    si = fresh.connect()
    vm = find_vm(si, "DC0_H0_VM0")
    assert wait_root(si, vm.ReconfigVM_Task(vim.vm.ConfigSpec(annotation="x")), timeout=5) == "success"
    assert fresh.ctl("GET", "collectors") == {"listening_sessions": 1}
    Disconnect(si)
    assert fresh.ctl("GET", "collectors") == {"listening_sessions": 0}
    # a terminated session is dropped when the next one starts waiting
    a = fresh.connect()
    assert wait_root(a, find_vm(a, "DC0_H0_VM1").ReconfigVM_Task(vim.vm.ConfigSpec(annotation="a")), 5) == "success"
    fresh.ctl("POST", "sessions/terminate")
    b = fresh.connect()
    assert wait_root(b, find_vm(b, "DC0_H0_VM1").ReconfigVM_Task(vim.vm.ConfigSpec(annotation="b")), 5) == "success"
    assert fresh.ctl("GET", "collectors") == {"listening_sessions": 1}
    Disconnect(b)
