#!/usr/bin/env python3
# Runs one command and reports what it cost, as JSON on the file named by the
# first argument: wall time, CPU time and peak RSS of the command and every
# process it waited for (getrusage(RUSAGE_CHILDREN) covers the whole tree: a
# shell loop of kubectl calls is measured with its kubectl processes).
# Node cannot read a child's rusage; python's resource module can.
import json, resource, subprocess, sys, time

result_file, command = sys.argv[1], sys.argv[3:]  # argv[2] is '--'
start = time.perf_counter()
completed = subprocess.run(command)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(result_file, 'w') as out:
    json.dump({
        'wallMs': wall * 1000,
        'cpuMs': (usage.ru_utime + usage.ru_stime) * 1000,
        'peakRssMb': usage.ru_maxrss / 1024,  # Linux reports kilobytes
        'exitCode': completed.returncode,
    }, out)
sys.exit(0)
