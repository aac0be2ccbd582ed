"""Declare a code version equivalent to the anchor: the registered check for
rounding-only changes (results/PLAN.md, "Which runs count after a rounding-only change",
2026-12-01 12:47 UTC).

A change that only reorders float32 arithmetic gives every committed run other low-order
bits, so no committed run replays exactly. Such a code version still computes the same
model if

1. the fixture tests against the authors' code pass at their tolerances
   (`FIXTURE_TESTS`, run with this interpreter; their xfails stay xfails), and
2. the first-generation oracle agrees: in each of the 8 settings of
   `lndp.pipeline.reproduce`, the fitness of 256 iid N(0, I) parameter vectors is
   indistinguishable from the committed reference distribution (two-sample KS,
   p ≥ 0.05 / 8).

`check` runs both here and records the outcome, either way, under this code's hash in
``results/equivalence.json``; `lndp.design.layout.counted_as` reads it. The anchor is the
code that recorded the references (their machine.json).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from lndp.design.layout import EQUIVALENCE, equivalent_codes, project_root
from lndp.pipeline import reproduce as oracle
from lndp.provenance import code_hash, machine

EQUIVALENT, NOT_EQUIVALENT = "equivalent", "not equivalent"
#: the fixture tests of the check (recorded from the authors' code)
FIXTURE_TESTS = ("tests/test_reference.py", "tests/test_strategies_reference.py")
RULE = ("equivalent when the fixture tests pass and every one of the 8 first-generation "
        f"settings is indistinguishable from the reference (KS over {oracle.MEMBERS} members, "
        f"p >= {oracle.ALPHA} / {oracle.N_SETTINGS}); results/PLAN.md, 2026-12-01 12:47 UTC")


class EquivalenceError(ValueError):
    """Why the check cannot run (a one-line message)."""


def registry_path() -> Path:
    return project_root() / "results" / EQUIVALENCE


def run_fixture_tests(root: Path | None = None) -> dict:
    """The fixture tests in a fresh interpreter: {command, passed, summary} (summary: the
    last line pytest prints, e.g. '41 passed, 2 xfailed in 300s')."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *FIXTURE_TESTS]
    done = subprocess.run(command, cwd=root or project_root(), capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {"command": " ".join(["python", *command[1:]]), "passed": done.returncode == 0,
            "summary": lines[-1].strip("= ") if lines else done.stderr.strip()[-200:]}


def _record(entry: dict, anchor: dict, path: Path) -> None:
    """Merge one outcome into the registry under a lock (another check keeps its own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = json.loads(path.read_text()) if path.exists() else {}
        found.setdefault("rule", RULE)
        found.setdefault("anchor", anchor)
        found.setdefault("checks", {})[code_hash()] = entry
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, path)


def check(folder: str | Path, progress: Callable[[str], None] | None = None,
          path: str | Path | None = None, tests: Callable[[], dict] = run_fixture_tests
          ) -> dict:
    """Run the check for this code (fixture tests, then the 8-setting oracle against the
    references in `folder`) and record it in `path` (default results/equivalence.json);
    returns the recorded entry, whose `verdict` is EQUIVALENT or NOT_EQUIVALENT."""
    folder, path = Path(folder), Path(path or registry_path())
    reference = folder / oracle.REFERENCES / oracle.MACHINE_FILE
    if not reference.is_file():
        raise EquivalenceError(f"--folder: no first-generation references in "
                               f"{reference.parent}; record them with `python -m lndp "
                               "reproduce --record`")
    anchor_code = json.loads(reference.read_text())["code_hash"]
    if code_hash() == anchor_code:
        raise EquivalenceError(f"this code ({code_hash()}) is the anchor: it recorded the "
                               "references; there is nothing to declare")
    say = progress or (lambda line: None)
    say(f"fixture tests ({', '.join(FIXTURE_TESTS)}) ...")
    fixtures = tests()
    say(f"fixture tests: {'passed' if fixtures['passed'] else 'FAILED'} ({fixtures['summary']})")
    results = oracle.reproduce(folder, oracle.MEMBERS, progress=lambda r: say(r.line()))
    settings = {r.setting: r.record() for r in results if r.against != "authors"}
    agree = len(settings) == oracle.N_SETTINGS and all(
        r["verdict"] == oracle.INDISTINGUISHABLE for r in settings.values())
    entry = {"verdict": EQUIVALENT if fixtures["passed"] and agree else NOT_EQUIVALENT,
             "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             "machine": machine(), "fixture_tests": fixtures, "first_generation": settings,
             "anchor": anchor_code}
    _record(entry, {"code_hash": anchor_code, "what": "recorded the first-generation "
                    f"references ({oracle.REFERENCES}/{oracle.MACHINE_FILE})"}, path)
    say(f"{code_hash()}: {entry['verdict']} to the anchor {anchor_code} "
        f"(equivalent codes now: {', '.join(sorted(equivalent_codes(path)))})")
    return entry


__all__ = ["EQUIVALENT", "NOT_EQUIVALENT", "FIXTURE_TESTS", "RULE", "EquivalenceError",
           "registry_path", "run_fixture_tests", "check"]
