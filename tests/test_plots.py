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
