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
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from lndp.config import SCALES, Config, preset

FIGURES = ("structural_plasticity", "spontaneous_activity", "ndp_vs_lndp", "network_development")

#: seeds per condition when `run_figure(seeds=None)`
DEFAULT_SEEDS = {"smoke": 1, "reduced": 3, "cpu": 5, "paper": 5}
#: the figures whose pages (and claims 2a–2c, 3b) read an evaluation of each trained run's
#: ES-mean parameters over fresh lifetimes → episodes per lifetime (None: the run's own;
#: the paper's SA figure shows 3 episodes)
EVALUATED_FIGURES = {"spontaneous_activity": 3, "ndp_vs_lndp": None}


def evaluation_trials(scale: str) -> int:
    """Evaluation lifetimes per trained run (`evaluate_runs`) at a scale."""
    return 4 if scale == "smoke" else 20


#: where `run_figure(results_dir=None)` keeps the runs of each scale (relative to the
#: project root). Separate folders, so that a paper-scale run never meets a committed
#: reduced run of the same figure/task/condition/seed (different configs: an error).
RESULTS_DIRS = {"smoke": "_build/smoke/results", "reduced": "results/reduced", "cpu": "results/cpu",
                "paper": "results_paper"}


#: scales whose committed runs were made by an earlier model and are shown as such
#: (labelled on every page); at every other scale the book shows only runs this code made
#: (`lndp.study.runs.made_by_this_code`), the others are left out and listed
ARCHIVED_SCALES = ("reduced",)


def current_only(scale: str) -> bool:
    """Whether a scale's pages show only runs this code made (see ARCHIVED_SCALES)."""
    return scale not in ARCHIVED_SCALES


def figures_folder(scale: str) -> str:
    """Where a scale's figures go (relative to the project root): figures/<scale>/, so
    no scale's figures overwrite another's; smoke figures stay in _build/."""
    return "_build/smoke/figures" if scale == "smoke" else f"figures/{scale}"


def sa_steps(scale: str) -> int:
    """Spontaneous-activity steps used by the SA and NDP figures (paper: 100)."""
    return 10 if scale == "smoke" else 100


# Acrobot and Pendulum are the last priority and cost as much per run as CartPole: their
# reduced grid keeps only what claims 1c and 1d compare.
_SMALL_SP_GRID_TASKS = ("acrobot", "pendulum")


@dataclass(frozen=True)
class Condition:
    """One experimental condition: its folder name, its legend label, what it changes in
    the preset, and how every figure draws it. Built once here; code that needs a fact
    about a condition reads it from the record (never by parsing the name)."""

    name: str  # the run folder's name: <figure>/<task>/<name>/seed<k>
    label: str  # legend and table label, the same in every figure
    overrides: Mapping[str, Any]  # dotted config overrides on top of the preset
    colour: str  # one colour per condition in every figure (hex)
    structural_plasticity: bool = True
    mu_conn: float | None = None  # the initial-connectivity setting (SP grid only)
    sigma_conn: float | None = None

    @property
    def linestyle(self) -> str:
        """Solid for SP on, dashed for SP off (the paper's red/blue pairs)."""
        return "-" if self.structural_plasticity else "--"


# SP on in reds, SP off in blues (the paper's colours); darker = denser start. One fixed
# shade per (μ_conn, σ_conn), so a condition keeps its colour at every scale and figure.
_SP_SHADES = {(0.0, 0.0): "#fcae91", (0.0, 0.1): "#fb6a4a", (0.5, 0.0): "#ef3b2c",
              (0.5, 0.1): "#cb181d", (1.0, 0.0): "#a50f15", (1.0, 0.1): "#67000d"}
_NOSP_SHADES = {(0.5, 0.0): "#6baed6", (0.5, 0.1): "#2171b5", (1.0, 0.0): "#08519c",
                (1.0, 0.1): "#08306b"}


