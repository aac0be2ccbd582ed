"""Reproduce the first generation statistically: fitness over N(0, I) parameter vectors.

What
    The authors' CMA-ES (evosax 0.1.6: mean 0, σ 1, C = I) draws its first population
    as iid N(0, I) vectors, so the fitness of a first-generation member is a random
    variable whose distribution is fixed by the model, the task and the lifetime alone:
    any correct implementation, on any machine, must give the same one. For each of
    eight settings at the `cpu` preset (`SETTINGS`: CartPole SP μ 0.5 and from empty
    μ 0, CartPole with 100 SA steps, CartPole without SP, Foraging SP and with 100 SA
    steps, Acrobot and Pendulum SP), `first_generation_fitness` draws `members` such
    vectors from a fixed key and evaluates each once, with its own key, as the trainer
    evaluates a generation (`lndp.train.population_evaluator`). `record` writes these
    samples, the committed references:

        <folder>/first_generation/<setting>.csv       one column, fitness
        <folder>/first_generation/machine.json        where and by which code

    `reproduce` computes them again here and compares them with the references;
    `compare_with_authors` compares the references with the same distributions computed
    by the authors' own code (tools/record_first_generation_authors.py, in
    <folder>/authors_first_generation/). The outcome of a reproduction goes to
    <folder>/reproductions/<cpu model and ISA>.json.

Why
    Bits depend on the CPU: the same config gives other low-order bits on an AVX2 AMD
    EPYC than on an AVX-512 Intel Xeon, and on one CPU with XLA_FLAGS=
    --xla_cpu_max_isa=AVX, so exact replay (`lndp.pipeline.replay`) only holds on the
    machine kind that made a run. Across machines, and against the authors' code (whose
    parameter layout and random streams differ from ours), reproduction is statistical.

The rule (fixed before any comparison was made)
    Per setting, the two-sample Kolmogorov–Smirnov test (scipy.stats.ks_2samp, two-sided)
    of the sample here against the reference. A setting is "indistinguishable" when
    p ≥ 0.05 / 8 (Bonferroni over the eight settings: `THRESHOLD`, the same whichever
    settings are compared), else "DIFFERENT". Each result also says whether the two
    samples are bit-identical, as they should be on the machine kind that recorded them.
"""

from __future__ import annotations

import csv
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import jax
import numpy as np
import pandas as pd
from jax.sharding import Mesh
from scipy.stats import ks_2samp

from lndp.config import Config
from lndp.design.figures import figure_config
from lndp.provenance import code_hash, machine
from lndp.rollout import Evaluator
from lndp.train import EVAL_GROUPS, population_evaluator

#: family-wise level of the eight comparisons and the per-setting threshold on KS p
ALPHA = 0.05
N_SETTINGS = 8
THRESHOLD = ALPHA / N_SETTINGS
INDISTINGUISHABLE, DIFFERENT = "indistinguishable", "DIFFERENT"
#: fewest members a sample may have (KS at n = 32 still detects a shift of ~0.4 sd)
MIN_MEMBERS = 32
MEMBERS = 256  # the paper's population size
SEED = 0
REFERENCES = "first_generation"
AUTHORS = "authors_first_generation"
REPRODUCTIONS = "reproductions"
MACHINE_FILE = "machine.json"


@dataclass(frozen=True)
class Setting:
    """One first-generation distribution: a condition of a figure at a scale."""

    name: str
    figure: str
    task: str
    condition: str
    scale: str = "cpu"

    def config(self, seed: int = SEED) -> Config:
        return figure_config(self.figure, self.task, self.condition, self.scale, seed)

    def record(self) -> dict[str, str]:
        return {"figure": self.figure, "task": self.task, "condition": self.condition,
                "scale": self.scale}


_SP, _SA, _NL = "structural_plasticity", "spontaneous_activity", "ndp_vs_lndp"
SETTINGS: tuple[Setting, ...] = (
    Setting("cartpole_sp_mu0.5", _SP, "cartpole", "sp_mu0.5_sigma0.1"),
    Setting("cartpole_sp_mu0", _SP, "cartpole", "sp_mu0_sigma0.1"),
    Setting("cartpole_sa_lndp", _SA, "cartpole", "sa_lndp"),
    Setting("cartpole_nosp_mu0.5", _SP, "cartpole", "nosp_mu0.5_sigma0.1"),
    Setting("foraging_sp_mu0.5", _SP, "foraging", "sp_mu0.5_sigma0.1"),
    Setting("foraging_sa_lndp", _NL, "foraging", "lndp"),
    Setting("acrobot_sp_mu0.5", _SP, "acrobot", "sp_mu0.5_sigma0.1"),
    Setting("pendulum_sp_mu0.5", _SP, "pendulum", "sp_mu0.5_sigma0.1"),
)
assert len(SETTINGS) == N_SETTINGS


