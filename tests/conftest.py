import csv
import json

import lndp  # noqa: F401  (sets XLA_FLAGS before jax is imported)
import jax
import pytest

from lndp.config import preset


@pytest.fixture
def key():
    return jax.random.PRNGKey(0)


def small(task="cartpole", **overrides):
    """A test-sized config: short lifetimes, small populations."""
    base = {"train.popsize": 8, "train.generations": 3, "task.n_trials": 1,
            "task.n_episodes": 2, "task.max_steps": 40}
    return preset(task, "smoke", **{**base, **overrides})


def fake_run(folder, config, generations=3):
    """A finished run folder of `config` without training: a rising log, a summary."""
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(config.to_json())
    with (folder / "log.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, ["generation", "fitness_mean", "fitness_max", "seconds"])
        writer.writeheader()
        for g in range(1, generations + 1):
            writer.writerow({"generation": g, "fitness_mean": g, "fitness_max": 2 * g,
                             "seconds": 0.1})
    (folder / "summary.json").write_text(json.dumps({"generations": generations}))
