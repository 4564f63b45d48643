"""Start-up of the engine in a fresh process: time to import it and to analyse a first name, and memory after.

    python benchmarks/startup_memory.py
"""
import resource, sys, time
t0 = time.perf_counter()
from screening.engine.normalize import analyze
t1 = time.perf_counter()
analyze("John Smith")
t2 = time.perf_counter()
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"import {t1 - t0:.2f} s, first analyze {t2 - t1:.2f} s, RSS {rss:.0f} MB, peak {peak:.0f} MB")
