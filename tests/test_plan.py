"""The registered rules: the plan's hash is the rules' hash, and the changelog names it."""

import json

from lndp.experiments import project_root
from lndp.study import plan

RESULTS = project_root() / "results"


def test_rules_in_force_are_the_registered_ones():
    """Changing lndp/study/claims.py or stats.py needs a changelog entry and a new hash in
    results/plan.json (see results/PLAN.md)."""
    check = plan.rules_check(RESULTS)
    assert check["match"], (f"rules hash {check['in_force']} is not the registered "
                            f"{check['planned']}: add a dated entry to "
                            "results/RULE_CHANGES.md and update rules.sha256 in plan.json")
    assert check["in_force"] in plan.rule_changes(RESULTS)


def test_plan_lists_every_claim_with_runs_and_a_section_for_the_cpu_scale():
    from lndp.study.claims import CLAIMS
    from lndp.study.runs import list_runs

    doc = json.loads((RESULTS / plan.PLAN).read_text())
    reduced = doc["scales"]["reduced"]["claims"]
    assert sorted(reduced) == sorted(CLAIMS)
    for entries in reduced.values():
        for entry in entries:
            for condition in entry["conditions"]:
                found = {r.seed for r in list_runs(RESULTS, entry["figure"], entry["task"],
                                                   condition)}
                assert set(entry["seeds"]) <= found, (entry["task"], condition)
    assert "cpu" in doc["scales"] and "TO BE PLANNED" in doc["scales"]["cpu"]["status"]
    table = plan.planned_runs(RESULTS, "reduced")
    assert {"claim", "figure", "task", "conditions", "seeds", "budget_generations"} <= \
        set(table.columns)
