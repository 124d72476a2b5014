"""The box LanPaint samples when it crops to the regenerated region (pure box math, last two dims).

A box is (top, bottom, left, right) in latent pixels, half-open: rows top..bottom-1, columns
left..right-1. It applies to the last two dims of a tensor of any rank (images [B, C, h, w], video
[B, C, T, h, w], masks [B, h, w]).
"""
import torch

Box = tuple[int, int, int, int]


def _span(used: torch.Tensor, pad: int, align: int, size: int) -> tuple[int, int]:
    """First and one-past-last index of `used` (1-D bool), grown by pad, snapped out to align, clamped."""
    index = torch.nonzero(used).reshape(-1)
    first, last = int(index[0]) - pad, int(index[-1]) + 1 + pad
    first = (first // align) * align
    last = -((-last) // align) * align
    return max(first, 0), min(last, size)


def regen_box(mask: torch.Tensor, pad: int, align: int, size: tuple[int, int]) -> Box | None:
    """Bounding box of mask > 0 (union over every leading dim), grown by `pad` latent pixels on each
    side, snapped outward to multiples of `align`, clamped to `size` (h, w). None: nothing is > 0.

    mask > 0, not the >= 0.5 rule: a mask function (Differential Diffusion) may regenerate any
    pixel whose mask is above zero at some step.
    """
    if pad < 0 or align < 1:
        raise ValueError(f"regen_box needs pad >= 0 and align >= 1, got pad={pad}, align={align}")
    if tuple(mask.shape[-2:]) != tuple(size):
        raise ValueError(f"regen_box: the mask's last two dims {tuple(mask.shape[-2:])} are not the latent's "
                         f"{tuple(size)}")
    used = (mask > 0).reshape(-1, *mask.shape[-2:]).any(dim=0)
    rows, cols = used.any(dim=1), used.any(dim=0)
    if not bool(rows.any()):
        return None
    top, bottom = _span(rows, pad, align, size[0])
    left, right = _span(cols, pad, align, size[1])
    return top, bottom, left, right


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


def scale_box(box: Box, from_size: tuple[int, int], to_size: tuple[int, int]) -> Box:
    """The box on a grid of `to_size` covering the same fraction of the picture as `box` on `from_size`
    (outward rounding), for hints at another resolution than the latent."""
    (h, w), (H, W) = from_size, to_size
    top, bottom, left, right = box
    return (top * H // h, -(-bottom * H // h), left * W // w, -(-right * W // w))
