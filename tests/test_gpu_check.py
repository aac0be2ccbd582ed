"""The one GPU command, at smoke size on the CPU: it benches, trains 5 seeds of Foraging as
one program for as long as its budget allows, leaves resumable run folders, and reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lndp.runfolder import read_log

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_gpu_check_trains_five_seeds_in_one_program_within_its_budget(tmp_path):
    budget = 90  # the bench gets a third: a CI machine finishes it at smoke size
    env = {**os.environ, "PYTHON": sys.executable}
    env.pop("OUT", None)
    done = subprocess.run([str(ROOT / "tools" / "gpu_check.sh"), "--scale", "smoke",
                           "--out", str(tmp_path), "--budget-s", str(budget),
                           "--bench-popsize", "8", "--probe", "2"],
                          env=env, capture_output=True, text=True, timeout=3 * budget)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = json.loads((tmp_path / "gpu_check.json").read_text())
    assert report["total_seconds"] <= budget * 1.25  # compile times make it approximate
    assert report["seeds"] == [0, 1, 2, 3, 4] and report["generations_this_check"] >= 2
    runs = sorted((tmp_path / "runs").glob("structural_plasticity/foraging/*/seed*"))
    assert len(runs) == 5
    logs = [read_log(run) for run in runs]
    assert {len(log) for log in logs} == {report["generations_in_all"]}
    assert len({log[0]["fitness_mean"] for log in logs}) > 1  # five different seeds
    assert all((run / "checkpoint.pkl").exists() for run in runs)  # a later check goes on
    assert "run-generations per second" in done.stdout
