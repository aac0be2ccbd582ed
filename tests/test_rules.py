"""Every verdict rule can end either way: synthetic runs for which each rule must say
reproduced, not reproduced, and (where the rule has one) inconclusive."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lndp.study import rules
from lndp.study.rules import CONTRADICTED, INCONCLUSIVE, NOT_REACHED, NOT_RUN, REPRODUCED
from lndp.study.evidence import ConditionEvidence, Evidence, TaskFacts


def seeds(values) -> dict[int, float]:
    return dict(enumerate(float(v) for v in values))


def condition(final=(), best=None, start=None, **fields) -> ConditionEvidence:
    final = seeds(final)
    return ConditionEvidence(final=final, start=seeds(start or final.values()),
                             final_max=dict(final),
                             best=seeds(best if best is not None else final.values()),
                             **fields)


def evidence(figure, task, floor, conditions: dict, max_return=None) -> Evidence:
    ev = Evidence()
    ev.tasks[(figure, task)] = TaskFacts(floor, f"floor ({floor})", max_return)
    for name, c in conditions.items():
        ev.conditions[(figure, task, name)] = c
    return ev


# -- 1a / 1b: SP beats no-SP in every setting -----------------------------------------------

def sp_grid(task, sp, nosp, floor=10.0, best=200.0):
    return evidence("structural_plasticity", task, floor, {
        f"{kind}_mu{mu}_sigma0.1": condition(levels, best=[best] * 3)
        for mu in ("0.5", "1") for kind, levels in (("sp", sp), ("nosp", nosp))})


@pytest.mark.parametrize("claim, task", [("1a", "cartpole"), ("1b", "foraging")])
def test_sp_beats_gives_each_outcome(claim, task):
    # floor 10, best 200: learned = 95 % interval above 29
    cases = {REPRODUCED: ([100, 101, 102], [50, 51, 52]),
             CONTRADICTED: ([50, 51, 52], [100, 101, 102]),  # no-SP higher, both learned
             NOT_REACHED: ([11, 12, 13], [100, 101, 102]),  # no-SP higher, SP never learned
             INCONCLUSIVE: ([50, 100, 75], [60, 90, 70])}
    for expected, (sp, nosp) in cases.items():
        verdict = rules.sp_beats(sp_grid(task, sp, nosp), claim, task)
        assert verdict.verdict == expected, expected
        assert len(verdict.effects) == 2 and verdict.effects[0].expected == ">"
    assert rules.sp_beats(Evidence(), claim, task).verdict == NOT_RUN


def test_sp_beats_needs_every_setting():
    ev = sp_grid("cartpole", [100, 101, 102], [50, 51, 52])
    ev.conditions[("structural_plasticity", "cartpole", "sp_mu1_sigma0.1")] = \
        condition([50, 51, 52], best=[200] * 3)
    ev.conditions[("structural_plasticity", "cartpole", "nosp_mu1_sigma0.1")] = \
        condition([100, 101, 102], best=[200] * 3)
    assert rules.sp_beats(ev, "1a", "cartpole").verdict == CONTRADICTED


# -- 1c and 3a: "no difference" needs learning and equivalence ---------------------------------

def acrobot(sp, nosp, best=-80.0):
    return evidence("structural_plasticity", "acrobot", -200.0, {
        "sp_mu0.5_sigma0.1": condition(sp, best=[best] * 3, start=[-200] * 3),
        "nosp_mu0.5_sigma0.1": condition(nosp, best=[best] * 3, start=[-200] * 3)})


def test_no_difference_gives_each_outcome():
    # learnable range: -200 → -80 = 120; learned: interval above -188; margin ± 12
    equal_learned = acrobot([-120, -121, -119], [-120.5, -119.5, -120])
    assert rules.acrobot_no_difference(equal_learned).verdict == REPRODUCED
    differ = acrobot([-100, -101, -102], [-150, -151, -152])
    assert rules.acrobot_no_difference(differ).verdict == CONTRADICTED
    unlearned = acrobot([-100, -101, -102], [-195, -196, -194])  # differ, no-SP at the floor
    assert rules.acrobot_no_difference(unlearned).verdict == NOT_REACHED
    noisy = acrobot([-60, -140, -100], [-150, -50, -100])
    assert rules.acrobot_no_difference(noisy).verdict == INCONCLUSIVE
    assert rules.acrobot_no_difference(Evidence()).verdict == NOT_RUN


def test_two_conditions_that_learned_nothing_are_not_a_reproduction():
    """The old rule's blind spot: equal, narrow, and both at the floor."""
    at_floor = acrobot([-187, -188, -186], [-187.5, -186.5, -187])
    verdict = rules.acrobot_no_difference(at_floor)
    assert verdict.verdict == INCONCLUSIVE
    assert "learned (10% of the range above the floor): SP (μ 0.5, σ 0.1) no" in verdict.result
    assert "-200.0 → -187.0" in verdict.result  # where training started and ended


