"""The boxes LanPaint samples when it crops to the regenerated region (pure box math, last two dims).

A box is (top, bottom, left, right) in latent pixels, half-open: rows top..bottom-1, columns
left..right-1. It applies to the last two dims of a tensor of any rank (images [B, C, h, w], video
[B, C, T, h, w], masks [B, h, w]). Several boxes of one size are sampled as one batch: their crops
are stacked along dim 0, box-major (crop_boxes, paste_boxes).
"""
from typing import Callable, NamedTuple

import torch

Box = tuple[int, int, int, int]


def _check(mask: torch.Tensor, pad: int, align: int, size: tuple[int, int], name: str):
    if pad < 0 or align < 1:
        raise ValueError(f"{name} needs pad >= 0 and align >= 1, got pad={pad}, align={align}")
    if tuple(mask.shape[-2:]) != tuple(size):
        raise ValueError(f"{name}: the mask's last two dims {tuple(mask.shape[-2:])} are not the latent's "
                         f"{tuple(size)}")


def _used(mask: torch.Tensor) -> torch.Tensor:
    """[h, w] bool: mask > 0 anywhere along the leading dims.

    mask > 0, not the >= 0.5 rule: a mask function (Differential Diffusion) may regenerate any
    pixel whose mask is above zero at some step.
    """
    return (mask > 0).reshape(-1, *mask.shape[-2:]).any(dim=0)


