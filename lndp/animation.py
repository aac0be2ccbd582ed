"""One network developing through spontaneous activity and a lifetime, as a GIF.

`record_lifetime` runs one lifetime of a trained run's ES-mean parameters with
`Agent.record` and caches every step (adjacency, weights, activity, reward, phase) next to
the run as ``lifetime_key<k>.npz``; later calls read the cache, so a committed run keeps
its animation even after the model's parameter layout changes. `development_gif` draws
each recorded step (the graph beside its weight matrix) and writes an animated GIF with
Pillow (no ffmpeg).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lndp.experiments import resolve


@dataclass
class Lifetime:
    """Every recorded step of one lifetime; phase 0 = initial graph and spontaneous
    activity, k ≥ 1 = episode k. Steps after an episode ended are dropped."""

    task: str
    phase: np.ndarray  # (S,)
    reward: np.ndarray  # (S,)
    density: np.ndarray  # (S,)
    adjacency: np.ndarray  # (S, N, N) bool
    weights: np.ndarray  # (S, N, N)
    activity: np.ndarray  # (S, N)
    n_inputs: int
    n_outputs: int
    sa_steps: int
    returns: np.ndarray  # (n_episodes,)

    @property
    def steps(self) -> int:
        return len(self.phase)


def _cache(run_dir: Path, key: int) -> Path:
    return run_dir / f"lifetime_key{key}.npz"


def save_lifetime(life: Lifetime, path: str | Path) -> None:
    np.savez_compressed(
        path, task=life.task, phase=life.phase.astype(np.int8), reward=life.reward,
        density=life.density, adjacency=life.adjacency.astype(bool),
        weights=life.weights.astype(np.float16), activity=life.activity.astype(np.float16),
        n_inputs=life.n_inputs, n_outputs=life.n_outputs, sa_steps=life.sa_steps,
        returns=life.returns)


def load_lifetime(path: str | Path) -> Lifetime:
    with np.load(path) as z:
        return Lifetime(str(z["task"]), z["phase"].astype(int), z["reward"], z["density"],
                        z["adjacency"], z["weights"].astype(np.float32),
                        z["activity"].astype(np.float32), int(z["n_inputs"]),
                        int(z["n_outputs"]), int(z["sa_steps"]), z["returns"])


def record_lifetime(run_dir: str | Path, key: int = 0, refresh: bool = False) -> Lifetime:
    """The cached lifetime of this run (``<run_dir>/lifetime_key<key>.npz``), recorded
    with the run's ES-mean parameters the first time (or when `refresh`)."""
    run_dir = resolve(run_dir)
    cache = _cache(run_dir, key)
    if cache.exists() and not refresh:
        return load_lifetime(cache)
    import jax

    from lndp.config import io_sizes
    from lndp.rollout import Agent
    from lndp.train import load_config, load_params

    config = load_config(run_dir)
    result, trace = Agent(config).recorded(load_params(run_dir, "mean"),
                                           jax.random.PRNGKey(key))
    trace = jax.tree.map(np.asarray, trace)
    keep = trace.active.astype(bool)
    n_inputs, n_outputs = io_sizes(config.task)
    life = Lifetime(config.task.name, trace.phase[keep], trace.reward[keep],
                    trace.density[keep], trace.adjacency[keep], trace.weights[keep],
                    trace.activity[keep], n_inputs, n_outputs, int(config.model.sa_steps),
                    np.asarray(result.episode_returns))
    save_lifetime(life, cache)
    return life


