"""One network developing through spontaneous activity and a lifetime, as a GIF.

`development_gif` draws each recorded step of a `lndp.pipeline.lifetimes.Lifetime` (the
graph beside its weight matrix) and writes an animated GIF with Pillow (no ffmpeg).
Recording the lifetime is the pipeline's (`lndp.pipeline.lifetimes.record_lifetime`).
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from lndp import plots
from lndp.design.layout import resolve
from lndp.pipeline.lifetimes import Lifetime


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


__all__ = ["frame_steps", "development_gif"]
