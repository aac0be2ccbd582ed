"""Train (or read) every run of a figure, and return its data as tidy frames.

`run_figure` trains every task × condition × seed of a figure into the layout of
`lndp.design.layout`, skipping finished runs and resuming unfinished ones, so a notebook
re-run costs nothing once its runs exist, and committed results under ``results/`` are
read instead of being retrained. A run whose exact config already finished under another
figure (e.g. the CartPole LNDP with spontaneous activity, shared by two figures) is copied,
not retrained. Everything returned is a tidy pandas DataFrame: one row per observation.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from lndp.config import Config, scale_record
from lndp.design.figures import (EVALUATED_FIGURES, check, conditions, figure_config, label,
                                 tasks)
from lndp.design.layout import (current_only, list_runs, made_by_this_code, resolve,
                                results_folder, run_dir)
from lndp.design.plan import controls_beside, finished_control_runs
from lndp.envs.baselines import reference_line
from lndp.pipeline.evaluation import evaluate_runs
from lndp.runfolder import is_finished, load_config, read_log
from lndp.train import train


def seeds_of(seeds: int | Iterable[int] | None, scale: str) -> list[int]:
    """The seeds a figure trains: a count k (seeds 0..k-1), a list, or None (the scale's
    default count); a negative count or seed is an error naming the parameter."""
    if seeds is None:
        seeds = scale_record(scale).default_seeds
    if isinstance(seeds, bool) or not isinstance(seeds, (int, list, tuple, range)):
        raise ValueError(f"seeds: a count or a list of seeds, got {seeds!r}")
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"seeds: the number of seeds must be ≥ 1, got {seeds}")
        return list(range(seeds))
    if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds):
        raise ValueError(f"seeds: a list of seeds must hold integers ≥ 0, got {list(seeds)}")
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
    #: per generation × run of a registered control beside these runs (the authors' code
    #: at the same budget, `control_training`); empty where none is registered
    control: pd.DataFrame = field(default_factory=pd.DataFrame)

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
    lines: dict[str, tuple[float, str]] = {}
    for run in runs.itertuples():
        if run.task not in lines:
            lines[run.task] = reference_line(load_config(run.path).task)
    return lines


def control_training(figure: str, results_dir: str | Path,
                     only_tasks: Iterable[str] | None = None) -> pd.DataFrame:
    """Per generation × finished run of every registered control beside `results_dir`'s
    runs (`controls_beside`) for `figure`: their logged fitness, with the columns of
    `FigureResults.training` they share (figure, task, condition, label, seed, generation,
    fitness_mean, fitness_max, best_so_far) and `control` (the control's name)."""
    frames = []
    for name, control in controls_beside(results_dir).items():
        folder = resolve(control["results_dir"])
        for entry in control["runs"]:
            if entry["figure"] != figure or (only_tasks is not None
                                             and entry["task"] not in only_tasks):
                continue
            for condition in entry["conditions"]:
                runs = finished_control_runs(folder, figure, entry["task"], condition)
                for seed, path in runs.items():
                    log = pd.DataFrame(read_log(path)).apply(pd.to_numeric, errors="coerce")
                    log = log[[c for c in ("generation", "fitness_mean", "fitness_max",
                                           "best_so_far") if c in log]]
                    frames.append(log.assign(figure=figure, task=entry["task"],
                                             condition=condition, label=label(condition),
                                             seed=seed, control=name))
    columns = ["figure", "task", "condition", "label", "seed", "control"]
    if not frames:
        return pd.DataFrame(columns=[*columns, "generation", "fitness_mean", "fitness_max"])
    frame = pd.concat(frames, ignore_index=True)
    return frame[[*columns, *[c for c in frame.columns if c not in columns]]]


def find_finished_twin(results_dir: Path, config: Config, exclude: Path) -> Path | None:
    """A finished run elsewhere in results_dir with exactly this config."""
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
    if is_finished(out) and (out / "config.json").exists():
        return load_config(out).to_dict() == config.to_dict()
    return not (out / "config.json").exists() and \
        find_finished_twin(results_dir, config, out) is not None


def train_run(config: Config, out: Path, results_dir: Path, retrain: bool = False) -> str:
    """Make sure `out` holds a finished run of `config`; returns what was done."""
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
            f"{out}: holds a finished run with another config (another scale's run? each "
            "scale has its own results folder, lndp.config.SCALE_RECORDS); pass "
            "retrain=True to replace it, or use another results_dir")
    if not (out / "config.json").exists():
        twin = find_finished_twin(results_dir, config, out)
        if twin is not None:
            if out.exists():
                shutil.rmtree(out)
            shutil.copytree(twin, out)
            return f"copied from {twin.relative_to(results_dir)}"
        train(config, out, progress=False)
        return "trained"
    if not (out / "checkpoint.pkl").exists():
        # an unfinished run whose checkpoint is gone (checkpoints are never committed, so
        # a new machine has none): only its first generations' log is lost by restarting
        train(config, out, overwrite=True, progress=False)
        return "restarted (no checkpoint)"
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

    seeds: a count (seeds 0..k-1), a list of seeds, or None (the scale's default_seeds).
    results_dir: the run folders; None: the scale's own folder (its Scale.results_dir).
    n_eval_trials: evaluation lifetimes per trained run for the figures that evaluate the
    trained parameters (EVALUATED_FIGURES); default the scale's evaluation_trials.
    only_tasks: restrict to these of the figure's tasks (e.g. to run the cheap ones first).
    only_conditions: restrict to these of the figure's conditions (e.g. to split one task's
    runs between two processes); a name no task of the figure has is an error.
    train_missing: False = never train: runs without a finished run folder are listed
    with status "missing" and left out of the data (how the book is built from the
    committed results without re-training).
    """
    check(figure, scale)
    results_dir = results_folder(scale, results_dir)
    seed_list = [0] if figure == "network_development" and seeds is None else seeds_of(seeds, scale)
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
                            missing=missing.reset_index(drop=True),
                            control=control_training(figure, results_dir, figure_tasks))
    if figure in EVALUATED_FIGURES and len(found):
        results.evaluation = evaluate_runs(results.runs,
                                           n_eval_trials or scale_record(scale).evaluation_trials,
                                           n_episodes=EVALUATED_FIGURES[figure], retrain=retrain)
        if only_tasks is None and only_conditions is None:  # the figure's table: all of it
            results.evaluation.to_csv(results_dir / figure / "evaluation.csv", index=False)
    return results


__all__ = ["OTHER_CODE", "FigureResults", "control_training", "reference_lines", "seeds_of",
           "find_finished_twin", "train_run", "run_figure"]
