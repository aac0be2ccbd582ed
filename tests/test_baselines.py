"""Task baselines are built from a run's own TaskConfig, and the exact Foraging ceiling
agrees with Monte Carlo runs of the environment itself."""

import numpy as np

from lndp.config import TaskConfig
from lndp.envs import baselines, make_task


def test_memoryless_ceiling_is_exact_and_follows_the_task_settings():
    task = TaskConfig(name="foraging", max_steps=100, reset_after=10, p_switch=0.5,
                      n_episodes=1)
    assert round(baselines.memoryless_ceiling(task), 2) == 86.11
    # without switches walking one way scores 500 or 0: 250 on average
    assert baselines.memoryless_ceiling(task.__class__(**{**vars(task), "p_switch": 0.0})) \
        == 250.0
    # a setting the old hand-built parameters dropped: the food reward
    doubled = TaskConfig(**{**vars(task), "food_reward": 20.0})
    assert baselines.memoryless_ceiling(doubled) == 2 * baselines.memoryless_ceiling(task)


def test_dynamic_programme_matches_the_environment():
    """Every policy's exact value against Monte Carlo episodes of Foraging itself."""
    import jax.numpy as jnp

    task = TaskConfig(name="foraging", max_steps=40, reset_after=6, p_switch=0.3,
                      grid_size=5)
    exact = baselines.memoryless_policy_values(task)
    env, params, _ = make_task(task)
    policies = jnp.array(np.array(list(np.ndindex(*(3,) * 5))))  # same order as product
    sampled = baselines.fixed_policy_returns(env, params, policies,
                                             lambda policy, state: policy[state.position],
                                             episodes=3000, seed=1)
    # Monte Carlo error: episode returns spread by at most ~40 → s.e. < 1 at 3000 episodes
    assert np.max(np.abs(sampled - exact)) < 3.0


def test_constant_action_baseline_honours_episode_end_and_length():
    """CartPole falls within tens of steps under a constant push (rewards after the fall
    do not count), Acrobot cannot swing up with a constant torque, and on Pendulum the
    best constant torque is no torque (the task is symmetric)."""
    _, cartpole = baselines.constant_action_baseline(TaskConfig(name="cartpole",
                                                                max_steps=200), episodes=200)
    assert 5 < cartpole < 30
    assert baselines.constant_action_baseline(TaskConfig(name="acrobot", max_steps=50),
                                              episodes=200)[1] == -50
    torque, pendulum = baselines.constant_action_baseline(
        TaskConfig(name="pendulum", max_steps=200), episodes=200)
    assert torque == 0 and -1400 < pendulum < -1000
