"""Frozen configuration dataclasses, named presets, and validation.

One place decides every shape and size: the model, the task and the training run are each
a frozen dataclass, `Config` bundles them, and `preset(task, scale)` returns the settings
used at one scale (`Scale`: ``smoke``, ``reduced``, ``cpu``, ``paper``). Validation happens
when a config is built, before any compute is spent, and every error names the field.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any

from lndp.strategies import STRATEGIES, TIE_RANKINGS
from lndp.tasks import TASK_SPECS, TASKS

DECISIONS = ("threshold", "bernoulli")
PROFILES = ("reference", "corrected")

# Every departure of our `corrected` model from the authors' code, as (reference value,
# corrected value) of one config field. The `reference` profile computes what the authors'
# code computes (github.com/erwanplantec/LNDP, the file and function named in the comment;
# tested against fixtures recorded from it); `corrected` is the model of this project's
# first sessions, with the quirks fixed. Each field can also be set on its own (ablations).
PROFILE_VALUES: dict[str, tuple[Any, Any]] = {
    # lndp.py forward_rnn/update_state: the node and edge models see each neuron's whole
    # propagation sequence a_seq (T + 1 values), not only its final activity
    "model.activity_input": ("trace", "final"),
    # utils/model.py GraphTransformer: edge features only multiply the scores, node j
    # receives sum_i alpha_ij v_i (transposed), an output projection, no skip to the GRU
    "model.attention": ("reference", "additive"),
    # equinox GRUCell bias layout (b on the input gates, b_n inside the reset product)
    # versus flax's; the same function family, different parameter counts
    "model.parameter_layout": ("authors", "flax"),
    "model.mlp_width": (16, 8),  # lndp.py __init__: nn.MLP(..., width 16, depth 1)
    "model.node_init": ("uniform", "normal"),  # lndp.py initialize: h ~ U(-1, 1)
    "model.edge_init": ("uniform", "zeros"),  # lndp.py initialize: e ~ U(-1, 1) * A
    # utils/model.py meta_reservoir(clip=False): one density per block, the outer blocks
    # from an untruncated normal
    "model.density_init": ("per_block", "shared"),
    # lndp.py update_state: edge GRU under the old A, pruning from the updated e, add then
    # prune (a prune cancels an add); new edges conduct with weight 0 for one step and
    # pruned ones one step more
    "model.plasticity_order": ("reference", "corrected"),
    # lndp.py get_node_features: "in" degree = row sum, "out" = column sum, both / 10, and
    # d = i_d + o_d / 20; type flags input/output only
    "model.degree_features": ("reference", "corrected"),
    # utils/model.py OrnsteinUhlenbeckProcess: per-dimension rate and step, no sqrt(dt)
    # noise scaling, clipped covariance, a noise sample as the start
    "model.spontaneous_process": ("reference", "corrected"),
    "model.bernoulli_scale": (0.5, 1.0),  # lndp.py update_state: uniform < 0.5 * p
    # task.py MultiEpisodeGymnaxTask: the done flag reaches the model one step late (one
    # more update after an episode ends) and the next episode's first update is skipped
    "model.done_lag": (True, False),
    "task.observation": ("position", "one_hot"),  # utils/foraging.py _get_obs returns pos
    "task.reset_after": (11, 10),  # utils/foraging.py: reset when `steps == 10` (11th step)
    "train.init_mean": ("zero", "model"),  # evosax 0.1.6 CMA_ES: init_min = init_max = 0
    "train.sigma_init": (1.0, 0.1),  # evosax 0.1.6 CMA_ES default sigma_init
}
# The allowed values of every string field (other than task.name and train.strategy): the
# two values of each string field of PROFILE_VALUES, and the decision rule.
CHOICES: dict[str, tuple[str, ...]] = {
    "model.decision": DECISIONS,
    "train.tie_ranking": TIE_RANKINGS,
    **{dotted: pair for dotted, pair in PROFILE_VALUES.items()
       if all(isinstance(value, str) for value in pair)},
}


class ConfigError(ValueError):
    """An invalid configuration value; the message starts with the field's name."""


