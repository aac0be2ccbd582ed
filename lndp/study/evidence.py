"""What each claim needs, read from the run folders: per-seed numbers and task floors.

This module reads; `lndp.study.rules` judges. `gather` turns a results folder into an
`Evidence` of plain numbers (one per seed), so the rules can be tested on synthetic
evidence and never touch a run folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from lndp.design.layout import list_runs
from lndp.envs import baselines, make_task
from lndp.runfolder import load_config, log_mean, read_evaluation, read_log

#: final fitness = mean population fitness over the last LAST generations
LAST = 10


@dataclass
class ConditionEvidence:
    """Per-seed numbers of one condition of one figure and task (finished runs only)."""

    final: dict[int, float] = field(default_factory=dict)  # mean fitness, last 10 gens
    start: dict[int, float] = field(default_factory=dict)  # mean fitness, first 10 gens
    final_max: dict[int, float] = field(default_factory=dict)  # population max, last 10
    best: dict[int, float] = field(default_factory=dict)  # best fitness ever reached
    # evaluation of the ES-mean parameters (figures that evaluate their runs):
    episodes: dict[int, np.ndarray] = field(default_factory=dict)  # mean return per episode
    episode_sd: dict[int, float] = field(default_factory=dict)  # s.d. across episodes
    lifetime_mean: dict[int, float] = field(default_factory=dict)  # mean return per episode
    lifetime_se: dict[int, float] = field(default_factory=dict)  # its standard error


@dataclass
class TaskFacts:
    """Floors and scales of one task as one figure's runs configured it."""

    floor: float  # what a policy that learns nothing can expect per episode
    floor_label: str  # e.g. "best constant action (0)"
    max_return: float | None = None  # CartPole: 1 per step; None where not used


@dataclass
class Evidence:
    conditions: dict[tuple[str, str, str], ConditionEvidence] = field(default_factory=dict)
    tasks: dict[tuple[str, str], TaskFacts] = field(default_factory=dict)
    development: pd.DataFrame = field(default_factory=pd.DataFrame)  # see development.py

    def get(self, figure: str, task: str, condition: str) -> ConditionEvidence:
        return self.conditions.get((figure, task, condition), ConditionEvidence())

    def condition_names(self, figure: str, task: str) -> list[str]:
        return sorted(c for f, t, c in self.conditions if (f, t) == (figure, task))

    def scoped(self, planned: Iterable[tuple[str, str, str, int]]) -> "Evidence":
        """The same evidence with only these runs, each (figure, task, condition, seed):
        what one claim is judged on when a plan lists its runs. Development lifetimes are
        kept for the (task, seed) pairs of the runs."""
        keep: dict[tuple[str, str, str], set[int]] = {}
        for figure, task, condition, seed in planned:
            keep.setdefault((figure, task, condition), set()).add(int(seed))

        def only(c: ConditionEvidence, seeds: set[int]) -> ConditionEvidence:
            return ConditionEvidence(**{f.name: {s: v for s, v in getattr(c, f.name).items()
                                                 if s in seeds} for f in fields(c)})

        development = self.development
        if {"task", "seed"} <= set(development.columns):
            pairs = {(task, s) for (_, task, _), seeds in keep.items() for s in seeds}
            mask = [(t, int(s)) in pairs for t, s in zip(development.task, development.seed)]
            development = development[pd.Series(mask, index=development.index, dtype=bool)]
        return Evidence({k: only(c, keep[k]) for k, c in self.conditions.items() if k in keep},
                        dict(self.tasks), development)


def task_facts(task) -> TaskFacts:
    """The floor of a task (memoryless ceiling on Foraging, best constant action
    elsewhere) and, on CartPole, the maximum episode return."""
    value, label = baselines.reference_line(task)
    built = make_task(task)
    per_step = built.spec.max_return_per_step  # CartPole pays 1 per step
    top = None if per_step is None else per_step * float(built.params.max_steps_in_episode)
    return TaskFacts(value, label, top)


def _condition(seeds: dict[int, Path]) -> ConditionEvidence:
    ev = ConditionEvidence()
    for seed, run in seeds.items():
        ev.final[seed] = log_mean(run, "fitness_mean", LAST)
        ev.start[seed] = log_mean(run, "fitness_mean", LAST, first=True)
        ev.final_max[seed] = log_mean(run, "fitness_max", LAST)
        rows = read_log(run)
        if rows and "best_so_far" in rows[0]:
            ev.best[seed] = max(float(r["best_so_far"]) for r in rows)
        evaluation = read_evaluation(run)
        if evaluation is None:
            continue
        ev.episodes[seed] = evaluation.groupby("episode")["return"].mean().to_numpy()
        per_lifetime = evaluation.groupby("eval_trial")["return"]
        ev.episode_sd[seed] = float(per_lifetime.std(ddof=0).mean())
        means = per_lifetime.mean()
        ev.lifetime_mean[seed] = float(means.mean())
        ev.lifetime_se[seed] = float(means.std(ddof=1) / np.sqrt(len(means)))
    return ev


def gather(results_dir: str | Path, development: pd.DataFrame | None = None,
           current_only: bool = False) -> Evidence:
    """Everything the claims read, from the finished runs under results_dir (only those
    this code made, with `current_only`).

    development: `lndp.study.development.development_statistics(results_dir)`."""
    evidence = Evidence(development=pd.DataFrame() if development is None else development)
    grouped: dict[tuple[str, str, str], dict[int, Path]] = {}
    for run in list_runs(results_dir, current_only=current_only):
        grouped.setdefault((run.figure, run.task, run.condition), {})[run.seed] = run.path
    for key, seeds in grouped.items():
        evidence.conditions[key] = _condition(seeds)
        figure, task, _ = key
        first = next(iter(seeds.values()))
        if (figure, task) not in evidence.tasks and (first / "config.json").exists():
            evidence.tasks[(figure, task)] = task_facts(load_config(first).task)
    return evidence


__all__ = ["LAST", "ConditionEvidence", "TaskFacts", "Evidence", "task_facts", "gather"]
