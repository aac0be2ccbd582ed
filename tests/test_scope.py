"""Each claim is judged on its planned runs only, and is interim until they are all in."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lndp.design import plan as planning
from lndp.study import power, rules, scope, tables
from lndp.study.rules import INCONCLUSIVE, NOT_REPRODUCED, NOT_RUN

from test_rules import sp_grid

FIGURE, TASK = "structural_plasticity", "foraging"
CONDITIONS = ["sp_mu0.5_sigma0.1", "nosp_mu0.5_sigma0.1", "sp_mu1_sigma0.1", "nosp_mu1_sigma0.1"]


def write_plan(folder, claims_: dict) -> None:
    (folder / "plan.json").write_text(json.dumps({"scales": {"cpu": {"claims": claims_}}}))


def entry(seeds, conditions=CONDITIONS, task=TASK):
    return {"figure": FIGURE, "task": task, "conditions": conditions, "seeds": seeds}


# seeds 0-2 are inconclusive; seeds 3-7 show no-SP clearly higher
SP, NOSP = [50, 100, 75, 40, 41, 42, 40, 41], [60, 90, 70, 110, 111, 112, 110, 111]


def test_a_claim_with_planned_runs_missing_is_interim_and_says_how_many(tmp_path):
    write_plan(tmp_path, {"1b": [entry(list(range(10)))]})  # 10 seeds planned, 8 finished
    judged = {j.verdict.claim: j for j in scope.judge(sp_grid(TASK, SP, NOSP), "cpu", tmp_path)}
    one_b = judged["1b"]
    assert one_b.interim and (one_b.done, one_b.planned) == (32, 40)
    assert one_b.verdict.verdict in NOT_REPRODUCED  # the rule's reading so far ...
    assert one_b.shown.startswith("interim (32 of 40 planned runs)")  # ... is not a verdict
    table = tables.claims_table(list(judged.values()))
    assert table.set_index("claim").loc["1b", "runs"] == "32 of 40"
    effects = tables.effects_table(list(judged.values()))
    assert set(effects[effects.claim == "1b"].verdict) == {scope.INTERIM}
    assert judged["1a"].planned is None  # not in this plan: judged on every finished run
    assert power.open_claims(list(judged.values())).empty  # an interim claim is not "open"


def test_a_claim_whose_planned_runs_are_all_in_is_final_and_reads_only_them(tmp_path):
    write_plan(tmp_path, {"1b": [entry([0, 1, 2])], "4a": [entry([0, 1, 2], [CONDITIONS[0]])]})
    ev = sp_grid(TASK, SP, NOSP)  # seeds 3-7 exist but are not planned
    ev.development = pd.DataFrame({"task": [TASK] * 2, "seed": [0, 5], "parameters": "evolved",
                                   "top_share": 0.9, "measurable": True, "changes": 100,
                                   "final_density": 0.5})
    judged = {j.verdict.claim: j for j in scope.judge(ev, "cpu", tmp_path)}
    one_b = judged["1b"]
    assert not one_b.interim and one_b.shown == INCONCLUSIVE  # not the 8 seeds' verdict
    assert sorted(one_b.evidence.get(FIGURE, TASK, CONDITIONS[2]).final) == [0, 1, 2]
    assert list(judged["4a"].evidence.development.seed) == [0]  # seed 5 is 1b's, not 4a's
    assert list(judged["4a"].evidence.conditions) == [(FIGURE, TASK, CONDITIONS[0])]
    assert rules.sp_beats(ev, "1b", TASK).verdict in NOT_REPRODUCED  # all seeds would say


def test_a_claim_with_no_planned_run_finished_reads_not_run_yet(tmp_path):
    write_plan(tmp_path, {"1c": [entry([0, 1], ["sp_mu0.5_sigma0.1"], "acrobot")]})
    one_c = next(j for j in scope.judge(sp_grid(TASK, SP, NOSP), "cpu", tmp_path)
                 if j.verdict.claim == "1c")
    assert one_c.shown == f"{NOT_RUN} (0 of 2 planned runs)"


def test_each_stage_is_judged_on_its_own_planned_runs(tmp_path):
    write_plan(tmp_path, {"1b": [entry([0, 1, 2]), entry([3, 4, 5, 6, 7, 8])]})
    stages = tables.stage_table(sp_grid(TASK, SP, NOSP), "cpu", tmp_path)
    assert list(stages.stage) == [1, 2] and list(stages.seeds) == ["0–2", "0–8"]
    assert list(stages.runs) == ["12 of 12", "32 of 36"]
    assert stages.verdict[0] == INCONCLUSIVE
    assert stages.verdict[1].startswith("interim (32 of 36 planned runs)")


def test_a_stage_may_add_seeds_to_some_of_its_first_entrys_conditions(tmp_path):
    write_plan(tmp_path, {"1b": [entry([0, 1, 2]), entry([3, 4, 5, 6, 7, 8], CONDITIONS[:2])]})
    stages = tables.stage_table(sp_grid(TASK, SP, NOSP), "cpu", tmp_path)
    assert list(stages.seeds) == ["0–2", "0–8"]
    assert list(stages.runs) == ["12 of 12", "22 of 24"]  # stage 2: 12 + 6 seeds × 2
    write_plan(tmp_path, {"1b": [entry([0], CONDITIONS[:2]), entry([1], CONDITIONS[1:3])]})
    with pytest.raises(ValueError, match="a later stage adds condition.s. sp_mu1_sigma0.1"):
        planning.stages("cpu", tmp_path)


def test_stages_refuse_two_staged_groups_of_one_claim(tmp_path):
    cartpole = entry([0], task="cartpole")
    write_plan(tmp_path, {"4a": [entry([0]), entry([1]), cartpole, dict(cartpole, seeds=[1])]})
    with pytest.raises(ValueError, match="scales.cpu.claims.4a: 2 groups"):
        planning.stages("cpu", tmp_path)


def test_the_registered_plan_marks_every_claim_of_the_cpu_scale():
    runs = planning.section_runs("cpu")
    assert set(runs) == set(rules.CLAIMS)  # every claim has planned runs at cpu scale
    assert len(runs["1b"]) == 4 * 13 and len(runs["4a"]) == 4 * 5


def test_a_run_the_rules_cannot_read_is_not_counted_as_in(tmp_path):
    """2c reads evaluations: a finished but unevaluated run of its figure is not one of
    its runs yet (the claim stays interim), whatever its training log says."""
    import numpy as np

    from lndp.study.evidence import ConditionEvidence, Evidence, TaskFacts

    figure = "spontaneous_activity"
    conditions = {}
    for name, sd in (("sa_lndp", 30.0), ("nosa_lndp", 10.0)):
        c = ConditionEvidence(final={s: 100.0 for s in range(4)})
        for seed in range(3):  # seed 3 trained, never evaluated
            c.episodes[seed] = np.array([100.0, 120.0, 140.0])
            c.episode_sd[seed] = sd + seed
        conditions[(figure, "cartpole", name)] = c
    ev = Evidence(conditions, {(figure, "cartpole"): TaskFacts(9.4, "floor", 200.0)})
    (tmp_path / "plan.json").write_text(json.dumps({"scales": {"cpu": {"claims": {"2c": [
        {"figure": figure, "task": "cartpole", "conditions": ["sa_lndp", "nosa_lndp"],
         "seeds": [0, 1, 2, 3]}]}}}}))
    two_c = {j.verdict.claim: j for j in scope.judge(ev, "cpu", tmp_path)}["2c"]
    assert (two_c.done, two_c.planned) == (6, 8) and two_c.interim
