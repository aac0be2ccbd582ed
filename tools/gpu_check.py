"""The project's one GPU check: speed at popsize 256, then Foraging at the paper's scale.

    tools/gpu_check.sh [--out OUT] [--scale paper|smoke] [--budget-s 420]

Ends within `--budget-s` seconds (default 420, inside the device's 8 minutes; compile
times included) and needs no network: on the GPU machine, evosax, gymnax and their missing
needs travel as wheels (tools/gpu_wheels.sh writes them into .whl/; gpu_check.sh installs
them). It

1. runs `python -m lndp bench` at popsize 256 (CartPole and Foraging) → OUT/bench.json;
2. trains Foraging SP (μ 0.5, σ 0.1) at the paper's scale (popsize 256, its CMA-ES with
   the eigendecomposition every generation, 10,000 generations planned) for 5 seeds as
   one program (`lndp.batch`): a first call of `--probe` generations measures the speed,
   a second resumes for as many more as fit in the time left. The run folders go to
   OUT/runs/<figure>/<task>/<condition>/seed<k> (resumable: a later check goes on);
3. writes OUT/gpu_check.json (device, versions, generations done, seconds per batch
   generation, generations per second per run and for the batch) and prints a summary.

At `--scale smoke` (the test suite, on a CPU) every size is the smoke preset's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

FIGURE, TASK, CONDITION = "structural_plasticity", "foraging", "sp_mu0.5_sigma0.1"


def _batch_seconds(rows: list[dict], runs: int) -> float:
    """Mean wall time of a batch generation over `rows` of one run's log (each run of a
    batch logs its 1/k share of it)."""
    return runs * sum(float(r["seconds"]) for r in rows) / max(1, len(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="_build/gpu-check")
    parser.add_argument("--scale", choices=("paper", "smoke"), default="paper")
    parser.add_argument("--budget-s", type=float, default=420.0)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--probe", type=int, default=5,
                        help="generations of the first call, which measures the speed")
    parser.add_argument("--bench-popsize", type=int, default=256)
    args = parser.parse_args(argv)
    if args.budget_s <= 0 or args.seeds < 1 or args.probe < 2 or args.bench_popsize < 2:
        parser.error("--budget-s > 0, --seeds >= 1, --probe >= 2, --bench-popsize >= 2")
    started = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import jax  # after argument checks: a bad flag costs no start-up of the device

    from lndp.batch import train_batch
    from lndp.design.figures import figure_config
    from lndp.design.layout import run_dir
    from lndp.provenance import code_hash, machine
    from lndp.runfolder import read_log

    device = jax.devices()[0]
    print(f"jax {jax.__version__}: {jax.device_count()} × {device.platform} "
          f"({getattr(device, 'device_kind', '?')})", flush=True)
    bench_tasks = ["cartpole", "foraging"] if args.scale == "paper" else ["foraging"]
    try:  # a third of the budget at most: the training is what the check is for
        bench = subprocess.run(
            [sys.executable, "-m", "lndp", "bench", "--tasks", *bench_tasks, "--popsizes",
             str(args.bench_popsize), "--repeats", "2", "--json", str(out / "bench.json")],
            timeout=args.budget_s / 3).returncode
    except subprocess.TimeoutExpired:
        print(f"bench: stopped after {args.budget_s / 3:.0f} s (a third of --budget-s)",
              flush=True)
        bench = "timed out"
    bench_seconds = time.perf_counter() - started

    seeds = list(range(args.seeds))
    configs = [figure_config(FIGURE, TASK, CONDITION, args.scale, s) for s in seeds]
    runs = out / "runs"
    outs = [run_dir(runs, FIGURE, TASK, CONDITION, s) for s in seeds]
    resume = all((o / "checkpoint.pkl").exists() for o in outs)
    before = len(read_log(outs[0])) if resume else 0
    probe_started = time.perf_counter()
    train_batch(configs, outs, resume=resume, progress=False, stop_after=args.probe)
    probe_seconds = time.perf_counter() - probe_started
    rows = read_log(outs[0])
    per_generation = _batch_seconds(rows[before + 1:], args.seeds)  # the first compiles
    left = args.budget_s - (time.perf_counter() - started) - 2 * (probe_seconds - (
        len(rows) - before) * per_generation) - 10  # a second compile, and a margin
    more = int(max(0, left) // max(per_generation, 1e-9))
    more = min(more, configs[0].train.generations - len(rows))
    if more > 0:
        train_batch(configs, outs, resume=True, progress=False, stop_after=more)
    rows = read_log(outs[0])
    done = len(rows) - before
    # each call's first generation compiles: time the others
    per_generation = _batch_seconds(
        rows[before + 1:before + args.probe] + rows[before + args.probe + 1:], args.seeds)
    report = {
        "what": "tools/gpu_check.py: lndp bench at popsize "
                f"{args.bench_popsize}, then {FIGURE}/{TASK}/{CONDITION} at the {args.scale} "
                f"preset, {args.seeds} seeds as one program (lndp.batch)",
        "device": getattr(device, "device_kind", device.platform), "platform": device.platform,
        "devices": jax.device_count(), "machine": machine(), "code_hash": code_hash(),
        "bench_exit_status": bench, "bench_seconds": round(bench_seconds, 1),
        "popsize": configs[0].train.popsize, "planned_generations": configs[0].train.generations,
        "seeds": seeds, "generations_this_check": done, "generations_in_all": len(rows),
        "seconds_per_batch_generation": per_generation,
        "generations_per_second_per_run": 1 / per_generation if per_generation else None,
        "run_generations_per_second": args.seeds / per_generation if per_generation else None,
        "final_fitness_mean": [float(read_log(o)[-1]["fitness_mean"]) for o in outs],
        "total_seconds": round(time.perf_counter() - started, 1),
        "runs": str(runs),
    }
    (out / "gpu_check.json").write_text(json.dumps(report, indent=1) + "\n")
    print(f"{done} generations of {args.seeds} runs at popsize {report['popsize']} in "
          f"{report['total_seconds']:.0f} s: {per_generation:.3f} s per batch generation, "
          f"{report['run_generations_per_second']:.2f} run-generations per second; "
          f"wrote {out / 'gpu_check.json'}", flush=True)
    return 0 if bench == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
