"""The paper's experiments as named conditions, and a small resumable driver for them.

Each figure is a set of tasks and named conditions (condition name → dotted config
overrides on top of `lndp.config.preset(task, scale)`). `run_figure` trains every
task × condition × seed into

    <results_dir>/<figure>/<task>/<condition>/seed<k>/

skipping finished runs and resuming unfinished ones, so a notebook re-run costs nothing
once its runs exist, and committed results under ``results/`` are read instead of being
retrained. A run whose exact config already finished under another figure (e.g. the
CartPole LNDP with spontaneous activity, shared by two figures) is copied, not retrained.

Everything returned is a tidy pandas DataFrame: one row per observation.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from lndp.config import SCALES, Config, preset

FIGURES = ("structural_plasticity", "spontaneous_activity", "ndp_vs_lndp", "network_development")

#: seeds per condition when `run_figure(seeds=None)`
DEFAULT_SEEDS = {"smoke": 1, "reduced": 3, "paper": 5}
#: where `run_figure(results_dir=None)` keeps the runs of each scale (relative to the
#: project root). Separate folders, so that a paper-scale run never meets a committed
#: reduced run of the same figure/task/condition/seed (different configs: an error).
RESULTS_DIRS = {"smoke": "_build/smoke/results", "reduced": "results", "paper": "results_paper"}


def sa_steps(scale: str) -> int:
    """Spontaneous-activity steps used by the SA and NDP figures (paper: 100)."""
    return 10 if scale == "smoke" else 100


# Acrobot and Pendulum are the last priority and cost as much per run as CartPole: their
# reduced grid keeps only what claims 1c and 1d compare.
_SMALL_SP_GRID_TASKS = ("acrobot", "pendulum")


def _sp_name(sp: bool, mu: float, sigma: float) -> str:
    return f"{'sp' if sp else 'nosp'}_mu{mu:g}_sigma{sigma:g}"


def _sp_conditions(scale: str, task: str | None = None) -> dict[str, dict[str, Any]]:
    """SP on/off over initial-connectivity settings (μ_conn, σ_conn).

    `paper` runs the full grid μ ∈ {0, 0.5, 1} × σ ∈ {0, 0.1} (no-SP never from empty
    networks: nothing could grow). `reduced` keeps the settings the claims are about, so
    the grid fits a CPU budget. On CartPole and Foraging (claims 1a, 1b: SP beats no-SP in
    every condition) 5 conditions: SP vs no-SP at μ 0.5 and μ 1, and SP from an empty
    network with σ 0.1. On Acrobot and Pendulum (claims 1c, 1d) 3: SP vs no-SP at μ 0.5 and
    SP from an empty network. `task=None` gives the union over tasks.
    """
    if scale == "smoke":
        grid = [(True, 0.5, 0.1)]
    elif scale == "reduced":
        grid = [(True, 0.0, 0.1), (True, 0.5, 0.1), (True, 1.0, 0.1),
                (False, 0.5, 0.1), (False, 1.0, 0.1)]
        if task in _SMALL_SP_GRID_TASKS:
            grid = [(True, 0.0, 0.1), (True, 0.5, 0.1), (False, 0.5, 0.1)]
    else:
        grid = [(sp, mu, sigma) for sp in (True, False) for mu in (0.0, 0.5, 1.0)
                for sigma in (0.0, 0.1) if sp or mu > 0]
    conditions = {}
    for sp, mu, sigma in grid:
        overrides = {"model.mu_conn": mu, "model.sigma_conn": sigma}
        if not sp:
            overrides |= {"model.synaptogenesis": False, "model.pruning": False}
        conditions[_sp_name(sp, mu, sigma)] = overrides
    return conditions


def tasks(figure: str, scale: str) -> tuple[str, ...]:
    """The tasks of a figure at a scale."""
    _check(figure, scale)
    if figure == "structural_plasticity":
        # smoke: two tasks keep the CI build to a few minutes (every config compiles anew)
        return (("cartpole", "foraging") if scale == "smoke"
                else ("cartpole", "acrobot", "pendulum", "foraging"))
    if figure == "spontaneous_activity":
        return ("cartpole",)
    if figure == "ndp_vs_lndp":
        return ("foraging", "cartpole")
    return ("cartpole",) if scale == "smoke" else ("cartpole", "acrobot", "pendulum", "foraging")


def conditions(figure: str, scale: str, task: str | None = None) -> dict[str, dict[str, Any]]:
    """Condition name → dotted config overrides, for a figure at a scale (and task: the
    reduced structural-plasticity grid is smaller on Acrobot and Pendulum)."""
    _check(figure, scale)
    sa = sa_steps(scale)
    if figure == "structural_plasticity":
        return _sp_conditions(scale, task)
    if figure == "spontaneous_activity":
        return {
            "sa_lndp": {"model.sa_steps": sa},
            "nosa_lndp": {"model.sa_steps": 0},
            "sa_nolifetime": {"model.sa_steps": sa, "model.lifetime_updates": False},
        }
    if figure == "ndp_vs_lndp":
        return {
            "lndp": {"model.sa_steps": sa},
            "ndp": {"model.sa_steps": sa, "model.lifetime_updates": False},
        }
    # network_development: the default LNDP (SP on, μ_conn 0.5, σ_conn 0.1); at smoke
    # scale this is the structural_plasticity run "sp_mu0.5_sigma0.1", which is reused.
    return {"lndp": {}}


def label(condition: str) -> str:
    """A human-readable label for a condition name (used in legends)."""
    fixed = {
        "sa_lndp": "SA + lifetime updates",
        "nosa_lndp": "no SA",
        "sa_nolifetime": "SA, no lifetime updates",
        "lndp": "LNDP",
        "ndp": "NDP",
    }
    if condition in fixed:
        return fixed[condition]
    if condition.startswith(("sp_", "nosp_")):
        sp, mu, sigma = condition.split("_")
        return f"{'SP' if sp == 'sp' else 'no SP'} (μ={mu[2:]}, σ={sigma[5:]})"
    return condition


def _check(figure: str, scale: str) -> None:
    if figure not in FIGURES:
        raise ValueError(f"figure: unknown figure {figure!r}; valid: {', '.join(FIGURES)}")
    if scale not in SCALES:
        raise ValueError(f"scale: unknown scale {scale!r}; valid: {', '.join(SCALES)}")


def figure_config(figure: str, task: str, condition: str, scale: str, seed: int) -> Config:
    return preset(task, scale, **conditions(figure, scale, task)[condition],
                  **{"train.seed": seed})


def project_root(start: str | Path | None = None) -> Path:
    """The folder holding pyproject.toml above `start` (default: cwd), else cwd (Colab)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").exists() and (folder / "lndp").is_dir():
            return folder
    return here


