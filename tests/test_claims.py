"""The statistics behind the results-vs-paper table."""

import numpy as np

from lndp.claims import bootstrap_ci, foraging_memoryless_ceiling, welch_test


def test_bootstrap_interval_contains_the_mean_and_shrinks_with_data():
    rng = np.random.default_rng(1)
    small = rng.normal(10, 2, 5)
    large = rng.normal(10, 2, 500)
    m, lo, hi = bootstrap_ci(small)
    assert lo <= m <= hi
    _, lo2, hi2 = bootstrap_ci(large)
    assert (hi2 - lo2) < (hi - lo)
    assert lo2 < 10 < hi2


def test_welch_test_separates_different_means_only():
    rng = np.random.default_rng(2)
    a, b = rng.normal(0, 1, 30), rng.normal(3, 1, 30)
    assert welch_test(a, b)[1] < 1e-6
    assert welch_test(a, rng.normal(0, 1, 30))[1] > 0.01


def test_memoryless_foraging_ceiling_matches_walking_one_way():
    """Without switches the best position→action map walks one way: 500 over 100 steps when
    the food is on that side, 0 when it is not, ~250 on average. With p_switch = 0.5 the
    ceiling drops to ~86, the level that only within-lifetime adaptation can beat."""
    stationary = foraging_memoryless_ceiling(p_switch=0.0, episodes=400)
    switching = foraging_memoryless_ceiling(p_switch=0.5, episodes=400)
    assert 200 < stationary < 300
    assert 70 < switching < 100


def test_compare_reads_final_fitness_of_finished_seeds_only(tmp_path):
    from lndp.claims import compare, format_comparison

    def fake_run(condition, seed, level, finished=True):
        folder = tmp_path / "fig" / "foraging" / condition / f"seed{seed}"
        folder.mkdir(parents=True)
        rows = ["generation,fitness_mean"] + [f"{g},{level if g > 5 else 0}" for g in range(1, 21)]
        (folder / "log.csv").write_text("\n".join(rows) + "\n")
        if finished:
            (folder / "summary.json").write_text("{}")

    for seed, level in enumerate((100, 110, 105)):
        fake_run("lndp", seed, level)
        fake_run("ndp", seed, level - 50)
    fake_run("ndp", 9, 1000, finished=False)  # unfinished: ignored
    c = compare(tmp_path, "fig", "foraging", "lndp", "ndp", last=10)
    assert (c["seeds_a"], c["seeds_b"]) == (3, 3)
    assert c["a_mean"] == 105 and c["b_mean"] == 55
    assert c["p"] < 0.01
    assert "Welch p" in format_comparison(c)


# -- verdict rules on synthetic run folders ------------------------------------------------

