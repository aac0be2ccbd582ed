"""Evaluate trained runs: the ES-mean parameters over fresh lifetimes, cached per run.

The figures that read evaluations (`lndp.design.figures.EVALUATED_FIGURES`) and the
claims built on them (2a–2c, 3b) read ``evaluation.csv`` in each run folder: one row per
evaluation lifetime × episode. Computing it is this module's job; the study only reads.
"""

from __future__ import annotations

from pathlib import Path

import jax
import numpy as np
import pandas as pd

from lndp.config import scale_record
from lndp.design.figures import EVALUATED_FIGURES, label
from lndp.design.layout import current_only, list_runs, results_folder
from lndp.pipeline.lifetimes import record_lifetimes
from lndp.rollout import Evaluator, lifetime_returns
from lndp.runfolder import EVALUATION_CACHE, load_config, load_params


def evaluate_every_finished_run(scale: str, results_dir: str | Path | None = None) -> pd.DataFrame:
    """Evaluate (and cache) every finished run this code made of the figures that evaluate
    their runs, with the settings their pages use at this scale. A figure page evaluates
    only its own seeds; the claims that read evaluations (2a–2c, 3b) are judged on every
    seed their plan lists, so the results page calls this before it gathers the evidence.
    Returns the evaluations (`evaluate_runs`), cached ones included."""
    record = scale_record(scale)
    results_dir = results_folder(scale, results_dir)
    frames = []
    for figure, episodes in EVALUATED_FIGURES.items():
        found = pd.DataFrame([{"figure": r.figure, "task": r.task, "condition": r.condition,
                               "label": label(r.condition), "seed": r.seed, "path": str(r.path)}
                              for r in list_runs(results_dir, figure, current_only=True)])
        if len(found):
            frames.append(evaluate_runs(found, record.evaluation_trials, n_episodes=episodes))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def evaluate_runs(runs: pd.DataFrame, n_trials: int, n_episodes: int | None = None,
                  eval_seed: int = 12345, retrain: bool = False) -> pd.DataFrame:
    """Per-episode returns of each run's ES-mean parameters over `n_trials` fresh lifetimes.

    n_episodes overrides the lifetime's episode count (the paper's SA figure shows 3
    episodes; smoke-scale training uses 1). Cached as evaluation.csv in each run folder.
    Columns: figure, task, condition, label, seed, eval_trial, episode, return.
    """
    frames = []
    for run in runs.itertuples():
        out = Path(run.path)
        cache = out / EVALUATION_CACHE
        config = load_config(out)
        if n_episodes is not None:
            config = config.replace(**{"task.n_episodes": n_episodes})
        tag = f"mean:{n_trials}x{config.task.n_episodes}@{eval_seed}"
        if cache.exists() and not retrain:
            frame = pd.read_csv(cache)
            if len(frame) and frame["tag"].iloc[0] == tag:
                # a run copied from another figure carries that figure's cache: the
                # labels are this run's own
                frames.append(frame.assign(figure=run.figure, task=run.task,
                                           condition=run.condition, label=run.label,
                                           seed=run.seed))
                continue
        agent = Evaluator(config)
        # The ES mean, not the "best member ever": that one won a noisy comparison and
        # re-evaluates lower (Foraging LNDP seed 2: 114.5 vs 136.7 over 100 lifetimes).
        returns = lifetime_returns(agent, load_params(out, "mean"), jax.random.PRNGKey(eval_seed),
                           n_trials).astype(np.float64)
        trial, episode = np.meshgrid(np.arange(n_trials), np.arange(returns.shape[1]),
                                     indexing="ij")
        frame = pd.DataFrame({
            "figure": run.figure, "task": run.task, "condition": run.condition,
            "label": run.label, "seed": run.seed, "eval_trial": trial.ravel(),
            "episode": episode.ravel() + 1, "return": returns.ravel(), "tag": tag,
        })
        frame.to_csv(cache, index=False)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).drop(columns="tag")


def prepare_for_study(scale: str, results_dir: str | Path | None = None) -> None:
    """Compute what the study reads from a scale's runs and cache it beside them: the
    evaluation of every finished run of the evaluated figures (runs this code made; an
    archived scale's committed evaluations are read as they are) and the recorded
    lifetimes of the development statistics."""
    results_dir = results_folder(scale, results_dir)
    if current_only(scale):
        evaluate_every_finished_run(scale, results_dir)
    record_lifetimes(results_dir, current_only=current_only(scale))


__all__ = ["evaluate_runs", "evaluate_every_finished_run", "prepare_for_study"]
