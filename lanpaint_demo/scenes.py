"""Procedural scenes of the demo model, and the holes its benchmark cuts in them (pure PyTorch).

A scene is a sky gradient with exactly one sun, a hill line across the picture and a periodic
structure across its lower part (brick wall, picket fence, vertical stripes or tiles) at a random
period and phase. Everything a hole can hide is decided by what surrounds it: the sky gradient
continues, the hill line continues smoothly, the structure continues with the same period, phase
and colours, and there is one sun -- so a second sun painted into a hole is a visible error (a
"ghost", counted by the tools: devtools.demo_model.count_suns). There are no objects (trees,
clouds) that a hole could hide entirely, which no method could recover.

``layout(seed)`` draws the parameters (deterministic: Python's ``random.Random(seed)``);
``render(layout, size)`` draws them at any resolution (coordinates are fractions of the side);
``masks(kind, seed, size)`` gives the holes. Seeds from ``HELD_OUT_SEED`` on never enter training.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

import torch

STRUCTURES = ("brick", "fence", "stripes", "tiles")
# the paper's four hole shapes, then two of ours that cross the hill line and the structure
MASK_KINDS = ("box", "half", "checkerboard", "outpaint", "stripe", "blob")
HELD_OUT_SEED = 100000   # seeds from here on never enter training


@dataclass(frozen=True)
class Layout:
    sky_top: tuple
    sky_bottom: tuple
    sun: tuple                 # (cx, cy, r, (r, g, b))
    horizon: float
    hill_waves: tuple          # ((amplitude, frequency, phase), ...)
    ground: tuple
    structure: str
    band_top: float            # the structure covers rows band_top .. band_bottom
    band_bottom: float
    period: float              # horizontal period of the structure (fraction of the side)
    phase: float               # horizontal offset in periods, [0, 1)
    colours: tuple             # the structure's two colours


def _jitter(rng, colour, amount):
    return tuple(min(1.0, max(0.0, c + rng.uniform(-amount, amount))) for c in colour)


def layout(seed: int) -> Layout:
    """The scene parameters of ``seed``."""
    rng = random.Random(int(seed))
    sky_top = _jitter(rng, rng.choice([(0.22, 0.42, 0.82), (0.38, 0.26, 0.55), (0.55, 0.6, 0.68)]), 0.08)
    sky_bottom = _jitter(rng, (min(1, sky_top[0] + 0.35), min(1, sky_top[1] + 0.28), min(1, sky_top[2] + 0.05)), 0.06)
    horizon = rng.uniform(0.36, 0.52)
    waves = ((rng.uniform(0.02, 0.06), rng.uniform(0.5, 1.5), rng.random()),
             (rng.uniform(0.0, 0.02), rng.uniform(2.0, 3.5), rng.random()))
    # the sun's blue stays below every sky colour's, which is what counting suns keys on
    sun = (rng.uniform(0.12, 0.88), rng.uniform(0.1, horizon - 0.14), rng.uniform(0.05, 0.1),
           (1.0, rng.uniform(0.8, 0.92), rng.uniform(0.2, 0.4)))
    ground = _jitter(rng, rng.choice([(0.26, 0.55, 0.24), (0.45, 0.5, 0.22), (0.72, 0.64, 0.4)]), 0.06)
    structure = rng.choice(STRUCTURES)
    band_top = rng.uniform(0.62, 0.74)
    band_bottom = band_top + rng.uniform(0.16, 0.22) if structure == "fence" else 1.0
    period = rng.uniform(0.14, 0.25)
    phase = rng.random()
    if structure == "brick":
        colours = (_jitter(rng, (0.68, 0.3, 0.23), 0.07), _jitter(rng, (0.82, 0.8, 0.74), 0.04))
    elif structure == "fence":
        colours = (_jitter(rng, rng.choice([(0.93, 0.92, 0.88), (0.5, 0.33, 0.2)]), 0.05), (0, 0, 0))
    else:
        palette = [(0.85, 0.2, 0.2), (0.95, 0.9, 0.8), (0.2, 0.3, 0.7), (0.95, 0.75, 0.2), (0.15, 0.15, 0.18)]
        a, b = rng.sample(range(len(palette)), 2)
        colours = (_jitter(rng, palette[a], 0.05), _jitter(rng, palette[b], 0.05))
    return Layout(sky_top, sky_bottom, sun, horizon, waves, ground, structure, band_top, band_bottom,
                  period, phase, colours)


def _coverage(signed_distance, size):
    """Anti-aliased inside-ness of a shape from its signed distance (fraction units; < 0 inside)."""
    return (0.5 - signed_distance * size).clamp(0.0, 1.0)


def _paint(img, colour, alpha):
    c = torch.tensor(colour, dtype=img.dtype).view(1, 1, 3)
    return img * (1 - alpha[..., None]) + c * alpha[..., None]


def _grid(size):
    idx = (torch.arange(size, dtype=torch.float32) + 0.5) / size
    v, u = torch.meshgrid(idx, idx, indexing="ij")            # v: down, u: right
    return u, v


def hill_line(lay: Layout, u: torch.Tensor) -> torch.Tensor:
    return lay.horizon + sum(a * torch.sin(2 * math.pi * (f * u + p)) for a, f, p in lay.hill_waves)


def _structure_alpha_colour(lay: Layout, u, v, size):
    """(coverage of colour A, coverage of colour B) of the structure over the pixel grid."""
    band = _coverage(lay.band_top - v, size) * _coverage(v - lay.band_bottom, size)
    x = u / lay.period - lay.phase                          # in periods
    if lay.structure == "brick":
        row_h = lay.period / 2
        row = torch.floor((v - lay.band_top) / row_h)
        xb = x + 0.5 * torch.remainder(row, 2)
        fx = torch.remainder(xb, 1.0)
        fy = torch.remainder((v - lay.band_top) / row_h, 1.0)
        mortar_x = (torch.minimum(fx, 1 - fx) * lay.period * size < 0.8).float()
        mortar_y = (torch.minimum(fy, 1 - fy) * row_h * size < 0.8).float()
        mortar = torch.maximum(mortar_x, mortar_y)
        return band * (1 - mortar), band * mortar
    if lay.structure == "fence":
        fx = torch.remainder(x, 1.0)
        picket = _coverage((torch.abs(fx - 0.5) - 0.22) * lay.period, size)
        height = lay.band_bottom - lay.band_top
        rails = sum(_coverage(torch.abs(v - (lay.band_top + k * height)) - 0.012, size) for k in (0.3, 0.75))
        return band * torch.maximum(picket, rails.clamp(0, 1)), torch.zeros_like(band)
    if lay.structure == "stripes":
        fx = torch.remainder(x, 1.0)
        a = _coverage((torch.abs(fx - 0.5) - 0.25) * lay.period, size)
        return band * a, band * (1 - a)
    # tiles: a checkerboard with cells of half a period
    cx = torch.floor(2 * x)
    cy = torch.floor(2 * (v - lay.band_top) / lay.period)
    a = torch.remainder(cx + cy, 2)
    return band * a, band * (1 - a)


def render(lay: Layout, size: int) -> torch.Tensor:
    """The scene as a ComfyUI IMAGE: float32 [1, size, size, 3] in [0, 1]."""
    u, v = _grid(size)
    top = torch.tensor(lay.sky_top).view(1, 1, 3)
    bottom = torch.tensor(lay.sky_bottom).view(1, 1, 3)
    t = (v / max(lay.horizon, 1e-3)).clamp(0, 1)[..., None]
    img = top * (1 - t) + bottom * t
    cx, cy, r, colour = lay.sun
    img = _paint(img, colour, _coverage(torch.sqrt((u - cx) ** 2 + (v - cy) ** 2) - r, size))
    hills = hill_line(lay, u)
    shade = (1 - 0.35 * ((v - hills) / (1 - hills)).clamp(0, 1))[..., None]
    ground = torch.tensor(lay.ground).view(1, 1, 3) * shade
    g = _coverage(hills - v, size)[..., None]
    img = img * (1 - g) + ground * g
    a, b = _structure_alpha_colour(lay, u, v, size)
    img = _paint(img, lay.colours[0], a)
    if lay.structure != "fence":
        img = _paint(img, lay.colours[1], b)
    return img.clamp(0, 1)[None].contiguous()


def masks(kind: str, seed: int, size: int) -> torch.Tensor:
    """A hole (1 = regenerate) of ``kind`` as a ComfyUI MASK [1, size, size]:
    box: the central square of half the side; half: the right half; checkerboard: every other cell
    of a 4 x 4 grid; outpaint: a border of an eighth of the side all round (the centre is kept);
    stripe: a vertical band of a quarter of the side across the whole picture; blob: an irregular
    union of four discs near the centre, drawn from ``seed``."""
    u, v = _grid(size)
    if kind == "box":
        m = ((u > 0.25) & (u < 0.75) & (v > 0.25) & (v < 0.75)).float()
    elif kind == "half":
        m = (u > 0.5).float()
    elif kind == "checkerboard":
        m = torch.remainder(torch.floor(4 * u) + torch.floor(4 * v), 2)
    elif kind == "outpaint":
        m = 1 - ((u > 0.125) & (u < 0.875) & (v > 0.125) & (v < 0.875)).float()
    elif kind == "stripe":
        m = ((u > 0.375) & (u < 0.625)).float()
    elif kind == "blob":
        rng = random.Random(int(seed) * 7 + 3)
        m = torch.zeros(size, size)
        for _ in range(4):
            cx, cy, r = rng.uniform(0.38, 0.62), rng.uniform(0.45, 0.7), rng.uniform(0.1, 0.17)
            m = torch.maximum(m, ((u - cx) ** 2 + (v - cy) ** 2 < r * r).float())
    else:
        raise ValueError("mask kind must be one of %s, got %r" % (", ".join(MASK_KINDS), kind))
    return m[None]
