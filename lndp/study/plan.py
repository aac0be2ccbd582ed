"""The pre-registration, as the study reads it: the rules' hash, the changelog, and the
plan's tables (what is planned, at what share of the paper's budget, at what cost).

``results/plan.json`` registers the hash of the rules in force (`rules_hash`); the results
page compares it with the rules in force, and ``results/RULE_CHANGES.md`` is the dated
changelog of every rule revision. A rule changes only with an entry there and a new hash
in the plan (tests/test_plan.py holds both to it). The plan's runs themselves are read by
`lndp.design.plan`.

The hash covers what decides verdicts (`RULE_FILES`: the rules, the measures and the
evidence they read, the scoping of runs to claims, the statistics, the task floors), as
code: each file's syntax tree without its docstrings and without its f-strings, which
word results and rule statements. So editing that wording, or a table
(`lndp.study.tables`), leaves the hash as it is, while any change to a rule's logic, a
measure, a threshold, a floor, or a plain string constant (a verdict's name, a condition
read) changes it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from lndp.config import preset
from lndp.provenance import syntax_tree
from lndp.design.layout import finished_runs, resolve
from lndp.design.plan import (BUDGET_FIELDS, CHANGES, environment_steps, load_plan,
                              plan_folder, section_runs, sections_of)
from lndp.study.tables import seed_range

#: what decides the verdicts (paths inside the lndp package)
RULE_FILES = ("study/rules.py", "study/measures.py", "study/evidence.py", "study/scope.py",
              "study/stats.py", "envs/baselines.py", "study/control.py")
_PACKAGE = Path(__file__).resolve().parents[1]


def decision_source(source: str) -> str:
    """What of a module's source the rules hash reads: its syntax tree without
    docstrings and f-strings (comments and layout never reach the tree)."""
    return syntax_tree(source, drop_fstrings=True)


def rules_hash(package: str | Path | None = None) -> str:
    """sha256 (first 16 hex digits) over the decision source of the rule files, each as
    name, NUL, that source; `package`: another copy of the lndp package (tests)."""
    root = Path(package or _PACKAGE)
    digest = hashlib.sha256()
    for name in RULE_FILES:
        digest.update(name.encode() + b"\0" + decision_source((root / name).read_text()).encode())
    return digest.hexdigest()[:16]


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


def entries_table(results_dir: str | Path | None = None, scale: str = "reduced"):
    """One row per claim × figure × task of a scale's plan: conditions, seeds, budget."""
    claims = load_plan(results_dir).get("scales", {}).get(scale, {}).get("claims", {})
    rows = [{"claim": claim, **{k: v for k, v in entry.items() if k != "budget"},
             **{f"budget_{k}": v for k, v in entry.get("budget", {}).items()}}
            for claim, entries in claims.items() for entry in entries]
    return pd.DataFrame(rows)


def plan_table(results_dir: str | Path | None = None, scale: str = "reduced"):
    """`entries_table` for reading: one compact row per entry, the seeds as a range and the
    budget in one column ('popsize 64, generations 400, ...')."""
    planned = entries_table(results_dir, scale)
    if not len(planned):
        return planned
    budget = [c for c in planned.columns if c.startswith("budget_")]

    def budget_text(row) -> str:
        return ", ".join(
            f"{k.removeprefix('budget_')} "
            f"{int(v) if isinstance(v, float) and v.is_integer() else v}"
            for k, v in row.items() if pd.notna(v))

    return planned.assign(seeds=planned.seeds.map(seed_range),
                          conditions=planned.conditions.map(", ".join),
                          budget=planned[budget].apply(budget_text, axis=1)
                          ).drop(columns=budget)


def compute_table(scale: str, results_dir: str | Path | None = None):
    """One row per plan section of a scale (pilots included) and a total: the distinct
    runs it plans, how many of them are finished, the core-hours the plan registered for
    it (where it did) and the core-hours its finished runs took as each recorded (one core
    per run; a run two figures share counts once)."""
    rows = []
    for name, section in sections_of(scale, results_dir).items():
        planned = frozenset().union(*section_runs(name, results_dir).values())
        folder = resolve(section.get("results_dir", f"results/{name}"))
        done = finished_runs(folder)
        keys = set(zip(done.figure, done.task, done.condition, done.seed))
        rows.append({"section": name, "planned runs": len(planned),
                     "finished": len(planned & keys),
                     "core-hours planned": section.get("core_hours", {}).get("planned_total"),
                     "core-hours spent": float(done.loc[~done["copy"].astype(bool),
                                                             "minutes"].sum() / 60)})
    table = pd.DataFrame(rows, columns=["section", "planned runs", "finished",
                                        "core-hours planned", "core-hours spent"])
    if len(table) > 1:
        total = table.drop(columns="section").sum(min_count=1)
        table.loc[len(table)] = {"section": "total", **total.to_dict()}
    return table


def budget_table(scale: str, results_dir: str | Path | None = None):
    """One row per plan section × claim × task of a scale: the planned budget, and the
    share of the paper's environment steps it spends per run (population × generations ×
    lifetimes × episodes × steps, against the `paper` preset of the same task)."""
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


def _section_shares(section: str, results_dir: str | Path | None = None):
    """The budget table's rows of one plan section (None for a section not in the plan)."""
    found = load_plan(results_dir).get("scales", {}).get(section)
    if not found:
        return None
    table = budget_table(found.get("scale", section), results_dir)
    return table[table.section == section]


def _share_text(lo: float, hi: float) -> str:
    """'0.75 %', or '0.50–1.25 %' for a range."""
    return (f"{lo:.2%}" if lo == hi else f"{lo:.2%}–{hi:.2%}".replace("%–", "–")).replace(
        "%", " %")


def claim_budgets(section: str, results_dir: str | Path | None = None) -> dict[str, str]:
    """Claim → its planned budget in a plan section as a share of the paper's evaluations
    ('0.75 %', or a range over the claim's tasks and entries), for every verdict to name."""
    rows = _section_shares(section, results_dir)
    if rows is None:
        return {}
    shares = rows.groupby("claim").share_of_paper.agg(["min", "max"])
    return {claim: _share_text(lo, hi) for claim, (lo, hi) in shares.iterrows()}


def budget_range(section: str, results_dir: str | Path | None = None) -> str:
    """The share of the paper's evaluations a section's runs spend, '0.50–1.25 %'."""
    rows = _section_shares(section, results_dir)
    if rows is None:
        return "an unregistered share"
    return _share_text(rows.share_of_paper.min(), rows.share_of_paper.max())


__all__ = ["budget_range", "claim_budgets", "RULE_FILES", "decision_source", "rules_hash", "rules_check", "rule_changes",
           "entries_table", "plan_table", "compute_table", "budget_table"]