class ReproduceError(ValueError):
    """Bad input (a size, a missing or damaged reference); the message is one line."""


@dataclass(frozen=True)
class Result:
    """One setting's comparison of a sample with its reference."""

    setting: str
    n: int  # members here
    n_reference: int
    statistic: float  # KS D
    pvalue: float
    identical: bool  # the same numbers, bit for bit
    against: str = "reference"  # or "authors": the authors' code's sample

    @property
    def verdict(self) -> str:
        return INDISTINGUISHABLE if self.pvalue >= THRESHOLD else DIFFERENT

    def line(self) -> str:
        same = "bit-identical" if self.identical else "not bit-identical"
        who = "ours vs the authors' code, " if self.against == "authors" else ""
        return (f"{who}{self.setting}: {self.verdict} (KS D = {self.statistic:.3f}, "
                f"p = {self.pvalue:.3g}; {same})")

    def record(self) -> dict[str, object]:
        return {"n": self.n, "n_reference": self.n_reference, "ks_statistic": self.statistic,
                "p": self.pvalue, "identical": self.identical, "verdict": self.verdict}


def compare(name: str, sample: np.ndarray, reference: np.ndarray,
            against: str = "reference") -> Result:
    """The rule applied to one setting's two samples."""
    sample, reference = np.asarray(sample, np.float64), np.asarray(reference, np.float64)
    test = ks_2samp(sample, reference)
    return Result(name, sample.size, reference.size, float(test.statistic),
                  float(test.pvalue), bool(np.array_equal(sample, reference)), against)


# -- computing ---------------------------------------------------------------------------

def check_members(members: int) -> None:
    if not isinstance(members, int) or members < MIN_MEMBERS:
        raise ReproduceError(f"--members: need at least {MIN_MEMBERS} members for the KS "
                             f"test, got {members}")


def first_generation_fitness(setting: Setting, members: int = MEMBERS,
                             seed: int = SEED) -> np.ndarray:
    """Fitness of `members` iid N(0, I) parameter vectors (the authors' first CMA-ES
    population), each evaluated once with its own key: mean return over the lifetime's
    episodes, exactly as a training generation evaluates its population."""
    check_members(members)
    config = setting.config(seed)
    agent = Evaluator(config)
    mesh = Mesh(np.array(jax.devices()), ("pop",))
    evaluate = population_evaluator(agent, members, mesh, EVAL_GROUPS.get(config.task.name))
    k_params, k_eval = jax.random.split(jax.random.PRNGKey(seed))

    @jax.jit
    def fitness(k_params: jax.Array, k_eval: jax.Array) -> jax.Array:
        population = jax.random.normal(k_params, (members, agent.num_params))
        return evaluate(population, k_eval).episode_returns.mean(-1)

    return np.asarray(fitness(k_params, k_eval))


# -- files -------------------------------------------------------------------------------

