"""One record per task: everything the code needs to know about a task, in one place.

Sizes, how outputs become actions, how a lifetime's random keys are laid out, the maximum
episode return and what kind of floor the study reads it against. `config` validates
against it, `envs.make_task` builds the environment, `rollout.Evaluator` maps outputs to
actions and splits keys as the authors' task class does, and the study reads the maximum
return and the floor kind. This module imports nothing of lndp.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskSpec:
    name: str
    label: str  # as figures and tables name it
    gymnax_id: str | None  # None: this project's own environment (Foraging)
    n_inputs: int  # input neurons (Foraging: 1 for the scalar position; see `inputs`)
    n_outputs: int  # output neurons
    # discrete: action = argmax over the outputs; continuous: one action = scale × output
    continuous: bool = False
    action_scale: float = 1.0  # lndp.py: Pendulum torque = 2 × output (range [-2, 2])
    # which of the authors' task classes (task.py, utils/foraging.py) a lifetime follows:
    # it decides how a lifetime's keys are split and whether the done flag lags
    authors_task: str = "MultiEpisodeGymnaxTask"
    # the best return per episode (CartPole pays 1 per step up to its limit: None here,
    # read from the environment's step limit); None where the study does not use it
    max_return_per_step: float | None = None
    # the floor the study reads learning against: "constant action" (the best
    # observation-blind policy) or "memoryless" (the best position → action map, Foraging)
    floor: str = "constant action"

    def inputs(self, observation: str = "position", grid_size: int = 5) -> int:
        """Input neurons for a task config's observation (Foraging's one-hot grid has one
        neuron per cell; the authors' scalar position has one)."""
        return grid_size if self.name == "foraging" and observation == "one_hot" else self.n_inputs


TASK_SPECS: dict[str, TaskSpec] = {spec.name: spec for spec in (
    TaskSpec("cartpole", "CartPole", "CartPole-v1", 4, 2, max_return_per_step=1.0),
    TaskSpec("acrobot", "Acrobot", "Acrobot-v1", 6, 3),
    TaskSpec("pendulum", "Pendulum", "Pendulum-v1", 3, 1, continuous=True, action_scale=2.0),
    TaskSpec("foraging", "Foraging", None, 1, 3, authors_task="GridEpisodicTask", floor="memoryless"),
)}
TASKS = tuple(TASK_SPECS)


def task_spec(name: str) -> TaskSpec:
    if name not in TASK_SPECS:
        raise ValueError(f"task.name: unknown task {name!r}; valid: {', '.join(TASKS)}")
    return TASK_SPECS[name]


__all__ = ["TaskSpec", "TASK_SPECS", "TASKS", "task_spec"]
