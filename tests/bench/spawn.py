"""Run a command and record its own rusage: spawn.py RESULT_FILE ARGV...

The bench's parent process holds pyVmomi and requests; a child forked from it would start
with the parent's pages counted in its peak RSS. This launcher is a bare interpreter (run
with -I -S), so the command's ru_maxrss is its own. Writes "exit_code max_rss_kb wall_s end_epoch".
"""
import os
import sys
import time


def main():
    result_file, argv = sys.argv[1], sys.argv[2:]
    began = time.monotonic()
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _pid, status, usage = os.wait4(pid, 0)
    wall, ended = time.monotonic() - began, time.time()
    with open(result_file, "w") as out:
        out.write("%d %d %.6f %.6f\n" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss, wall, ended))


if __name__ == "__main__":
    main()
