"""The measures the rules read: every number a verdict depends on is computed here or in
`lndp.study.evidence` (which gathers them per seed), never in the rules' text.

Registered with the rules (`lndp.study.plan.RULE_FILES`): a change here changes the
rules hash, and needs a dated entry in results/RULE_CHANGES.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from lndp.runfolder import read_log
from lndp.study.evidence import Evidence, TaskFacts

#: the share of structural change in the busiest `TOP_FRACTION` of a lifetime's steps
TOP_FRACTION = 0.1
#: a curve has flattened when its expected gain over another stretch as long as the
#: last FLAT_TAIL of training is below FLAT_FRACTION of the learnable range
FLAT_TAIL = 0.25
FLAT_FRACTION = 0.05


def learnable_range(ev: Evidence, figure: str, task: str, conditions) -> tuple[TaskFacts, float]:
    """The task's floor and its learnable range: floor → the best fitness any member of
    these conditions' runs reached (never below 1e-9, so margins stay positive)."""
    facts = ev.tasks[(figure, task)]
    best = max((v for c in conditions for v in ev.get(figure, task, c).best.values()),
               default=facts.floor)
    return facts, max(best - facts.floor, 1e-9)


def seed_means(dev: pd.DataFrame, parameters: str, column: str,
                measurable_only: bool = False) -> dict[int, float]:
    """Per seed: the mean of a lifetime statistic over its recorded lifetimes (only over
    measurable ones with `measurable_only`; a seed with most lifetimes unmeasurable is
    left out)."""
    part = dev[dev.parameters == parameters]
    out = {}
    for seed, lives in part.groupby("seed"):
        if measurable_only:
            if lives.measurable.sum() * 2 <= len(lives):
                continue
            lives = lives[lives.measurable]
        out[int(seed)] = float(lives[column].mean())
    return out


def top_share(changes: np.ndarray, top_fraction: float = TOP_FRACTION) -> float:
    """Share of all changes made in the busiest ⌈top_fraction · steps⌉ steps (NaN if none)."""
    changes = np.sort(np.asarray(changes))[::-1]
    k = max(1, int(np.ceil(top_fraction * len(changes))))
    return float(changes[:k].sum() / changes.sum()) if changes.sum() else float("nan")


def min_changes(steps: int, top_fraction: float = TOP_FRACTION) -> int:
    """The fewest changes at which a lifetime's top share means something: twice the
    number of busiest steps. With fewer, even changes spread one per step over the
    lifetime would put half or more of them in the busiest steps."""
    return 2 * max(1, int(np.ceil(top_fraction * steps)))


def lifetime_statistics(traces: pd.DataFrame, top_fraction: float = TOP_FRACTION) -> pd.DataFrame:
    """One row per recorded lifetime: parameters, key, steps (updates after G0), changes,
    top_share, measurable (changes ≥ min_changes), initial and final density."""
    rows = []
    for (parameters, key), life in traces.groupby(["parameters", "key"], sort=False):
        life = life.sort_values("step")
        changes = life.changes.to_numpy()[1:]  # the updates; step 0 is the initial graph
        rows.append({"parameters": parameters, "key": int(key), "steps": len(changes),
                     "changes": int(changes.sum()),
                     "top_share": top_share(changes, top_fraction),
                     "measurable": bool(changes.sum() >= min_changes(len(changes), top_fraction)),
                     "initial_density": float(life.density.iloc[0]),
                     "final_density": float(life.density.iloc[-1])})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Flatness:
    """Per-seed expected gain over another stretch as long as the last `tail` of
    training (the least-squares slope of the mean fitness there × its length), its t
    interval over seeds, and whether it is below `fraction` of the learnable range."""

    gain: float
    lo: float
    hi: float
    threshold: float
    flattened: bool


def flatness(run_folders: Iterable, span: float, tail: float = FLAT_TAIL,
             fraction: float = FLAT_FRACTION, column: str = "fitness_mean") -> Flatness:
    """Whether the training curves of some runs (one per seed) have flattened: the upper
    end of the 95 % t interval of their expected further gain lies below `fraction` of
    `span` (the learnable range)."""
    gains = []
    for folder in run_folders:
        values = np.array([float(r[column]) for r in read_log(folder)])
        last = values[-max(int(len(values) * tail), 2):]
        slope = np.polyfit(np.arange(len(last)), last, 1)[0]
        gains.append(slope * len(last))
    gains = np.asarray(gains)
    mean = float(gains.mean())
    if len(gains) < 2:
        return Flatness(mean, float("nan"), float("nan"), fraction * span, False)
    half = scipy_stats.t.ppf(0.975, len(gains) - 1) * gains.std(ddof=1) / np.sqrt(len(gains))
    threshold = fraction * span
    return Flatness(mean, mean - half, mean + half, threshold, bool(mean + half < threshold))


__all__ = ["TOP_FRACTION", "FLAT_TAIL", "FLAT_FRACTION", "learnable_range", "seed_means",
           "top_share", "min_changes", "lifetime_statistics", "Flatness", "flatness"]
