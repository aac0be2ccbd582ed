"""`python -m lndp book`: run the figure notebooks with papermill and build the Jupyter Book.

1. Every notebook in notebooks/ is executed with papermill (kernel ``python3``, parameters
   scale, results_dir, figures_dir) into ``_build/notebooks/``; the committed notebooks
   stay clean (no outputs). A failing cell fails the command.
2. The book's sources are staged into ``_build/source/`` — ``_config.yml``, ``_toc.yml``,
   ``book/`` and the *executed* notebooks under the same ``notebooks/`` paths the TOC
   names, so the launch buttons (Colab, Binder) point at the committed notebooks; code
   folded and set-up cells removed, `tag_for_reading`) — and
   ``jupyter-book build _build/source --path-output . --warningiserror --keep-going``
   writes the HTML to ``_build/html/``. Notebook execution is off in ``_config.yml``:
   papermill already ran them.

Each scale's runs and figures live in its own folders (`lndp.config.Scale`: results/cpu/,
results/reduced/, results_paper/; smoke runs in ``_build/smoke/``), so scales never mix.
Except at `smoke`, nothing is trained unless asked (``--train-missing``, ``--retrain``):
the figures show the finished runs found and say which are missing, so a fresh clone
builds the book from the committed results in minutes. The results page always reads
real runs (the scale's folder or ``--results-dir``; at smoke scale, results/cpu/).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from lndp.colab import CELL
from lndp.config import SCALES, scale_record
from lndp.design.layout import figures_folder

NOTEBOOKS = ("structural_plasticity", "spontaneous_activity", "ndp_vs_lndp",
             "network_development", "results")
ROOT = Path(__file__).resolve().parents[1]


def add_parser(sub) -> None:
    p = sub.add_parser(
        "book",
        help="execute the notebooks and build the book",
        description="Execute the figure notebooks with papermill into _build/notebooks/ and "
        "build the Jupyter Book into _build/html/ (fails on any notebook error or Sphinx "
        "warning).",
    )
    p.add_argument("--scale", choices=SCALES, default="smoke",
                   help="experiment scale passed to every notebook (default smoke)")
    p.add_argument("--results-dir",
                   help="run folders (default: results for reduced, results_paper for paper, "
                   "_build/smoke/results for smoke); finished runs there are read, not retrained")
    p.add_argument("--figures-dir",
                   help="where figures are written (default: figures/<scale>, "
                   "_build/smoke/figures for smoke)")
    p.add_argument("--skip-execute", action="store_true",
                   help="do not run the notebooks; build from the executed copies in "
                   "_build/notebooks/")
    p.add_argument("--retrain", action="store_true",
                   help="retrain every run even where finished runs exist")
    p.add_argument("--train-missing", action="store_true",
                   help="train runs that are not in the results folder (always at smoke; at "
                   "reduced/paper the default is to plot only the finished runs found)")
    p.set_defaults(run=_main)


def _ensure_kernel() -> None:
    """Make sure a `python3` kernel exists (ipykernel's own; installs it into the venv if not)."""
    # the book's packages are an optional extra (lndp[book]): imported where they are used
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix",
                        "--name", "python3"], check=True)


