#!/usr/bin/env python
"""Do both cores pull their weight? One population on one JAX device and on two.

What
    Times the evaluation of one full-length population (the paper's model and task
    settings, one lifetime per member, `lndp.bench`'s population) in fresh processes,
    alternating between ways of using the machine's cores, round after round, so that
    slow drifts of the machine hit every way alike:

      1 device               XLA_FLAGS=--xla_force_host_platform_device_count=1
      1 device, one core     the same, pinned to core 0 with taskset
      2 devices              --xla_force_host_platform_device_count=2
      2 devices, no Eigen threads   … plus --xla_cpu_multi_thread_eigen=false

    Each process reports the median of `--repeats` timed calls after the compiling one
    (`lndp.bench._timed`) and a checksum of the results: every way must compute the same
    numbers. The JSON holds every row, the median per way over the rounds, and the
    ratios of the median one-device times to the median two-device times.

Usage (nothing else running: pause the run queues first)
    python tools/bench_devices.py --task cartpole --popsize 64 --rounds 3 \
        --json benchmarks/two-devices.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

WAYS = {  # name → (XLA_FLAGS, pinned to core 0)
    "1 device": ("--xla_force_host_platform_device_count=1", False),
    "1 device, one core": ("--xla_force_host_platform_device_count=1", True),
    "2 devices": ("--xla_force_host_platform_device_count=2", False),
    "2 devices, no Eigen threads": ("--xla_force_host_platform_device_count=2 "
                                    "--xla_cpu_multi_thread_eigen=false", False),
}


def _child(task: str, popsize: int, repeats: int) -> None:
    """Run in a fresh process: time the evaluation, print one JSON line."""
    import hashlib

    import jax
    import numpy as np

    from lndp.bench import _timed, bench_population

    _, _, evaluate, population, key = bench_population(task, popsize)
    first, seconds = _timed(evaluate, population, key, repeats=repeats)
    leaves = [np.asarray(x) for x in jax.tree.leaves(evaluate(population, key))]
    checksum = hashlib.sha256(b"".join(x.tobytes() for x in leaves)).hexdigest()[:16]
    print(json.dumps({"devices": len(jax.devices()), "eval_seconds": seconds,
                      "first_call_seconds": first, "results_sha256": checksum}), flush=True)


def _measure(way: str, task: str, popsize: int, repeats: int) -> dict:
    flags, pinned = WAYS[way]
    command = [sys.executable, __file__, "--child", "--task", task, "--popsize",
               str(popsize), "--repeats", str(repeats)]
    if pinned:
        command = ["taskset", "-c", "0", *command]
    done = subprocess.run(command, env={**os.environ, "XLA_FLAGS": flags},
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"error: {way}: the timing process failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="cartpole")
    parser.add_argument("--popsize", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per process")
    parser.add_argument("--json", help="write the numbers to this JSON file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.task, args.popsize, args.repeats)
        return 0
    if args.rounds < 1 or args.repeats < 1:
        parser.error("--rounds and --repeats: at least 1")
    if shutil.which("taskset") is None:
        parser.error("taskset (util-linux) is needed to pin the one-core way")
    rows = []
    for round_ in range(1, args.rounds + 1):
        for way in WAYS:
            row = {"round": round_, "way": way, **_measure(way, args.task, args.popsize,
                                                           args.repeats)}
            rows.append(row)
            print(f"round {round_}, {way}: {row['eval_seconds']:.3f} s", flush=True)
    medians = {way: statistics.median(r["eval_seconds"] for r in rows if r["way"] == way)
               for way in WAYS}
    ratios = {f"{one} / {two}": medians[one] / medians[two]
              for one in ("1 device", "1 device, one core")
              for two in ("2 devices", "2 devices, no Eigen threads")}
    identical = len({r["results_sha256"] for r in rows}) == 1
    report = {"task": args.task, "popsize": args.popsize, "rounds": args.rounds,
              "repeats": args.repeats,
              "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count()},
              "rows": rows, "median_eval_seconds": medians, "speedup": ratios,
              "identical_results": identical,
              "command": "python tools/bench_devices.py " + " ".join(argv or sys.argv[1:])}
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}×")
    print("every way computed the same numbers" if identical else
          "WARNING: the ways computed different numbers")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
