"""The paper's figures as tasks × named conditions, and a run's config from them.

Each figure is a set of tasks and named conditions (condition name → dotted config
overrides on top of `lndp.config.preset(task, scale)`); `figure_config` is the one place
a planned run's config is built. Labels name models, not folders (`MODELS`); colours and
line styles are the plots' (`lndp.plots.style`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from lndp.config import SCALES, Config, preset, scale_record

FIGURES = ("structural_plasticity", "spontaneous_activity", "ndp_vs_lndp", "network_development")

#: the figures whose pages (and claims 2a–2c, 3b) read an evaluation of each trained run's
#: ES-mean parameters over fresh lifetimes → episodes per lifetime (None: the run's own;
#: the paper's SA figure shows 3 episodes)
EVALUATED_FIGURES = {"spontaneous_activity": 3, "ndp_vs_lndp": None}

#: structural plasticity off: no synaptogenesis, no pruning
NO_SP = {"model.synaptogenesis": False, "model.pruning": False}

#: the development statistics (claims 4a, 4b): lifetimes recorded per seed, and whose
#: parameters (the evolved ES mean and, as a control, the untrained start of evolution)
LIFETIMES_PER_SEED = 5
LIFETIME_PARAMETERS = ("evolved", "untrained")


def recording_keys(seed: int, lifetimes: int = LIFETIMES_PER_SEED) -> list[int]:
    """The recording keys of a seed's lifetimes: distinct across seeds and lifetimes."""
    return [1000 * seed + i for i in range(lifetimes)]


#: one label per model, whatever folder name a figure gives its runs
#: (the LNDP without SA is the default SP run, μ_conn 0.5, σ_conn 0.1, under another name)
MODELS = {"lndp_sa": "LNDP with SA", "lndp": "LNDP without SA", "ndp": "NDP"}


# Acrobot and Pendulum are the last priority and cost as much per run as CartPole: their
# reduced grid keeps only what claims 1c and 1d compare.
_SMALL_SP_GRID_TASKS = ("acrobot", "pendulum")


@dataclass(frozen=True)
class Condition:
    """One experimental condition: its folder name, its label, what it changes in the
    preset. Built once here; code that needs a fact about a condition reads it from the
    record (never by parsing the name). How figures draw it: `lndp.plots.style`."""

    name: str  # the run folder's name: <figure>/<task>/<name>/seed<k>
    label: str  # legend and table label, the same in every figure
    overrides: Mapping[str, Any]  # dotted config overrides on top of the preset
    structural_plasticity: bool = True
    mu_conn: float | None = None  # the initial-connectivity setting (SP grid only)
    sigma_conn: float | None = None


def _sp_condition(sp: bool, mu: float, sigma: float) -> Condition:
    overrides: dict[str, Any] = {"model.mu_conn": mu, "model.sigma_conn": sigma}
    if not sp:
        overrides |= NO_SP
    return Condition(
        name=f"{'sp' if sp else 'nosp'}_mu{mu:g}_sigma{sigma:g}",
        label=f"{'SP' if sp else 'no SP'} (μ={mu:g}, σ={sigma:g})",
        overrides=overrides, structural_plasticity=sp, mu_conn=mu, sigma_conn=sigma)


def _sp_conditions(scale: str, task: str | None = None) -> dict[str, Condition]:
    """SP on/off over initial-connectivity settings (μ_conn, σ_conn).

    `paper` runs the full grid μ ∈ {0, 0.5, 1} × σ ∈ {0, 0.1} (no-SP never from empty
    networks: nothing could grow). `reduced` keeps the settings the claims are about, so
    the grid fits a CPU budget. On CartPole and Foraging (claims 1a, 1b: SP beats no-SP in
    every condition) 5 conditions: SP vs no-SP at μ 0.5 and μ 1, and SP from an empty
    network with σ 0.1. On Acrobot and Pendulum (claims 1c, 1d) 3: SP vs no-SP at μ 0.5 and
    SP from an empty network. `task=None` gives the union over tasks.
    """
    if scale == "smoke":
        grid = [(True, 0.5, 0.1)]
    elif scale in ("reduced", "cpu"):
        grid = [(True, 0.0, 0.1), (True, 0.5, 0.1), (True, 1.0, 0.1),
                (False, 0.5, 0.1), (False, 1.0, 0.1)]
        if task in _SMALL_SP_GRID_TASKS:
            grid = [(True, 0.0, 0.1), (True, 0.5, 0.1), (False, 0.5, 0.1)]
    else:
        grid = [(sp, mu, sigma) for sp in (True, False) for mu in (0.0, 0.5, 1.0)
                for sigma in (0.0, 0.1) if sp or mu > 0]
    records = [_sp_condition(*setting) for setting in grid]
    return {c.name: c for c in records}


