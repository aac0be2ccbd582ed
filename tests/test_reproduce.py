"""First-generation fitness: recorded, reproduced bit for bit here, and judged by a rule
that can go either way; the committed references and reproductions are well formed."""

from __future__ import annotations

import importlib
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from lndp.__main__ import main
from lndp.design.layout import project_root
from lndp.pipeline import reproduce as reproduction
from lndp.pipeline.reproduce import (DIFFERENT, INDISTINGUISHABLE, SETTINGS, THRESHOLD,
                                     Setting, compare, read_sample, write_sample)

#: a smoke-sized setting (8 members a generation at smoke, one 50-step episode)
SMOKE = (Setting("smoke_cartpole", "structural_plasticity", "cartpole",
                 "sp_mu0.5_sigma0.1", scale="smoke"),)
MEMBERS = 32
COMMITTED = project_root() / "results" / "reproduction"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reproduction")
    reproduction.record(folder, MEMBERS, settings=SMOKE)
    return folder


def test_record_then_reproduce_here_is_bit_identical_and_indistinguishable(recorded):
    (result,) = reproduction.reproduce(recorded, MEMBERS, settings=SMOKE)
    assert result.identical and result.verdict == INDISTINGUISHABLE
    assert (result.statistic, result.pvalue) == (0.0, 1.0)
    assert "bit-identical" in result.line() and result.line().startswith("smoke_cartpole: ")
    written = json.loads(next((recorded / "reproductions").glob("*.json")).read_text())
    assert written["settings"]["smoke_cartpole"]["verdict"] == INDISTINGUISHABLE
    assert written["settings"]["smoke_cartpole"]["n"] == MEMBERS
    assert written["machine"]["cpu"] and written["date"] and written["authors"] == {}
    meta = json.loads((recorded / "first_generation" / "machine.json").read_text())
    assert meta["members"] == MEMBERS and meta["code_hash"] and meta["machine"]["isa"]


def shifted_copy(recorded: Path, tmp_path: Path, shift: float) -> Path:
    folder = tmp_path / "shifted"
    shutil.copytree(recorded / "first_generation", folder / "first_generation")
    path = folder / "first_generation" / "smoke_cartpole.csv"
    write_sample(path, read_sample(path) + shift)
    return folder


def test_a_shifted_reference_is_different(recorded, tmp_path, monkeypatch):
    sample = read_sample(recorded / "first_generation" / "smoke_cartpole.csv")
    monkeypatch.setattr(reproduction, "first_generation_fitness", lambda *a, **k: sample)
    (result,) = reproduction.reproduce(shifted_copy(recorded, tmp_path, 1000.0), MEMBERS,
                                       settings=SMOKE)
    assert result.verdict == DIFFERENT and not result.identical and result.pvalue < THRESHOLD


def test_the_rule_goes_either_way():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=256), rng.normal(size=256)
    assert compare("x", a, b).verdict == INDISTINGUISHABLE and not compare("x", a, b).identical
    assert compare("x", a, b + 1.0).verdict == DIFFERENT
    assert compare("x", a, a.copy()).identical
    assert THRESHOLD == pytest.approx(0.05 / 8)


def test_the_cli_prints_a_line_per_setting_and_exits_1_when_one_is_different(
        recorded, tmp_path, monkeypatch, capsys):
    sample = read_sample(recorded / "first_generation" / "smoke_cartpole.csv")
    monkeypatch.setattr(reproduction, "first_generation_fitness", lambda *a, **k: sample)
    monkeypatch.setattr(reproduction, "SETTINGS", SMOKE)
    args = ["reproduce", "--members", str(MEMBERS), "--folder"]
    assert main(args + [str(recorded)]) == 0
    assert "smoke_cartpole: indistinguishable (KS D = 0.000, p = 1; bit-identical)" in \
        capsys.readouterr().out
    assert main(args + [str(shifted_copy(recorded, tmp_path, 1000.0))]) == 1
    assert "smoke_cartpole: DIFFERENT" in capsys.readouterr().out


@pytest.mark.parametrize("argv, says", [
    (["--members", "3"], "--members"),
    ([], "no references"),
    (["--record"], "already holds references"),
])
def test_the_cli_refuses_bad_input_in_one_line(argv, says, recorded, tmp_path, capsys):
    folder = recorded if "--record" in argv else tmp_path / "nothing"
    assert main(["reproduce", "--folder", str(folder), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and err.count("\n") == 1


def test_the_committed_references_hold_256_members_of_every_setting():
    folder = COMMITTED / "first_generation"
    meta = json.loads((folder / "machine.json").read_text())
    assert meta["members"] == 256 and set(meta["settings"]) == {s.name for s in SETTINGS}
    assert meta["machine"]["cpu"] and meta["code_hash"] and meta["date"]
    for setting in SETTINGS:
        sample = read_sample(folder / f"{setting.name}.csv")
        assert sample.shape == (256,) and np.isfinite(sample).all()
        assert meta["settings"][setting.name] == setting.record()


def test_the_committed_reproductions_are_well_formed():
    found = sorted((COMMITTED / "reproductions").glob("*.json"))
    assert found, "no committed reproduction"
    for path in found:
        record = json.loads(path.read_text())
        assert path.stem == reproduction.machine_slug(record["machine"])
        assert record["date"] and record["threshold"] == THRESHOLD
        assert set(record["settings"]) == {s.name for s in SETTINGS}
        for part in ("settings", "authors"):
            for result in record[part].values():
                assert set(result) >= {"n", "ks_statistic", "p", "identical", "verdict"}
                assert 0 <= result["ks_statistic"] <= 1 and 0 <= result["p"] <= 1
                assert result["verdict"] == (INDISTINGUISHABLE if result["p"] >= THRESHOLD
                                             else DIFFERENT)
        assert set(record["authors"]) == {s.name for s in SETTINGS}
        assert not any(r["identical"] for r in record["authors"].values())


def _authors_tool():
    path = project_root() / "tools" / "record_first_generation_authors.py"
    spec = importlib.util.spec_from_file_location("record_first_generation_authors", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_authors_samples_were_made_with_what_the_settings_ask_now(monkeypatch):
    """The authors' tool maps each setting's config onto their Config; the committed
    authors' samples must have been made with that mapping of today's configs."""
    monkeypatch.syspath_prepend(str(project_root() / "tools"))
    tool = _authors_tool()
    THEIR_FIXED_MODEL = importlib.import_module("train_authors").THEIR_FIXED_MODEL

    meta = json.loads((COMMITTED / "authors_first_generation" / "machine.json").read_text())
    assert meta["members"] == 256
    for setting in SETTINGS:
        passed = tool.their_config(json.loads(setting.config().to_json()), THEIR_FIXED_MODEL)
        assert meta["settings"][setting.name]["config_passed"] == passed
        sample = read_sample(COMMITTED / "authors_first_generation" / f"{setting.name}.csv")
        assert sample.shape == (256,) and np.isfinite(sample).all()
    assert len(reproduction.compare_with_authors(COMMITTED)) == len(SETTINGS)