def resolve(path: str | Path) -> Path:
    """A relative path is taken relative to the project root (notebooks run in notebooks/)."""
    path = Path(path)
    return path if path.is_absolute() else project_root() / path


def results_folder(scale: str, results_dir: str | Path | None = None) -> Path:
    """The run folders: `results_dir` if given, else the scale's own (RESULTS_DIRS)."""
    return resolve(RESULTS_DIRS[scale] if results_dir is None else results_dir)


def _seed_list(seeds: int | Iterable[int] | None, scale: str) -> list[int]:
    if seeds is None:
        seeds = DEFAULT_SEEDS[scale]
    if isinstance(seeds, int):
        return list(range(seeds))
    return [int(s) for s in seeds]


# -- the driver ------------------------------------------------------------------------

@dataclass
class FigureResults:
    """What `run_figure` returns: tidy frames (see the module docstring)."""

    figure: str
    scale: str
    runs: pd.DataFrame  # one row per run: task, condition, seed, path, status
    training: pd.DataFrame  # one row per generation × run
    evaluation: pd.DataFrame = field(default_factory=pd.DataFrame)  # per episode × trial
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)  # runs left out, not trained

    def final_generation(self) -> pd.DataFrame:
        """The last logged generation of each run, averaged over seeds per task × condition."""
        columns = ["generation", "fitness_mean", "fitness_max", "best_so_far", "density_mean"]
        if self.training.empty:
            return pd.DataFrame(columns=["task", "label", *columns])
        last = self.training.sort_values("generation").groupby(["task", "label", "seed"]).tail(1)
        return last.groupby(["task", "label"])[columns].mean().round(2)

    def returns(self, by: Sequence[str] = ("task", "label", "episode")) -> pd.DataFrame:
        """Mean, standard deviation and count of the evaluation returns, grouped by `by`."""
        if self.evaluation.empty:
            return pd.DataFrame(columns=[*by, "mean", "std", "count"])
        grouped = self.evaluation.groupby(list(by))["return"]
        return grouped.agg(["mean", "std", "count"]).round(1)

    def __repr__(self) -> str:
        return (f"FigureResults({self.figure!r}, scale={self.scale!r}, runs={len(self.runs)}, "
                f"training rows={len(self.training)}, evaluation rows={len(self.evaluation)})")