def _shown(path: Path) -> str:
    """A path as the notebooks show it: relative to the project root when inside it (the
    notebooks resolve relative paths against the root), else absolute."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def notebook_parameters(name: str, scale: str, results_dir: Path, figures_dir: Path,
                        retrain: bool, train_missing: bool) -> dict:
    """What papermill injects. The results page reads the committed runs in results/
    unless the book is built from other real runs (smoke runs test the pipeline only)."""
    if name == "results":
        return {} if scale == "smoke" else {"scale": scale, "results_dir": _shown(results_dir)}
    return {"scale": scale, "results_dir": _shown(results_dir),
            "figures_dir": _shown(figures_dir), "retrain": retrain,
            "train_missing": train_missing or retrain}


def execute_notebooks(scale: str, results_dir: Path, figures_dir: Path, out_dir: Path,
                      retrain: bool = False, train_missing: bool = True) -> None:
    import papermill as pm  # the optional book extra, as in _ensure_kernel

    _ensure_kernel()
    # The kernels inherit this: XLA's persistent compilation cache makes a rebuild skip
    # most compiles (every distinct config otherwise compiles anew, seconds each).
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(ROOT / "_build" / "jax_cache"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in NOTEBOOKS:
        start = time.perf_counter()
        print(f"executing notebooks/{name}.ipynb (scale={scale}) ...", flush=True)
        pm.execute_notebook(
            str(ROOT / "notebooks" / f"{name}.ipynb"),
            str(out_dir / f"{name}.ipynb"),
            parameters=notebook_parameters(name, scale, results_dir, figures_dir, retrain,
                                           train_missing),
            kernel_name="python3",
            cwd=str(ROOT / "notebooks"),
            progress_bar=False,
        )
        print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)


def tag_for_reading(notebook: dict) -> dict:
    """Figure pages read like a paper: code folded, the set-up cells gone.

    Cells tagged ``parameters`` (the defaults), ``injected-parameters`` (what papermill
    injected: it would print the building machine's paths) and the Colab cell
    (`lndp.colab.CELL`, which does nothing off Colab) get ``remove-cell``; every other code
    cell without a hide/remove tag gets ``hide-input`` (folded; a reader can unfold it).
    """
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        source = "".join(cell["source"])
        if {"parameters", "injected-parameters"} & set(tags) or source.strip() == CELL:
            tags.append("remove-cell")
        elif not any(t.startswith(("hide-", "remove-")) for t in tags):
            tags.append("hide-input")
    return notebook


#: where the introduction carries the results page's answer (`computed_answer`)
ANSWER = "<!-- the answer: filled in from the results page when the book is built -->"


def computed_answer(executed: Path) -> str:
    """The answer the executed results page computed from the runs (the markdown output of
    its `tables.answer` cell), for the introduction; a pointer to the page without one."""
    path = executed / "results.ipynb"
    cells = json.loads(path.read_text())["cells"] if path.exists() else []
    for cell in cells:
        if "tables.answer(" in "".join(cell.get("source", [])):
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    return "".join(text)
    return "The answer, computed from the runs, opens the {doc}`results page <../notebooks/results>`."


def stage_sources(executed: Path, source: Path) -> None:
    """Copy the book's sources and the executed notebooks (tagged for reading,
    `tag_for_reading`) into one folder to build."""
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "book", source / "book")
    intro = source / "book" / "intro.md"
    intro.write_text(intro.read_text().replace(ANSWER, computed_answer(executed)))
    (source / "notebooks").mkdir()
    for name in NOTEBOOKS:
        path = executed / f"{name}.ipynb"
        if not path.exists():
            raise FileNotFoundError(f"{path}: not executed yet; run without --skip-execute")
        notebook = tag_for_reading(json.loads(path.read_text()))
        (source / "notebooks" / path.name).write_text(json.dumps(notebook, indent=1))


def build(source: Path) -> int:
    html = ROOT / "_build" / "html"
    if html.exists():
        shutil.rmtree(html)  # a clean build, so no stale page survives
    command = ["jupyter-book", "build", str(source), "--path-output", str(ROOT),
               "--warningiserror", "--keep-going", "--all"]
    jb = Path(sys.executable).with_name("jupyter-book")
    if jb.exists():
        command[0] = str(jb)
    print(" ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


def _main(args) -> int:
    start = time.perf_counter()
    smoke = args.scale == "smoke"
    results_dir = Path.cwd() / args.results_dir if args.results_dir else \
        ROOT / scale_record(args.scale).results_dir
    figures_dir = Path(args.figures_dir or figures_folder(args.scale))
    figures_dir = figures_dir if figures_dir.is_absolute() else Path.cwd() / figures_dir
    executed = ROOT / "_build" / "notebooks"
    if not args.skip_execute:
        try:
            execute_notebooks(args.scale, results_dir, figures_dir, executed, args.retrain,
                              train_missing=smoke or args.train_missing)
        except Exception as error:  # papermill: PapermillExecutionError names the cell
            print(f"error: notebook execution failed: {error}", file=sys.stderr)
            return 1
    stage_sources(executed, ROOT / "_build" / "source")
    code = build(ROOT / "_build" / "source")
    if code:
        print("error: jupyter-book build failed (see the warnings above)", file=sys.stderr)
        return code
    print(f"book built in {time.perf_counter() - start:.0f} s: "
          f"{ROOT / '_build' / 'html' / 'index.html'}")
    return 0