def _sp_condition(sp: bool, mu: float, sigma: float) -> Condition:
    overrides: dict[str, Any] = {"model.mu_conn": mu, "model.sigma_conn": sigma}
    if not sp:
        overrides |= {"model.synaptogenesis": False, "model.pruning": False}
    return Condition(
        name=f"{'sp' if sp else 'nosp'}_mu{mu:g}_sigma{sigma:g}",
        label=f"{'SP' if sp else 'no SP'} (μ={mu:g}, σ={sigma:g})",
        overrides=overrides, colour=(_SP_SHADES if sp else _NOSP_SHADES)[(mu, sigma)],
        structural_plasticity=sp, mu_conn=mu, sigma_conn=sigma)


def _sp_conditions(scale: str, task: str | None = None) -> dict[str, Condition]:
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
    elif scale in ("reduced", "cpu"):
        grid = [(True, 0.0, 0.1), (True, 0.5, 0.1), (True, 1.0, 0.1),
                (False, 0.5, 0.1), (False, 1.0, 0.1)]
        if task in _SMALL_SP_GRID_TASKS:
            grid = [(True, 0.0, 0.1), (True, 0.5, 0.1), (False, 0.5, 0.1)]
    else:
        grid = [(sp, mu, sigma) for sp in (True, False) for mu in (0.0, 0.5, 1.0)
                for sigma in (0.0, 0.1) if sp or mu > 0]
    records = [_sp_condition(*setting) for setting in grid]
    return {c.name: c for c in records}


def _other_conditions(sa: int) -> dict[str, Condition]:
    """The spontaneous-activity and NDP-vs-LNDP conditions (sa: SA steps at this scale).
    'lndp' and 'sa_lndp' are the same model (SA + lifetime updates), as are 'ndp' and
    'sa_nolifetime' (SA, then frozen): one label and one colour for each model."""
    records = [
        Condition("sa_lndp", "LNDP", {"model.sa_steps": sa}, "#d62728"),
        Condition("nosa_lndp", "LNDP without SA", {"model.sa_steps": 0}, "#2ca02c"),
        Condition("sa_nolifetime", "NDP",
                  {"model.sa_steps": sa, "model.lifetime_updates": False}, "#1f77b4"),
        Condition("lndp", "LNDP", {"model.sa_steps": sa}, "#d62728"),
        Condition("ndp", "NDP", {"model.sa_steps": sa, "model.lifetime_updates": False},
                  "#1f77b4"),
    ]
    return {c.name: c for c in records}


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


def condition_records(figure: str, scale: str, task: str | None = None) -> dict[str, Condition]:
    """Condition name → record, for a figure at a scale (and task: the reduced
    structural-plasticity grid is smaller on Acrobot and Pendulum)."""
    _check(figure, scale)
    if figure == "structural_plasticity":
        return _sp_conditions(scale, task)
    other = _other_conditions(sa_steps(scale))
    if figure == "spontaneous_activity":
        return {n: other[n] for n in ("sa_lndp", "nosa_lndp", "sa_nolifetime")}
    if figure == "ndp_vs_lndp":
        return {n: other[n] for n in ("lndp", "ndp")}
    # network_development: the default LNDP (SP on, μ_conn 0.5, σ_conn 0.1); at smoke
    # scale this is the structural_plasticity run "sp_mu0.5_sigma0.1", which is reused.
    return {"lndp": Condition("lndp", "LNDP", {}, other["lndp"].colour)}


def conditions(figure: str, scale: str, task: str | None = None) -> dict[str, dict[str, Any]]:
    """Condition name → dotted config overrides (see `condition_records`)."""
    return {name: dict(c.overrides)
            for name, c in condition_records(figure, scale, task).items()}


@lru_cache(maxsize=None)
def _all_conditions() -> dict[str, Condition]:
    """Every condition of every figure and scale, by name. A name's label, colour and SP
    setting are the same in every figure and scale; its overrides are not (SA steps
    differ by scale; 'lndp' has SA in ndp_vs_lndp only): read those from
    `condition_records(figure, scale, task)`."""
    found: dict[str, Condition] = {}
    for scale in SCALES:
        for figure in FIGURES:
            for task in (None, *tasks(figure, scale)):
                found |= condition_records(figure, scale, task)
    return found


