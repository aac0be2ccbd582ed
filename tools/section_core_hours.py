#!/usr/bin/env python
"""Core-hours per plan section: as the runs took them, and as this code would take them.

    python tools/section_core_hours.py benchmarks/side-by-side/2026-12-01 [--scale cpu]

"Spent" is each finished distinct run's own `total_seconds` (`lndp.study.plan.compute_table`).
"With this code" scales each run by its task's generation time after / before, measured in
one session (`lndp-after.json` over `lndp-before.json` in FOLDER: full-length evaluation
plus the CMA-ES of the run's own `train.eigen_every`). It is an estimate, not a rerun: it
assumes a run's mix of episode lengths costs what full-length lifetimes cost, in
proportion. Runs of the corrected profile (flax parameter layout) are not scaled: their
computation did not change. Sections with no finished run are left out.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lndp.design.layout import finished_runs, resolve, run_dir
from lndp.runfolder import load_config
from lndp.study.plan import sections_of
from side_by_side import generation_seconds  # tools/, beside this script


def _seconds(bench: dict, task: str, eigen_every: int) -> float:
    row = next(r for r in bench["results"] if r["task"] == task and r["popsize"] == 64)
    return generation_seconds(row, eigen_every)


def table(folder: Path, scale: str) -> list[dict]:
    before = json.loads((folder / "lndp-before.json").read_text())
    after = json.loads((folder / "lndp-after.json").read_text())
    rows = []
    for name, section in sections_of(scale).items():
        runs_dir = resolve(section.get("results_dir", f"results/{name}"))
        done = finished_runs(runs_dir)
        done = done[~done["copy"].astype(bool)]
        if done.empty:
            continue
        spent = scaled = 0.0
        for run in done.itertuples():
            hours = run.minutes / 60
            config = load_config(run_dir(runs_dir, run.figure, run.task, run.condition,
                                         run.seed))
            ratio = 1.0
            if config.model.parameter_layout == "authors":
                k = config.train.eigen_every
                ratio = _seconds(after, run.task, k) / _seconds(before, run.task, k)
            spent, scaled = spent + hours, scaled + hours * ratio
        rows.append({"section": name, "runs": len(done), "core_hours_spent": round(spent, 2),
                     "core_hours_with_this_code": round(scaled, 2),
                     "ratio": round(spent / scaled, 2)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--scale", default="cpu")
    args = parser.parse_args()
    for name in ("lndp-before.json", "lndp-after.json"):
        if not (args.folder / name).exists():
            parser.error(f"folder: {args.folder} has no {name}")
    for row in table(args.folder, args.scale):
        print(f"{row['section']:16s} {row['runs']:4d} runs  {row['core_hours_spent']:6.2f} "
              f"core-hours spent → {row['core_hours_with_this_code']:6.2f} with this code "
              f"({row['ratio']:.2f}×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
