#!/usr/bin/env python
"""Record the first-generation fitness distributions with the authors' own code.

What
    For each of the eight settings of lndp.pipeline.reproduce (`SETTINGS`), the fitness
    of the first population of the authors' trainer: github.com/erwanplantec/LNDP
    (commit c66e6a9), their model (lndp.make), their task (task.make: GridEpisodicTask
    for Foraging, MultiEpisodeGymnaxTask for the gymnax tasks) and their EvosaxTrainer
    (evosax 0.1.6 CMA_ES, ParameterReshaper) as their trainer.make builds it, without
    its Logger. The population is their strategy's first `ask` (mean 0, σ 1, C = I:
    iid N(0, I) vectors of THEIR parameter layout), evaluated by their single-device
    `EvosaxTrainer._eval` (one key per member, split from one key, as in their
    train_step). Writes

        results/reproduction/authors_first_generation/<setting>.csv   one column, fitness
        results/reproduction/authors_first_generation/machine.json    commit, versions,
            CPU, every Config passed, parameter counts, population moments, seconds

    Their Config is filled from this project's config of the same setting (asked of this
    project's environment, `--ours-python`, so that the two cannot drift apart); fields
    their code hard-codes are checked to be what ours has (tools/train_authors.py
    THEIR_FIXED_MODEL), and the run stops if one is not.

Why
    lndp.pipeline.reproduce compares its own first-generation samples with these by the
    two-sample KS test (`compare_with_authors`). The parameter vectors differ (their
    layout, their random streams), but their distribution, N(0, I), does not, so the
    two fitness distributions must be the same if the two implementations compute the
    same model and task.

Differences from their training run
    Their multi-device evaluation (`_eval_shmap`) passes one key to every member; this
    script uses the single-device path (`_eval`, per-member keys), which is what their
    training does on one device. No Logger, no checkpoint file. The keys: key(seed) ->
    (initialize, ask, evaluate) by one jr.split into three.

How to run (in the scratch environment with their pins; see
    tools/record_reference_fixtures.py for how to make it)
    nice -n 5 /work/authors-env/bin/python tools/record_first_generation_authors.py \
        --authors /work/authors-LNDP [--members 256] [--settings NAME ...]

Licence
    Their code is MIT-licensed and is not included in this repository; this script
    imports it from --authors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import types
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMIT = "c66e6a9b5fd0961264e078be5db104bbbdd3a483"
ENV_NAMES = {"foraging": "Grid", "cartpole": "CartPole-v1", "acrobot": "Acrobot-v1",
             "pendulum": "Pendulum-v1"}
#: this project's configs of the settings, printed by its own environment
OURS = ("import json; from lndp.pipeline.reproduce import SETTINGS; print(json.dumps("
        "{s.name: json.loads(s.config().to_json()) for s in SETTINGS}))")


def our_configs(python: str) -> dict[str, dict]:
    out = subprocess.run([python, "-c", OURS], cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"error: {python} could not give this project's configs: "
                         f"{out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def their_config(ours: dict, fixed_model: dict) -> dict:
    """Their Config fields for one of our configs (tools/train_authors.py's mapping);
    a SystemExit naming the fields where their code hard-codes something else."""
    m, t, tr = ours["model"], ours["task"], ours["train"]
    task = t["name"]
    problems = []
    for k, v in fixed_model.items():
        if k == "bernoulli_scale" and m["decision"] == "threshold":
            continue  # not used by threshold decisions
        if m[k] != v:
            problems.append(f"model.{k} = {m[k]!r} (their code: {v!r})")
    fixed_task = ({"max_steps": 100, "n_episodes": 1, "food_reward": 10.0, "reset_after": 11,
                   "observation": "position"} if task == "foraging" else {"max_steps": None})
    for k, v in fixed_task.items():
        if t[k] != v:
            problems.append(f"task.{k} = {t[k]!r} (their code: {v!r})")
    if (float(tr["sigma_init"]), tr["init_mean"]) != (1.0, "zero"):
        problems.append("train.sigma_init/init_mean: their first population is N(0, I)")
    if problems:
        raise SystemExit("error: cannot match their code: " + "; ".join(problems))
    return {
        "strategy": "CMA_ES", "eval_reps": int(t["n_trials"]), "env_name": ENV_NAMES[task],
        "n_episodes": int(t["n_episodes"]), "l1_penalty": 0.0, "dev_after_episode": 0,
        "env_size": int(t["grid_size"]),
        "p_switch": float(t["p_switch"]) if task == "foraging" else 0.0,
        "dense_reward": 0, "n_nodes": int(m["n_nodes"]), "node_features": int(m["node_dim"]),
        "edge_features": int(m["edge_dim"]), "pruning": int(bool(m["pruning"])),
        "synaptogenesis": int(bool(m["synaptogenesis"])),
        "rnn_iters": int(m["propagation_steps"]), "dev_steps": int(m["sa_steps"]),
        "p_hh": float(m["mu_conn"]), "s_hh": float(m["sigma_conn"]),
        "p_ih": float(m["mu_conn"]), "s_ih": float(m["sigma_conn"]),
        "p_ho": float(m["mu_conn"]), "s_ho": float(m["sigma_conn"]),
        "use_bias": int(bool(m["bias"])), "is_recurrent": 0, "gnn_iters": 1,
        "stochastic_decisions": int(m["decision"] == "bernoulli"),
        "block_lt_updates": int(not m["lifetime_updates"]),
    }


def cpu() -> tuple[str, str]:
    """(CPU model, ISA XLA compiles for) as lndp.provenance reads them."""
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return platform.processor() or platform.machine(), platform.machine()
    model = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                  if line.startswith("model name")), platform.machine())
    flags = set(next((line.split(":", 1)[1].split() for line in text.splitlines()
                      if line.startswith("flags")), []))
    isa = next((n for f, n in (("avx512f", "AVX512"), ("avx2", "AVX2"), ("avx", "AVX"))
                if f in flags), platform.machine())
    cap = [a.split("=", 1)[1] for a in os.environ.get("XLA_FLAGS", "").split()
           if a.startswith("--xla_cpu_max_isa=")]
    return model, f"{cap[-1].upper()} (pinned)" if cap else isa


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--authors", default="/work/authors-LNDP",
                    help="checkout of erwanplantec/LNDP")
    ap.add_argument("--ours-python", default=os.path.join(ROOT, ".venv", "bin", "python"),
                    help="this project's environment (gives the settings' configs)")
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "reproduction",
                                                  "authors_first_generation"))
    ap.add_argument("--members", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--settings", nargs="+", help="only these settings (default: all 8)")
    args = ap.parse_args(argv)
    if args.members < 32:
        print(f"error: --members: need at least 32, got {args.members}", file=sys.stderr)
        return 2
    authors = os.path.abspath(args.authors)
    if not os.path.isfile(os.path.join(authors, "lndp.py")):
        print(f"error: --authors: {authors} is not a checkout of erwanplantec/LNDP",
              file=sys.stderr)
        return 2

    configs = our_configs(args.ours_python)
    names = args.settings or list(configs)
    unknown = sorted(set(names) - set(configs))
    if unknown:
        print(f"error: --settings: unknown {unknown}; known: {', '.join(configs)}",
              file=sys.stderr)
        return 2
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from train_authors import THEIR_FIXED_MODEL  # noqa: E402  (stdlib only at import)
    passed = {name: their_config(configs[name], THEIR_FIXED_MODEL) for name in names}

    sys.path.insert(0, authors)
    if "wandb" not in sys.modules:  # imported, unused, by utils/trainer.py
        sys.modules["wandb"] = types.ModuleType("wandb")
    import equinox as eqx
    import evosax as ex
    import jax
    import jax.random as jr
    import numpy as np
    from importlib.metadata import version

    from lndp import make as model_factory
    from task import make as task_factory
    from train import Config
    from utils.trainer import EvosaxTrainer

    os.makedirs(args.out, exist_ok=True)
    record = {"what": "first-generation fitness of the authors' code: their CMA-ES's first "
                      "ask (iid N(0, I) in their parameter layout), their single-device eval "
                      "(tools/record_first_generation_authors.py)",
              "authors_repo": "github.com/erwanplantec/LNDP", "authors_commit": COMMIT,
              "cpu": cpu()[0], "isa": cpu()[1], "XLA_FLAGS": os.environ.get("XLA_FLAGS", ""),
              "devices": f"{jax.device_count()} {jax.default_backend()}",
              "versions": {p: version(p) for p in ("jax", "jaxlib", "equinox", "evosax",
                                                   "gymnax", "numpy")},
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "members": args.members, "seed": args.seed,
              "keys": "k_init, k_ask, k_eval = jr.split(jr.key(seed), 3)",
              "settings": {}}
    path = os.path.join(args.out, "machine.json")
    if args.settings and os.path.exists(path):  # keep the other settings' records
        with open(path) as f:
            record["settings"] = json.load(f).get("settings", {})
    for name in names:
        start = time.perf_counter()
        cfg = Config()._replace(**passed[name], popsize=args.members, seed=args.seed)
        model = model_factory(cfg, jr.key(args.seed))  # its values are not used
        params, statics = eqx.partition(model, eqx.is_array)
        task = task_factory(cfg, statics)
        trainer = EvosaxTrainer(train_steps=1, task=task,
                                params_shaper=ex.ParameterReshaper(params, verbose=False),
                                strategy="CMA_ES", popsize=args.members,
                                fitness_shaper=ex.FitnessShaper(maximize=True),
                                eval_reps=cfg.eval_reps, logger=None, progress_bar=False,
                                n_devices=1)
        k_init, k_ask, k_eval = jr.split(jr.key(args.seed), 3)

        @jax.jit
        def first_generation(k_init, k_ask, k_eval):
            state = trainer.initialize(k_init)
            x, _ = trainer.strategy.ask(k_ask, state, trainer.es_params)
            fitness, _ = trainer._eval(x, k_eval, None)
            return x.mean(), x.std(), fitness

        mean, std, fitness = first_generation(k_init, k_ask, k_eval)
        fitness = np.asarray(fitness, np.float64)
        seconds = time.perf_counter() - start
        tmp = os.path.join(args.out, f"{name}.csv.tmp")
        with open(tmp, "w") as f:
            f.write("fitness\n" + "".join(f"{float(v)!r}\n" for v in fitness))
        os.replace(tmp, os.path.join(args.out, f"{name}.csv"))
        record["settings"][name] = {
            "config_passed": passed[name], "n_params": int(trainer.params_shaper.total_params),
            "population_mean": float(mean), "population_std": float(std),
            "fitness_mean": float(fitness.mean()), "seconds": round(seconds, 1)}
        print(f"{name}: {args.members} members, {trainer.params_shaper.total_params} "
              f"parameters, population mean {float(mean):+.4f} std {float(std):.4f}, "
              f"fitness mean {fitness.mean():.2f}, {seconds:.0f} s", flush=True)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(path + ".tmp", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
