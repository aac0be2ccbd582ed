"""Beyond the paper: the same claims judged on the reference and on the corrected model.

The `cpu-corrected` plan section repeats the decisive Foraging comparisons with the
`corrected` profile (the authors' quirks fixed, `lndp.config.PROFILE_VALUES`). This module
sets the verdicts of both side by side, each under the same registered rules.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lndp.design.plan import section_runs
from lndp.study import evidence, scope
from lndp.study.rules import CLAIMS

#: the claims the corrected section repeats: claim → task
REPEATED = {"1b": "foraging", "3b": "foraging"}


def profile_comparison(reference_dir: str | Path, corrected_dir: str | Path,
                       section: str = "cpu-corrected",
                       results_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per repeated claim: its verdict and result on each model (only runs this
    code made; a side without runs reads 'not run yet'). Both sides are judged on the
    runs `section` plans (the same figures, conditions and seeds on both models), each
    marked interim while its own runs of them are not all finished. Both folders' runs
    must have been evaluated (`lndp.pipeline.evaluation.evaluate_every_finished_run`)."""
    sides = {"reference": evidence.gather(reference_dir, current_only=True),
             "corrected": evidence.gather(corrected_dir, current_only=True)}
    planned = section_runs(section, results_dir)
    rows = []
    for claim, task in REPEATED.items():
        row = {"claim": claim, "statement": CLAIMS[claim], "task": task}
        for side, ev in sides.items():
            judged = scope.judge_claim(ev, claim, planned.get(claim))
            row[f"{side} verdict"] = judged.shown
            row[f"{side} result"] = judged.verdict.result
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["REPEATED", "profile_comparison"]
