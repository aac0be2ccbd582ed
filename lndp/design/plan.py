"""The registered plan of runs: ``results/plan.json``, read.

It lists, per plan section (a scale's confirmatory runs, their pilots, a second profile),
the runs each claim is judged on: per claim a list of entries {figure, task, conditions,
seeds, budget}. `planned_runs` expands a section into one `PlannedRun` per run folder (the
queue trains them, the study judges them); `stages` gives the seeds of a claim registered
in stages. What the plan says about rules (their hash, the changelog) is the study's
(`lndp.study.plan`). Its reader's guide is ``results/PLAN.md``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from lndp.config import Config
from lndp.design.figures import figure_config
from lndp.design.layout import project_root, resolve, run_name
from lndp.envs import make_task

PLAN, CHANGES = "plan.json", "RULE_CHANGES.md"
#: a plan entry's budget field → the config field it sets
BUDGET_FIELDS = {"strategy": "train.strategy", "popsize": "train.popsize",
                 "generations": "train.generations", "eigen_every": "train.eigen_every",
                 "n_trials": "task.n_trials", "n_episodes": "task.n_episodes",
                 "max_steps": "task.max_steps"}


def plan_folder() -> Path:
    """Where the plan and the changelog live: the project's results/ folder (every
    scale's runs sit below it, each in its own folder)."""
    return project_root() / "results"


def load_plan(results_dir: str | Path | None = None) -> dict:
    """The plan committed with the runs ({} if there is none)."""
    path = Path(results_dir or plan_folder()) / PLAN
    return json.loads(path.read_text()) if path.exists() else {}


def sections_of(scale: str, results_dir: str | Path | None = None) -> dict[str, dict]:
    """The plan sections whose runs are of `scale` (a section without a `scale` field is
    the scale of its own name), pilots included."""
    sections = load_plan(results_dir).get("scales", {})
    return {name: s for name, s in sections.items() if s.get("scale", name) == scale}


def section_runs(section: str, results_dir: str | Path | None = None
                 ) -> dict[str, frozenset[tuple[str, str, str, int]]]:
    """Claim → every run (figure, task, condition, seed) a plan section lists for it ({}
    for a section not in the plan)."""
    found = load_plan(results_dir).get("scales", {}).get(section, {}).get("claims", {})
    return {claim: frozenset((entry["figure"], entry["task"], condition, int(seed))
                             for entry in entries for condition in entry["conditions"]
                             for seed in entry["seeds"])
            for claim, entries in found.items()}


def entry_stages(claims: dict) -> list[tuple[str, dict, int]]:
    """Every entry of a section's claims as (claim, entry, stage), in plan order. An entry
    is a later stage (1, 2, ...) of its claim when an earlier entry of that claim has the
    same figure and task: it adds seeds to that comparison (for all or some of its
    conditions), registered after the earlier stage had been judged."""
    found = []
    for claim, entries in claims.items():
        seen: dict[tuple[str, str], int] = {}
        for entry in entries:
            key = (entry["figure"], entry["task"])
            found.append((claim, entry, seen.get(key, 0)))
            seen[key] = seen.get(key, 0) + 1
    return found


def stages(section: str, results_dir: str | Path | None = None) -> dict[str, list[list[int]]]:
    """Claims of a plan section registered in stages (`entry_stages`): claim → the seeds
    judged at each stage, cumulative, in registration order. Claims registered once are
    left out."""
    found = load_plan(results_dir).get("scales", {}).get(section, {}).get("claims", {})
    seen: dict[str, dict[tuple, list[list[int]]]] = {}
    first_conditions: dict[tuple, list[str]] = {}  # (claim, figure, task) → stage 1's
    for claim, entry, stage in entry_stages(found):
        where = (entry["figure"], entry["task"])
        earlier = seen.setdefault(claim, {}).setdefault(where, [])
        seeds = {*entry["seeds"]}
        first_conditions.setdefault((claim, *where), entry["conditions"])
        if stage:
            extra = set(entry["conditions"]) - set(first_conditions[(claim, *where)])
            if extra:
                raise ValueError(f"scales.{section}.claims.{claim}: a later stage adds "
                                 f"condition(s) {', '.join(sorted(extra))}; a stage may only "
                                 "add seeds to its first entry's conditions")
            seeds |= set(earlier[-1])
        earlier.append(sorted(seeds))
    staged = {}
    for claim, groups in seen.items():
        grown = [seeds for seeds in groups.values() if len(seeds) > 1]
        if len(grown) > 1:  # one list of stages could not say which group a stage is of
            raise ValueError(f"scales.{section}.claims.{claim}: {len(grown)} groups of "
                             "entries registered in stages; stages() supports one per claim")
        staged.update({claim: seeds for seeds in grown})
    return staged


