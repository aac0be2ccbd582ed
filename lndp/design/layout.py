"""Where things live on disk: the project root, each scale's folders, and the run layout

    <results_dir>/<figure>/<task>/<condition>/seed<k>/

built by `run_dir` and parsed by `list_runs` and `locate`, and nowhere else; and whether a
run folder is this code's (its code hash, or an exact replay recorded in its results
folder's replays.json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from lndp.config import scale_record
from lndp.provenance import code_hash
from lndp.runfolder import is_finished, read_summary

#: per results folder: which runs this code was shown to replay exactly (pipeline.replay)
REPLAYS = "replays.json"
#: in results/: code versions declared equivalent by the registered check
#: (results/PLAN.md, 2026-12-01 12:47 UTC; written by lndp.pipeline.equivalence)
EQUIVALENCE = "equivalence.json"
#: why a run counts as this code's (`counted_as`)
THIS_CODE, EXACT_REPLAY, EQUIVALENT_CODE = "this code", "exact replay", "equivalent code"


def project_root(start: str | Path | None = None) -> Path:
    """The folder holding pyproject.toml above `start` (default: cwd), else cwd (Colab)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").exists() and (folder / "lndp").is_dir():
            return folder
    return here


def resolve(path: str | Path) -> Path:
    """A relative path is taken relative to the project root (notebooks run in notebooks/)."""
    path = Path(path)
    return path if path.is_absolute() else project_root() / path


def shown(path: str | Path) -> str:
    """A path as pages print it: relative to the project root when inside it, else its
    name (never the building machine's absolute paths)."""
    path, root = Path(path), project_root()
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name


def results_folder(scale: str, results_dir: str | Path | None = None) -> Path:
    """The run folders: `results_dir` if given, else the scale's own."""
    return resolve(scale_record(scale).results_dir if results_dir is None else results_dir)


def figures_folder(scale: str) -> Path:
    """Where a scale's figures go (figures/<scale>/; smoke figures stay in _build/)."""
    return resolve(scale_record(scale).figures_dir)


def current_only(scale: str) -> bool:
    """Whether a scale's pages show only runs this code made (all but archived scales)."""
    return not scale_record(scale).archived


class RunId(NamedTuple):
    """Where a run sits in the layout."""

    figure: str
    task: str
    condition: str
    seed: int
    path: Path


def run_name(figure: str, task: str, condition: str, seed: int) -> str:
    """A run's path inside its results folder, '<figure>/<task>/<condition>/seed<k>'."""
    return f"{figure}/{task}/{condition}/seed{seed}"


def run_dir(results_dir: str | Path, figure: str, task: str, condition: str,
            seed: int) -> Path:
    """The folder of one run."""
    return Path(results_dir) / run_name(figure, task, condition, seed)


def locate(run: str | Path) -> tuple[Path, RunId]:
    """(results folder, RunId) of a run folder, parsed from its path."""
    path = Path(run)
    seed = path.name.removeprefix("seed")
    if not seed.isdigit() or len(path.parts) < 5:
        raise ValueError(f"{path}: not a run folder of the layout "
                         "<results>/<figure>/<task>/<condition>/seed<k>")
    return path.parents[3], RunId(path.parents[2].name, path.parents[1].name,
                                  path.parent.name, int(seed), path)


def development_dir(results_dir: str | Path, figure: str, task: str) -> Path:
    """Where a figure's recorded lifetimes of a task are kept (`pipeline.lifetimes`)."""
    return Path(results_dir) / figure / task / "development"


def list_runs(results_dir: str | Path, figure: str = "*", task: str = "*",
              condition: str = "*", finished: bool = True,
              current_only: bool = False) -> list[RunId]:
    """The runs under results_dir matching the given parts (default: any), sorted by
    figure, task, condition and seed; only finished runs unless `finished=False`; only
    runs this code made (`made_by_this_code`) with `current_only`."""
    found = []
    for path in Path(results_dir).glob(f"{figure}/{task}/{condition}/seed*"):
        if not (path.is_dir() and path.name.removeprefix("seed").isdigit()):
            continue
        if (finished and not is_finished(path)) or (current_only and not made_by_this_code(path)):
            continue
        found.append(locate(path)[1])
    return sorted(found, key=lambda r: (r.figure, r.task, r.condition, r.seed))


