"""Each claim judged on its planned runs, and marked *interim* until they are all finished.

A plan section (``results/plan.json``) lists per claim the runs it is judged on. `judge`
gives each claim's rule (`lndp.study.rules.RULES`) the evidence of those runs only — a run
that another claim planned, say a second-stage Foraging SP seed of 1b, does not enter 4a —
and counts how many of them are finished. A claim with planned runs still missing is
*interim*: the rule's reading so far, not the registered judgement, and it may still go
either way. Claims a section does not list are judged on every finished run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lndp.design.figures import EVALUATED_FIGURES
from lndp.design.plan import section_runs
from lndp.study.evidence import Evidence
from lndp.study.rules import CLAIMS, NOT_RUN, RULES, Verdict

#: the verdict shown (table, forest plot) for a claim whose planned runs are not all in
INTERIM = "interim: planned runs not all finished"

Run = tuple[str, str, str, int]  # figure, task, condition, seed


def finished(ev: Evidence, runs: frozenset[Run]) -> int:
    """How many of these runs the evidence holds in full: finished (and made by this code
    when it was gathered with `current_only`) and, in a figure that evaluates its runs,
    evaluated — a run the rules cannot read is not counted as in."""
    def held(figure: str, task: str, condition: str, seed: int) -> bool:
        condition_evidence = ev.get(figure, task, condition)
        return seed in condition_evidence.final and (
            figure not in EVALUATED_FIGURES or seed in condition_evidence.episodes)

    return sum(held(*run) for run in runs)


@dataclass(frozen=True)
class Judgement:
    """One claim's verdict on the evidence it was judged on, and how complete that is."""

    verdict: Verdict
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
            return f"{NOT_RUN} (0 of {self.planned} planned runs)"
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
    verdict = RULES[claim].judge(scoped)
    return Judgement(verdict, scoped, None if runs is None else len(runs),
                     0 if runs is None else finished(ev, runs))


def judge(ev: Evidence, section: str | None = None,
          results_dir: str | Path | None = None) -> list[Judgement]:
    """Every claim (in `claims.CLAIMS` order) judged on the runs `section` plans for it;
    with no section (or a claim the section does not list), on every finished run."""
    scopes = section_runs(section, results_dir) if section else {}
    return [judge_claim(ev, claim, scopes.get(claim)) for claim in CLAIMS]


__all__ = ["INTERIM", "Judgement", "finished", "judge", "judge_claim","Run"]
