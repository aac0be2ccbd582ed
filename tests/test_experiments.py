"""The figure conditions and the driver's bookkeeping (no training: run folders are faked)."""

from __future__ import annotations

import json

import pytest

from lndp.design import figures, layout
from lndp.pipeline import evaluation, lifetimes
from lndp.pipeline import figures as pipe
from lndp.config import SCALES, scale_record
from lndp.provenance import code_hash
from lndp.runfolder import DEVELOPMENT_CACHE

from conftest import fake_run


@pytest.mark.parametrize("scale", SCALES)
def test_every_condition_is_a_valid_config(scale):
    for figure in figures.FIGURES:
        assert figures.conditions(figure, scale), figure
        for task in figures.tasks(figure, scale):
            assert set(figures.conditions(figure, scale, task)) <= set(figures.conditions(figure, scale))
            for condition in figures.conditions(figure, scale, task):
                config = figures.figure_config(figure, task, condition, scale, seed=1)
                assert config.train.seed == 1 and config.task.name == task
                if condition.startswith("nosp_"):
                    assert not config.model.structural_plasticity
                    assert config.model.mu_conn > 0  # paper: no-SP never from empty networks


def test_paper_grids():
    sp = figures.conditions("structural_plasticity", "paper")
    assert len([c for c in sp if c.startswith("sp_")]) == 6  # {0, .5, 1} x {0, .1}
    assert len([c for c in sp if c.startswith("nosp_")]) == 4
    # reduced: an SP/no-SP pair per non-empty start, and SP from empty with σ 0.1 (claim 1d)
    reduced = figures.conditions("structural_plasticity", "reduced")
    assert set(reduced) <= set(sp) and "sp_mu0_sigma0.1" in reduced
    assert {c[2:] for c in reduced if c.startswith("nosp_")} <= set(reduced)
    for task in figures.tasks("structural_plasticity", "reduced"):
        grid = figures.conditions("structural_plasticity", "reduced", task)
        assert {"sp_mu0_sigma0.1", "sp_mu0.5_sigma0.1", "nosp_mu0.5_sigma0.1"} <= set(grid)
    # claims 1a/1b are about every condition: CartPole and Foraging keep both SP/no-SP pairs
    assert figures.conditions("structural_plasticity", "reduced", "cartpole") == reduced
    assert figures.conditions("structural_plasticity", "reduced", "foraging") == reduced
    assert figures.tasks("structural_plasticity", "reduced") == ("cartpole", "acrobot", "pendulum",
                                                            "foraging")
    sa = figures.conditions("spontaneous_activity", "reduced")
    assert sa["sa_lndp"]["model.sa_steps"] == 100 and sa["nosa_lndp"]["model.sa_steps"] == 0
    ndp = figures.conditions("ndp_vs_lndp", "paper")
    assert ndp["ndp"] == {"model.sa_steps": 100, "model.lifetime_updates": False}
    assert scale_record("reduced").default_seeds >= 3
    assert figures.label("sp_mu0_sigma0.1") == "SP (μ=0, σ=0.1)"


def test_finished_runs_are_read_and_twins_copied(tmp_path):
    figure, scale = "structural_plasticity", "smoke"
    for task in figures.tasks(figure, scale):
        for condition in figures.conditions(figure, scale):
            config = figures.figure_config(figure, task, condition, scale, 0)
            fake_run(tmp_path / figure / task / condition / "seed0", config)
    results = pipe.run_figure(figure, scale, seeds=1, results_dir=tmp_path, verbose=False)
    assert set(results.runs.status) == {"finished (read)"}
    t = results.training
    assert len(t) == 3 * len(results.runs)
    assert {"figure", "task", "condition", "seed", "generation", "fitness_mean",
            "fitness_max"} <= set(t.columns)
    # network_development's default LNDP is the same config as a structural-plasticity run
    dev = pipe.run_figure("network_development", scale, results_dir=tmp_path, verbose=False)
    assert dev.runs.status.iloc[0].startswith("copied from structural_plasticity/cartpole/")
    assert (tmp_path / "network_development/cartpole/sp_mu0.5_sigma0.1/seed0/summary.json").exists()


def test_a_finished_run_with_another_config_is_not_silently_reused(tmp_path):
    config = figures.figure_config("network_development", "cartpole", "sp_mu0.5_sigma0.1", "smoke", 0)
    fake_run(tmp_path / "network_development/cartpole/sp_mu0.5_sigma0.1/seed0",
             config.replace(**{"model.mu_conn": 1.0}))
    with pytest.raises(RuntimeError, match="retrain=True"):
        pipe.run_figure("network_development", "smoke", results_dir=tmp_path, verbose=False)


