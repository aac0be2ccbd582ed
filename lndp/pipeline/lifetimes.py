"""Recorded lifetimes of trained runs: one format each, one writer, one reader.

Three records, each written here and read back here:
- `Development` (density per step, synapse changes, graph snapshots) for the development
  figure: ``density.csv`` + ``snapshots.npz`` in `lndp.design.layout.development_dir`;
- per-step traces for the development statistics (claims 4a, 4b): ``development.csv`` in
  each run folder (`lifetime_traces`), one row per recorded step of every lifetime recorded
  so far, the evolved ES-mean parameters and, as a control, the untrained parameters
  evolution started from; each seed's lifetimes use their own keys (`recording_keys`), so
  every lifetime starts from its own initial graph;
- `Lifetime` (every step: adjacency, weights, activity) for the animation:
  ``lifetime_key<k>.npz`` in the run folder (`record_lifetime`).
Reading a cache needs no model, so a committed record outlives changes of the model's
parameter layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jax
import numpy as np
import pandas as pd

from lndp.config import io_sizes
from lndp.design.figures import LIFETIME_PARAMETERS, LIFETIMES_PER_SEED, recording_keys
from lndp.design.layout import finished_seeds
from lndp.provenance import code_hash
from lndp.rollout import Evaluator
from lndp.runfolder import DEVELOPMENT_CACHE, load_config, load_params
from lndp.tasks import TASKS



@dataclass
class Development:
    """One recorded lifetime: density over time and graph snapshots."""

    task: str
    density: pd.DataFrame  # step, phase, phase_name, density, reward, changes
    snapshots: list[dict[str, Any]]  # {step, title, adjacency (N,N), weights (N,N)}
    n_inputs: int
    n_outputs: int
    returns: np.ndarray  # episode returns of this lifetime


def _starting_params(config):
    """The parameters evolution started from (the ES mean at generation 0)."""
    return Evaluator(config).start_params


def _record(run: Path, key: int, agent=None, untrained: bool = False,
            n_episodes: int | None = None):
    """(config, lifetime result, per-step trace of the active steps) of one lifetime."""
    config = load_config(run)
    if n_episodes is not None:
        config = config.replace(**{"task.n_episodes": n_episodes})
    agent = agent or Evaluator(config)
    params = _starting_params(config) if untrained else load_params(run, "mean")
    result, trace = agent.recorded(params, jax.random.PRNGKey(key))
    trace = jax.tree.map(np.asarray, trace)
    keep = trace.active.astype(bool)
    return config, result, jax.tree.map(lambda x: x[keep], trace)


def _changes(adjacency: np.ndarray) -> np.ndarray:
    """Synapses added or pruned since the previous recorded step (0 at the first)."""
    return np.concatenate([[0], np.abs(np.diff(adjacency.astype(np.int8), axis=0)).sum((1, 2))])


def record_development(run_dir: str | Path, key: int = 0, n_snapshots: int = 4,
                       n_episodes: int | None = None, agent=None,
                       untrained: bool = False) -> Development:
    """Record one lifetime of a trained run's ES-mean parameters (`Evaluator.record`).

    agent: an `lndp.rollout.Evaluator` built for this run's config (ignoring the seed), to
    reuse its compiled recorder across seeds; built from the run's config if None.
    untrained: record the parameters evolution started from instead (a control).
    """
    config, result, trace = _record(Path(run_dir), key, agent, untrained, n_episodes)
    phase = trace.phase
    names = np.where(phase == 0, "development (SA)" if config.model.sa_steps else "initial",
                     np.char.add("episode ", phase.astype(str))).astype(object)
    names[0] = "initial G0"
    density = pd.DataFrame({
        "task": config.task.name, "step": np.arange(len(phase)), "phase": phase,
        "phase_name": names, "density": trace.density, "reward": trace.reward,
        "changes": _changes(trace.adjacency),
    })
    # snapshots: the initial graph, the end of each phase (SA, episode k), then evenly spaced
    ends = [int(np.nonzero(phase == p)[0].max()) for p in np.unique(phase)]
    steps = list(dict.fromkeys([0, *ends]))[:n_snapshots]
    for s in np.linspace(0, len(density) - 1, n_snapshots + 2).round().astype(int):
        if len(steps) >= n_snapshots:
            break
        if s not in steps:
            steps.append(int(s))
    snapshots = [{"step": int(s), "title": f"step {s} ({names[s]})",
                  "adjacency": trace.adjacency[s], "weights": trace.weights[s]}
                 for s in sorted(steps)]
    n_inputs, n_outputs = io_sizes(config.task)
    return Development(config.task.name, density, snapshots, n_inputs, n_outputs,
                       np.asarray(result.episode_returns))


def save_development(dev, folder: str | Path) -> None:
    """Write a recorded lifetime's ``density.csv`` and ``snapshots.npz`` (with the node
    counts, so that `load_development` needs no model)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dev.density.to_csv(folder / "density.csv", index=False)
    np.savez(folder / "snapshots.npz", steps=[s["step"] for s in dev.snapshots],
             adjacency=np.stack([s["adjacency"] for s in dev.snapshots]),
             weights=np.stack([s["weights"] for s in dev.snapshots]),
             n_inputs=dev.n_inputs, n_outputs=dev.n_outputs)


