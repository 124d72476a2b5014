"""The boxes LanPaint samples when it crops to the regenerated region (pure box math, last two dims).

A box is (top, bottom, left, right) in latent pixels, half-open: rows top..bottom-1, columns
left..right-1. It applies to the last two dims of a tensor of any rank (images [B, C, h, w], video
[B, C, T, h, w], masks [B, h, w]). Several boxes of one size are sampled as one batch: their crops
are stacked along dim 0, box-major (crop_boxes, paste_boxes).
"""
import torch
import torch.nn.functional as F

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


def _bounds(used: torch.Tensor) -> Box:
    rows, cols = torch.nonzero(used.any(dim=1)).reshape(-1), torch.nonzero(used.any(dim=0)).reshape(-1)
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def regen_box(mask: torch.Tensor, pad: int, align: int, size: tuple[int, int]) -> Box | None:
    """Bounding box of mask > 0 (union over every leading dim), grown by `pad` latent pixels on each
    side, snapped outward to multiples of `align`, clamped to `size` (h, w). None: nothing is > 0."""
    _check(mask, pad, align, size, "regen_box")
    used = _used(mask)
    return _grown(_bounds(used), pad, align, size) if bool(used.any()) else None


def _dilated(used: torch.Tensor, pad: int) -> torch.Tensor:
    """`used` grown by pad pixels in every direction (a (2 pad + 1)^2 square), as a box grows."""
    pad = min(pad, max(used.shape))  # further changes nothing
    if pad == 0:
        return used
    x = used[None, None].to(torch.float32)
    x = F.max_pool2d(x, (2 * pad + 1, 1), stride=1, padding=(pad, 0))
    return F.max_pool2d(x, (1, 2 * pad + 1), stride=1, padding=(0, pad))[0, 0] > 0


def _region_labels(used: torch.Tensor) -> torch.Tensor:
    """[h, w] float64: 0 off `used`, else one label per 8-connected region (its largest flat index + 1).

    Each round takes the largest label among the 3 x 3 neighbours, then jumps to the label that the
    pixel named by it holds already (pointer jumping), so long regions settle in few rounds.
    """
    index = torch.arange(1, used.numel() + 1, dtype=torch.float64, device=used.device).reshape(used.shape)
    labels = torch.where(used, index, 0.0)
    while True:
        spread = F.max_pool2d(labels[None, None], 3, stride=1, padding=1)[0, 0]
        spread = torch.where(used, spread, 0.0)
        flat = spread.reshape(-1)
        jumped = torch.where(used, flat[(spread.long() - 1).clamp_min(0)].reshape(used.shape), 0.0)
        spread = torch.maximum(spread, jumped)
        if torch.equal(spread, labels):
            return labels
        labels = spread


def _region_bounds(labels: torch.Tensor) -> list[Box]:
    """Bounding box of every labelled region (labels from _region_labels)."""
    h, w = labels.shape
    flat = labels.reshape(-1)
    on = flat > 0
    _, region = torch.unique(flat[on], return_inverse=True)
    n = int(region.max()) + 1
    pos = torch.nonzero(on).reshape(-1)
    rows, cols = pos // w, pos % w

    def reduce(values, how, start):
        return torch.full((n,), start, dtype=values.dtype, device=values.device).scatter_reduce(
            0, region, values, how, include_self=False)
    bounds = torch.stack([reduce(rows, "amin", h), reduce(rows, "amax", -1) + 1,
                          reduce(cols, "amin", w), reduce(cols, "amax", -1) + 1], dim=1)
    return [tuple(b) for b in bounds.tolist()]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _merged(boxes: list[Box]) -> list[Box]:
    """Boxes that overlap replaced by their bounding box, until none overlap."""
    boxes = list(boxes)
    i = 0
    while i < len(boxes):
        j = next((j for j in range(len(boxes)) if j != i and _overlap(boxes[i], boxes[j])), None)
        if j is None:
            i += 1
            continue
        a, b = boxes[i], boxes[j]
        i, drop = min(i, j), max(i, j)
        boxes[i] = (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]))
        del boxes[drop]  # the merged box at i is checked against every other one again
    return boxes


def regen_boxes(mask: torch.Tensor, pad: int, align: int, size: tuple[int, int]) -> list[Box]:
    """One box per connected region of mask > 0 (union over every leading dim) after padding: the
    regions of mask > 0 grown by `pad` pixels (8-neighbours), each one's bounding box snapped outward
    to multiples of `align` and clamped to `size` (h, w); boxes that overlap merge into their bounding
    box. The boxes are disjoint, in row-major order of their top-left corners; [] when nothing is > 0.
    A mask with one region gets [regen_box(...)].
    """
    _check(mask, pad, align, size, "regen_boxes")
    used = _used(mask)
    if not bool(used.any()):
        return []
    grown = _dilated(used, pad)
    boxes = [_grown(b, 0, align, size) for b in _region_bounds(_region_labels(grown))]
    return sorted(_merged(boxes))


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


def paste(full: torch.Tensor, part: torch.Tensor, box: Box) -> torch.Tensor:
    """A copy of `full` with `part` written into the box of its last two dims (`full` is unchanged)."""
    out = full.clone()
    crop(out, box).copy_(part.to(out.dtype))
    return out


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
