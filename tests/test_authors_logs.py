"""The authors'-code control runs under results/authors-cpu (tools/train_authors.py).

Every run folder there must be a run registered in results/plan.json
`controls.authors-cpu`, with a well-formed log.csv and a meta.json; a finished run must
have trained exactly its registered budget with the registered settings. With no run
there yet the registration checks still run and the run checks have nothing to check
(stated, not skipped).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "results" / "plan.json"
FIRST = ["generation", "fitness_mean", "fitness_max", "fitness_min", "fitness_std", "best_so_far"]
RUN_FILES = {"log.csv", "meta.json"}
IGNORED_FILES = {"checkpoint.pkl"}  # .gitignore; written by an unfinished or resumable run


def control() -> dict:
    return json.loads(PLAN.read_text())["controls"]["authors-cpu"]


def registered() -> dict[tuple[str, str, str, int], dict]:
    runs = {}
    for group in control()["runs"]:
        for condition in group["conditions"]:
            for seed in group["seeds"]:
                runs[(group["figure"], group["task"], condition, int(seed))] = group["budget"]
    return runs


def run_folders() -> dict[tuple[str, str, str, int], Path]:
    """Every run folder under results/authors-cpu (figure/task/condition/seed<k>/)."""
    base = ROOT / control()["results_dir"]
    found = {}
    if not base.exists():
        return found
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base).parts
        if path.is_file():
            assert len(rel) == 5, f"{path}: a file outside a run folder"
            assert rel[-1] in RUN_FILES | IGNORED_FILES or rel[-1].endswith(".tmp"), \
                f"{path}: not a file of a run folder"
        elif len(rel) == 4:
            figure, task, condition, seed = rel
            assert seed.startswith("seed") and seed[4:].isdigit(), f"{path}: not a seed folder"
            found[(figure, task, condition, int(seed[4:]))] = path
        else:
            assert len(rel) < 4, f"{path}: folder too deep"
    return found


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def test_the_control_is_registered():
    c = control()
    runs = registered()
    assert c["results_dir"] == "results/authors-cpu"
    assert c["code"] == "erwanplantec/LNDP@c66e6a9b5fd0961264e078be5db104bbbdd3a483"
    assert len(runs) == 14, sorted(runs)
    for budget in runs.values():
        assert {"popsize", "generations", "n_trials", "n_episodes"} <= set(budget)


def test_every_run_folder_is_a_registered_run():
    found = run_folders()
    stray = sorted(set(found) - set(registered()))
    assert not stray, f"run folders not registered in controls.authors-cpu: {stray}"
    # states what was checked, so a vacuous pass is visible in -rA / -s output
    print(f"{len(found)} authors-cpu run folder(s), all registered")


def test_every_run_is_well_formed_and_at_its_budget():
    """One test over all run folders (not a parametrization, which would be reported as
    skipped while there are none): each one is checked by check_run."""
    found = run_folders()
    for key, path in found.items():
        check_run(key, path)
    print(f"checked {len(found)} authors-cpu run(s)")


def check_run(key, path):
    figure, task, condition, seed = key
    budget = registered()[key]
    assert (path / "meta.json").exists(), f"{path}: no meta.json"
    assert (path / "log.csv").exists(), f"{path}: no log.csv"
    meta = json.loads((path / "meta.json").read_text())
    fields, rows = read_rows(path / "log.csv")

    # --- log.csv -------------------------------------------------------------------
    assert fields[:len(FIRST)] == FIRST, fields
    assert fields[-1] == "seconds", fields
    episodes = [f for f in fields if f.startswith("return_episode_")]
    middle = fields[len(FIRST):-1]
    assert all(f in episodes or f.startswith("authors_") for f in middle), middle
    if task != "foraging":
        assert episodes == [f"return_episode_{i + 1}" for i in range(budget["n_episodes"])]
    else:
        assert episodes == []
    assert rows, f"{path}: empty log"
    assert [int(r["generation"]) for r in rows] == list(range(1, len(rows) + 1))
    values = {f: [float(r[f]) for r in rows] for f in fields if f != "generation"}
    for f, v in values.items():
        assert all(math.isfinite(x) for x in v), f
    best = values["best_so_far"]
    assert all(b >= a for a, b in zip(best, best[1:])), "best_so_far decreases"
    running = -math.inf
    for i, r in enumerate(rows):
        lo, mean, hi = values["fitness_min"][i], values["fitness_mean"][i], values["fitness_max"][i]
        tol = 1e-5 * max(1.0, abs(hi), abs(lo))  # their float32 mean of float32 values
        assert lo - tol <= mean <= hi + tol, (i + 1, lo, mean, hi)
        assert values["fitness_std"][i] >= 0
        assert values["seconds"][i] > 0
        running = max(running, hi)
        # their `best` is -best_fitness of the ES state: the running maximum
        assert best[i] == pytest.approx(running, rel=1e-6, abs=1e-6), i + 1

    # --- meta.json -----------------------------------------------------------------
    assert meta["run"] == {"figure": figure, "task": task, "condition": condition, "seed": seed}
    assert f"{meta['authors_repo'].split('github.com/')[-1]}@{meta['authors_commit']}" == control()["code"]
    # meta.json is rewritten at each checkpoint (every 25 generations) and at the end;
    # while a run is in progress its log.csv runs ahead of it
    if meta["finished"]:
        assert meta["generations_done"] == len(rows)
    else:
        assert meta["generations_done"] <= len(rows)
    assert meta["budget_registered"] == budget
    assert meta["budget_is_registered"] is True
    used = meta["budget_used"]
    for k in ("popsize", "n_trials", "n_episodes", "max_steps"):
        if k in budget:
            assert used[k] == budget[k], k
    cfg = meta["config_passed"]
    assert cfg["popsize"] == budget["popsize"]
    assert cfg["generations"] == budget["generations"]
    assert cfg["eval_reps"] == budget["n_trials"]
    assert cfg["seed"] == seed and cfg["strategy"] == "CMA_ES"
    assert cfg["env_name"] == {"foraging": "Grid", "cartpole": "CartPole-v1"}[task]
    if task != "foraging":
        assert cfg["n_episodes"] == budget["n_episodes"]
    assert any(u["field"] == "train.eigen_every" for u in meta["unmatched"])
    assert {"jax", "jaxlib", "evosax", "gymnax", "equinox"} <= set(meta["versions"])
    assert meta["versions"]["evosax"] == "0.1.6"
    assert meta["cpu_model"]
    assert meta["total_seconds"] > 0 or not meta["finished"]
    assert len(rows) <= budget["generations"]
    if meta["finished"]:
        assert len(rows) == budget["generations"], (len(rows), budget["generations"])
    else:
        assert len(rows) < budget["generations"]
