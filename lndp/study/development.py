"""Network development: recording lifetimes of trained runs, and their structural statistics.

`record_development` records one lifetime (density per step, synapse changes, graph
snapshots) for the figures. `lifetime_traces` is the one cache of recorded lifetimes for
statistics: ``development.csv`` in the run folder, one row per recorded step of every
lifetime recorded so far (evolved ES-mean parameters and, as a control, the untrained
parameters evolution started from), so reading the claims needs no model compile once the
runs are recorded. Each seed's lifetimes use their own keys (`recording_keys`), so every
lifetime starts from its own initial graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from lndp.study import runs

CACHE = "development.csv"
#: recorded lifetimes per seed for the development statistics
LIFETIMES_PER_SEED = 5
#: the share of structural change in the busiest `TOP_FRACTION` of a lifetime's steps
TOP_FRACTION = 0.1
PARAMETERS = ("evolved", "untrained")


@dataclass
class Development:
    """One recorded lifetime: density over time and graph snapshots."""

    task: str
    density: pd.DataFrame  # step, phase, phase_name, density, reward, changes
    snapshots: list[dict[str, Any]]  # {step, title, adjacency (N,N), weights (N,N)}
    n_inputs: int
    n_outputs: int
    returns: np.ndarray  # episode returns of this lifetime


def recording_keys(seed: int, lifetimes: int = LIFETIMES_PER_SEED) -> list[int]:
    """The recording keys of a seed's lifetimes: distinct across seeds and lifetimes."""
    return [1000 * seed + i for i in range(lifetimes)]


def _starting_params(config):
    """The parameters evolution started from (the ES mean at generation 0)."""
    from lndp.rollout import Agent

    return Agent(config).start_params


def _record(run: Path, key: int, agent=None, untrained: bool = False,
            n_episodes: int | None = None):
    """(config, lifetime result, per-step trace of the active steps) of one lifetime."""
    import jax

    from lndp.rollout import Agent

    config = runs.load_config(run)
    if n_episodes is not None:
        config = config.replace(**{"task.n_episodes": n_episodes})
    agent = agent or Agent(config)
    params = _starting_params(config) if untrained else runs.load_params(run, "mean")
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
    """Record one lifetime of a trained run's ES-mean parameters (`Agent.record`).

    agent: an `lndp.rollout.Agent` built for this run's config (ignoring the seed), to
    reuse its compiled recorder across seeds; built from the run's config if None.
    untrained: record the parameters evolution started from instead (a control).
    """
    from lndp.config import io_sizes

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


