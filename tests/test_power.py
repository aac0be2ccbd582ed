"""Power by simulation of the rules' own tests, and the flattening diagnostic."""

import numpy as np
import pytest

from lndp.study import power

from conftest import fake_run


def test_welch_power_is_its_size_under_no_effect_and_grows_with_seeds_and_effect():
    # no effect: "a beats b" only by chance, one tail of a two-sided 5 % test
    assert power.welch_power(0.0, 1.0, 1.0, 5) == pytest.approx(0.025, abs=0.006)
    powers = [power.welch_power(1.5, 1.0, 1.0, n) for n in (3, 5, 10)]
    assert powers == sorted(powers) and powers[-1] > 0.85
    assert power.welch_power(10.0, 1.0, 1.0, 5) > 0.99
    # the wrong direction never counts as a win
    assert power.welch_power(-3.0, 1.0, 1.0, 5) < 0.001


def test_tost_power_needs_equivalence_within_the_margin():
    assert power.tost_power(0.0, 1.0, 1.0, margin=3.0, n=10) > 0.9
    assert power.tost_power(3.0, 1.0, 1.0, margin=3.0, n=10) <= 0.055  # on the margin: α
    assert power.tost_power(0.0, 1.0, 1.0, margin=0.5, n=3) < 0.05


def test_seed_counts():
    assert power.seeds_for(lambda n: n / 10) == 8
    assert power.seeds_for(lambda n: 0.1) is None
    d = 2.0  # Cohen's d = 2 needs about 6 seeds per group for 80 % with Welch
    n = power.seeds_for(lambda n: power.welch_power(d, 1.0, 1.0, n), n_min=2)
    assert 5 <= n <= 7


def _log(folder, values):
    folder.mkdir(parents=True)
    rows = "\n".join(f"{g + 1},{v}" for g, v in enumerate(values))
    (folder / "log.csv").write_text("generation,fitness_mean\n" + rows + "\n")
    return folder


def test_flatness_tells_a_plateau_from_a_rising_curve(tmp_path):
    rng = np.random.default_rng(0)
    flat = [_log(tmp_path / f"flat{k}", 50 + rng.normal(0, 2, 400)) for k in range(5)]
    rising = [_log(tmp_path / f"rise{k}", np.linspace(0, 100, 400) + rng.normal(0, 2, 400))
              for k in range(5)]
    plateau = power.flatness(flat, span=100.0)
    assert plateau.flattened and abs(plateau.gain) < 2
    climb = power.flatness(rising, span=100.0)
    assert not climb.flattened and climb.gain == pytest.approx(25, abs=2)
    assert not power.flatness(flat[:1], span=100.0).flattened  # one seed decides nothing


def test_an_inconclusive_claim_says_how_many_seeds_would_decide_it():
    from lndp.study import rules
    from lndp.study.evidence import ConditionEvidence, Evidence, TaskFacts

    fig, task = rules.SP_FIGURE, "foraging"
    ev = Evidence(tasks={(fig, task): TaskFacts(0.0, "floor")})
    ev.conditions[(fig, task, "sp_mu0.5_sigma0.1")] = ConditionEvidence(
        final={0: 100.0, 1: 104.0, 2: 96.0}, final_max={0: 150.0, 1: 160.0}, best={0: 200.0})
    ev.conditions[(fig, task, "nosp_mu0.5_sigma0.1")] = ConditionEvidence(
        final={0: 95.0, 1: 99.0, 2: 91.0}, final_max={0: 150.0, 1: 155.0}, best={0: 150.0})
    verdict = rules.sp_beats(ev, "1b", task)
    assert verdict.verdict == rules.INCONCLUSIVE
    row = power.decisive_seeds(ev, [verdict]).iloc[0]
    n_range, n_observed = [int(part.split(" seeds")[0].split()[-1])
                           for part in row.needed.split("; ")]
    assert n_range == 3  # a 20-point difference at s.d. 4 shows with the seeds there are
    assert n_range < n_observed <= 15  # the observed 5 points need more
    decided = rules.Verdict("1b", task, "", rules.REPRODUCED, "")
    level = rules.Verdict("2a", "cartpole", "", rules.INCONCLUSIVE, "")
    table = power.decisive_seeds(ev, [decided, level])
    assert list(table.claim) == ["2a"] and "longer training" in table.needed[0]


def test_a_plateau_claim_says_whether_seeds_or_training_could_decide_it():
    from lndp.study import rules
    from lndp.study.evidence import ConditionEvidence, Evidence, TaskFacts

    def judged(episodes):
        ev = Evidence(tasks={(rules.SA_FIGURE, "cartpole"): TaskFacts(9.0, "floor", 500.0)})
        ev.conditions[(rules.SA_FIGURE, "cartpole", "nosa_lndp")] = ConditionEvidence(
            episodes={s: np.array(e, float) for s, e in enumerate(episodes)})
        verdict = rules.stops_improving(ev)
        assert verdict.verdict == rules.INCONCLUSIVE
        return power.decisive_seeds(ev, [verdict]).needed[0]

    # gains of ~5 against the rule's 25: no number of seeds gets a verdict
    flat = judged([[90, 95, 96], [100, 104, 106], [80, 87, 86], [95, 99, 101], [70, 76, 76]])
    assert flat.startswith("more seeds would not decide it")
    # gain 1→2 of ~60 ± 50: its interval reaches below 25 now, clears it with more seeds
    rising = judged([[50, 150, 150], [60, 70, 70], [40, 90, 92], [50, 140, 141], [60, 80, 79]])
    n = int(rising.split(" seeds")[0])
    assert 5 < n <= 60 and "a plateau" in rising