def load_development(folder: str | Path):
    """The `Development` cached in `folder` (density.csv, snapshots.npz), or None when
    there is none; a cached record survives changes of the model's parameter layout that
    make the run's parameters unloadable."""
    folder = Path(folder)
    if not ((folder / "density.csv").exists() and (folder / "snapshots.npz").exists()):
        return None
    density = pd.read_csv(folder / "density.csv")
    with np.load(folder / "snapshots.npz") as z:
        if "n_inputs" not in z:
            return None
        names = density.phase_name.to_numpy()
        snapshots = [{"step": int(s), "title": f"step {s} ({names[s]})", "adjacency": a,
                      "weights": w} for s, a, w in zip(z["steps"], z["adjacency"], z["weights"])]
        n_inputs, n_outputs = int(z["n_inputs"]), int(z["n_outputs"])
    returns = density[density.phase > 0].groupby("phase")["reward"].sum().to_numpy()
    return Development(str(density.task.iloc[0]), density, snapshots, n_inputs, n_outputs,
                       returns)


def development(run: str | Path, folder: str | Path, key: int = 0,
                refresh: bool = False) -> Development:
    """One recorded lifetime of a run for the development figure: read from `folder`
    (`lndp.design.layout.development_dir`) or, the first time (or with `refresh`),
    recorded (`record_development`) and saved there."""
    found = None if refresh else load_development(folder)
    if found is None:
        found = record_development(run, key=key)
        save_development(found, folder)
    return found


def lifetime_traces(run: str | Path, keys: Iterable[int], agent=None) -> pd.DataFrame:
    """Per-step density and synapse changes of the lifetimes with these keys, for the
    evolved and the untrained parameters, from the run's cache; lifetimes not cached
    yet are recorded (one compile per Evaluator) and added to it.
    Columns: parameters, key, step, phase, density, changes, recorder (code hash)."""
    run, keys = Path(run), list(keys)
    path = run / DEVELOPMENT_CACHE
    cached = pd.read_csv(path) if path.exists() else pd.DataFrame(
        columns=["parameters", "key", "step", "phase", "density", "changes", "recorder"])
    have = set(zip(cached.parameters, cached.key))
    new = []
    for parameters in LIFETIME_PARAMETERS:
        for key in keys:
            if (parameters, key) in have:
                continue
            agent = agent or Evaluator(load_config(run))
            _, _, trace = _record(run, key, agent, untrained=parameters == "untrained")
            new.append(pd.DataFrame({
                "parameters": parameters, "key": key, "step": np.arange(len(trace.phase)),
                "phase": trace.phase, "density": np.round(trace.density, 5),
                "changes": _changes(trace.adjacency), "recorder": code_hash()}))
    if new:
        cached = pd.concat([cached, *new], ignore_index=True)
        cached.to_csv(path, index=False)
    return cached[cached.key.isin(keys)].reset_index(drop=True)


