"""The forest plot of the claims: one row per claim and condition.

Each row is one effect of `lndp.study.scope.effects_table`: our estimate (dot) with its
95 % interval (line), coloured by its claim's verdict (or as interim while the claim's
planned runs are not all finished), read against the paper's reference
at 0: the difference two conditions should show, or the threshold a value should pass.
The side the paper reports is shaded (">": right, "<": left, "≈": the ± margin band).
Rows have different units, so each is divided by its own scale (named on the right);
an interval running past the axis ends in an arrow.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from lndp.study.rules import CONTRADICTED, INCONCLUSIVE, NOT_REACHED, NOT_RUN, REPRODUCED
from lndp.study.scope import INTERIM

VERDICT_COLOURS = {REPRODUCED: "#1a9850", CONTRADICTED: "#d73027", NOT_REACHED: "#4575b4",
                   INCONCLUSIVE: "#f0a030", INTERIM: "#7570b3", NOT_RUN: "#9e9e9e"}
LIMIT = 1.5  # the axis spans ± this many units of each row's scale


def _scaled(row) -> tuple[float, float, float, float | None, float]:
    def s(v):
        return (v - row.null) / row.scale

    control = None if row.control is None or pd.isna(row.control) else s(row.control)
    return s(row.estimate), s(row.lo), s(row.hi), control, row.margin / row.scale


def forest_plot(effects: pd.DataFrame, title: str = "Our effects beside the paper's claims"
                ) -> plt.Figure | None:
    """Draw `effects` (scope.effects_table) as a forest plot; None if it is empty."""
    if effects.empty:
        print("nothing to plot: no claim has the runs it needs yet")
        return None
    n = len(effects)
    fig, ax = plt.subplots(figsize=(10.5, 0.36 * n + 1.6), layout="constrained")
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(n - 0.5, -0.5)
    ax.axvline(0, color="black", lw=0.8)
    previous = None
    for y, row in enumerate(effects.itertuples()):
        estimate, lo, hi, control, margin = _scaled(row)
        if row.expected == "≈":
            ax.fill_between([-margin, margin], y - 0.45, y + 0.45, color="#cccccc", lw=0)
        else:
            side = (0, LIMIT) if row.expected == ">" else (-LIMIT, 0)
            ax.fill_between(side, y - 0.45, y + 0.45, color="#eeeeee", lw=0)
        colour = VERDICT_COLOURS.get(row.verdict, "#9e9e9e")
        if np.isfinite(lo) and np.isfinite(hi):
            ax.plot([max(lo, -LIMIT), min(hi, LIMIT)], [y, y], color=colour, lw=2.4)
            for end, beyond, marker in ((lo, lo < -LIMIT, "<"), (hi, hi > LIMIT, ">")):
                if beyond:
                    ax.plot(np.clip(end, -LIMIT, LIMIT), y, marker=marker, color=colour, ms=7)
        ax.plot(np.clip(estimate, -LIMIT, LIMIT), y, "o", color=colour, ms=7,
                markeredgecolor="black", markeredgewidth=0.6)
        if control is not None:
            ax.plot(np.clip(control, -LIMIT, LIMIT), y, "o", mfc="none", mec="black", ms=7)
        unit = f"÷ {row.scale:.3g} ({row.unit})" if row.scale != 1 else row.unit
        ax.annotate(f"{row.estimate:.3g} [{row.lo:.3g}, {row.hi:.3g}]  {unit}", (1.01, y),
                    xycoords=("axes fraction", "data"), va="center", fontsize=7.5)
        if previous is not None and row.claim != previous:
            ax.axhline(y - 0.5, color="#999999", lw=0.5)
        previous = row.claim
    ax.set_yticks(range(n), effects.label, fontsize=8.5)
    ax.grid(False)
    ax.set_xlabel("our effect − the paper's reference, in units of the row's scale "
                  "(shaded: the side the paper reports; grey band: its ± margin)")
    handles = [Line2D([], [], color=c, lw=2.4, marker="o", label=v)
               for v, c in VERDICT_COLOURS.items() if v in set(effects.verdict)]
    handles.append(Line2D([], [], lw=0, marker="o", mfc="none", mec="black",
                          label="untrained control"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    ax.set_title(title + " (dot: estimate; line: 95 % t interval over seeds)", fontsize=10)
    return fig


__all__ = ["VERDICT_COLOURS", "forest_plot"]
