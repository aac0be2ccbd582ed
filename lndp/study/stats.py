"""Intervals and tests over seeds, one number per training run.

Everything here is Student-t based. It assumes the per-seed numbers are independent draws
from a roughly normal distribution; with 3–5 seeds that assumption cannot be checked, but
unlike a percentile bootstrap (which at n = 3 returns the seed min–max, ~75 % coverage)
the t interval keeps its stated coverage at any n ≥ 2 when it holds (tested by
simulation in tests/test_stats.py). Two groups are compared with Welch's unequal-variance
t (Welch–Satterthwaite degrees of freedom); "no difference" is an equivalence test (TOST:
two one-sided Welch tests against ± a margin), never a large p-value.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

import numpy as np
from scipy import stats as _scipy

LEVEL = 0.95
METHOD = "Student-t 95 % interval over seeds"


class Interval(NamedTuple):
    mean: float
    lo: float  # NaN with fewer than 2 values
    hi: float
    n: int


class Comparison(NamedTuple):
    """a − b: difference of means, its Welch t interval, the two-sided Welch p-value."""

    diff: float
    lo: float
    hi: float
    p: float
    df: float


def _values(values: Iterable[float]) -> np.ndarray:
    array = np.asarray(list(values), dtype=np.float64)
    if array.size == 0:
        raise ValueError("values: need at least one value")
    return array


def t_interval(values: Iterable[float], level: float = LEVEL) -> Interval:
    """Mean and Student-t interval of the mean (n − 1 degrees of freedom)."""
    x = _values(values)
    mean = float(x.mean())
    if x.size < 2:
        return Interval(mean, float("nan"), float("nan"), 1)
    half = _scipy.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return Interval(mean, float(mean - half), float(mean + half), int(x.size))


def _welch_parts(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(difference, its standard error, Welch–Satterthwaite df)."""
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(np.sqrt(va + vb))
    if se == 0:
        return float(a.mean() - b.mean()), 0.0, float(a.size + b.size - 2)
    df = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    return float(a.mean() - b.mean()), se, float(df)


def welch(a: Iterable[float], b: Iterable[float], level: float = LEVEL) -> Comparison:
    """Welch's t interval of mean(a) − mean(b) and its two-sided p-value (≥ 2 values each).

    Two groups without any spread (all seeds equal) give a zero-width interval, and p = 0
    if the means differ (1 if not): the data then leave no doubt either way."""
    a, b = _values(a), _values(b)
    if a.size < 2 or b.size < 2:
        raise ValueError("welch: need at least 2 values per group")
    diff, se, df = _welch_parts(a, b)
    if se == 0:
        return Comparison(diff, diff, diff, float(diff == 0), df)
    half = _scipy.t.ppf(0.5 + level / 2, df) * se
    p = 2 * _scipy.t.sf(abs(diff) / se, df)
    return Comparison(diff, float(diff - half), float(diff + half), float(p), df)


def paired(a: Iterable[float], b: Iterable[float], level: float = LEVEL) -> Comparison:
    """Paired t interval of mean(a − b) (a[i] and b[i] from the same seed) and its p."""
    d = _values(a) - _values(b)
    if d.size < 2:
        raise ValueError("paired: need at least 2 pairs")
    interval = t_interval(d, level)
    se = d.std(ddof=1) / np.sqrt(d.size)
    p = float(interval.mean == 0) if se == 0 else \
        float(2 * _scipy.t.sf(abs(interval.mean) / se, d.size - 1))
    return Comparison(interval.mean, interval.lo, interval.hi, p, float(d.size - 1))


def tost(a: Iterable[float], b: Iterable[float], margin: float,
         alpha: float = 0.05) -> tuple[float, Comparison]:
    """Equivalence of two means within ± margin: two one-sided Welch tests (TOST).

    Returns (p, comparison at level 1 − 2α). p < α — equivalently, the 1 − 2α interval of
    the difference lies inside (−margin, margin) — says the means differ by less than the
    margin. A non-positive margin can never be met."""
    a, b = _values(a), _values(b)
    diff, se, df = _welch_parts(a, b)
    interval = welch(a, b, level=1 - 2 * alpha)
    if margin <= 0:
        return 1.0, interval
    if se == 0:
        return float(abs(diff) >= margin), interval
    p_lower = _scipy.t.sf((diff + margin) / se, df)  # H0: diff ≤ −margin
    p_upper = _scipy.t.cdf((diff - margin) / se, df)  # H0: diff ≥ +margin
    return float(max(p_lower, p_upper)), interval


__all__ = ["LEVEL", "METHOD", "Interval", "Comparison", "t_interval", "welch", "paired",
           "tost"]