def save_development(dev: Development, folder: str | Path) -> None:
    """Write density.csv and snapshots.npz for a recorded lifetime."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dev.density.to_csv(folder / "density.csv", index=False)
    np.savez(folder / "snapshots.npz", steps=[s["step"] for s in dev.snapshots],
             adjacency=np.stack([s["adjacency"] for s in dev.snapshots]),
             weights=np.stack([s["weights"] for s in dev.snapshots]))


def lifetime_traces(run: str | Path, keys: Iterable[int], agent=None) -> pd.DataFrame:
    """Per-step density and synapse changes of the lifetimes with these keys, for the
    evolved and the untrained parameters, from the run's cache; lifetimes not cached
    yet are recorded (one compile per Agent) and added to it.
    Columns: parameters, key, step, phase, density, changes, recorder (code hash)."""
    from lndp.rollout import Agent

    run, keys = Path(run), list(keys)
    path = run / CACHE
    cached = pd.read_csv(path) if path.exists() else pd.DataFrame(
        columns=["parameters", "key", "step", "phase", "density", "changes", "recorder"])
    have = set(zip(cached.parameters, cached.key))
    new = []
    for parameters in PARAMETERS:
        for key in keys:
            if (parameters, key) in have:
                continue
            agent = agent or Agent(runs.load_config(run))
            _, _, trace = _record(run, key, agent, untrained=parameters == "untrained")
            new.append(pd.DataFrame({
                "parameters": parameters, "key": key, "step": np.arange(len(trace.phase)),
                "phase": trace.phase, "density": np.round(trace.density, 5),
                "changes": _changes(trace.adjacency), "recorder": runs.code_hash()}))
    if new:
        cached = pd.concat([cached, *new], ignore_index=True)
        cached.to_csv(path, index=False)
    return cached[cached.key.isin(keys)].reset_index(drop=True)


def top_share(changes: np.ndarray, top_fraction: float = TOP_FRACTION) -> float:
    """Share of all changes made in the busiest ⌈top_fraction · steps⌉ steps (NaN if none)."""
    changes = np.sort(np.asarray(changes))[::-1]
    k = max(1, int(np.ceil(top_fraction * len(changes))))
    return float(changes[:k].sum() / changes.sum()) if changes.sum() else float("nan")


def min_changes(steps: int, top_fraction: float = TOP_FRACTION) -> int:
    """The fewest changes at which a lifetime's top share means something: twice the
    number of busiest steps. With fewer, even changes spread one per step over the
    lifetime would put half or more of them in the busiest steps."""
    return 2 * max(1, int(np.ceil(top_fraction * steps)))


def lifetime_statistics(traces: pd.DataFrame, top_fraction: float = TOP_FRACTION) -> pd.DataFrame:
    """One row per recorded lifetime: parameters, key, steps (updates after G0), changes,
    top_share, measurable (changes ≥ min_changes), initial and final density."""
    rows = []
    for (parameters, key), life in traces.groupby(["parameters", "key"], sort=False):
        life = life.sort_values("step")
        changes = life.changes.to_numpy()[1:]  # the updates; step 0 is the initial graph
        rows.append({"parameters": parameters, "key": int(key), "steps": len(changes),
                     "changes": int(changes.sum()),
                     "top_share": top_share(changes, top_fraction),
                     "measurable": bool(changes.sum() >= min_changes(len(changes), top_fraction)),
                     "initial_density": float(life.density.iloc[0]),
                     "final_density": float(life.density.iloc[-1])})
    return pd.DataFrame(rows)


def development_statistics(results_dir: str | Path, condition: str = "sp_mu0.5_sigma0.1",
                           lifetimes: int = LIFETIMES_PER_SEED,
                           tasks: Iterable[str] = ("cartpole", "foraging", "acrobot",
                                                   "pendulum"),
                           current_only: bool = False) -> pd.DataFrame:
    """Per task, seed and recorded lifetime of the structural-plasticity runs of
    `condition`: `lifetime_statistics` of the evolved and the untrained parameters
    (recording lifetimes not cached yet: one compile per task); only the runs this
    code made with `current_only`."""
    from lndp.rollout import Agent

    frames = []
    for task in tasks:
        agent = None
        for seed, run in runs.finished_seeds(results_dir, "structural_plasticity", task,
                                             condition, current_only).items():
            keys = recording_keys(seed, lifetimes)
            cached = run / CACHE
            if agent is None and (not cached.exists() or
                                  len(set(pd.read_csv(cached, usecols=["key"]).key)
                                      & set(keys)) < len(keys)):
                agent = Agent(runs.load_config(run))  # one compile serves every seed
            stats = lifetime_statistics(lifetime_traces(run, keys, agent))
            stats.insert(0, "seed", seed)
            stats.insert(0, "task", task)
            frames.append(stats)
    columns = ["task", "seed", "parameters", "key", "steps", "changes", "top_share",
               "measurable", "initial_density", "final_density"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else \
        pd.DataFrame(columns=columns)


__all__ = ["Development", "record_development", "save_development", "recording_keys",
           "lifetime_traces", "top_share", "min_changes", "lifetime_statistics",
           "development_statistics", "LIFETIMES_PER_SEED", "TOP_FRACTION", "CACHE"]