@dataclass(frozen=True)
class ModelConfig:
    """The LNDP architecture and its switches (paper's symbols in brackets).

    Sizes default to the reference code's values: N = 32 nodes in total, node state h of
    size 8, edge state e of size 4, T = 3 propagation steps, 3 attention heads with
    query/key size 4 and value size 8. The fields listed in PROFILE_VALUES default to the
    `reference` profile (the authors' computation).
    """

    n_nodes: int = 32  # N, inputs + hidden + outputs
    node_dim: int = 8  # size of h
    edge_dim: int = 4  # size of e; the synaptic weight is e[0]
    n_heads: int = 3
    qk_dim: int = 4
    value_dim: int = 8
    mlp_width: int = 16  # hidden width of the synaptogenesis and pruning MLPs
    propagation_steps: int = 3  # T
    synaptogenesis: bool = True
    pruning: bool = True
    decision: str = "threshold"  # "threshold" (reference default) or "bernoulli"
    threshold: float = 0.6  # add/prune when f(.) > threshold, in threshold mode
    sa_steps: int = 0  # spontaneous-activity steps before the first observation; 0 = off
    lifetime_updates: bool = True  # False = NDP ablation: frozen after development
    bias: bool = False  # add h[:, 0] as a bias to hidden and output neurons
    mu_conn: float = 0.5  # mean of the initial connection probability
    sigma_conn: float = 0.1  # its standard deviation (truncated normal on [0, 1])
    node_init_std: float = 0.5  # std of h0 when node_init = "normal" [?]
    # Departures from the authors' code; see PROFILE_VALUES (defaults: reference)
    activity_input: str = "trace"
    attention: str = "reference"
    parameter_layout: str = "authors"
    node_init: str = "uniform"
    edge_init: str = "uniform"
    density_init: str = "per_block"
    plasticity_order: str = "reference"
    degree_features: str = "reference"
    spontaneous_process: str = "reference"
    bernoulli_scale: float = 0.5  # stochastic decisions draw Bernoulli(scale * f)
    done_lag: bool = True

    @property
    def structural_plasticity(self) -> bool:
        return self.synaptogenesis or self.pruning


@dataclass(frozen=True)
class TaskConfig:
    """The task, the shape of a lifetime, and the number of trials averaged into fitness."""

    name: str = "cartpole"
    n_episodes: int = 3  # episodes per lifetime; the network state carries over
    max_steps: int | None = None  # per episode; None = the environment's own limit
    # Independent lifetimes averaged into one fitness value. The authors' code runs one
    # (eval_reps = 1); the paper's "three trials with different random seeds" most likely
    # names the 3 episodes of that lifetime. Set 3 for the other reading (3x the cost).
    n_trials: int = 1
    # Foraging only (see lndp.envs.foraging)
    grid_size: int = 5
    food_reward: float = 10.0
    reset_after: int = 11  # steps without food until the agent is reset
    p_switch: float = 0.5
    observation: str = "position"  # "position" (1 input, reference) or "one_hot"


@dataclass(frozen=True)
class TrainConfig:
    """The evolution strategy and the bookkeeping of a run."""

    strategy: str = "CMA_ES"  # any distribution-based evosax 0.3 algorithm, by name
    popsize: int = 256
    generations: int = 10_000
    sigma_init: float = 1.0  # initial CMA-ES step size
    init_mean: str = "zero"  # where the search starts: "zero" or "model" (its initialisation)
    seed: int = 0
    checkpoint_every: int = 25  # generations between checkpoints
    eigen_every: int = 1  # CMA-ES only: recompute B, D from C every k generations
    # CMA-ES only: tied fitness shares one weight ("average", evosax 0.3) or takes
    # successive weights in population order ("stable", evosax 0.1.6, the authors' code)
    tie_ranking: str = "average"


