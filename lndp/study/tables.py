"""Tables and text of the study: how verdicts, effects and plans read on a page.

Nothing here decides anything (the rules hash does not cover it): a typo fixed here
leaves every registered verdict as it was.
"""

from __future__ import annotations

import pandas as pd

from pathlib import Path

from lndp.design.figures import label
from lndp.design.plan import section_runs, stages
from lndp.study.control import DIFFERENT, EQUIVALENT, Fidelity
from lndp.study.control import INCONCLUSIVE as CONTROL_INCONCLUSIVE
from lndp.study.evidence import Evidence
from lndp.study.rules import (CLAIMS, CONTRADICTED, INCONCLUSIVE, NOT_REACHED, NOT_RUN,
                              REPRODUCED)
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


__all__ = ["answer", "fidelity_table", "seed_range", "markdown_table", "claims_table", "effects_table", "stage_table"]


def _claim_list(claims: list[str]) -> str:
    return ", ".join(claims) if claims else "none"


def _count(claims: list[str], one: str, many: str) -> str:
    """'claim 1c is', 'claims 1b, 2a and 3b are', 'none is' (`one`, `many`: the verbs)."""
    if not claims:
        return f"none {one}"
    if len(claims) == 1:
        return f"claim {claims[0]} {one}"
    return f"claims {', '.join(claims[:-1])} and {claims[-1]} {many}"


def answer(judged: list[Judgement], share: str, fidelity: list[Fidelity] | None = None,
           pilots: tuple[int, int] | None = None,
           pilot_decisions: dict[str, str] | None = None) -> str:
    """The page's first paragraph, in plain sentences from the verdicts: what holds at
    this budget (`share`: of the paper's evaluations, `lndp.study.plan.budget_range`), what
    it cannot tell, how the authors' code behaves at the same budget (`fidelity`), and
    what it would take to decide the rest (`pilots`: long-budget pilot runs finished, of
    planned; `pilot_decisions`: claim → what the registered criterion says of its finished
    pilot, `lndp.study.power.pilot_outcomes`). Nothing in it is typed in by hand."""
    by: dict[str, list[str]] = {}
    for j in judged:
        outcome = "interim" if j.interim else j.verdict.verdict
        by.setdefault(outcome, []).append(j.verdict.claim)
    get = lambda outcome: by.get(outcome, [])  # noqa: E731
    sentences = [
        f"These runs spend {share} of the evaluations the paper's runs spent. Of the "
        f"{len(judged)} claims, at that budget, {_count(get(REPRODUCED), 'is', 'are')} "
        f"reproduced and {_count(get(CONTRADICTED), 'is', 'are')} *contradicted at this "
        f"budget* (the opposite of the claim, between conditions that both learned).",
        f"{_count(get(NOT_REACHED), 'is', 'are')[0].upper()}{_count(get(NOT_REACHED), 'is', 'are')[1:]} *not reached at this budget*: "
        f"the level or the learning they need did not appear, which this budget cannot turn "
        f"into evidence against the paper; {_count(get(INCONCLUSIVE), 'is', 'are')} "
        f"inconclusive" + (f", and {_count(get('interim'), 'waits', 'wait')} for planned runs"
                           if get("interim") else "")
        + (f"; {_count(get(NOT_RUN), 'has', 'have')} no run yet" if get(NOT_RUN) else "") + "."]
    if fidelity:
        ran = [f for f in fidelity if not f.verdict.startswith("not run yet")]
        done = sum(len(f.theirs) for f in fidelity)
        planned = sum(f.planned_theirs for f in fidelity)
        counts = {v: sum(f.verdict.endswith(v) or f.verdict.endswith(f"{v} so far")
                         for f in ran) for v in (EQUIVALENT, DIFFERENT, CONTROL_INCONCLUSIVE)}
        sentences.append(
            f"The authors' own code, trained at the same budget as a control: {done} of its "
            f"{planned} registered runs {'has' if done == 1 else 'have'} finished"
            + (f"; of the {len(ran)} conditions with runs on both sides, "
               f"{counts[EQUIVALENT]} end equivalent to ours, {counts[DIFFERENT]} different "
               f"and {counts[CONTROL_INCONCLUSIVE]} inconclusive"
               + (" so far" if done < planned else "") if ran else
               ", too few to compare yet") + " (the fidelity table of the results page).")
    decisions = pilot_decisions or {}
    pilot_runs = ("long-budget pilots (Foraging at ten times this budget, CartPole with SA "
                  "at the paper's 2,000 generations)")
    if pilots and pilots[0] == pilots[1] and decisions and "long runs" not in decisions.values():
        pilot_text = (f"; all {pilots[1]} {pilot_runs} have finished and none moved "
                      f"({', '.join(decisions)}: no long runs), so no long-budget section is "
                      "registered and their curves (the results page's long-budget section) "
                      "are the result")
    else:
        pilot_text = (f"; {pilot_runs} have {pilots[0]} of their {pilots[1]} runs finished"
                      if pilots else "")
        pilot_text += "".join(f"; {claim}'s pilot " + ("moved: its claim gets long runs"
                                                        if d == "long runs" else
                                                        f"did not move ({d})")
                              for claim, d in decisions.items())
    sentences.append(
        "Deciding the rest takes longer training more than more seeds: the table of what "
        "would decide each open claim says which need seeds and which need generations"
        + pilot_text + ".")
    return " ".join(sentences)