def test_ndp_similar_uses_the_same_rule():
    def ndp(lndp, ndp_levels):
        return evidence("ndp_vs_lndp", "cartpole", 9.4, {
            "lndp": condition(lndp, best=[200] * 3), "ndp": condition(ndp_levels,
                                                                      best=[200] * 3)})

    assert rules.ndp_similar(ndp([100, 102, 101], [101, 100, 102])).verdict == REPRODUCED
    assert rules.ndp_similar(ndp([50, 52, 51], [100, 101, 102])).verdict == CONTRADICTED
    assert rules.ndp_similar(ndp([12, 13, 11], [12, 12.5, 11.5])).verdict == INCONCLUSIVE


# -- 1d: Pendulum solved only from an empty network ---------------------------------------------

def pendulum(empty, others, floor=-1200.0):
    return evidence("structural_plasticity", "pendulum", floor, {
        "sp_mu0_sigma0.1": condition(empty, best=[-200] * 3),
        "sp_mu0.5_sigma0.1": condition(others, best=[-200] * 3),
        "nosp_mu0.5_sigma0.1": condition([o - 100 for o in others], best=[-200] * 3)})


def test_pendulum_rule_gives_each_outcome():
    assert rules.pendulum_empty(pendulum([-300, -301, -299], [-900, -901, -899])).verdict \
        == REPRODUCED
    assert rules.pendulum_empty(pendulum([-900, -901, -899], [-300, -301, -299])).verdict \
        == CONTRADICTED  # beaten, though it learned
    assert rules.pendulum_empty(pendulum([-1199, -1198, -1197], [-300, -301, -299])).verdict \
        == NOT_REACHED  # beaten, and never left the floor
    # better than the others, but still at the floor: not "solved"
    assert rules.pendulum_empty(pendulum([-1190, -1191, -1189],
                                          [-1250, -1251, -1249])).verdict == INCONCLUSIVE


# -- 2: spontaneous activity ------------------------------------------------------------------

def sa(sa_episodes=None, nosa_episodes=None, sa_sd=None, nosa_sd=None):
    conditions = {}
    for name, episodes, sd in (("sa_lndp", sa_episodes, sa_sd),
                               ("nosa_lndp", nosa_episodes, nosa_sd)):
        if episodes is not None or sd is not None:
            conditions[name] = condition(
                [0, 0, 0], episodes={s: np.array(e, float) for s, e in
                                     enumerate(episodes or [])},
                episode_sd=seeds(sd or []))
    return evidence("spontaneous_activity", "cartpole", 9.4, conditions, max_return=200.0)


def test_innate_skill_gives_each_outcome():
    def first(values):
        return sa([[v, v, v] for v in values])

    assert rules.innate_skill(first([195, 196, 197])).verdict == REPRODUCED
    assert rules.innate_skill(first([50, 60, 55])).verdict == NOT_REACHED
    assert rules.innate_skill(first([100, 190, 199])).verdict == INCONCLUSIVE
    assert rules.innate_skill(Evidence()).verdict == NOT_RUN