@dataclass(frozen=True)
class Config:
    model: ModelConfig = field(default_factory=ModelConfig)
    task: TaskConfig = field(default_factory=TaskConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
        validate(self)

    def replace(self, **overrides: Any) -> "Config":
        """Return a copy with dotted overrides, e.g. ``replace(**{"model.sa_steps": 100})``.

        ``profile="reference"`` or ``"corrected"`` sets every field of PROFILE_VALUES first;
        the other overrides then apply on top of it.
        """
        if "profile" in overrides:
            overrides = dict(overrides)
            overrides = profile_overrides(overrides.pop("profile")) | overrides
        parts = {"model": {}, "task": {}, "train": {}}
        for dotted, value in overrides.items():
            section, _, name = dotted.partition(".")
            if section not in parts or not name:
                raise ConfigError(
                    f"{dotted}: overrides are written section.field with section one of "
                    f"{', '.join(parts)}"
                )
            section_fields = {f.name: f for f in dataclasses.fields(getattr(self, section))}
            known = set(section_fields)
            if name not in known:
                raise ConfigError(
                    f"{dotted}: unknown field; {section} has {', '.join(sorted(known))}"
                )
            parts[section][name] = _typed(value, section_fields[name], dotted)
        return Config(
            model=dataclasses.replace(self.model, **parts["model"]),
            task=dataclasses.replace(self.task, **parts["task"]),
            train=dataclasses.replace(self.train, **parts["train"]),
        )

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, Any]]) -> "Config":
        """A Config from `to_dict` output. Fields of PROFILE_VALUES missing from `data`
        take their `corrected` values: configs written before the profiles existed were
        made by what is now the corrected model (model version 1, see
        `lndp.model.MODEL_VERSION`)."""
        corrected = profile_overrides("corrected")
        sections = {}
        for name, kind in (("model", ModelConfig), ("task", TaskConfig), ("train", TrainConfig)):
            missing = {dotted.partition(".")[2]: value for dotted, value in corrected.items()
                       if dotted.startswith(f"{name}.")}
            sections[name] = kind(**(missing | dict(data.get(name, {}))))
        return cls(**sections)

    @property
    def profile(self) -> str:
        """"reference" or "corrected" when every PROFILE_VALUES field has that profile's
        value, else "custom" (an ablation or a mix)."""
        values = {d: getattr(getattr(self, d.partition(".")[0]), d.partition(".")[2])
                  for d in PROFILE_VALUES}
        for i, name in enumerate(PROFILES):
            if all(values[d] == pair[i] for d, pair in PROFILE_VALUES.items()):
                return name
        return "custom"

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


def profile_overrides(name: str) -> dict[str, Any]:
    """The dotted field values that make up a profile."""
    if name not in PROFILES:
        raise ConfigError(f"profile: unknown profile {name!r}; valid: {', '.join(PROFILES)}")
    index = PROFILES.index(name)
    return {dotted: pair[index] for dotted, pair in PROFILE_VALUES.items()}


def _typed(value: Any, spec: dataclasses.Field, dotted: str) -> Any:
    """`value` checked against the field's declared type (an int is a valid float)."""
    kind = spec.type if isinstance(spec.type, str) else spec.type.__name__
    optional = kind.endswith("| None")
    kind = kind.removesuffix("| None").strip()
    if value is None and optional:
        return value
    expected = {"int": int, "float": float, "str": str, "bool": bool}[kind]
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    ok = isinstance(value, expected) and (expected is bool or not isinstance(value, bool))
    if expected is float and ok and not math.isfinite(value):
        raise ConfigError(f"{dotted}: must be a finite number, got {value!r}")
    if not ok:
        allowed = f"{kind} or None" if optional else kind
        raise ConfigError(f"{dotted}: must be of type {allowed}, got {value!r}")
    return value


def config_differences(a: Config, b: Config, ignore: tuple[str, ...] = ()) -> list[str]:
    """Dotted names of the fields where two configs differ."""
    da, db = a.to_dict(), b.to_dict()
    return [
        f"{section}.{name}"
        for section in da
        for name in da[section]
        if da[section][name] != db[section][name] and f"{section}.{name}" not in ignore
    ]


def _check(condition: bool, name: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"{name}: {message}")


def _probability(value: float, name: str) -> None:
    _check(0.0 <= value <= 1.0, name, f"must be a probability in [0, 1], got {value}")


def _positive_int(value: int, name: str, minimum: int = 1) -> None:
    _check(
        isinstance(value, int) and not isinstance(value, bool) and value >= minimum,
        name,
        f"must be an integer >= {minimum}, got {value!r}",
    )