class PlanError(ValueError):
    """A plan section that cannot be run (one line naming the field)."""


@dataclass(frozen=True)
class PlannedRun:
    figure: str
    task: str
    condition: str
    seed: int
    overrides: tuple[tuple[str, Any], ...]  # the budget, as dotted config overrides
    claims: tuple[str, ...]
    profile: str | None = None  # the section's profile (None: the scale's)

    @property
    def name(self) -> str:
        return run_name(self.figure, self.task, self.condition, self.seed)

    def config(self, scale: str) -> Config:
        """The run's config: the scale's preset, the condition, the planned budget."""
        return figure_config(self.figure, self.task, self.condition, scale, self.seed,
                             self.profile).replace(**dict(self.overrides))


def section(plan: Mapping, name: str) -> dict:
    """A plan section by name, checked to be runnable."""
    sections = plan.get("scales", {})
    if name not in sections:
        raise PlanError(f"section: no plan section {name!r}; sections: {', '.join(sections)}")
    found = sections[name]
    for key in ("scale", "results_dir", "claims"):
        if not found.get(key):
            raise PlanError(f"scales.{name}.{key}: missing; a runnable section names its "
                            "scale, results_dir and claims")
    return found


def planned_runs(plan: Mapping, name: str) -> list[PlannedRun]:
    """Every run of a plan section once, in plan order (claim by claim, then seed by seed
    across conditions, so that a queue stopped early leaves every condition with seeds),
    later stages of a claim (`plan.entry_stages`) after every first registration."""
    found = section(plan, name)
    runs: dict[str, PlannedRun] = {}
    # a later stage of a claim (seeds added after its first stage was judged) trains after
    # every claim's first registration, whatever the claims' order in the file
    for claim, entry, _ in sorted(entry_stages(found["claims"]), key=lambda c: c[2] > 0):
        unknown = set(entry.get("budget", {})) - set(BUDGET_FIELDS)
        if unknown:
            raise PlanError(f"scales.{name}.claims.{claim}.budget: unknown field(s) "
                            f"{', '.join(sorted(unknown))}; valid: {', '.join(BUDGET_FIELDS)}")
        overrides = tuple(sorted((BUDGET_FIELDS[k], v)
                                 for k, v in entry.get("budget", {}).items()))
        for seed in entry["seeds"]:
            for condition in entry["conditions"]:
                run = PlannedRun(entry["figure"], entry["task"], condition, int(seed),
                                 overrides, (claim,), found.get("profile"))
                if run.name in runs:
                    old = runs[run.name]
                    if old.overrides != run.overrides:
                        raise PlanError(f"scales.{name}.claims.{claim}: {run.name} is "
                                        "planned twice with different budgets")
                    run = dataclasses.replace(old, claims=(*old.claims, claim))
                runs[run.name] = run
    return list(runs.values())


def environment_steps(config) -> float:
    """Environment steps one run may take at most: population × generations × lifetimes
    per fitness × episodes × the episode's step limit."""
    length = make_task(config.task).params.max_steps_in_episode
    return float(config.train.popsize * config.train.generations * config.task.n_trials
                 * config.task.n_episodes * length)


#: how figures label a control's curves: the authors' own code trained at our budget
CONTROL_LABEL = "the authors' code, same budget"


def controls_beside(results_dir: str | Path, results_root: str | Path | None = None
                    ) -> dict[str, dict]:
    """Name → registered control (plan.json → ``controls``) whose runs are compared with
    the runs in `results_dir` (its ``compare_with`` section's folder)."""
    wanted = Path(results_dir).resolve()
    return {name: control for name, control in load_plan(results_root).get("controls", {}).items()
            if resolve(f"results/{control['compare_with']}").resolve() == wanted}


def finished_control_runs(folder: str | Path, figure: str, task: str, condition: str
                          ) -> dict[int, Path]:
    """Seed → folder of a control's runs of one condition that finished (their meta.json
    says so; the log then holds every registered generation). Laid out as our runs are
    (`run_dir`), with meta.json in place of summary.json."""
    found = {}
    for path in sorted(Path(folder, figure, task, condition).glob("seed*")):
        meta = path / "meta.json"
        if path.name.removeprefix("seed").isdigit() and meta.exists() and \
                json.loads(meta.read_text()).get("finished"):
            found[int(path.name.removeprefix("seed"))] = path
    return found


__all__ = ["PLAN", "CHANGES", "BUDGET_FIELDS", "CONTROL_LABEL", "PlanError", "PlannedRun",
           "plan_folder", "load_plan", "sections_of", "section_runs", "entry_stages", "stages",
           "section", "planned_runs", "environment_steps", "controls_beside",
           "finished_control_runs"]
