"""Figure functions shared by the notebooks (matplotlib + seaborn).

Every function draws one figure, saves it as ``<figures_dir>/<name>.png`` and ``.svg``
together with the tidy data behind it as ``<name>.csv``, and returns the Figure. A
condition has one label, one colour and one line style in every figure: its record,
`lndp.experiments.condition(name)` (SP on in reds, off in blues, darker = denser start).
Seed bands are Student-t 95 % intervals of the mean over seeds
(`lndp.study.stats.t_interval`), the interval the results page uses.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Sequence

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.patches
import matplotlib.patheffects
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from lndp.config import scale_record
from lndp.design.figures import MODELS, condition as condition_record
from lndp.design.layout import resolve
from lndp.design.plan import CONTROL_LABEL
from lndp.study.stats import METHOD as INTERVAL, t_interval
from lndp.tasks import TASK_SPECS

TASK_TITLES = {name: spec.label for name, spec in TASK_SPECS.items()}
# SP on in reds, SP off in blues (the paper's colours); darker = denser start. One fixed
# shade per (μ_conn, σ_conn), so a condition keeps its colour at every scale and figure.
SP_SHADES = {(0.0, 0.0): "#fcae91", (0.0, 0.1): "#fb6a4a", (0.5, 0.0): "#ef3b2c",
             (0.5, 0.1): "#cb181d", (1.0, 0.0): "#a50f15", (1.0, 0.1): "#67000d"}
NOSP_SHADES = {(0.5, 0.0): "#6baed6", (0.5, 0.1): "#2171b5", (1.0, 0.0): "#08519c",
               (1.0, 0.1): "#08306b"}
#: one colour per model of the SA and NDP figures, whatever a figure names its folder
MODEL_COLOURS = {MODELS["lndp_sa"]: "#d62728", MODELS["lndp"]: "#2ca02c",
                 MODELS["ndp"]: "#1f77b4"}
NODE_COLOURS = {"input": "#2ca02c", "hidden": "#7f7f7f", "output": "#ff7f0e"}
REWARD_COLOUR = "#2ca02c"
WEIGHT_CMAP = "RdBu_r"  # w > 0 red, w < 0 blue, in the graphs and the weight matrices
#: a control's curve (the authors' code at our budget): its condition's colour, a line
#: style no condition of ours uses, over a white halo so it stays legible on our bands
CONTROL_LINESTYLE = (0, (4, 1.5, 1, 1.5))

sns.set_theme(context="notebook", style="whitegrid")


def _scale_note(scale: str) -> str:
    record = scale_record(scale)
    return f"scale: {scale}, {record.note or f'{record.profile} profile'}"


def _nothing_to_plot(data) -> bool:
    """True (and says so) when there is no finished run to plot."""
    if len(data) == 0:
        print("nothing to plot: no finished runs for this figure in the results folder")
        return True
    return False


def _suptitle(fig: plt.Figure, title: str, details: str, width_in: float) -> None:
    """A title and, under it, a smaller wrapped line of details that fits the figure."""
    chars = max(40, int(width_in * 13))
    fig.suptitle(f"{title}\n" + "\n".join(textwrap.wrap(details, chars)), fontsize=11)


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


def style(condition: str) -> dict:
    """Label, colour and line style of a condition, from its record (one per condition in
    every figure); an unknown name gets grey and its own name."""
    try:
        record = condition_record(condition)
    except KeyError:
        return {"label": condition, "colour": "#555555", "linestyle": "-"}
    if record.mu_conn is not None:  # the SP grid: a shade per setting, dashed without SP
        shades = SP_SHADES if record.structural_plasticity else NOSP_SHADES
        colour = shades[(record.mu_conn, record.sigma_conn)]
    else:
        colour = MODEL_COLOURS[record.label]
    return {"label": record.label, "colour": colour,
            "linestyle": "-" if record.structural_plasticity else "--"}


def _legend_order(conditions) -> list[str]:
    """SP on before SP off, each from the sparsest start up; other conditions as given."""
    names = list(dict.fromkeys(conditions))

    def key(name):
        try:
            record = condition_record(name)
        except KeyError:
            return (2, 0.0, names.index(name))
        if record.mu_conn is None:
            return (2, 0.0, names.index(name))
        return (0 if record.structural_plasticity else 1, record.mu_conn,
                record.sigma_conn or 0.0)
    return sorted(names, key=key)


def smoothing_window(n_generations: int) -> int:
    """Generations in the rolling mean of a training curve: about 1/25 of the run, odd."""
    w = max(1, round(n_generations / 25))
    return w + 1 - w % 2


def _curve_summary(training: pd.DataFrame, metric: str, window: int | None) -> pd.DataFrame:
    """Per task, condition and generation: the seeds' mean of the raw metric, and the mean
    and Student-t 95 % interval over seeds of each seed's centred rolling mean over
    `window` generations (None: `smoothing_window` of the run's length)."""
    df = training.sort_values("generation")
    df = df.assign(smooth=df.groupby(["task", "condition", "seed"])[metric].transform(
        lambda s: s.rolling(window or smoothing_window(len(s)), center=True,
                            min_periods=1).mean()))
    rows = []
    for (task, condition, generation), part in df.groupby(["task", "condition",
                                                            "generation"], sort=False):
        mean, lo, hi, _ = t_interval(part["smooth"])
        rows.append({"task": task, "condition": condition, "label": style(condition)["label"],
                     "generation": generation, "metric": metric,
                     "raw_mean": float(part[metric].mean()), "mean": mean, "lo": lo, "hi": hi,
                     "n_seeds": len(part)})
    return pd.DataFrame(rows).sort_values(["task", "condition", "generation"])


def _reference_line(ax: plt.Axes, value: float, text: str) -> None:
    ax.axhline(value, color="black", ls=":", lw=1.2, zorder=1)
    ax.annotate(text, (0.01, value), xycoords=("axes fraction", "data"),
                textcoords="offset points", xytext=(0, 3), fontsize=8,
                bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1})


