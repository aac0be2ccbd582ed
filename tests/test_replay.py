"""A run made by other code counts as this code's only when this code replays it exactly."""

import csv
import json

from lndp.config import preset
from lndp.design import layout
from lndp.pipeline import replay
from lndp.train import train


def _tamper(path, column, value):
    rows = list(csv.DictReader(path.open()))
    rows[0][column] = value
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_replay_accepts_identical_runs_and_rejects_others(tmp_path):
    results = tmp_path / "results"
    config = preset("foraging", "smoke", **{"train.generations": 3, "train.popsize": 4})
    same = results / "structural_plasticity" / "foraging" / "sp_mu0.5_sigma0.1" / "seed0"
    other = same.parent / "seed1"
    train(config, same, progress=False)
    train(config.replace(**{"train.seed": 1}), other, progress=False)
    for folder in (same, other):  # as if another code version had made both
        summary = json.loads((folder / "summary.json").read_text())
        summary["code_hash"] = "0" * 12
        (folder / "summary.json").write_text(json.dumps(summary))
        assert layout.made_by_this_code(folder) is False
    _tamper(same / "log.csv", "seconds", "99.0")  # timing is not compared
    _tamper(other / "log.csv", "fitness_mean", "123.0")  # a number that this code does not make
    outcome = dict(replay.replay_runs(results))
    assert outcome == {"structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed0": True,
                       "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed1": False}
    assert layout.made_by_this_code(same) is True and layout.made_by_this_code(other) is False
    assert not layout.replayed(same, code="f" * 12)  # recorded for this code's hash only
    assert dict(replay.replay_runs(results))[
        "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed0"] is None  # nothing to do


def test_a_run_made_on_another_kind_of_machine_is_not_replayed_bit_for_bit(tmp_path):
    """Bits depend on the CPU: replay compares exactly only where the recorded CPU kind
    and ISA are this machine's, and says so in one line elsewhere (nothing recorded)."""
    from lndp.provenance import machine

    results = tmp_path / "results"
    run = results / "structural_plasticity" / "foraging" / "sp_mu0.5_sigma0.1" / "seed0"
    train(preset("foraging", "smoke", **{"train.generations": 2, "train.popsize": 4}), run,
          progress=False)
    summary = json.loads((run / "summary.json").read_text())
    assert summary["machine"] == machine() and {"cpu", "isa", "devices", "versions"} <= \
        set(summary["machine"])
    assert {"jax", "jaxlib", "evosax", "gymnax"} <= set(summary["machine"]["versions"])
    assert replay.not_comparable(run) is None  # made here
    summary["code_hash"] = "0" * 12
    summary["machine"] = {**summary["machine"], "cpu": "AMD EPYC 7B13", "isa": "AVX2"}
    (run / "summary.json").write_text(json.dumps(summary))
    line = dict(replay.replay_runs(results))[
        "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed0"]
    assert line.startswith("recorded on AMD EPYC 7B13 (AVX2") and "statistically" in line
    assert not (results / layout.REPLAYS).exists() or not layout.replayed(run)
