"""Lifetimes: spontaneous activity, then episodes of experience, for one individual.

A lifetime is `sa_steps` developmental steps driven by spontaneous activity (reward 0),
followed by `n_episodes` episodes of the task. The network state carries over between
episodes; within an episode the network updates once per environment step (from the
previous step's activity and reward), then acts, and both stop as soon as the episode is
done. Fitness is the mean episode return, averaged over `n_trials` independent lifetimes.

`Agent.lifetime` uses a while loop per episode: under `vmap`, XLA stops iterating when
every individual of the batch is done, so an early-failing population costs little.
`Agent.record` runs the same steps with a fixed-length scan and returns per-step traces
(for plots); both share `_step`, so they agree exactly.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx
from jax.flatten_util import ravel_pytree

from lndp.config import Config, io_sizes
from lndp.envs import Task, make_task
from lndp.model import LNDP, NetworkState, allowed_edges


class LifetimeResult(NamedTuple):
    episode_returns: jax.Array  # (n_episodes,)
    final_density: jax.Array  # fraction of allowed edges present at the end
    env_steps: jax.Array  # environment steps actually taken (for throughput)


class Trace(NamedTuple):
    """Per-step record of one lifetime; phase 0 = spontaneous activity, 1.. = episode k."""

    phase: jax.Array  # (S,)
    active: jax.Array  # (S,) bool: the step happened (False after an episode ended)
    reward: jax.Array  # (S,)
    density: jax.Array  # (S,)
    adjacency: jax.Array  # (S, N, N) bool
    weights: jax.Array  # (S, N, N)
    activity: jax.Array  # (S, N)


class _Carry(NamedTuple):
    network: NetworkState
    env_state: object
    observation: jax.Array
    reward: jax.Array
    done: jax.Array
    episode_return: jax.Array
    t: jax.Array


class Agent:
    """Everything static about one experiment: model structure, task and config.

    Parameters travel as one flat vector (what the evolution strategy searches over);
    `unravel` turns it back into the model's parameter tree.
    """

    def __init__(self, config: Config, init_seed: int | None = None, full_length: bool = False):
        """`full_length` (benchmarks only) ignores natural termination, so that every
        episode runs all its steps and throughput cannot be inflated by early exits."""
        self.config = config
        self.full_length = full_length
        self.task: Task = make_task(config.task)
        n_inputs, n_outputs = io_sizes(config.task)
        seed = config.train.seed if init_seed is None else init_seed
        model = LNDP(config.model, n_inputs, n_outputs, rngs=nnx.Rngs(seed))
        self.graphdef, params = nnx.split(model, nnx.Param)
        self.initial_params, self.unravel = ravel_pytree(params)
        self.num_params = int(self.initial_params.size)
        self.allowed = allowed_edges(config.model.n_nodes, n_inputs, n_outputs)
        self.max_steps = int(self.task.params.max_steps_in_episode)
        # Lifetimes over a batch of keys, and one recorded lifetime; jit compiles lazily,
        # once per Agent, so recording several runs of one config compiles once.
        self.lifetimes = jax.jit(jax.vmap(self.lifetime, (None, 0)))
        self.recorded = jax.jit(self.record)

    def model(self, flat_params: jax.Array) -> LNDP:
        return nnx.merge(self.graphdef, self.unravel(flat_params))

    def density(self, adjacency: jax.Array) -> jax.Array:
        return adjacency.sum() / self.allowed.sum()

    def _action(self, outputs: jax.Array) -> jax.Array:
        if self.task.continuous:
            return 2.0 * outputs[0]  # Pendulum torque range [-2, 2]
        return jnp.argmax(outputs)

    # -- phases ----------------------------------------------------------------------
    def _spontaneous_step(self, model: LNDP, carry, key):
        network, x = carry
        k_noise, k_dev = jax.random.split(key)
        x = model.spontaneous_activity(x, k_noise)
        network = model.develop(network, jnp.zeros(()), k_dev)
        network = model.propagate(network, x)
        return (network, x), network

    def _develop_spontaneously(self, model: LNDP, network: NetworkState, key: jax.Array):
        steps = self.config.model.sa_steps
        x0 = jnp.zeros(model.n_inputs)
        keys = jax.random.split(key, max(steps, 1))[:steps]
        (network, _), history = jax.lax.scan(
            lambda c, k: self._spontaneous_step(model, c, k), (network, x0), keys
        )
        return network, history

    def _step(self, model: LNDP, carry: _Carry, key: jax.Array) -> _Carry:
        k_dev, k_env = jax.random.split(key)
        network = carry.network
        if self.config.model.lifetime_updates:
            network = model.develop(network, carry.reward, k_dev)
        network = model.propagate(network, carry.observation)
        action = self._action(model.outputs(network))
        env, params, _ = self.task
        observation, env_state, reward, terminated, _ = env.step_env(
            k_env, carry.env_state, action, params
        )
        done = (terminated & (not self.full_length)) | env.is_truncated(env_state, params)
        return _Carry(network, env_state, observation, reward, done,
                      carry.episode_return + reward, carry.t + 1)

    def _reset(self, network: NetworkState, key: jax.Array) -> _Carry:
        observation, env_state = self.task.env.reset_env(key, self.task.params)
        zero = jnp.zeros(())
        return _Carry(network, env_state, observation, zero, jnp.array(False), zero,
                      jnp.array(0))

    def _start(self, flat_params: jax.Array, key: jax.Array):
        model = self.model(flat_params)
        k_init, k_sa, k_life = jax.random.split(key, 3)
        network = model.init_state(k_init)
        return model, network, k_sa, k_life

    # -- public --------------------------------------------------------------------------
    def lifetime(self, flat_params: jax.Array, key: jax.Array) -> LifetimeResult:
        """One lifetime of one individual (vmap it over a population)."""
        model, network, k_sa, k_life = self._start(flat_params, key)
        if self.config.model.sa_steps:
            network, _ = self._develop_spontaneously(model, network, k_sa)

        def episode(carry, k_episode):
            network, steps = carry
            k_reset, k_steps = jax.random.split(k_episode)
            state = jax.lax.while_loop(
                lambda c: ~c.done & (c.t < self.max_steps),
                lambda c: self._step(model, c, jax.random.fold_in(k_steps, c.t)),
                self._reset(network, k_reset),
            )
            return (state.network, steps + state.t), state.episode_return

        keys = jax.random.split(k_life, self.config.task.n_episodes)
        (network, steps), returns = jax.lax.scan(episode, (network, jnp.array(0)), keys)
        return LifetimeResult(returns, self.density(network.adjacency), steps)

    def record(self, flat_params: jax.Array, key: jax.Array) -> tuple[LifetimeResult, Trace]:
        """The same lifetime as `lifetime` (same key ⇒ same returns), with per-step traces."""
        model, network, k_sa, k_life = self._start(flat_params, key)
        traces = []

        def snapshot(net, phase, active, reward):
            return Trace(
                phase=jnp.asarray(phase), active=jnp.asarray(active), reward=reward,
                density=self.density(net.adjacency), adjacency=net.adjacency > 0,
                weights=net.weights, activity=net.activity,
            )

        traces.append(jax.tree.map(lambda x: x[None], snapshot(network, 0, True, jnp.zeros(()))))
        if self.config.model.sa_steps:
            network, history = self._develop_spontaneously(model, network, k_sa)
            traces.append(jax.vmap(lambda n: snapshot(n, 0, True, jnp.zeros(())))(history))

        def masked_step(k_steps, carry: _Carry, t):
            new = self._step(model, carry, jax.random.fold_in(k_steps, t))
            new = jax.tree.map(lambda a, b: jnp.where(carry.done, a, b), carry, new)
            return new, (new.network, ~carry.done, jnp.where(carry.done, 0.0, new.reward))

        returns = []
        for episode, k_episode in enumerate(jax.random.split(k_life, self.config.task.n_episodes)):
            k_reset, k_steps = jax.random.split(k_episode)
            final, (nets, active, rewards) = jax.lax.scan(
                lambda c, t: masked_step(k_steps, c, t),
                self._reset(network, k_reset),
                jnp.arange(self.max_steps),
            )
            network = final.network
            returns.append(final.episode_return)
            traces.append(jax.vmap(lambda n, a, r: snapshot(n, episode + 1, a, r))(
                nets, active, rewards))
        trace = jax.tree.map(lambda *xs: jnp.concatenate(xs), *traces)
        result = LifetimeResult(jnp.stack(returns), self.density(network.adjacency),
                                (trace.active & (trace.phase > 0)).sum())
        return result, trace

    def fitness(self, flat_params: jax.Array, key: jax.Array) -> LifetimeResult:
        """Mean over `n_trials` independent lifetimes (returns stay per episode)."""
        keys = jax.random.split(key, self.config.task.n_trials)
        results = jax.vmap(self.lifetime, (None, 0))(flat_params, keys)
        return jax.tree.map(lambda x: x.mean(0), results)


def evaluate(agent: Agent, flat_params: jax.Array, key: jax.Array, n_trials: int) -> np.ndarray:
    """Episode returns of `n_trials` independent lifetimes: array (n_trials, n_episodes)."""
    keys = jax.random.split(key, n_trials)
    return np.asarray(agent.lifetimes(flat_params, keys).episode_returns)
