"""Tasks: Foraging's rules, action ranges of the gymnax tasks."""

import jax
import jax.numpy as jnp
import numpy as np

from conftest import small
from lndp.envs.foraging import LEFT, RIGHT, STAY, EnvParams, Foraging
from lndp.rollout import Evaluator


def _run(env, params, state, actions, key):
    rewards = []
    for i, a in enumerate(actions):
        _, state, r, _, _ = env.step_env(jax.random.fold_in(key, i), state, a, params)
        rewards.append(float(r))
    return state, rewards


def test_foraging_starts_in_the_middle_and_observes_position(key):
    env, params = Foraging(), EnvParams()
    obs, state = env.reset_env(key, params)
    assert int(state.position) == 2
    np.testing.assert_array_equal(obs, [2.0])  # the authors' observation: the cell index
    obs, _ = env.reset_env(key, params.replace(one_hot=True))
    np.testing.assert_array_equal(obs, [0, 0, 1, 0, 0])


def test_foraging_food_reward_and_reset(key):
    env, params = Foraging(), EnvParams(p_switch=0.0)
    _, state = env.reset_env(key, params)
    toward = RIGHT if bool(state.food_right) else LEFT
    state, rewards = _run(env, params, state, [toward, toward], key)
    assert rewards == [0.0, 10.0]
    assert int(state.position) == 2 and int(state.steps_since_reset) == 0
    # Same side again (p_switch = 0): two more steps, ten more reward.
    state, rewards = _run(env, params, state, [toward, toward], key)
    assert rewards == [0.0, 10.0]


def test_foraging_resets_after_ten_steps_without_food(key):
    env, params = Foraging(), EnvParams(p_switch=0.0)
    _, state = env.reset_env(key, params)
    state, rewards = _run(env, params, state, [STAY] * 9, key)
    assert int(state.steps_since_reset) == 9 and int(state.resets) == 0
    away = LEFT if bool(state.food_right) else RIGHT
    state, _ = _run(env, params, state, [away], key)
    assert int(state.resets) == 1 and int(state.position) == 2
    assert sum(rewards) == 0


def test_foraging_switch_frequency_matches_p_switch(key):
    env = Foraging()
    for p in (0.2, 0.5):
        params = EnvParams(p_switch=p, max_steps_in_episode=10_000)
        _, state = env.reset_env(key, params)

        def body(state, k):
            _, state, _, _, _ = env.step_env(k, state, STAY, params)
            return state, None

        state, _ = jax.lax.scan(body, state, jax.random.split(key, 20_000))
        resets, switches = int(state.resets), int(state.switches)
        assert resets == 2_000  # a reset every 10 steps when standing still
        assert abs(switches / resets - p) < 4 * np.sqrt(p * (1 - p) / resets)


def test_pendulum_actions_stay_in_range(key):
    agent = Evaluator(small("pendulum", **{"model.mu_conn": 1.0, "model.sigma_conn": 0.0}))
    assert agent.task.spec.continuous
    params = agent.initial_params + 3.0 * jax.random.normal(key, agent.initial_params.shape)
    model = agent.model(params)
    state = model.init_state(key)
    actions = []
    for i in range(20):
        state = model.develop(state, jnp.array(0.0), jax.random.fold_in(key, i))
        state = model.propagate(state, 10 * jax.random.normal(jax.random.fold_in(key, 1000 + i), (3,)))
        actions.append(float(agent._action(model.outputs(state))))
    assert all(-2.0 <= a <= 2.0 for a in actions)
    assert max(abs(a) for a in actions) > 0.5, "actions never left ~0; test is vacuous"


def test_discrete_actions_are_valid_indices(key):
    for task, n in (("cartpole", 2), ("acrobot", 3), ("foraging", 3)):
        agent = Evaluator(small(task))
        assert not agent.task.spec.continuous
        for i in range(10):
            outputs = jax.random.normal(jax.random.fold_in(key, i), (agent.model(
                agent.initial_params).n_outputs,))
            action = int(agent._action(outputs))
            assert 0 <= action < n
            assert agent.task.env.action_space(agent.task.params).contains(jnp.array(action))