def test_a_share_straddling_its_line_says_how_many_seeds_would_settle_it():
    """4a: a task whose interval of the share of changes straddles 50 % gets a seed count
    for 80 % power; a task already on one side is not mentioned."""
    import pandas as pd

    from lndp.study import rules
    from lndp.study.evidence import Evidence

    # at the line, an interval clears it only by chance (one side of a 95 % interval)
    assert power.interval_power(0.5, 0.2, 0.5, 10) < 0.05
    powers = [power.interval_power(0.6, 0.28, 0.5, n) for n in (5, 20, 60)]
    assert powers == sorted(powers) and powers[-1] > 0.75
    assert power.interval_power(0.2, 0.05, 0.5, 5) > 0.99  # clearly below counts too
    shares = {"cartpole": [0.92, 0.92, 1.0, 0.86, 0.75], "acrobot": [0.38, 0.8, 0.45, 0.38, 1.0]}
    rows = [{"task": task, "seed": seed, "parameters": parameters, "key": seed,
             "changes": 100 if parameters == "evolved" else 3,
             "measurable": parameters == "evolved", "top_share": share,
             "final_density": 0.5}
            for task, values in shares.items() for seed, share in enumerate(values)
            for parameters in ("evolved", "untrained")]
    ev = Evidence(development=pd.DataFrame(rows))
    verdict = rules.critical_periods(ev)
    assert verdict.verdict == rules.INCONCLUSIVE
    needed = power.decisive_seeds(ev, [verdict]).needed[0]
    assert needed.startswith("acrobot: share 60%") and "cartpole" not in needed
    n = int(needed.split("; ")[1].split(" seeds")[0])
    assert 20 < n <= 200
    # concentrated, but not clearly more than a measurable untrained control
    evolved, untrained = [0.9, 0.95, 0.85, 0.92], [0.85, 0.97, 0.80, 0.93]
    rows = [{"task": "foraging", "seed": seed, "parameters": parameters, "key": seed,
             "changes": 100, "measurable": True, "top_share": share, "final_density": 0.5}
            for parameters, values in (("evolved", evolved), ("untrained", untrained))
            for seed, share in enumerate(values)]
    ev = Evidence(development=pd.DataFrame(rows))
    assert rules.critical_periods(ev).verdict == rules.INCONCLUSIVE
    needed = power.decisive_seeds(ev, [rules.critical_periods(ev)]).needed[0]
    assert needed.startswith("foraging: evolved − untrained share +0.02 over 4 paired seeds")


def test_the_curve_summary_shows_runs_serving_two_figures_once(tmp_path):
    from lndp.design import figures

    # CartPole's 'LNDP without SA' is the same model and budget as SP μ 0.5 (a copied run)
    for figure, condition in (("structural_plasticity", "sp_mu0.5_sigma0.1"),
                              ("spontaneous_activity", "nosa_lndp"),
                              ("spontaneous_activity", "sa_lndp")):
        for seed in (0, 1):
            config = figures.figure_config(figure, "cartpole", condition, "smoke", seed)
            fake_run(tmp_path / figure / "cartpole" / condition / f"seed{seed}", config)
    summary = power.curve_summary(tmp_path)
    assert len(summary) == 2
    copied = summary[summary.condition == "nosa_lndp"].iloc[0]
    assert copied.also == [("structural_plasticity", "sp_mu0.5_sigma0.1")] and copied.seeds == 2
    assert summary[summary.condition == "sa_lndp"].iloc[0].also == []
    only = power.curve_summary(tmp_path, figures=["structural_plasticity"])
    assert list(only.condition) == ["sp_mu0.5_sigma0.1"] and only.iloc[0].also == []


def test_the_answer_says_what_the_long_budget_pilots_decided():
    """All pilots finished and none moved: the answer says no long-budget section is
    registered; one that moved, or pilots still running, are said as such instead."""
    from lndp.study.tables import answer

    none_moved = answer([], "1 %", pilots=(3, 3),
                        pilot_decisions={"1b": "no long runs", "2a": "no long runs"})
    assert "none moved (1b, 2a: no long runs), so no long-budget section is registered" \
        in none_moved
    moved = answer([], "1 %", pilots=(3, 3),
                   pilot_decisions={"1b": "no long runs", "2a": "long runs"})
    assert "2a's pilot moved: its claim gets long runs" in moved
    assert "no long-budget section is registered" not in moved
    running = answer([], "1 %", pilots=(2, 3), pilot_decisions={"1b": "no long runs"})
    assert "have 2 of their 3 runs finished; 1b's pilot did not move" in running
    assert "no long-budget section is registered" not in running