def validate(config: Config) -> None:
    """Raise ConfigError naming the first invalid field."""

    for section in dataclasses.fields(config):
        for spec in dataclasses.fields(getattr(config, section.name)):
            _typed(getattr(getattr(config, section.name), spec.name), spec,
                   f"{section.name}.{spec.name}")
    for dotted, allowed in CHOICES.items():
        section, _, name = dotted.partition(".")
        value = getattr(getattr(config, section), name)
        _check(value in allowed, dotted,
               f"unknown value {value!r}; valid: {', '.join(map(str, allowed))}")
    m, t, r = config.model, config.task, config.train
    _check(t.name in TASKS, "task.name", f"unknown task {t.name!r}; valid: {', '.join(TASKS)}")
    for name in ("node_dim", "edge_dim", "n_heads", "qk_dim", "value_dim", "mlp_width",
                 "propagation_steps"):
        _positive_int(getattr(m, name), f"model.{name}")
    _positive_int(m.sa_steps, "model.sa_steps", minimum=0)
    _probability(m.threshold, "model.threshold")
    _probability(m.mu_conn, "model.mu_conn")
    _check(m.sigma_conn >= 0, "model.sigma_conn", f"must be >= 0, got {m.sigma_conn}")
    _check(m.node_init_std >= 0, "model.node_init_std", f"must be >= 0, got {m.node_init_std}")
    _check(
        m.lifetime_updates or m.sa_steps > 0,
        "model.sa_steps",
        "the NDP ablation (model.lifetime_updates=False) develops only during spontaneous "
        "activity, so it needs model.sa_steps > 0",
    )
    _positive_int(t.n_episodes, "task.n_episodes")
    _positive_int(t.n_trials, "task.n_trials")
    if t.max_steps is not None:
        _positive_int(t.max_steps, "task.max_steps")
    _probability(t.p_switch, "task.p_switch")
    _positive_int(t.grid_size, "task.grid_size", minimum=3)
    _positive_int(t.reset_after, "task.reset_after")
    n_in, n_out = io_sizes(t)
    _check(
        m.n_nodes >= n_in + n_out + 1,
        "model.n_nodes",
        f"must leave at least one hidden node: {t.name} has {n_in} inputs and {n_out} "
        f"outputs, got n_nodes={m.n_nodes}",
    )
    _check(
        r.strategy in STRATEGIES,
        "train.strategy",
        f"unknown strategy {r.strategy!r}; valid: {', '.join(sorted(STRATEGIES))}",
    )
    _positive_int(r.popsize, "train.popsize", minimum=2)
    _positive_int(r.generations, "train.generations")
    _check(r.sigma_init > 0, "train.sigma_init", f"must be > 0, got {r.sigma_init}")
    _check(0 < m.bernoulli_scale <= 1, "model.bernoulli_scale",
           f"must be in (0, 1], got {m.bernoulli_scale}")
    _positive_int(r.checkpoint_every, "train.checkpoint_every")
    _positive_int(r.eigen_every, "train.eigen_every")
    _check(r.tie_ranking == "average" or r.strategy == "CMA_ES", "train.tie_ranking",
           f"{r.tie_ranking!r} is for CMA_ES only; {r.strategy} takes 'average'")
    _positive_int(r.seed, "train.seed", minimum=0)


def io_sizes(task: TaskConfig) -> tuple[int, int]:
    """(number of input neurons, number of output neurons) for a task."""
    spec = TASK_SPECS[task.name]
    return spec.inputs(task.observation, task.grid_size), spec.n_outputs


# Per-task lifetime shape shared by all scales: the paper uses 3 episodes per lifetime; for
# Foraging the reference code runs one 100-step lifetime, which we keep as one episode.
_TASK_DEFAULTS: dict[str, dict[str, Any]] = {
    "cartpole": {},
    "acrobot": {},
    "pendulum": {},
    "foraging": {"n_episodes": 1, "max_steps": 100},
}

@dataclass(frozen=True)
class Scale:
    """Everything one scale decides, in one record: the preset's settings, the profile,
    where its runs and figures live, how many seeds a figure trains by default, how its
    trained runs are evaluated, and whether its runs are an archived earlier model's."""

    name: str
    profile: str  # the model profile unless asked otherwise
    settings: dict[str, Any]  # dotted overrides of the defaults, every task
    task_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # per task
    default_seeds: int = 5  # seeds per condition when a figure is run without a count
    results_dir: str = ""  # the run folders, relative to the project root
    figures_dir: str = ""  # the figures
    evaluation_trials: int = 20  # lifetimes per evaluation of a trained run's ES mean
    sa_steps: int = 100  # spontaneous-activity steps of the SA and NDP figures (paper: 100)
    # archived: its committed runs were made by an earlier model and are shown as such
    # (labelled on every page); at every other scale only runs this code made are shown
    archived: bool = False
    note: str = ""  # how a figure's caption names the scale


