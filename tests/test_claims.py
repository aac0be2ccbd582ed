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
