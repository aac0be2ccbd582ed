"""Evolution of LNDP parameters with evosax: one jitted generation, logs, checkpoints, resume.

A generation is one jitted function: ask → evaluate the whole population → tell. The
population is sharded over all `jax.devices()` (on a CPU, expose the cores as devices with
XLA_FLAGS=--xla_force_host_platform_device_count=2; on several GPUs or hosts it is the same
code after `jax.distributed.initialize()`). Every member gets its own evaluation key,
derived from the run seed and the generation, so results do not depend on the number of
devices, and a resumed run repeats exactly what an uninterrupted one would have done.

Two reference-code quirks are fixed here: the best member is the argmax of the (maximised)
fitness, and every member gets its own evaluation key on every device.

A run folder holds:
    config.json      the full Config
    log.csv          one row per generation
    checkpoint.pkl   ES state, best member, generation (overwritten atomically)
    params.npz       best member ever and the ES mean, for evaluation and plots
    summary.json     written last: its presence marks a finished run
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from lndp.config import Config, config_differences
from lndp.model import MODEL_VERSION
from lndp.provenance import code_hash, machine
from lndp.rollout import Evaluator, LifetimeResult
from lndp.runfolder import (RUN_FILES, RunFolderError, damaged, is_finished, load_config,
                            read_log, writer_lock)
from lndp.strategies import make_strategy


@dataclass
class TrainState:
    generation: int
    es_state: Any
    best_params: jax.Array
    best_fitness: float


#: members a device evaluates together (`population_evaluator`'s group) in tasks whose
#: episodes end early; elsewhere the whole share (no measurable gain: Pendulum 3.55 s vs
#: 3.52 s with 8, Foraging 0.33 s vs 0.32 s). Measured with tools/bench_groups.py
#: (benchmarks/eval-groups.json: one population from a checkpoint, one core, bitwise the
#: same results): CartPole LNDP 9.9 s → 1.7 s with pairs (generation 60), 8.2 s → 1.4 s
#: (generation 125); Acrobot at generation 60, when most members still run all 500 steps,
#: 6.4 s → 5.6 s with 4 (pairs 6.1 s). Groups of 1 change the numbers (without a batch
#: axis XLA compiles other kernels), so none is smaller than 2.
EVAL_GROUPS: dict[str, int] = {"cartpole": 2, "acrobot": 4}


def population_evaluator(agent: Evaluator, popsize: int, mesh: Mesh,
                         group: int | None = None, keyed: bool = False) -> Callable:
    """(population (P, D), key) → LifetimeResult with leading axis P, sharded over `mesh`;
    `keyed`: (population, member keys (P,)) instead, for callers that derive the keys
    (several runs in one program, `lndp.batch`: each run's members keep their own keys).

    `group`: evaluate each device's members in groups of this size, one after the other.
    A vmapped episode loop runs until the group's last member is done, so in tasks whose
    episodes end early (CartPole, Acrobot) one long-lived member makes only its own group
    pay for every step instead of the whole population. Results do not depend on it (used
    only when it divides each device's share of the population)."""
    n_devices = mesh.devices.size
    padded = -(-popsize // n_devices) * n_devices
    members = jax.vmap(agent.fitness)
    per_device = padded // n_devices
    # a remainder group would be evaluated with other kernels: groups must divide evenly
    if group is not None and group < per_device and per_device % group == 0:
        members = lambda population, keys: jax.lax.map(  # noqa: E731
            lambda member: agent.fitness(*member), (population, keys), batch_size=group)
    evaluate_shard = jax.shard_map(
        members, mesh=mesh, in_specs=(P("pop"), P("pop")), out_specs=P("pop"),
        check_vma=False,
    )
    sharding = NamedSharding(mesh, P("pop"))

    def evaluate_keyed(population: jax.Array, keys: jax.Array) -> LifetimeResult:
        if padded != popsize:  # pad with copies so every device gets the same share
            population = jnp.concatenate([population, population[: padded - popsize]])
            keys = jnp.concatenate([keys, keys[: padded - popsize]])
        population = jax.lax.with_sharding_constraint(population, sharding)
        keys = jax.lax.with_sharding_constraint(keys, sharding)
        return jax.tree.map(lambda x: x[:popsize], evaluate_shard(population, keys))

    def evaluate(population: jax.Array, key: jax.Array) -> LifetimeResult:
        return evaluate_keyed(population, jax.random.split(key, popsize))

    return evaluate_keyed if keyed else evaluate


class Trainer:
    """The evolution strategy, the evaluator and the jitted generation for one Config."""

    def __init__(self, config: Config):
        self.config = config
        self.agent = Evaluator(config)
        t = config.train
        self.strategy = make_strategy(t.strategy, t.popsize, self.agent.num_params,
                                      t.eigen_every, t.tie_ranking)
        params = self.strategy.default_params
        if hasattr(params, "std_init"):
            params = params.replace(std_init=jnp.asarray(t.sigma_init))
        self.es_params = params
        self.mesh = Mesh(np.array(jax.devices()), ("pop",))
        self.evaluate_population = population_evaluator(self.agent, t.popsize, self.mesh,
                                             EVAL_GROUPS.get(config.task.name))
        self.init_key, self.run_key = jax.random.split(jax.random.PRNGKey(t.seed))
        self.generation = jax.jit(self._generation)

    def init(self) -> TrainState:
        start = self.agent.start_params
        es_state = self.strategy.init(self.init_key, start, self.es_params)
        return TrainState(0, self.place(es_state), start, -np.inf)

    def place(self, es_state):
        """Give an ES state the dtypes (no weak types) and replicated placement that a
        generation returns, so the generation compiles once, fresh or resumed."""
        shapes = jax.eval_shape(self._generation, es_state, 0)[0]
        replicated = NamedSharding(self.mesh, P())
        return jax.tree.map(
            lambda x, s: jax.device_put(jnp.asarray(x, s.dtype), replicated), es_state, shapes
        )

    def _generation(self, es_state, generation):
        key = jax.random.fold_in(self.run_key, generation)
        k_ask, k_eval, k_tell = jax.random.split(key, 3)
        population, es_state = self.strategy.ask(k_ask, es_state, self.es_params)
        result = self.evaluate_population(population, k_eval)
        # The ES update runs replicated, never partitioned over the population axis: a
        # partitioned reduction would sum in another order and break the guarantee that
        # results do not depend on the number of devices.
        replicated = NamedSharding(self.mesh, P())
        population, result = jax.lax.with_sharding_constraint((population, result), replicated)
        fitness = result.episode_returns.mean(-1)
        es_state, _ = self.strategy.tell(k_tell, population, -fitness, es_state, self.es_params)
        es_state = jax.lax.with_sharding_constraint(es_state, replicated)
        best = jnp.argmax(fitness)  # evosax minimises -fitness; we keep the true best
        return es_state, population[best], result

    def step(self, state: TrainState) -> tuple[TrainState, dict[str, float]]:
        """Run one generation; returns the new state and its log row."""
        start = time.perf_counter()
        es_state, champion, result = self.generation(state.es_state, state.generation)
        jax.block_until_ready(es_state)
        return advance(self.config, state, es_state, champion, result,
                       time.perf_counter() - start)

    def mean_params(self, state: TrainState) -> jax.Array:
        return self.strategy.get_mean(state.es_state)


def advance(config: Config, state: TrainState, es_state, champion: jax.Array,
            result: LifetimeResult, seconds: float) -> tuple[TrainState, dict[str, float]]:
    """The state after one generation of a run and its log row, from what the jitted
    generation returned for that run (its new ES state, its best member, its population's
    LifetimeResult); `seconds`: its wall time."""
    fitness = np.asarray(result.episode_returns.mean(-1))
    best_params, best_fitness = state.best_params, state.best_fitness
    if fitness.max() > best_fitness:
        best_params, best_fitness = champion, float(fitness.max())
    episode_means = np.asarray(result.episode_returns).mean(0)
    row = {
        "generation": state.generation + 1,
        "fitness_mean": float(fitness.mean()),
        "fitness_max": float(fitness.max()),
        "fitness_min": float(fitness.min()),
        "fitness_std": float(fitness.std()),
        "best_so_far": best_fitness,
        **{f"return_episode_{i + 1}": float(r) for i, r in enumerate(episode_means)},
        "density_mean": float(np.asarray(result.final_density).mean()),
        "env_steps": int(np.asarray(result.env_steps).sum() * config.task.n_trials),
        "seconds": seconds,
    }
    return TrainState(state.generation + 1, es_state, best_params, best_fitness), row


# -- run folders -------------------------------------------------------------------------

def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_checkpoint(out: Path, state: TrainState) -> None:
    payload = {
        "generation": state.generation,
        "es_state": jax.device_get(state.es_state),
        "best_params": np.asarray(state.best_params),
        "best_fitness": state.best_fitness,
    }
    _write_atomic(out / "checkpoint.pkl", pickle.dumps(payload))


def load_checkpoint(out: Path, trainer: Trainer) -> TrainState:
    path = out / "checkpoint.pkl"
    try:
        payload = pickle.loads(path.read_bytes())
        return TrainState(payload["generation"], trainer.place(payload["es_state"]),
                          jnp.asarray(payload["best_params"]), payload["best_fitness"])
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError,
            AttributeError) as error:
        raise damaged(path, "checkpoint", error) from None


def prepare_run_folder(config: Config, out: Path, resume: bool, overwrite: bool) -> bool:
    """Check what is in `out` against the request; returns True if a run should resume.

    Nothing already written is removed unless `overwrite` is set.
    """
    if resume and overwrite:
        raise RunFolderError("--resume and --overwrite exclude each other")
    if resume and not (out / "log.csv").exists() and not (out / "config.json").exists():
        raise RunFolderError(f"{out}: no such run folder to resume; drop --resume to start "
                             "a new run there")
    existing = out / "config.json"
    if not existing.exists():
        if resume and (out / "log.csv").exists():
            raise RunFolderError(f"{out}: has a log but no config.json; cannot resume")
        out.mkdir(parents=True, exist_ok=True)
        return False
    if overwrite:
        for name in RUN_FILES:
            (out / name).unlink(missing_ok=True)
        return False
    old = load_config(out)
    differences = config_differences(old, config, ignore=("train.generations",))
    if differences:
        raise RunFolderError(
            f"{out}: holds a run with a different config ({', '.join(differences)} differ); "
            "choose another folder or pass --overwrite to replace it"
        )
    if not resume:
        state = "a finished run" if is_finished(out) else "an unfinished run"
        raise RunFolderError(
            f"{out}: already holds {state}; pass --resume to continue it or --overwrite to "
            "replace it"
        )
    if is_finished(out) and config.train.generations <= old.train.generations:
        raise RunFolderError(
            f"{out}: the run already finished {old.train.generations} generations; raise "
            "train.generations to extend it, or pass --overwrite"
        )
    if not (out / "checkpoint.pkl").exists():
        if read_log(out):  # starting again would overwrite the log
            raise RunFolderError(f"{out}: no checkpoint.pkl to resume from (its log has "
                                 f"{len(read_log(out))} generations); pass --overwrite to "
                                 "start this run again")
        return False
    return True


def train(
    config: Config,
    out: str | Path,
    *,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
    stop_after: int | None = None,
) -> list[dict[str, str]]:
    """Train (or resume) a run into folder `out`; returns its log rows.

    `stop_after` ends the call after that many generations of this call (an interruption,
    for time-sliced sessions and tests); the run stays resumable.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RunFolderError(f"{out}: is a file, not a run folder; choose another --out")
    if resume and not out.exists():
        raise RunFolderError(f"{out}: no such run folder to resume; drop --resume to start "
                             "a new run there")
    with writer_lock(out):
        return _train(config, out, resume, overwrite, progress, stop_after)


def open_run(config: Config, out: Path, resume: bool, overwrite: bool,
             trainer: Trainer) -> tuple[TrainState, list[dict[str, str]]]:
    """`read_run`, then `mark_unfinished`: the run's state and its log rows so far."""
    state, rows = read_run(config, out, resume, overwrite, trainer)
    mark_unfinished(config, out)
    return state, rows


def read_run(config: Config, out: Path, resume: bool, overwrite: bool,
             trainer: Trainer) -> tuple[TrainState, list[dict[str, str]]]:
    """Check `out` against the request and read what a resumed run needs (everything is
    read before anything is written: a damaged file stops the call here)."""
    resuming = prepare_run_folder(config, out, resume, overwrite)
    if resuming:
        rows = read_log(out)
        state = load_checkpoint(out, trainer)
        if len(rows) < state.generation:
            raise RunFolderError(f"{out / 'log.csv'}: {len(rows)} rows, but the checkpoint is "
                                 f"at generation {state.generation}; pass --overwrite to start "
                                 "this run again (nothing is deleted without it)")
        rows = rows[: state.generation]
    else:
        state, rows = trainer.init(), []
    return state, rows


def mark_unfinished(config: Config, out: Path) -> None:
    """Write the run's config and remove its summary: an extended run is unfinished again."""
    (out / "summary.json").unlink(missing_ok=True)
    (out / "config.json").write_text(config.to_json())


class RunLog:
    """A run's log.csv: rewritten from the rows kept (a resumed run's first generations),
    then one flushed row per generation."""

    def __init__(self, out: Path, rows: list[dict[str, str]]):
        self.rows = rows
        self._file = (out / "log.csv").open("w", newline="")
        self._writer = None
        for row in rows:
            self._write(row)

    def _write(self, row: dict) -> None:
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, fieldnames=list(row))
            self._writer.writeheader()
        self._writer.writerow(row)

    def append(self, row: dict[str, float]) -> None:
        self._write(row)
        self._file.flush()
        self.rows.append({k: str(v) for k, v in row.items()})

    def close(self) -> None:
        self._file.close()


def finish_run(config: Config, out: Path, state: TrainState, rows: list[dict[str, str]],
               mean_params: jax.Array, **recorded) -> None:
    """params.npz, and summary.json once every generation is done (its presence marks a
    finished run); `recorded`: more fields for the summary (e.g. how it was batched)."""
    np.savez(out / "params.npz", best=np.asarray(state.best_params),
             mean=np.asarray(mean_params), best_fitness=state.best_fitness,
             generation=state.generation)
    if state.generation >= config.train.generations:
        summary = {
            "generations": state.generation,
            "best_fitness": state.best_fitness,
            "final_fitness_mean": float(rows[-1]["fitness_mean"]),
            "total_seconds": sum(float(r["seconds"]) for r in rows),
            # which code made it, on what: a later model change is then visible on read
            "code_hash": code_hash(),
            "model_version": MODEL_VERSION,
            "devices": f"{jax.device_count()} {jax.devices()[0].platform}",
            # where it was made: exact replay needs the same CPU kind and ISA
            "machine": machine(),
            **recorded,
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2))


def _train(config: Config, out: Path, resume: bool, overwrite: bool, progress: bool,
           stop_after: int | None) -> list[dict[str, str]]:
    trainer = Trainer(config)
    state, rows = open_run(config, out, resume, overwrite, trainer)
    target = config.train.generations
    if stop_after is not None:
        target = min(target, state.generation + stop_after)

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=config.train.generations, initial=state.generation,
                   desc=f"{config.task.name}", unit="gen")
    log = RunLog(out, rows)
    try:
        while state.generation < target:
            state, row = trainer.step(state)
            log.append(row)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(best=f"{row['best_so_far']:.1f}",
                                mean=f"{row['fitness_mean']:.1f}")
            if state.generation % config.train.checkpoint_every == 0:
                save_checkpoint(out, state)
    finally:
        log.close()
        save_checkpoint(out, state)
        if bar is not None:
            bar.close()
    finish_run(config, out, state, log.rows, trainer.mean_params(state))
    return log.rows


__all__ = ["Trainer", "TrainState", "train", "RunFolderError", "EVAL_GROUPS",
           "population_evaluator", "advance", "open_run", "read_run", "mark_unfinished", "RunLog", "finish_run",
           "save_checkpoint", "load_checkpoint", "prepare_run_folder"]
