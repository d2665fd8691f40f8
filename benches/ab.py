#!/usr/bin/env python3
"""Interleaved runs of several triage builds on one inventory: median wall, CPU, peak RSS.

On a noisy machine a change is only visible when the builds alternate run by run.

Usage: python3 benches/ab.py RUNS INVENTORY BUILD [BUILD...]
Each BUILD runs `BUILD run INVENTORY --only-selected -f csv -o <temp file>`.
"""
import os
import statistics
import subprocess
import sys
import tempfile


def main():
    runs, inventory, builds = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    results = {b: [] for b in builds}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "listing.csv")
        for _ in range(runs):
            for b in builds:
                if os.path.exists(out):
                    os.remove(out)  # unlinking the last run's listing is not the build's work
                cmd = ["/usr/bin/time", "-f", "%e %U %S %M",
                       b, "run", inventory, "--only-selected", "-f", "csv", "-o", out]
                p = subprocess.run(cmd, capture_output=True, text=True, check=True)
                wall, user, system, rss = p.stderr.strip().splitlines()[-1].split()
                results[b].append((float(wall), float(user) + float(system), int(rss) / 1024))
    for b, xs in results.items():
        wall = statistics.median(x[0] for x in xs)
        cpu = statistics.median(x[1] for x in xs)
        rss = statistics.median(x[2] for x in xs)
        print(f"{b}: wall {wall:.2f} s, cpu {cpu:.2f} s, peak RSS {rss:.0f} MiB, "
              f"walls {[x[0] for x in xs]}")


if __name__ == "__main__":
    main()
