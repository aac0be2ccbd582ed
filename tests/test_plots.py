"""Saved figures: a rebuild from the same data writes byte-identical files."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from lndp import plots  # noqa: E402


def _figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [1, 3, 2], label="curve")
    ax.legend()
    return fig


def test_saving_twice_writes_identical_files(tmp_path):
    data = pd.DataFrame({"x": [0, 1, 2], "y": [1, 3, 2]})
    for folder in ("a", "b"):
        fig = _figure()
        plots.save(fig, data, "demo", tmp_path / folder)
        plt.close(fig)
    for suffix in ("png", "svg", "csv"):
        first = (tmp_path / "a" / f"demo.{suffix}").read_bytes()
        assert first == (tmp_path / "b" / f"demo.{suffix}").read_bytes(), suffix


def test_jittered_evaluation_figure_is_identical_on_rebuild(tmp_path):
    import numpy as np

    from lndp.design.figures import label

    rng = np.random.default_rng(1)
    rows = [{"task": "cartpole", "condition": c, "label": label(c), "seed": s, "eval_trial": t,
             "episode": e, "return": float(rng.normal(50, 10))}
            for c in ("sa_lndp", "nosa_lndp") for s in range(2) for t in range(4)
            for e in (1, 2, 3)]
    evaluation = pd.DataFrame(rows)
    for folder in ("a", "b"):
        fig = plots.episode_returns(evaluation, "smoke", "demo", tmp_path / folder)
        plt.close(fig)
    for suffix in ("png", "svg"):
        first = (tmp_path / "a" / f"demo.{suffix}").read_bytes()
        assert first == (tmp_path / "b" / f"demo.{suffix}").read_bytes(), suffix


def test_training_curves_draw_each_tasks_reference_in_every_row(tmp_path):
    rows = [{"task": task, "condition": "sp_mu0.5_sigma0.1", "seed": 0, "generation": g,
             "fitness_mean": float(g), "fitness_max": float(2 * g)}
            for task in ("acrobot", "pendulum") for g in range(1, 6)]
    fig = plots.training_curves(pd.DataFrame(rows), "smoke", "demo", tmp_path,
                                references={"pendulum": (-1200.0, "best constant torque")})
    levels = [[tuple(line.get_ydata()) for line in ax.get_lines()] for ax in fig.axes[:4]]
    plt.close(fig)
    # subplot order: row-major (mean row, then max row); columns acrobot, pendulum
    for ax_lines, has_reference in zip(levels, (False, True, False, True)):
        assert ((-1200.0, -1200.0) in ax_lines) == has_reference


def _training(tasks=("cartpole",), conditions=("sp_mu0.5_sigma0.1", "nosp_mu0.5_sigma0.1"),
              seeds=3, generations=30):
    import numpy as np

    rng = np.random.default_rng(0)
    return pd.DataFrame([{"task": t, "condition": c, "seed": s, "generation": g,
                          "fitness_mean": float(g + rng.normal()), "fitness_max": float(2 * g)}
                         for t in tasks for c in conditions for s in range(seeds)
                         for g in range(1, generations + 1)])


def test_training_bands_are_student_t_intervals_of_the_smoothed_seed_curves(tmp_path):
    from lndp.study.stats import t_interval

    training = _training()
    fig = plots.training_curves(training, "smoke", "demo", tmp_path, window=5)
    plt.close(fig)
    saved = pd.read_csv(tmp_path / "demo.csv")
    row = saved[(saved.metric == "fitness_mean") & (saved.condition == "sp_mu0.5_sigma0.1")
                & (saved.generation == 10)].iloc[0]
    part = training[training.condition == "sp_mu0.5_sigma0.1"].sort_values("generation")
    smoothed = [g.fitness_mean.rolling(5, center=True, min_periods=1).mean().iloc[9]
                for _, g in part.groupby("seed")]
    expected = t_interval(smoothed)
    assert (row["mean"], row.lo, row.hi) == pytest.approx(expected[:3])
    assert row.raw_mean == pytest.approx(part[part.generation == 10].fitness_mean.mean())


def test_the_authors_code_is_drawn_beside_ours_in_its_conditions_colour_and_own_style(tmp_path):
    training = _training()
    theirs = _training(conditions=("sp_mu0.5_sigma0.1",), seeds=2).assign(
        fitness_mean=lambda d: d.fitness_mean + 100)  # a level none of ours reaches
    fig = plots.training_curves(training, "smoke", "demo", tmp_path, window=5, control=theirs)
    ax = fig.axes[0]  # one task: population mean fitness, then max, side by side
    control_lines = [line for line in ax.get_lines() if line.get_path_effects()]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    plt.close(fig)
    assert len(control_lines) == 1  # one condition of theirs, drawn once per panel
    assert control_lines[0]._unscaled_dash_pattern[1] == tuple(plots.CONTROL_LINESTYLE[1])
    assert control_lines[0].get_color() == plots.style("sp_mu0.5_sigma0.1")["colour"]
    assert min(control_lines[0].get_ydata()) > 100  # their values, not ours
    assert any(t.startswith(plots.CONTROL_LABEL) for t in legend)
    saved = pd.read_csv(tmp_path / "demo.csv")
    assert set(saved.source) == {"this project", plots.CONTROL_LABEL}
    mine = saved[(saved.source == plots.CONTROL_LABEL) & (saved.metric == "fitness_mean")]
    assert set(mine.n_seeds) == {2} and set(mine.condition) == {"sp_mu0.5_sigma0.1"}


def test_the_committed_control_runs_drawn_are_finished_and_at_the_registered_budget():
    import json

    from lndp.design.plan import load_plan
    from lndp.pipeline.figures import control_training

    control = load_plan()["controls"]["authors-cpu"]
    for entry in control["runs"]:
        drawn = control_training(entry["figure"], f"results/{control['compare_with']}",
                                 [entry["task"]])
        for (condition, seed), part in drawn.groupby(["condition", "seed"]):
            assert condition in entry["conditions"] and seed in entry["seeds"]
            assert sorted(part.generation) == list(range(1, entry["budget"]["generations"] + 1))
            meta = json.loads((plots.resolve(control["results_dir"]) / entry["figure"]
                               / entry["task"] / condition / f"seed{seed}" / "meta.json")
                              .read_text())
            assert meta["finished"]


def test_one_task_puts_the_metrics_side_by_side(tmp_path):
    fig = plots.training_curves(_training(), "smoke", "demo", tmp_path)
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    plt.close(fig)
    assert len(fig.axes) == 2 and len(rows) == 1


def test_a_condition_has_one_label_and_colour_in_every_figure(tmp_path):
    """Labels and colours come from the condition's record, never from the data's own
    label column (a run copied from another figure carries that figure's labels)."""
    from lndp.design.figures import condition

    fig = plots.training_curves(_training(conditions=("lndp", "ndp")), "smoke", "a", tmp_path)
    legend = {t.get_text(): h.get_color() for t, h in
              zip(fig.legends[0].get_texts(), fig.legends[0].legend_handles)}
    plt.close(fig)
    rows = [{"task": "cartpole", "condition": c, "label": "a stale label", "seed": 0,
             "eval_trial": 0, "episode": 1, "return": 1.0} for c in ("lndp", "ndp")]
    fig = plots.episode_returns(pd.DataFrame(rows), "smoke", "b", tmp_path)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    plt.close(fig)
    for name in ("lndp", "ndp"):
        assert legend[condition(name).label] == plots.style(name)["colour"]
        assert condition(name).label in texts
    assert "a stale label" not in texts


def _lifetime(steps=12):
    import numpy as np

    from lndp.pipeline.lifetimes import Lifetime

    rng = np.random.default_rng(0)
    adjacency = rng.random((steps, 10, 10)) < 0.3
    return Lifetime("foraging", np.r_[np.zeros(5, int), np.ones(steps - 5, int)],
                    (rng.random(steps) < 0.2) * 10.0, adjacency.mean((1, 2)), adjacency,
                    rng.normal(size=(steps, 10, 10)) * adjacency, rng.random((steps, 10)),
                    2, 3, 4, np.array([10.0]))


def test_the_development_animation_is_an_animated_gif(tmp_path):
    from PIL import Image

    from lndp import animation
    from lndp.pipeline import lifetimes

    life = _lifetime()
    lifetimes.save_lifetime(life, tmp_path / "life.npz")
    again = lifetimes.load_lifetime(tmp_path / "life.npz")
    assert (again.adjacency == life.adjacency).all() and again.n_inputs == 2
    gif = animation.development_gif(again, "demo", tmp_path, max_frames=6)
    with Image.open(gif) as im:
        assert im.is_animated and im.n_frames >= 2


def test_a_cached_development_is_read_back_without_the_model(tmp_path):
    from lndp.pipeline import lifetimes
    from lndp.pipeline.lifetimes import Development

    life = _lifetime()
    density = pd.DataFrame({"task": "foraging", "step": range(life.steps), "phase": life.phase,
                            "phase_name": ["initial"] * 5 + ["episode 1"] * (life.steps - 5),
                            "density": life.density, "reward": life.reward,
                            "changes": [0] * life.steps})
    snapshots = [{"step": s, "title": "", "adjacency": life.adjacency[s],
                  "weights": life.weights[s]} for s in (0, 6)]
    lifetimes.save_development(Development("foraging", density, snapshots, 2, 3,
                                           life.returns), tmp_path)
    dev = lifetimes.load_development(tmp_path)
    assert (dev.n_inputs, dev.n_outputs, [s["step"] for s in dev.snapshots]) == (2, 3, [0, 6])
    assert dev.returns.tolist() == [life.reward[5:].sum()]
    fig = plots.network_snapshots(dev, "smoke", "graphs", tmp_path)
    plt.close(fig)
    assert (tmp_path / "graphs.png").exists()


def test_a_network_whose_synapses_all_have_zero_weight_is_still_drawn(tmp_path):
    """A pruned-out Foraging LNDP: synapses present for a step with w = 0 everywhere."""
    from dataclasses import replace

    from PIL import Image

    from lndp import animation

    life = replace(_lifetime(), weights=_lifetime().weights * 0)
    gif = animation.development_gif(life, "zero", tmp_path, max_frames=4)
    with Image.open(gif) as im:
        assert im.n_frames >= 2


def test_each_long_budget_panel_marks_its_own_tasks_base_budget(tmp_path):
    """The dotted line where the base budget ends sits at each condition's own base runs'
    last generation (Foraging 500, CartPole 300), not at one budget for every panel."""
    def log(task, condition, generations, seed):
        return pd.DataFrame({"task": task, "condition": condition, "seed": seed,
                             "generation": range(1, generations + 1),
                             "fitness_mean": [float(g) for g in range(generations)]})

    pilots = pd.concat([log("foraging", "lndp", 2000, 200), log("cartpole", "sa_lndp", 900, 200)])
    base = pd.concat([log("foraging", "lndp", 500, 0), log("cartpole", "sa_lndp", 300, 0)])
    fig = plots.longer_budget_curves(pilots, base, "cpu", "pilots", tmp_path)
    budget_lines = {}
    for ax in fig.axes:
        vertical = [line.get_xdata()[0] for line in ax.get_lines()
                    if len(set(line.get_xdata())) == 1 and line.get_linestyle() == ":"]
        budget_lines[ax.get_title().split(":")[0]] = vertical
    plt.close(fig)
    assert budget_lines == {"Foraging": [500], "CartPole": [300]}
