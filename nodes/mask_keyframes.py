"""Masks painted on a few keyframes of a video -> one mask per frame, shapes morphing in between.

Pure PyTorch (no ComfyUI import). A keyframe mask is a bool tensor [H, W] (True = repaint). Between
two keyframes a and b, frame f takes t = (f - a) / (b - a): both masks' signed distance fields are
moved along the line between the masks' centroids (a's by t of the way, b's by the rest), blended
as (1 - t) * sdf_a + t * sdf_b, and the pixels where the blend is negative are repainted. A shape
thus travels, grows and bends from one keyframe to the next (a pure translation comes out exact)
instead of fading out while the next fades in. Before the first keyframe and after the last,
their masks hold. Keyframes themselves come back exactly.

Signed distance (``signed_distance``): Euclidean distance in pixels from each pixel centre to the
boundary between the mask and the rest, negative inside, exact (two separable passes of the squared
distance transform). An empty mask is +``far`` everywhere and a full one -``far`` (far = the
picture's height + width), so a shape blended with an empty keyframe shrinks away in place. For
the frames in between, the fields are computed at a working size of at most ``SDF_MAX_SIDE`` pixels
a side and resized bilinearly: their boundaries are good to about max(H, W) / SDF_MAX_SIDE pixels,
finer than the 8x or 16x latent the mask is used on, and strokes thinner than that vanish there.

Run-length encoding (``rle_encode`` / ``rle_decode``): the editor stores each keyframe as the run
lengths of its row-major pixels, alternating keep / repaint and starting with keep.
"""
from typing import Callable

import torch
import torch.nn.functional as F

SDF_MAX_SIDE = 256           # working size of the distance fields (their cost grows as H * W * (H + W))
_CHUNK_ELEMENTS = 1 << 24    # elements per step of the brute-force 1-D transform (64 MiB of float32)


def rle_encode(mask: torch.Tensor) -> list[int]:
    """Run lengths of a bool [H, W] mask's row-major pixels: keep, repaint, keep, ... (first may be 0)."""
    flat = mask.reshape(-1).to(torch.int8)
    change = torch.nonzero(flat[1:] != flat[:-1]).reshape(-1) + 1
    edges = torch.cat([torch.zeros(1, dtype=torch.long), change, torch.tensor([flat.numel()])])
    runs = (edges[1:] - edges[:-1]).tolist()
    return ([0] + runs) if flat.numel() and bool(flat[0]) else runs


def check_runs(runs: list[int], height: int, width: int):
    """ValueError unless the run lengths are >= 0 and cover height x width exactly (summed as Python
    integers: no overflow, however large they are)."""
    negative = next((r for r in runs if r < 0), None)
    if negative is not None:
        raise ValueError(f"a run length is negative ({negative})")
    total = sum(runs)
    if total != height * width:
        raise ValueError(f"the run lengths cover {total} pixels, not {height} x {width}")


def rle_decode(runs: list[int], height: int, width: int) -> torch.Tensor:
    """The bool [height, width] mask of rle_encode's runs; ValueError if they do not cover it exactly."""
    check_runs(runs, height, width)
    counts = torch.tensor(runs, dtype=torch.long)
    values = torch.arange(len(runs)) % 2 == 1
    return torch.repeat_interleave(values, counts).reshape(height, width)


