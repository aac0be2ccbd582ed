"""Statistics for setting our results beside the paper's claims.

Each comparison is made over seeds (one number per training run): the mean with a 95 %
bootstrap confidence interval, and Welch's t-test where two conditions are compared. With
three seeds per condition these tests have little power; a verdict of "inconclusive at
this scale" is the honest outcome when the interval is wide.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np


def bootstrap_ci(values, n_resamples: int = 10_000, level: float = 0.95,
                 seed: int = 0) -> tuple[float, float, float]:
    """(mean, lower, upper): percentile bootstrap interval of the mean."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        raise ValueError("values: need at least one value")
    rng = np.random.default_rng(seed)
    means = rng.choice(values, (n_resamples, values.size)).mean(1)
    alpha = (1 - level) / 2
    return float(values.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def welch_test(a, b) -> tuple[float, float]:
    """(t statistic, two-sided p-value) of Welch's unequal-variance t-test, a versus b."""
    from scipy import stats

    result = stats.ttest_ind(np.asarray(a, float), np.asarray(b, float), equal_var=False)
    return float(result.statistic), float(result.pvalue)


@lru_cache(maxsize=None)
def foraging_memoryless_ceiling(p_switch: float = 0.5, max_steps: int = 100,
                                grid_size: int = 5, episodes: int = 2000,
                                seed: int = 0) -> float:
    """Best expected episode return of any policy that maps position → action.

    A network that no longer changes (the NDP after development) is such a policy: its
    activity is reset at every step and driven by the one-hot position alone. Returns
    above this ceiling therefore need within-lifetime adaptation. Computed exhaustively
    over all 3^grid_size policies on this project's Foraging environment.
    """
    import jax
    import jax.numpy as jnp

    from lndp.envs.foraging import EnvParams, Foraging

    env = Foraging()
    params = EnvParams(grid_size=grid_size, p_switch=p_switch, max_steps_in_episode=max_steps)
    policies = jnp.array(list(itertools.product(range(3), repeat=grid_size)))

    def episode_return(policy, key):
        k_reset, k_steps = jax.random.split(key)
        _, state = env.reset_env(k_reset, params)

        def step(carry, k):
            state, total = carry
            _, state, reward, _, _ = env.step_env(k, state, policy[state.position], params)
            return (state, total + reward), None

        (_, total), _ = jax.lax.scan(step, (state, 0.0), jax.random.split(k_steps, max_steps))
        return total

    keys = jax.random.split(jax.random.PRNGKey(seed), episodes)
    returns = jax.jit(jax.vmap(lambda p: jax.vmap(lambda k: episode_return(p, k))(keys).mean()))(
        policies)
    return float(np.max(returns))


def final_fitness(results_dir, figure: str, task: str, condition: str,
                  last: int = 10) -> dict[int, float]:
    """Per finished seed: mean population fitness over the last `last` generations."""
    from pathlib import Path

    from lndp.train import is_finished, read_log

    folder = Path(results_dir) / figure / task / condition
    values = {}
    for run in sorted(folder.glob("seed*")):
        if is_finished(run):
            rows = read_log(run)[-last:]
            values[int(run.name[4:])] = float(np.mean([float(r["fitness_mean"]) for r in rows]))
    return values


def compare(results_dir, figure: str, task: str, a: str, b: str, last: int = 10) -> dict:
    """Condition a versus b on final mean population fitness, over finished seeds."""
    fa = final_fitness(results_dir, figure, task, a, last)
    fb = final_fitness(results_dir, figure, task, b, last)
    out = {"task": task, "a": a, "b": b, "seeds_a": len(fa), "seeds_b": len(fb)}
    if fa:
        out["a_mean"], out["a_lo"], out["a_hi"] = bootstrap_ci(list(fa.values()))
    if fb:
        out["b_mean"], out["b_lo"], out["b_hi"] = bootstrap_ci(list(fb.values()))
    if len(fa) >= 2 and len(fb) >= 2:
        out["t"], out["p"] = welch_test(list(fa.values()), list(fb.values()))
    return out


def format_comparison(c: dict) -> str:
    """'a 85.1 [83.0, 87.2] vs b 80.2 [...] (n = 3, 3; Welch p = 0.04)'."""
    def part(side):
        if f"{side}_mean" not in c:
            return f"{c[side]}: no finished run"
        return (f"{c[side]} {c[side + '_mean']:.1f} "
                f"[{c[side + '_lo']:.1f}, {c[side + '_hi']:.1f}]")
    text = f"{part('a')} vs {part('b')} (seeds {c['seeds_a']}, {c['seeds_b']}"
    return text + (f"; Welch p = {c['p']:.3g})" if "p" in c else ")")
