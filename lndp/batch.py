"""Several runs in one program: k seeds of one config trained by one jitted generation.

One popsize-64 run fills a GPU poorly. `BatchTrainer` stacks the ES states of k runs that
differ only in their seed (the same shapes and static switches) and runs one generation
for all of them: the k asks one run after the other, the k × P members evaluated as one
population (each member with the key its run would give it alone), the k tells one run
after the other. Every run keeps its own key chain, log, checkpoint and summary;
`train_batch` writes k ordinary run folders, which read, resume and replay like any other.

A batched run is its lone run to the provenance rule's standard (`tests/test_batch.py`):
from the same states a batch generation gives each run's members, fitness and best member
bit for bit and its ES state to one float32 ulp (the update rounds a few path-vector
entries differently inside the batch's program), so its first two generations replay
alone exactly and its later ones are the same model with other rounding. On a 2-core CPU
it gains nothing (benchmarks/batch-throughput.json); it is for devices one run leaves idle.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec as P_

from lndp.config import Config, config_differences
from lndp.rollout import LifetimeResult
from lndp.runfolder import RunFolderError, writer_lock
from lndp.train import (EVAL_GROUPS, RunLog, Trainer, TrainState, advance, finish_run,
                        mark_unfinished, population_evaluator, read_run,
                        save_checkpoint)


def check_batch(configs: Sequence[Config]) -> None:
    """A batch is ≥ 1 configs that differ in `train.seed` only, each seed once; else a
    one-line ValueError naming what differs."""
    if not configs:
        raise ValueError("seeds: a batch needs at least one run")
    seeds = [c.train.seed for c in configs]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds: each seed once in a batch, got {seeds}")
    for config in configs[1:]:
        differences = config_differences(configs[0], config, ignore=("train.seed",))
        if differences:
            raise ValueError("configs: a batch trains seeds of one config; "
                             f"{', '.join(differences)} differ")


class BatchTrainer:
    """k `Trainer`s of one config's seeds, whose generations run as one jitted function."""

    def __init__(self, configs: Sequence[Config]):
        check_batch(configs)
        self.configs = list(configs)
        self.trainers = [Trainer(c) for c in configs]
        first = self.trainers[0]
        self.k, self.popsize = len(configs), first.config.train.popsize
        self.strategy, self.es_params, self.mesh = first.strategy, first.es_params, first.mesh
        self.run_keys = jnp.stack([t.run_key for t in self.trainers])
        self.evaluate = population_evaluator(first.agent, self.k * self.popsize, self.mesh,
                                             EVAL_GROUPS.get(first.config.task.name),
                                             keyed=True)
        self.generation = jax.jit(self._generation)

    def stack(self, states: Sequence[TrainState]):
        """One ES state holding every run's, stacked on a leading run axis."""
        generations = {s.generation for s in states}
        if len(generations) != 1:
            raise RunFolderError("--resume: a batch resumes runs at one generation, found "
                                 f"{sorted(generations)}; resume them one by one")
        return jax.tree.map(lambda *xs: jnp.stack(xs), *[s.es_state for s in states])

    def _generation(self, es_states, generation):
        P = self.popsize

        # The asks and the tells run one run after the other (lax.map), each as
        # Trainer._generation runs it. Vmapped, the batched products of the rank-μ update
        # would round differently from the second generation on, and the lazy
        # eigendecomposition's cond would compute both branches every generation.
        def ask(run):
            run_key, es_state = run
            key = jax.random.fold_in(run_key, generation)
            k_ask, k_eval, k_tell = jax.random.split(key, 3)  # as Trainer._generation
            population, es_state = self.strategy.ask(k_ask, es_state, self.es_params)
            return population, es_state, jax.random.split(k_eval, P), k_tell

        populations, es_states, keys, k_tells = jax.lax.map(ask, (self.run_keys, es_states))
        result = self.evaluate(populations.reshape(self.k * P, -1),
                               keys.reshape(self.k * P, *keys.shape[2:]))
        # as in Trainer._generation: the ES updates run replicated, never partitioned
        # (a partitioned reduction would sum in another order)
        replicated = NamedSharding(self.mesh, P_())
        populations, result = jax.lax.with_sharding_constraint((populations, result),
                                                               replicated)
        result = jax.tree.map(lambda x: x.reshape(self.k, P, *x.shape[1:]), result)
        fitness = result.episode_returns.mean(-1)

        def tell(run):
            k_tell, population, fitness, es_state = run
            return self.strategy.tell(k_tell, population, -fitness, es_state, self.es_params)[0]

        es_states = jax.lax.map(tell, (k_tells, populations, fitness, es_states))
        es_states = jax.lax.with_sharding_constraint(es_states, replicated)
        champions = populations[jnp.arange(self.k), jnp.argmax(fitness, axis=1)]
        return es_states, champions, result

    def step(self, states: Sequence[TrainState]) -> tuple[list[TrainState], list[dict]]:
        """One generation of every run; returns their new states and log rows (each row's
        `seconds` is its share, 1/k, of the batch's wall time)."""
        start = time.perf_counter()
        es_states, champions, result = self.generation(self.stack(states), states[0].generation)
        jax.block_until_ready(es_states)
        seconds = (time.perf_counter() - start) / self.k
        out = [advance(config, state, jax.tree.map(lambda x: x[i], es_states), champions[i],
                       LifetimeResult(*(np.asarray(x)[i] for x in result)), seconds)
               for i, (config, state) in enumerate(zip(self.configs, states))]
        return [s for s, _ in out], [r for _, r in out]