def condition(name: str) -> Condition:
    """The record of a condition by its name (a run folder's condition part), for its
    label, colour and line style; its overrides: `condition_records`."""
    known = _all_conditions()
    if name not in known:
        raise KeyError(f"condition: unknown condition {name!r}; known: {', '.join(known)}")
    return known[name]


def label(name: str) -> str:
    """The legend label of a condition (its name itself if it is not a known condition)."""
    try:
        return condition(name).label
    except KeyError:
        return name


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise ValueError(f"scale: unknown scale {scale!r}; valid: {', '.join(SCALES)}")


def _check(figure: str, scale: str) -> None:
    if figure not in FIGURES:
        raise ValueError(f"figure: unknown figure {figure!r}; valid: {', '.join(FIGURES)}")
    _check_scale(scale)


def figure_config(figure: str, task: str, condition: str, scale: str, seed: int,
                  profile: str | None = None) -> Config:
    """A run's config: the scale's preset (at `profile`, default the scale's), the
    condition's overrides and the seed."""
    return preset(task, scale, profile, **conditions(figure, scale, task)[condition],
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


#: the status of a run left out because another version of the code made it
OTHER_CODE = "left out: made by other code (python -m lndp replay checks it)"


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

    def references(self) -> dict[str, tuple[float, str]]:
        """Task → (value, label) of the figures' dotted floor line (`reference_lines`)."""
        return reference_lines(self.runs)

    def __repr__(self) -> str:
        return (f"FigureResults({self.figure!r}, scale={self.scale!r}, runs={len(self.runs)}, "
                f"training rows={len(self.training)}, evaluation rows={len(self.evaluation)})")


def reference_lines(runs: pd.DataFrame) -> dict[str, tuple[float, str]]:
    """Per task of `runs` (columns task, path), under the first run's own task settings:
    on Foraging the best return a memoryless policy can expect (what a frozen network can
    do), elsewhere that of the best observation-blind policy (one constant action).
    Curves that end on such a line have learned nothing beyond it."""
    from lndp.envs.baselines import reference_line
    from lndp.study.runs import load_config

    lines: dict[str, tuple[float, str]] = {}
    for run in runs.itertuples():
        if run.task not in lines:
            lines[run.task] = reference_line(load_config(run.path).task)
    return lines


def _find_finished_twin(results_dir: Path, config: Config, exclude: Path) -> Path | None:
    """A finished run elsewhere in results_dir with exactly this config."""
    from lndp.study.runs import list_runs

    wanted = config.to_dict()
    for run in list_runs(results_dir):
        path = run.path / "config.json"
        if run.path.resolve() == exclude.resolve() or not path.exists():
            continue
        try:
            if json.loads(path.read_text()) == wanted:
                return run.path
        except (OSError, json.JSONDecodeError):
            continue
    return None


def _has_finished(out: Path, config: Config, results_dir: Path) -> bool:
    """A finished run of `config` is at `out`, or elsewhere in results_dir to copy."""
    from lndp.study.runs import is_finished, load_config

    if is_finished(out) and (out / "config.json").exists():
        return load_config(out).to_dict() == config.to_dict()
    return not (out / "config.json").exists() and \
        _find_finished_twin(results_dir, config, out) is not None


def train_run(config: Config, out: Path, results_dir: Path, retrain: bool = False) -> str:
    """Make sure `out` holds a finished run of `config`; returns what was done."""
    from lndp.study.runs import is_finished, load_config
    from lndp.train import train

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
    trained parameters (EVALUATED_FIGURES); default `evaluation_trials(scale)`.
    only_tasks: restrict to these of the figure's tasks (e.g. to run the cheap ones first).
    only_conditions: restrict to these of the figure's conditions (e.g. to split one task's
    runs between two processes); a name no task of the figure has is an error.
    train_missing: False = never train: runs without a finished run folder are listed
    with status "missing" and left out of the data (how the book is built from the
    committed results without re-training).
    """
    from lndp.study.runs import made_by_this_code, read_log, run_dir

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
                out = run_dir(results_dir, figure, task, condition, seed)
                config = figure_config(figure, task, condition, scale, seed)
                if train_missing or _has_finished(out, config, results_dir):
                    status = train_run(config, out, results_dir, retrain=retrain)
                    if made_by_this_code(out) is False:
                        status = (OTHER_CODE if current_only(scale) else
                                  status + " (made by other code: retrain=True to renew)")
                else:
                    status = "missing"
                if verbose:
                    print(f"{figure}/{task}/{condition}/seed{seed}: {status}", file=sys.stdout)
                runs.append({"figure": figure, "task": task, "condition": condition,
                             "label": label(condition), "seed": seed, "path": str(out),
                             "status": status})
                if status in ("missing", OTHER_CODE):
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
    missing = runs[runs.status.isin(["missing", OTHER_CODE])]
    if len(missing) and verbose:
        print(f"{len(missing)} of {len(runs)} runs are not in {results_dir} and were left "
              "out (train_missing=False); run `python -m lndp figure --figure "
              f"{figure} --scale {scale}` to train them.", file=sys.stdout)
    found = runs[~runs.status.isin(["missing", OTHER_CODE])].reset_index(drop=True)
    results = FigureResults(figure, scale, found,
                            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
                            missing=missing.reset_index(drop=True))
    if figure in EVALUATED_FIGURES and len(found):
        results.evaluation = evaluate_runs(results.runs, n_eval_trials or evaluation_trials(scale),
                                           n_episodes=EVALUATED_FIGURES[figure], retrain=retrain)
        if only_tasks is None and only_conditions is None:  # the figure's table: all of it
            results.evaluation.to_csv(results_dir / figure / "evaluation.csv", index=False)
    return results


def evaluate_finished(scale: str, results_dir: str | Path | None = None) -> pd.DataFrame:
    """Evaluate (and cache) every finished run this code made of the figures that evaluate
    their runs, with the settings their pages use at this scale. A figure page evaluates
    only its own seeds; the claims that read evaluations (2a–2c, 3b) are judged on every
    seed their plan lists, so the results page calls this before it gathers the evidence.
    Returns the evaluations (`evaluate_runs`), cached ones included."""
    from lndp.study.runs import list_runs

    _check_scale(scale)
    results_dir = results_folder(scale, results_dir)
    frames = []
    for figure, episodes in EVALUATED_FIGURES.items():
        found = pd.DataFrame([{"figure": r.figure, "task": r.task, "condition": r.condition,
                               "label": label(r.condition), "seed": r.seed, "path": str(r.path)}
                              for r in list_runs(results_dir, figure, current_only=True)])
        if len(found):
            frames.append(evaluate_runs(found, evaluation_trials(scale), n_episodes=episodes))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def evaluate_runs(runs: pd.DataFrame, n_trials: int, n_episodes: int | None = None,
                  eval_seed: int = 12345, retrain: bool = False) -> pd.DataFrame:
    """Per-episode returns of each run's ES-mean parameters over `n_trials` fresh lifetimes.

    n_episodes overrides the lifetime's episode count (the paper's SA figure shows 3
    episodes; smoke-scale training uses 1). Cached as evaluation.csv in each run folder.
    Columns: figure, task, condition, label, seed, eval_trial, episode, return.
    """
    import jax

    from lndp.rollout import Agent, evaluate
    from lndp.study.runs import load_config, load_params

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
                # a run copied from another figure carries that figure's cache: the
                # labels are this run's own
                frames.append(frame.assign(figure=run.figure, task=run.task,
                                           condition=run.condition, label=run.label,
                                           seed=run.seed))
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


# network development moved to lndp.study.development; the figure notebook imports it here
from lndp.study.development import (Development, record_development,  # noqa: E402,F401
                                    save_development)


__all__ = ["FIGURES", "DEFAULT_SEEDS", "RESULTS_DIRS", "FigureResults", "Development",
           "Condition", "condition", "condition_records", "conditions", "tasks", "label",
           "run_figure", "evaluate_runs", "evaluate_finished", "EVALUATED_FIGURES",
           "evaluation_trials", "reference_lines", "record_development",
           "save_development", "figure_config", "project_root", "resolve", "results_folder",
           "sa_steps"]