def _write_run(root, figure, task, condition, seed, fitness, max_fitness=None, finished=True):
    """A run folder whose last generations have the given mean (and max) fitness."""
    import csv
    import json

    folder = root / figure / task / condition / f"seed{seed}"
    folder.mkdir(parents=True)
    with (folder / "log.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["generation", "fitness_mean", "fitness_max"])
        for g in range(20):
            writer.writerow([g, fitness, fitness if max_fitness is None else max_fitness])
    if finished:
        (folder / "summary.json").write_text(json.dumps({"generations": 20}))
    return folder


def _sp(root, task, sp_levels, nosp_levels, sp_max=None, nosp_max=None):
    for mu in ("0.5", "1"):
        for seed, (a, b) in enumerate(zip(sp_levels, nosp_levels)):
            _write_run(root, "structural_plasticity", task, f"sp_mu{mu}_sigma0.1", seed, a,
                       None if sp_max is None else sp_max[seed])
            _write_run(root, "structural_plasticity", task, f"nosp_mu{mu}_sigma0.1", seed, b,
                       None if nosp_max is None else nosp_max[seed])


def test_sp_beats_rule_gives_each_outcome(tmp_path):
    from lndp import claims

    cases = {"clear": ([100, 101, 102], [50, 51, 52], claims.REPRODUCED),
             "reversed": ([50, 51, 52], [100, 101, 102], claims.NOT_REPRODUCED),
             "overlap": ([50, 100, 75], [60, 90, 70], claims.INCONCLUSIVE)}
    for name, (sp, nosp, expected) in cases.items():
        root = tmp_path / name
        _sp(root, "cartpole", sp, nosp)
        assert claims._sp_beats(root, "1a", "cartpole")["verdict"] == expected, name
    assert claims._sp_beats(tmp_path / "empty", "1a", "cartpole")["verdict"] == claims.NOT_RUN


def test_sp_beats_needs_every_pair(tmp_path):
    """SP clearly better at μ 0.5 but clearly worse at μ 1 is not 'beats in every condition'."""
    from lndp import claims

    for seed, (a, b) in enumerate([(100, 50), (101, 51), (102, 52)]):
        _write_run(tmp_path, "structural_plasticity", "cartpole", "sp_mu0.5_sigma0.1", seed, a)
        _write_run(tmp_path, "structural_plasticity", "cartpole", "nosp_mu0.5_sigma0.1", seed, b)
        _write_run(tmp_path, "structural_plasticity", "cartpole", "sp_mu1_sigma0.1", seed, b)
        _write_run(tmp_path, "structural_plasticity", "cartpole", "nosp_mu1_sigma0.1", seed, a)
    assert claims._sp_beats(tmp_path, "1a", "cartpole")["verdict"] == claims.NOT_REPRODUCED


def test_null_rule_needs_a_narrow_interval_not_just_a_large_p(tmp_path):
    from lndp import claims

    _sp(tmp_path / "equal", "acrobot", [-100.0, -101.0, -99.0], [-100.5, -99.5, -100.0])
    assert claims._sp_null(tmp_path / "equal", "1c", "acrobot")["verdict"] == claims.REPRODUCED
    # same means on average but seeds all over the place: p is large, the interval wide
    _sp(tmp_path / "noisy", "acrobot", [-60.0, -140.0, -100.0], [-150.0, -50.0, -100.0])
    assert claims._sp_null(tmp_path / "noisy", "1c", "acrobot")["verdict"] == claims.INCONCLUSIVE
    _sp(tmp_path / "differ", "acrobot", [-60.0, -61.0, -62.0], [-150.0, -151.0, -152.0])
    assert claims._sp_null(tmp_path / "differ", "1c", "acrobot")["verdict"] == \
        claims.NOT_REPRODUCED


def test_null_claim_shows_whether_either_condition_learned(tmp_path):
    """Two conditions that both stay at the floor are 'equal' without saying anything about
    SP: the result text reports where training started and ended for each."""
    from lndp import claims

    _sp(tmp_path, "acrobot", [-190.0, -191.0, -189.0], [-190.5, -189.5, -190.0])
    for folder in (tmp_path / "structural_plasticity" / "acrobot").glob("*/seed*"):
        rows = (folder / "log.csv").read_text().splitlines()
        rows[1:11] = [f"{g},-200.0,-200.0" for g in range(10)]  # first 10 generations
        (folder / "log.csv").write_text("\n".join(rows) + "\n")
    result = claims._sp_null(tmp_path, "1c", "acrobot")["result"]
    assert "sp_mu0.5_sigma0.1 -200.0 → -190.0" in result
    assert "nosp_mu1_sigma0.1 -200.0 → -190.0" in result


def test_unfinished_runs_do_not_count(tmp_path):
    from lndp import claims

    for seed in range(3):
        _write_run(tmp_path, "structural_plasticity", "foraging", "sp_mu0.5_sigma0.1", seed,
                   100 + seed, finished=seed == 0)
        _write_run(tmp_path, "structural_plasticity", "foraging", "nosp_mu0.5_sigma0.1", seed, 50)
    assert claims._sp_beats(tmp_path, "1b", "foraging")["verdict"] == claims.NOT_RUN


def test_pendulum_rule_wants_the_empty_start_best(tmp_path):
    from lndp import claims

    levels = {"sp_mu0_sigma0.1": -300, "sp_mu0.5_sigma0.1": -900, "nosp_mu0.5_sigma0.1": -1000}
    for condition, level in levels.items():
        for seed in range(3):
            _write_run(tmp_path / "a", "structural_plasticity", "pendulum", condition, seed,
                       level + seed)
            _write_run(tmp_path / "b", "structural_plasticity", "pendulum", condition, seed,
                       (-1300 - level) + seed)  # order reversed: the empty start is worst
    assert claims._pendulum_empty(tmp_path / "a")["verdict"] == claims.REPRODUCED
    assert claims._pendulum_empty(tmp_path / "b")["verdict"] == claims.NOT_REPRODUCED


def test_claims_table_has_every_claim_and_marks_missing_runs(tmp_path):
    import pandas as pd

    from lndp import claims

    table = claims.claims_table(tmp_path, development=pd.DataFrame(
        columns=["task", "seed", "final_density", "changes", "top_share", "steps",
                 "untrained_top_share", "untrained_final_density"]))
    assert list(table.claim) == list(claims.CLAIMS)
    assert set(table.verdict) == {claims.NOT_RUN}
    text = claims.markdown_table(table)
    assert text.count("\n") == len(claims.CLAIMS) + 1


def test_development_rules(tmp_path):
    import pandas as pd

    from lndp import claims

    def stats(share, density):
        return pd.DataFrame({"task": ["cartpole"] * 3, "seed": range(3),
                             "final_density": [density] * 3, "changes": [40] * 3,
                             "top_share": [share] * 3, "steps": [600] * 3,
                             "untrained_top_share": [0.5] * 3,
                             "untrained_final_density": [0.5] * 3})

    assert claims._critical_periods(stats(0.8, 0.5))["verdict"] == claims.REPRODUCED
    assert claims._critical_periods(stats(0.1, 0.5))["verdict"] == claims.NOT_REPRODUCED
    static = stats(0.8, 0.5).assign(changes=[0, 0, 3])  # most lifetimes never change
    row = claims._critical_periods(static)
    assert row["verdict"] == claims.INCONCLUSIVE and "2 of 3 lifetimes without" in row["result"]
    assert claims._final_densities(stats(0.5, 0.75))["verdict"] == claims.REPRODUCED
    assert claims._final_densities(stats(0.5, 0.30))["verdict"] == claims.NOT_REPRODUCED
    assert "not run yet: foraging, acrobot, pendulum" in claims._final_densities(
        stats(0.5, 0.75))["result"]


def test_stops_improving_rule_does_not_count_noise_as_a_plateau(tmp_path):
    """2b: a clear gain from episode 1 to 2 then a flat episode 3 is the claim; gains of a
    few percent in both (noise) are inconclusive, a large gain 2→3 contradicts it."""
    import pandas as pd

    from lndp import claims
    from lndp.config import preset

    config = preset("cartpole", "reduced")  # episodes of at most 200 steps

    def case(name, episode_means):
        for seed in range(3):
            run = _write_run(tmp_path / name, "spontaneous_activity", "cartpole", "nosa_lndp",
                             seed, 0.0)
            (run / "config.json").write_text(config.to_json())
            pd.DataFrame({"seed": seed, "eval_trial": 0, "episode": [1, 2, 3],
                          "return": [m + seed for m in episode_means]}).to_csv(
                run / "evaluation.csv", index=False)
        return claims._stops_improving(tmp_path / name)["verdict"]

    assert case("plateau", [50, 120, 122]) == claims.REPRODUCED
    assert case("noise", [51, 54, 59]) == claims.INCONCLUSIVE
    assert case("climbing", [50, 90, 140]) == claims.NOT_REPRODUCED
    assert case("ceiling", [195, 196, 197]) == claims.INCONCLUSIVE


def test_constant_action_baseline_honours_episode_end_and_length():
    """The observation-blind baseline behind claims 1c/1d: CartPole falls within tens of
    steps under a constant push (rewards after the fall must not count), Acrobot cannot
    swing up with a constant torque (-1 every step of the configured length), and on
    Pendulum the best constant torque is no torque (the task is symmetric)."""
    from lndp.claims import constant_action_baseline
    from lndp.config import TaskConfig

    _, cartpole = constant_action_baseline(TaskConfig(name="cartpole", max_steps=200),
                                           episodes=200)
    assert 5 < cartpole < 30
    assert constant_action_baseline(TaskConfig(name="acrobot", max_steps=50),
                                    episodes=200)[1] == -50
    torque, pendulum = constant_action_baseline(TaskConfig(name="pendulum", max_steps=200),
                                                episodes=200)
    assert torque == 0 and -1400 < pendulum < -1000
