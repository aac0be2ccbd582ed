#!/usr/bin/env python
"""Time one population evaluation per group size, from a run's checkpoint.

What
    `lndp.train.population_evaluator` evaluates each device's members in groups whose
    episode loops end when the group's last member is done. How much that saves depends
    on how long the population's members live, so this measures it on a real population:
    the one the ES of a (partly) trained run would sample next, from its checkpoint.
    Every group size must give bitwise the same results; the script checks and says so.

Usage (one JAX device, one core, nothing else running)
    XLA_FLAGS=--xla_force_host_platform_device_count=1 taskset -c 0 \
      python tools/bench_groups.py RUN_FOLDER [RUN_FOLDER ...] --groups none,8,4,2 \
      --json benchmarks/eval-groups.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path


def measure(run: Path, groups: list[int | None], repeats: int) -> list[dict]:
    import jax
    import numpy as np

    from lndp.bench import _timed
    from lndp.study.runs import load_config
    from lndp.train import Trainer, load_checkpoint, population_evaluator

    trainer = Trainer(load_config(run))
    state = load_checkpoint(run, trainer)
    population, _ = trainer.strategy.ask(jax.random.PRNGKey(1), state.es_state,
                                         trainer.es_params)
    key = jax.random.PRNGKey(2)
    rows, first = [], None
    for group in groups:
        evaluate = jax.jit(population_evaluator(trainer.agent, trainer.config.train.popsize,
                                                trainer.mesh, group))
        _, seconds, out = _timed(evaluate, population, key, repeats=repeats)  # as lndp bench
        leaves = [np.asarray(x) for x in jax.tree.leaves(out)]
        first = first or leaves
        rows.append({"run": str(run), "task": trainer.config.task.name,
                     "generation": state.generation, "group": group,
                     "seconds": seconds, "seconds_are": f"median of {repeats} calls after "
                     "the compiling one", "identical_to_first": all(
                         np.array_equal(a, b) for a, b in zip(leaves, first)),
                     "env_steps_taken": int(np.asarray(out.env_steps).sum()),
                     "mean_return": float(np.asarray(out.episode_returns).mean())})
        print(f"{run} (generation {state.generation}), group {group}: {seconds:.3f} s, "
              f"identical: {rows[-1]['identical_to_first']}", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run folders with a checkpoint")
    parser.add_argument("--groups", default="none,8,4,2",
                        help="comma-separated group sizes; none = the whole population")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the measurements here")
    args = parser.parse_args()
    try:
        groups = [None if g == "none" else int(g) for g in args.groups.split(",")]
    except ValueError:
        print(f"error: --groups: comma-separated integers or none, got {args.groups!r}",
              file=sys.stderr)
        return 2
    missing = [str(r) for r in args.runs if not (r / "checkpoint.pkl").is_file()]
    if missing:
        print(f"error: runs: no checkpoint.pkl in {', '.join(missing)}", file=sys.stderr)
        return 2
    rows = [row for run in args.runs for row in measure(run, groups, args.repeats)]
    if args.json:
        import jax

        args.json.write_text(json.dumps({
            "machine": platform.processor() or platform.machine(), "jax": jax.__version__,
            "devices": len(jax.devices()), "measurements": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
