"""Network development read from recorded lifetimes: per task, seed and lifetime, how
much the structure changed and when (claims 4a, 4b). Recording is the pipeline's
(`lndp.pipeline.lifetimes`); this module only reads its caches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from lndp.design.figures import LIFETIME_PARAMETERS, LIFETIMES_PER_SEED, recording_keys
from lndp.design.layout import finished_seeds
from lndp.runfolder import DEVELOPMENT_CACHE, read_development
from lndp.study.measures import lifetime_statistics


def development_statistics(results_dir: str | Path, condition: str = "sp_mu0.5_sigma0.1",
                           lifetimes: int = LIFETIMES_PER_SEED,
                           tasks: Iterable[str] = ("cartpole", "foraging", "acrobot",
                                                   "pendulum"),
                           current_only: bool = False) -> pd.DataFrame:
    """Per task, seed and recorded lifetime of the structural-plasticity runs of
    `condition`: `lifetime_statistics` of the evolved and the untrained parameters
    as recorded by `lndp.pipeline.lifetimes.record_lifetimes` (call it first: a run
    whose lifetimes are not all recorded is an error naming it); only the runs this code
    made with `current_only`."""
    frames = []
    for task in tasks:
        for seed, run in finished_seeds(results_dir, "structural_plasticity", task,
                                        condition, current_only).items():
            keys = recording_keys(seed, lifetimes)
            traces = read_development(run)
            traces = traces[traces.key.isin(keys)] if traces is not None else None
            wanted = {(p, k) for p in LIFETIME_PARAMETERS for k in keys}
            if traces is None or not wanted <= set(zip(traces.parameters, traces.key)):
                raise ValueError(f"{run}: its {lifetimes} recorded lifetimes are not all in "
                                 f"{DEVELOPMENT_CACHE}; record them first "
                                 "(lndp.pipeline.lifetimes.record_lifetimes)")
            stats = lifetime_statistics(traces.reset_index(drop=True))
            stats.insert(0, "seed", seed)
            stats.insert(0, "task", task)
            frames.append(stats)
    columns = ["task", "seed", "parameters", "key", "steps", "changes", "top_share",
               "measurable", "initial_density", "final_density"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else \
        pd.DataFrame(columns=columns)


__all__ = ["development_statistics"]
