"""Damaged run folders, a second writer and bad parameters: one-line errors, nothing lost.

Each case goes through the command line's `main`, as a user meets it: exit code 2, one
line on stderr naming the file (or the parameter) and the way out, no traceback, and every
file already in the folder byte for byte as it was. (In-process: a subprocess per case
would spend most of the suite's time importing jax.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lndp.__main__ import main
from lndp.pipeline.figures import run_figure, seeds_of
from lndp.runfolder import RunFolderError, writer_lock

ARGS = ["train", "--task", "foraging", "--preset", "smoke", "--no-progress"]
TRAIN = [sys.executable, "-m", "lndp", *ARGS]


def _cli(capsys, *args: str) -> subprocess.CompletedProcess:
    """`python -m lndp train ARGS`, run in this process."""
    capsys.readouterr()
    code = main([*ARGS, *args])
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()
            and p.name != ".lock"}


def _one_line_error(result: subprocess.CompletedProcess, *names: str) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def unfinished(tmp_path_factory) -> Path:
    """A smoke run stopped after 2 of its 3 generations (checkpoint at generation 2)."""
    out = tmp_path_factory.mktemp("damage") / "run"
    assert main([*ARGS, "--out", str(out), "--stop-after", "2"]) == 0
    return out


def _copy(unfinished: Path, tmp_path: Path) -> Path:
    out = tmp_path / "run"
    out.mkdir()
    for name, data in _snapshot(unfinished).items():
        (out / name).write_bytes(data)
    return out


@pytest.mark.parametrize("damaged, how", [
    ("checkpoint.pkl", "truncate"), ("checkpoint.pkl", "garbage"),
    ("config.json", "truncate"), ("log.csv", "cut mid-line"), ("log.csv", "drop rows")])
def test_a_damaged_file_is_one_line_naming_it_and_nothing_is_lost(unfinished, tmp_path,
                                                                 capsys, damaged, how):
    out = _copy(unfinished, tmp_path)
    path = out / damaged
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(b"not a pickle")
    elif how == "cut mid-line":
        path.write_bytes(data[: data.rindex(b",")])  # the last row loses its last fields
    else:
        path.write_bytes(b"\n".join(data.split(b"\n")[:2]) + b"\n")  # header + 1 of 2 rows
    before = _snapshot(out)
    line = _one_line_error(_cli(capsys, "--out", str(out), "--resume"), damaged)
    assert "--overwrite" in line
    assert _snapshot(out) == before  # nothing deleted or rewritten
    # the way out the message names works
    assert _cli(capsys, "--out", str(out), "--overwrite").returncode == 0


def test_resuming_without_a_checkpoint_refuses_rather_than_overwrite_the_log(unfinished,
                                                                            tmp_path, capsys):
    out = _copy(unfinished, tmp_path)
    (out / "checkpoint.pkl").unlink()
    before = _snapshot(out)
    _one_line_error(_cli(capsys, "--out", str(out), "--resume"), "checkpoint.pkl")
    assert _snapshot(out) == before


def test_a_second_writer_is_refused_while_the_first_trains(tmp_path):
    out = tmp_path / "run"
    with writer_lock(out):  # this process is "the first writer"; another one asks
        result = subprocess.run([*TRAIN, "--out", str(out)], capture_output=True, text=True)
        line = _one_line_error(result, "another process")
        assert f"pid {os.getpid()}" in line
        with pytest.raises(RunFolderError, match="another process"):
            with writer_lock(out):
                pass
    assert not (out / "config.json").exists()  # the refused writer wrote nothing
    with writer_lock(out):  # released: the next writer gets it
        pass


def test_a_lock_left_by_kill_9_is_stale_and_the_resumed_run_equals_an_uninterrupted_one(
        tmp_path, capsys):
    long = ["--set", "train.generations=12", "--set", "train.checkpoint_every=2"]
    straight = tmp_path / "straight"
    assert _cli(capsys, "--out", str(straight), *long).returncode == 0
    killed = tmp_path / "killed"
    process = subprocess.Popen([*TRAIN, "--out", str(killed), *long], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and not (killed / "checkpoint.pkl").exists():
        time.sleep(0.2)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert (killed / ".lock").exists() and not (killed / "summary.json").exists()
    result = _cli(capsys, "--out", str(killed), "--resume", *long)
    assert result.returncode == 0, result.stderr
    strip = lambda folder: [line.rsplit(",", 1)[0] for line in  # noqa: E731 (drop seconds)
                            (folder / "log.csv").read_text().splitlines()]
    assert strip(killed) == strip(straight)


@pytest.mark.parametrize("seeds, message", [
    (-3, "seeds: the number of seeds must be ≥ 1, got -3"), (0, "seeds: the number"),
    ([1, -2], "seeds: a list of seeds must hold integers ≥ 0"), ("5", "seeds: a count"),
    (True, "seeds: a count")])
def test_a_bad_seeds_parameter_is_an_error_naming_it(seeds, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        seeds_of(seeds, "smoke")


@pytest.mark.parametrize("kwargs, message", [
    ({"scale": "huge"}, "scale: unknown scale 'huge'"),
    ({"seeds": -3}, "seeds: the number of seeds"),
    ({"only_tasks": ["chess"]}, "only_tasks: chess not in ndp_vs_lndp"),
    ({"only_conditions": ["sp_mu0.7_sigma0.1"]}, "only_conditions: sp_mu0.7_sigma0.1")])
def test_a_figure_notebooks_parameters_are_checked_before_any_run(tmp_path, kwargs, message):
    """What papermill injects into a figure notebook goes through `run_figure`, which
    checks every parameter first (the notebook's error names the parameter)."""
    arguments = {"figure": "ndp_vs_lndp", "scale": "smoke", "results_dir": tmp_path,
                 "verbose": False, "train_missing": False, **kwargs}
    with pytest.raises(ValueError, match=message):
        run_figure(**arguments)
    assert not any(tmp_path.iterdir())
