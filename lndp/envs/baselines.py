"""What a policy that does not learn can do on a task: the floors the claims are read against.

Both baselines are built from a run's own TaskConfig through `make_task`, so they follow
every task setting the run used (episode length, Foraging grid, reward, reset rule, p_switch).

- `constant_action_baseline`: the best observation-blind policy (one action, always).
  A training curve that ends here has learned nothing such a policy could not do.
- `memoryless_ceiling` (Foraging): the best expected episode return of any deterministic
  position → action map, computed exactly by dynamic programming over the environment's
  Markov chain. A frozen network (an NDP after development) is such a map: its activity
  is reset at every step and driven by the position alone, and it acts by argmax; only
  within-lifetime adaptation can beat this ceiling.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from lndp.config import TaskConfig
from lndp.envs import make_task


def fixed_policy_returns(env, params, policies, act, episodes: int, seed: int) -> np.ndarray:
    """Monte Carlo expected episode return of each of `policies`, each a fixed map
    act(policy, env_state) → action, over the same `episodes` random episodes.
    Rewards after an episode ends do not count."""
    import jax
    import jax.numpy as jnp

    max_steps = int(params.max_steps_in_episode)

    def episode_return(policy, key):
        k_reset, k_steps = jax.random.split(key)
        _, state = env.reset_env(k_reset, params)

        def step(carry, k):
            state, total, done = carry
            _, state, reward, now_done, _ = env.step_env(k, state, act(policy, state), params)
            return (state, total + jnp.where(done, 0.0, reward), done | now_done), None

        carry = (state, jnp.float32(0.0), jnp.array(False))
        (_, total, _), _ = jax.lax.scan(step, carry, jax.random.split(k_steps, max_steps))
        return total

    keys = jax.random.split(jax.random.PRNGKey(seed), episodes)
    return np.asarray(jax.jit(jax.vmap(
        lambda p: jax.vmap(lambda k: episode_return(p, k))(keys).mean()))(policies))


def constant_policy_name(task: TaskConfig) -> str:
    return "constant torque" if make_task(task).spec.continuous else "constant action"


@lru_cache(maxsize=None)
def constant_action_baseline(task: TaskConfig, episodes: int = 2000,
                             seed: int = 0) -> tuple[float, float]:
    """(action, expected episode return) of the best policy that ignores its observation
    and always takes one action: each discrete action, or torques −2, −1.9, …, 2
    (Pendulum). Monte Carlo over `episodes` episodes (continuous dynamics)."""
    import jax.numpy as jnp

    env, params, spec = make_task(task)
    if spec.continuous:
        actions = jnp.round(jnp.linspace(-2.0, 2.0, 41), 2)[:, None]  # one torque each
    else:
        actions = jnp.arange(env.num_actions)
    returns = fixed_policy_returns(env, params, actions, lambda action, _: action,
                                   episodes, seed)
    best = int(np.argmax(returns))
    return float(np.asarray(actions[best]).squeeze()), float(returns[best])


def memoryless_policy_values(task: TaskConfig) -> np.ndarray:
    """Exact expected episode return of every deterministic position → action policy on
    Foraging (policies in `itertools.product(range(3), repeat=grid_size)` order).

    The state (position, food side, steps since reset) is a Markov chain under a fixed
    policy; its distribution is propagated for max_steps steps, following
    `lndp.envs.foraging.Foraging.step_env` line by line (a test checks it against Monte
    Carlo runs of the environment itself)."""
    if task.name != "foraging":
        raise ValueError(f"task: the memoryless ceiling is defined for foraging, not {task.name}")
    params = make_task(task).params
    size, reset_after = int(params.grid_size), int(params.reset_after)
    middle, moves = size // 2, np.array([1, -1, 0])  # actions: right, left, stay
    policies = np.array(list(itertools.product(range(3), repeat=size)))
    values = np.zeros(len(policies))
    for index, policy in enumerate(policies):
        # p[position, food_right, steps_since_reset]; reset_env: middle, food side 50/50
        p = np.zeros((size, 2, reset_after))
        p[middle, :, 0] = 0.5
        total = 0.0
        for _ in range(int(params.max_steps_in_episode)):
            new = np.zeros_like(p)
            for position, food_right, steps in zip(*np.nonzero(p)):
                mass = p[position, food_right, steps]
                moved = int(np.clip(position + moves[policy[position]], 0, size - 1))
                found = moved == (size - 1 if food_right else 0)
                total += mass * params.food_reward * found
                if found or steps + 1 >= reset_after:  # reset: middle, maybe switch sides
                    new[middle, food_right, 0] += mass * (1 - params.p_switch)
                    new[middle, 1 - food_right, 0] += mass * params.p_switch
                else:
                    new[moved, food_right, steps + 1] += mass
            p = new
        values[index] = total
    return values


@lru_cache(maxsize=None)
def memoryless_ceiling(task: TaskConfig) -> float:
    """The best expected episode return of any deterministic position → action policy
    on this Foraging task (exact)."""
    return float(memoryless_policy_values(task).max())


def reference_line(task: TaskConfig) -> tuple[float, str]:
    """(value, label) of a task's floor for figures: the memoryless ceiling on Foraging,
    the best constant action elsewhere."""
    if task.name == "foraging":
        value = memoryless_ceiling(task)
        return value, f"best memoryless policy ({value:.1f})"
    _, value = constant_action_baseline(task)
    return value, f"best {constant_policy_name(task)} ({value:.1f})"


__all__ = ["fixed_policy_returns", "constant_action_baseline", "constant_policy_name",
           "memoryless_policy_values", "memoryless_ceiling", "reference_line"]