def save_development(dev, folder: str | Path) -> None:
    """Write a recorded lifetime's ``density.csv`` and ``snapshots.npz`` (with the node
    counts, so that `load_development` needs no model)."""
    folder = resolve(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dev.density.to_csv(folder / "density.csv", index=False)
    np.savez(folder / "snapshots.npz", steps=[s["step"] for s in dev.snapshots],
             adjacency=np.stack([s["adjacency"] for s in dev.snapshots]),
             weights=np.stack([s["weights"] for s in dev.snapshots]),
             n_inputs=dev.n_inputs, n_outputs=dev.n_outputs)


def load_development(folder: str | Path):
    """The `experiments.Development` cached in `folder` (density.csv, snapshots.npz), or
    None when there is none; a cached record survives changes of the model's parameter
    layout that make the run's parameters unloadable."""
    from lndp.experiments import Development

    folder = resolve(folder)
    if not ((folder / "density.csv").exists() and (folder / "snapshots.npz").exists()):
        return None
    import pandas as pd

    density = pd.read_csv(folder / "density.csv")
    with np.load(folder / "snapshots.npz") as z:
        if "n_inputs" not in z:
            return None
        names = density.phase_name.to_numpy()
        snapshots = [{"step": int(s), "title": f"step {s} ({names[s]})", "adjacency": a,
                      "weights": w} for s, a, w in zip(z["steps"], z["adjacency"], z["weights"])]
        n_inputs, n_outputs = int(z["n_inputs"]), int(z["n_outputs"])
    returns = density[density.phase > 0].groupby("phase")["reward"].sum().to_numpy()
    return Development(str(density.task.iloc[0]), density, snapshots, n_inputs, n_outputs,
                       returns)


def frame_steps(life: Lifetime, max_frames: int = 100) -> np.ndarray:
    """Which steps to draw: all of them when few, else every step while the structure
    changes and a sparser stride where it does not."""
    if life.steps <= max_frames:
        return np.arange(life.steps)
    changes = np.r_[1, np.abs(np.diff(life.adjacency.astype(np.int8), axis=0)).sum((1, 2))]
    stride = int(np.ceil(life.steps / max_frames))
    keep = (np.arange(life.steps) % stride == 0) | (changes > 0)
    keep[[0, -1]] = True
    steps = np.nonzero(keep)[0]
    return steps[np.linspace(0, len(steps) - 1, min(len(steps), max_frames)).round().astype(int)]


def development_gif(life: Lifetime, name: str, figures_dir: str | Path, title: str = "",
                    max_frames: int = 100, duration_ms: int = 120) -> Path:
    """Write ``<figures_dir>/<name>.gif``: the graph and its weight matrix at each drawn
    step, with the density so far underneath. The last frame is held for 2 s."""
    import matplotlib
    import matplotlib.pyplot as plt
    from PIL import Image

    from lndp import plots

    folder = resolve(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    steps = frame_steps(life, max_frames)
    present = life.adjacency.any(0)
    max_abs = float(np.abs(life.weights[:, present]).max()) if present.any() else 1.0
    frames = []
    for s in steps:
        fig = plots.network_frame(life, int(s), max_abs=max_abs, title=title)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=72, metadata={"Software": None})
        plt.close(fig)
        buffer.seek(0)
        frames.append(Image.open(buffer).convert("RGB"))
    # one palette for all frames, from a strip of frames spread over the lifetime
    sample = frames[:: max(1, len(frames) // 6)]
    strip = Image.new("RGB", (frames[0].width * len(sample), frames[0].height + 40))
    for i, frame in enumerate(sample):
        strip.paste(frame, (i * frame.width, 0))
    # and large swatches of the colours that must survive exactly (nodes, markers, weights)
    swatches = [*plots.NODE_COLOURS.values(), plots.REWARD_COLOUR, "#d62728", "#dcd0f0",
                *[matplotlib.colors.to_hex(c) for c in
                  matplotlib.colormaps[plots.WEIGHT_CMAP](np.linspace(0, 1, 11))]]
    for i, colour in enumerate(swatches):
        strip.paste(matplotlib.colors.to_hex(colour), (i * 60, frames[0].height,
                                                        i * 60 + 60, frames[0].height + 40))
    palette = strip.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    frames = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    path = folder / f"{name}.gif"
    durations = [duration_ms] * (len(frames) - 1) + [2000]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=durations,
                   loop=0, optimize=False)
    return Path(path)


__all__ = ["Lifetime", "record_lifetime", "load_lifetime", "save_lifetime", "frame_steps",
           "development_gif", "save_development", "load_development"]