def _find_finished_twin(results_dir: Path, config: Config, exclude: Path) -> Path | None:
    """A finished run elsewhere in results_dir with exactly this config."""
    wanted = config.to_dict()
    for path in sorted(results_dir.glob("*/*/*/seed*/config.json")):
        folder = path.parent
        if folder.resolve() == exclude.resolve() or not (folder / "summary.json").exists():
            continue
        try:
            if json.loads(path.read_text()) == wanted:
                return folder
        except (OSError, json.JSONDecodeError):
            continue
    return None


def _has_finished(out: Path, config: Config, results_dir: Path) -> bool:
    """A finished run of `config` is at `out`, or elsewhere in results_dir to copy."""
    from lndp.train import is_finished, load_config

    if is_finished(out) and (out / "config.json").exists():
        return load_config(out).to_dict() == config.to_dict()
    return not (out / "config.json").exists() and \
        _find_finished_twin(results_dir, config, out) is not None


def train_run(config: Config, out: Path, results_dir: Path, retrain: bool = False) -> str:
    """Make sure `out` holds a finished run of `config`; returns what was done."""
    from lndp.train import is_finished, load_config, train

    if retrain:
        train(config, out, overwrite=True, progress=False)
        return "trained (retrain)"
    if is_finished(out) and (out / "config.json").exists():
        old = load_config(out)
        if old.to_dict() == config.to_dict():
            return "finished (read)"
        if old.replace(**{"train.generations": config.train.generations}) == config and \
                old.train.generations < config.train.generations:
            train(config, out, resume=True, progress=False)  # extend a finished run
            return "extended"
        raise RuntimeError(
            f"{out}: holds a finished run with another config (another scale's run? each scale "
            f"has its own default results_dir: {RESULTS_DIRS}); pass retrain=True to replace "
            "it, or use another results_dir"
        )
    if not (out / "config.json").exists():
        twin = _find_finished_twin(results_dir, config, out)
        if twin is not None:
            if out.exists():
                shutil.rmtree(out)
            shutil.copytree(twin, out)
            return f"copied from {twin.relative_to(results_dir)}"
        train(config, out, progress=False)
        return "trained"
    train(config, out, resume=True, progress=False)
    return "resumed"


