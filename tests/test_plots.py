"""Saved figures: a rebuild from the same data writes byte-identical files."""

from __future__ import annotations

import matplotlib

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

    from lndp.experiments import label

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
