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
