"""Evolution strategies: evosax 0.3's distribution-based algorithms, looked up by name.

evosax minimises; the trainer passes -fitness. CMA-ES in evosax recomputes a full
eigendecomposition of C in every `ask`. `LazyCMA_ES` refreshes it only every
`eigen_every` generations (Hansen's tutorial, "lazy update" of B and D), which keeps the
ES step cheap on a CPU; with eigen_every = 1 it is exactly evosax's CMA_ES.

Tied fitness values (Foraging's returns come in steps of 10) are ranked in one of two ways
(`TIE_RANKINGS`): "average", evosax 0.3's, gives tied members the weight of their
truncated average rank, so they share one weight; "stable", evosax 0.1.6's (the authors'
code), sorts with a stable argsort, so tied members take successive weights in population
order (tests/test_strategies_reference.py).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from evosax.algorithms import distribution_based_algorithms
from evosax.algorithms.distribution_based.cma_es import CMA_ES, eigen_decomposition
from evosax.core.fitness_shaping import weights_fitness_shaping_fn

STRATEGIES: dict[str, type] = dict(distribution_based_algorithms)


def stable_weights_fitness_shaping_fn(population, fitness, state, params) -> jax.Array:
    """evosax 0.3's `weights_fitness_shaping_fn` with evosax 0.1.6's ranks: a stable sort
    of the (minimised) fitness, so tied members take successive weights in population
    order instead of sharing one."""
    ranks = jnp.argsort(jnp.argsort(fitness, stable=True))
    weights = params.weights[..., ranks]
    all_failed = jnp.all(jnp.isnan(fitness), axis=-1, keepdims=True)
    return jnp.where(all_failed, jnp.zeros_like(weights), weights)


#: how CMA-ES ranks tied fitness values, by name: evosax 0.3's average rank, evosax
#: 0.1.6's stable sort
FITNESS_SHAPING = {"average": weights_fitness_shaping_fn,
                   "stable": stable_weights_fitness_shaping_fn}
TIE_RANKINGS = tuple(FITNESS_SHAPING)


class LazyCMA_ES(CMA_ES):
    """CMA-ES whose eigendecomposition of C is refreshed every `eigen_every` generations."""

    def __init__(self, population_size: int, solution: Any, eigen_every: int = 1,
                 tie_ranking: str = "average"):
        super().__init__(population_size, solution,
                         fitness_shaping_fn=FITNESS_SHAPING[tie_ranking])
        self.eigen_every = eigen_every

    def _ask(self, key, state, params):
        refresh = (state.generation_counter % self.eigen_every) == 0
        C, B, D = jax.lax.cond(
            refresh,
            lambda C: eigen_decomposition(C),
            lambda C: (state.C, state.B, state.D),
            state.C,
        )
        z = jax.random.normal(key, (self.population_size, self.num_dims))
        population = state.mean + state.std * ((z * D) @ B.T)
        return population, state.replace(C=C, B=B, D=D)


def make_strategy(name: str, popsize: int, num_dims: int, eigen_every: int = 1,
                  tie_ranking: str = "average"):
    """An evosax algorithm over flat vectors of `num_dims` parameters (`eigen_every` and
    `tie_ranking`: CMA-ES only)."""
    solution = jnp.zeros(num_dims)
    if name == "CMA_ES":
        return LazyCMA_ES(popsize, solution, eigen_every=eigen_every, tie_ranking=tie_ranking)
    return STRATEGIES[name](population_size=popsize, solution=solution)
