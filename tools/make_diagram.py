"""Draw book/images/lndp_overview.{png,svg}: the LNDP lifecycle. python tools/make_diagram.py"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from lndp.model import allowed_edges  # noqa: E402
from lndp.plots import NODE_COLOURS, draw_network  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "book" / "images"


def box(ax, x, y, w, h, title, lines, colour):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=colour,
                                ec="black", lw=1.0))
    ax.text(x + w / 2, y + h - 0.04, title, ha="center", va="top", fontsize=14,
            fontweight="bold")
    ax.text(x + 0.03, y + h - 0.15, "\n".join(lines), ha="left", va="top", fontsize=11.5,
            linespacing=1.4)


def main():
    fig = plt.figure(figsize=(12, 5.2))
    ax = fig.add_axes([0, 0.36, 1, 0.64])
    ax.set_xlim(0, 3.3)
    ax.set_ylim(0, 1)
    ax.axis("off")
    box(ax, 0.05, 0.3, 0.9, 0.62, "1. Initial graph $G_0$",
        ["p ~ TruncNormal($\\mu_{conn}$, $\\sigma_{conn}$)",
         "$A_{ij}$ ~ Bernoulli(p) where allowed:",
         "  input→hidden, hidden→hidden,",
         "  hidden→output",
         "$h_0$ ~ U(−1, 1), $e_0$ ~ U(−1, 1)·A"], "#e8f4ea")
    box(ax, 1.2, 0.3, 0.9, 0.62, "2. Spontaneous activity",
        ["optional: sa_steps, reward 0",
         "inputs driven by an evolved",
         "Ornstein–Uhlenbeck process;",
         "the same developmental step",
         "→ structure before experience"], "#fdf1e2")
    box(ax, 2.35, 0.3, 0.9, 0.62, "3. Lifetime (episodes)",
        ["each step: develop, then act",
         " node model → $f^+$ grow, $f^-$ prune",
         " → edge GRU ($w = e[0]$, sees $r_t$)",
         " act: 3 × v ← tanh(vW)",
         "NDP: frozen after phase 2"], "#e6eef8")
    for x0, x1 in ((0.97, 1.18), (2.12, 2.33)):
        ax.add_patch(FancyArrowPatch((x0, 0.61), (x1, 0.61), arrowstyle="-|>", mutation_scale=18,
                                     lw=1.6, color="black"))
    ax.text(1.65, 0.2, "CMA-ES evolves every parameter θ (node, edge, $f^+$, $f^-$, SA "
            "process) for fitness = mean episode return", ha="center", va="bottom",
            fontsize=12, style="italic")
    # an example development: a sampled G0 and the same graph after growth and pruning
    rng = np.random.default_rng(3)
    n, n_in, n_out = 16, 4, 2
    allowed = allowed_edges(n, n_in, n_out)
    a0 = allowed & (rng.random((n, n)) < 0.12)
    a1 = (a0 & (rng.random((n, n)) > 0.3)) | (allowed & (rng.random((n, n)) < 0.25))
    w0 = rng.uniform(-1, 1, size=(n, n)) * a0  # w = e[0], e0 ~ U(-1, 1)·A (reference)
    w1 = rng.normal(size=(n, n)) * a1
    for k, (a, w, t) in enumerate(((a0, w0, "sparse $G_0$"), (a1, w1, "after development"))):
        sub = fig.add_axes([0.14 + 0.42 * k, 0.03, 0.3, 0.36])
        draw_network(sub, a, w, n_in, n_out, t)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", lw=0, color=c, markeredgecolor="black", ms=8,
                      label=f"{k} neuron") for k, c in NODE_COLOURS.items()]
    handles += [Line2D([], [], color="#c0392b", lw=2, label="w > 0"),
                Line2D([], [], color="#2166ac", lw=2, label="w < 0")]
    fig.legend(handles=handles, loc="lower center", ncol=5, frameon=False, fontsize=9,
               bbox_to_anchor=(0.5, -0.06), title="example development (illustration, not a "
               "trained network)", title_fontsize=9)
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "lndp_overview.png", dpi=130, bbox_inches="tight")
    fig.savefig(OUT / "lndp_overview.svg", bbox_inches="tight")


if __name__ == "__main__":
    main()
