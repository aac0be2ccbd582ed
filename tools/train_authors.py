#!/usr/bin/env python
"""Train the authors' original LNDP with their own trainer, at this project's `cpu` budget.

What
    One run of the `authors-cpu` control registered in results/plan.json
    (`controls.authors-cpu`): a (figure, task, condition, seed) trained by the code of
    github.com/erwanplantec/LNDP (commit c66e6a9) -- their model (lndp.make), their task
    (task.make: GridEpisodicTask for Foraging, MultiEpisodeGymnaxTask for CartPole) and
    their trainer exactly as their train.py builds it (trainer.make: EvosaxTrainer with
    evosax 0.1.6's CMA_ES, ParameterReshaper, FitnessShaper(maximize=True), their Logger
    with their metrics_fn). Their `Config` is filled from this project's committed
    config.json of the same `cpu` run (results/cpu/<figure>/<task>/<condition>/seed<k>/)
    wherever their code has the setting; the rest is checked to be what their code
    hard-codes, and what cannot match is listed in meta.json under `unmatched`.

    Writes results/authors-cpu/<figure>/<task>/<condition>/seed<k>/:
      log.csv     one row per generation, written as it comes: generation (1-based),
                  fitness_mean, fitness_max, fitness_min, fitness_std, best_so_far
                  [, return_episode_1..3], authors_<key> for their other metrics,
                  seconds (wall time of the generation; the first includes compiling)
      meta.json   their commit, every Config field passed, the settings mapping, the
                  unmatched settings, versions, CPU model, seconds, generations done,
                  finished true/false
      checkpoint.pkl  (never committed; .gitignore) the ES state and the loop key, every
                  25 generations and when the run stops

Logging
    Their own Logger: the jitted generation calls `trainer.logger.log(state, data)` as
    their `train_` loop does; with `log=1` their Logger sends metrics_fn's dict (gen_mean,
    gen_best, gen_worse, best, var and, for gymnax tasks, ep_<i>_mean/max and
    density_mean/max) through jax.experimental.host_callback.id_tap to `wandb.log`. wandb
    is a stub module here whose `log(d)` appends the dict to a list; after each
    generation (jax.effects_barrier) the Python loop writes that dict as the next log.csv
    row, renamed: gen_mean -> fitness_mean, gen_best -> fitness_max, gen_worse ->
    fitness_min, sqrt(var) -> fitness_std (population std, ddof 0, like ours), best ->
    best_so_far, ep_<i>_mean -> return_episode_<i+1>, anything else -> authors_<key>
    (their density is A.sum()/N^2, not our fraction of allowed edges, hence not our
    density_mean). Their Logger's own checkpoint of the ES mean (every 100 generations,
    also by host callback) is kept, pointed at _build/authors-ckpts/ (ignored by git).

Why
    The fidelity control of results/PLAN.md ("The authors' code at our budget"): their
    code, trained at our budget, beside our `cpu` runs of the same condition.

How it differs from running their train.py
    * The generation loop is a Python loop over a jitted step -- `k, k_ = split(k);
      state, data = trainer.train_step(state, k_); trainer.logger.log(state, data)`,
      the body of their BaseTrainer.train_ -- instead of their lax.fori_loop, so that
      the run can be checkpointed and resumed. The keys are theirs: key_model, key_train
      = split(key(seed)); key_train, k = split(key_train) (their n_seeds loop, one seed);
      init_key, k = split(k); state = trainer.initialize(init_key). The initial ES state
      is given the dtypes the generation returns (no weak types), as their fori_loop does
      to its carry, so every generation, fresh or resumed, runs one compiled program: a
      resumed run equals an uninterrupted one.
    * Their train.py --log=1 calls trainer.logger.init/finish, which their Logger does
      not define (it has wandb_init/wandb_finish); this script calls neither (the stub
      needs no init).
    * utils/trainer.py imports wandb: a stub module is put in sys.modules.
    * Their ParameterReshaper's parameter-count print is kept (it goes to stdout).

How to run (in a scratch environment outside this repository, with their pins)
    git --git-dir=<mirror of erwanplantec/LNDP> archive HEAD | tar -x -C /path/to/LNDP
    mkdir -p /path/to/LNDP/ckpts
    python3 -m venv /work/authors-env && /work/authors-env/bin/pip install \
        jax==0.4.30 jaxlib==0.4.30 evosax==0.1.6 gymnax==0.0.8 equinox==0.11.4 \
        brax==0.10.5 mujoco==3.1.6 numpy==1.26.4 six jaxtyping tqdm pyyaml
    /work/authors-env/bin/python tools/train_authors.py --authors /path/to/LNDP \
        --figure structural_plasticity --task foraging --condition sp_mu0.5_sigma0.1 \
        --seed 0 [--resume | --overwrite]
    Options for tests only: --out DIR (another folder), --generations N (another
    budget: meta.json says so, and such a run is not one of the registered budget),
    --stop-after N (stop after N generations of this call; resumable).
    tools/run_authors.sh runs every registered run in turn and commits each one.

Licence
    Their code is MIT-licensed and is not included in this repository; this script
    imports it from --authors.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import pickle
import platform
import subprocess
import sys
import time
import types

COMMIT = "c66e6a9b5fd0961264e078be5db104bbbdd3a483"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTROL = "authors-cpu"
CHECKPOINT_EVERY = 25

# Our task names -> their env_name
ENV_NAMES = {"foraging": "Grid", "cartpole": "CartPole-v1"}

# Model fields of ours that are hard-coded in their lndp.py / utils/model.py, with their
# value there. Ours must equal it.
THEIR_FIXED_MODEL = {
    "n_heads": 3,          # lndp.py: GraphTransformer(n_heads=3)
    "qk_dim": 4,           # lndp.py: qk_features=4
    "value_dim": 8,        # lndp.py: value_features=8
    "mlp_width": 16,       # lndp.py: nn.MLP(..., 1, 16, 1)
    "threshold": 0.6,      # lndp.py update_state: p > .6
    "bernoulli_scale": 0.5,  # lndp.py update_state: uniform < p * .5 (stochastic only)
    # the `reference` profile = their computation (lndp/config.py PROFILE_VALUES)
    "activity_input": "trace", "attention": "reference", "parameter_layout": "authors",
    "node_init": "uniform", "edge_init": "uniform", "density_init": "per_block",
    "plasticity_order": "reference", "degree_features": "reference",
    "spontaneous_process": "reference", "done_lag": True,
}
THEIR_FIXED_TASK = {
    "foraging": {
        "max_steps": 100,        # utils/foraging.py GridTask(n_steps=100), not a Config field
        "n_episodes": 1,         # GridEpisodicTask: one lifetime; cfg.n_episodes unused
        "food_reward": 10.0,     # GridChemotaxis.step: r = close_to_goal * 10
        "reset_after": 11,       # GridChemotaxis(max_steps=10): reset when steps == 10
        "observation": "position",  # GridChemotaxis._get_obs returns pos
    },
    "cartpole": {
        "max_steps": None,       # their rollout scans max_steps_in_episode (500)
    },
}


# ----------------------------------------------------------------------------- plan


def registered_runs(plan_path: str) -> list[dict]:
    """Every run of controls.authors-cpu, in plan order, with its budget."""
    with open(plan_path) as f:
        control = json.load(f)["controls"][CONTROL]
    runs = []
    for group in control["runs"]:
        for condition in group["conditions"]:
            for seed in group["seeds"]:
                runs.append({"figure": group["figure"], "task": group["task"],
                             "condition": condition, "seed": int(seed),
                             "budget": dict(group["budget"])})
    return runs


def find_run(plan_path: str, figure: str, task: str, condition: str, seed: int) -> dict:
    for run in registered_runs(plan_path):
        if (run["figure"], run["task"], run["condition"], run["seed"]) == (figure, task, condition, seed):
            return run
    raise SystemExit(f"error: {figure}/{task}/{condition}/seed{seed} is not a run of "
                     f"controls.{CONTROL} in {plan_path}")


# ----------------------------------------------------------------------------- mapping


def their_settings(ours: dict, budget: dict, seed: int, generations: int) -> tuple[dict, dict, list]:
    """(Config overrides, mapping notes, unmatched settings) for one of our config.json."""
    m, t, tr = ours["model"], ours["task"], ours["train"]
    task = t["name"]
    if task not in ENV_NAMES:
        raise SystemExit(f"error: task {task!r}: no mapping onto their code")
    problems = []
    for k, v in THEIR_FIXED_MODEL.items():
        if k == "bernoulli_scale" and m["decision"] == "threshold":
            continue  # not used by threshold decisions
        if m[k] != v:
            problems.append(f"model.{k} = {m[k]!r} (their code: {v!r})")
    for k, v in THEIR_FIXED_TASK[task].items():
        if t[k] != v:
            problems.append(f"task.{k} = {t[k]!r} (their code: {v!r})")
    if tr["strategy"] != "CMA_ES":
        problems.append(f"train.strategy = {tr['strategy']!r} (this control: CMA_ES)")
    if float(tr["sigma_init"]) != 1.0:
        problems.append(f"train.sigma_init = {tr['sigma_init']} (evosax 0.1.6 CMA_ES default 1.0)")
    if tr["init_mean"] != "zero":
        problems.append(f"train.init_mean = {tr['init_mean']!r} (evosax 0.1.6: init_min = init_max = 0)")
    for k in ("popsize", "n_trials", "n_episodes", "max_steps"):
        if k in budget:
            have = tr[k] if k == "popsize" else t[k]
            if have != budget[k]:
                problems.append(f"{k} = {have} in our config.json, {budget[k]} in the plan's budget")
    if tr["generations"] != budget["generations"]:
        problems.append(f"train.generations = {tr['generations']}, plan budget {budget['generations']}")
    if problems:
        raise SystemExit("error: cannot match their code: " + "; ".join(problems))

    cfg = {
        "seed": int(seed),
        "n_seeds": 1,
        "strategy": "CMA_ES",
        "popsize": int(tr["popsize"]),
        "generations": int(generations),
        "log": 1,
        "eval_reps": int(t["n_trials"]),
        "env_name": ENV_NAMES[task],
        "n_episodes": int(t["n_episodes"]),
        "l1_penalty": 0.0,
        "dev_after_episode": 0,
        "env_size": int(t["grid_size"]),
        "p_switch": float(t["p_switch"]) if task == "foraging" else 0.0,
        "dense_reward": 0,
        "n_nodes": int(m["n_nodes"]),
        "node_features": int(m["node_dim"]),
        "edge_features": int(m["edge_dim"]),
        "pruning": int(bool(m["pruning"])),
        "synaptogenesis": int(bool(m["synaptogenesis"])),
        "rnn_iters": int(m["propagation_steps"]),
        "dev_steps": int(m["sa_steps"]),
        "p_hh": float(m["mu_conn"]), "s_hh": float(m["sigma_conn"]),
        "p_ih": float(m["mu_conn"]), "s_ih": float(m["sigma_conn"]),
        "p_ho": float(m["mu_conn"]), "s_ho": float(m["sigma_conn"]),
        "use_bias": int(bool(m["bias"])),
        "is_recurrent": 0,
        "gnn_iters": 1,
        "stochastic_decisions": int(m["decision"] == "bernoulli"),
        "block_lt_updates": int(not m["lifetime_updates"]),
    }
    mapping = {
        "model.n_nodes": "n_nodes", "model.node_dim": "node_features",
        "model.edge_dim": "edge_features", "model.propagation_steps": "rnn_iters",
        "model.synaptogenesis": "synaptogenesis", "model.pruning": "pruning",
        "model.sa_steps": "dev_steps (their spontaneous-activity steps before the lifetime)",
        "model.lifetime_updates": "block_lt_updates = not lifetime_updates",
        "model.mu_conn": "p_hh = p_ih = p_ho", "model.sigma_conn": "s_hh = s_ih = s_ho",
        "model.bias": "use_bias",
        "model.decision": "stochastic_decisions = (decision == 'bernoulli')",
        "model.threshold": "hard-coded .6 in lndp.py update_state (checked equal)",
        "model.n_heads/qk_dim/value_dim/mlp_width": "hard-coded 3/4/8/16 in lndp.py (checked equal)",
        "model (reference-profile fields)": "their computation by definition of the profile (checked)",
        "task.name": f"env_name = {ENV_NAMES[task]!r}",
        "task.n_trials": "eval_reps",
        "train.popsize": "popsize", "train.generations": "generations",
        "train.strategy": "strategy", "train.seed": "seed (their own key derivation)",
        "train.sigma_init": "evosax 0.1.6 CMA_ES default sigma_init 1.0 (their trainer passes no es_kws)",
        "train.init_mean": "evosax 0.1.6 CMA_ES init_min = init_max = 0 (mean 0)",
        "train.checkpoint_every": "this script's checkpoint.pkl cadence (25), not a setting of their code",
        "fixed in their Config, our model does the same": "is_recurrent 0, gnn_iters 1, l1_penalty 0, "
                                                          "dev_after_episode 0, dense_reward 0",
    }
    if task == "foraging":
        mapping.update({
            "task.p_switch": "p_switch (their Config default is 0.0: set explicitly)",
            "task.grid_size": "env_size",
            "task.max_steps": "GridTask n_steps = 100 (their default, not a Config field)",
            "task.reset_after": "GridChemotaxis max_steps = 10 (reset when steps == 10: 11th step)",
            "task.n_episodes": "one lifetime (GridEpisodicTask ignores n_episodes)",
        })
    else:
        mapping.update({
            "task.n_episodes": "n_episodes",
            "task.max_steps": "None: gymnax max_steps_in_episode (500); their scan always runs 500",
        })
    unmatched = [
        {"field": "train.eigen_every", "ours": tr["eigen_every"], "theirs": 1,
         "note": "their CMA_ES (evosax 0.1.6) recomputes the full eigendecomposition of C in every ask"},
        {"field": "train.seed", "ours": tr["seed"], "theirs": seed,
         "note": "same number, other random streams: their key derivation (train.py) and jax 0.4.30's "
                 "default PRNG (jax_threefry_partitionable False) against ours"},
        {"field": "evolution strategy implementation", "ours": "evosax 0.3 CMA_ES (lndp.strategies)",
         "theirs": "evosax 0.1.6 CMA_ES",
         "note": "see tests/test_strategies_reference.py and tests/fixtures/reference/README.md "
                 "(cmaes_evosax016.npz): tied fitness values are ranked differently (0.3: average "
                 "rank, truncated, shares one weight; 0.1.6: stable sort order), the rank-one "
                 "update's stall test uses exponent 2(g+2) in 0.3, 2(g+1) in 0.1.6, and the "
                 "eigendecomposition's floors differ (0.3: D >= 1e-4, C + 1e-8 I; 0.1.6: D >= 1e-10, "
                 "C rebuilt as B D^2 B^T)"},
    ]
    if task == "cartpole":
        unmatched.append({"field": "episode loop", "ours": "stops when every member of a group is done",
                          "theirs": "always scans 500 steps per episode",
                          "note": "same returns (their valid_mask); cost only"})
    return cfg, mapping, unmatched


# ----------------------------------------------------------------------------- io


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def write_json_atomic(path: str, obj) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def read_log(path: str) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_log(path: str, fields: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)


def fmt(x) -> str:
    return repr(float(x))


def log_row(generation: int, d: dict, seconds: float) -> dict:
    """Their metrics_fn dict -> one log.csv row (see the module docstring)."""
    row = {"generation": str(generation),
           "fitness_mean": fmt(d["gen_mean"]), "fitness_max": fmt(d["gen_best"]),
           "fitness_min": fmt(d["gen_worse"]), "fitness_std": fmt(math.sqrt(max(float(d["var"]), 0.0))),
           "best_so_far": fmt(d["best"])}
    eps = sorted(int(k[3:-5]) for k in d if k.startswith("ep_") and k.endswith("_mean"))
    for i in eps:
        row[f"return_episode_{i + 1}"] = fmt(d[f"ep_{i}_mean"])
    used = {"gen_mean", "gen_best", "gen_worse", "var", "best"} | {f"ep_{i}_mean" for i in eps}
    for k in sorted(d):
        if k not in used:
            row[f"authors_{k}"] = fmt(d[k])
    row["seconds"] = fmt(seconds)
    return row


# ----------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--authors", required=True, help="checkout of erwanplantec/LNDP")
    ap.add_argument("--figure", required=True)
    ap.add_argument("--task", required=True)
    ap.add_argument("--condition", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--plan", default=os.path.join(ROOT, "results", "plan.json"))
    ap.add_argument("--ours", default=os.path.join(ROOT, "results", "cpu"),
                    help="our run folders, whose config.json gives the settings")
    ap.add_argument("--out", default=None, help="run folder (default: the registered layout)")
    ap.add_argument("--ckpt-dir", default=os.path.join(ROOT, "_build", "authors-ckpts"),
                    help="where their Logger writes its own checkpoint of the mean")
    ap.add_argument("--generations", type=int, default=None,
                    help="tests only: another budget than the plan's")
    ap.add_argument("--stop-after", type=int, default=None,
                    help="tests only: stop after this many generations of this call")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--overwrite", action="store_true")
    args = ap.parse_args(argv)

    def refuse(msg: str) -> int:
        print(f"error: {msg}", file=sys.stderr)
        return 2

    if args.resume and args.overwrite:
        return refuse("--resume and --overwrite exclude each other")
    run = find_run(args.plan, args.figure, args.task, args.condition, args.seed)
    budget = run["budget"]
    generations = budget["generations"] if args.generations is None else args.generations
    rel = os.path.join(CONTROL, args.figure, args.task, args.condition, f"seed{args.seed}")
    out = os.path.abspath(args.out or os.path.join(ROOT, "results", rel))
    ours_path = os.path.join(args.ours, args.figure, args.task, args.condition,
                             f"seed{args.seed}", "config.json")
    with open(ours_path) as f:
        ours = json.load(f)
    cfg_over, mapping, unmatched = their_settings(ours, budget, args.seed, generations)

    meta_path, log_path = os.path.join(out, "meta.json"), os.path.join(out, "log.csv")
    ckpt_path = os.path.join(out, "checkpoint.pkl")
    old_meta = None
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            old_meta = json.load(f)
    if old_meta is not None and not args.overwrite:
        if old_meta.get("finished"):
            return refuse(f"{out} holds a finished run; pass --overwrite to replace it")
        if not args.resume:
            return refuse(f"{out} holds an unfinished run; pass --resume or --overwrite")
        if old_meta.get("config_passed") != cfg_over:
            return refuse(f"{out}: its run was made with other settings; pass --overwrite")
    if args.resume and old_meta is None:
        return refuse(f"{out}: nothing to resume")
    if args.overwrite:
        for p in (meta_path, log_path, ckpt_path):
            if os.path.exists(p):
                os.remove(p)
    os.makedirs(out, exist_ok=True)

    # --- their code -------------------------------------------------------------------
    authors = os.path.abspath(args.authors)
    if not os.path.isfile(os.path.join(authors, "lndp.py")):
        return refuse(f"{authors} does not look like a checkout of erwanplantec/LNDP")
    sys.path.insert(0, authors)
    logged: list[dict] = []
    wandb = types.ModuleType("wandb")  # their Logger._log -> hcb.id_tap(wandb.log)
    wandb.log = lambda d, *a, **k: logged.append({key: float(v) for key, v in d.items()})
    wandb.init = wandb.finish = lambda *a, **k: None
    sys.modules["wandb"] = wandb

    import equinox as eqx
    import jax
    import jax.numpy as jnp
    import jax.random as jr
    import numpy as np
    from importlib.metadata import version

    from lndp import make as model_factory
    from task import make as task_factory
    from train import Config
    from trainer import make as trainer_factory

    try:
        commit = subprocess.run(["git", "-C", authors, "rev-parse", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        commit_source = "git rev-parse HEAD in the checkout"
    except Exception:
        commit, commit_source = COMMIT, "assumed: the checkout is a git archive of that commit"

    ckpt_prefix = os.path.join(os.path.abspath(args.ckpt_dir), rel, "authors")
    os.makedirs(os.path.dirname(ckpt_prefix), exist_ok=True)
    cfg = Config()._replace(**cfg_over, ckpt_file=ckpt_prefix)
    assert set(cfg_over) <= set(Config._fields)

    key_model, key_train = jr.split(jr.key(cfg.seed))
    model = model_factory(cfg, key_model)
    params, statics = eqx.partition(model, eqx.is_array)
    task = task_factory(cfg, statics)
    trainer = trainer_factory(cfg, task, params)
    assert trainer.logger is not None and trainer.logger.wandb_log

    def step(carry):
        state, k = carry
        k, k_ = jr.split(k)  # the body of their BaseTrainer.train_
        state, data = trainer.train_step(state, k_)
        trainer.logger.log(state, data)
        return state, k

    jstep = jax.jit(step)
    key_train, ktrain = jr.split(key_train)  # their n_seeds loop, seed 0 of 1
    init_key, k = jr.split(ktrain)  # their init_and_train_
    state0 = trainer.initialize(init_key)
    shapes = jax.eval_shape(jstep, (state0, k))[0]

    def typed(tree):  # the carry types their fori_loop gives the state
        return jax.tree_util.tree_map(lambda x, s: jnp.asarray(x, dtype=s.dtype), tree, shapes)

    rows = read_log(log_path) if args.resume else []
    if args.resume and os.path.exists(ckpt_path):
        with open(ckpt_path, "rb") as f:
            ck = pickle.load(f)
        state = typed(ck["es_state"])
        k = jr.wrap_key_data(jnp.asarray(ck["key_data"]))
        done = int(ck["generation"])
        if len(rows) < done:
            return refuse(f"{out}: log.csv has {len(rows)} rows, the checkpoint {done} generations")
        rows = rows[:done]
        prior_seconds = float(ck.get("seconds", 0.0))
    else:
        state, done, rows, prior_seconds = typed(state0), 0, [], 0.0
    assert int(state.gen_counter) == done

    meta = {
        "what": f"the authors' code at our cpu budget: controls.{CONTROL} in results/plan.json",
        "run": {"figure": args.figure, "task": args.task, "condition": args.condition,
                "seed": args.seed},
        "authors_repo": "github.com/erwanplantec/LNDP", "authors_commit": commit,
        "authors_commit_source": commit_source,
        "budget_registered": budget,
        "budget_used": {"popsize": cfg.popsize, "generations": generations,
                        "n_trials": cfg.eval_reps,
                        "n_episodes": cfg.n_episodes if cfg.env_name != "Grid" else 1,
                        **({"max_steps": int(task.n_steps)} if cfg.env_name == "Grid" else {})},
        "budget_is_registered": generations == budget["generations"],
        "ours_config": os.path.relpath(ours_path, ROOT),
        "config_passed": cfg_over,
        "their_config_full": {k_: v for k_, v in cfg._asdict().items() if k_ != "ckpt_file"},
        "their_ckpt_file": os.path.relpath(ckpt_prefix, ROOT),
        "settings_mapping": mapping,
        "unmatched": unmatched,
        "trainer": "their trainer.make(cfg, task, params): EvosaxTrainer(strategy='CMA_ES', "
                   "ParameterReshaper(params), FitnessShaper(maximize=True), eval_reps, "
                   "Logger(wandb_log=True, metrics_fn, ckpt_file)), n_devices=1",
        "n_params": int(trainer.params_shaper.total_params),
        "logging": "their Logger (utils/trainer.py Logger.log -> trainer.py metrics_fn -> "
                   "host_callback.id_tap -> wandb.log); wandb is a stub that hands each dict "
                   "to this script, which writes it as a log.csv row after the generation",
        "loop": "Python loop over jax.jit of their train_ body; resumable via checkpoint.pkl",
        "checkpoint_every": CHECKPOINT_EVERY,
        "jax_threefry_partitionable": bool(jax.config.jax_threefry_partitionable),
        "versions": {p: version(p) for p in ("jax", "jaxlib", "evosax", "gymnax", "equinox", "numpy")},
        "python": platform.python_version(),
        "backend": jax.default_backend(),
        "cpu_model": cpu_model(),
        "cpu_affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "generations_done": done,
        "total_seconds": prior_seconds,
        "finished": False,
    }
    if old_meta and args.resume:
        meta["resumed_at"] = old_meta.get("resumed_at", []) + [done]
    write_json_atomic(meta_path, meta)

    fields = None
    if rows:
        fields = list(rows[0].keys())

    def checkpoint(state, k, done, seconds):
        payload = {"generation": done, "es_state": jax.device_get(state),
                   "key_data": np.asarray(jr.key_data(k)), "seconds": seconds}
        tmp = ckpt_path + ".tmp"
        with open(tmp, "wb") as f:
            pickle.dump(payload, f)
        os.replace(tmp, ckpt_path)

    target = generations if args.stop_after is None else min(generations, done + args.stop_after)
    total = prior_seconds
    try:
        while done < target:
            logged.clear()
            t0 = time.perf_counter()
            state, k = jstep((state, k))
            jax.block_until_ready(state)
            jax.effects_barrier()
            seconds = time.perf_counter() - t0
            if len(logged) != 1:
                raise RuntimeError(f"their logger gave {len(logged)} dicts for one generation")
            done += 1
            total += seconds
            row = log_row(done, logged[0], seconds)
            if fields is None:
                fields = list(row)
            if list(row) != fields:
                raise RuntimeError(f"log columns changed: {list(row)} vs {fields}")
            rows.append(row)
            write_log(log_path, fields, rows)
            if done % CHECKPOINT_EVERY == 0:
                checkpoint(state, k, done, total)
                meta.update(generations_done=done, total_seconds=total)
                write_json_atomic(meta_path, meta)
            print(f"gen {done:4d}  mean {row['fitness_mean']:>10.10s}  max {row['fitness_max']:>8.8s}  "
                  f"best {row['best_so_far']:>8.8s}  {seconds:7.2f}s", flush=True)
    finally:
        if done > 0:
            checkpoint(state, k, done, total)
        meta.update(generations_done=done, total_seconds=total, finished=done >= generations)
        write_json_atomic(meta_path, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
