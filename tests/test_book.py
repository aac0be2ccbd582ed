"""Build the whole book at smoke scale once and check what a reader gets.

Runs in the default suite (CI builds the book); select it alone with `pytest -m book`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
NOTEBOOKS = ("structural_plasticity", "spontaneous_activity", "ndp_vs_lndp",
             "network_development")

pytestmark = pytest.mark.book  # in the default suite too: CI builds the book


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [sys.executable, "-m", "lndp", "book", "--scale", "smoke",
         "--results-dir", str(tmp / "results"), "--figures-dir", str(tmp / "figures")],
        cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return tmp


def _images(page: Path) -> list[Path]:
    html = page.read_text()
    sources = re.findall(r'<img[^>]*\ssrc="([^"]+)"', html)
    return [(page.parent / unquote(urlparse(s).path)).resolve() for s in sources
            if not s.startswith(("http:", "https:", "data:"))]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_has_figure_and_launch_links(book, name):
    page = HTML / "notebooks" / f"{name}.html"
    assert page.exists(), f"no page for {name}"
    html = page.read_text()
    images = _images(page)
    assert any(i.parent.name == "_images" for i in images), f"{name}: no figure on the page"
    for image in images:
        assert image.exists(), f"{name}: <img> points to a missing file {image}"
    colab = re.search(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html)
    binder = re.search(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
    assert colab, f"{name}: no Colab launch link"
    assert binder, f"{name}: no Binder launch link"
    assert colab.group(1).endswith(f"notebooks/{name}.ipynb")
    assert "Traceback" not in html, f"{name}: a cell output holds a traceback"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_figures_written_with_data(book, name):
    figures = book / "figures"
    assert list(figures.glob(f"{name}*.png")), f"{name}: no PNG figure"
    for png in figures.glob(f"{name}*.png"):
        assert png.with_suffix(".svg").exists() and png.with_suffix(".csv").exists()


def test_book_pages(book):
    for page in ("index.html", "book/intro.html", "book/model.html", "book/reproduce.html",
                 "notebooks/results.html"):
        assert (HTML / page).exists(), page
    assert _images(HTML / "book" / "intro.html"), "intro: no diagram"


def test_results_page_has_one_verdict_per_claim(book):
    from lndp.claims import CLAIMS

    html = (HTML / "notebooks" / "results.html").read_text()
    assert "Traceback" not in html
    rows = re.findall(r"<tr[^>]*>\s*<td[^>]*>(?:<p>)?(\d[a-d])(?:</p>)?</td>", html)
    assert sorted(set(rows)) == sorted(CLAIMS), rows
    verdicts = ("reproduced", "not reproduced", "inconclusive at this scale", "not run yet")
    body = re.sub(r"<[^>]+>", " ", html)
    assert any(v in body for v in verdicts)


def test_committed_notebooks_are_clean():
    import json

    for name in (*NOTEBOOKS, "results"):
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert "parameters" in code[0]["metadata"].get("tags", []), name
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), \
            f"{name}: committed with outputs"
        source = "".join("".join(c["source"]) for c in code)
        assert "import lndp" in source, name
        if "import jax" in source:
            assert source.index("import lndp") < source.index("import jax"), name
