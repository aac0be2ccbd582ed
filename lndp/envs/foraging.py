"""Foraging: the paper's non-stationary 1-D task, as a gymnax Environment.

A corridor of `grid_size` cells. The agent starts in the middle and observes only its own
position (one-hot). Actions: 0 = right, 1 = left, 2 = stay. Food sits at one end; reaching
it gives `food_reward` and resets the agent to the middle; `reset_after` steps without food
also reset it. At every reset the food moves to the other end with probability `p_switch`.
The episode is truncated after `max_steps_in_episode` steps (it never terminates).

Differences from the reference code, on purpose: the food side is drawn 50/50 at every
`reset_env` (each episode), switches happen at every reset with probability `p_switch`
(default 0.5, the paper's value, where the reference code defaults to 0), and the lifetime
length comes from the task config rather than a fixed 100 steps.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import struct
from gymnax.environments import environment, spaces


@struct.dataclass
class EnvState(environment.EnvState):
    position: jax.Array
    food_right: jax.Array  # bool: food at the right end (cell grid_size - 1)
    steps_since_reset: jax.Array
    resets: jax.Array  # counters, for analysis and tests
    switches: jax.Array
    time: jax.Array


@struct.dataclass
class EnvParams(environment.EnvParams):
    grid_size: int = 5
    food_reward: float = 10.0
    reset_after: int = 10
    p_switch: float = 0.5
    max_steps_in_episode: int = 100


RIGHT, LEFT, STAY = 0, 1, 2


class Foraging(environment.Environment[EnvState, EnvParams]):
    @property
    def default_params(self) -> EnvParams:
        return EnvParams()

    def step_env(self, key, state: EnvState, action, params: EnvParams):
        move = jnp.array([1, -1, 0])[action]
        position = jnp.clip(state.position + move, 0, params.grid_size - 1)
        food_position = jnp.where(state.food_right, params.grid_size - 1, 0)
        found = position == food_position
        reward = jnp.where(found, params.food_reward, 0.0)
        steps = state.steps_since_reset + 1
        reset = found | (steps >= params.reset_after)
        switch = reset & jax.random.bernoulli(key, params.p_switch)
        state = EnvState(
            position=jnp.where(reset, params.grid_size // 2, position),
            food_right=jnp.logical_xor(state.food_right, switch),
            steps_since_reset=jnp.where(reset, 0, steps),
            resets=state.resets + reset,
            switches=state.switches + switch,
            time=state.time + 1,
        )
        terminated = jnp.array(False)
        return self.get_obs(state, params), state, reward, terminated, {}

    def reset_env(self, key, params: EnvParams):
        state = EnvState(
            position=jnp.array(params.grid_size // 2),
            food_right=jax.random.bernoulli(key),
            steps_since_reset=jnp.array(0),
            resets=jnp.array(0),
            switches=jnp.array(0),
            time=jnp.array(0),
        )
        return self.get_obs(state, params), state

    def get_obs(self, state: EnvState, params: EnvParams | None = None, key=None) -> jax.Array:
        params = params or self.default_params
        return jax.nn.one_hot(state.position, params.grid_size)

    def is_terminated(self, state: EnvState, params: EnvParams) -> jax.Array:
        return jnp.array(False)

    @property
    def name(self) -> str:
        return "Foraging"

    @property
    def num_actions(self) -> int:
        return 3

    def action_space(self, params: EnvParams | None = None) -> spaces.Discrete:
        return spaces.Discrete(3)

    def observation_space(self, params: EnvParams) -> spaces.Box:
        return spaces.Box(0.0, 1.0, (params.grid_size,), jnp.float32)
