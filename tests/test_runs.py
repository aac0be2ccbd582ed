"""The results layout is built and parsed in one place (lndp.design.layout)."""

from lndp import runfolder
from lndp.design import layout


def test_layout_round_trip_and_finished_runs_only(tmp_path):
    for seed, finished in ((0, True), (1, False), (12, True)):
        folder = layout.run_dir(tmp_path, "fig", "cartpole", "sp_mu0.5_sigma0.1", seed)
        folder.mkdir(parents=True)
        (folder / "log.csv").write_text("generation,fitness_mean\n1,2.0\n2,4.0\n")
        if finished:
            (folder / "summary.json").write_text('{"generations": 2, "total_seconds": 60}')
    (tmp_path / "fig" / "cartpole" / "sp_mu0.5_sigma0.1" / "seedling").mkdir()  # not a run
    found = layout.list_runs(tmp_path)
    assert [(r.figure, r.task, r.condition, r.seed) for r in found] == \
        [("fig", "cartpole", "sp_mu0.5_sigma0.1", 0), ("fig", "cartpole", "sp_mu0.5_sigma0.1", 12)]
    assert len(layout.list_runs(tmp_path, finished=False)) == 3
    assert list(layout.finished_seeds(tmp_path, "fig", "cartpole", "sp_mu0.5_sigma0.1")) == [0, 12]
    assert runfolder.log_mean(found[0].path, "fitness_mean", last=1) == 4.0
    assert runfolder.log_mean(found[0].path, "fitness_mean", last=1, first=True) == 2.0
    table = layout.finished_runs(tmp_path)
    assert list(table.minutes) == [1.0, 1.0] and table.this_code.isna().all()
    assert runfolder.read_evaluation(found[0].path) is None
    # a run two figures share is trained once: its copy is marked and counted once
    for figure in ("fig", "other"):
        folder = layout.run_dir(tmp_path, figure, "cartpole", "sp_mu0.5_sigma0.1", 0)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text('{"train": {"seed": 0}}')
        (folder / "log.csv").write_text("generation,fitness_mean\n1,2.0\n")
        (folder / "summary.json").write_text('{"generations": 1, "total_seconds": 60}')
    table = layout.finished_runs(tmp_path)
    assert list(table["copy"]) == [False, False, True]


def test_a_run_folder_path_parses_back_into_its_place_in_the_layout(tmp_path):
    folder = layout.run_dir(tmp_path, "fig", "cartpole", "sp_mu0.5_sigma0.1", 3)
    results, found = layout.locate(folder)
    assert results == tmp_path and found[:4] == ("fig", "cartpole", "sp_mu0.5_sigma0.1", 3)
    assert layout.run_name(*found[:4]) == "fig/cartpole/sp_mu0.5_sigma0.1/seed3"
