"""The pre-registration: which runs each claim is judged on, and which rules judge them.

``results/plan.json`` (with its reader's guide ``results/PLAN.md``) lists, per scale, the
planned runs of every claim (figure, task, conditions, seeds, budget) and the hash of the
rules' source (`RULE_FILES`). The results page compares that hash with the rules in force;
``results/RULE_CHANGES.md`` is the dated changelog of every rule revision. A rule changes
only with an entry there and a new hash here (tests/test_plan.py holds both to it).
"""

from __future__ import annotations

import json
from pathlib import Path

#: the source the verdicts depend on: the rules and the statistics they apply
RULE_FILES = ("study/claims.py", "study/stats.py")
PLAN, CHANGES = "plan.json", "RULE_CHANGES.md"
#: a plan entry's budget field → the config field it sets (the queue reads the same table)
BUDGET_FIELDS = {"strategy": "train.strategy", "popsize": "train.popsize",
                 "generations": "train.generations", "eigen_every": "train.eigen_every",
                 "n_trials": "task.n_trials", "n_episodes": "task.n_episodes",
                 "max_steps": "task.max_steps"}


def plan_folder() -> Path:
    """Where the plan and the changelog live: the project's results/ folder (every
    scale's runs sit below it, each in its own folder)."""
    from lndp.experiments import project_root

    return project_root() / "results"


def rules_hash() -> str:
    """sha256 (first 16 hex digits) over the rule files, each as name, NUL, bytes."""
    from lndp.study.runs import source_hash

    return source_hash(RULE_FILES, 16)


def load_plan(results_dir: str | Path | None = None) -> dict:
    """The plan committed with the runs ({} if there is none)."""
    path = Path(results_dir or plan_folder()) / PLAN
    return json.loads(path.read_text()) if path.exists() else {}


def rules_check(results_dir: str | Path | None = None) -> dict:
    """{planned, in_force, match}: whether the rules in force are the registered ones."""
    planned = load_plan(results_dir).get("rules", {}).get("sha256")
    in_force = rules_hash()
    return {"planned": planned, "in_force": in_force, "match": planned == in_force}


def rule_changes(results_dir: str | Path | None = None, demote: int = 0) -> str:
    """The changelog's text (markdown), '' if there is none; `demote` adds that many
    levels to every heading (to sit inside another page)."""
    path = Path(results_dir or plan_folder()) / CHANGES
    text = path.read_text() if path.exists() else ""
    return "\n".join("#" * demote + line if line.startswith("#") else line
                     for line in text.splitlines())


def planned_runs(results_dir: str | Path | None = None, scale: str = "reduced"):
    """One row per claim × figure × task of a scale's plan: conditions, seeds, budget."""
    import pandas as pd

    claims = load_plan(results_dir).get("scales", {}).get(scale, {}).get("claims", {})
    rows = [{"claim": claim, **{k: v for k, v in entry.items() if k != "budget"},
             **{f"budget_{k}": v for k, v in entry.get("budget", {}).items()}}
            for claim, entries in claims.items() for entry in entries]
    return pd.DataFrame(rows)


def seed_list(seeds) -> str:
    """'0–12' for a run of consecutive seeds, else '0, 2, 5'."""
    seeds = list(seeds)
    if seeds == list(range(min(seeds), max(seeds) + 1)):
        return f"{min(seeds)}–{max(seeds)}"
    return ", ".join(map(str, seeds))


def plan_table(results_dir: str | Path | None = None, scale: str = "reduced"):
    """`planned_runs` for reading: one compact row per entry, the seeds as a range and the
    budget in one column ('popsize 64, generations 400, ...')."""
    import pandas as pd

    planned = planned_runs(results_dir, scale)
    if not len(planned):
        return planned
    budget = [c for c in planned.columns if c.startswith("budget_")]

    def budget_text(row) -> str:
        return ", ".join(
            f"{k.removeprefix('budget_')} "
            f"{int(v) if isinstance(v, float) and v.is_integer() else v}"
            for k, v in row.items() if pd.notna(v))

    return planned.assign(seeds=planned.seeds.map(seed_list),
                          conditions=planned.conditions.map(", ".join),
                          budget=planned[budget].apply(budget_text, axis=1)
                          ).drop(columns=budget)


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


def compute_table(scale: str, results_dir: str | Path | None = None):
    """One row per plan section of a scale (pilots included) and a total: the distinct
    runs it plans, how many of them are finished, the core-hours the plan registered for
    it (where it did) and the core-hours its finished runs took as each recorded (one core
    per run; a run two figures share counts once)."""
    import pandas as pd

    from lndp.experiments import resolve
    from lndp.study.runs import finished_runs

    rows = []
    for name, section in sections_of(scale, results_dir).items():
        planned = frozenset().union(*section_runs(name, results_dir).values())
        folder = resolve(section.get("results_dir", f"results/{name}"))
        done = finished_runs(folder)
        keys = set(zip(done.figure, done.task, done.condition, done.seed))
        rows.append({"section": name, "planned runs": len(planned),
                     "finished": len(planned & keys),
                     "core-hours planned": section.get("core_hours", {}).get("planned_total"),
                     "core-hours spent": float(done[~done["copy"]].minutes.sum() / 60)})
    table = pd.DataFrame(rows, columns=["section", "planned runs", "finished",
                                        "core-hours planned", "core-hours spent"])
    if len(table) > 1:
        total = table.drop(columns="section").sum(min_count=1)
        table.loc[len(table)] = {"section": "total", **total.to_dict()}
    return table


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


def environment_steps(config) -> float:
    """Environment steps one run may take at most: population × generations × lifetimes
    per fitness × episodes × the episode's step limit."""
    from lndp.envs import make_task

    length = make_task(config.task).params.max_steps_in_episode
    return float(config.train.popsize * config.train.generations * config.task.n_trials
                 * config.task.n_episodes * length)


def budget_table(scale: str, results_dir: str | Path | None = None):
    """One row per plan section × claim × task of a scale: the planned budget, and the
    share of the paper's environment steps it spends per run (population × generations ×
    lifetimes × episodes × steps, against the `paper` preset of the same task)."""
    import pandas as pd

    from lndp.config import preset

    rows = []
    for name, found in sections_of(scale, results_dir).items():
        for claim, entries in found.get("claims", {}).items():
            for entry in entries:
                budget = entry.get("budget", {})
                config = preset(entry["task"], "paper").replace(**{
                    field: budget[key] for key, field in BUDGET_FIELDS.items()
                    if key in budget})
                rows.append({"section": name, "claim": claim, "task": entry["task"],
                             "seeds": len(entry["seeds"]),
                             "conditions": len(entry["conditions"]),
                             **{k: budget.get(k) for k in ("strategy", "popsize",
                                                            "generations", "n_trials")},
                             "share_of_paper": environment_steps(config) /
                             environment_steps(preset(entry["task"], "paper"))})
    return pd.DataFrame(rows)


__all__ = ["RULE_FILES", "BUDGET_FIELDS", "plan_folder", "sections_of", "section_runs",
           "compute_table", "stages",
           "environment_steps", "budget_table", "rules_hash", "load_plan", "rules_check",
           "rule_changes", "planned_runs", "plan_table", "seed_list"]