def record_lifetimes(results_dir: str | Path, condition: str = "sp_mu0.5_sigma0.1",
                     lifetimes: int = LIFETIMES_PER_SEED, tasks: Iterable[str] = TASKS,
                     current_only: bool = False) -> None:
    """Make sure every finished structural-plasticity run of `condition` has its
    `lifetimes` recorded lifetimes cached (evolved and untrained parameters, keys
    `recording_keys`), so that `lndp.study.development` reads them without a model;
    one compile per task serves every seed."""
    for task in tasks:
        agent = None
        for seed, run in finished_seeds(results_dir, "structural_plasticity", task,
                                        condition, current_only).items():
            keys = recording_keys(seed, lifetimes)
            cached = run / DEVELOPMENT_CACHE
            if cached.exists() and set(keys) <= set(pd.read_csv(cached, usecols=["key"]).key):
                continue
            agent = agent or Evaluator(load_config(run))
            lifetime_traces(run, keys, agent)


@dataclass
class Lifetime:
    """Every recorded step of one lifetime; phase 0 = initial graph and spontaneous
    activity, k ≥ 1 = episode k. Steps after an episode ended are dropped."""

    task: str
    phase: np.ndarray  # (S,)
    reward: np.ndarray  # (S,)
    density: np.ndarray  # (S,)
    adjacency: np.ndarray  # (S, N, N) bool
    weights: np.ndarray  # (S, N, N)
    activity: np.ndarray  # (S, N)
    n_inputs: int
    n_outputs: int
    sa_steps: int
    returns: np.ndarray  # (n_episodes,)

    @property
    def steps(self) -> int:
        return len(self.phase)


def _cache(run_dir: Path, key: int) -> Path:
    return run_dir / f"lifetime_key{key}.npz"


def save_lifetime(life: Lifetime, path: str | Path) -> None:
    np.savez_compressed(
        path, task=life.task, phase=life.phase.astype(np.int8), reward=life.reward,
        density=life.density, adjacency=life.adjacency.astype(bool),
        weights=life.weights.astype(np.float16), activity=life.activity.astype(np.float16),
        n_inputs=life.n_inputs, n_outputs=life.n_outputs, sa_steps=life.sa_steps,
        returns=life.returns)


def load_lifetime(path: str | Path) -> Lifetime:
    with np.load(path) as z:
        return Lifetime(str(z["task"]), z["phase"].astype(int), z["reward"], z["density"],
                        z["adjacency"], z["weights"].astype(np.float32),
                        z["activity"].astype(np.float32), int(z["n_inputs"]),
                        int(z["n_outputs"]), int(z["sa_steps"]), z["returns"])


def record_lifetime(run_dir: str | Path, key: int = 0, refresh: bool = False) -> Lifetime:
    """The cached lifetime of this run (``<run_dir>/lifetime_key<key>.npz``), recorded
    with the run's ES-mean parameters the first time (or when `refresh`)."""
    run_dir = Path(run_dir)
    cache = _cache(run_dir, key)
    if cache.exists() and not refresh:
        return load_lifetime(cache)
    config = load_config(run_dir)
    result, trace = Evaluator(config).recorded(load_params(run_dir, "mean"),
                                           jax.random.PRNGKey(key))
    trace = jax.tree.map(np.asarray, trace)
    keep = trace.active.astype(bool)
    n_inputs, n_outputs = io_sizes(config.task)
    life = Lifetime(config.task.name, trace.phase[keep], trace.reward[keep],
                    trace.density[keep], trace.adjacency[keep], trace.weights[keep],
                    trace.activity[keep], n_inputs, n_outputs, int(config.model.sa_steps),
                    np.asarray(result.episode_returns))
    save_lifetime(life, cache)
    return life


__all__ = ["Development", "record_development", "save_development", "load_development", "development",
           "lifetime_traces", "record_lifetimes", "Lifetime", "save_lifetime",
           "load_lifetime", "record_lifetime"]
