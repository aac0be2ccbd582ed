"""The notebooks' Colab cell: what it would run on a GPU and on a CPU runtime."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from lndp import colab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture
def fake_colab(monkeypatch, tmp_path):
    """A Colab runtime: a `google.colab` module and a clone of this repository."""
    google = types.ModuleType("google")
    google.colab = types.ModuleType("google.colab")
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", google.colab)
    monkeypatch.chdir(tmp_path)  # setup() enters the clone's notebooks/
    clone = tmp_path / "lndp"
    (clone / "notebooks").mkdir(parents=True)
    (clone / "constraints.txt").write_text((ROOT / "constraints.txt").read_text())
    monkeypatch.setattr(sys, "path", list(sys.path))
    return clone


def _pinned_jax() -> str:
    line = next(x for x in (ROOT / "constraints.txt").read_text().splitlines()
                if x.startswith("jax=="))
    return line.split("==")[1].strip()


@pytest.mark.parametrize("gpu", [True, False])
def test_setup_clones_installs_with_pins_and_the_cuda_plugin_only_on_gpu(fake_colab, gpu):
    ran = []
    done = colab.setup(fake_colab, gpu=gpu, run=ran.append, report=False)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "-c", "constraints.txt"]
    clone = ["git", "clone", "--quiet", "--depth", "1", "--branch", colab.BRANCH,
             colab.REPOSITORY, str(fake_colab)]
    expected = [clone, [*pip, "-e", "."]]
    if gpu:
        expected.append([*pip, f"jax[cuda12]=={_pinned_jax()}"])
    assert ran == expected == done
    assert Path.cwd() == fake_colab / "notebooks"  # the committed results/ are found
    assert sys.path[0] == str(fake_colab)


def test_setup_does_not_clone_twice(fake_colab):
    (fake_colab / ".git").mkdir()
    ran = []
    colab.setup(fake_colab, gpu=False, run=ran.append, report=False)
    assert [c[0] for c in ran] == [sys.executable]


def test_setup_does_nothing_off_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    ran = []
    assert colab.setup("/nonexistent", gpu=True, run=ran.append) == [] and ran == []


def test_every_notebook_has_the_one_colab_cell():
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        assert colab.CELL in sources, f"{path.name}: its Colab cell differs from lndp.colab.CELL"
        assert sum("google.colab" in s for s in sources) == 1, path.name


def test_repository_is_written_once():
    """_config.yml (launch buttons, repository button) names the same repository and
    branch; nothing else in the book's sources spells the address out."""
    config = (ROOT / "_config.yml").read_text()
    assert f"url: {colab.REPOSITORY}\n" in config
    assert f"branch: {colab.BRANCH}\n" in config
    host = colab.REPOSITORY.split("//")[1]
    for path in [*(ROOT / "book").glob("*.md"), ROOT / "README.md"]:
        assert host not in path.read_text(), f"{path.name} spells out the repository address"