def _other_conditions(sa: int) -> dict[str, Condition]:
    """The spontaneous-activity and NDP-vs-LNDP conditions (sa: SA steps at this scale).
    The folder names are those of the committed runs and the registered plan, so they
    stay: 'lndp' (ndp_vs_lndp) and 'sa_lndp' are one model, the LNDP with SA, as are
    'ndp' and 'sa_nolifetime', the NDP (SA, then frozen); `MODELS` names each model once
    and every label and colour is the model's."""
    records = [
        Condition("sa_lndp", MODELS["lndp_sa"], {"model.sa_steps": sa}),
        Condition("nosa_lndp", MODELS["lndp"], {"model.sa_steps": 0}),
        Condition("sa_nolifetime", MODELS["ndp"],
                  {"model.sa_steps": sa, "model.lifetime_updates": False}),
        Condition("lndp", MODELS["lndp_sa"], {"model.sa_steps": sa}),
        Condition("ndp", MODELS["ndp"], {"model.sa_steps": sa, "model.lifetime_updates": False}),
    ]
    return {c.name: c for c in records}


def tasks(figure: str, scale: str) -> tuple[str, ...]:
    """The tasks of a figure at a scale."""
    check(figure, scale)
    if figure == "structural_plasticity":
        # smoke: two tasks keep the CI build to a few minutes (every config compiles anew)
        return (("cartpole", "foraging") if scale == "smoke"
                else ("cartpole", "acrobot", "pendulum", "foraging"))
    if figure == "spontaneous_activity":
        return ("cartpole",)
    if figure == "ndp_vs_lndp":
        return ("foraging", "cartpole")
    return ("cartpole",) if scale == "smoke" else ("cartpole", "acrobot", "pendulum", "foraging")


def condition_records(figure: str, scale: str, task: str | None = None) -> dict[str, Condition]:
    """Condition name → record, for a figure at a scale (and task: the reduced
    structural-plasticity grid is smaller on Acrobot and Pendulum)."""
    check(figure, scale)
    if figure == "structural_plasticity":
        return _sp_conditions(scale, task)
    other = _other_conditions(scale_record(scale).sa_steps)
    if figure == "spontaneous_activity":
        return {n: other[n] for n in ("sa_lndp", "nosa_lndp", "sa_nolifetime")}
    if figure == "ndp_vs_lndp":
        return {n: other[n] for n in ("lndp", "ndp")}
    # network_development: the default LNDP, SP on from μ_conn 0.5, σ_conn 0.1, under the
    # SP figure's own name and record (its runs are copies of that figure's)
    default = _sp_condition(True, 0.5, 0.1)
    return {default.name: default}


def conditions(figure: str, scale: str, task: str | None = None) -> dict[str, dict[str, Any]]:
    """Condition name → dotted config overrides (see `condition_records`)."""
    return {name: dict(c.overrides)
            for name, c in condition_records(figure, scale, task).items()}


@lru_cache(maxsize=None)
def _all_conditions() -> dict[str, Condition]:
    """Every condition of every figure and scale, by name. A name's label and SP
    setting are the same in every figure and scale; its overrides are not (SA steps
    differ by scale; 'lndp' has SA in ndp_vs_lndp only): read those from
    `condition_records(figure, scale, task)`."""
    found: dict[str, Condition] = {}
    for scale in SCALES:
        for figure in FIGURES:
            for task in (None, *tasks(figure, scale)):
                found |= condition_records(figure, scale, task)
    return found


def condition(name: str) -> Condition:
    """The record of a condition by its name (a run folder's condition part), for its
    label and settings; its overrides: `condition_records`."""
    known = _all_conditions()
    if name not in known:
        raise KeyError(f"condition: unknown condition {name!r}; known: {', '.join(known)}")
    return known[name]


def label(name: str) -> str:
    """The legend label of a condition (its name itself if it is not a known condition)."""
    try:
        return condition(name).label
    except KeyError:
        return name


def check(figure: str, scale: str) -> None:
    """A one-line error naming the field if the figure or the scale is unknown."""
    if figure not in FIGURES:
        raise ValueError(f"figure: unknown figure {figure!r}; valid: {', '.join(FIGURES)}")
    scale_record(scale)


def figure_config(figure: str, task: str, condition: str, scale: str, seed: int,
                  profile: str | None = None) -> Config:
    """A run's config: the scale's preset (at `profile`, default the scale's), the
    condition's overrides and the seed."""
    return preset(task, scale, profile, **conditions(figure, scale, task)[condition],
                  **{"train.seed": seed})




__all__ = ["NO_SP", "LIFETIMES_PER_SEED", "LIFETIME_PARAMETERS", "recording_keys", "check", "FIGURES", "EVALUATED_FIGURES", "MODELS", "Condition", "condition",
           "condition_records", "conditions", "tasks", "label", "figure_config"]
