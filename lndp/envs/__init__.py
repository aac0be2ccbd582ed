"""Task environments: gymnax classic control plus Foraging, behind one constructor."""

from __future__ import annotations

from typing import Any, NamedTuple

import gymnax

from lndp.config import TaskConfig
from lndp.envs.foraging import Foraging, EnvParams as ForagingParams

GYMNAX_IDS = {"cartpole": "CartPole-v1", "acrobot": "Acrobot-v1", "pendulum": "Pendulum-v1"}


class Task(NamedTuple):
    env: Any  # a gymnax Environment
    params: Any  # its EnvParams, with max_steps_in_episode set from the TaskConfig
    continuous: bool  # True: one action in [-2, 2] (Pendulum); False: argmax over outputs


def make_task(config: TaskConfig) -> Task:
    if config.name == "foraging":
        env = Foraging()
        params = ForagingParams(
            grid_size=config.grid_size,
            food_reward=config.food_reward,
            reset_after=config.reset_after,
            p_switch=config.p_switch,
            one_hot=config.observation == "one_hot",
        )
    else:
        env, params = gymnax.make(GYMNAX_IDS[config.name])
    if config.max_steps is not None:
        params = params.replace(max_steps_in_episode=config.max_steps)
    return Task(env, params, continuous=config.name == "pendulum")


__all__ = ["Foraging", "Task", "make_task", "GYMNAX_IDS"]