def test_without_train_missing_nothing_is_trained(tmp_path, monkeypatch):
    """The book's reduced build: finished runs are read, missing ones listed, none trained."""
    import lndp.train

    monkeypatch.setattr(lndp.train, "train", lambda *a, **k: pytest.fail("trained"))
    figure, scale = "structural_plasticity", "smoke"
    task, condition = "foraging", next(iter(figures.conditions(figure, scale)))
    fake_run(tmp_path / figure / task / condition / "seed0",
             figures.figure_config(figure, task, condition, scale, 0))
    results = pipe.run_figure(figure, scale, seeds=2, results_dir=tmp_path, verbose=False,
                            train_missing=False)
    assert list(results.runs.status) == ["finished (read)"]
    assert set(results.missing.task) == {"cartpole", "foraging"}
    assert len(results.missing) == 3  # cartpole seeds 0, 1 and foraging seed 1
    assert set(results.training.task) == {"foraging"}
    empty = pipe.run_figure("ndp_vs_lndp", scale, results_dir=tmp_path / "none", verbose=False,
                          train_missing=False)
    assert empty.runs.empty and empty.training.empty and empty.evaluation.empty


def test_only_conditions_restricts_the_runs_and_rejects_unknown_names(tmp_path):
    """How tools/run_reduced.sh splits one task's conditions between two processes."""
    figure = "structural_plasticity"
    for condition in ("sp_mu1_sigma0.1", "nosp_mu1_sigma0.1"):
        fake_run(tmp_path / figure / "cartpole" / condition / "seed0",
                 figures.figure_config(figure, "cartpole", condition, "reduced", 0))
    results = pipe.run_figure(figure, "reduced", seeds=1, results_dir=tmp_path, verbose=False,
                            only_tasks=["cartpole"], train_missing=False,
                            only_conditions=["sp_mu1_sigma0.1", "nosp_mu1_sigma0.1"])
    assert set(results.runs.condition) == {"sp_mu1_sigma0.1", "nosp_mu1_sigma0.1"}
    assert set(results.runs.status) == {"finished (read)"}
    # Acrobot's reduced grid has no μ 1 pair: asking for it there is an error, not a no-op
    with pytest.raises(ValueError, match="only_conditions: sp_mu1_sigma0.1 not in"):
        pipe.run_figure(figure, "reduced", results_dir=tmp_path, verbose=False,
                      only_tasks=["acrobot"], only_conditions=["sp_mu1_sigma0.1"])


def test_recorded_development_counts_every_synapse_change(tmp_path):
    """`changes` counts additions + prunings per step, so it bounds the net density change;
    the development statistics and their cache agree with a fresh recording."""
    import numpy as np
    import pandas as pd

    from lndp.rollout import Evaluator
    from lndp.study import development

    config = figures.figure_config("structural_plasticity", "foraging", "sp_mu0.5_sigma0.1",
                              "smoke", 0).replace(**{"model.decision": "bernoulli"})
    agent = Evaluator(config)
    run = tmp_path / "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed0"
    fake_run(run, config)
    rng = np.random.default_rng(0)
    params = np.asarray(agent.initial_params) + rng.normal(0, 0.5, agent.num_params)
    np.savez(run / "params.npz", best=params, mean=params)
    dev = lifetimes.record_development(run, agent=agent)
    d = dev.density
    net = np.abs(np.diff(d.density.to_numpy())) * float(agent.allowed.sum())
    assert d.changes.iloc[0] == 0 and d.changes.sum() > 0
    assert np.all(d.changes.to_numpy()[1:] >= np.round(net) - 1e-6)
    with pytest.raises(ValueError, match="record them first"):  # the study only reads
        development.development_statistics(tmp_path, lifetimes=2, tasks=["foraging"])
    lifetimes.record_lifetimes(tmp_path, lifetimes=2, tasks=["foraging"])
    stats = development.development_statistics(tmp_path, lifetimes=2, tasks=["foraging"])
    assert list(stats.parameters) == ["evolved", "evolved", "untrained", "untrained"]
    assert list(stats.key) == [0, 1, 0, 1]  # seed 0's keys; each lifetime its own graph
    assert stats.changes.iloc[0] == d.changes.sum()  # key 0: the recording above
    assert (run / DEVELOPMENT_CACHE).exists()
    pd.testing.assert_frame_equal(
        development.development_statistics(tmp_path, lifetimes=2, tasks=["foraging"]),
        stats)  # read from the cache
    assert stats.top_share.between(0.1, 1.0).all()


