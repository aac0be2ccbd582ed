"""Run folders: the results layout and everything read from a run folder.

The layout ``<results_dir>/<figure>/<task>/<condition>/seed<k>/`` is built by `run_dir`
and parsed by `list_runs`, and nowhere else. A run folder (written by `lndp.train.train`)
holds config.json, log.csv, checkpoint.pkl, params.npz, evaluation.csv (figures that
evaluate their runs) and, once finished, summary.json. This module only reads them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lndp.config import Config


class RunId(NamedTuple):
    """Where a run sits in the layout."""

    figure: str
    task: str
    condition: str
    seed: int
    path: Path


def run_dir(results_dir: str | Path, figure: str, task: str, condition: str,
            seed: int) -> Path:
    """The folder of one run."""
    return Path(results_dir) / figure / task / condition / f"seed{seed}"


def list_runs(results_dir: str | Path, figure: str = "*", task: str = "*",
              condition: str = "*", finished: bool = True,
              current_only: bool = False) -> list[RunId]:
    """The runs under results_dir matching the given parts (default: any), sorted by
    figure, task, condition and seed; only finished runs unless `finished=False`; only
    runs this code made (`made_by_this_code`) with `current_only`."""
    found = []
    for path in Path(results_dir).glob(f"{figure}/{task}/{condition}/seed*"):
        seed = path.name.removeprefix("seed")
        if not (path.is_dir() and seed.isdigit()) or (finished and not is_finished(path)):
            continue
        if current_only and not made_by_this_code(path):
            continue
        found.append(RunId(path.parents[2].name, path.parents[1].name, path.parent.name,
                           int(seed), path))
    return sorted(found, key=lambda r: (r.figure, r.task, r.condition, r.seed))


def finished_seeds(results_dir: str | Path, figure: str, task: str, condition: str,
                   current_only: bool = False) -> dict[int, Path]:
    """Seed → folder of the finished runs of one condition (`list_runs`)."""
    return {r.seed: r.path for r in list_runs(results_dir, figure, task, condition,
                                              current_only=current_only)}


def is_finished(run: str | Path) -> bool:
    """summary.json is written last: its presence marks a finished run."""
    return (Path(run) / "summary.json").exists()


def read_summary(run: str | Path) -> dict:
    path = Path(run) / "summary.json"
    return json.loads(path.read_text()) if path.exists() else {}


def read_log(run: str | Path) -> list[dict[str, str]]:
    """The rows of log.csv (strings, as written), [] if there is none."""
    path = Path(run) / "log.csv"
    if not path.exists():
        return []
    with path.open() as f:
        return list(csv.DictReader(f))


def log_mean(run: str | Path, column: str, last: int = 10, first: bool = False) -> float:
    """The mean of a log column over the last `last` generations (first=True: over the
    first `last`, where training started)."""
    rows = read_log(run)
    rows = rows[:last] if first else rows[-last:]
    return float(np.mean([float(r[column]) for r in rows]))


def load_config(run: str | Path) -> Config:
    """The run's Config (configs written by older code are read tolerantly by
    `Config.from_dict`)."""
    return Config.from_dict(json.loads((Path(run) / "config.json").read_text()))


def load_params(run: str | Path, which: str = "best") -> np.ndarray:
    """A trained parameter vector: the 'best' member ever or the ES 'mean'."""
    if which not in ("best", "mean"):
        raise ValueError(f"which: must be 'best' or 'mean', got {which!r}")
    with np.load(Path(run) / "params.npz") as data:
        return data[which]


def read_evaluation(run: str | Path):
    """The run's evaluation.csv (one row per evaluation lifetime × episode) or None."""
    import pandas as pd

    path = Path(run) / "evaluation.csv"
    return pd.read_csv(path) if path.exists() else None


#: the modules that decide what a run computes (not plotting, statistics or the CLI)
BEHAVIOUR_MODULES = ("config.py", "graph.py", "model.py", "rollout.py", "strategies.py",
                     "train.py", "envs/__init__.py", "envs/foraging.py")


def source_hash(names, digits: int) -> str:
    """sha256 (first `digits` hex digits) over files of the lndp package, each as its
    name, NUL, its bytes: the code hash of runs and the rules' hash of the plan."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    return digest.hexdigest()[:digits]


#: read once, when this module is imported with the rest of the package: a long run
#: records the code it runs, even if the files are edited while it trains
_LOADED = source_hash(BEHAVIOUR_MODULES, 12)


def code_hash() -> str:
    """A short hash of the source of the modules a run's numbers depend on, as they were
    when this process imported lndp."""
    return _LOADED


#: per results folder: which runs this code was shown to replay exactly (lndp.study.replay)
REPLAYS = "replays.json"


def replayed(run: str | Path, code: str | None = None) -> bool:
    """Whether the code with hash `code` (default: this code) reproduced the run's first
    generations exactly, as recorded in its results folder's replays.json."""
    run = Path(run)
    path = run.parents[3] / REPLAYS
    if not path.exists():
        return False
    name = "/".join(run.parts[-4:])
    entry = json.loads(path.read_text()).get(code or code_hash(), {}).get(name, {})
    return bool(entry.get("identical"))


def made_by_this_code(run: str | Path) -> bool | None:
    """Whether a finished run is this code's: its recorded code hash is this code's, or
    this code replayed its first generations exactly (`replayed`). None: no hash was
    recorded (runs from before hashes were kept)."""
    recorded = read_summary(run).get("code_hash")
    if recorded is None:
        return None
    return recorded == code_hash() or replayed(run)


def model_version(run: str | Path) -> int:
    """The model version (lndp.model.MODEL_VERSION) that made a finished run; runs from
    before versions were recorded are version 1 (now the `corrected` profile)."""
    return int(read_summary(run).get("model_version", 1))


def finished_runs(results_dir: str | Path):
    """One row per finished run: figure, task, condition, seed, generations, minutes of
    training, the model version that made it, whether this code made it (None: not
    recorded), and whether it is a copy (the same config as a run listed before it: two
    figures share the run, it was trained once and its minutes count once)."""
    import pandas as pd

    rows, seen = [], set()
    for run in list_runs(results_dir):
        summary = read_summary(run.path)
        file = run.path / "config.json"
        config = file.read_text() if file.exists() else None
        rows.append({"figure": run.figure, "task": run.task, "condition": run.condition,
                     "seed": run.seed, "generations": summary.get("generations"),
                     "minutes": summary.get("total_seconds", float("nan")) / 60,
                     "model_version": model_version(run.path),
                     "this_code": made_by_this_code(run.path),
                     "copy": config is not None and config in seen})
        seen.add(config)
    return pd.DataFrame(rows, columns=["figure", "task", "condition", "seed", "generations",
                                       "minutes", "model_version", "this_code", "copy"])


__all__ = ["RunId", "run_dir", "list_runs", "finished_seeds", "is_finished", "read_summary",
           "model_version",
           "read_log", "log_mean", "load_config", "load_params", "read_evaluation",
           "BEHAVIOUR_MODULES", "source_hash", "code_hash", "REPLAYS", "replayed", "made_by_this_code", "finished_runs"]