def _grown(box: Box, pad: int, align: int, size: tuple[int, int]) -> Box:
    """`box` grown by pad on each side, snapped outward to multiples of align, clamped to size (h, w)."""
    top, bottom, left, right = box
    snap_down = lambda v: max((v - pad) // align * align, 0)  # noqa: E731
    snap_up = lambda v, n: min(-(-(v + pad) // align) * align, n)  # noqa: E731
    return snap_down(top), snap_up(bottom, size[0]), snap_down(left), snap_up(right, size[1])


def _never_interrupted():
    """The default interrupt check: nothing stops the search."""


class TooManyRegions(ValueError):
    """The mask has more regions after padding than one run should crop (count: how many)."""

    def __init__(self, count: int):
        super().__init__(f"{count} separate regions after padding (at most {MAX_REGIONS})")
        self.count = count


MAX_REGIONS = 4096  # boxes merge pairwise (quadratic in their number); far more crops than anyone samples


class Region(NamedTuple):
    box: Box        # bounding box of the region
    pixels: int     # how many pixels it holds


def sliding_max(x: torch.Tensor, radius: int, dim: int,
                check_interrupt: Callable[[], None] = _never_interrupted) -> torch.Tensor:
    """The largest value of `x` within `radius` places along `dim` (the window clipped at the ends),
    in O(log radius) passes: maxima over runs of 1, 2, 4, ... places, then two overlapping runs per
    window. `check_interrupt` is called between passes and may raise to stop. Two calls (rows, then
    columns) give the square window."""
    n = x.shape[dim]
    if radius <= 0:
        return x
    if radius >= n - 1:  # every window holds the whole line
        return x.amax(dim, keepdim=True).expand(x.shape).clone()
    low = False if x.dtype == torch.bool else (
        -torch.inf if x.dtype.is_floating_point else torch.iinfo(x.dtype).min)
    edge = list(x.shape)
    edge[dim] = radius
    fill = torch.full(edge, low, dtype=x.dtype, device=x.device)
    runs, span, window = torch.cat([fill, x, fill], dim), 1, 2 * radius + 1
    while 2 * span <= window:
        check_interrupt()
        length = runs.shape[dim] - span
        runs = torch.maximum(runs.narrow(dim, 0, length), runs.narrow(dim, span, length))
        span *= 2
    return torch.maximum(runs.narrow(dim, 0, n), runs.narrow(dim, window - span, n))


def _runs(on: torch.Tensor):
    """Row, first and one-past-last column of every run of True in `on` [h, w], row-major."""
    steps = torch.diff(on.to(torch.int8), dim=1, prepend=on.new_zeros(on.shape[0], 1, dtype=torch.int8),
                       append=on.new_zeros(on.shape[0], 1, dtype=torch.int8))
    starts, ends = torch.nonzero(steps == 1), torch.nonzero(steps == -1)
    return starts[:, 0], starts[:, 1], ends[:, 1]


def _touching(rows, starts, ends, width: int):
    """Pairs (i, j) of runs in neighbouring rows (j one row below i) that touch, diagonally included:
    j starts at most one column after i ends and ends at most one before i starts. A run's partners
    are consecutive in row-major order, found by binary search."""
    start_key, end_key = rows * (width + 1) + starts, rows * (width + 1) + ends
    below = (rows + 1) * (width + 1)
    first = torch.searchsorted(end_key, below + starts)                  # ends at or after i's start
    last = torch.searchsorted(start_key, below + ends, right=True)       # starts at or before i's end
    count = (last - first).clamp_min(0)
    i = torch.repeat_interleave(torch.arange(rows.numel(), device=rows.device), count)
    offset = torch.arange(i.numel(), device=rows.device) - torch.repeat_interleave(count.cumsum(0) - count, count)
    return i, first[i] + offset


def _components(n: int, i: torch.Tensor, j: torch.Tensor, check_interrupt) -> torch.Tensor:
    """[n]: each node's component (its smallest node) for the edges i-j: every root hooks onto the
    smallest root it has an edge to, then every node jumps to its root; O(log n) rounds."""
    parent = torch.arange(n, device=i.device)
    while True:
        check_interrupt()
        a, b = parent[i], parent[j]
        apart = a != b
        if not bool(apart.any()):
            return parent
        i, j, a, b = i[apart], j[apart], a[apart], b[apart]
        parent = parent.scatter_reduce(0, torch.maximum(a, b), torch.minimum(a, b), "amin")
        while True:
            jumped = parent[parent]
            if torch.equal(jumped, parent):
                break
            parent = jumped


def regions(used: torch.Tensor, pad: int,
            check_interrupt: Callable[[], None] = _never_interrupted) -> list[Region]:
    """The 8-connected regions of `used` [h, w] (bool) grown by `pad` pixels (a (2 pad + 1)^2
    square, clipped at the edges): each one's bounding box and pixel count, in the grown mask.

    The cost is one pass over the pixels per doubling of the pad (sliding_max), then the runs of
    each row: runs that touch in neighbouring rows are one region (_touching, _components), so the
    work after growing follows the regions' outlines, not their area. More than MAX_REGIONS regions:
    TooManyRegions. `check_interrupt` is called between passes; it may raise to stop the search.
    """
    grown = sliding_max(sliding_max(used, pad, 0, check_interrupt), pad, 1, check_interrupt)
    rows, starts, ends = _runs(grown)
    check_interrupt()
    component = _components(rows.numel(), *_touching(rows, starts, ends, grown.shape[1]), check_interrupt)
    roots, region = torch.unique(component, return_inverse=True)
    if roots.numel() > MAX_REGIONS:
        raise TooManyRegions(roots.numel())

    def reduce(values, how):
        return torch.zeros(roots.numel(), dtype=values.dtype, device=values.device).scatter_reduce(
            0, region, values, how, include_self=False)
    table = torch.stack([reduce(rows, "amin"), reduce(rows, "amax") + 1, reduce(starts, "amin"), reduce(ends, "amax"),
                         reduce(ends - starts, "sum")], 1).tolist()
    return [Region(tuple(t[:4]), t[4]) for t in table]


def _merged(boxes: list[Box]) -> list[Box]:
    """Boxes that overlap replaced by their bounding box, until none overlap (the result does not
    depend on the order: boxes that overlap always end up in one). Each box is compared with all
    others at once, so n boxes cost O(n) tensor operations."""
    if len(boxes) < 2:
        return list(boxes)
    b = torch.tensor(boxes)
    alive = torch.ones(len(boxes), dtype=torch.bool)
    i = 0
    while i < len(boxes):
        if alive[i]:
            hit = alive & (b[:, 0] < b[i, 1]) & (b[i, 0] < b[:, 1]) & (b[:, 2] < b[i, 3]) & (b[i, 2] < b[:, 3])
            hit[i] = False
            if bool(hit.any()):
                group = torch.cat([b[i:i + 1], b[hit]])
                b[i] = torch.stack([group[:, 0].min(), group[:, 1].max(), group[:, 2].min(), group[:, 3].max()])
                alive &= ~hit
                continue  # the grown box is compared with every other again
        i += 1
    return [tuple(box) for box in b[alive].tolist()]


def regen_boxes(mask: torch.Tensor, pad: int, align: int, size: tuple[int, int],
                check_interrupt: Callable[[], None] = _never_interrupted) -> list[Box]:
    """One box per connected region of mask > 0 (union over every leading dim) after padding: the
    regions of mask > 0 grown by `pad` pixels (8-neighbours), each one's bounding box snapped outward
    to multiples of `align` and clamped to `size` (h, w); boxes that overlap merge into their bounding
    box. The boxes are disjoint, in row-major order of their top-left corners; [] when nothing is > 0.
    More than MAX_REGIONS regions: TooManyRegions. `check_interrupt`: see regions.
    """
    _check(mask, pad, align, size, "regen_boxes")
    used = _used(mask)
    if not bool(used.any()):
        return []
    found = regions(used, pad, check_interrupt)
    return sorted(_merged([_grown(r.box, 0, align, size) for r in found]))


def same_size_groups(boxes: list[Box]) -> list[tuple[Box, ...]]:
    """The boxes grouped by (height, width), in order of first appearance (each group: one batch)."""
    groups: dict[tuple[int, int], list[Box]] = {}
    for b in boxes:
        groups.setdefault((b[1] - b[0], b[3] - b[2]), []).append(b)
    return [tuple(g) for g in groups.values()]


def covers(box: Box, size: tuple[int, int]) -> bool:
    """The box is the whole (h, w)."""
    return box == (0, size[0], 0, size[1])


def crop(t: torch.Tensor, box: Box) -> torch.Tensor:
    """The box of `t`'s last two dims (a view)."""
    top, bottom, left, right = box
    return t[..., top:bottom, left:right]


def crop_boxes(t: torch.Tensor, boxes: tuple[Box, ...]) -> torch.Tensor:
    """The boxes (all of one size) of `t`'s last two dims stacked along dim 0, box-major; one box:
    exactly crop(t, box)."""
    if len(boxes) == 1:
        return crop(t, boxes[0])
    return torch.cat([crop(t, b) for b in boxes])


def paste_boxes(full: torch.Tensor, parts: torch.Tensor, boxes: tuple[Box, ...]) -> torch.Tensor:
    """A copy of `full` with `parts` (stacked as crop_boxes stacks them) written into the boxes."""
    out = full.clone()
    for box, part in zip(boxes, parts.chunk(len(boxes))):
        crop(out, box).copy_(part.to(out.dtype))
    return out


def scale_box(box: Box, from_size: tuple[int, int], to_size: tuple[int, int]) -> Box:
    """The box on a grid of `to_size` covering the same fraction of the picture as `box` on `from_size`
    (outward rounding), for hints at another resolution than the latent."""
    (h, w), (H, W) = from_size, to_size
    top, bottom, left, right = box
    return (top * H // h, -(-bottom * H // h), left * W // w, -(-right * W // w))
