"""Resumable run queues: the planned runs of one plan section, split between workers.

A plan section (``results/plan.json`` → ``scales.<section>``) lists per claim the runs it
is judged on. `planned_runs` expands it into one `PlannedRun` per run folder (a run that
two claims share is trained once), `split` deals them to workers (one per CPU core) so
that each gets about the same compute, and `run_queue` trains one worker's share in plan
order: finished runs are skipped, unfinished ones resume from their checkpoint, so a
queue can be stopped at any moment and started again, in this session or a later one.
A worker whose share is done goes on with the other shares' unfinished runs, from their
ends (estimates of compute are rough; a core should not idle while the other has work).
With ``commit=True`` each finished run's small files (config, log, parameters, summary;
never the checkpoint) are committed on their own as soon as the run ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, Mapping

from lndp.batch import train_batch
from lndp.config import Config, config_differences
from lndp.design.layout import resolve
from lndp.design.plan import PlanError, PlannedRun, environment_steps, planned_runs, section
from lndp.pipeline.figures import find_finished_twin, train_run
from lndp.runfolder import RunFolderError, is_finished, load_config

#: the files of a run that are committed (checkpoint.pkl is ignored by git: too large)
COMMITTED_FILES = ("config.json", "log.csv", "params.npz", "summary.json")


#: per-step cost of structural plasticity (synaptogenesis and pruning MLPs over every
#: pair of neurons) relative to a step without it: measured on the Foraging pilots
#: (0.70 s vs 0.45 s per generation on one core)
SP_COST = 1.6


def cost(config: Config) -> float:
    """Relative compute of a run: its environment steps (`plan.environment_steps`) plus
    its spontaneous-activity steps, × SP_COST with structural plasticity."""
    spontaneous = (config.task.n_trials * config.model.sa_steps * config.train.popsize
                   * config.train.generations)
    plastic = SP_COST if config.model.structural_plasticity else 1.0
    return (environment_steps(config) + spontaneous) * plastic


def split(runs: list[PlannedRun], scale: str, workers: int) -> list[list[PlannedRun]]:
    """Deal runs to workers in plan order, each to the worker with the least compute so
    far (a deterministic greedy balance: every worker computes the same split). A run
    with exactly the config of an earlier one (e.g. the development figure's LNDP, which
    is the structural-plasticity figure's default SP run) goes to that run's worker at no
    cost: it is copied once its twin has finished, never trained twice."""
    shares: list[list[PlannedRun]] = [[] for _ in range(workers)]
    load = [0.0] * workers
    owner: dict[str, int] = {}
    for run in runs:
        config = run.config(scale)
        key = json.dumps(config.to_dict(), sort_keys=True)
        if key in owner:
            shares[owner[key]].append(run)
            continue
        k = min(range(workers), key=lambda i: (load[i], i))
        shares[k].append(run)
        load[k] += cost(config)
        owner[key] = k
    return shares


def _committed_files(folder: Path) -> list[str]:
    return [str(folder / f) for f in COMMITTED_FILES if (folder / f).exists()]


def commit_run(folder: Path, message: str, repo: Path) -> bool:
    """Commit one run folder's small files alone (other staged changes stay staged);
    serialised between queues by a lock file. False if git refused (logged, not fatal)."""
    files = _committed_files(folder)
    # the repository's own git folder: in a worktree (a queue run from a snapshot of the
    # code) .git is a file pointing at it
    git_dir = Path(subprocess.run(["git", "rev-parse", "--git-common-dir"], cwd=repo,
                                  capture_output=True, text=True).stdout.strip() or ".git")
    with open((git_dir if git_dir.is_absolute() else repo / git_dir) / "lndp-queue.lock",
              "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for attempt in range(5):
            add = subprocess.run(["git", "add", "--", *files], cwd=repo, capture_output=True)
            done = add.returncode == 0 and subprocess.run(
                ["git", "commit", "-q", "-m", message, "--", *files], cwd=repo,
                capture_output=True).returncode == 0
            if done:
                return True
            time.sleep(2 + 3 * attempt)  # another git command holds the index: retry
    print(f"queue: could not commit {folder} (commit it by hand)", file=sys.stderr)
    return False


@contextlib.contextmanager
def _claimed(folder: Path) -> Iterator[bool]:
    """Hold an exclusive lock on a run for as long as this queue trains it (False if
    another process holds it); the lock dies with the process, so a killed queue never
    leaves a run locked."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def _uncommitted(folder: Path, repo: Path) -> bool:
    """Whether any of the run's committed files differs from (or is not in) git; other
    files in the folder (caches the book writes) are not the queue's to commit."""
    files = _committed_files(folder)
    status = subprocess.run(["git", "status", "--porcelain", "--", *files], cwd=repo,
                            capture_output=True, text=True)
    return status.returncode == 0 and bool(status.stdout.strip())


def share(plan: Mapping, name: str, worker: int, workers: int) -> list[PlannedRun]:
    """Worker `worker` of `workers`'s runs of a plan section."""
    if workers < 1 or not 0 <= worker < workers:
        raise PlanError(f"worker: must be in 0..{workers - 1} (workers ≥ 1), got {worker}")
    return split(planned_runs(plan, name), section(plan, name)["scale"], workers)[worker]


def _batchable(folder: Path, config: Config, results_dir: Path) -> str | None:
    """'new' or 'resume' if a run can join a batch (`lndp.batch`): not finished, and
    either not started (and no finished twin to copy) or resumable from its checkpoint
    with this config; None otherwise."""
    if is_finished(folder):
        return None
    if not (folder / "config.json").exists():
        return None if find_finished_twin(results_dir, config, folder) else "new"
    try:
        same = load_config(folder).to_dict() == config.to_dict()
    except RunFolderError:
        return None
    return "resume" if same and (folder / "checkpoint.pkl").exists() else None


def _batch_from(runs: list[PlannedRun], scale: str, results_dir: Path,
                size: int) -> list[PlannedRun]:
    """The first run and the runs after it, up to `size` in all, that are seeds of its
    config (`lndp.batch.check_batch`) in the same state (all new, or all resumable);
    just the first run when it cannot join a batch."""
    first = runs[0].config(scale)
    state = _batchable(results_dir / runs[0].name, first, results_dir) if size > 1 else None
    if state is None:
        return runs[:1]
    group, seeds = [runs[0]], {first.train.seed}
    for run in runs[1:]:
        if len(group) == size:
            break
        config = run.config(scale)
        if config_differences(first, config, ignore=("train.seed",)) or \
                config.train.seed in seeds:
            continue
        if _batchable(results_dir / run.name, config, results_dir) == state:
            group.append(run)
            seeds.add(config.train.seed)
    return group


def _train_group(group: list[PlannedRun], scale: str, results_dir: Path, name: str,
                 commit: bool, repository: Path, verbose: bool) -> Iterator[tuple[str, str]]:
    """Train seeds of one config as one program, then commit each finished run."""
    folders = [results_dir / run.name for run in group]
    if verbose:
        print(f"{time.strftime('%H:%M:%S')} {name}: {len(group)} runs as one program: "
              f"{', '.join(run.name for run in group)} ...", flush=True)
    started = time.time()
    with contextlib.ExitStack() as held:
        if not all(held.enter_context(_claimed(folder)) for folder in folders):
            for run in group:
                yield run.name, "skipped: another queue holds a run of its batch"
            return
        resume = (folders[0] / "config.json").exists()
        try:
            train_batch([run.config(scale) for run in group], folders, resume=resume,
                        progress=False)
        except RunFolderError as error:  # e.g. checkpoints at different generations:
            if verbose:                   # refused before anything was written
                print(f"{name}: {error}; training them one by one", flush=True)
            group = []
    if not group:
        return
    done = f"{'resumed' if resume else 'trained'} in a batch of {len(group)}"
    for run, folder in zip(group, folders):
        if commit and _uncommitted(folder, repository):
            minutes = (time.time() - started) / 60
            commit_run(folder, f"{name} run {run.name} ({', '.join(run.claims)}): {done} "
                       f"in {minutes:.0f} min", repository)
        yield run.name, done


def run_queue(plan: Mapping, name: str, worker: int = 0, workers: int = 1,
              commit: bool = False, repo: Path | None = None,
              verbose: bool = False, steal: bool = True,
              batch: int = 1) -> Iterator[tuple[str, str]]:
    """Train worker `worker` of `workers`'s share of a plan section; yields (run, what
    was done) as each run ends (`verbose`: also says which run starts, with the time).
    With `steal`, then the other workers' unfinished runs, last first (runs another
    queue is training are locked and skipped). `batch` > 1: up to that many seeds of one
    config, all new or all resumable, train as one program (`lndp.batch`). Resumable:
    see the module docstring."""
    found = section(plan, name)
    scale, results_dir = found["scale"], resolve(found["results_dir"])
    for run in planned_runs(plan, name):  # every config is checked before any compute
        try:
            run.config(scale)
        except (KeyError, ValueError) as error:  # ConfigError is a ValueError
            raise PlanError(f"scales.{name}: {run.name}: {error}") from None
    runs_here = share(plan, name, worker, workers)
    own = len(runs_here)
    if steal:
        runs_here += [run for other in range(workers) if other != worker
                      for run in reversed(share(plan, name, other, workers))]
    batched: set[str] = set()
    for index, run in enumerate(runs_here, 1):
        folder = results_dir / run.name
        if index > own and is_finished(folder):
            continue  # another worker's run that it has finished
        if run.name in batched:
            continue  # trained with an earlier run of its batch
        group = _batch_from(runs_here[index - 1:], scale, results_dir, batch)
        if len(group) > 1:
            outcomes = list(_train_group(group, scale, results_dir, name, commit,
                                         repo or resolve("."), verbose))
            yield from outcomes
            if outcomes:  # else the batch was refused: each run alone, below
                batched.update(r.name for r in group)
                continue
        if verbose:
            print(f"{time.strftime('%H:%M:%S')} {name} {index}/{len(runs_here)}: {run.name} ...",
                  flush=True)
        started = time.time()
        with _claimed(folder) as held:
            if not held:  # another queue (an older split of the plan) is training it
                yield run.name, "skipped: another queue holds it"
                continue
            done = train_run(run.config(scale), folder, results_dir)
        repository = repo or resolve(".")
        if commit and _uncommitted(folder, repository):
            minutes = (time.time() - started) / 60
            commit_run(folder, f"{name} run {run.name} ({', '.join(run.claims)}): {done} "
                       f"in {minutes:.0f} min", repository)
        yield run.name, done


__all__ = ["SP_COST", "COMMITTED_FILES", "cost", "split", "share", "commit_run", "run_queue"]
