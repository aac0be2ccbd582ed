#!/usr/bin/env python
"""Ratios of the authors' generation time to ours, from one side-by-side session's files.

    python tools/side_by_side.py benchmarks/side-by-side/2026-12-01

reads, in that folder, every `authors*.json` (tools/bench_authors.py) and `lndp-*.json`
(`python -m lndp bench`), and writes `ratios.json`: per task and per file of ours, the
authors' seconds per generation (their jitted train_step: evaluation and their CMA-ES),
ours (evaluation + our CMA-ES with the eigendecomposition every generation, as theirs,
and every 10, as the `cpu` presets), and their ratio. Both sides count full-length
lifetimes (theirs always scans every step; ours ignores termination in `bench`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: The authors' environment names (tools/bench_authors.py --runs) for our task names.
AUTHORS_NAMES = {"cartpole": "CartPole-v1", "acrobot": "Acrobot-v1",
                 "pendulum": "Pendulum-v1", "foraging": "Grid"}


def generation_seconds(result: dict, eigen_every: int) -> float:
    """One `lndp bench` result's seconds per generation: evaluation plus our CMA-ES with
    the eigendecomposition every `eigen_every` generations (bench measures 1 and 10)."""
    es = result["es_seconds_per_generation"].get(f"CMA_ES/eigen_every={eigen_every}")
    if es is None:
        raise ValueError(f"eigen_every: bench measured 1 and 10, not {eigen_every}")
    return result["eval_seconds_per_generation"] + es


def ratios(folder: Path) -> dict:
    authors = [json.loads(f.read_text()) for f in sorted(folder.glob("authors*.json"))]
    theirs = {(r["env_name"], r["popsize"]): r["mean_seconds_per_generation"]
              for measured in authors for r in measured["runs"]}
    rows = []
    for file in sorted(folder.glob("lndp-*.json")):
        ours = json.loads(file.read_text())
        for r in ours["results"]:
            their_seconds = theirs.get((AUTHORS_NAMES[r["task"]], r["popsize"]))
            row = {"ours": file.stem, "task": r["task"], "popsize": r["popsize"],
                   "theirs_seconds": their_seconds,
                   "ours_eval_seconds": r["eval_seconds_per_generation"]}
            for label, eigen_every in (("full_cma_es", 1), ("lazy_cma_es", 10)):
                seconds = generation_seconds(r, eigen_every)
                row[f"ours_seconds_{label}"] = seconds
                row[f"ratio_{label}"] = None if their_seconds is None else their_seconds / seconds
            rows.append(row)
    return {"what": "the authors' seconds per generation over ours, measured one after the "
                    "other in one session on one machine (tools/side_by_side.py)",
            "machine": json.loads((folder / "lndp-after.json").read_text())["machine"]
            if (folder / "lndp-after.json").exists() else None,
            "authors_versions": authors[0].get("versions") if authors else None,
            "rows": rows}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python tools/side_by_side.py FOLDER (with authors*.json and lndp-*.json)")
        return 2
    folder = Path(argv[0])
    out = ratios(folder)
    (folder / "ratios.json").write_text(json.dumps(out, indent=1) + "\n")
    for r in out["rows"]:
        full, lazy = r["ratio_full_cma_es"], r["ratio_lazy_cma_es"]
        print(f"{r['ours']:12s} {r['task']:9s} pop {r['popsize']:3d}: theirs "
              f"{r['theirs_seconds'] or float('nan'):6.2f} s, ours "
              f"{r['ours_seconds_full_cma_es']:5.2f} s ({full or float('nan'):4.1f}x), lazy ES "
              f"{r['ours_seconds_lazy_cma_es']:5.2f} s ({lazy or float('nan'):4.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