METRIC_LABELS = {"fitness_mean": "population mean fitness",
                 "fitness_max": "population max fitness"}


def training_curves(training: pd.DataFrame, scale: str, name: str, figures_dir: str | Path,
                    title: str = "Training curves",
                    metrics: Sequence[str] = ("fitness_mean", "fitness_max"),
                    references: dict[str, tuple[float, str]] | None = None,
                    window: int | None = None,
                    control: pd.DataFrame | None = None) -> plt.Figure | None:
    """One column per task, one row per metric (population mean / max fitness); a single
    task gets one row with the metrics side by side.

    Thick line: mean over seeds of each seed's centred rolling mean over `window`
    generations (default `smoothing_window`); faint line: the unsmoothed mean over seeds;
    band: Student-t 95 % interval over seeds (≥ 2 seeds). references: task → (value,
    label), a dotted horizontal line in every row (e.g. what a policy that ignores its
    input can do). control: the same columns for a control's runs of some of these
    conditions (`FigureResults.control`: the authors' code at the same budget), drawn
    as its seeds' smoothed mean in the condition's colour, dash-dot, labelled
    `CONTROL_LABEL`.
    """
    if _nothing_to_plot(training):
        return None
    task_list = list(dict.fromkeys(training["task"]))
    condition_list = _legend_order(training["condition"])
    styles = {c: style(c) for c in condition_list}
    windows = sorted({window or smoothing_window(n) for n in
                      training.groupby(["task", "condition", "seed"]).size()})
    counts = training.groupby(["task", "condition"])["seed"].nunique()
    one_task = len(task_list) == 1
    n_rows, n_cols = (1, len(metrics)) if one_task else (len(metrics), len(task_list))
    width = 4.2 * n_cols + 0.6
    fig, axes = plt.subplots(n_rows, n_cols, squeeze=False, sharex="col" if not one_task
                             else "all", figsize=(width, 3.0 * n_rows + 1.6),
                             layout="constrained")
    summaries = []
    control = control if control is not None and len(control) else None
    for m, metric in enumerate(metrics):
        summary = _curve_summary(training, metric, window)
        summaries.append(summary.assign(source="this project"))
        theirs = None
        if control is not None and metric in control:
            theirs = _curve_summary(control, metric, window)
            summaries.append(theirs.assign(source=CONTROL_LABEL))
        for t, task in enumerate(task_list):
            ax = axes[0, m] if one_task else axes[m, t]
            for condition in condition_list:
                part = summary[(summary.task == task) & (summary.condition == condition)]
                if part.empty:
                    continue
                s = styles[condition]
                ax.plot(part.generation, part.raw_mean, color=s["colour"], lw=0.5, alpha=0.35)
                if part.n_seeds.max() > 1:
                    ax.fill_between(part.generation, part.lo, part.hi, color=s["colour"],
                                    alpha=0.12, lw=0)
                ax.plot(part.generation, part["mean"], ls=s["linestyle"], color=s["colour"],
                        lw=2.0)
                if theirs is not None:
                    line = theirs[(theirs.task == task) & (theirs.condition == condition)]
                    if len(line):
                        ax.plot(line.generation, line["mean"], ls=CONTROL_LINESTYLE,
                                color=s["colour"], lw=1.6, zorder=3, path_effects=[
                                    matplotlib.patheffects.withStroke(linewidth=3.2,
                                                                      foreground="white")])
            if references and task in references:
                _reference_line(ax, *references[task])
            if one_task:
                ax.set_title(METRIC_LABELS.get(metric, metric))
            elif m == 0:
                ax.set_title(TASK_TITLES.get(task, task))
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
            if one_task or m == len(metrics) - 1:
                ax.set_xlabel("generation")
            if not one_task and t == 0:
                ax.set_ylabel(METRIC_LABELS.get(metric, metric))
            if one_task and m == 0:
                ax.set_ylabel(f"{TASK_TITLES.get(task, task)}: fitness")
    handles = [Line2D([], [], color=styles[c]["colour"], lw=2.2, ls=styles[c]["linestyle"],
                      label=styles[c]["label"]) for c in condition_list]
    theirs_note = ""
    if control is not None:
        handles.append(Line2D([], [], color="#333333", lw=1.6, ls=CONTROL_LINESTYLE,
                              label=f"{CONTROL_LABEL} (its condition's colour)"))
        theirs_counts = control.groupby(["task", "condition"])["seed"].nunique()
        theirs_note = (f"; dash-dot: {CONTROL_LABEL}, mean over "
                       f"{_count_range(theirs_counts)} seed(s), smoothed alike")
    fig.legend(handles=handles, loc="outside lower center",
               ncol=min(len(handles), 3 if n_cols <= 2 else 5), frameon=False)
    seeds = _count_range(counts)
    bands = (f"; band: {INTERVAL}" if counts.max() > 1 else "")
    span = " or ".join(map(str, windows))
    lines = (f"line: mean over {seeds} seed(s)" if windows == [1] else
             f"thick: mean over {seeds} seed(s) of a rolling mean over {span} generations"
             f"{'' if window else ' (1/25 of the run)'}, faint: unsmoothed")
    _suptitle(fig, title, f"{_scale_note(scale)}; {lines}{bands}{theirs_note}", width)
    save(fig, pd.concat(summaries, ignore_index=True), name, figures_dir)
    return fig