def run_figure(
    figure: str,
    scale: str = "smoke",
    seeds: int | Iterable[int] | None = None,
    results_dir: str | Path | None = None,
    retrain: bool = False,
    n_eval_trials: int | None = None,
    verbose: bool = True,
    only_tasks: Iterable[str] | None = None,
    train_missing: bool = True,
    only_conditions: Iterable[str] | None = None,
) -> FigureResults:
    """Train (or read) every run of a figure and return its tidy data.

    seeds: a count (seeds 0..k-1), a list of seeds, or None (DEFAULT_SEEDS[scale]).
    results_dir: the run folders; None: the scale's own folder (RESULTS_DIRS[scale]).
    n_eval_trials: evaluation lifetimes per trained run for the figures that evaluate the
    trained parameters (spontaneous_activity, ndp_vs_lndp); default 4 at smoke, 20 otherwise.
    only_tasks: restrict to these of the figure's tasks (e.g. to run the cheap ones first).
    only_conditions: restrict to these of the figure's conditions (e.g. to split one task's
    runs between two processes); a name no task of the figure has is an error.
    train_missing: False = never train: runs without a finished run folder are listed
    with status "missing" and left out of the data (how the book is built from the
    committed results without re-training).
    """
    from lndp.train import made_by_this_code, read_log

    _check(figure, scale)
    results_dir = results_folder(scale, results_dir)
    seed_list = [0] if figure == "network_development" and seeds is None else _seed_list(seeds, scale)
    runs, frames = [], []
    figure_tasks = tasks(figure, scale)
    if only_tasks is not None:
        unknown = set(only_tasks) - set(figure_tasks)
        if unknown:
            raise ValueError(f"only_tasks: {', '.join(sorted(unknown))} not in {figure}; "
                             f"valid: {', '.join(figure_tasks)}")
        figure_tasks = tuple(t for t in figure_tasks if t in only_tasks)
    if only_conditions is not None:
        known = set().union(*(conditions(figure, scale, t) for t in figure_tasks))
        unknown = set(only_conditions) - known
        if unknown:
            raise ValueError(f"only_conditions: {', '.join(sorted(unknown))} not in {figure} "
                             f"at {scale} scale; valid: {', '.join(sorted(known))}")
    for task in figure_tasks:
        for condition in conditions(figure, scale, task):
            if only_conditions is not None and condition not in only_conditions:
                continue
            for seed in seed_list:
                out = results_dir / figure / task / condition / f"seed{seed}"
                config = figure_config(figure, task, condition, scale, seed)
                if train_missing or _has_finished(out, config, results_dir):
                    status = train_run(config, out, results_dir, retrain=retrain)
                    if made_by_this_code(out) is False:
                        status += " (made by other code: retrain=True to renew)"
                else:
                    status = "missing"
                if verbose:
                    print(f"{figure}/{task}/{condition}/seed{seed}: {status}", file=sys.stdout)
                runs.append({"figure": figure, "task": task, "condition": condition,
                             "label": label(condition), "seed": seed, "path": str(out),
                             "status": status})
                if status == "missing":
                    continue
                log = pd.DataFrame(read_log(out)).apply(pd.to_numeric, errors="coerce")
                log.insert(0, "seed", seed)
                log.insert(0, "label", label(condition))
                log.insert(0, "condition", condition)
                log.insert(0, "task", task)
                log.insert(0, "figure", figure)
                log["structural_plasticity"] = config.model.structural_plasticity
                log["mu_conn"] = config.model.mu_conn
                log["sigma_conn"] = config.model.sigma_conn
                log["sa_steps"] = config.model.sa_steps
                log["lifetime_updates"] = config.model.lifetime_updates
                frames.append(log)
    runs = pd.DataFrame(runs)
    missing = runs[runs.status == "missing"]
    if len(missing) and verbose:
        print(f"{len(missing)} of {len(runs)} runs are not in {results_dir} and were left "
              "out (train_missing=False); run `python -m lndp figure --figure "
              f"{figure} --scale {scale}` to train them.", file=sys.stdout)
    found = runs[runs.status != "missing"].reset_index(drop=True)
    results = FigureResults(figure, scale, found,
                            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
                            missing=missing.reset_index(drop=True))
    if figure in ("spontaneous_activity", "ndp_vs_lndp") and len(found):
        n = n_eval_trials or (4 if scale == "smoke" else 20)
        episodes = 3 if figure == "spontaneous_activity" else None
        results.evaluation = evaluate_runs(results.runs, n, n_episodes=episodes, retrain=retrain)
        if only_tasks is None and only_conditions is None:  # the figure's table: all of it
            results.evaluation.to_csv(results_dir / figure / "evaluation.csv", index=False)
    return results


def evaluate_runs(runs: pd.DataFrame, n_trials: int, n_episodes: int | None = None,
                  eval_seed: int = 12345, retrain: bool = False) -> pd.DataFrame:
    """Per-episode returns of each run's ES-mean parameters over `n_trials` fresh lifetimes.

    n_episodes overrides the lifetime's episode count (the paper's SA figure shows 3
    episodes; smoke-scale training uses 1). Cached as evaluation.csv in each run folder.
    Columns: figure, task, condition, label, seed, eval_trial, episode, return.
    """
    import jax

    from lndp.rollout import Agent, evaluate
    from lndp.train import load_config, load_params

    frames = []
    for run in runs.itertuples():
        out = Path(run.path)
        cache = out / "evaluation.csv"
        config = load_config(out)
        if n_episodes is not None:
            config = config.replace(**{"task.n_episodes": n_episodes})
        tag = f"mean:{n_trials}x{config.task.n_episodes}@{eval_seed}"
        if cache.exists() and not retrain:
            frame = pd.read_csv(cache)
            if len(frame) and frame["tag"].iloc[0] == tag:
                frames.append(frame)
                continue
        agent = Agent(config)
        # The ES mean, not the "best member ever": that one won a noisy comparison and
        # re-evaluates lower (Foraging LNDP seed 2: 114.5 vs 136.7 over 100 lifetimes).
        returns = evaluate(agent, load_params(out, "mean"), jax.random.PRNGKey(eval_seed),
                           n_trials).astype(np.float64)
        trial, episode = np.meshgrid(np.arange(n_trials), np.arange(returns.shape[1]),
                                     indexing="ij")
        frame = pd.DataFrame({
            "figure": run.figure, "task": run.task, "condition": run.condition,
            "label": run.label, "seed": run.seed, "eval_trial": trial.ravel(),
            "episode": episode.ravel() + 1, "return": returns.ravel(), "tag": tag,
        })
        frame.to_csv(cache, index=False)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).drop(columns="tag")


