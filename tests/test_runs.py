"""The results layout is built and parsed in one place."""

from lndp.study import runs


def test_layout_round_trip_and_finished_runs_only(tmp_path):
    for seed, finished in ((0, True), (1, False), (12, True)):
        folder = runs.run_dir(tmp_path, "fig", "cartpole", "sp_mu0.5_sigma0.1", seed)
        folder.mkdir(parents=True)
        (folder / "log.csv").write_text("generation,fitness_mean\n1,2.0\n2,4.0\n")
        if finished:
            (folder / "summary.json").write_text('{"generations": 2, "total_seconds": 60}')
    (tmp_path / "fig" / "cartpole" / "sp_mu0.5_sigma0.1" / "seedling").mkdir()  # not a run
    found = runs.list_runs(tmp_path)
    assert [(r.figure, r.task, r.condition, r.seed) for r in found] == \
        [("fig", "cartpole", "sp_mu0.5_sigma0.1", 0), ("fig", "cartpole", "sp_mu0.5_sigma0.1", 12)]
    assert len(runs.list_runs(tmp_path, finished=False)) == 3
    assert list(runs.finished_seeds(tmp_path, "fig", "cartpole", "sp_mu0.5_sigma0.1")) == [0, 12]
    assert runs.log_mean(found[0].path, "fitness_mean", last=1) == 4.0
    assert runs.log_mean(found[0].path, "fitness_mean", last=1, first=True) == 2.0
    table = runs.finished_runs(tmp_path)
    assert list(table.minutes) == [1.0, 1.0] and table.this_code.isna().all()
    assert runs.read_evaluation(found[0].path) is None
    # a run two figures share is trained once: its copy is marked and counted once
    for figure in ("fig", "other"):
        folder = runs.run_dir(tmp_path, figure, "cartpole", "sp_mu0.5_sigma0.1", 0)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text('{"train": {"seed": 0}}')
        (folder / "log.csv").write_text("generation,fitness_mean\n1,2.0\n")
        (folder / "summary.json").write_text('{"generations": 1, "total_seconds": 60}')
    table = runs.finished_runs(tmp_path)
    assert list(table["copy"]) == [False, False, True]


def test_train_keeps_the_moved_readers():
    from lndp import train

    assert train.read_log is runs.read_log and train.load_config is runs.load_config
    assert train.code_hash() == runs.code_hash()
