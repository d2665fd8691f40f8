#!/usr/bin/env python3
"""triage side by side with the peers (DuckDB, Polars) and the floors (cat, csv-crate parse).

Every tool runs on the same file in one session, `runs` times, round-robin so that machine
noise spreads over all of them; wall clock, peak RSS and disk reads come from /usr/bin/time -v;
the table gives medians and the ratios the scale targets are stated in.

The targets are for a warm cache, so the file is read through once (`cat`, not timed) before
every run: this machine's kernel pages out memory that has not been touched for some seconds
(DAMON), page cache included, and a tool started after a peer's long run would otherwise read
part of the file from disk. The disk-reads column shows what each run still read from disk.

Usage (see BENCHMARKS.md for the setup):
  python3 benches/side_by_side.py --peers ../shared/peers --floor FLOOR_BIN \
      --triage target/release/triage --runs 3 data/inv_1m.csv data/inv_10m.csv
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile


def timed(cmd):
    """Wall seconds, peak RSS (KiB) and disk reads (KiB) of one run of cmd, output discarded."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *cmd], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = report.read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    # Blocks of 512 bytes read from the file system (not from the page cache).
    inputs = int(re.search(r"File system inputs: (\d+)", text).group(1))
    return hours * 3600 + minutes * 60 + seconds, rss, inputs / 2


def warm(path):
    """Reads `path` through, so that the next run finds all of it in the page cache."""
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)


def clear(out, path):
    """Deletes the tools' outputs of earlier runs on `path` (named after it), outside the timing."""
    stem = os.path.splitext(os.path.basename(path))[0] + "."
    for name in os.listdir(out):
        if name.startswith(stem) and os.path.isfile(os.path.join(out, name)):
            os.remove(os.path.join(out, name))


def tools(path, args, out):
    py, stem = sys.executable, os.path.join(out, os.path.splitext(os.path.basename(path))[0])
    return {
        "cat": ["cat", path],
        "csv crate parse, 1 thread (floor)": [args.floor, path, "1"],
        "csv crate parse, 2 threads (floor)": [args.floor, path, "2"],
        "DuckDB": [py, os.path.join(args.peers, "pipeline_duckdb.py"), path, stem + ".duckdb"],
        "Polars": [py, os.path.join(args.peers, "pipeline_polars.py"), path, stem + ".polars"],
        "triage": [args.triage, "run", path, "--only-selected", "--format", "csv", "--quiet",
                   "-o", stem + ".triage.csv"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv", nargs="+")
    ap.add_argument("--peers", required=True, help="the peers folder (pipelines)")
    ap.add_argument("--floor", required=True, help="the csvfloor binary built from peers/floor")
    ap.add_argument("--triage", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=tempfile.mkdtemp(prefix="triage-bench-"))
    a = ap.parse_args()
    print("| file | tool | wall median s | peak RSS MiB | disk reads KiB | vs faster peer "
          "| vs 2-thread floor |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for path in a.csv:
        cmds = tools(path, a, a.out)
        runs = {name: [] for name in cmds}
        for _ in range(a.runs):
            for name, cmd in cmds.items():
                clear(a.out, path)  # no tool pays for unlinking the last run's output
                warm(path)  # nor for reading the file from disk
                runs[name].append(timed(cmd))
        wall = {n: statistics.median(x[0] for x in r) for n, r in runs.items()}
        rss = {n: statistics.median(x[1] for x in r) / 1024 for n, r in runs.items()}
        disk = {n: statistics.median(x[2] for x in r) for n, r in runs.items()}
        peer = min(wall["DuckDB"], wall["Polars"])
        floor = wall["csv crate parse, 2 threads (floor)"]
        for name in cmds:
            print(f"| {os.path.basename(path)} | {name} | {wall[name]:.2f} | {rss[name]:,.0f} | "
                  f"{disk[name]:,.0f} | {peer / wall[name]:.2f}x | {wall[name] / floor:.2f} |",
                  flush=True)

if __name__ == "__main__":
    main()
