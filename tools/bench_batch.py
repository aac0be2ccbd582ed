"""Throughput of k runs in one program (lndp.batch) against one run at a time.

    python tools/bench_batch.py [--task foraging] [--ks 1 2 4 8] [--generations 5]
                                [--json benchmarks/batch-throughput.json]

For each k, k seeds of the task's `cpu` preset (popsize 64) train as one program on all
devices: one generation to compile, then `--generations` timed ones (wall time of the whole
batch generation, ES included). Reports seconds per batch generation and
run-generations per second, and the speed-up of k runs together over k = 1. Run it on a
quiet machine: the queues would make the numbers noise.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="foraging")
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--generations", type=int, default=5)
    parser.add_argument("--json", default="benchmarks/batch-throughput.json")
    args = parser.parse_args()

    import lndp  # noqa: F401  (every CPU core becomes a device)
    import jax

    from lndp.batch import BatchTrainer
    from lndp.config import preset
    from lndp.provenance import code_hash, machine

    rows = []
    for k in args.ks:
        batch = BatchTrainer([preset(args.task, "cpu", **{"train.seed": s}) for s in range(k)])
        states = [t.init() for t in batch.trainers]
        states, _ = batch.step(states)  # compile
        start = time.perf_counter()
        for _ in range(args.generations):
            states, _ = batch.step(states)
        seconds = (time.perf_counter() - start) / args.generations
        rows.append({"k": k, "seconds_per_batch_generation": seconds,
                     "run_generations_per_second": k / seconds})
        print(f"k = {k}: {seconds:.3f} s per batch generation, "
              f"{k / seconds:.2f} run-generations/s", flush=True)
    base = rows[0]["run_generations_per_second"]
    for row in rows:
        row["speedup_over_k1"] = row["run_generations_per_second"] / base
    report = {"what": f"tools/bench_batch.py: {args.task} at the cpu preset (popsize "
                      f"{batch.popsize}), k seeds as one program, {args.generations} timed "
                      "generations after one compiling generation",
              "machine": machine(), "devices": jax.device_count(), "code_hash": code_hash(),
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "rows": rows}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
