"""Several runs in one program (lndp.batch): each run is the run trained alone, to the
provenance rule's standard (the same members and fitness, the ES state to float32
rounding), and the batch's run folders are ordinary ones (resumable, checked first)."""

from __future__ import annotations

import json

import jax
import numpy as np
import pytest

from conftest import small
from lndp.batch import BatchTrainer, check_batch, train_batch
from lndp.runfolder import RunFolderError, read_log
from lndp.train import Trainer, train

SEEDS = (0, 3)


def _configs(task="cartpole", **overrides):
    return [small(task, **{"train.seed": s, "train.eigen_every": 3, **overrides})
            for s in SEEDS]


def test_from_the_same_states_a_batch_generation_is_each_runs_own():
    """Teacher-forced: every generation starts both the batch and the lone runs from the
    lone runs' states, so a difference cannot hide in chaos: the populations, their
    fitness and the best member are bit for bit the lone run's; the ES state after the
    tell is the lone run's to float32 rounding (the lone program's fused tell and the
    batch's mapped one round a few path-vector entries by one ulp). Five generations cross
    two lazy eigendecompositions (every 2)."""
    configs = _configs(**{"train.eigen_every": 2})
    batch, alone = BatchTrainer(configs), [Trainer(c) for c in configs]
    states = [t.init() for t in alone]
    for generation in range(5):
        es_b, champions_b, result_b = batch.generation(batch.stack(states), generation)
        for i, (trainer, state) in enumerate(zip(alone, states)):
            es, champion, result = trainer.generation(state.es_state, generation)
            np.testing.assert_array_equal(np.asarray(result_b.episode_returns)[i],
                                          np.asarray(result.episode_returns))
            np.testing.assert_array_equal(np.asarray(champions_b)[i], np.asarray(champion))
            for name in ("mean", "std", "p_std", "p_c", "C", "B", "D"):
                np.testing.assert_allclose(np.asarray(getattr(es_b, name))[i],
                                           np.asarray(getattr(es, name)), rtol=1e-6,
                                           atol=1e-7, err_msg=f"{name}, generation {generation}")
        states = [t.step(s)[0] for t, s in zip(alone, states)]


def test_a_batch_writes_ordinary_resumable_run_folders_one_per_seed(tmp_path):
    configs = _configs(**{"train.generations": 4, "train.checkpoint_every": 1})
    whole = [tmp_path / f"w{s}" for s in SEEDS]
    logs = train_batch(configs, whole, progress=False)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]  # noqa: E731
    for out, log in zip(whole, logs):
        assert read_log(out) == log and len(log) == 4
        summary = json.loads((out / "summary.json").read_text())
        assert summary["batch"] == {"runs": 2, "seeds": list(SEEDS)}
    assert logs[0][0]["fitness_mean"] != logs[1][0]["fitness_mean"]  # two seeds, two runs
    # generations 1-2 precede the first ES state that rounding can touch: bit for bit the
    # lone run's (what `replay` checks)
    alone = train(configs[1], tmp_path / "alone", progress=False)
    assert strip(alone[:2]) == strip(logs[1][:2])
    # interrupted after 2 generations and resumed: the uninterrupted logs
    parts = [tmp_path / f"p{s}" for s in SEEDS]
    train_batch(configs, parts, progress=False, stop_after=2)
    resumed = train_batch(configs, parts, resume=True, progress=False)
    assert [strip(r) for r in resumed] == [strip(r) for r in logs]


def test_bad_batches_are_refused_before_any_compute(tmp_path):
    base = _configs()
    with pytest.raises(ValueError, match="train.popsize"):
        check_batch([base[0], base[1].replace(**{"train.popsize": 16})])
    with pytest.raises(ValueError, match="each seed once"):
        check_batch([base[0], base[0]])
    with pytest.raises(ValueError, match="one folder per seed"):
        train_batch(base, [tmp_path / "a"], progress=False)
    # runs at different generations cannot share a generation
    outs = [tmp_path / f"seed{s}" for s in SEEDS]
    train(base[0].replace(**{"train.checkpoint_every": 1}), outs[0], progress=False,
          stop_after=1)
    train(base[1].replace(**{"train.checkpoint_every": 1}), outs[1], progress=False,
          stop_after=2)
    before = [read_log(o) for o in outs]
    with pytest.raises(RunFolderError, match="one generation"):
        train_batch([c.replace(**{"train.checkpoint_every": 1}) for c in base], outs,
                    resume=True, progress=False)
    assert [read_log(o) for o in outs] == before  # nothing written


def test_the_generation_is_one_jitted_function():
    batch = BatchTrainer(_configs())
    assert isinstance(batch.generation, type(jax.jit(lambda x: x)))