# -- network development -----------------------------------------------------------------

@dataclass
class Development:
    """One recorded lifetime: density over time and graph snapshots."""

    task: str
    density: pd.DataFrame  # step, phase, phase_name, density, reward
    snapshots: list[dict[str, Any]]  # {step, title, adjacency (N,N), weights (N,N)}
    n_inputs: int
    n_outputs: int
    returns: np.ndarray  # episode returns of this lifetime


def record_development(run_dir: str | Path, key: int = 0, n_snapshots: int = 4,
                       n_episodes: int | None = None, agent=None,
                       untrained: bool = False) -> Development:
    """Record one lifetime of a trained run's ES-mean parameters (`Agent.record`).

    agent: an `lndp.rollout.Agent` built for this run's config (ignoring the seed), to
    reuse its compiled recorder across seeds; built from the run's config if None.
    untrained: record the parameters evolution started from instead (a control).
    """
    import jax

    from lndp.config import io_sizes
    from lndp.rollout import Agent
    from lndp.train import load_config, load_params

    config = load_config(run_dir)
    if n_episodes is not None:
        config = config.replace(**{"task.n_episodes": n_episodes})
    agent = agent or Agent(config)
    if untrained:  # the run's own starting point (the model's init for its seed)
        params = Agent(config).initial_params
    else:
        params = load_params(run_dir, "mean")
    result, trace = agent.recorded(params, jax.random.PRNGKey(key))
    trace = jax.tree.map(np.asarray, trace)
    keep = trace.active.astype(bool)
    phase = trace.phase[keep]
    names = np.where(phase == 0, "development (SA)" if config.model.sa_steps else "initial",
                     np.char.add("episode ", phase.astype(str))).astype(object)
    adjacency, weights = trace.adjacency[keep], trace.weights[keep]
    # synapses added or pruned since the previous recorded step (0 at the first)
    flips = np.abs(np.diff(adjacency.astype(np.int8), axis=0)).sum((1, 2))
    density = pd.DataFrame({
        "task": config.task.name, "step": np.arange(keep.sum()), "phase": phase,
        "phase_name": names, "density": trace.density[keep], "reward": trace.reward[keep],
        "changes": np.concatenate([[0], flips]),
    })
    names[0] = "initial G0"
    density.loc[0, "phase_name"] = "initial G0"
    # snapshots: the initial graph, the end of each phase (SA, episode k), then evenly spaced
    ends = [int(np.nonzero(phase == p)[0].max()) for p in np.unique(phase)]
    steps = list(dict.fromkeys([0, *ends]))[:n_snapshots]
    for s in np.linspace(0, len(density) - 1, n_snapshots + 2).round().astype(int):
        if len(steps) >= n_snapshots:
            break
        if s not in steps:
            steps.append(int(s))
    steps = sorted(steps)
    snapshots = [{"step": int(s), "title": f"step {s} ({names[s]})",
                  "adjacency": adjacency[s], "weights": weights[s]} for s in steps]
    n_inputs, n_outputs = io_sizes(config.task)
    return Development(config.task.name, density, snapshots, n_inputs, n_outputs,
                       np.asarray(result.episode_returns))


def save_development(dev: Development, folder: str | Path) -> None:
    """Write density.csv and snapshots.npz for a recorded lifetime."""
    folder = resolve(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dev.density.to_csv(folder / "density.csv", index=False)
    np.savez(folder / "snapshots.npz", steps=[s["step"] for s in dev.snapshots],
             adjacency=np.stack([s["adjacency"] for s in dev.snapshots]),
             weights=np.stack([s["weights"] for s in dev.snapshots]))


__all__ = ["FIGURES", "DEFAULT_SEEDS", "RESULTS_DIRS", "FigureResults", "Development",
           "conditions", "tasks", "label", "run_figure", "evaluate_runs", "record_development",
           "save_development", "figure_config", "project_root", "resolve", "results_folder",
           "sa_steps"]
