"""Foraging: the paper's non-stationary 1-D task, as a gymnax Environment.

A corridor of `grid_size` cells. The agent starts in the middle and observes only its own
position: the cell index as one number (the authors' `_get_obs`) or one-hot. Actions: 0 = right, 1 = left, 2 = stay. Food sits at one end; reaching
it gives `food_reward` and resets the agent to the middle; `reset_after` steps without food
also reset it. At every reset the food moves to the other end with probability `p_switch`.
The episode is truncated after `max_steps_in_episode` steps (it never terminates).

As the authors' `utils/foraging.py` GridChemotaxis (tested step by step against it): a
reset happens on the step where food is reached or on the `reset_after`-th step without
food (theirs: `steps == 10`, the 11th); random keys are split as theirs, so the same keys
give the same food switches. Differences: `p_switch` defaults to 0.5, the paper's value
(their code's default is 0), and the lifetime length comes from the task config (theirs:
a fixed 100 steps); the food side is drawn 50/50 at every `reset_env`, i.e. once per
episode (theirs: once per lifetime, which is the same with one episode per lifetime).
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
    one_hot: bool = struct.field(pytree_node=False, default=False)  # else the position


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
        # GridChemotaxis.step: kp, kres = split(key); switch = uniform(kp) < p_switch
        switch = reset & (jax.random.uniform(jax.random.split(key)[0]) < params.p_switch)
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
            # GridChemotaxis.reset/_sample_goal: goal = randint(third split key, 0, 2)
            food_right=jax.random.randint(jax.random.split(key, 3)[2], (), 0, 2) == 1,
            steps_since_reset=jnp.array(0),
            resets=jnp.array(0),
            switches=jnp.array(0),
            time=jnp.array(0),
        )
        return self.get_obs(state, params), state

    def get_obs(self, state: EnvState, params: EnvParams | None = None, key=None) -> jax.Array:
        params = params or self.default_params
        if params.one_hot:
            return jax.nn.one_hot(state.position, params.grid_size)
        return state.position.astype(jnp.float32)[None]

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
        if params.one_hot:
            return spaces.Box(0.0, 1.0, (params.grid_size,), jnp.float32)
        return spaces.Box(0.0, params.grid_size - 1.0, (1,), jnp.float32)
