"""Task environments: gymnax classic control plus Foraging, behind one constructor."""

from __future__ import annotations

from typing import Any, NamedTuple

import gymnax

from lndp.config import TaskConfig
from lndp.envs.foraging import Foraging, EnvParams as ForagingParams
from lndp.tasks import TASK_SPECS, TaskSpec


class Task(NamedTuple):
    env: Any  # a gymnax Environment
    params: Any  # its EnvParams, with max_steps_in_episode set from the TaskConfig
    spec: TaskSpec  # sizes, action map, key layout (lndp.tasks)


def make_task(config: TaskConfig) -> Task:
    spec = TASK_SPECS[config.name]
    if spec.gymnax_id is None:
        env = Foraging()
        params = ForagingParams(
            grid_size=config.grid_size,
            food_reward=config.food_reward,
            reset_after=config.reset_after,
            p_switch=config.p_switch,
            one_hot=config.observation == "one_hot",
        )
    else:
        env, params = gymnax.make(spec.gymnax_id)
    if config.max_steps is not None:
        params = params.replace(max_steps_in_episode=config.max_steps)
    return Task(env, params, spec)


__all__ = ["Foraging", "Task", "make_task"]
