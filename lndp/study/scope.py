"""Each claim judged on its planned runs, and marked *interim* until they are all finished.

A plan section (``results/plan.json``) lists per claim the runs it is judged on. `judge`
gives each claim's rule (`lndp.study.claims`) the evidence of those runs only — a run
that another claim planned, say a second-stage Foraging SP seed of 1b, does not enter 4a —
and counts how many of them are finished. A claim with planned runs still missing is
*interim*: the rule's reading so far, not the registered judgement, and it may still go
either way. Claims a section does not list are judged on every finished run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lndp.study import claims, plan
from lndp.study.evidence import Evidence

#: the verdict shown (table, forest plot) for a claim whose planned runs are not all in
INTERIM = "interim: planned runs not all finished"

Run = tuple[str, str, str, int]  # figure, task, condition, seed


def claim_runs(section: str, results_dir: str | Path | None = None
               ) -> dict[str, frozenset[Run]]:
    """Claim → every run a plan section lists for it ({} for a section not in the plan)."""
    return plan.section_runs(section, results_dir)


def finished(ev: Evidence, runs: frozenset[Run]) -> int:
    """How many of these runs the evidence holds in full: finished (and made by this code
    when it was gathered with `current_only`) and, in a figure that evaluates its runs,
    evaluated — a run the rules cannot read is not counted as in."""
    from lndp.experiments import EVALUATED_FIGURES

    def held(figure: str, task: str, condition: str, seed: int) -> bool:
        condition_evidence = ev.get(figure, task, condition)
        return seed in condition_evidence.final and (
            figure not in EVALUATED_FIGURES or seed in condition_evidence.episodes)

    return sum(held(*run) for run in runs)


@dataclass(frozen=True)
class Judgement:
    """One claim's verdict on the evidence it was judged on, and how complete that is."""

    verdict: claims.Verdict
    evidence: Evidence  # the evidence the rule read (the claim's planned runs)
    planned: int | None  # planned runs; None: the section does not list the claim
    done: int  # of those, finished

    @property
    def interim(self) -> bool:
        return self.planned is not None and self.done < self.planned

    @property
    def shown(self) -> str:
        """The verdict as the results page shows it."""
        if self.interim and self.done == 0:
            return f"{claims.NOT_RUN} (0 of {self.planned} planned runs)"
        if self.interim:
            return f"interim ({self.done} of {self.planned} planned runs): " \
                   f"{self.verdict.verdict} so far"
        return self.verdict.verdict

    @property
    def runs(self) -> str:
        return "not in the plan" if self.planned is None else f"{self.done} of {self.planned}"


def judge_claim(ev: Evidence, claim: str, runs: frozenset[Run] | None) -> Judgement:
    """One claim judged on these runs of the evidence (None: on all of it)."""
    scoped = ev if runs is None else ev.scoped(runs)
    verdict = next(v for v in claims.verdicts(scoped) if v.claim == claim)
    return Judgement(verdict, scoped, None if runs is None else len(runs),
                     0 if runs is None else finished(ev, runs))


def judge(ev: Evidence, section: str | None = None,
          results_dir: str | Path | None = None) -> list[Judgement]:
    """Every claim (in `claims.CLAIMS` order) judged on the runs `section` plans for it;
    with no section (or a claim the section does not list), on every finished run."""
    scopes = claim_runs(section, results_dir) if section else {}
    return [judge_claim(ev, claim, scopes.get(claim)) for claim in claims.CLAIMS]


def claims_table(judged: list[Judgement]) -> pd.DataFrame:
    """One row per claim: claim, statement, task, result, verdict (interim marked), runs
    (finished of planned), rule."""
    return pd.DataFrame([{"claim": j.verdict.claim, "statement": claims.CLAIMS[j.verdict.claim],
                          "task": j.verdict.task, "result": j.verdict.result,
                          "verdict": j.shown, "runs": j.runs, "rule": j.verdict.rule}
                         for j in judged])


def effects_table(judged: list[Judgement]) -> pd.DataFrame:
    """The forest plot's rows (`claims.effects_table`), an interim claim's marked INTERIM."""
    rows = [{"claim": j.verdict.claim, "verdict": INTERIM if j.interim else j.verdict.verdict,
             **vars(e)} for j in judged for e in j.verdict.effects]
    columns = ["claim", "verdict", "label", "estimate", "lo", "hi", "expected", "null",
               "margin", "scale", "unit", "control"]
    return pd.DataFrame(rows, columns=columns)


def open_claims(judged: list[Judgement]) -> pd.DataFrame:
    """For every claim whose planned runs are all in and still inconclusive: what would
    decide it (`lndp.study.power.decisive_seeds`, on the evidence it was judged on)."""
    from lndp.study import power

    parts = [power.decisive_seeds(j.evidence, [j.verdict]) for j in judged if not j.interim]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def stage_table(ev: Evidence, section: str, results_dir: str | Path | None = None
                ) -> pd.DataFrame:
    """A claim registered in stages (`plan.stages`), judged at each stage on the planned
    runs of that stage's seeds: claim, stage, seeds, runs, verdict, result."""
    scopes = claim_runs(section, results_dir)
    rows = []
    for claim, stage_seeds in plan.stages(section, results_dir).items():
        for stage, seeds in enumerate(stage_seeds, 1):
            runs = frozenset(r for r in scopes[claim] if r[3] in set(seeds))
            judged = judge_claim(ev, claim, runs)
            rows.append({"claim": claim, "stage": stage, "seeds": plan.seed_list(seeds),
                         "runs": judged.runs, "verdict": judged.shown,
                         "result": judged.verdict.result})
    return pd.DataFrame(rows, columns=["claim", "stage", "seeds", "runs", "verdict", "result"])


__all__ = ["INTERIM", "Judgement", "claim_runs", "finished", "judge", "judge_claim",
           "claims_table", "effects_table", "open_claims", "stage_table"]