def _squared_distance_1d(f: torch.Tensor) -> torch.Tensor:
    """g[..., i] = min over j of (i - j)^2 + f[..., j] along the last dim (exact)."""
    n = f.shape[-1]
    pos = torch.arange(n, dtype=f.dtype, device=f.device)
    offsets = (pos[:, None] - pos[None, :]) ** 2                        # [n, n]
    lines = f.reshape(-1, n)
    out = torch.empty_like(lines)
    step = max(1, _CHUNK_ELEMENTS // (n * n))
    for start in range(0, lines.shape[0], step):
        out[start:start + step] = (lines[start:start + step, None, :] + offsets).amin(-1)
    return out.reshape(f.shape)


def _distance_to(target: torch.Tensor, far: float) -> torch.Tensor:
    """Euclidean distance from every pixel to the nearest True pixel of ``target`` [H, W] (far if none)."""
    big = far * far
    f = torch.where(target, 0.0, big).to(torch.float32)
    d2 = _squared_distance_1d(_squared_distance_1d(f).transpose(0, 1)).transpose(0, 1)
    return d2.clamp(max=big).sqrt()


def signed_distance(mask: torch.Tensor) -> torch.Tensor:
    """Signed distance [H, W] in pixels to the mask's boundary (halfway between pixel centres):
    negative inside, positive outside; -far / +far for a full / empty mask (far = H + W)."""
    far = float(mask.shape[-2] + mask.shape[-1])
    if not mask.any():
        return torch.full(mask.shape, far)
    if mask.all():
        return torch.full(mask.shape, -far)
    return torch.where(mask, 0.5 - _distance_to(~mask, far), _distance_to(mask, far) - 0.5)


def _centroid(mask: torch.Tensor):
    """(row, column) mean of the mask's pixels, or None for an empty mask."""
    rows, cols = torch.nonzero(mask, as_tuple=True)
    return None if rows.numel() == 0 else torch.stack([rows.float().mean(), cols.float().mean()])


class _Field:
    """A keyframe's signed distance field at the working size, in pixels of the full size."""

    def __init__(self, mask: torch.Tensor):
        h, w = mask.shape
        self.full = (h, w)
        self.centroid = _centroid(mask)
        scale = min(1.0, SDF_MAX_SIDE / max(h, w))
        self.size = (max(1, round(h * scale)), max(1, round(w * scale)))
        work = mask if self.size == self.full else \
            F.interpolate(mask[None, None].float(), size=self.size, mode="bilinear", antialias=True)[0, 0] >= 0.5
        self.sdf = signed_distance(work) * (h / self.size[0])

    def shifted(self, offset: torch.Tensor) -> torch.Tensor:
        """The field moved by ``offset`` (rows, columns) full-size pixels; the edges extend outwards."""
        (h, w), (sh, sw) = self.full, self.size
        rows = (torch.arange(sh) + 0.5) * (2 / sh) - 1 - float(offset[0]) * (2 / h)
        cols = (torch.arange(sw) + 0.5) * (2 / sw) - 1 - float(offset[1]) * (2 / w)
        grid = torch.stack(torch.meshgrid(cols, rows, indexing="xy"), -1)[None]     # [1, sh, sw, (x, y)]
        return F.grid_sample(self.sdf[None, None], grid, mode="bilinear", padding_mode="border",
                             align_corners=False)[0, 0]


def _between(a: _Field, b: _Field, t: float) -> torch.Tensor:
    """The bool mask at fraction t from keyframe a to keyframe b: both fields moved along the line
    between their centroids (a pure translation comes out exact), then blended."""
    step = b.centroid - a.centroid if a.centroid is not None and b.centroid is not None else torch.zeros(2)
    blend = (1 - t) * a.shifted(t * step) + t * b.shifted(-(1 - t) * step)
    return F.interpolate(blend[None, None], size=a.full, mode="bilinear", align_corners=False)[0, 0] < 0


def _never_interrupted():
    """The default interrupt check: nothing stops the morph."""


def interpolate(keyframes: dict[int, torch.Tensor], frames: int,
                check_interrupt: Callable[[], None] = _never_interrupted) -> torch.Tensor:
    """Bool masks [frames, H, W] from bool keyframe masks {frame: [H, W]} (frames 0 .. frames-1).

    Keyframes come back exactly; frames between two keyframes follow their signed distance fields;
    frames before the first / after the last keyframe take its mask. No keyframes: ValueError.
    `check_interrupt` is called before each field and each frame between keyframes; it may raise.
    """
    if not keyframes:
        raise ValueError("no keyframes to interpolate")
    keys = sorted(keyframes)
    if keys[0] < 0 or keys[-1] >= frames:
        raise ValueError(f"keyframes {keys} outside frames 0 .. {frames - 1}")
    h, w = keyframes[keys[0]].shape
    out = torch.empty(frames, h, w, dtype=torch.bool)
    out[:keys[0] + 1] = keyframes[keys[0]]
    out[keys[-1]:] = keyframes[keys[-1]]
    fields = {}
    for a, b in zip(keys, keys[1:]):
        out[a], out[b] = keyframes[a], keyframes[b]
        for k in (a, b):
            if b - a > 1 and k not in fields:
                check_interrupt()
                fields[k] = _Field(keyframes[k])
        for f in range(a + 1, b):   # a frame at a time: memory of one field, whatever the length
            check_interrupt()
            out[f] = _between(fields[a], fields[b], (f - a) / (b - a))
    return out
