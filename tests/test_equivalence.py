"""The provenance rule for rounding-only changes (results/PLAN.md, 2026-12-01 12:47 UTC):
its check can end either way, and a run made by other code counts exactly when its code
and this code are both on the anchor's footing."""

from __future__ import annotations

import json

import pytest

from lndp.design import layout
from lndp.pipeline import equivalence, reproduce as oracle

ANCHOR, FASTER, BROKEN, THIS = "a" * 12, "b" * 12, "c" * 12, "d" * 12


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project root with one results folder; `run(code)` makes a finished run whose
    summary records `code`."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "lndp").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(layout, "code_hash", lambda: THIS)

    def run(code, seed=0):
        folder = tmp_path / "results" / "cpu" / "fig" / "task" / "cond" / f"seed{seed}"
        folder.mkdir(parents=True)
        (folder / "summary.json").write_text(json.dumps({"code_hash": code}))
        return folder
    return tmp_path, run


def _registry(root, checks):
    (root / "results" / layout.EQUIVALENCE).write_text(json.dumps({
        "anchor": {"code_hash": ANCHOR},
        "checks": {code: {"verdict": verdict} for code, verdict in checks.items()}}))


def test_a_run_of_other_code_counts_only_when_both_codes_passed_the_check(project):
    root, run = project
    anchor_run, faster_run, broken_run = run(ANCHOR, 0), run(FASTER, 1), run(BROKEN, 2)
    assert layout.counted_as(run(THIS, 3)) == layout.THIS_CODE
    # no registry: only this code's runs count
    assert [layout.made_by_this_code(r) for r in (anchor_run, faster_run)] == [False, False]
    # this code not checked: nothing else counts, whatever the others passed
    _registry(root, {FASTER: equivalence.EQUIVALENT})
    assert not layout.made_by_this_code(anchor_run)
    # this code passed: the anchor's and every other passing code's runs count, not a failed one's
    _registry(root, {FASTER: equivalence.EQUIVALENT, THIS: equivalence.EQUIVALENT,
                     BROKEN: equivalence.NOT_EQUIVALENT})
    assert layout.counted_as(anchor_run) == layout.EQUIVALENT_CODE
    assert layout.counted_as(faster_run) == layout.EQUIVALENT_CODE
    assert layout.counted_as(broken_run) == "" and layout.made_by_this_code(broken_run) is False
    # a failed check of this code: back to this code's runs only
    _registry(root, {THIS: equivalence.NOT_EQUIVALENT})
    assert not layout.made_by_this_code(anchor_run)


def test_a_run_an_equivalent_code_replayed_exactly_counts_too(project):
    root, run = project
    old = run("e" * 12)  # made by code older than the anchor, replayed exactly by the anchor
    (root / "results" / "cpu" / layout.REPLAYS).write_text(json.dumps(
        {ANCHOR: {"fig/task/cond/seed0": {"identical": True}}}))
    assert not layout.made_by_this_code(old)
    _registry(root, {THIS: equivalence.EQUIVALENT})
    assert layout.counted_as(old) == layout.EQUIVALENT_CODE


def _references(folder, code=ANCHOR):
    (folder / oracle.REFERENCES).mkdir(parents=True)
    (folder / oracle.REFERENCES / oracle.MACHINE_FILE).write_text(
        json.dumps({"code_hash": code}))


def _oracle(p_values):
    def fake(folder, members, progress=None):
        assert members == oracle.MEMBERS  # the registered sample size, never a smaller one
        return [oracle.Result(f"setting{i}", members, members, 0.05, p, False)
                for i, p in enumerate(p_values)]
    return fake


@pytest.mark.parametrize("tests_pass, p_values, verdict", [
    (True, [1.0] * 7 + [0.5], equivalence.EQUIVALENT),
    (True, [1.0] * 7 + [0.001], equivalence.NOT_EQUIVALENT),  # one setting moved
    (False, [1.0] * 8, equivalence.NOT_EQUIVALENT),  # a fixture test failed
    (True, [1.0] * 7, equivalence.NOT_EQUIVALENT)])  # a setting is missing
def test_the_check_can_end_either_way_and_is_recorded_either_way(
        tmp_path, monkeypatch, tests_pass, p_values, verdict):
    monkeypatch.setattr(oracle, "reproduce", _oracle(p_values))
    monkeypatch.setattr(equivalence, "code_hash", lambda: THIS)
    _references(tmp_path / "reproduction")
    registry = tmp_path / "equivalence.json"
    entry = equivalence.check(tmp_path / "reproduction", path=registry,
                              tests=lambda: {"passed": tests_pass, "summary": "", "command": ""})
    assert entry["verdict"] == verdict
    recorded = json.loads(registry.read_text())
    assert recorded["anchor"]["code_hash"] == ANCHOR
    assert recorded["checks"][THIS]["verdict"] == verdict
    assert (THIS in layout.equivalent_codes(registry)) == (verdict == equivalence.EQUIVALENT)


def test_the_anchor_itself_and_a_folder_without_references_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(equivalence, "code_hash", lambda: ANCHOR)
    with pytest.raises(equivalence.EquivalenceError, match="no first-generation references"):
        equivalence.check(tmp_path / "none", path=tmp_path / "e.json")
    _references(tmp_path / "reproduction")
    with pytest.raises(equivalence.EquivalenceError, match="is the anchor"):
        equivalence.check(tmp_path / "reproduction", path=tmp_path / "e.json")
    assert not (tmp_path / "e.json").exists()


def test_the_code_hash_reads_code_not_its_wording():
    """Editing a docstring or a comment of a behaviour module leaves the code hash (and so
    every run's standing) as it is; editing code, an f-string included, does not."""
    from lndp.provenance import syntax_tree

    base = 'def f(x):\n    """Doc."""\n    return x + 1  # why\n\nname = f"col_{1}"\n'
    reworded = 'def f(x):\n    """Other words."""\n    # a new comment\n    return x + 1\n\nname = f"col_{1}"\n'
    assert syntax_tree(reworded) == syntax_tree(base)
    assert syntax_tree(base.replace("x + 1", "x + 2")) != syntax_tree(base)
    assert syntax_tree(base.replace("col_", "column_")) != syntax_tree(base)
    assert syntax_tree(base.replace("col_", "column_"), drop_fstrings=True) == syntax_tree(
        base, drop_fstrings=True)  # the rules hash's reading: f-strings only word results