def test_stops_improving_gives_each_outcome():
    def case(means, spread=(0.0, 1.0, -1.0)):
        return rules.stops_improving(sa(nosa_episodes=[
            [m + s * (i + 1) for i, m in enumerate(means)] for s in spread])).verdict

    assert case([50, 120, 122]) == REPRODUCED
    assert case([51, 54, 59]) == INCONCLUSIVE  # gains of a few percent: noise
    assert case([50, 90, 140]) == CONTRADICTED  # keeps improving
    assert case([195, 196, 197]) == INCONCLUSIVE  # no room to improve


def test_variability_gives_each_outcome():
    assert rules.variability(sa(sa_sd=[20, 21, 22], nosa_sd=[10, 11, 12])).verdict \
        == REPRODUCED
    lower = sa(sa_sd=[10, 11, 12], nosa_sd=[20, 21, 22])  # SA varies less; training at 0
    assert rules.variability(lower).verdict == NOT_REACHED
    for name in ("sa_lndp", "nosa_lndp"):  # both trained well above the floor (9.4)
        lower.conditions[("spontaneous_activity", "cartpole", name)].final = seeds([150, 151, 152])
        lower.conditions[("spontaneous_activity", "cartpole", name)].best = seeds([200] * 3)
    assert rules.variability(lower).verdict == CONTRADICTED
    assert rules.variability(sa(sa_sd=[10, 20, 15], nosa_sd=[12, 18, 14])).verdict \
        == INCONCLUSIVE


# -- 3b: only the LNDP adapts -----------------------------------------------------------------

def adapts(lndp, ndp, se=2.0):
    return evidence("ndp_vs_lndp", "foraging", 86.1, {
        name: condition(levels, lifetime_mean=seeds(levels), lifetime_se=seeds([se] * 3))
        for name, levels in (("lndp", lndp), ("ndp", ndp))})


def test_only_lndp_adapts_gives_each_outcome():
    assert rules.only_lndp_adapts(adapts([130, 140, 135], [82, 82, 82])).verdict == REPRODUCED
    assert rules.only_lndp_adapts(adapts([82, 82, 83], [82, 82, 82])).verdict == NOT_REACHED
    assert rules.only_lndp_adapts(adapts([130, 140, 135], [82, 120, 82])).verdict \
        == CONTRADICTED  # a frozen network cannot beat the ceiling: an NDP that does
    assert rules.only_lndp_adapts(adapts([130, 82, 82], [82, 82, 82])).verdict == INCONCLUSIVE


# -- 4: development ---------------------------------------------------------------------------

def lifetimes(evolved_share, untrained_share, evolved_changes=100, untrained_changes=100,
              evolved_density=0.79, untrained_density=0.5, task="cartpole"):
    rows = []
    for seed in range(3):
        for key in range(2):
            jitter = 0.01 * (seed - 1) + 0.005 * key
            for parameters, share, changes, density in (
                    ("evolved", evolved_share, evolved_changes, evolved_density),
                    ("untrained", untrained_share, untrained_changes, untrained_density)):
                rows.append({"task": task, "seed": seed, "parameters": parameters,
                             "key": 1000 * seed + key, "steps": 200, "changes": changes,
                             "top_share": share + jitter, "measurable": changes >= 40,
                             "initial_density": 0.5, "final_density": density + jitter})
    return Evidence(development=pd.DataFrame(rows))


def test_critical_periods_gives_each_outcome():
    assert rules.critical_periods(lifetimes(0.9, 0.3)).verdict == REPRODUCED
    assert rules.critical_periods(lifetimes(0.15, 0.1)).verdict == CONTRADICTED
    # concentrated, but no more than the untrained control: not evolved
    assert rules.critical_periods(lifetimes(0.9, 0.9)).verdict == CONTRADICTED
    # too few changes for a share to mean anything
    few = rules.critical_periods(lifetimes(1.0, 0.3, evolved_changes=6))
    assert few.verdict == INCONCLUSIVE and "0 of 3 seeds with enough" in few.result
    # the control too static to measure: the evolved concentration stands on its own
    assert rules.critical_periods(lifetimes(0.9, 1.0, untrained_changes=5)).verdict \
        == REPRODUCED
    assert rules.critical_periods(Evidence()).verdict == NOT_RUN


