"""Build the whole book at smoke scale once and check what a reader gets: every page, its
figures and launch links; no machine paths, no links to missing or outside files, no image
that fails to load; figure pages that open on prose and figures (code folded, set-up cells
removed); the network-development animation.

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
    """The smoke build (one per test session); returns its results/figures folder."""
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
    from lndp.study.rules import CLAIMS

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


def _pages() -> list[Path]:
    return sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts)


def _own_pages() -> list[Path]:
    """The book's pages (not Sphinx's search/genindex pages)."""
    return [p for p in _pages() if p.parent.name in ("book", "notebooks") or p.name == "index.html"]


def test_no_machine_paths_in_the_book(book):
    """Nothing a reader sees names a folder of the machine that built the book."""
    machine = {str(ROOT), str(book), str(Path.home()), "/tmp/", "/home/", "/Users/",
               "/root/", "/work/", "file://"}
    for page in _own_pages():
        html = page.read_text()
        found = sorted(m for m in machine if m in html)
        assert not found, f"{page.relative_to(HTML)} shows machine paths {found}"


def _links(page: Path) -> list[str]:
    html = page.read_text()
    return re.findall(r'\s(?:href|src)="([^"]+)"', html)


def test_links_point_to_files_of_the_book(book):
    """Every relative link and source resolves to a file inside _build/html (no link to a
    missing page, nor to files outside the repository such as ../shared/...)."""
    html_root = HTML.resolve()
    for page in _pages():
        for link in _links(page):
            url = urlparse(link)
            if url.scheme or link.startswith(("#", "//", "mailto:", "javascript:")):
                continue
            if not url.path:
                continue
            target = (page.parent / unquote(url.path)).resolve()
            where = f"{page.relative_to(HTML)} → {link}"
            assert target.is_relative_to(html_root), f"link outside the book: {where}"
            assert target.exists(), f"link to a missing file: {where}"
    for page in _own_pages():
        assert "shared/paper" not in page.read_text(), page


def test_the_introduction_and_the_results_page_open_on_the_computed_answer(book):
    """Both say first, in sentences computed from the runs, what this budget shows."""
    for page in ("book/intro.html", "notebooks/results.html"):
        html = (HTML / page).read_text()  # (Sphinx curls apostrophes: paper’s)
        assert "of the evaluations the paper" in html, page
        assert "<em>not reached at this budget</em>" in html, page
    results = (HTML / "notebooks" / "results.html").read_text()
    assert results.index("The answer") < results.index("At a glance")


def test_no_page_needs_a_remote_script(book):
    """A reader offline gets every script (MathJax too: the model page's equations are
    served from the build, not a CDN)."""
    for page in _pages():
        remote = [src for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', page.read_text())
                  if urlparse(src).scheme or src.startswith("//")]
        assert not remote, f"{page.relative_to(HTML)} loads remote scripts {remote}"
    model = (HTML / "book" / "model.html").read_text()
    mathjax = re.findall(r'<script[^>]*\ssrc="([^"]*mathjax[^"]*)"', model)
    assert mathjax, "the model page loads no MathJax"
    assert all((HTML / "book" / unquote(urlparse(m).path)).resolve().exists() for m in mathjax)


def test_every_image_loads(book):
    """Each <img> of the book's pages is a file an image library can open."""
    from PIL import Image

    for page in _own_pages():
        for image in _images(page):
            assert image.exists(), f"{page.relative_to(HTML)}: missing image {image.name}"
            if image.suffix == ".svg":
                assert "<svg" in image.read_text()[:2000], image
                continue
            with Image.open(image) as im:
                im.verify()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_figure_pages_open_on_prose_and_figures(book, name):
    """Code folded (hide-input / hide-cell), the parameters, papermill's injected cell and
    the Colab cell removed; the page starts with prose, and its first output is a figure."""
    html = (HTML / "notebooks" / f"{name}.html").read_text()
    cells = re.findall(r'<div class="cell( [^"]*)?"', html)
    assert cells, name
    for classes in cells:
        assert "tag_hide-input" in classes or "tag_hide-cell" in classes, (name, classes)
    for removed in ("injected-parameters", "Parameters (papermill", "google.colab"):
        assert removed not in html, f"{name}: {removed!r} is on the page"
    main = html[html.index('id="main-content"'):] if 'id="main-content"' in html else html
    first_cell = main.index('<div class="cell')
    assert "<p>" in main[:first_cell], f"{name}: the page does not open on prose"
    first_image = main.find("<img", main.index('class="cell'))
    first_table = main.find("<table", main.index('class="cell'))
    assert first_image != -1 and (first_table == -1 or first_image < first_table), \
        f"{name}: a table comes before the first figure"


def test_the_animation_plays_on_the_network_development_page(book):
    from PIL import Image

    page = HTML / "notebooks" / "network_development.html"
    gifs = [i for i in _images(page) if i.suffix == ".gif"]
    assert gifs, "no GIF on the network-development page"
    with Image.open(gifs[0]) as im:
        assert im.is_animated and im.n_frames > 10
    assert (book / "figures" / "network_development_animation.gif").exists()


def test_the_book_workflow_runs_the_readme_command():
    """The publishing workflow builds with the README's main command and publishes the
    HTML folder."""
    readme = (ROOT / "README.md").read_text()
    command = next(line.strip() for line in readme.splitlines()
                   if "python -m lndp book --scale cpu" in line and "pip install" in line)
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    assert command in workflow
    assert "path: _build/html" in workflow and "actions/deploy-pages" in workflow
