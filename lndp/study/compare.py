"""Beyond the paper: the same claims judged on the reference and on the corrected model.

The `cpu-corrected` plan section repeats the decisive Foraging comparisons with the
`corrected` profile (the authors' quirks fixed, `lndp.config.PROFILE_VALUES`). This module
sets the verdicts of both side by side, each under the same registered rules.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lndp.study import claims, evidence, runs

#: the claims the corrected section repeats: claim → (task, rule)
REPEATED = {"1b": ("foraging", lambda ev: claims.sp_beats(ev, "1b", "foraging")),
            "3b": ("foraging", claims.only_lndp_adapts)}


def evaluate_finished(results_dir: str | Path, n_trials: int = 20,
                      current_only: bool = True) -> None:
    """Evaluate (and cache) every finished run of the NDP-vs-LNDP figure in results_dir
    (claim 3b reads them; only runs this code made, with `current_only`), as that
    figure's page does for its own scale (`lndp.experiments.evaluate_runs`)."""
    from lndp.experiments import evaluate_runs, label

    found = [{"figure": r.figure, "task": r.task, "condition": r.condition,
              "label": label(r.condition), "seed": r.seed, "path": str(r.path)}
             for r in runs.list_runs(results_dir, claims.NDP_FIGURE,
                                     current_only=current_only)]
    if found:
        evaluate_runs(pd.DataFrame(found), n_trials)


def profile_comparison(reference_dir: str | Path, corrected_dir: str | Path) -> pd.DataFrame:
    """One row per repeated claim: its verdict and result on each model (only runs this
    code made; a side without runs reads 'not run yet')."""
    for folder in (reference_dir, corrected_dir):
        evaluate_finished(folder)
    sides = {"reference": evidence.gather(reference_dir, current_only=True),
             "corrected": evidence.gather(corrected_dir, current_only=True)}
    rows = []
    for claim, (task, rule) in REPEATED.items():
        row = {"claim": claim, "statement": claims.CLAIMS[claim], "task": task}
        for side, ev in sides.items():
            verdict = rule(ev)
            row[f"{side} verdict"] = verdict.verdict
            row[f"{side} result"] = verdict.result
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["REPEATED", "evaluate_finished", "profile_comparison"]