def test_final_densities_gives_each_outcome():
    assert rules.final_densities(lifetimes(0.5, 0.5, evolved_density=0.79)).verdict \
        == REPRODUCED
    assert rules.final_densities(lifetimes(0.5, 0.5, evolved_density=0.3)).verdict \
        == NOT_REACHED
    # at the paper's value, but so is the untrained network: not evolved, no verdict
    same = lifetimes(0.5, 0.5, evolved_density=0.79, untrained_density=0.79)
    assert rules.final_densities(same).verdict == INCONCLUSIVE
    assert "not run yet: foraging, acrobot, pendulum" in rules.final_densities(
        lifetimes(0.5, 0.5)).result


def test_a_share_needs_enough_changes():
    from lndp.design.figures import recording_keys
    from lndp.study import measures

    assert measures.min_changes(600) == 120 and measures.min_changes(100) == 20
    changes = np.zeros(100)
    changes[[3, 50]] = 1  # two changes: trivially "all in the busiest 10 %"
    trace = pd.DataFrame({"parameters": "evolved", "key": 0, "step": range(101),
                          "density": 0.5, "changes": np.r_[0, changes]})
    row = measures.lifetime_statistics(trace).iloc[0]
    assert row.top_share == 1.0 and not row.measurable and row.changes == 2
    assert measures.top_share(np.ones(100)) == pytest.approx(0.1)
    assert recording_keys(2, 3) == [2000, 2001, 2002]


# -- the table --------------------------------------------------------------------------------

def test_claims_table_has_every_claim_and_marks_missing_runs():
    from lndp.study import scope, tables

    judged = scope.judge(Evidence())
    table = tables.claims_table(judged)
    assert list(table.claim) == list(rules.CLAIMS) == list(rules.RULES)
    assert set(table.verdict) == {NOT_RUN}
    assert tables.markdown_table(table).count("\n") == len(rules.CLAIMS) + 1
    assert tables.effects_table(judged).empty


def test_gather_reads_finished_runs_into_evidence(tmp_path):
    """End to end on run folders: logs, evaluations and the run's own task settings."""
    import csv

    from lndp.config import preset
    from lndp.study import evidence

    config = preset("foraging", "reduced")
    for name, level in (("lndp", 130.0), ("ndp", 60.0)):
        for seed in range(3):
            run = tmp_path / "ndp_vs_lndp" / "foraging" / name / f"seed{seed}"
            run.mkdir(parents=True)
            (run / "config.json").write_text(config.to_json())
            with (run / "log.csv").open("w", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["generation", "fitness_mean", "fitness_max", "best_so_far"])
                for g in range(20):
                    writer.writerow([g, level if g >= 10 else 0, level + 5, level + 10])
            pd.DataFrame({"seed": seed, "eval_trial": np.repeat(range(4), 1), "episode": 1,
                          "return": level + np.arange(4)}).to_csv(run / "evaluation.csv",
                                                                  index=False)
            if seed < 2 or name == "ndp":
                (run / "summary.json").write_text("{}")  # lndp seed 2: unfinished
    ev = evidence.gather(tmp_path)
    lndp = ev.get("ndp_vs_lndp", "foraging", "lndp")
    assert sorted(lndp.final) == [0, 1] and lndp.final[0] == 130.0
    assert lndp.start[0] == 0.0 and lndp.best[0] == 140.0
    assert lndp.lifetime_mean[0] == 131.5
    facts = ev.tasks[("ndp_vs_lndp", "foraging")]
    from lndp.envs.baselines import memoryless_ceiling

    assert facts.floor == memoryless_ceiling(config.task)  # the run's own settings
    assert rules.only_lndp_adapts(ev).verdict == REPRODUCED
