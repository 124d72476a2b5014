"""LanPaint FLD Crop / Stitch in pixel space: the regions of a mask cut out, resized to the model's
native size, and pasted back with a feathered edge (pure torch; images [B, H, W, C], masks [B, H, W]).

The boxes are crop_padding's (lanpaint_core.crop.regen_boxes): one per connected region of the mask
after padding, boxes that overlap merged. Each crop is resized so its long side is the target size,
both sides multiples of the model's size multiple (aspect kept up to that rounding); crops that come
out the same size form one batch, box-major.
"""
from typing import NamedTuple

import torch
import torch.nn.functional as F

from ..lanpaint_core.crop import Box, crop, regen_boxes
from ..lanpaint_core.validation import require_finite
from .mask_blend import feathered_weight, mix


class CropBatch(NamedTuple):
    """Boxes (in the picture) whose crops share one size (height, width) after resizing."""
    boxes: tuple[Box, ...]
    size: tuple[int, int]


class Stitch(NamedTuple):
    """What LanPaint FLD Stitch needs: the picture, where the crops blend in, and the crops' layout."""
    original: torch.Tensor   # [B, H, W, C]
    weight: torch.Tensor     # [1 or B, H, W]: 0 outside the (grown) mask, 1 inside it past the feather
    groups: tuple[CropBatch, ...]


def grown_mask(mask: torch.Tensor, pixels: int) -> torch.Tensor:
    """The mask's largest value within `pixels` pixels (a square), so a region grows by that much."""
    if pixels == 0:
        return mask
    return F.max_pool2d(mask[:, None], 2 * pixels + 1, stride=1, padding=pixels)[:, 0]


def inner_feather(mask: torch.Tensor, feather: int) -> torch.Tensor:
    """Blend weight that is exactly 0 wherever the mask is 0 and rises to the mask's value within
    `feather` pixels inside its edge (Mask Blend's feather, turned inward)."""
    return 1 - feathered_weight(1 - mask, feather)


def crop_size(height: int, width: int, target: int, multiple: int) -> tuple[int, int]:
    """(height, width) with the long side at `target`, the aspect kept, both sides rounded to
    multiples of `multiple` (at least one multiple). A target below the box's size downsizes."""
    scale = target / max(height, width)

    def side(n):
        return max(multiple, round(n * scale / multiple) * multiple)
    return side(height), side(width)


def crop_groups(mask: torch.Tensor, padding: int, target: int, multiple: int) -> tuple[CropBatch, ...]:
    """The boxes around the mask's regions (mask > 0), grown by `padding`, grouped by resized size."""
    groups: dict[tuple[int, int], list[Box]] = {}
    for box in regen_boxes(mask, padding, 1, tuple(mask.shape[-2:])):
        top, bottom, left, right = box
        groups.setdefault(crop_size(bottom - top, right - left, target, multiple), []).append(box)
    return tuple(CropBatch(tuple(boxes), size) for size, boxes in groups.items())


def _channels_first(image):
    return image.movedim(-1, 1)


def resized(image: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """[N, H, W, C] resized to (height, width): bicubic, antialiased when it shrinks, kept in [0, 1]."""
    if tuple(image.shape[1:3]) == tuple(size):
        return image
    out = F.interpolate(_channels_first(image), size=size, mode="bicubic", antialias=True, align_corners=False)
    return out.movedim(1, -1).clamp(0, 1)


def resized_mask(mask: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(mask.shape[-2:]) == tuple(size):
        return mask
    return F.interpolate(mask[:, None], size=size, mode="bilinear", antialias=True, align_corners=False)[:, 0]


def crop_group(image: torch.Tensor, mask: torch.Tensor, group: CropBatch) -> tuple[torch.Tensor, torch.Tensor]:
    """The group's crops of image [B, H, W, C] and mask [B, H, W] (same batch), resized to its size,
    stacked box-major: [len(boxes) * B, h, w, C] and [len(boxes) * B, h, w]."""
    images = [resized(crop(_channels_first(image), box).movedim(1, -1), group.size) for box in group.boxes]
    masks = [resized_mask(crop(mask, box), group.size) for box in group.boxes]
    return torch.cat(images), torch.cat(masks).clamp(0, 1)


def _size(t) -> str:
    return f"{t.shape[-2]}x{t.shape[-1]}"


def picture_mask(image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mask as [B, H, W] at the image's batch; an error naming both sizes when they differ."""
    require_finite("LanPaint FLD Crop: the mask", mask,
                   advice="Check the node that made the mask (Load Image alpha, mask arithmetic).")
    mask = mask.reshape(-1, *mask.shape[-2:]).to(image.device, torch.float32)
    height, width = image.shape[1:3]
    if tuple(mask.shape[-2:]) != (height, width):
        raise ValueError(f"LanPaint FLD Crop: the mask is {_size(mask)} pixels but the image is {height}x{width}; "
                         f"give the mask of this image (or resize one to the other first).")
    if mask.shape[0] not in (1, image.shape[0]):
        raise ValueError(f"LanPaint FLD Crop: the mask batch {mask.shape[0]} does not match the image batch "
                         f"{image.shape[0]} (give one mask, or one per image).")
    return mask.expand(image.shape[0], -1, -1)


def crop_regions(image, mask, padding: int, target: int, grow: int, feather: int, multiple: int):
    """(crops, crop masks, Stitch): one image batch and one mask batch per CropBatch. A mask with
    nothing above 0 gives the image and mask back as they are, and a Stitch that returns the original."""
    mask = picture_mask(image, mask)
    grown = grown_mask(mask, grow)
    groups = crop_groups(grown, padding, target, multiple)
    record = Stitch(image, inner_feather(grown, feather), groups)
    if not groups:
        return [image], [mask], record
    crops = [crop_group(image, grown, group) for group in groups]
    return [c[0] for c in crops], [c[1] for c in crops], record


def stitched(record: Stitch, sampled: list[torch.Tensor]) -> torch.Tensor:
    """The original with each sampled crop resized back to its box and blended in by the weight;
    exactly the original wherever the weight is 0 (outside the mask). `sampled` holds one image
    batch per group, as crop_group stacked them."""
    if not record.groups:
        return record.original
    if len(sampled) != len(record.groups):
        raise ValueError(f"LanPaint FLD Stitch: {len(sampled)} sampled image batches for {len(record.groups)} crop "
                         f"sizes; connect the images decoded from LanPaint FLD Crop's crops, one run per crop size.")
    out = _channels_first(record.original).clone()
    batch = record.original.shape[0]
    for group, images in zip(record.groups, sampled):
        expected = (len(group.boxes) * batch, *group.size)
        if tuple(images.shape[:3]) != expected:
            raise ValueError(f"LanPaint FLD Stitch: the sampled images are {images.shape[0]} x "
                             f"{images.shape[1]}x{images.shape[2]}, the crops were {expected[0]} x "
                             f"{expected[1]}x{expected[2]}; decode the latent sampled from these crops (a VAE "
                             f"that needs another size multiple: set the Crop's size_multiple to it).")
        for box, part in zip(group.boxes, images.split(batch)):
            top, bottom, left, right = box
            back = _channels_first(resized(part.to(out.dtype), (bottom - top, right - left)))
            weight = crop(record.weight, box)[:, None].to(out.dtype)
            crop(out, box).copy_(mix(crop(out, box), back, weight))
    return out.movedim(1, -1)