def finished_seeds(results_dir: str | Path, figure: str, task: str, condition: str,
                   current_only: bool = False) -> dict[int, Path]:
    """Seed → folder of the finished runs of one condition (`list_runs`)."""
    return {r.seed: r.path for r in list_runs(results_dir, figure, task, condition,
                                              current_only=current_only)}


def replayed(run: str | Path, code: str | None = None) -> bool:
    """Whether the code with hash `code` (default: this code) reproduced the run's first
    generations exactly, as recorded in its results folder's replays.json (False for a
    folder outside the results layout: no results folder records it)."""
    try:
        results_dir, found = locate(run)
    except ValueError:
        return False
    path = results_dir / REPLAYS
    if not path.exists():
        return False
    name = run_name(*found[:4])
    entry = json.loads(path.read_text()).get(code or code_hash(), {}).get(name, {})
    return bool(entry.get("identical"))


def equivalent_codes(path: str | Path | None = None) -> frozenset[str]:
    """The code hashes the registered check puts on one footing (results/equivalence.json:
    the anchor, which recorded the first-generation references, and every code version
    whose check ended *equivalent*); empty without the file."""
    file = Path(path) if path else project_root() / "results" / EQUIVALENCE
    if not file.exists():
        return frozenset()
    found = json.loads(file.read_text())
    return frozenset([found["anchor"]["code_hash"],
                      *(code for code, check in found.get("checks", {}).items()
                        if check.get("verdict") == "equivalent")])


def counted_as(run: str | Path) -> str | None:
    """Why a finished run counts as this code's (results/PLAN.md, "Which runs count after
    a rounding-only change"): THIS_CODE (its recorded code hash), EXACT_REPLAY (this code
    replayed its first generations exactly, `replayed`) or EQUIVALENT_CODE (its code, or
    a code that replayed it exactly, and this code are both in `equivalent_codes`); '' if
    none holds; None if no hash was recorded (runs from before hashes were kept)."""
    recorded = read_summary(run).get("code_hash")
    if recorded is None:
        return None
    if recorded == code_hash():
        return THIS_CODE
    if replayed(run):
        return EXACT_REPLAY
    codes = equivalent_codes()
    if code_hash() in codes and (recorded in codes or any(replayed(run, c) for c in codes)):
        return EQUIVALENT_CODE
    return ""


def made_by_this_code(run: str | Path) -> bool | None:
    """Whether a finished run counts as this code's (`counted_as`: made by it, replayed
    exactly by it, or made by a code declared equivalent). None: no hash was recorded."""
    why = counted_as(run)
    return None if why is None else bool(why)


def model_version(run: str | Path) -> int:
    """The model version (lndp.model.MODEL_VERSION) that made a finished run; runs from
    before versions were recorded are version 1 (now the `corrected` profile)."""
    return int(read_summary(run).get("model_version", 1))


def finished_runs(results_dir: str | Path) -> pd.DataFrame:
    """One row per finished run: figure, task, condition, seed, generations, minutes of
    training, the model version that made it, whether it counts as this code's (None: not
    recorded) and why (`counted_as`), and whether it is a copy (the same config as a run listed before it: two
    figures share the run, it was trained once and its minutes count once)."""
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
                     "counted_as": counted_as(run.path),
                     "copy": config is not None and config in seen})
        seen.add(config)
    return pd.DataFrame(rows, columns=["figure", "task", "condition", "seed", "generations",
                                       "minutes", "model_version", "this_code", "counted_as",
                                       "copy"])


__all__ = ["REPLAYS", "EQUIVALENCE", "THIS_CODE", "EXACT_REPLAY", "EQUIVALENT_CODE",
           "equivalent_codes", "counted_as", "project_root", "resolve", "shown", "results_folder", "figures_folder",
           "current_only", "RunId", "run_name", "run_dir", "locate", "development_dir",
           "list_runs", "finished_seeds", "replayed", "made_by_this_code", "model_version",
           "finished_runs"]
