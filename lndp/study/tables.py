"""Tables and text of the study: how verdicts, effects and plans read on a page.

Nothing here decides anything (the rules hash does not cover it): a typo fixed here
leaves every registered verdict as it was.
"""

from __future__ import annotations

import pandas as pd

from pathlib import Path

from lndp.design.figures import label
from lndp.design.plan import section_runs, stages
from lndp.study.control import Fidelity
from lndp.study.evidence import Evidence
from lndp.study.rules import CLAIMS
from lndp.study.scope import INTERIM, Judgement, judge_claim
from lndp.study.stats import t_interval


def seed_range(seeds) -> str:
    """'0–12' for a run of consecutive seeds, else '0, 2, 5'."""
    seeds = list(seeds)
    if seeds == list(range(min(seeds), max(seeds) + 1)):
        return f"{min(seeds)}–{max(seeds)}"
    return ", ".join(map(str, seeds))


def markdown_table(table: pd.DataFrame, columns=("claim", "statement", "result",
                                                 "verdict")) -> str:
    """A pipe table of some columns (cells' pipes escaped), for IPython's Markdown."""
    def cell(value):
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |"
              for _, row in table.iterrows()]
    return "\n".join(lines)


def claims_table(judged: list[Judgement], budgets: dict[str, str] | None = None
                 ) -> pd.DataFrame:
    """One row per claim: claim, statement, task, result, verdict (interim marked; with
    `budgets`, claim → share of the paper's evaluations, the verdict names its budget),
    runs (finished of planned), rule."""
    budgets = budgets or {}

    def verdict(j: Judgement) -> str:
        share = budgets.get(j.verdict.claim)
        return f"{j.shown} ({share} of the paper's evaluations)" if share else j.shown

    return pd.DataFrame([{"claim": j.verdict.claim, "statement": CLAIMS[j.verdict.claim],
                          "task": j.verdict.task, "result": j.verdict.result,
                          "verdict": verdict(j), "runs": j.runs, "rule": j.verdict.rule}
                         for j in judged])


def effects_table(judged: list[Judgement]) -> pd.DataFrame:
    """The forest plot's rows: one per effect of each claim, an interim claim's marked
    INTERIM."""
    rows = [{"claim": j.verdict.claim, "verdict": INTERIM if j.interim else j.verdict.verdict,
             **vars(e)} for j in judged for e in j.verdict.effects]
    columns = ["claim", "verdict", "label", "estimate", "lo", "hi", "expected", "null",
               "margin", "scale", "unit", "control"]
    return pd.DataFrame(rows, columns=columns)


def stage_table(ev: Evidence, section: str, results_dir: str | Path | None = None
                ) -> pd.DataFrame:
    """A claim registered in stages (`plan.stages`), judged at each stage on the planned
    runs of that stage's seeds: claim, stage, seeds, runs, verdict, result."""
    scopes = section_runs(section, results_dir)
    rows = []
    for claim, stage_seeds in stages(section, results_dir).items():
        for stage, seeds in enumerate(stage_seeds, 1):
            runs = frozenset(r for r in scopes[claim] if r[3] in set(seeds))
            judged = judge_claim(ev, claim, runs)
            rows.append({"claim": claim, "stage": stage, "seeds": seed_range(seeds),
                         "runs": judged.runs, "verdict": judged.shown,
                         "result": judged.verdict.result})
    return pd.DataFrame(rows, columns=["claim", "stage", "seeds", "runs", "verdict", "result"])


def _interval(values) -> str:
    i = t_interval(list(values))
    return f"{i.mean:.1f}" if i.n < 2 else f"{i.mean:.1f} [{i.lo:.1f}, {i.hi:.1f}]"


def fidelity_table(results: list[Fidelity]) -> pd.DataFrame:
    """One row per condition of the authors'-code control: our final fitness and theirs
    (mean [95 % t interval], seeds), the difference, the margin, TOST p, the verdict."""
    rows = []
    for r in results:
        ran = len(r.ours) >= 2 and len(r.theirs) >= 2
        rows.append({
            "condition": f"{r.task}, {label(r.condition)} ({r.figure.replace('_', ' ')})",
            "ours": f"{_interval(r.ours.values())} ({len(r.ours)} seeds)" if r.ours else "—",
            "authors' code": (f"{_interval(r.theirs.values())} ({len(r.theirs)} of "
                              f"{r.planned_theirs} seeds)") if r.theirs else
                             f"— (0 of {r.planned_theirs} seeds)",
            "difference": (f"{r.difference.diff:+.1f} [{r.difference.lo:.1f}, "
                           f"{r.difference.hi:.1f}]") if ran else "—",
            "margin": f"± {r.margin:.1f}" if ran else "—",
            "TOST p": f"{r.tost_p:.2g}" if ran else "—",
            "verdict": r.verdict})
    return pd.DataFrame(rows, columns=["condition", "ours", "authors' code", "difference",
                                       "margin", "TOST p", "verdict"])


__all__ = ["fidelity_table", "seed_range", "markdown_table", "claims_table", "effects_table", "stage_table"]
