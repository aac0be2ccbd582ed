"""The registered rules: the plan's hash is the rules' hash, and the changelog names it."""

import json

from lndp.design.layout import project_root
from lndp.design import plan as planning
from lndp.design.plan import PLAN as PLAN_FILE
from lndp.study import plan

RESULTS = project_root() / "results"


def test_rules_in_force_are_the_registered_ones():
    """Changing what decides verdicts (lndp.study.plan.RULE_FILES) needs a changelog entry and a new hash in
    results/plan.json (see results/PLAN.md)."""
    check = plan.rules_check(RESULTS)
    assert check["match"], (f"rules hash {check['in_force']} is not the registered "
                            f"{check['planned']}: add a dated entry to "
                            "results/RULE_CHANGES.md and update rules.sha256 in plan.json")
    assert check["in_force"] in plan.rule_changes(RESULTS)


def test_plan_lists_every_claim_with_runs_and_a_section_for_the_cpu_scale():
    from lndp.study.rules import CLAIMS
    from lndp.design.layout import list_runs

    doc = json.loads((RESULTS / PLAN_FILE).read_text())
    reduced = doc["scales"]["reduced"]["claims"]
    assert sorted(reduced) == sorted(CLAIMS)
    for entries in reduced.values():
        for entry in entries:
            for condition in entry["conditions"]:
                found = {r.seed for r in list_runs(RESULTS / "reduced", entry["figure"], entry["task"],
                                                   condition)}
                assert set(entry["seeds"]) <= found, (entry["task"], condition)
    assert {"cpu", "cpu-corrected", "cpu-pilot"} <= set(doc["scales"])
    table = plan.entries_table(RESULTS, "reduced")
    assert {"claim", "figure", "task", "conditions", "seeds", "budget_generations"} <= \
        set(table.columns)


def test_confirmatory_runs_are_what_the_book_reads_and_pilot_seeds_are_never_reused():
    """A registered cpu run's config is its scale's preset (so the pages find it), and no
    pilot seed judges a claim."""
    from lndp.design.figures import figure_config
    from lndp.design import plan as planning

    doc = json.loads((RESULTS / PLAN_FILE).read_text())
    pilot_seeds = {r.seed for r in planning.planned_runs(doc, "cpu-pilot")}
    for name, found in doc["scales"].items():
        if not found.get("confirmatory"):
            continue
        for run in planning.planned_runs(doc, name):
            assert run.config(found["scale"]) == figure_config(
                run.figure, run.task, run.condition, found["scale"], run.seed,
                found.get("profile")), (name, run.name)
            assert run.seed not in pilot_seeds
        assert found["results_dir"].startswith("results/") and found["core_hours"]


def test_budget_table_gives_each_planned_runs_share_of_the_papers_steps():
    table = plan.budget_table("reduced")
    cartpole = table[(table.claim == "1a")].iloc[0]
    # 64 × 150 generations × 2 lifetimes × 3 episodes × 200 steps of 256 × 10,000 × 1 × 3 × 500
    assert cartpole.share_of_paper == (64 * 150 * 2 * 200) / (256 * 10_000 * 500)
    cpu = plan.budget_table("cpu")
    assert set(cpu.section) == {"cpu-pilot", "cpu", "cpu-corrected", "cpu-long-pilot"}
    assert (cpu[cpu.section != "cpu-long-pilot"].share_of_paper < 0.05).all()
    # the long pilots: Foraging at 10x the cpu budget, CartPole at 2,000 generations
    long = cpu[cpu.section == "cpu-long-pilot"].set_index("claim").share_of_paper
    assert long["1b"] == long["3b"] == 64 * 5000 / (256 * 10_000)
    assert long["2a"] == 64 * 2000 / (256 * 10_000)


def test_the_profile_comparison_reads_not_run_yet_without_runs(tmp_path):
    from lndp.study import compare

    table = compare.profile_comparison(tmp_path / "a", tmp_path / "b")
    assert list(table.claim) == ["1b", "3b"]
    for side in ("reference verdict", "corrected verdict"):  # both judged on the plan's runs
        assert table[side].str.startswith("not run yet (0 of ").all()


def test_a_claim_registered_in_stages_lists_each_stages_seeds(tmp_path):
    entry = {"figure": "structural_plasticity", "task": "foraging",
             "conditions": ["sp_mu0.5_sigma0.1"], "seeds": [0, 1], "budget": {}}
    other = dict(entry, task="cartpole")
    (tmp_path / "plan.json").write_text(json.dumps({"scales": {"cpu": {"claims": {
        "1b": [entry, dict(entry, seeds=[2, 3])], "1a": [other], "4a": [entry, other]}}}}))
    assert planning.stages("cpu", tmp_path) == {"1b": [[0, 1], [0, 1, 2, 3]]}
    assert planning.stages("cpu")["1b"][0] == [0, 1, 2, 3, 4]  # the registered plan


def test_the_plan_table_gives_seeds_as_a_range_and_the_budget_in_one_column(tmp_path):
    entry = {"figure": "structural_plasticity", "task": "foraging",
             "conditions": ["sp_mu0.5_sigma0.1", "nosp_mu0.5_sigma0.1"], "seeds": [5, 6, 7],
             "budget": {"popsize": 64, "generations": 500}}
    gaps = dict(entry, seeds=[0, 2], budget={"popsize": 64})
    (tmp_path / "plan.json").write_text(json.dumps({"scales": {"cpu": {"claims": {
        "1b": [entry], "3b": [gaps]}}}}))
    table = plan.plan_table(tmp_path, "cpu")
    assert list(table.seeds) == ["5–7", "0, 2"]
    assert list(table.conditions)[0] == "sp_mu0.5_sigma0.1, nosp_mu0.5_sigma0.1"
    # an entry without a budget field reads without it (no 'nan'), integers without '.0'
    assert list(table.budget) == ["popsize 64, generations 500", "popsize 64"]
    assert not any(c.startswith("budget_") for c in table.columns)