def test_each_scale_keeps_its_runs_in_its_own_folder():
    """A paper-scale run must never meet a committed reduced run of the same name."""
    assert len({scale_record(s).results_dir for s in SCALES}) == len(SCALES)
    table = layout.results_folder("reduced") / "ndp_vs_lndp" / "evaluation.csv"
    before = table.read_bytes() if table.exists() else None
    for scale in SCALES:
        results = pipe.run_figure("ndp_vs_lndp", scale, seeds=1, verbose=False,
                                train_missing=False, only_tasks=["foraging"])
        expected = layout.results_folder(scale) / "ndp_vs_lndp" / "foraging"
        assert all(path.startswith(str(expected)) for path in results.runs.path), scale
    # a call on part of a figure leaves the figure's evaluation table as it was
    assert (table.read_bytes() if table.exists() else None) == before


def test_pages_leave_out_runs_of_other_code_except_at_archived_scales(tmp_path):
    """The book shows only runs this code made; the archived reduced scale shows its
    earlier model's runs, labelled."""
    from lndp.study import evidence

    figure, task = "structural_plasticity", "foraging"
    for scale in ("smoke", "reduced"):
        condition = next(iter(figures.conditions(figure, scale, task)))
        folder = tmp_path / scale / figure / task / condition / "seed0"
        fake_run(folder, figures.figure_config(figure, task, condition, scale, 0))
        (folder / "summary.json").write_text(json.dumps({"generations": 3,
                                                         "code_hash": "0" * 12}))
        assert layout.made_by_this_code(folder) is False
        results = pipe.run_figure(figure, scale, seeds=1, results_dir=tmp_path / scale,
                                verbose=False, train_missing=False, only_tasks=[task],
                                only_conditions=[condition])
        if layout.current_only(scale):
            assert results.training.empty and list(results.missing.status) == [pipe.OTHER_CODE]
        else:
            assert len(results.training) == 3 and "made by other code" in results.runs.status[0]
        gathered = evidence.gather(tmp_path / scale, current_only=layout.current_only(scale))
        assert bool(gathered.conditions) is (scale == "reduced")
    assert [s for s in SCALES if scale_record(s).archived] == ["reduced"]


def test_every_finished_run_of_an_evaluated_figure_gets_evaluated(tmp_path):
    """A figure page evaluates its default seeds only; the claims reading evaluations are
    judged on every planned seed, so the results page evaluates the rest (a run of other
    code is left alone: its parameters mean nothing to this model)."""
    import numpy as np

    from lndp.rollout import Evaluator
    from lndp.study import evidence

    figure, condition, scale = "spontaneous_activity", "sa_lndp", "smoke"
    folders = {}
    params = np.asarray(Evaluator(figures.figure_config(figure, "cartpole", condition, scale, 0))
                        .initial_params)
    for seed, code in ((7, code_hash()), (8, "0" * 12)):  # 7: not a default seed
        config = figures.figure_config(figure, "cartpole", condition, scale, seed)
        folders[seed] = tmp_path / figure / "cartpole" / condition / f"seed{seed}"
        fake_run(folders[seed], config)
        (folders[seed] / "summary.json").write_text(json.dumps({"generations": 3,
                                                                "code_hash": code}))
        np.savez(folders[seed] / "params.npz", best=params, mean=params)
    evaluated = evaluation.evaluate_every_finished_run(scale, tmp_path)
    assert list(set(evaluated.seed)) == [7]
    assert len(evaluated) == scale_record(scale).evaluation_trials * figures.EVALUATED_FIGURES[figure]
    assert (folders[7] / "evaluation.csv").exists()
    assert not (folders[8] / "evaluation.csv").exists()
    ev = evidence.gather(tmp_path, current_only=True)
    assert list(ev.get(figure, "cartpole", condition).episodes) == [7]
    with pytest.raises(ValueError, match="scale: unknown scale 'huge'"):
        evaluation.evaluate_every_finished_run("huge", tmp_path)


def test_a_condition_name_means_one_model_in_every_figure_and_scale():
    """A run folder's condition name is one model wherever it appears (labels are read by
    name: `lndp.design.figures.label`), so no name can stand for two."""
    seen: dict[str, tuple] = {}
    for scale in SCALES:
        for figure in figures.FIGURES:
            for task in figures.tasks(figure, scale):
                for name, record in figures.condition_records(figure, scale, task).items():
                    key = (record.label, record.structural_plasticity, record.mu_conn,
                           record.sigma_conn)
                    assert seen.setdefault(name, key) == key, (name, figure, scale)
