"""Run queues: a plan section expanded once per run, dealt to workers by compute,
trained resumably, each finished run committed on its own."""

import json
import subprocess

import pytest

from lndp.design import plan as planning
from lndp.pipeline import queue

BUDGET = {"generations": 2, "popsize": 4}


def _plan(results_dir, seeds=(0, 1)):
    entry = {"figure": "structural_plasticity", "task": "foraging",
             "conditions": ["sp_mu0.5_sigma0.1"], "seeds": list(seeds), "budget": BUDGET}
    return {"scales": {"try": {"scale": "smoke", "results_dir": str(results_dir),
                               "claims": {"1b": [entry], "4a": [entry]}}}}


def test_a_run_two_claims_share_is_planned_once_with_its_budget(tmp_path):
    runs = planning.planned_runs(_plan(tmp_path), "try")
    assert [r.name for r in runs] == ["structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed0",
                                      "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed1"]
    assert runs[0].claims == ("1b", "4a")
    config = runs[1].config("smoke")
    assert (config.train.generations, config.train.popsize, config.train.seed) == (2, 4, 1)


def test_a_later_stage_trains_after_every_claims_first_registration(tmp_path):
    plan = _plan(tmp_path)
    claims = plan["scales"]["try"]["claims"]
    first = claims["1b"][0]
    claims["1b"].append(dict(first, seeds=[7]))  # seeds added after stage 1 was judged
    claims["4a"] = [dict(first, task="cartpole", seeds=[0])]
    names = [r.name for r in planning.planned_runs(plan, "try")]
    assert names == ["structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed0",
                     "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed1",
                     "structural_plasticity/cartpole/sp_mu0.5_sigma0.1/seed0",
                     "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed7"]


def test_bad_sections_are_one_line_errors_naming_the_field(tmp_path):
    plan = _plan(tmp_path)
    with pytest.raises(planning.PlanError, match="no plan section 'cpu'"):
        planning.planned_runs(plan, "cpu")
    plan["scales"]["try"]["claims"]["1b"][0]["budget"] = {"generation": 3}
    with pytest.raises(planning.PlanError, match=r"claims\.1b\.budget: unknown field\(s\) generation"):
        planning.planned_runs(plan, "try")
    plan = _plan(tmp_path)
    plan["scales"]["try"]["claims"]["4a"] = [dict(plan["scales"]["try"]["claims"]["1b"][0],
                                                  budget={"generations": 5})]
    with pytest.raises(planning.PlanError, match="planned twice with different budgets"):
        planning.planned_runs(plan, "try")
    del plan["scales"]["try"]["results_dir"]
    with pytest.raises(planning.PlanError, match="scales.try.results_dir: missing"):
        planning.section(plan, "try")


def test_split_balances_compute_and_every_worker_computes_the_same_split(tmp_path):
    runs = planning.planned_runs(_plan(tmp_path, seeds=range(5)), "try")
    shares = queue.split(runs, "smoke", 2)
    assert sorted(r.name for s in shares for r in s) == sorted(r.name for r in runs)
    assert [len(s) for s in shares] == [3, 2]  # equal costs: dealt in turn
    assert shares == queue.split(runs, "smoke", 2)
    with_sa = runs[0].config("smoke").replace(**{"model.sa_steps": 100})
    assert queue.cost(with_sa) > queue.cost(runs[0].config("smoke"))


def test_queues_train_their_share_resume_and_commit_each_run_alone(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True,
                                    text=True).stdout
    git("init", "-q")
    git("config", "user.email", "t@t"), git("config", "user.name", "t")
    (repo / ".gitignore").write_text("checkpoint.pkl\n")
    (repo / "other.txt").write_text("staged, not part of any run\n")
    git("add", ".gitignore"), git("commit", "-qm", "start"), git("add", "other.txt")
    plan = _plan(repo / "results")
    done = [list(queue.run_queue(plan, "try", worker, 2, commit=True, repo=repo, steal=False))
            for worker in (0, 1)]
    assert [d[0][1] for d in done] == ["trained", "trained"]
    assert [len(d) for d in done] == [1, 1]
    log = git("log", "--format=%s").splitlines()
    assert len(log) == 3 and all("try run structural_plasticity" in m for m in log[:2])
    committed = git("show", "--name-only", "--format=", "HEAD").split()
    assert sorted(p.rsplit("/", 1)[1] for p in committed) == \
        ["config.json", "log.csv", "params.npz", "summary.json"]  # never the checkpoint
    assert "other.txt" in git("diff", "--cached", "--name-only")  # left staged
    (repo / "results" / done[0][0][0] / "evaluation.csv").write_text("a cache\n")
    again = list(queue.run_queue(plan, "try", 0, 2, commit=True, repo=repo, steal=False))
    assert again == [(done[0][0][0], "finished (read)")]
    assert len(git("log", "--format=%s").splitlines()) == 3  # nothing new to commit