def test_the_compute_table_counts_planned_runs_and_the_time_they_took(tmp_path):
    """Per section: distinct planned runs (a run two claims list counts once), finished
    ones among them, and the recorded minutes of every trained run (a copy once)."""
    from conftest import fake_run

    from lndp.design import figures

    figure, task = "structural_plasticity", "foraging"
    sp, nosp = "sp_mu0.5_sigma0.1", "nosp_mu0.5_sigma0.1"
    entry = {"figure": figure, "task": task, "conditions": [sp, nosp], "seeds": [0, 1]}
    sections = {"main": {"scale": "cpu", "results_dir": str(tmp_path / "main"),
                         "core_hours": {"planned_total": 1.5},
                         "claims": {"1b": [entry], "4a": [{**entry, "conditions": [sp]}]}},
                "pilot": {"scale": "cpu", "results_dir": str(tmp_path / "pilot"),
                          "claims": {"1b": [{**entry, "seeds": [100]}]}},
                "other": {"scale": "reduced", "claims": {}},
                "later": {"scale": "cpu", "results_dir": str(tmp_path / "later"),  # no runs yet
                          "claims": {"1b": [{**entry, "seeds": [200]}]}}}
    (tmp_path / "plan.json").write_text(json.dumps({"scales": sections}))
    for folder, seed, minutes in (("main", 0, 30), ("main", 1, 60), ("pilot", 100, 12)):
        run = tmp_path / folder / figure / task / sp / f"seed{seed}"
        fake_run(run, figures.figure_config(figure, task, sp, "cpu", seed))
        (run / "summary.json").write_text(json.dumps({"total_seconds": 60 * minutes}))
    twin = tmp_path / "main" / "network_development" / task / "sp_mu0.5_sigma0.1" / "seed0"
    fake_run(twin, figures.figure_config(figure, task, sp, "cpu", 0))  # a copy: counted once
    (twin / "summary.json").write_text(json.dumps({"total_seconds": 1800}))
    table = plan.compute_table("cpu", tmp_path).set_index("section")
    assert list(table.index) == ["main", "pilot", "later", "total"]
    assert table.loc["later", "finished"] == 0 and table.loc["later", "core-hours spent"] == 0
    assert table.loc["main", "planned runs"] == 4 and table.loc["main", "finished"] == 2
    assert table.loc["main", "core-hours spent"] == 1.5
    assert table.loc["main", "core-hours planned"] == 1.5
    assert table.loc["pilot", "finished"] == 1 and table.loc["pilot", "core-hours spent"] == 0.2
    assert table.loc["total", "core-hours spent"] == 1.7
    assert table.loc["total", "planned runs"] == 8


def _package_copy(tmp_path):
    """A copy of the lndp package's rule files to edit (the hash reads only these)."""
    import shutil

    from lndp.study.plan import RULE_FILES, _PACKAGE

    for name in RULE_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(_PACKAGE / name, tmp_path / name)
    return tmp_path


def _edit(root, name, old, new):
    path = root / name
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1))


def test_changing_a_rule_or_a_measure_changes_the_rules_hash_and_wording_does_not(tmp_path):
    """The registered hash covers what decides verdicts (a rule's logic, a measure's
    window, a threshold, a task floor, the scoping of runs) and not how results are worded
    (f-strings, docstrings, comments) or tabled (study/tables.py is not hashed)."""
    from lndp.study.plan import RULE_FILES, rules_hash

    assert "study/tables.py" not in RULE_FILES
    base = rules_hash(_package_copy(tmp_path / "base"))
    assert base == plan.rules_hash()
    decisive = [("study/measures.py", "FLAT_FRACTION = 0.05", "FLAT_FRACTION = 0.06"),
                ("study/evidence.py", "LAST = 10", "LAST = 20"),
                ("study/measures.py", "TOP_FRACTION = 0.1", "TOP_FRACTION = 0.2"),
                ("study/rules.py", "CRITICAL_SHARE = 0.5", "CRITICAL_SHARE = 0.4"),
                ("study/rules.py", "interval.lo >= 0.9 * top", "interval.lo >= 0.8 * top"),
                ("study/rules.py", '"sa_lndp"', '"nosa_lndp"'),
                ("study/scope.py", "seed in condition_evidence.final and",
                 "seed in condition_evidence.start and"),
                ("study/stats.py", "LEVEL = 0.95", "LEVEL = 0.9"),
                ("envs/baselines.py", "def ", "def _unused():\n    return 0\n\n\ndef ")]
    for k, (name, old, new) in enumerate(decisive):
        root = _package_copy(tmp_path / f"decisive{k}")
        _edit(root, name, old, new)
        assert rules_hash(root) != base, (name, old, new)
    wording = [("study/rules.py", 'f"episode 1 with SA: ', 'f"episode one with SA: '),
               ("study/rules.py", '"""The rule of a "no difference" claim', '"""The rule'),
               ("study/measures.py", "#: the share of structural change", "#: the share"),
               ("study/evidence.py", "LAST = 10", "LAST = (\n    10)")]
    for k, (name, old, new) in enumerate(wording):
        root = _package_copy(tmp_path / f"wording{k}")
        _edit(root, name, old, new)
        assert rules_hash(root) == base, (name, old, new)
