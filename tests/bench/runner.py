"""Run one measured process: wall time, the process's own peak RSS, its JSON result, and the
lab's call counter for exactly that process."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

SPAWN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spawn.py")


def collections_root(collection):
    """A collections path holding the repo as opensphere.vsphere (a symlink is enough to import)."""
    root = os.path.join(tempfile.gettempdir(), "opensphere-bench-collections")
    link_dir = os.path.join(root, "ansible_collections", "opensphere")
    os.makedirs(link_dir, exist_ok=True)
    link = os.path.join(link_dir, "vsphere")
    if os.path.realpath(link) != str(collection):
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(str(collection), link)
    return root


def _last_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def run_process(argv, stdin_text, env, timeout=300):
    """Run ``argv`` through spawn.py; returns wall seconds, end time (epoch), peak RSS in MiB of
    that process alone, exit code, and its last JSON line."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rusage") as rusage:
        proc = subprocess.Popen([sys.executable, "-I", "-S", SPAWN, rusage.name] + argv, stdin=subprocess.PIPE,
                                stdout=out, stderr=err, env=env, start_new_session=True)
        try:
            proc.communicate(stdin_text.encode(), timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # a hung run must not hang the bench
            proc.wait()
        fields = rusage.read().split()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if len(fields) != 4:
        return {"wall": float(timeout), "end": time.time(), "rss_mb": 0.0, "rc": -1,
                "result": {"failed": True, "msg": "timed out or spawn failed: %s" % stderr[-400:]}}
    code, max_rss_kb, wall, ended = int(fields[0]), int(fields[1]), float(fields[2]), float(fields[3])
    result = _last_json(stdout)
    if result is None:
        result = {"failed": True, "msg": "no JSON (rc %s): %s" % (code, (stderr or stdout)[-400:])}
    return {"wall": wall, "end": ended, "rss_mb": max_rss_kb / 1024.0, "rc": code, "result": result}


def measure(case, lab, python, env):
    """Prepare, reset the counter, run the case once, read the counter."""
    case.prepare(lab)
    argv, stdin_text, extra = case.command(python, lab)
    lab.reset_calls()
    run = run_process(argv, stdin_text, dict(env, **extra))
    calls = lab.calls()
    run["calls"] = calls["total"]
    run["by_method"] = calls["by_method"]
    run["error"] = case.check(run["result"])
    return run
