"""Beyond the paper: the same claims judged on the reference and on the corrected model.

The `cpu-corrected` plan section repeats the decisive Foraging comparisons with the
`corrected` profile (the authors' quirks fixed, `lndp.config.PROFILE_VALUES`). This module
sets the verdicts of both side by side, each under the same registered rules.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lndp.study import claims, evidence, scope

#: the claims the corrected section repeats: claim → task
REPEATED = {"1b": "foraging", "3b": "foraging"}


def profile_comparison(reference_dir: str | Path, corrected_dir: str | Path,
                       section: str = "cpu-corrected",
                       results_dir: str | Path | None = None,
                       scale: str = "cpu") -> pd.DataFrame:
    """One row per repeated claim: its verdict and result on each model (only runs this
    code made; a side without runs reads 'not run yet'). Both sides are judged on the
    runs `section` plans (the same figures, conditions and seeds on both models), each
    marked interim while its own runs of them are not all finished. Every finished run of
    an evaluated figure in both folders is evaluated first, with `scale`'s settings."""
    from lndp.experiments import evaluate_finished

    for folder in (reference_dir, corrected_dir):
        evaluate_finished(scale, folder)
    sides = {"reference": evidence.gather(reference_dir, current_only=True),
             "corrected": evidence.gather(corrected_dir, current_only=True)}
    planned = scope.claim_runs(section, results_dir)
    rows = []
    for claim, task in REPEATED.items():
        row = {"claim": claim, "statement": claims.CLAIMS[claim], "task": task}
        for side, ev in sides.items():
            judged = scope.judge_claim(ev, claim, planned.get(claim))
            row[f"{side} verdict"] = judged.shown
            row[f"{side} result"] = judged.verdict.result
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["REPEATED", "profile_comparison"]
