"""Every invalid configuration fails early with a message that names the field."""

import pytest

from lndp.config import Config, ConfigError, preset


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"task.name": "mountaincar"}, "task.name"),
        ({"train.strategy": "NoSuchES"}, "train.strategy"),
        ({"task.p_switch": 1.5}, "task.p_switch"),
        ({"model.mu_conn": -0.1}, "model.mu_conn"),
        ({"model.threshold": 2.0}, "model.threshold"),
        ({"model.sigma_conn": -0.1}, "model.sigma_conn"),
        ({"train.sigma_init": -1.0}, "train.sigma_init"),
        ({"train.popsize": 1}, "train.popsize"),
        ({"train.generations": 0}, "train.generations"),
        ({"model.lifetime_updates": False, "model.sa_steps": 0}, "model.sa_steps"),
        ({"model.decision": "coin"}, "model.decision"),
        ({"model.n_nodes": 5}, "model.n_nodes"),
        ({"task.n_episodes": 0}, "task.n_episodes"),
        ({"model.nonsense": 1}, "model.nonsense"),
        ({"train.tie_ranking": "random"}, "train.tie_ranking"),
        ({"train.strategy": "Sep_CMA_ES", "train.tie_ranking": "stable"}, "train.tie_ranking"),
    ],
)
def test_invalid_config_names_the_field(overrides, field):
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        preset("cartpole", "smoke", **overrides)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ConfigError, match="cartpole, acrobot, pendulum, foraging"):
        preset("mountaincar", "smoke")
    with pytest.raises(ConfigError, match="CMA_ES"):
        preset("cartpole", "smoke", **{"train.strategy": "cma"})
    with pytest.raises(ConfigError, match="smoke, reduced, cpu, paper"):
        preset("cartpole", "huge")


def test_round_trip_and_presets():
    for task in ("cartpole", "acrobot", "pendulum", "foraging"):
        for scale in ("smoke", "reduced", "cpu", "paper"):
            c = preset(task, scale)
            assert Config.from_dict(c.to_dict()) == c
    paper = preset("cartpole", "paper")
    assert (paper.train.popsize, paper.train.strategy, paper.task.n_episodes) == (256, "CMA_ES", 3)
    assert (paper.model.n_nodes, paper.model.node_dim, paper.model.edge_dim) == (32, 8, 4)


def test_the_cpu_scale_runs_the_authors_search_at_a_cpu_budget():
    cpu = preset("foraging", "cpu")
    assert cpu.profile == "reference"
    assert (cpu.train.strategy, cpu.train.init_mean, cpu.train.sigma_init) == \
        ("CMA_ES", "zero", 1.0)  # the authors' CMA-ES start
    assert (cpu.train.popsize, cpu.train.eigen_every, cpu.task.n_trials) == (64, 10, 1)
    assert cpu.train.generations == 500
    assert preset("foraging", "cpu", profile="corrected").profile == "corrected"