def train_batch(configs: Sequence[Config], outs: Sequence[str | Path], *, resume: bool = False,
                overwrite: bool = False, progress: bool = True,
                stop_after: int | None = None) -> list[list[dict[str, str]]]:
    """Train (or resume) k seeds of one config as one program into k run folders (one per
    config, in order); returns each run's log rows. The folders are checked and locked
    before any compute, as `lndp.train.train` does for one."""
    check_batch(configs)
    outs = [Path(o) for o in outs]
    if len(outs) != len(configs) or len(set(outs)) != len(outs):
        raise ValueError(f"--out: one folder per seed, got {len(outs)} for {len(configs)}")
    for out in outs:
        if out.exists() and not out.is_dir():
            raise RunFolderError(f"{out}: is a file, not a run folder; choose another --out")
        if resume and not out.exists():
            raise RunFolderError(f"{out}: no such run folder to resume; drop --resume")
    with ExitStack() as held:
        for out in outs:
            held.enter_context(writer_lock(out))
        return _train_batch(configs, outs, resume, overwrite, progress, stop_after)


def _train_batch(configs, outs, resume, overwrite, progress, stop_after):
    batch = BatchTrainer(configs)
    opened = [read_run(c, o, resume, overwrite, t)
              for c, o, t in zip(configs, outs, batch.trainers)]
    states = [state for state, _ in opened]
    batch.stack(states)  # one generation for all, checked before anything is written
    for config, out in zip(configs, outs):
        mark_unfinished(config, out)
    target = configs[0].train.generations
    if stop_after is not None:
        target = min(target, states[0].generation + stop_after)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=target, initial=states[0].generation, unit="gen",
                   desc=f"{configs[0].task.name} × {len(configs)} seeds")
    logs = [RunLog(out, rows) for out, (_, rows) in zip(outs, opened)]
    try:
        while states[0].generation < target:
            states, rows = batch.step(states)
            for log, row in zip(logs, rows):
                log.append(row)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(mean=f"{np.mean([r['fitness_mean'] for r in rows]):.1f}")
            if states[0].generation % configs[0].train.checkpoint_every == 0:
                for out, state in zip(outs, states):
                    save_checkpoint(out, state)
    finally:
        for log, out, state in zip(logs, outs, states):
            log.close()
            save_checkpoint(out, state)
        if bar is not None:
            bar.close()
    seeds = [c.train.seed for c in configs]
    for config, out, state, log, trainer in zip(configs, outs, states, logs, batch.trainers):
        finish_run(config, out, state, log.rows, trainer.mean_params(state),
                   batch={"runs": len(configs), "seeds": seeds})
    return [log.rows for log in logs]


__all__ = ["check_batch", "BatchTrainer", "train_batch"]
