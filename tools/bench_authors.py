#!/usr/bin/env python
"""Time one training generation of the authors' original LNDP code.

What
    Builds the trainer of github.com/erwanplantec/LNDP (commit c66e6a9) the way their
    train.py does -- lndp.make(cfg) -> eqx.partition -> task.make(cfg, statics) ->
    EvosaxTrainer(strategy CMA_ES, ParameterReshaper, FitnessShaper(maximize=True)) --
    with their train.py `Config` defaults (n_nodes 32, n_episodes 3, p_* = 0.1,
    s_* = 1e-4, dev_steps 0, ...), jits one generation (`trainer.train_step`: ask,
    evaluate the population, tell), runs it until a call no longer compiles (the
    first returned state differs from the initial one in weak types, so the second
    call compiles again), then times k further generations. Writes a JSON with seconds per generation and
    individual-environment steps per second.

Why
    To compare this project's training speed with theirs on the same machine.

Differences from their train.py, all outside the timed computation: no Logger
    (logger=None: theirs calls jax.experimental.host_callback to save checkpoints
    and log to wandb every generation), no ./ckpts config file, no progress bar; the
    generation loop is a Python loop over a jitted train_step instead of their
    lax.fori_loop over train_steps.

Environment steps per generation
    gymnax tasks: popsize x n_episodes x max_steps_in_episode (CartPole 500,
    Acrobot 500, Pendulum 200) -- their rollout always runs the full scan, even after
    the episode ended. Grid (GridEpisodicTask): popsize x n_steps (100); n_episodes is
    not used by that task.

How to run (in the scratch environment that has their pins; see
    tools/record_reference_fixtures.py for how to make it)
    venv/bin/python tools/bench_authors.py --authors /path/to/LNDP \
        --out bench_authors.json [--devices 2] [--gens 5] \
        [--runs CartPole-v1:64,CartPole-v1:256,Acrobot-v1:64,Pendulum-v1:64,Grid:64]

    --devices N sets XLA_FLAGS=--xla_force_host_platform_device_count=N before jax is
    imported; with more than one device their trainer evaluates with shard_map
    (n_devices=len(jax.devices()), as in their trainer.py).

Licence
    Their code is MIT-licensed and is not included in this repository; this script
    imports it from --authors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

DEFAULT_RUNS = "CartPole-v1:64,CartPole-v1:256,Acrobot-v1:64,Pendulum-v1:64,Grid:64"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Time the authors' LNDP training generation.")
    ap.add_argument("--authors", required=True, help="path to a checkout of erwanplantec/LNDP")
    ap.add_argument("--out", default="bench_authors.json")
    ap.add_argument("--runs", default=DEFAULT_RUNS,
                    help="comma-separated ENV:POPSIZE (default: %(default)s)")
    ap.add_argument("--gens", type=int, default=5, help="timed generations after the warm-up")
    ap.add_argument("--devices", type=int, default=0,
                    help="force N host (CPU) devices via XLA_FLAGS (0: leave as is)")
    ap.add_argument("--strategy", default="CMA_ES")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    if args.devices:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = (flags + f" --xla_force_host_platform_device_count={args.devices}").strip()

    authors = os.path.abspath(args.authors)
    sys.path.insert(0, authors)
    import importlib.util
    import types

    if importlib.util.find_spec("wandb") is None:  # imported, unused, by utils/trainer.py
        sys.modules["wandb"] = types.ModuleType("wandb")

    import equinox as eqx
    import evosax as ex
    import jax
    import jax.random as jr
    from importlib.metadata import version

    import task as their_task
    from lndp import make as model_factory
    from train import Config
    from utils.trainer import EvosaxTrainer

    results = {
        "what": "seconds per generation of the authors' EvosaxTrainer.train_step (jitted)",
        "authors_repo": "github.com/erwanplantec/LNDP",
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "versions": {p: version(p) for p in ("jax", "jaxlib", "equinox", "evosax", "gymnax")},
        "backend": jax.default_backend(),
        "device_count": jax.device_count(),
        "devices": [str(d) for d in jax.devices()],
        "XLA_FLAGS": os.environ.get("XLA_FLAGS", ""),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "timed_generations": args.gens,
        "runs": [],
    }

    for spec in filter(None, args.runs.split(",")):
        env_name, popsize = spec.rsplit(":", 1)
        popsize = int(popsize)
        cfg = Config()._replace(env_name=env_name, popsize=popsize, strategy=args.strategy,
                                seed=args.seed)
        key_model, key_train = jr.split(jr.key(cfg.seed))
        model = model_factory(cfg, key_model)
        params, statics = eqx.partition(model, eqx.is_array)
        tsk = their_task.make(cfg, statics)
        # as their trainer.make, without the Logger (host_callback) and the ckpt file
        trainer = EvosaxTrainer(train_steps=1, task=tsk,
                                params_shaper=ex.ParameterReshaper(params, verbose=False),
                                strategy=cfg.strategy, popsize=cfg.popsize,
                                fitness_shaper=ex.FitnessShaper(maximize=True),
                                eval_reps=cfg.eval_reps, logger=None, progress_bar=False,
                                n_devices=len(jax.devices()))
        if env_name == "Grid":
            steps_per_ind = tsk.n_steps
            episodes = 1
        else:
            steps_per_ind = int(tsk.env.default_params.max_steps_in_episode)
            episodes = cfg.n_episodes
        env_steps = popsize * episodes * steps_per_ind

        traces = [0]

        def _train_step(s, k):
            traces[0] += 1  # runs only while jax traces (i.e. before a compilation)
            return trainer.train_step(s, k)

        step = jax.jit(_train_step)
        key_train, k_init = jr.split(key_train)
        state = trainer.initialize(k_init)
        # Warm-up: the state returned by the first generation can differ from the
        # initial one in weak types, which makes the second call compile again; warm
        # up until a call runs without tracing.
        warm, warm_gens = 0.0, 0
        while True:
            before = traces[0]
            t0 = time.perf_counter()
            key_train, k = jr.split(key_train)
            state, data = step(state, k)
            jax.block_until_ready((state, data))
            warm += time.perf_counter() - t0
            warm_gens += 1
            if traces[0] == before or warm_gens >= 4:
                break
        times = []
        for _ in range(args.gens):
            key_train, k = jr.split(key_train)
            t0 = time.perf_counter()
            state, data = step(state, k)
            jax.block_until_ready((state, data))
            times.append(time.perf_counter() - t0)
        mean = sum(times) / len(times) if times else float("nan")
        run = {
            "env_name": env_name, "popsize": popsize, "strategy": cfg.strategy,
            "n_episodes": episodes, "steps_per_episode": steps_per_ind,
            "n_params": int(trainer.params_shaper.total_params),
            "env_steps_per_generation": env_steps,
            "warmup_seconds_incl_compile": warm,
            "warmup_generations": warm_gens,
            "jit_traces": traces[0],
            "seconds_per_generation": times,
            "mean_seconds_per_generation": mean,
            "min_seconds_per_generation": min(times) if times else float("nan"),
            "env_steps_per_second": env_steps / mean if times else float("nan"),
            "gen_mean_fitness_last": float(data["fitness"].mean()),
        }
        results["runs"].append(run)
        print(f"{env_name:12s} pop {popsize:4d}: warm-up {warm:7.1f}s, "
              f"{mean:7.3f}s/gen, {run['env_steps_per_second']:10.0f} env-steps/s", flush=True)

    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