def _count_range(counts: pd.Series) -> str:
    """'3' when every group has 3, '2–5' otherwise."""
    return (f"{counts.max()}" if counts.min() == counts.max()
            else f"{counts.min()}–{counts.max()}")


def episode_returns(evaluation: pd.DataFrame, scale: str, name: str, figures_dir: str | Path,
                    title: str = "Return per episode of the lifetime",
                    references: dict[str, tuple[float, str]] | None = None,
                    ) -> plt.Figure | None:
    """Box + points of the return in each episode of a lifetime, per condition and task.

    Small dots: single evaluation lifetimes; large diamonds: each seed's mean (seeds can
    differ more than lifetimes do). Labels and colours come from the condition records.
    references: task → (value, label), drawn as a dotted horizontal line (e.g. the best
    memoryless Foraging policy).
    """
    if _nothing_to_plot(evaluation):
        return None
    evaluation = evaluation.assign(label=evaluation["condition"].map(
        lambda c: style(c)["label"]))
    task_list = list(dict.fromkeys(evaluation["task"]))
    condition_list = list(dict.fromkeys(evaluation["condition"]))
    order = list(dict.fromkeys(style(c)["label"] for c in condition_list))
    label_palette = {style(c)["label"]: style(c)["colour"] for c in condition_list}
    width = 4.6 * len(task_list) + 0.6
    fig, axes = plt.subplots(1, len(task_list), squeeze=False, figsize=(width, 4.4),
                             layout="constrained")
    for ax, task in zip(axes[0], task_list):
        part = evaluation[evaluation.task == task]
        hue_order = [lab for lab in order if lab in set(part["label"])]
        sns.boxplot(part, x="episode", y="return", hue="label", hue_order=hue_order,
                    palette=label_palette, ax=ax, fliersize=0, boxprops={"alpha": 0.45},
                    legend=False)
        # seaborn jitters with numpy's global RNG: seed it here (and restore it after) so
        # a rebuild from the same runs draws the same figure
        state = np.random.get_state()
        np.random.seed(0)
        sns.stripplot(part, x="episode", y="return", hue="label", hue_order=hue_order,
                      palette=label_palette, dodge=True, ax=ax, size=3, alpha=0.6,
                      legend=False)
        np.random.set_state(state)
        seeds = part.groupby(["label", "episode", "seed"], as_index=False)["return"].mean()
        sns.stripplot(seeds, x="episode", y="return", hue="label", hue_order=hue_order,
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
    _suptitle(fig, title, f"{_scale_note(scale)}; ES-mean parameters of {n_seeds} seed(s), "
              f"{n_trials} evaluation lifetimes each", width)
    save(fig, evaluation, name, figures_dir)
    return fig


# -- networks ------------------------------------------------------------------------------

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


def _weight_norm(max_abs: float) -> matplotlib.colors.Normalize:
    # a network whose every synapse has w = 0 (e.g. pruned empty) still gets a scale
    max_abs = max_abs if max_abs > 0 else 1.0
    return matplotlib.colors.TwoSlopeNorm(0.0, -max_abs, max_abs)


def draw_network(ax: plt.Axes, adjacency: np.ndarray, weights: np.ndarray, n_inputs: int,
                 n_outputs: int, title: str = "", max_abs: float | None = None,
                 activity: np.ndarray | None = None) -> None:
    """Draw one graph. Edge colour: w on the diverging weight scale (red +, blue −, the
    weight matrices' scale). Edges are sorted by |w| and drawn weakest first; opacity and
    width grow with an edge's rank in that order, so in a dense graph the strongest
    synapses stand out over a faint mesh of the rest. activity: optional node activity,
    shown as a white core in each node, the larger the more active."""
    n = adjacency.shape[0]
    pos = _layout(n, n_inputs, n_outputs)
    pre, post = np.nonzero(adjacency)
    w = weights[pre, post]
    scale = max_abs or (np.abs(w).max() if len(w) else 1.0) or 1.0
    order = np.argsort(np.abs(w), kind="stable")
    pre, post, w = pre[order], post[order], w[order]
    rank = np.linspace(0.0, 1.0, len(w)) if len(w) > 1 else np.ones(len(w))
    rank = np.where(np.abs(w) > 1e-6 * scale, rank, 0.0)  # w = 0: the faint mesh
    colours = matplotlib.colormaps[WEIGHT_CMAP](_weight_norm(scale)(w))
    # the more synapses, the fainter the weak ones
    floor = float(np.clip(30.0 / max(len(w), 1), 0.06, 0.4))
    colours[:, 3] = floor + (0.95 - floor) * rank ** 3
    colours[np.abs(w) <= 1e-6 * scale, :3] = matplotlib.colors.to_rgb("#8c8c8c")
    ax.add_collection(LineCollection(np.stack([pos[pre], pos[post]], axis=1), colors=colours,
                                     linewidths=0.4 + 2.0 * rank ** 3, zorder=1))
    kinds = _node_kinds(n, n_inputs, n_outputs)
    for kind, colour in NODE_COLOURS.items():
        mask = kinds == kind
        ax.scatter(pos[mask, 0], pos[mask, 1], s=46, color=colour, edgecolor="black",
                   linewidth=0.6, zorder=2)
    if activity is not None:  # a white core, the more active the larger
        size = 16 * np.clip(np.abs(activity), 0, 1)
        ax.scatter(pos[:, 0], pos[:, 1], s=size, color="white", lw=0, zorder=3)
    ax.set_title(f"{title}\n{int(adjacency.sum())} synapses" if title else
                 f"{int(adjacency.sum())} synapses", fontsize=10)
    ax.set_xlim(-0.08, 2.08)
    ax.set_ylim(-0.05, 1.05)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_weight_matrix(ax: plt.Axes, adjacency: np.ndarray, weights: np.ndarray,
                       n_inputs: int, n_outputs: int, max_abs: float):
    """The weight matrix, pre-synaptic neuron i (row) → post-synaptic j (column), on the
    graphs' colour scale; absent synapses light grey; node-type blocks outlined (only
    input→hidden, hidden→hidden and hidden→output synapses may exist)."""
    n = adjacency.shape[0]
    shown = np.ma.masked_where(~adjacency.astype(bool), weights)
    cmap = matplotlib.colormaps[WEIGHT_CMAP].with_extremes(bad="#d4d4d4")
    image = ax.imshow(shown, cmap=cmap, norm=_weight_norm(max_abs), interpolation="nearest")
    edges = [n_inputs - 0.5, n - n_outputs - 0.5]
    for e in edges:
        ax.axhline(e, color="black", lw=0.8)
        ax.axvline(e, color="black", lw=0.8)
    centres = [(n_inputs - 1) / 2, (n_inputs + n - n_outputs - 1) / 2, n - (n_outputs + 1) / 2]
    names = ["in", "hidden", "out"]
    ax.set_xticks(centres, names, fontsize=8)
    ax.set_yticks(centres, names, fontsize=8, rotation=90, va="center")
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set_xlabel("to (post-synaptic)", fontsize=8)
    ax.set_ylabel("from (pre-synaptic)", fontsize=8)
    return image


def _max_abs(weight_sets) -> float:
    values = [np.abs(w[a.astype(bool)]).max() for a, w in weight_sets if a.any()]
    return float(max(values, default=0.0)) or 1.0


def network_snapshots(dev, scale: str, name: str, figures_dir: str | Path,
                      title: str | None = None) -> plt.Figure:
    """Snapshots of one recorded lifetime (`experiments.Development`): for each, the graph
    and, beside it, its weight matrix with the node-type blocks, on one colour scale."""
    k = len(dev.snapshots)
    per_row = 1  # one graph and its matrix per row: readable at the book's page width
    n_rows = -(-k // per_row)
    fig = plt.figure(figsize=(7.4 * per_row + 0.8, 3.3 * n_rows + 1.3), layout="constrained")
    grid = fig.add_gridspec(n_rows, 2 * per_row, width_ratios=[2.1, 1.0] * per_row)
    max_abs = _max_abs((s["adjacency"], s["weights"]) for s in dev.snapshots)
    rows, image = [], None
    for i, snap in enumerate(dev.snapshots):
        r, c = divmod(i, per_row)
        draw_network(fig.add_subplot(grid[r, 2 * c]), snap["adjacency"], snap["weights"],
                     dev.n_inputs, dev.n_outputs, snap["title"], max_abs=max_abs)
        image = draw_weight_matrix(fig.add_subplot(grid[r, 2 * c + 1]), snap["adjacency"],
                                   snap["weights"], dev.n_inputs, dev.n_outputs, max_abs)
        kinds = _node_kinds(snap["adjacency"].shape[0], dev.n_inputs, dev.n_outputs)
        for i_, j in zip(*np.nonzero(snap["adjacency"])):
            rows.append({"task": dev.task, "step": snap["step"], "pre": i_, "post": j,
                         "pre_type": kinds[i_], "post_type": kinds[j],
                         "weight": float(snap["weights"][i_, j])})
    fig.colorbar(image, ax=fig.axes, shrink=0.5, label="synaptic weight w", pad=0.01)
    handles = [Line2D([], [], marker="o", lw=0, color=c, markeredgecolor="black", ms=8,
                      label=f"{kind} neuron") for kind, c in NODE_COLOURS.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    width = 7.4 * per_row + 0.8
    _suptitle(fig, title or f"{TASK_TITLES.get(dev.task, dev.task)}: the network over one "
              "lifetime", f"{_scale_note(scale)}; graph: edges sorted by |w|, the "
              "strongest drawn last, widest and most opaque (grey: w = 0); right of each "
              "graph its weight matrix, pre-synaptic rows → post-synaptic columns (grey: no "
              "synapse)", width)
    save(fig, pd.DataFrame(rows, columns=["task", "step", "pre", "post", "pre_type",
                                          "post_type", "weight"]), name, figures_dir)
    return fig


def _phase_spans(ax: plt.Axes, d: pd.DataFrame, legend: dict) -> None:
    phase_colours = sns.color_palette("pastel")
    for p, part in d.groupby("phase"):
        colour = phase_colours[int(p) % len(phase_colours)]
        ax.axvspan(part.step.min(), part.step.max() + 1, color=colour, alpha=0.35, lw=0)
        phase_label = ("development (SA)" if p == 0 and len(part) > 1 else
                       "initial G0" if p == 0 else part.phase_name.iloc[-1])
        legend.setdefault(phase_label, matplotlib.patches.Patch(
            color=colour, alpha=0.35, label=phase_label))


def density_over_time(devs: Sequence, scale: str, name: str, figures_dir: str | Path,
                      title: str = "Synapse density over one lifetime") -> plt.Figure | None:
    """Top: density (fraction of allowed synapses present) at each step; bottom: the
    cumulative number of synapses added or pruned since the initial graph. Time runs on a
    log scale (step 1 at the left), so the burst of change in the first steps and the
    later, rarer changes are both visible. Phases shaded."""
    if _nothing_to_plot(devs):
        return None
    width = 4.4 * len(devs) + 1.0
    fig, axes = plt.subplots(2, len(devs), squeeze=False, figsize=(width, 6.0),
                             layout="constrained", sharex="col", height_ratios=(3, 2))
    legend: dict = {}
    for col, dev in enumerate(devs):
        d = dev.density.assign(cumulative=dev.density.changes.cumsum())
        x = d.step + 1  # step 0 (the initial graph) sits at 1 on the log axis
        for ax in axes[:, col]:
            _phase_spans(ax, d.assign(step=x), legend)
            ax.set_xscale("log")
            ax.set_xlim(1, x.max() + 1)
        top, bottom = axes[:, col]
        top.step(x, d.density, where="post", color="black", lw=1.5)
        top.set_title(f"{TASK_TITLES.get(dev.task, dev.task)} (final {d.density.iloc[-1]:.2f})")
        top.set_ylim(-0.02, 1.02)
        bottom.step(x, d.cumulative, where="post", color="black", lw=1.5)
        changed = d[d.changes > 0]
        bottom.plot(changed.step + 1, changed.cumulative, "o", color="black", ms=3)
        bottom.set_ylim(bottom=0)
        bottom.set_xlabel("lifetime step + 1 (log scale)")
    axes[0, 0].set_ylabel("synapse density")
    axes[1, 0].set_ylabel("synapses added or\npruned so far")
    fig.legend(handles=list(legend.values()), loc="outside lower center", ncol=len(legend),
               frameon=False, title="phase of the lifetime (shaded)")
    _suptitle(fig, title, f"{_scale_note(scale)}; density = fraction of the allowed synapses "
              "present; dots: steps at which the structure changed", width)
    save(fig, pd.concat([dev.density for dev in devs], ignore_index=True), name, figures_dir)
    return fig


def network_frame(life, step: int, max_abs: float, title: str = "") -> plt.Figure:
    """One frame of `animation.development_gif`: the graph at `step` of a recorded lifetime
    (`animation.Lifetime`), its weight matrix, and the density over the lifetime so far."""
    fig = plt.figure(figsize=(10, 5.6), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=(2.1, 1.0), height_ratios=(3.2, 1.0))
    phase = int(life.phase[step])
    if phase == 0:
        phase_name = "initial graph" if step == 0 else (
            f"spontaneous activity, step {step} of {life.sa_steps}")
    else:
        first = int(np.nonzero(life.phase == phase)[0][0])
        phase_name = f"episode {phase}, step {step - first + 1}"
    draw_network(fig.add_subplot(grid[0, 0]), life.adjacency[step], life.weights[step],
                 life.n_inputs, life.n_outputs, phase_name, max_abs=max_abs,
                 activity=life.activity[step])
    image = draw_weight_matrix(fig.add_subplot(grid[0, 1]), life.adjacency[step],
                               life.weights[step], life.n_inputs, life.n_outputs, max_abs)
    fig.colorbar(image, ax=fig.axes[-1], shrink=0.7, label="w")
    ax = fig.add_subplot(grid[1, :])
    steps = np.arange(life.steps)
    if life.sa_steps:
        ax.axvspan(0, life.sa_steps + 0.5, color="#dcd0f0", lw=0, label="spontaneous activity")
    ax.plot(steps, life.density, color="#bbbbbb", lw=1)
    ax.plot(steps[: step + 1], life.density[: step + 1], color="black", lw=1.6)
    ax.axvline(step, color="#d62728", lw=1.2)
    rewarded = np.nonzero(life.reward > 0)[0]
    ax.plot(rewarded, np.full(len(rewarded), 1.08), "v", color=REWARD_COLOUR, ms=4,
            label="reward")
    ax.set_xlim(0, life.steps - 1)
    ax.set_ylim(-0.03, 1.16)
    ax.set_ylabel("density")
    ax.set_xlabel("step of the life (spontaneous activity, then the episodes)")
    ax.legend(loc="center right", fontsize=8, frameon=False)
    fig.suptitle(title or f"{TASK_TITLES.get(life.task, life.task)}: one network developing",
                 fontsize=12)
    return fig


__all__ = ["save", "style", "smoothing_window", "training_curves",
           "episode_returns", "draw_network", "draw_weight_matrix", "network_snapshots",
           "density_over_time", "network_frame"]


def longer_budget_curves(pilots: pd.DataFrame, base: pd.DataFrame, scale: str, name: str,
                         figures_dir: str | Path,
                         references: dict[str, tuple[float, str]] | None = None,
                         title: str = "Ten times the budget: the long-budget pilots"
                         ) -> plt.Figure | None:
    """One panel per pilot run (`pilots`: task, condition, seed, generation, fitness_mean,
    one run per task × condition): its population mean fitness (thick: rolling mean over
    1/25 of the run, faint: raw) beside the mean over seeds of the same condition's runs
    at the base budget (`base`, same columns; grey, dashed), with a dotted vertical line
    where that condition's base budget ends (its runs' last generation: tasks have budgets
    of their own) and the task's floor line."""
    if _nothing_to_plot(pilots):
        return None
    tasks = list(dict.fromkeys(pilots["task"]))  # a task's panels side by side
    panels = sorted(pilots.groupby(["task", "condition"], sort=False).groups,
                    key=lambda panel: (tasks.index(panel[0]), panel[1]))
    width = 4.6 * len(panels) + 0.6
    fig, axes = plt.subplots(1, len(panels), squeeze=False, figsize=(width, 4.0),
                             layout="constrained")
    summaries = []
    for ax, (task, condition) in zip(axes[0], panels):
        s = style(condition)
        mine = pilots[(pilots.task == task) & (pilots.condition == condition)]
        theirs = base[(base.task == task) & (base.condition == condition)] if len(base) else base
        line = _curve_summary(mine, "fitness_mean", None).assign(source="pilot")
        ax.plot(line.generation, line.raw_mean, color=s["colour"], lw=0.5, alpha=0.35)
        ax.plot(line.generation, line["mean"], color=s["colour"], lw=2.0,
                label=f"pilot, seed {int(mine.seed.iloc[0])}")
        summaries.append(line)
        if len(theirs):
            ref = _curve_summary(theirs, "fitness_mean", None).assign(source="base budget")
            ax.plot(ref.generation, ref["mean"], color="#555555", lw=1.6, ls="--",
                    label=f"{scale} runs, mean over {theirs.seed.nunique()} seeds")
            summaries.append(ref)
            ax.axvline(int(theirs.generation.max()), color="#555555", ls=":", lw=1.0)
        if references and task in references:
            _reference_line(ax, *references[task])
        ax.set_title(f"{TASK_TITLES.get(task, task)}: {s['label']}")
        ax.set_xlabel("generation")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    axes[0, 0].set_ylabel("population mean fitness")
    _suptitle(fig, title, f"{_scale_note(scale)}; dotted vertical line: the end of the "
              f"task's {scale} budget", width)
    save(fig, pd.concat(summaries, ignore_index=True), name, figures_dir)
    return fig
