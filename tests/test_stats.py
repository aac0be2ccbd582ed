"""The intervals and tests over seeds keep their stated error rates at small n."""

import numpy as np
import pytest

from lndp.study import stats


@pytest.mark.parametrize("n", [3, 5, 10])
def test_t_interval_covers_the_mean_95_percent_of_the_time(n):
    rng = np.random.default_rng(n)
    draws = rng.normal(10.0, 3.0, (4000, n))
    covered = [lo <= 10.0 <= hi for _, lo, hi, _ in map(stats.t_interval, draws)]
    assert abs(np.mean(covered) - 0.95) < 0.015  # ± 4 standard errors of 4000 draws


@pytest.mark.parametrize("n", [3, 5, 10])
def test_welch_interval_covers_the_difference_at_unequal_variances(n):
    rng = np.random.default_rng(100 + n)
    covered = []
    for _ in range(3000):
        test = stats.welch(rng.normal(5.0, 1.0, n), rng.normal(2.0, 3.0, n))
        covered.append(test.lo <= 3.0 <= test.hi)
    # Welch–Satterthwaite is approximate: within 2 points, and never far below 95 %
    assert abs(np.mean(covered) - 0.95) < 0.02


def test_percentile_bootstrap_would_have_undercovered():
    """Why the bootstrap went: at n = 3 its interval is about the seed min–max."""
    rng = np.random.default_rng(7)
    draws = rng.normal(0.0, 1.0, (4000, 3))
    assert np.mean((draws.min(1) <= 0) & (draws.max(1) >= 0)) == pytest.approx(0.75, abs=0.02)


def test_tost_keeps_its_error_rate_at_the_margin_and_finds_true_equivalence():
    rng = np.random.default_rng(3)
    at_margin = [stats.tost(rng.normal(1.0, 1.0, 5), rng.normal(0.0, 1.0, 5), 1.0)[0] < 0.05
                 for _ in range(3000)]
    assert np.mean(at_margin) <= 0.05 + 0.01  # a difference of exactly the margin
    equal = [stats.tost(rng.normal(0.0, 0.2, 10), rng.normal(0.0, 0.2, 10), 1.0)[0] < 0.05
             for _ in range(200)]
    assert np.mean(equal) > 0.95
    assert stats.tost([1, 2, 3], [1, 2, 3], 0.0)[0] == 1.0  # no margin: never equivalent


def test_welch_matches_scipy_and_handles_groups_without_spread():
    from scipy import stats as scipy_stats

    a, b = [1.0, 2.0, 3.5], [2.0, 3.0, 5.0, 4.0]
    assert stats.welch(a, b).p == pytest.approx(
        scipy_stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert stats.welch([1, 1, 1], [2, 2, 2]) [:4] == (-1.0, -1.0, -1.0, 0.0)
    assert stats.welch([1, 1], [1, 1]).p == 1.0
    assert stats.paired([2, 3, 4], [1, 2, 3]).p == 0.0
    with pytest.raises(ValueError):
        stats.welch([1.0], [2.0, 3.0])