def test_the_queue_command_lists_a_workers_share_and_rejects_a_missing_plan(tmp_path, capsys):
    from lndp.__main__ import main

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(tmp_path / "results")))
    assert main(["queue", "--plan", str(path), "--section", "try", "--worker", "1",
                 "--workers", "2", "--list"]) == 0
    assert capsys.readouterr().out.strip() == \
        "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed1 (1b, 4a): to do"
    assert main(["queue", "--plan", str(tmp_path / "none.json"), "--section", "try"]) == 2
    assert "no such plan file" in capsys.readouterr().err
    assert main(["queue", "--plan", str(path), "--section", "cpu", "--list"]) == 2
    assert "no plan section 'cpu'" in capsys.readouterr().err


def test_an_unknown_condition_stops_the_queue_before_any_compute(tmp_path):
    plan = _plan(tmp_path)
    plan["scales"]["try"]["claims"]["1b"][0]["conditions"] = ["sp_mu0.7_sigma0.1"]
    with pytest.raises(planning.PlanError, match="sp_mu0.7_sigma0.1"):
        next(queue.run_queue(plan, "try"))
    assert not (tmp_path / "structural_plasticity").exists()


def test_a_section_profile_reaches_every_run(tmp_path):
    plan = _plan(tmp_path)
    plan["scales"]["try"]["profile"] = "corrected"
    config = planning.planned_runs(plan, "try")[0].config("smoke")
    assert config.profile == "corrected" and config.train.generations == 2
    with pytest.raises(planning.PlanError, match=r"worker: must be in 0\.\.1"):
        queue.share(plan, "try", 2, 2)


def test_a_twin_run_goes_to_its_twins_worker_and_is_copied_not_trained(tmp_path):
    plan = _plan(tmp_path)
    twin = {"figure": "network_development", "task": "foraging", "conditions": ["sp_mu0.5_sigma0.1"],
            "seeds": [1], "budget": BUDGET}  # smoke: the same config as the SP run
    plan["scales"]["try"]["claims"]["4b"] = [twin]
    shares = queue.split(planning.planned_runs(plan, "try"), "smoke", 2)
    assert [r.name for r in shares[1]] == ["structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed1",
                                           "network_development/foraging/sp_mu0.5_sigma0.1/seed1"]


def test_a_run_another_queue_is_training_is_skipped(tmp_path, capsys):
    import fcntl

    plan = _plan(tmp_path, seeds=[0, 1])
    folder = tmp_path / "structural_plasticity" / "foraging" / "sp_mu0.5_sigma0.1"
    folder.mkdir(parents=True)
    with open(folder / ".seed0.lock", "w") as a, open(folder / ".seed1.lock", "w") as b:
        for held in (a, b):  # as another process would (flock is per open file)
            fcntl.flock(held, fcntl.LOCK_EX)
        assert list(queue.run_queue(plan, "try", verbose=True)) == [
            (f"structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed{k}",
             "skipped: another queue holds it") for k in (0, 1)]
    assert not (folder / "seed0").exists()
    said = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[1] for line in said] == [
        f"try {k + 1}/2: structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed{k} ..."
        for k in (0, 1)]


def test_a_worker_whose_share_is_done_takes_the_other_shares_runs_from_their_end(tmp_path):
    plan = _plan(tmp_path, seeds=range(5))
    shares = [queue.share(plan, "try", k, 2) for k in (0, 1)]
    first = list(queue.run_queue(plan, "try", 0, 2))
    assert [name for name, _ in first] == [r.name for r in shares[0]] + \
        [r.name for r in reversed(shares[1])]
    assert {done for _, done in first} == {"trained"}
    # the other worker then finds its whole share finished, and steals nothing finished
    assert list(queue.run_queue(plan, "try", 1, 2)) == [
        (r.name, "finished (read)") for r in shares[1]]


def test_a_batched_queue_trains_seeds_of_one_config_as_one_program(tmp_path):
    plan = _plan(tmp_path / "runs", seeds=(0, 1, 2))
    plan["scales"]["try"]["claims"]["4a"] = [dict(plan["scales"]["try"]["claims"]["1b"][0],
                                                  task="cartpole", seeds=[0])]
    done = dict(queue.run_queue(plan, "try", batch=2))
    seeds = "structural_plasticity/foraging/sp_mu0.5_sigma0.1/seed"
    assert done[seeds + "0"] == done[seeds + "1"] == "trained in a batch of 2"
    assert done[seeds + "2"] == "trained"  # the batch was full: alone
    assert done["structural_plasticity/cartpole/sp_mu0.5_sigma0.1/seed0"] == "trained"
    summary = json.loads((tmp_path / "runs" / (seeds + "1") / "summary.json").read_text())
    assert summary["batch"]["seeds"] == [0, 1]
    assert all(v == "finished (read)" for v in dict(queue.run_queue(plan, "try", batch=2)).values())


def test_runs_a_batch_cannot_resume_together_are_resumed_one_by_one(tmp_path):
    from lndp.train import train

    plan = _plan(tmp_path / "runs", seeds=(0, 1))
    plan["scales"]["try"]["claims"]["1b"][0]["budget"] = dict(BUDGET, generations=3)
    for run, generations in zip(planning.planned_runs(plan, "try"), (1, 2)):
        # stopped at generations 1 and 2: their checkpoints cannot share a generation
        train(run.config("smoke"), tmp_path / "runs" / run.name, progress=False,
              stop_after=generations)
    done = dict(queue.run_queue(plan, "try", batch=2))
    assert set(done.values()) == {"resumed"}
