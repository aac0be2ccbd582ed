"""The authors' own code trained at our budget: a fidelity control with its own rule.

`results/plan.json` → ``controls.authors-cpu`` registers runs of the authors' `train.py`
(their model, task and trainer; `tools/train_authors.py`) at exactly the `cpu` budget of
some of our conditions, logged into the same layout under ``results/authors-cpu/``
(log.csv, and meta.json in place of summary.json). `fidelity` sets each registered
condition's final fitness of our runs beside theirs and judges it by the rule registered
before their runs (results/PLAN.md, 2026-12-01 09:55 UTC):

- **equivalent**: both one-sided Welch tests (TOST, α = 0.05) reject a difference beyond
  ± 10 % of the learnable range (floor → the best fitness any member of either code
  reached);
- **different**: Welch's two-sided test rejects equality (α = 0.05) and the 90 % interval
  of the difference lies wholly outside the margin on one side;
- **inconclusive** otherwise; *interim* while a registered run of either side is missing.

It is a result about this implementation, not about the paper: it judges no claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lndp.design.layout import finished_seeds, resolve
from lndp.design.plan import finished_control_runs, load_plan
from lndp.runfolder import load_config, read_log
from lndp.study import stats
from lndp.study.evidence import LAST, task_facts

CONTROL = "authors-cpu"
ALPHA = 0.05
MARGIN_FRACTION = 0.10
EQUIVALENT, DIFFERENT, INCONCLUSIVE = "equivalent", "different", "inconclusive"


@dataclass(frozen=True)
class Fidelity:
    """One registered condition: our final fitness per seed beside theirs, and the rule's
    verdict (`verdict` is prefixed 'interim' while runs are missing)."""

    figure: str
    task: str
    condition: str
    ours: dict[int, float]
    theirs: dict[int, float]
    planned_theirs: int
    margin: float
    difference: stats.Comparison | None
    tost_p: float
    verdict: str


def _final(run: Path) -> float:
    rows = read_log(run)[-LAST:]
    return float(np.mean([float(r["fitness_mean"]) for r in rows]))


def _best(run: Path) -> float:
    return max(float(r["best_so_far"]) for r in read_log(run))


def fidelity(ours_dir: str | Path | None = None, control_dir: str | Path | None = None,
             results_dir: str | Path | None = None, current_only: bool = True
             ) -> list[Fidelity]:
    """Every condition the control registers, judged by its rule (see the module doc):
    ours = every finished run of that condition in `ours_dir` (default: the section the
    control compares with), theirs = its finished runs in `control_dir`."""
    control = load_plan(results_dir).get("controls", {}).get(CONTROL)
    if not control:
        return []
    ours_dir = resolve(ours_dir or f"results/{control['compare_with']}")
    control_dir = resolve(control_dir or control["results_dir"])
    results = []
    for entry in control["runs"]:
        for condition in entry["conditions"]:
            where = (entry["figure"], entry["task"], condition)
            ours_runs = finished_seeds(ours_dir, *where, current_only=current_only)
            theirs_runs = finished_control_runs(control_dir, *where)
            ours = {s: _final(p) for s, p in ours_runs.items()}
            theirs = {s: _final(p) for s, p in theirs_runs.items()}
            results.append(_judge(where, ours, theirs, len(entry["seeds"]),
                                  [*ours_runs.values(), *theirs_runs.values()]))
    return results


def _judge(where, ours, theirs, planned, runs) -> Fidelity:
    if len(ours) < 2 or len(theirs) < 2:
        return Fidelity(*where, ours, theirs, planned, float("nan"), None, float("nan"),
                        f"not run yet ({len(theirs)} of {planned} of their runs)")
    facts = task_facts(load_config(next(p for p in runs if (p / "config.json").exists()))
                       .task)
    span = max(max(_best(p) for p in runs) - facts.floor, 1e-9)
    margin = MARGIN_FRACTION * span
    difference = stats.welch(ours.values(), theirs.values())
    tost_p, narrow = stats.tost(ours.values(), theirs.values(), margin, ALPHA)
    if tost_p < ALPHA:
        verdict = EQUIVALENT
    elif difference.p < ALPHA and (narrow.lo > margin or narrow.hi < -margin):
        verdict = DIFFERENT
    else:
        verdict = INCONCLUSIVE
    if len(theirs) < planned:
        verdict = f"interim ({len(theirs)} of {planned} of their runs): {verdict} so far"
    return Fidelity(*where, ours, theirs, planned, margin, difference, tost_p, verdict)


__all__ = ["CONTROL", "ALPHA", "MARGIN_FRACTION", "EQUIVALENT", "DIFFERENT", "INCONCLUSIVE",
           "Fidelity", "fidelity"]
