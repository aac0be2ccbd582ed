"""The authors'-code control: its registered rule can end each way, and reads only
finished runs of both codes."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import fake_run
from lndp.design.figures import figure_config
from lndp.study import control, tables

FIGURE, TASK, CONDITION = "structural_plasticity", "foraging", "sp_mu0.5_sigma0.1"


def _log(folder, level, best=270.0, generations=12):
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "log.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, ["generation", "fitness_mean", "best_so_far"])
        writer.writeheader()
        for g in range(1, generations + 1):
            writer.writerow({"generation": g, "fitness_mean": level, "best_so_far": best})


def _setup(tmp_path, ours, theirs, finished=None, planned=3):
    tmp_path.mkdir(parents=True, exist_ok=True)
    plan = {"controls": {control.CONTROL: {
        "results_dir": str(tmp_path / "authors"), "compare_with": "x",
        "runs": [{"figure": FIGURE, "task": TASK, "conditions": [CONDITION],
                  "seeds": list(range(planned)), "budget": {}}]}}}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    for seed, level in enumerate(ours):
        run = tmp_path / "ours" / FIGURE / TASK / CONDITION / f"seed{seed}"
        fake_run(run, figure_config(FIGURE, TASK, CONDITION, "cpu", seed))
        _log(run, level)
    for seed, level in enumerate(theirs):
        run = tmp_path / "authors" / FIGURE / TASK / CONDITION / f"seed{seed}"
        _log(run, level)
        done = finished is None or seed in finished
        (run / "meta.json").write_text(json.dumps({"finished": done}))
    return control.fidelity(tmp_path / "ours", results_dir=tmp_path, current_only=False)[0]


@pytest.mark.parametrize("ours, theirs, verdict", [
    # Foraging: floor = memoryless ceiling 79.5, best 270: range ≈ 190, margin ± 19
    ([100, 101, 99, 100, 102], [100.5, 99.5, 101], control.EQUIVALENT),
    ([100, 101, 99, 100, 102], [160, 161, 159], control.DIFFERENT),
    ([100, 140, 80, 120, 90], [100, 150, 70], control.INCONCLUSIVE)])
def test_the_fidelity_rule_can_end_each_way(tmp_path, ours, theirs, verdict):
    result = _setup(tmp_path, ours, theirs)
    assert result.verdict == verdict, (result.tost_p, result.difference)
    assert result.margin == pytest.approx(0.1 * (270 - 79.54), abs=0.05)
    assert tables.fidelity_table([result]).verdict[0] == verdict


def test_unfinished_runs_of_their_code_are_left_out_and_the_verdict_is_interim(tmp_path):
    result = _setup(tmp_path, [100, 101, 99], [100.5, 99.5, 300], finished={0, 1})
    assert sorted(result.theirs) == [0, 1]  # the unfinished seed 2 is not read
    assert result.verdict.startswith("interim (2 of 3 of their runs): ")
    assert _setup(tmp_path / "none", [100, 101], [], planned=2).verdict == \
        "not run yet (0 of 2 of their runs)"
