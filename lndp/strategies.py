"""Evolution strategies: evosax 0.3's distribution-based algorithms, looked up by name.

evosax minimises; the trainer passes -fitness. CMA-ES in evosax recomputes a full
eigendecomposition of C in every `ask`. `LazyCMA_ES` refreshes it only every
`eigen_every` generations (Hansen's tutorial, "lazy update" of B and D), which keeps the
ES step cheap on a CPU; with eigen_every = 1 it is exactly evosax's CMA_ES.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from evosax.algorithms import distribution_based_algorithms
from evosax.algorithms.distribution_based.cma_es import CMA_ES, eigen_decomposition

STRATEGIES: dict[str, type] = dict(distribution_based_algorithms)


class LazyCMA_ES(CMA_ES):
    """CMA-ES whose eigendecomposition of C is refreshed every `eigen_every` generations."""

    def __init__(self, population_size: int, solution: Any, eigen_every: int = 1):
        super().__init__(population_size, solution)
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


def make_strategy(name: str, popsize: int, num_dims: int, eigen_every: int = 1):
    """An evosax algorithm over flat vectors of `num_dims` parameters."""
    solution = jnp.zeros(num_dims)
    if name == "CMA_ES":
        return LazyCMA_ES(popsize, solution, eigen_every=eigen_every)
    return STRATEGIES[name](population_size=popsize, solution=solution)
