"""Benchmark: seconds per generation (evaluation and ES ask+tell), throughput, FLOP/s.

    python -m lndp bench [--tasks cartpole foraging] [--popsizes 64 256] [--json out.json]

For each task at the paper's model size it reports compile seconds, evaluation seconds
per generation with full-length lifetimes (natural termination ignored, so early exits
cannot inflate the numbers), ES ask+tell seconds, individual-environment-steps per second,
and the achieved FLOP/s (XLA's count for one network step × steps per second) next to a
float32 matmul peak measured in the same run.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from lndp.config import TASKS, preset
from lndp.rollout import Agent
from lndp.train import Trainer, population_evaluator


def _timed(fn, *args, repeats: int) -> tuple[float, float]:
    """(first call seconds — includes compilation, median seconds of the next calls)."""
    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - start)
    return first, float(np.median(times))


def matmul_peak(n: int = 2048, repeats: int = 5) -> float:
    """Measured float32 matmul FLOP/s on the default device."""
    a = jax.random.normal(jax.random.PRNGKey(0), (n, n))
    _, seconds = _timed(jax.jit(lambda x: x @ x), a, repeats=repeats)
    return 2 * n**3 / seconds


def step_flops(agent: Agent) -> float:
    """XLA's FLOP count for one environment step of one individual (update + act + env)."""
    model = agent.model(agent.initial_params)
    key = jax.random.PRNGKey(0)
    carry = agent._reset(model.init_state(key), key)

    def step(params, carry):
        return agent._step(agent.model(params), carry, key)

    compiled = jax.jit(step).lower(agent.initial_params, carry).compile()
    analysis = compiled.cost_analysis()
    if isinstance(analysis, list):
        analysis = analysis[0]
    return float(analysis.get("flops", float("nan")))


def bench_task(task: str, popsize: int, repeats: int = 2, **overrides: Any) -> dict[str, Any]:
    """One task at the paper's settings, one trial per member (the reference's anchor)."""
    config = preset(task, "paper", **{"train.popsize": popsize, "task.n_trials": 1, **overrides})
    trainer = Trainer(config)
    agent = Agent(config, full_length=True)
    evaluate = jax.jit(population_evaluator(agent, popsize, trainer.mesh))
    state = trainer.init()
    key = jax.random.PRNGKey(1)
    population, _ = trainer.strategy.ask(key, state.es_state, trainer.es_params)
    compile_eval, eval_seconds = _timed(evaluate, population, key, repeats=repeats)

    strategy, params = trainer.strategy, trainer.es_params

    @jax.jit
    def ask_tell(es_state, key):
        population, es_state = strategy.ask(key, es_state, params)
        fitness = population.sum(-1)  # any cheap stand-in: the ES cost does not depend on it
        return strategy.tell(key, population, fitness, es_state, params)[0]

    # Average over `eigen_every` generations so a lazy CMA-ES is timed fairly.
    k = config.train.eigen_every

    def es_block(es_state, key):
        for i in range(k):
            es_state = ask_tell(es_state, jax.random.fold_in(key, i))
        return es_state

    compile_es, es_seconds = _timed(es_block, state.es_state, key, repeats=repeats)
    steps = popsize * config.task.n_trials * config.task.n_episodes * agent.max_steps
    flops = step_flops(agent)
    es_per_gen = es_seconds / k
    return {
        "task": task,
        "popsize": popsize,
        "strategy": config.train.strategy,
        "eigen_every": k,
        "num_params": agent.num_params,
        "steps_per_generation": steps,
        "compile_seconds": compile_eval - eval_seconds + compile_es - es_seconds,
        "eval_seconds_per_generation": eval_seconds,
        "es_seconds_per_generation": es_per_gen,
        "seconds_per_generation": eval_seconds + es_per_gen,
        "env_steps_per_second": steps / eval_seconds,
        "flops_per_step": flops,
        "achieved_flops_per_second": flops * steps / eval_seconds,
    }


def run(tasks=TASKS, popsizes=(64, 256), repeats: int = 1, **overrides: Any) -> dict[str, Any]:
    peak = matmul_peak()
    rows = []
    for task in tasks:
        for popsize in popsizes:
            row = bench_task(task, popsize, repeats=repeats, **overrides)
            row["fraction_of_matmul_peak"] = row["achieved_flops_per_second"] / peak
            rows.append(row)
            print(
                f"{task:9s} pop {popsize:4d}: eval {row['eval_seconds_per_generation']:7.3f} s"
                f" + ES {row['es_seconds_per_generation']:6.3f} s per generation, "
                f"{row['env_steps_per_second'] / 1e3:7.1f} k steps/s, "
                f"{row['achieved_flops_per_second'] / 1e9:6.2f} GFLOP/s "
                f"({100 * row['fraction_of_matmul_peak']:.1f}% of matmul peak), "
                f"compile {row['compile_seconds']:.1f} s",
                flush=True,
            )
    return {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "devices": [str(d) for d in jax.devices()],
        "cpu_count": __import__("os").cpu_count(),
            "jax": jax.__version__,
        },
        "matmul_peak_flops_per_second": peak,
        "overrides": overrides,
        "results": rows,
    }


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="measure speed", description=__doc__,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    p.add_argument("--popsizes", nargs="+", type=int, default=[64, 256])
    p.add_argument("--repeats", type=int, default=1, help="timed calls after the first")
    p.add_argument("--strategy", default="CMA_ES", help="evosax algorithm (default CMA_ES)")
    p.add_argument("--eigen-every", type=int, default=1,
                   help="CMA-ES: recompute the eigendecomposition every k generations")
    p.add_argument("--json", help="write the numbers to this JSON file")
    p.set_defaults(run=_main)


def _main(args) -> int:
    report = run(args.tasks, args.popsizes, args.repeats,
                 **{"train.strategy": args.strategy, "train.eigen_every": args.eigen_every})
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 0
