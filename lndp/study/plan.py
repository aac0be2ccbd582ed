"""The pre-registration: which runs each claim is judged on, and which rules judge them.

``results/plan.json`` (with its reader's guide ``results/PLAN.md``) lists, per scale, the
planned runs of every claim (figure, task, conditions, seeds, budget) and the hash of the
rules' source (`RULE_FILES`). The results page compares that hash with the rules in force;
``results/RULE_CHANGES.md`` is the dated changelog of every rule revision. A rule changes
only with an entry there and a new hash here (tests/test_plan.py holds both to it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

#: the source the verdicts depend on: the rules and the statistics they apply
RULE_FILES = ("study/claims.py", "study/stats.py")
PLAN, CHANGES = "plan.json", "RULE_CHANGES.md"


def rules_hash() -> str:
    """sha256 (first 16 hex digits) over the rule files, each as name, NUL, bytes."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in RULE_FILES:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    return digest.hexdigest()[:16]


def load_plan(results_dir: str | Path) -> dict:
    """The plan committed with the runs ({} if there is none)."""
    path = Path(results_dir) / PLAN
    return json.loads(path.read_text()) if path.exists() else {}


def rules_check(results_dir: str | Path) -> dict:
    """{planned, in_force, match}: whether the rules in force are the registered ones."""
    planned = load_plan(results_dir).get("rules", {}).get("sha256")
    in_force = rules_hash()
    return {"planned": planned, "in_force": in_force, "match": planned == in_force}


def rule_changes(results_dir: str | Path, demote: int = 0) -> str:
    """The changelog's text (markdown), '' if there is none; `demote` adds that many
    levels to every heading (to sit inside another page)."""
    path = Path(results_dir) / CHANGES
    text = path.read_text() if path.exists() else ""
    return "\n".join("#" * demote + line if line.startswith("#") else line
                     for line in text.splitlines())


def planned_runs(results_dir: str | Path, scale: str = "reduced"):
    """One row per claim × figure × task of a scale's plan: conditions, seeds, budget."""
    import pandas as pd

    claims = load_plan(results_dir).get("scales", {}).get(scale, {}).get("claims", {})
    rows = [{"claim": claim, **{k: v for k, v in entry.items() if k != "budget"},
             **{f"budget_{k}": v for k, v in entry.get("budget", {}).items()}}
            for claim, entries in claims.items() for entry in entries]
    return pd.DataFrame(rows)


__all__ = ["RULE_FILES", "rules_hash", "load_plan", "rules_check", "rule_changes",
           "planned_runs"]
