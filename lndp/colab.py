"""Set a Colab runtime up for the notebooks: this repository, its pins, and jax on the GPU.

The notebooks' Colab cell (`CELL`, the same text in every notebook; a test checks it)
clones this repository and runs this file, which on Colab

1. clones `REPOSITORY` (branch `BRANCH`) into `CLONE` unless it is already there,
2. installs the project with the pinned versions: ``pip install -c constraints.txt -e .``
   (Colab's own jax is replaced by the pinned one, so the notebooks run what the book ran),
3. on a GPU runtime installs the pinned jax with its CUDA plugin,
   ``jax[cuda12]==<pinned version>``, so that ``jax.devices()`` reports the GPU (a plain
   install brings a CPU-only jaxlib),
4. makes the clone's ``notebooks/`` folder the working directory (the committed runs in
   ``results/`` are then found as in the book) and the clone importable, and
5. prints the jax version and platform.

This file uses only the standard library until step 5, so it can run before anything is
installed (`python lndp/colab.py` or IPython's ``%run``). `REPOSITORY` is the one place the
repository's address is written; `_config.yml` is checked against it by a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

REPOSITORY = "https://github.com/lndp-replication/lndp"
BRANCH = "main"
CLONE = "/content/lndp"

CELL = f"""\
import sys

if "google.colab" in sys.modules:  # on Colab: this repository, its pins, jax on the GPU
    ![ -d {CLONE} ] || git clone --quiet --depth 1 --branch {BRANCH} {REPOSITORY} {CLONE}
    %run {CLONE}/lndp/colab.py"""


def on_colab() -> bool:
    return "google.colab" in sys.modules


def has_gpu() -> bool:
    """A CUDA GPU is attached (Colab's GPU runtimes have nvidia-smi and it succeeds)."""
    if shutil.which("nvidia-smi") is None:
        return False
    return subprocess.run(["nvidia-smi", "-L"], capture_output=True).returncode == 0


def pinned_jax(root: str | Path) -> str:
    """The jax version pinned in ``<root>/constraints.txt``."""
    for line in (Path(root) / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == "jax" and version:
            return version.split("#")[0].strip()
    raise ValueError(f"{root}/constraints.txt pins no jax version")


def commands(gpu: bool, jax_version: str, root: str | Path = CLONE,
             clone: bool = True) -> list[list[str]]:
    """What setting up runs, in order (`clone`: the repository is not there yet)."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "-c", "constraints.txt"]
    steps = []
    if clone:
        steps.append(["git", "clone", "--quiet", "--depth", "1", "--branch", BRANCH,
                      REPOSITORY, str(root)])
    steps.append([*pip, "-e", "."])
    if gpu:
        steps.append([*pip, f"jax[cuda12]=={jax_version}"])
    return steps


def setup(root: str | Path = CLONE, gpu: bool | None = None,
          run: Callable[[Sequence[str]], object] | None = None,
          report: bool = True) -> list[list[str]]:
    """On Colab, clone, install and enter the repository (see the module docstring);
    elsewhere do nothing. Returns the commands run. `run` executes one command in the
    repository folder (default: subprocess, failing on error); `report` imports jax at
    the end and prints its platform."""
    if not on_colab():
        return []
    root = Path(root)
    gpu = has_gpu() if gpu is None else gpu
    run = run or (lambda command: subprocess.run(command, check=True, cwd=root
                                                 if root.exists() else None))
    clone = not (root / ".git").exists()
    if clone:
        run(commands(gpu, "", root, clone=True)[0])
    steps = commands(gpu, pinned_jax(root), root, clone=False)
    for command in steps:
        run(command)
    os.chdir(root / "notebooks")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    if report:
        import lndp  # noqa: F401  (before jax: CPU cores become devices)
        import jax

        print(f"jax {jax.__version__}: {jax.device_count()} {jax.devices()[0].platform} "
              f"device(s){'' if gpu else ' (no GPU in this runtime)'}")
    return commands(gpu, pinned_jax(root), root, clone=clone)


if __name__ == "__main__":
    setup()
