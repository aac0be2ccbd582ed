"""One run folder's files: their names, reading them, and the writer's lock.

A run folder (written by `lndp.train.train`) holds config.json, log.csv, checkpoint.pkl,
params.npz and, once finished, summary.json; the study adds caches beside them
(evaluation.csv, development.csv). Where run folders sit in a results tree is
`lndp.design.layout`'s business, not this module's. Every reader here fails with a
`RunFolderError` that names the file and the way out, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import os
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from lndp.config import Config

RUN_FILES = ("config.json", "log.csv", "checkpoint.pkl", "params.npz", "summary.json")
LOCK = ".lock"
#: caches the pipeline adds beside a run's own files
EVALUATION_CACHE, DEVELOPMENT_CACHE = "evaluation.csv", "development.csv"


class RunFolderError(RuntimeError):
    """The folder cannot be used as asked (finished run, config mismatch, damaged file,
    another writer); the message is one line naming the file and the way out."""


def damaged(path: Path, what: str, error: Exception) -> RunFolderError:
    return RunFolderError(f"{path}: unreadable {what} ({type(error).__name__}: "
                          f"{str(error).splitlines()[0] if str(error) else 'truncated?'}); "
                          "pass --overwrite to start this run again (nothing is deleted "
                          "without it)")


def is_finished(run: str | Path) -> bool:
    """summary.json is written last: its presence marks a finished run."""
    return (Path(run) / "summary.json").exists()


def read_summary(run: str | Path) -> dict:
    path = Path(run) / "summary.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise damaged(path, "summary", error) from None


def read_log(run: str | Path) -> list[dict[str, str]]:
    """The rows of log.csv (strings, as written), [] if there is none; a row cut short
    (a writer killed mid-line) is an error."""
    path = Path(run) / "log.csv"
    if not path.exists():
        return []
    try:
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, csv.Error, UnicodeDecodeError) as error:
        raise damaged(path, "log", error) from None
    if any(None in row.values() or None in row for row in rows):
        raise damaged(path, "log", ValueError("a row has the wrong number of fields"))
    return rows


def log_mean(run: str | Path, column: str, last: int = 10, first: bool = False) -> float:
    """The mean of a log column over the last `last` generations (first=True: over the
    first `last`, where training started)."""
    rows = read_log(run)
    rows = rows[:last] if first else rows[-last:]
    return float(np.mean([float(r[column]) for r in rows]))


def load_config(run: str | Path) -> Config:
    """The run's Config (configs written by older code are read tolerantly by
    `Config.from_dict`)."""
    path = Path(run) / "config.json"
    try:
        return Config.from_dict(json.loads(path.read_text()))
    except FileNotFoundError:
        raise RunFolderError(f"{path}: no such file; {Path(run)} holds no run") from None
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise damaged(path, "config", error) from None


def load_params(run: str | Path, which: str = "best") -> np.ndarray:
    """A trained parameter vector: the 'best' member ever or the ES 'mean'."""
    if which not in ("best", "mean"):
        raise ValueError(f"which: must be 'best' or 'mean', got {which!r}")
    path = Path(run) / "params.npz"
    try:
        with np.load(path) as data:
            return data[which]
    except FileNotFoundError:
        raise RunFolderError(f"{path}: no such file; the run has not saved parameters "
                             "yet") from None
    except (OSError, ValueError, KeyError) as error:
        raise damaged(path, "parameters", error) from None


def read_evaluation(run: str | Path) -> pd.DataFrame | None:
    """The run's evaluation.csv (one row per evaluation lifetime × episode) or None."""
    path = Path(run) / EVALUATION_CACHE
    return pd.read_csv(path) if path.exists() else None


def read_development(run: str | Path) -> pd.DataFrame | None:
    """The run's recorded lifetimes (development.csv: one row per recorded step of every
    lifetime recorded so far; `lndp.pipeline.lifetimes.lifetime_traces`) or None."""
    path = Path(run) / DEVELOPMENT_CACHE
    return pd.read_csv(path) if path.exists() else None


@contextlib.contextmanager
def writer_lock(out: str | Path) -> Iterator[None]:
    """Hold the run folder's lock while this process writes it. A second writer fails at
    once with a one-line error. The lock is an flock, which dies with its process, so a
    lock left by a killed writer (kill -9) is stale and taken over silently."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunFolderError(f"{out}: another process ({holder}) is training into this "
                                 "folder; wait for it to end or choose another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


__all__ = ["RUN_FILES", "RunFolderError", "is_finished", "read_summary", "read_log",
           "log_mean", "load_config", "load_params", "read_evaluation", "read_development",
           "writer_lock", "EVALUATION_CACHE", "DEVELOPMENT_CACHE"]
