"""Lifetimes: spontaneous activity, then episodes of experience, for one individual.

A lifetime is `sa_steps` developmental steps driven by spontaneous activity (reward 0),
followed by `n_episodes` episodes of the task. The network state carries over between
episodes; within an episode the network updates once per environment step (from the
previous step's activity and reward), then acts, and both stop as soon as the episode is
done. Fitness is the mean episode return, averaged over `n_trials` independent lifetimes.

`Evaluator.lifetime` uses a while loop per episode: under `vmap`, XLA stops iterating when
every individual of the batch is done, so an early-failing population costs little. (The
authors' code scans all steps and skips updates after `done`; returns are the same.)
`Evaluator.record` runs the same steps with a fixed-length scan and returns per-step traces
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
    rng: jax.Array  # the chain that step keys are split from
    skip_update: jax.Array  # the authors' lagged done flag: no update at this step


class EpisodeKeys(NamedTuple):
    init: jax.Array  # for the initial graph (and, split from it, spontaneous activity)
    resets: jax.Array  # (n_episodes,) environment resets
    steps: jax.Array  # (n_episodes,) starts of the per-step key chains


class Evaluator:
    """Runs lifetimes of parameter vectors for one config (it evaluates; it is not a
    policy): everything static about one experiment, model structure, task and config.

    Parameters travel as one flat vector (what the evolution strategy searches over);
    `unravel` turns it back into the model's parameter tree.

    Random keys are split as in the authors' tasks, so that the same parameters and key
    give the same lifetime as their code: `task.py` MultiEpisodeGymnaxTask for the gymnax
    tasks, `utils/foraging.py` GridEpisodicTask for Foraging.
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
        self.spec = self.task.spec
        self.grid_task = self.spec.authors_task == "GridEpisodicTask"
        # Lifetimes over a batch of keys, and one recorded lifetime; jit compiles lazily,
        # once per Evaluator, so recording several runs of one config compiles once.
        self.lifetimes = jax.jit(jax.vmap(self.lifetime, (None, 0)))
        self.recorded = jax.jit(self.record)

    @property
    def start_params(self) -> jax.Array:
        """Where evolution starts (the ES mean at generation 0): the zero vector, as the
        authors' CMA-ES, or the model's initialisation (`train.init_mean`)."""
        if self.config.train.init_mean == "zero":
            return jnp.zeros_like(self.initial_params)
        return self.initial_params

    def model(self, flat_params: jax.Array) -> LNDP:
        return nnx.merge(self.graphdef, self.unravel(flat_params))

    def density(self, adjacency: jax.Array) -> jax.Array:
        return adjacency.sum() / self.allowed.sum()

    def _action(self, outputs: jax.Array) -> jax.Array:
        if self.spec.continuous:  # Pendulum torque range [-2, 2]; lndp.py maps NaN to 0
            return jnp.where(jnp.isnan(outputs[0]), 0.0, self.spec.action_scale * outputs[0])
        return jnp.argmax(outputs)

    # -- keys --------------------------------------------------------------------------
    def episode_keys(self, key: jax.Array) -> EpisodeKeys:
        n = self.config.task.n_episodes
        if self.grid_task:  # GridEpisodicTask: key → (step chain, policy init, env reset)
            chain, init, reset = jax.random.split(key, 3)
            episodes = jnp.arange(1, n)
            resets = jnp.concatenate([reset[None], jax.vmap(
                lambda e: jax.random.fold_in(reset, e))(episodes)])
            steps = jnp.concatenate([chain[None], jax.vmap(
                lambda e: jax.random.fold_in(chain, e))(episodes)])
            return EpisodeKeys(init, resets, steps)
        resets, steps, inits = [], [], []
        for _ in range(n):  # MultiEpisodeGymnaxTask.__call__ and _rollout
            key, k_episode, _ = jax.random.split(key, 3)
            k_reset, k_steps, k_model, _ = jax.random.split(k_episode, 4)
            resets.append(k_reset), steps.append(k_steps), inits.append(k_model)
        return EpisodeKeys(inits[0], jnp.stack(resets), jnp.stack(steps))

    def _step_keys(self, rng: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        """(next chain key, model key, environment key) for one step."""
        if self.grid_task:  # the same key for the policy and the environment
            rng, k = jax.random.split(rng)
            return rng, k, k
        rng, k_env, k_net = jax.random.split(rng, 3)
        return rng, k_net, jax.random.split(k_env)[0]  # gymnax's step splits off a reset key

    # -- phases ----------------------------------------------------------------------
    def _spontaneous_step(self, model: LNDP, carry, _):
        """One step of spontaneous activity (scan body over (network, x, key))."""
        network, x, key = carry
        key, k_noise, k_dev = jax.random.split(key, 3)  # lndp.py LNDP.dev
        x = model.spontaneous_activity(x, k_noise)
        network = model.develop(network, jnp.zeros(()), k_dev)
        network = model.propagate(network, x)
        return (network, x, key), network

    def _develop_spontaneously(self, model: LNDP, network: NetworkState, key: jax.Array):
        k_start, k_steps = jax.random.split(key)
        x0 = model.spontaneous_activity.start(k_start)
        (network, _, _), history = jax.lax.scan(
            lambda c, _: self._spontaneous_step(model, c, _), (network, x0, k_steps), None,
            length=self.config.model.sa_steps)
        return network, history

    def _step(self, model: LNDP, carry: _Carry) -> _Carry:
        rng, k_dev, k_env = self._step_keys(carry.rng)
        network = carry.network
        if self.config.model.lifetime_updates:
            developed = model.develop(network, carry.reward, k_dev)
            network = jax.tree.map(lambda old, new: jnp.where(carry.skip_update, old, new),
                                   network, developed)
        network = model.propagate(network, carry.observation)
        action = self._action(model.outputs(network))
        env, params, _ = self.task
        observation, env_state, reward, terminated, _ = env.step_env(
            k_env, carry.env_state, action, params
        )
        done = (terminated & (not self.full_length)) | env.is_truncated(env_state, params)
        return _Carry(network, env_state, observation, reward, done,
                      carry.episode_return + reward, carry.t + 1, rng, jnp.array(False))

    def _lagged_update(self, model: LNDP, carry: _Carry) -> tuple[NetworkState, jax.Array]:
        """The authors' done flag reaches the model one step late (model.done_lag): after
        an episode ends before its last step, the network updates once more (the step's
        reward, its activity), and the next episode's first update is skipped. Returns
        the network and whether the next episode skips its first update."""
        lagged = (self.config.model.done_lag and self.config.model.lifetime_updates
                  and not self.grid_task)
        if not lagged:
            return carry.network, jnp.array(False)
        ended_early = carry.t < self.max_steps
        _, k_dev, _ = self._step_keys(carry.rng)
        developed = model.develop(carry.network, carry.reward, k_dev)
        network = jax.tree.map(lambda old, new: jnp.where(ended_early, new, old),
                               carry.network, developed)
        return network, ended_early

    def _reset(self, network: NetworkState, key: jax.Array, rng: jax.Array | None = None,
               skip_update: jax.Array | bool = False) -> _Carry:
        observation, env_state = self.task.env.reset_env(key, self.task.params)
        zero = jnp.zeros(())
        rng = key if rng is None else rng
        return _Carry(network, env_state, observation, zero, jnp.array(False), zero,
                      jnp.array(0), rng, jnp.asarray(skip_update))

    def _start(self, flat_params: jax.Array, key: jax.Array):
        model = self.model(flat_params)
        keys = self.episode_keys(key)
        network = model.init_state(keys.init)
        return model, network, keys

    # -- public --------------------------------------------------------------------------
    def lifetime(self, flat_params: jax.Array, key: jax.Array) -> LifetimeResult:
        """One lifetime of one individual (vmap it over a population)."""
        model, network, keys = self._start(flat_params, key)
        if self.config.model.sa_steps:
            network, _ = self._develop_spontaneously(model, network,
                                                     LNDP.development_key(keys.init))

        def episode(carry, episode_keys):
            network, skip, steps = carry
            k_reset, k_steps = episode_keys
            state = jax.lax.while_loop(
                lambda c: ~c.done & (c.t < self.max_steps),
                lambda c: self._step(model, c),
                self._reset(network, k_reset, k_steps, skip),
            )
            network, skip = self._lagged_update(model, state)
            return (network, skip, steps + state.t), state.episode_return

        (network, _, steps), returns = jax.lax.scan(
            episode, (network, jnp.array(False), jnp.array(0)), (keys.resets, keys.steps))
        return LifetimeResult(returns, self.density(network.adjacency), steps)

    def record(self, flat_params: jax.Array, key: jax.Array) -> tuple[LifetimeResult, Trace]:
        """The same lifetime as `lifetime` (same key ⇒ same returns), with per-step traces."""
        model, network, keys = self._start(flat_params, key)
        traces = []

        def snapshot(net, phase, active, reward):
            return Trace(
                phase=jnp.asarray(phase), active=jnp.asarray(active), reward=reward,
                density=self.density(net.adjacency), adjacency=net.adjacency > 0,
                weights=net.weights * net.adjacency, activity=net.activity,
            )

        traces.append(jax.tree.map(lambda x: x[None], snapshot(network, 0, True, jnp.zeros(()))))
        if self.config.model.sa_steps:
            network, history = self._develop_spontaneously(model, network,
                                                           LNDP.development_key(keys.init))
            traces.append(jax.vmap(lambda n: snapshot(n, 0, True, jnp.zeros(())))(history))

        def masked_step(carry: _Carry, _):
            new = self._step(model, carry)
            new = jax.tree.map(lambda a, b: jnp.where(carry.done, a, b), carry, new)
            return new, (new.network, ~carry.done, jnp.where(carry.done, 0.0, new.reward))

        returns, skip = [], jnp.array(False)
        for episode in range(self.config.task.n_episodes):
            final, (nets, active, rewards) = jax.lax.scan(
                masked_step, self._reset(network, keys.resets[episode], keys.steps[episode],
                                         skip),
                None, length=self.max_steps,
            )
            network, skip = self._lagged_update(model, final)
            returns.append(final.episode_return)
            traces.append(jax.vmap(lambda n, a, r: snapshot(n, episode + 1, a, r))(
                nets, active, rewards))
        trace = jax.tree.map(lambda *xs: jnp.concatenate(xs), *traces)
        result = LifetimeResult(jnp.stack(returns), self.density(network.adjacency),
                                (trace.active & (trace.phase > 0)).sum())
        return result, trace

    def fitness(self, flat_params: jax.Array, key: jax.Array) -> LifetimeResult:
        """Mean over `n_trials` independent lifetimes (returns stay per episode); one
        lifetime uses the key itself, as the authors' trainer does with eval_reps = 1."""
        if self.config.task.n_trials == 1:
            return self.lifetime(flat_params, key)
        keys = jax.random.split(key, self.config.task.n_trials)
        results = jax.vmap(self.lifetime, (None, 0))(flat_params, keys)
        return jax.tree.map(lambda x: x.mean(0), results)


def lifetime_returns(agent: Evaluator, flat_params: jax.Array, key: jax.Array,
                     n_trials: int) -> np.ndarray:
    """Episode returns of `n_trials` independent lifetimes: array (n_trials, n_episodes)."""
    keys = jax.random.split(key, n_trials)
    return np.asarray(agent.lifetimes(flat_params, keys).episode_returns)
