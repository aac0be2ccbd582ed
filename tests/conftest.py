import lndp  # noqa: F401  (sets XLA_FLAGS before jax is imported)
import jax
import pytest

from lndp.config import preset


@pytest.fixture
def key():
    return jax.random.PRNGKey(0)


def small(task="cartpole", **overrides):
    """A test-sized config: short lifetimes, small populations."""
    base = {"train.popsize": 8, "train.generations": 3, "task.n_trials": 1,
            "task.n_episodes": 2, "task.max_steps": 40}
    return preset(task, "smoke", **{**base, **overrides})
