"""The benchmark counts what it claims to count."""

from lndp import bench


def test_bench_reports_consistent_numbers():
    row = bench.bench_task("foraging", popsize=4, repeats=1)
    assert row["steps_per_generation"] == 4 * 1 * 100  # full-length: 1 episode × 100 steps
    assert abs(row["env_steps_per_second"] * row["eval_seconds_per_generation"]
               - row["steps_per_generation"]) < 1e-6 * row["steps_per_generation"]
    assert row["flops_per_step"] > 1e4
    assert set(row["es_seconds_per_generation"]) == {
        "CMA_ES/eigen_every=1", "CMA_ES/eigen_every=10", "Sep_CMA_ES/eigen_every=1"}
    assert all(v > 0 for v in row["es_seconds_per_generation"].values())
