"""Training: determinism, exact resume, run-folder safety, real learning, device count."""

import os
import subprocess
import sys

import jax
import numpy as np
import pytest

from conftest import small
from lndp.config import preset
from lndp.rollout import Evaluator, lifetime_returns
from lndp.runfolder import load_params, read_log
from lndp.train import EVAL_GROUPS, RunFolderError, train

IGNORED = {"seconds"}


def _same_logs(a, b):
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        assert {k: v for k, v in ra.items() if k not in IGNORED} == \
               {k: v for k, v in rb.items() if k not in IGNORED}


def test_same_seed_same_log(tmp_path):
    config = small("foraging", **{"train.generations": 3})
    a = train(config, tmp_path / "a", progress=False)
    b = train(config, tmp_path / "b", progress=False)
    _same_logs(a, b)
    c = train(config.replace(**{"train.seed": 1}), tmp_path / "c", progress=False)
    assert [r["fitness_mean"] for r in a] != [r["fitness_mean"] for r in c]


def test_resume_equals_uninterrupted(tmp_path):
    config = small("cartpole", **{"train.generations": 5, "train.checkpoint_every": 2,
                                  "train.eigen_every": 2})
    full = train(config, tmp_path / "full", progress=False)
    part = train(config, tmp_path / "part", progress=False, stop_after=3)
    assert len(part) == 3 and not (tmp_path / "part" / "summary.json").exists()
    resumed = train(config, tmp_path / "part", progress=False, resume=True)
    _same_logs(full, resumed)
    _same_logs(full, read_log(tmp_path / "part"))
    np.testing.assert_array_equal(load_params(tmp_path / "full"), load_params(tmp_path / "part"))


def test_run_folder_is_never_overwritten_silently(tmp_path):
    config = small("foraging", **{"train.generations": 2})
    out = tmp_path / "run"
    train(config, out, progress=False)
    log = (out / "log.csv").read_text()
    with pytest.raises(RunFolderError, match="finished run"):
        train(config, out, progress=False)
    with pytest.raises(RunFolderError, match="model.sa_steps"):
        train(config.replace(**{"model.sa_steps": 3}), out, progress=False, resume=True)
    with pytest.raises(RunFolderError, match="already finished"):
        train(config, out, progress=False, resume=True)
    assert (out / "log.csv").read_text() == log
    # Extending a finished run continues it; overwriting starts afresh.
    rows = train(config.replace(**{"train.generations": 3}), out, progress=False, resume=True)
    assert [r["generation"] for r in rows] == ["1", "2", "3"]
    rows = train(config, out, progress=False, overwrite=True)
    assert len(rows) == 2


def test_training_improves_foraging_fitness(tmp_path):
    """No mock: CMA-ES on Foraging, reference profile (started at the zero vector with
    sigma 1, as the authors' code), makes the ES mean clearly better than where it started.

    p_switch = 0 keeps this test-sized run informative: the food side is still drawn 50/50
    per lifetime, so the zero network (always action 0) scores ~60 per 40 steps and
    finding-then-exploiting the food ~190. With sigma 1 the population is spread wide, so
    the ES mean, not the noisy population mean, is what shows learning.
    """
    config = small("foraging", **{"train.popsize": 32, "train.generations": 40,
                                  "task.n_trials": 2, "task.n_episodes": 1,
                                  "task.max_steps": 40, "task.p_switch": 0.0,
                                  "train.eigen_every": 5, "train.checkpoint_every": 100})
    assert config.profile == "reference"
    rows = train(config, tmp_path / "learn", progress=False)
    agent = Evaluator(config)
    key = jax.random.PRNGKey(123)
    start = lifetime_returns(agent, np.zeros(agent.num_params, np.float32), key, 200).mean()
    learned = lifetime_returns(agent, load_params(tmp_path / "learn", "mean"), key, 200).mean()
    assert learned > start + 20, (start, learned)
    assert float(rows[-1]["best_so_far"]) >= 150, "no individual learned to find the food"


@pytest.mark.slow
def test_one_and_two_devices_give_the_same_log(tmp_path):
    script = (
        "import sys, lndp, jax; from conftest import small; from lndp.train import train;"
        "assert len(jax.devices()) == int(sys.argv[2]);"
        "train(small('foraging', **{'train.popsize': 6, 'train.generations': 2}), sys.argv[1],"
        " progress=False)"
    )
    logs = []
    for n in (1, 2):
        env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={n}",
               "PYTHONPATH": os.path.dirname(__file__)}
        out = tmp_path / f"d{n}"
        subprocess.run([sys.executable, "-c", script, str(out), str(n)], check=True, env=env)
        logs.append(read_log(out))
    _same_logs(*logs)


def test_a_finished_run_records_the_code_that_made_it(tmp_path):
    import json

    from lndp.design.layout import made_by_this_code
    from lndp.provenance import code_hash

    out = tmp_path / "run"
    train(preset("foraging", "smoke", **{"train.generations": 1}), out, progress=False)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["code_hash"] == code_hash() and made_by_this_code(out) is True
    summary["code_hash"] = "0" * 12  # as if the model changed since
    (out / "summary.json").write_text(json.dumps(summary))
    assert made_by_this_code(out) is False


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(EVAL_GROUPS))  # the tasks that group
def test_evaluating_the_population_in_groups_changes_no_number(task):
    from lndp.train import Trainer, population_evaluator

    trainer = Trainer(small(task, **{"task.max_steps": 60, "train.popsize": 16}))
    population, _ = trainer.strategy.ask(jax.random.PRNGKey(0), trainer.init().es_state,
                                         trainer.es_params)
    results = [jax.jit(population_evaluator(trainer.agent, 16, trainer.mesh, group))(
        population, jax.random.PRNGKey(1)) for group in (None, 2)]
    steps = np.asarray(results[0].env_steps)
    if task == "cartpole":  # members end their episodes at different steps
        assert len(set(steps.tolist())) > 1, steps
    for grouped in results[1:]:
        for whole, part in zip(jax.tree.leaves(results[0]), jax.tree.leaves(grouped)):
            np.testing.assert_array_equal(np.asarray(whole), np.asarray(part))