def write_sample(path: Path, fitness: np.ndarray) -> None:
    """One column `fitness`, every value exactly (repr of the float)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["fitness"] + [repr(float(v)) for v in np.asarray(fitness).ravel()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)


def read_sample(path: Path) -> np.ndarray:
    if not path.is_file():
        raise ReproduceError(f"{path}: no such sample; record it first (python -m lndp "
                             "reproduce --record)")
    try:
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
        return np.array([float(row["fitness"]) for row in rows], np.float64)
    except (KeyError, TypeError, ValueError, csv.Error) as error:
        raise ReproduceError(f"{path}: not a sample (one column, fitness): {error}") from None


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def machine_slug(here: dict | None = None) -> str:
    """A file name for this machine kind: the CPU model and the ISA, e.g.
    'intel-xeon-processor-avx512' or '...-avx-pinned'."""
    here = here or machine()
    text = f"{here['cpu']} {here['isa']}".lower()
    text = re.sub(r"\((r|tm)\)|@ *[\d.]+ *ghz|\bcpu\b", " ", text)
    return re.sub(r"[^a-z0-9.]+", "-", text).strip("-.") or "unknown"


# -- the three steps ---------------------------------------------------------------------

def record(folder: str | Path, members: int = MEMBERS,
           settings: Sequence[Setting] | None = None, seed: int = SEED,
           progress: Callable[[str], None] | None = None) -> dict[str, np.ndarray]:
    """Compute every setting's first-generation fitness and write it as the reference
    (see the module docstring for the files); returns the samples by setting."""
    check_members(members)
    settings = SETTINGS if settings is None else settings
    out = Path(folder) / REFERENCES
    samples, seconds = {}, {}
    for setting in settings:
        start = time.perf_counter()
        samples[setting.name] = first_generation_fitness(setting, members, seed)
        seconds[setting.name] = round(time.perf_counter() - start, 1)
        write_sample(out / f"{setting.name}.csv", samples[setting.name])
        if progress:
            progress(f"{setting.name}: recorded {members} members (mean fitness "
                     f"{samples[setting.name].mean():.2f}, {seconds[setting.name]:.0f} s)")
    _write_json(out / MACHINE_FILE, {
        "what": "first-generation fitness over iid N(0, I) parameter vectors (module "
                "lndp.pipeline.reproduce)", "machine": machine(), "code_hash": code_hash(),
        "date": _now(), "members": members, "seed": seed, "seconds": seconds,
        "settings": {s.name: s.record() for s in settings}})
    return samples


def compare_with_authors(folder: str | Path, settings: Sequence[Setting] | None = None,
                         samples: dict[str, np.ndarray] | None = None) -> list[Result]:
    """Our first-generation samples (`samples`, default the committed references) against
    those of the authors' code in <folder>/authors_first_generation/, by the same rule;
    settings the authors' folder lacks are left out (bit identity is not expected: their
    parameter layout and random streams differ, their distribution N(0, I) does not)."""
    folder = Path(folder)
    results = []
    for setting in SETTINGS if settings is None else settings:
        path = folder / AUTHORS / f"{setting.name}.csv"
        if not path.is_file():
            continue
        ours = (samples[setting.name] if samples is not None
                else read_sample(folder / REFERENCES / f"{setting.name}.csv"))
        results.append(compare(setting.name, ours, read_sample(path), "authors"))
    return results


def reproduce(folder: str | Path, members: int = MEMBERS,
              settings: Sequence[Setting] | None = None, seed: int = SEED,
              progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Compute every setting again here and compare it with the reference by the rule
    (`progress` sees each result as it comes, then those against the authors' code);
    writes <folder>/reproductions/<machine>.json (this machine, the date, per setting n,
    KS statistic, p, bit identity and verdict, and this machine's samples against the
    authors' code under "authors") and returns the results."""
    check_members(members)
    settings = SETTINGS if settings is None else settings
    folder = Path(folder)
    references = {s.name: read_sample(folder / REFERENCES / f"{s.name}.csv")
                  for s in settings}  # every reference is read before any compute
    results, samples, seconds = [], {}, {}
    for setting in settings:
        start = time.perf_counter()
        samples[setting.name] = first_generation_fitness(setting, members, seed)
        seconds[setting.name] = round(time.perf_counter() - start, 1)
        results.append(compare(setting.name, samples[setting.name], references[setting.name]))
        if progress:
            progress(results[-1])
    authors = compare_with_authors(folder, settings, samples)
    for result in authors if progress else ():
        progress(result)
    here = machine()
    reference = folder / REFERENCES / MACHINE_FILE
    recorded = json.loads(reference.read_text()) if reference.is_file() else {}
    _write_json(folder / REPRODUCTIONS / f"{machine_slug(here)}.json", {
        "what": "first-generation fitness here against the committed reference "
                f"({REFERENCES}/) and against the authors' code ({AUTHORS}/)",
        "rule": f"two-sample KS; indistinguishable when p >= {ALPHA} / {N_SETTINGS}",
        "threshold": THRESHOLD, "machine": here, "code_hash": code_hash(), "date": _now(),
        "members": members, "seed": seed, "seconds": seconds,
        "reference_machine": recorded.get("machine"),
        "reference_code_hash": recorded.get("code_hash"),
        "settings": {r.setting: r.record() for r in results},
        "authors": {r.setting: r.record() for r in authors}})
    return results


def reproduction_table(folder: str | Path) -> pd.DataFrame:
    """Every committed reproduction, one row per machine × setting: the machine (CPU and
    ISA), its date, KS D, p and verdict against the reference, bit identity, and the same
    against the authors' code."""
    rows = []
    for path in sorted(Path(folder, REPRODUCTIONS).glob("*.json")):
        found = json.loads(path.read_text())
        where = f"{found['machine'].get('cpu')} ({found['machine'].get('isa')})"
        for name, r in found["settings"].items():
            a = found.get("authors", {}).get(name, {})
            rows.append({
                "machine": where, "date": found["date"][:10], "setting": name,
                "vs the reference": ("bit-identical" if r["identical"] else
                                     f"D {r['ks_statistic']:.3f}, p {r['p']:.2g}: {r['verdict']}"),
                "vs the authors' code": (f"D {a['ks_statistic']:.3f}, p {a['p']:.2g}: "
                                         f"{a['verdict']}") if a else "—"})
    return pd.DataFrame(rows, columns=["machine", "date", "setting", "vs the reference",
                                       "vs the authors' code"])


__all__ = ["reproduction_table", "ALPHA", "THRESHOLD", "INDISTINGUISHABLE", "DIFFERENT", "MIN_MEMBERS", "MEMBERS",
           "SETTINGS", "Setting", "Result", "ReproduceError", "compare", "check_members",
           "first_generation_fitness", "record", "reproduce", "compare_with_authors",
           "read_sample", "write_sample", "machine_slug"]
