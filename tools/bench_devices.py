#!/usr/bin/env python
"""Ways of running one population side by side: device counts, XLA flags, group sizes.

What
    Times the evaluation of one full-length population (the paper's model and task
    settings, one lifetime per member, `lndp.bench`'s population) in fresh processes,
    alternating between ways of running it, round after round, so that slow drifts of the
    machine hit every way alike. `--ways devices` (the default) asks whether both cores
    pull their weight:

      1 device               XLA_FLAGS=--xla_force_host_platform_device_count=1
      1 device, one core     the same, pinned to core 0 with taskset
      2 devices              --xla_force_host_platform_device_count=2
      2 devices, no Eigen threads   … plus --xla_cpu_multi_thread_eigen=false

    `--ways engine` compares, on 2 devices, XLA CPU options that might run the same model
    faster (512-bit vectors; XNNPACK off; YNNPACK without dots) and the size of the groups each
    device evaluates its members in (`lndp.train.EVAL_GROUPS`: pairs on CartPole, which pay
    off when episodes end early; here every episode runs its full length).

    Each process reports the median of `--repeats` timed calls after the compiling one
    (`lndp.bench._timed`) and a checksum of the results: every way must compute the same
    numbers (an option that changes them is reported, never adopted). The JSON holds every
    row, the median per way over the rounds, and ratios of medians.

Usage (nothing else running: stop the run queues first)
    python tools/bench_devices.py --task cartpole --popsize 64 --rounds 3 \
        --json benchmarks/two-devices.json
    python tools/bench_devices.py --ways engine --task cartpole --popsize 64 --rounds 2 \
        --json benchmarks/engine-options.json
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

TWO = "--xla_force_host_platform_device_count=2"
#: way sets: name → (XLA_FLAGS, pinned to core 0, group size: "training", None = whole)
WAY_SETS = {
    "devices": {
        "1 device": ("--xla_force_host_platform_device_count=1", False, "training"),
        "1 device, one core": ("--xla_force_host_platform_device_count=1", True, "training"),
        "2 devices": (TWO, False, "training"),
        "2 devices, no Eigen threads": (f"{TWO} --xla_cpu_multi_thread_eigen=false", False,
                                        "training"),
    },
    "engine": {
        "2 devices": (TWO, False, "training"),
        "512-bit vectors": (f"{TWO} --xla_cpu_prefer_vector_width=512", False, "training"),
        "XNNPACK off": (f"{TWO} --xla_cpu_use_xnnpack=false", False, "training"),
        "YNNPACK without dots": (f"{TWO} --xla_cpu_experimental_ynn_fusion_type=-dot", False,
                                 "training"),
        "groups of 1": (TWO, False, 1),
        "groups of 4": (TWO, False, 4),
        "whole population per device": (TWO, False, None),
    },
}
#: per way set, the ratios reported: (numerator way, denominator way), both medians
RATIOS = {
    "devices": [(one, two) for one in ("1 device", "1 device, one core")
                for two in ("2 devices", "2 devices, no Eigen threads")],
    "engine": [("2 devices", way) for way in WAY_SETS["engine"] if way != "2 devices"],
}


def _child(task: str, popsize: int, repeats: int, group: int | None | str) -> None:
    """Run in a fresh process: time the evaluation, print one JSON line."""
    import hashlib

    import jax
    import numpy as np

    from lndp.bench import _timed, bench_population

    _, _, evaluate, population, key = bench_population(task, popsize, group)
    first, seconds, out = _timed(evaluate, population, key, repeats=repeats)
    leaves = [np.asarray(x) for x in jax.tree.leaves(out)]
    checksum = hashlib.sha256(b"".join(x.tobytes() for x in leaves)).hexdigest()[:16]
    print(json.dumps({"devices": len(jax.devices()), "eval_seconds": seconds,
                      "first_call_seconds": first, "results_sha256": checksum}), flush=True)


def _measure(ways: str, way: str, task: str, popsize: int, repeats: int) -> dict:
    flags, pinned, group = WAY_SETS[ways][way]
    command = [sys.executable, __file__, "--child", "--task", task, "--popsize",
               str(popsize), "--repeats", str(repeats), "--group", json.dumps(group)]
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
    parser.add_argument("--ways", default="devices", choices=list(WAY_SETS),
                        help="which set of ways to compare (see above)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--group", default='"training"', type=json.loads,
                        help=argparse.SUPPRESS)  # JSON: "training", null or a size
    args = parser.parse_args(argv)
    if args.child:
        _child(args.task, args.popsize, args.repeats, args.group)
        return 0
    if args.rounds < 1 or args.repeats < 1:
        parser.error("--rounds and --repeats: at least 1")
    ways = WAY_SETS[args.ways]
    if any(pinned for _, pinned, _ in ways.values()) and shutil.which("taskset") is None:
        parser.error("taskset (util-linux) is needed to pin the one-core way")
    rows = []
    for round_ in range(1, args.rounds + 1):
        for way in ways:
            row = {"round": round_, "way": way, **_measure(args.ways, way, args.task,
                                                           args.popsize, args.repeats)}
            rows.append(row)
            print(f"round {round_}, {way}: {row['eval_seconds']:.3f} s", flush=True)
    medians = {way: statistics.median(r["eval_seconds"] for r in rows if r["way"] == way)
               for way in ways}
    ratios = {f"{one} / {two}": medians[one] / medians[two] for one, two in RATIOS[args.ways]}
    first = rows[0]["results_sha256"]
    same = {way: all(r["results_sha256"] == first for r in rows if r["way"] == way)
            for way in ways}
    identical = all(same.values())
    report = {"ways": args.ways, "flags": {w: f for w, (f, _, _) in ways.items()},
              "groups": {w: g for w, (_, _, g) in ways.items()}, "task": args.task,
              "popsize": args.popsize, "rounds": args.rounds,
              "repeats": args.repeats,
              "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count()},
              "rows": rows, "median_eval_seconds": medians, "speedup": ratios,
              "identical_results": identical, "same_numbers_as_first_way": same,
              "command": "python tools/bench_devices.py " + " ".join(argv or sys.argv[1:])}
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}×")
    print("every way computed the same numbers" if identical else
          "these ways computed other numbers than the first: "
          + ", ".join(way for way, ok in same.items() if not ok))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")
    # every way of using the devices must agree; an engine option that changes the numbers
    # is a finding (it may not be adopted), not a failure of the measurement
    return 0 if identical or args.ways != "devices" else 1


if __name__ == "__main__":
    sys.exit(main())
