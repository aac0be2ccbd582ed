"""Is a finished run still this code's? Replay its first generations and compare.

A run records the hash of the code that made it (`lndp.provenance.code_hash`). Any edit
of a behaviour module changes that hash, also one that leaves every number the same (a
speed-up, a new preset). Rather than retrain, `replay_runs` re-trains the first
`generations` of each run whose hash differs with the code in force and compares the
logged numbers exactly (every column but the seconds); the outcome is kept per code hash
in the results folder's replays.json, which `lndp.design.layout.made_by_this_code` reads. A run that
does not replay identically stays "made by other code" and is left out of the book,
unless its code and this code were declared equivalent by the registered check
(`lndp.pipeline.equivalence`), which is how a rounding-only change keeps the committed runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Iterator

from lndp.design.layout import EXACT_REPLAY, REPLAYS, THIS_CODE, counted_as, list_runs, run_name
from lndp.provenance import code_hash, machine, same_machine_kind
from lndp.runfolder import load_config, read_log, read_summary
from lndp.train import train

#: generations replayed: the first draws the initial population, the second follows the
#: first update of the search distribution, so both the model and the ES are exercised
GENERATIONS = 2
#: log columns that hold measurements of the machine, not of the run
TIMING_COLUMNS = ("seconds",)


def replays_identically(run: str | Path, generations: int = GENERATIONS) -> bool:
    """Train the run's config again for `generations` generations in a scratch folder
    with this code; True if every logged number equals the run's own log. A run trained
    in a batch (`lndp.batch`) is replayed alone: its first two generations are bit for
    bit a lone run's (tests/test_batch.py)."""
    recorded = read_log(run)[:generations]
    config = load_config(run).replace(**{"train.generations": generations})
    with tempfile.TemporaryDirectory() as scratch:
        train(config, Path(scratch) / "replay", progress=False)
        rows = read_log(Path(scratch) / "replay")
    strip = lambda rows: [{k: v for k, v in r.items() if k not in TIMING_COLUMNS}
                          for r in rows]
    return len(recorded) == generations and strip(rows) == strip(recorded)


def not_comparable(run: str | Path, here: dict | None = None) -> str | None:
    """Why a run cannot be replayed bit for bit on this machine (one line), or None when
    it can be tried: it records the machine it was made on (runs from before 2026-12-01
    do not, and are tried) and that is another CPU kind or ISA. Bits depend on the CPU,
    not on the code alone; across machines reproduction is statistical."""
    recorded = read_summary(run).get("machine")
    if not recorded or same_machine_kind(recorded, here):
        return None
    return (f"recorded on {recorded.get('cpu')} ({recorded.get('isa')}, jax "
            f"{recorded.get('versions', {}).get('jax')}); exact replay needs that CPU kind "
            "and ISA: compare it statistically instead")


def _record_outcome(results_dir: Path, name: str, entry: dict) -> None:
    """Add one outcome to replays.json under this code's hash: read, merge and written
    under a lock, so that several replays of one folder (e.g. one from each end) keep
    each other's outcomes."""
    path = results_dir / REPLAYS
    with open(results_dir / f".{REPLAYS}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = json.loads(path.read_text()) if path.exists() else {}
        record.setdefault(code_hash(), {})[name] = entry
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, path)


def replay_runs(results_dir: str | Path, generations: int = GENERATIONS,
                reverse: bool = False) -> Iterator[tuple[str, bool | str | None]]:
    """Replay every finished run under results_dir that another code made and record
    the outcome under this code's hash in replays.json; yields (run, identical), with
    None for runs already this code's (nothing to do) and, for a run made on another
    kind of machine, the one line `not_comparable` says (nothing recorded). `reverse`:
    from the last run back, so that a second process can work from the other end."""
    results_dir = Path(results_dir)
    here = machine()
    found = list_runs(results_dir)
    for run in reversed(found) if reverse else found:
        name = run_name(*run[:4])
        # read afresh (another replay's outcomes too); a run that counts only through the
        # equivalence of its code is still replayed exactly where the CPU kind allows
        if counted_as(run.path) in (None, THIS_CODE, EXACT_REPLAY):
            yield name, None
            continue
        reason = not_comparable(run.path, here)
        if reason:
            yield name, reason
            continue
        identical = replays_identically(run.path, generations)
        _record_outcome(results_dir, name, {
            "identical": identical, "generations": generations,
            "made_by": read_summary(run.path).get("code_hash")})
        yield name, identical


__all__ = ["GENERATIONS", "TIMING_COLUMNS", "replays_identically", "not_comparable",
           "replay_runs"]
