"""Figure functions shared by the notebooks (matplotlib + seaborn).

Every function draws one figure, saves it as ``<figures_dir>/<name>.png`` and ``.svg``
together with the tidy data behind it as ``<name>.csv``, and returns the Figure. Colours
follow the paper: structural plasticity (SP) on in reds, off in blues; one shade per
initial-connectivity distribution (μ_conn, σ_conn).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.patches
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from lndp.experiments import label as condition_label
from lndp.experiments import resolve

TASK_TITLES = {"cartpole": "CartPole", "acrobot": "Acrobot", "pendulum": "Pendulum",
               "foraging": "Foraging"}
NODE_COLOURS = {"input": "#2ca02c", "hidden": "#7f7f7f", "output": "#ff7f0e"}
POSITIVE, NEGATIVE, ZERO = "#c0392b", "#2166ac", "#9a9a9a"

sns.set_theme(context="notebook", style="whitegrid")


def _scale_note(scale: str) -> str:
    return f"scale: {scale}"


def _nothing_to_plot(data) -> bool:
    """True (and says so) when there is no finished run to plot."""
    if len(data) == 0:
        print("nothing to plot: no finished runs for this figure in the results folder")
        return True
    return False


def save(fig: plt.Figure, data: pd.DataFrame, name: str, figures_dir: str | Path) -> Path:
    """Write <name>.png (150 dpi), <name>.svg and <name>.csv into figures_dir."""
    folder = resolve(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # no timestamps and fixed SVG ids: a rebuild from the same runs writes identical files,
    # so the committed figures change only when their data do
    fig.savefig(folder / f"{name}.png", dpi=150, bbox_inches="tight",
                metadata={"Software": None})
    with plt.rc_context({"svg.hashsalt": name}):
        fig.savefig(folder / f"{name}.svg", bbox_inches="tight", metadata={"Date": None})
    data.to_csv(folder / f"{name}.csv", index=False)
    return folder / f"{name}.png"


def condition_palette(condition_names: Iterable[str]) -> dict[str, tuple]:
    """SP conditions in reds, no-SP in blues (darker = denser start), others qualitative."""
    names = list(dict.fromkeys(condition_names))
    def density_order(n):  # sp_mu0.5_sigma0.1 -> (0.5, 0.1): darker = denser start
        _, mu, sigma = n.split("_")
        return float(mu[2:]), float(sigma[5:])

    sp = sorted((n for n in names if n.startswith("sp_")), key=density_order)
    nosp = sorted((n for n in names if n.startswith("nosp_")), key=density_order)
    others = [n for n in names if n not in sp and n not in nosp]
    palette = {}
    for group, cmap in ((sp, "Reds"), (nosp, "Blues")):
        shades = sns.color_palette(cmap, n_colors=len(group) + 2)[2:] if group else []
        palette |= dict(zip(group, shades))
    fixed = {"lndp": "#d62728", "ndp": "#1f77b4", "sa_lndp": "#d62728",
             "nosa_lndp": "#1f77b4", "sa_nolifetime": "#2ca02c"}
    extra = iter(sns.color_palette("tab10"))
    for n in others:
        palette[n] = fixed.get(n) or next(extra)
    return palette


def _seed_summary(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    grouped = df.groupby(["task", "condition", "generation"])[metric]
    out = grouped.agg(["mean", "min", "max", "count"]).reset_index()
    out["metric"] = metric
    return out


def _reference_line(ax: plt.Axes, value: float, text: str) -> None:
    ax.axhline(value, color="black", ls=":", lw=1.2, zorder=1)
    ax.annotate(text, (0.01, value), xycoords=("axes fraction", "data"),
                textcoords="offset points", xytext=(0, 3), fontsize=8,
                bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1})


def training_curves(training: pd.DataFrame, scale: str, name: str, figures_dir: str | Path,
                    title: str = "Training curves",
                    metrics: Sequence[str] = ("fitness_mean", "fitness_max"),
                    references: dict[str, tuple[float, str]] | None = None,
                    ) -> plt.Figure | None:
    """One column per task, one row per metric (population mean / max fitness).

    Lines: mean over seeds; shaded band: min–max over seeds (visible with ≥ 2 seeds).
    references: task → (value, label), a dotted horizontal line in every row (e.g.
    `claims.reference_returns`: what a policy that ignores its input can do).
    """
    if _nothing_to_plot(training):
        return None
    task_list = list(dict.fromkeys(training["task"]))
    condition_list = list(dict.fromkeys(training["condition"]))
    palette = condition_palette(condition_list)
    counts = training.groupby(["task", "condition"])["seed"].nunique()
    fig, axes = plt.subplots(len(metrics), len(task_list), squeeze=False, sharex="col",
                             figsize=(3.6 * len(task_list) + 0.6, 2.9 * len(metrics) + 0.9),
                             layout="constrained")
    markers = dict(zip(condition_list, "osD^vP*X" * 4))
    summaries = []
    for row, metric in enumerate(metrics):
        summary = _seed_summary(training, metric)
        summaries.append(summary)
        for col, task in enumerate(task_list):
            ax = axes[row, col]
            for condition in condition_list:
                part = summary[(summary.task == task) & (summary.condition == condition)]
                if part.empty:
                    continue
                colour = palette[condition]
                style = "--" if condition.startswith("nosp_") else "-"
                # one marker per condition, so that coinciding lines stay distinguishable
                ax.plot(part.generation, part["mean"], style, color=colour, lw=1.8,
                        marker=markers[condition], ms=5, markevery=max(1, len(part) // 12),
                        markerfacecolor="none" if condition.startswith("nosp_") else colour)
                if part["count"].max() > 1:
                    ax.fill_between(part.generation, part["min"], part["max"], color=colour,
                                    alpha=0.18, lw=0)
            if references and task in references:
                _reference_line(ax, *references[task])
            if row == 0:
                ax.set_title(TASK_TITLES.get(task, task))
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
            if row == len(metrics) - 1:
                ax.set_xlabel("generation")
            if col == 0:
                ax.set_ylabel({"fitness_mean": "population mean fitness",
                               "fitness_max": "population max fitness"}.get(metric, metric))
    handles = [Line2D([], [], color=palette[c], lw=2, marker=markers[c], ms=5,
                      markerfacecolor="none" if c.startswith("nosp_") else palette[c],
                      ls="--" if c.startswith("nosp_") else "-", label=condition_label(c))
               for c in condition_list]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4),
               frameon=False)
    seeds = (f"{counts.max()}" if counts.min() == counts.max()
             else f"{counts.min()}–{counts.max()}")
    band = f"mean over {seeds} seeds, band = min–max" if counts.max() > 1 else "1 seed"
    fig.suptitle(f"{title} ({_scale_note(scale)}; {band})")
    save(fig, pd.concat(summaries, ignore_index=True), name, figures_dir)
    return fig


def episode_returns(evaluation: pd.DataFrame, scale: str, name: str, figures_dir: str | Path,
                    title: str = "Return per episode of the lifetime",
                    references: dict[str, tuple[float, str]] | None = None,
                    ) -> plt.Figure | None:
    """Box + points of the return in each episode of a lifetime, per condition and task.

    Small dots: single evaluation lifetimes; large diamonds: each seed's mean (seeds can
    differ more than lifetimes do). references: task → (value, label), drawn as a dotted
    horizontal line (e.g. the best memoryless Foraging policy).
    """
    if _nothing_to_plot(evaluation):
        return None
    task_list = list(dict.fromkeys(evaluation["task"]))
    condition_list = list(dict.fromkeys(evaluation["condition"]))
    palette = condition_palette(condition_list)
    label_palette = {condition_label(c): palette[c] for c in condition_list}
    order = [condition_label(c) for c in condition_list]
    fig, axes = plt.subplots(1, len(task_list), squeeze=False,
                             figsize=(4.6 * len(task_list) + 0.6, 4.0), layout="constrained")
    for ax, task in zip(axes[0], task_list):
        part = evaluation[evaluation.task == task]
        sns.boxplot(part, x="episode", y="return", hue="label", hue_order=order,
                    palette=label_palette, ax=ax, fliersize=0, boxprops={"alpha": 0.45},
                    legend=False)
        # seaborn jitters with numpy's global RNG: seed it here (and restore it after) so
        # a rebuild from the same runs draws the same figure
        state = np.random.get_state()
        np.random.seed(0)
        sns.stripplot(part, x="episode", y="return", hue="label", hue_order=order,
                      palette=label_palette, dodge=True, ax=ax, size=3, alpha=0.6,
                      legend=False)
        np.random.set_state(state)
        seeds = part.groupby(["label", "episode", "seed"], as_index=False)["return"].mean()
        sns.stripplot(seeds, x="episode", y="return", hue="label", hue_order=order,
                      palette=label_palette, dodge=True, jitter=False, ax=ax, size=8,
                      marker="D", linewidth=1, edgecolor="black", legend=False)
        if references and task in references:
            _reference_line(ax, *references[task])
        ax.set_title(TASK_TITLES.get(task, task))
        ax.set_xlabel("episode of the lifetime")
        ax.set_ylabel("episode return")
    handles = [Line2D([], [], color=label_palette[lab], marker="s", lw=0, ms=9, label=lab)
               for lab in order]
    handles.append(Line2D([], [], color="grey", marker="D", markeredgecolor="black", lw=0,
                          ms=7, label="mean of one seed"))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4),
               frameon=False)
    n_seeds = evaluation.groupby("condition")["seed"].nunique().max()
    n_trials = evaluation["eval_trial"].nunique()
    fig.suptitle(f"{title} ({_scale_note(scale)})\nES-mean parameters of {n_seeds} seed(s), "
                 f"{n_trials} evaluation lifetimes each")
    save(fig, evaluation, name, figures_dir)
    return fig


def _layout(n_nodes: int, n_inputs: int, n_outputs: int) -> np.ndarray:
    """Inputs on the left, hidden nodes on a circle in the middle, outputs on the right."""
    pos = np.zeros((n_nodes, 2))
    n_hidden = n_nodes - n_inputs - n_outputs

    def column(k):
        return np.linspace(0.1, 0.9, k) if k > 1 else np.array([0.5])

    pos[:n_inputs] = np.c_[np.zeros(n_inputs), column(n_inputs)[::-1]]
    angle = np.linspace(0, 2 * np.pi, n_hidden, endpoint=False) + np.pi / 2
    pos[n_inputs: n_nodes - n_outputs] = np.c_[1 + 0.5 * np.cos(angle), 0.5 + 0.5 * np.sin(angle)]
    pos[n_nodes - n_outputs:] = np.c_[np.full(n_outputs, 2.0), column(n_outputs)[::-1]]
    return pos


def _node_kinds(n_nodes: int, n_inputs: int, n_outputs: int) -> np.ndarray:
    kinds = np.array(["hidden"] * n_nodes, dtype=object)
    kinds[:n_inputs], kinds[n_nodes - n_outputs:] = "input", "output"
    return kinds


def draw_network(ax: plt.Axes, adjacency: np.ndarray, weights: np.ndarray, n_inputs: int,
                 n_outputs: int, title: str = "", max_abs: float | None = None) -> None:
    """Draw one graph: edge colour = sign of w (red +, blue −), width and opacity ∝ |w|."""
    n = adjacency.shape[0]
    pos = _layout(n, n_inputs, n_outputs)
    pre, post = np.nonzero(adjacency)
    w = weights[pre, post]
    scale = max_abs or (np.abs(w).max() if len(w) else 1.0) or 1.0
    strength = np.clip(np.abs(w) / scale, 0, 1)
    segments = np.stack([pos[pre], pos[post]], axis=1)
    # dense graphs (hundreds of synapses) stay readable: fainter lines when there are many
    base = float(np.clip(40.0 / max(len(w), 1), 0.05, 0.6))
    colours = [(*matplotlib.colors.to_rgb(ZERO if x == 0 else POSITIVE if x > 0 else NEGATIVE),
                min(1.0, base + (0.9 - base) * s ** 2)) for x, s in zip(w, strength)]
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=0.25 + 2.0 * strength,
                                     zorder=1))
    kinds = _node_kinds(n, n_inputs, n_outputs)
    for kind, colour in NODE_COLOURS.items():
        mask = kinds == kind
        ax.scatter(pos[mask, 0], pos[mask, 1], s=46, color=colour, edgecolor="black",
                   linewidth=0.6, zorder=2)
    density = adjacency.sum()
    ax.set_title(f"{title}\n{int(density)} synapses", fontsize=10)
    ax.set_xlim(-0.08, 2.08)
    ax.set_ylim(-0.05, 1.05)
    ax.set_aspect("equal")
    ax.axis("off")


def network_snapshots(dev, scale: str, name: str, figures_dir: str | Path,
                      title: str | None = None) -> plt.Figure:
    """Graph snapshots of one recorded lifetime (`experiments.Development`)."""
    k = len(dev.snapshots)
    cols = 2 if k == 4 else min(k, 3)
    rows_ = -(-k // cols)
    fig, axes = plt.subplots(rows_, cols, figsize=(5.2 * cols, 3.0 * rows_ + 0.8), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[k:]:
        ax.axis("off")
    max_abs = max((np.abs(s["weights"][s["adjacency"]]).max() if s["adjacency"].any() else 0)
                  for s in dev.snapshots) or 1.0
    rows = []
    for ax, snap in zip(axes.flat, dev.snapshots):
        draw_network(ax, snap["adjacency"], snap["weights"], dev.n_inputs, dev.n_outputs,
                     snap["title"], max_abs=max_abs)
        kinds = _node_kinds(snap["adjacency"].shape[0], dev.n_inputs, dev.n_outputs)
        for i, j in zip(*np.nonzero(snap["adjacency"])):
            rows.append({"task": dev.task, "step": snap["step"], "pre": i, "post": j,
                         "pre_type": kinds[i], "post_type": kinds[j],
                         "weight": float(snap["weights"][i, j])})
    handles = [Line2D([], [], marker="o", lw=0, color=c, markeredgecolor="black", ms=8,
                      label=f"{kind} neuron") for kind, c in NODE_COLOURS.items()]
    handles += [Line2D([], [], color=POSITIVE, lw=2, label="w > 0"),
                Line2D([], [], color=NEGATIVE, lw=2, label="w < 0"),
                Line2D([], [], color=ZERO, lw=2, label="w = 0")]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    fig.suptitle(title or f"{TASK_TITLES.get(dev.task, dev.task)}: network over one lifetime "
                 f"({_scale_note(scale)})\nline width and opacity ∝ |w|")
    save(fig, pd.DataFrame(rows, columns=["task", "step", "pre", "post", "pre_type",
                                          "post_type", "weight"]), name, figures_dir)
    return fig


def density_over_time(devs: Sequence, scale: str, name: str, figures_dir: str | Path,
                      title: str = "Synapse density over one lifetime") -> plt.Figure | None:
    """Top: density (fraction of allowed edges present) per step; bottom: synapses added or
    pruned at each step (where structural change happens). Phases shaded."""
    if _nothing_to_plot(devs):
        return None
    fig, axes = plt.subplots(2, len(devs), squeeze=False, figsize=(4.4 * len(devs) + 2.6, 5.6),
                             layout="constrained", sharey="row", sharex="col",
                             height_ratios=(3, 2))
    phase_colours = sns.color_palette("pastel")
    legend = {}
    for col, dev in enumerate(devs):
        d = dev.density
        for ax in axes[:, col]:
            for p, part in d.groupby("phase"):
                colour = phase_colours[int(p) % len(phase_colours)]
                ax.axvspan(part.step.min() - 0.5, part.step.max() + 0.5, color=colour,
                           alpha=0.35, lw=0)
                if p:
                    phase_label = part.phase_name.iloc[-1]
                else:  # step 0 is the initial graph; more phase-0 steps are SA development
                    phase_label = "initial / development (SA)" if len(part) > 1 else "initial G0"
                legend.setdefault(phase_label, matplotlib.patches.Patch(
                    color=colour, alpha=0.35, label=phase_label))
        top, bottom = axes[:, col]
        top.plot(d.step, d.density, color="black", lw=1.5)
        top.set_title(f"{TASK_TITLES.get(dev.task, dev.task)} (final {d.density.iloc[-1]:.2f})")
        top.set_ylim(-0.02, 1.02)
        bottom.vlines(d.step, 0, d.changes, color="black", lw=1)
        bottom.set_xlabel("lifetime step")
        bottom.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axes[0, 0].set_ylabel("synapse density")
    axes[1, 0].set_ylabel("synapses added\nor pruned")
    fig.legend(handles=list(legend.values()), loc="outside lower center", ncol=len(legend),
               frameon=False, title="phase of the lifetime (shaded)")
    fig.suptitle(f"{title} ({_scale_note(scale)}; density = fraction of allowed synapses "
                 "present)")
    save(fig, pd.concat([dev.density for dev in devs], ignore_index=True), name, figures_dir)
    return fig


__all__ = ["save", "condition_palette", "training_curves", "episode_returns",
           "draw_network", "network_snapshots", "density_over_time"]
