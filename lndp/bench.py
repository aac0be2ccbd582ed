"""Benchmark: seconds per generation (evaluation and ES ask+tell), throughput, FLOP/s.

    python -m lndp bench [--tasks cartpole foraging] [--popsizes 64 256] [--json out.json]

For each task at the paper's model size it reports compile seconds, evaluation seconds
per generation with full-length lifetimes (natural termination ignored, so early exits
cannot inflate the numbers), ES ask+tell seconds for the paper's CMA-ES, a lazy CMA-ES and
Sep-CMA-ES (the `reduced` presets' choice), individual-environment-steps per second, and
the achieved FLOP/s (XLA's count for one network step × steps per second) next to a
float32 matmul peak measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from lndp.config import TASKS, preset
from lndp.rollout import Evaluator
from jax.sharding import Mesh

from lndp.strategies import make_strategy
from lndp.train import EVAL_GROUPS, population_evaluator


def _timed(fn, *args, repeats: int) -> tuple[float, float, object]:
    """(first call seconds — includes compilation, median seconds of the next calls, the
    last call's output), so a caller that checks the results need not compute them again."""
    start = time.perf_counter()
    out = jax.block_until_ready(fn(*args))
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - start)
    return first, float(np.median(times)), out


def matmul_peak(n: int = 2048, repeats: int = 5) -> float:
    """Measured float32 matmul FLOP/s on the default device."""
    a = jax.random.normal(jax.random.PRNGKey(0), (n, n))
    _, seconds, _ = _timed(jax.jit(lambda x: x @ x), a, repeats=repeats)
    return 2 * n**3 / seconds


def step_flops(agent: Evaluator) -> float:
    """XLA's FLOP count for one environment step of one individual (update + act + env)."""
    model = agent.model(agent.initial_params)
    key = jax.random.PRNGKey(0)
    carry = agent._reset(model.init_state(key), key)

    def step(params, carry):
        return agent._step(agent.model(params), carry)

    compiled = jax.jit(step).lower(agent.initial_params, carry).compile()
    analysis = compiled.cost_analysis()
    if isinstance(analysis, list):
        analysis = analysis[0]
    return float(analysis.get("flops", float("nan")))


ES_VARIANTS = (("CMA_ES", 1), ("CMA_ES", 10), ("Sep_CMA_ES", 1))  # (strategy, eigen_every)


def bench_es(num_params: int, popsize: int, strategy: str, eigen_every: int,
             repeats: int) -> float:
    """Seconds of ES ask+tell per generation, averaged over `eigen_every` generations so a
    lazy CMA-ES is timed fairly."""
    es = make_strategy(strategy, popsize, num_params, eigen_every)
    params = es.default_params
    state = es.init(jax.random.PRNGKey(0), jnp.zeros(num_params), params)

    @jax.jit
    def block(es_state, key):
        for i in range(eigen_every):
            k = jax.random.fold_in(key, i)
            population, es_state = es.ask(k, es_state, params)
            fitness = population.sum(-1)  # a cheap stand-in: the ES cost does not depend on it
            es_state = es.tell(k, population, fitness, es_state, params)[0]
        return es_state

    state = block(state, jax.random.PRNGKey(1))  # settle dtypes; compile
    _, seconds, _ = _timed(block, state, jax.random.PRNGKey(2), repeats=repeats)
    return seconds / eigen_every


#: `bench_population`'s default grouping: the one training uses (`lndp.train.EVAL_GROUPS`)
TRAINING_GROUPS = "training"


def bench_population(task: str, popsize: int, group: int | None | str = TRAINING_GROUPS):
    """What every speed measurement evaluates: (config, agent, jitted evaluator over all
    devices, population, key) at the paper's settings with one trial per member (the
    reference's anchor: 3 episodes of full length), the population a first generation as
    the preset's CMA-ES samples it (reference: N(0, 1) around 0). `group`: each device's
    members evaluated in groups of this size (None: all at once); by default as in
    training."""
    config = preset(task, "paper", **{"train.popsize": popsize, "task.n_trials": 1})
    agent = Evaluator(config, full_length=True)
    mesh = Mesh(np.array(jax.devices()), ("pop",))
    group = EVAL_GROUPS.get(task) if group == TRAINING_GROUPS else group
    evaluate = jax.jit(population_evaluator(agent, popsize, mesh, group))
    key = jax.random.PRNGKey(1)
    population = agent.start_params + config.train.sigma_init * jax.random.normal(
        key, (popsize, agent.num_params))
    return config, agent, evaluate, population, key


def bench_task(task: str, popsize: int, repeats: int = 1) -> dict[str, Any]:
    """Evaluation of one population (`bench_population`) and each ES variant's ask+tell."""
    config, agent, evaluate, population, key = bench_population(task, popsize)
    compile_eval, eval_seconds, _ = _timed(evaluate, population, key, repeats=repeats)
    steps = popsize * config.task.n_episodes * agent.max_steps
    flops = step_flops(agent)
    es = {f"{name}/eigen_every={k}": bench_es(agent.num_params, popsize, name, k, repeats)
          for name, k in ES_VARIANTS}
    return {
        "task": task,
        "popsize": popsize,
        "num_params": agent.num_params,
        "steps_per_generation": steps,
        "compile_seconds": compile_eval - eval_seconds,
        "eval_seconds_per_generation": eval_seconds,
        "es_seconds_per_generation": es,
        "seconds_per_generation_paper_es": eval_seconds + es["CMA_ES/eigen_every=1"],
        "seconds_per_generation_reduced_es": eval_seconds + es["Sep_CMA_ES/eigen_every=1"],
        "env_steps_per_second": steps / eval_seconds,
        "flops_per_step": flops,
        "achieved_flops_per_second": flops * steps / eval_seconds,
    }


def run(tasks=TASKS, popsizes=(64, 256), repeats: int = 1) -> dict[str, Any]:
    peak = matmul_peak()
    rows = []
    for task in tasks:
        for popsize in popsizes:
            row = bench_task(task, popsize, repeats=repeats)
            row["fraction_of_matmul_peak"] = row["achieved_flops_per_second"] / peak
            rows.append(row)
            es = ", ".join(f"{k} {v:.3f} s" for k, v in row["es_seconds_per_generation"].items())
            print(
                f"{task:9s} pop {popsize:4d}: eval {row['eval_seconds_per_generation']:7.3f} s/gen, "
                f"{row['env_steps_per_second'] / 1e3:6.1f} k steps/s, "
                f"{row['achieved_flops_per_second'] / 1e9:6.2f} GFLOP/s "
                f"({100 * row['fraction_of_matmul_peak']:.1f}% of matmul peak), "
                f"compile {row['compile_seconds']:.1f} s; ES ask+tell: {es}",
                flush=True,
            )
    return {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "devices": [str(d) for d in jax.devices()],
            "jax": jax.__version__,
        },
        "matmul_peak_flops_per_second": peak,
        "results": rows,
    }


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="measure speed", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    p.add_argument("--popsizes", nargs="+", type=int, default=[64, 256])
    p.add_argument("--repeats", type=int, default=1, help="timed calls after the first")
    p.add_argument("--json", help="write the numbers to this JSON file")
    p.set_defaults(run=_main)


def _main(args) -> int:
    report = run(args.tasks, args.popsizes, args.repeats)
    report["command"] = "python -m lndp " + " ".join(sys.argv[1:])
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 0
