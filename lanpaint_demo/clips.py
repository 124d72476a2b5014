"""The demo scenes in motion (pure PyTorch): the clips the demo video model learned, and the holes its
benchmark cuts in them.

A clip is one scene of scenes.py filmed by a camera panning at a per-clip speed: the structure scrolls
at the pan speed, the hills at half of it (they are farther away), and the sun drifts on its own,
slowly. Everything a hole hides is again decided by what surrounds it -- in space and in time: the
structure keeps its period and moves at the speed the visible part shows, and frames missing at the
end continue the motion of the frames before them.

``motion(seed)`` draws the speeds (deterministic: ``random.Random``); ``render_clip(seed, frames,
size)`` draws the clip as a ComfyUI IMAGE batch [frames, size, size, 3]; ``clip_masks(kind, seed,
frames, size)`` gives the holes [frames, size, size]. Seeds from ``scenes.HELD_OUT_SEED`` on never
enter training.
"""
from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

import torch

from . import scenes

# a fixed box, a box travelling with the structure, a vertical band through the whole clip, and the
# last frames missing (outpainting in time)
HOLE_KINDS = ("box", "moving_box", "stripe", "last_frames")


@dataclass(frozen=True)
class Motion:
    pan: float          # the structure's shift per frame, in fractions of the side (+: to the right)
    sun_drift: tuple    # the sun's (dx, dy) per frame, in fractions of the side


def motion(seed: int) -> Motion:
    """The camera pan and sun drift of clip ``seed`` (independent of its scene's layout draws)."""
    rng = random.Random(int(seed) * 7919 + 17)
    pan = rng.choice((-1, 1)) * rng.uniform(0.01, 0.03)
    return Motion(pan, (rng.uniform(-0.012, 0.012), rng.uniform(-0.004, 0.004)))


def frame_layout(lay: scenes.Layout, mov: Motion, frame: int) -> scenes.Layout:
    """The layout seen at ``frame``: structure scrolled by pan * frame, hills by half of it, sun drifted."""
    shift = mov.pan * frame
    waves = tuple((a, f, p - f * shift / 2) for a, f, p in lay.hill_waves)
    cx, cy, r, colour = lay.sun
    sun = (cx + mov.sun_drift[0] * frame, cy + mov.sun_drift[1] * frame, r, colour)
    return dataclasses.replace(lay, hill_waves=waves, sun=sun, phase=lay.phase + shift / lay.period)


def render_clip(seed: int, frames: int, size: int) -> torch.Tensor:
    """Clip ``seed`` as a ComfyUI IMAGE batch: float32 [frames, size, size, 3] in [0, 1]."""
    lay, mov = scenes.layout(seed), motion(seed)
    return torch.cat([scenes.render(frame_layout(lay, mov, f), size) for f in range(frames)])


def clip_masks(kind: str, seed: int, frames: int, size: int) -> torch.Tensor:
    """A hole (1 = regenerate) of ``kind`` through clip ``seed`` as a ComfyUI MASK [frames, size, size]:
    box: the central square of half the side in every frame; moving_box: a square of half the side over
    the structure's band, travelling with the pan; stripe: a vertical band of a quarter of the side in
    every frame; last_frames: the last third of the frames (at least one) missing entirely."""
    u = ((torch.arange(size, dtype=torch.float32) + 0.5) / size)[None, :]
    v = ((torch.arange(size, dtype=torch.float32) + 0.5) / size)[:, None]
    out = torch.zeros(frames, size, size)
    if kind == "box":
        out[:] = ((u > 0.25) & (u < 0.75) & (v > 0.25) & (v < 0.75)).float()
    elif kind == "moving_box":
        pan, top = motion(seed).pan, scenes.layout(seed).band_top
        left = 0.25 - pan * (frames - 1) / 2          # centred over the clip's middle frame
        for f in range(frames):
            x0 = left + pan * f
            out[f] = ((u > x0) & (u < x0 + 0.5) & (v > top - 0.12) & (v < top + 0.38)).float()
    elif kind == "stripe":
        out[:] = ((u > 0.375) & (u < 0.625)).float()
    elif kind == "last_frames":
        out[frames - max(1, frames // 3):] = 1.0
    else:
        raise ValueError("hole kind must be one of %s, got %r" % (", ".join(HOLE_KINDS), kind))
    return out