# `smoke` runs in seconds (CI); `reduced` is the archived scale of the 63 runs committed
# before the profiles existed (model version 1, which computes what is now `corrected`):
# it stays pinned to that model, with its two lifetimes per evaluation, so that those runs
# keep being read as what they are and are never mixed with runs of the reference model;
# `cpu` decides claims on a 2-core CPU; `paper` is the paper's setting, for a GPU. What the
# authors ran is what the paper's numbers came from, so new experiments use `reference`.
SCALE_RECORDS: dict[str, Scale] = {s.name: s for s in (
    Scale("smoke", "reference",
          {"train.popsize": 8, "train.generations": 3, "task.n_trials": 1,
           "task.n_episodes": 1, "task.max_steps": 50, "train.checkpoint_every": 2},
          {"foraging": {"task.max_steps": 30}},
          default_seeds=1, results_dir="_build/smoke/results",
          figures_dir="_build/smoke/figures", evaluation_trials=4, sa_steps=10),
    # Sep-CMA-ES at reduced scale: on Foraging it reached the same fitness as CMA-ES in the
    # same number of generations, at a fraction of the ES cost per generation (measured;
    # see the book's reproduce page). Shorter CartPole/Acrobot lifetimes kept a run within
    # the hour.
    Scale("reduced", "corrected",
          {"train.popsize": 64, "train.generations": 300, "task.n_trials": 2,
           "train.checkpoint_every": 10, "train.strategy": "Sep_CMA_ES"},
          {"foraging": {"train.generations": 400},
           "cartpole": {"train.generations": 150, "task.max_steps": 200},
           "acrobot": {"train.generations": 150, "task.max_steps": 200},
           "pendulum": {"train.generations": 150}},
          default_seeds=3, results_dir="results/reduced", figures_dir="figures/reduced",
          archived=True, note="earlier model (corrected profile, model version 1)"),
    # Sized for deciding claims on a 2-core CPU (one run per core, see results/PLAN.md for
    # how the budgets were chosen): the authors' CMA-ES from the zero vector with σ 1 and
    # one lifetime per evaluation, at population 64 and with the eigendecomposition of C
    # refreshed every 10 generations (Hansen's lazy update; it halves a Foraging
    # generation on one core and the search is otherwise theirs). Generations per task,
    # from the pilots: Foraging curves flatten by ~300, the others get what the plan
    # affords (results/plan.json registers the same budgets; a test holds them equal).
    Scale("cpu", "reference",
          {"train.popsize": 64, "train.generations": 1000, "train.strategy": "CMA_ES",
           "train.eigen_every": 10, "train.checkpoint_every": 25},
          {"foraging": {"train.generations": 500}, "cartpole": {"train.generations": 300},
           "acrobot": {"train.generations": 200}, "pendulum": {"train.generations": 200}},
          results_dir="results/cpu", figures_dir="figures/cpu"),
    # The authors' train.py defaults: CMA-ES, population 256, 10,000 generations, one
    # lifetime of 3 episodes per evaluation (eval_reps = 1).
    Scale("paper", "reference",
          {"train.popsize": 256, "train.generations": 10_000, "train.checkpoint_every": 50},
          results_dir="results_paper", figures_dir="figures/paper"),
)}
SCALES = tuple(SCALE_RECORDS)


def scale_record(name: str) -> Scale:
    """A scale's record; a one-line error naming the valid scales otherwise."""
    if name not in SCALE_RECORDS:
        raise ConfigError(f"scale: unknown scale {name!r}; valid: {', '.join(SCALES)}")
    return SCALE_RECORDS[name]


def preset(task: str = "cartpole", scale: str = "smoke", profile: str | None = None,
           **overrides: Any) -> Config:
    """The named preset for a task at a scale and profile (default: the scale's), with
    optional dotted overrides."""
    if task not in TASKS:
        raise ConfigError(f"task.name: unknown task {task!r}; valid: {', '.join(TASKS)}")
    record = scale_record(scale)
    values: dict[str, Any] = {"profile": profile or record.profile, "task.name": task}
    values |= {f"task.{k}": v for k, v in _TASK_DEFAULTS[task].items()}
    values |= record.settings
    values |= record.task_settings.get(task, {})
    values |= overrides
    return Config().replace(**values)
