"""Planning how much is enough: seeds for a target power, and whether curves have flattened.

Used before runs (sizing a plan section from pilot runs) and after them (saying what
budget would decide a claim still inconclusive). Nothing here judges a claim: the rules
are in `lndp.study.claims`. Power is computed by simulation of the rule's own test on
normal per-seed numbers with the pilot's means and standard deviations, so it holds for
Welch's test at the small seed counts used (where normal approximations flatter it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
from scipy import stats as _scipy

from lndp.study import runs

ALPHA = 0.05
TARGET = 0.80
#: a curve has flattened when its expected gain over another stretch as long as the
#: last FLAT_TAIL of training is below FLAT_FRACTION of the learnable range
FLAT_TAIL = 0.25
FLAT_FRACTION = 0.05


def welch_power(effect: float, sd_a: float, sd_b: float, n: int, alpha: float = ALPHA,
                sims: int = 20_000, seed: int = 0) -> float:
    """Probability that Welch's test finds a > b with two-sided p < alpha, n seeds each,
    when the true difference is `effect` (a − b) and the seed-to-seed s.d. are given."""
    rng = np.random.default_rng(seed)
    a = rng.normal(effect, max(sd_a, 1e-12), (sims, n))
    b = rng.normal(0.0, max(sd_b, 1e-12), (sims, n))
    va, vb = a.var(axis=1, ddof=1) / n, b.var(axis=1, ddof=1) / n
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (n - 1) + vb ** 2 / (n - 1))
    t = (a.mean(axis=1) - b.mean(axis=1)) / se
    return float(np.mean((t > 0) & (2 * _scipy.t.sf(np.abs(t), df) < alpha)))


def tost_power(difference: float, sd_a: float, sd_b: float, margin: float, n: int,
               alpha: float = ALPHA, sims: int = 20_000, seed: int = 0) -> float:
    """Probability that TOST (two one-sided Welch tests) shows |a − b| < margin with n
    seeds each, when the true difference is `difference`."""
    rng = np.random.default_rng(seed)
    a = rng.normal(difference, max(sd_a, 1e-12), (sims, n))
    b = rng.normal(0.0, max(sd_b, 1e-12), (sims, n))
    va, vb = a.var(axis=1, ddof=1) / n, b.var(axis=1, ddof=1) / n
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (n - 1) + vb ** 2 / (n - 1))
    d = a.mean(axis=1) - b.mean(axis=1)
    p = np.maximum(_scipy.t.sf((d + margin) / se, df), _scipy.t.cdf((d - margin) / se, df))
    return float(np.mean(p < alpha))


def every_seed_power(p_each: float, q_each: float, n: int) -> float:
    """Probability that all n seeds of one condition pass (each with probability p_each)
    and none of the other's n does (each with q_each): rules of the form 'every LNDP seed
    adapts and no NDP seed does' (claim 3b)."""
    return float(p_each ** n * (1 - q_each) ** n)


def seeds_for(power, target: float = TARGET, n_min: int = 5, n_max: int = 30) -> int | None:
    """The smallest n in [n_min, n_max] with power(n) ≥ target (None if none is)."""
    for n in range(n_min, n_max + 1):
        if power(n) >= target:
            return n
    return None


@dataclass(frozen=True)
class Flatness:
    """Per-seed expected gain over another stretch as long as the last `tail` of
    training (the least-squares slope of the mean fitness there × its length), its t
    interval over seeds, and whether it is below `fraction` of the learnable range."""

    gain: float
    lo: float
    hi: float
    threshold: float
    flattened: bool


def flatness(run_folders: Iterable, span: float, tail: float = FLAT_TAIL,
             fraction: float = FLAT_FRACTION, column: str = "fitness_mean") -> Flatness:
    """Whether the training curves of some runs (one per seed) have flattened: the upper
    end of the 95 % t interval of their expected further gain lies below `fraction` of
    `span` (the learnable range)."""
    gains = []
    for folder in run_folders:
        values = np.array([float(r[column]) for r in runs.read_log(folder)])
        last = values[-max(int(len(values) * tail), 2):]
        slope = np.polyfit(np.arange(len(last)), last, 1)[0]
        gains.append(slope * len(last))
    gains = np.asarray(gains)
    mean = float(gains.mean())
    if len(gains) < 2:
        return Flatness(mean, float("nan"), float("nan"), fraction * span, False)
    half = _scipy.t.ppf(0.975, len(gains) - 1) * gains.std(ddof=1) / np.sqrt(len(gains))
    threshold = fraction * span
    return Flatness(mean, mean - half, mean + half, threshold, bool(mean + half < threshold))


def pilot_summary(results_dir) -> "pd.DataFrame":
    """Per figure × task × condition of the finished runs under results_dir: seeds, the
    start and final mean fitness (first and last 10 generations; mean and s.d. over
    seeds), the task's floor, and the curves' flatness over the learnable range
    floor → best fitness reached."""
    import pandas as pd

    from lndp.study.evidence import gather

    ev = gather(results_dir)
    rows = []
    for (figure, task, condition), c in sorted(ev.conditions.items()):
        final = np.array(list(c.final.values()))
        facts = ev.tasks[(figure, task)]
        span = max(max(c.best.values(), default=facts.floor) - facts.floor, 1e-9)
        flat = flatness(runs.finished_seeds(results_dir, figure, task, condition).values(),
                        span)
        rows.append({"figure": figure, "task": task, "condition": condition,
                     "seeds": len(final), "start": np.mean(list(c.start.values())),
                     "final": final.mean(), "final_sd": final.std(ddof=1) if len(final) > 1
                     else float("nan"), "floor": facts.floor, "best": facts.floor + span,
                     "further_gain": flat.gain, "further_gain_hi": flat.hi,
                     "flattened": flat.flattened})
    return pd.DataFrame(rows)


__all__ = ["ALPHA", "TARGET", "FLAT_TAIL", "FLAT_FRACTION", "welch_power", "tost_power",
           "every_seed_power", "seeds_for", "Flatness", "flatness", "pilot_summary"]
