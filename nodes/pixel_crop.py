"""LanPaint FLD Crop / Stitch in pixel space: the regions of a mask cut out, resized to the model's
native size, and pasted back with a feathered edge (torch; images [B, H, W, C], masks [B, H, W]; the
host's Cancel is checked between boxes and inside the mask math, pixel_masks).

The boxes are crop_padding's (lanpaint_core.crop.regen_boxes): one per connected region of the mask
after padding, boxes that overlap merged. Each crop is resized so its long side is the target size,
both sides multiples of the model's size multiple (aspect kept up to that rounding); crops that come
out the same size form one batch, box-major. The crops of one run hold at most MAX_CROP_PIXELS pixels.
The math runs in float32 whatever the IMAGE's dtype; Stitch gives the picture back in its own dtype.
"""
from typing import NamedTuple

import torch
import torch.nn.functional as F

from ..lanpaint_core.crop import MAX_REGIONS, Box, TooManyRegions, crop, regen_boxes
from ..lanpaint_core.validation import require_finite
from .pixel_masks import check_interrupt, grown_mask, inner_feather, mix

# 32 crops of 1024 x 1024 (half a GB as float32 RGB and mask), or one of 5792 x 5792: more than any
# model samples in one run, and a few dots at a large target_size would otherwise take gigabytes
MAX_CROP_PIXELS = 1 << 25


class CropBatch(NamedTuple):
    """Boxes (in the picture) whose crops share one size (height, width) after resizing."""
    boxes: tuple[Box, ...]
    size: tuple[int, int]


class Stitch(NamedTuple):
    """What LanPaint FLD Stitch needs: the picture, where the crops blend in, and the crops' layout."""
    original: torch.Tensor   # [B, H, W, C]
    weight: torch.Tensor     # [1 or B, H, W]: 0 outside the (grown) mask, 1 inside it past the feather
    groups: tuple[CropBatch, ...]


def blend_weight(grown: torch.Tensor, groups: tuple[CropBatch, ...], feather: int) -> torch.Tensor:
    """inner_feather(grown, feather), computed only inside the boxes: outside them the mask is 0 and
    so is the weight. Each box is feathered with a margin of `feather` pixels around it, which holds
    every pixel its pixels' blur windows reach, so the weight is the whole picture's."""
    weight = torch.zeros_like(grown)
    height, width = grown.shape[-2:]
    for group in groups:
        for top, bottom, left, right in group.boxes:
            above, below = max(top - feather, 0), min(bottom + feather, height)
            before, after = max(left - feather, 0), min(right + feather, width)
            local = inner_feather(grown[..., above:below, before:after], feather)
            weight[..., top:bottom, left:right] = local[..., top - above:bottom - above, left - before:right - before]
    return weight


def crop_size(height: int, width: int, target: int, multiple: int) -> tuple[int, int]:
    """(height, width) with the long side at `target`, the aspect kept, both sides rounded to
    multiples of `multiple` (at least one multiple). A target below the box's size downsizes."""
    scale = target / max(height, width)

    def side(n):
        return max(multiple, round(n * scale / multiple) * multiple)
    return side(height), side(width)


def crop_groups(mask: torch.Tensor, padding: int, target: int, multiple: int) -> tuple[CropBatch, ...]:
    """The boxes around the mask's regions (mask > 0), grown by `padding`, grouped by resized size."""
    try:
        boxes = regen_boxes(mask, padding, 1, tuple(mask.shape[-2:]), check_interrupt)
    except TooManyRegions as e:
        raise ValueError(f"LanPaint FLD Crop: the mask has {e.count} separate regions at padding {padding}, more "
                         f"than the {MAX_REGIONS} crops one run makes; raise padding so nearby regions share a "
                         f"crop, or join them (mask_grow, or a smoother mask).") from None
    groups: dict[tuple[int, int], list[Box]] = {}
    for box in boxes:
        top, bottom, left, right = box
        groups.setdefault(crop_size(bottom - top, right - left, target, multiple), []).append(box)
    return tuple(CropBatch(tuple(boxes), size) for size, boxes in groups.items())


def check_crop_pixels(groups: tuple[CropBatch, ...], batch: int, target: int):
    """A clear error before allocating crops of more than MAX_CROP_PIXELS pixels in all."""
    crops = sum(len(g.boxes) for g in groups) * batch
    pixels = sum(len(g.boxes) * g.size[0] * g.size[1] for g in groups) * batch
    if pixels > MAX_CROP_PIXELS:
        sizes = ", ".join(f"{len(g.boxes) * batch} x {g.size[0]}x{g.size[1]}" for g in groups)
        raise ValueError(f"LanPaint FLD Crop: {crops} crop{'s' if crops > 1 else ''} ({sizes}) at target_size "
                         f"{target} are {pixels / 1e6:.1f} million pixels, more than the {MAX_CROP_PIXELS / 1e6:.1f} "
                         f"million one run makes; lower target_size, raise padding so nearby regions share a crop, "
                         f"or crop fewer images at once.")


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
    images, masks = [], []
    for box in group.boxes:
        check_interrupt()
        images.append(resized(crop(_channels_first(image), box).movedim(1, -1), group.size))
        masks.append(resized_mask(crop(mask, box), group.size))
    return torch.cat(images), torch.cat(masks).clamp(0, 1)


def _size(t) -> str:
    return f"{t.shape[-2]}x{t.shape[-1]}"


def picture_mask(image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mask as [1 or B, H, W] for the image's batch B; an error naming both sizes when they differ."""
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
    return mask


def crop_regions(image, mask, padding: int, target: int, grow: int, feather: int, multiple: int):
    """(crops, crop masks, Stitch): one image batch and one mask batch per CropBatch. A mask with
    nothing above 0 gives the image and mask back as they are, and a Stitch that returns the original."""
    mask = picture_mask(image, mask)
    batch = image.shape[0]
    grown = grown_mask(mask, grow)
    groups = crop_groups(grown, padding, target, multiple)
    if not groups:
        return [image], [mask.expand(batch, -1, -1)], Stitch(image, torch.zeros_like(mask), groups)
    check_crop_pixels(groups, batch, target)
    record = Stitch(image, blend_weight(grown, groups, feather), groups)
    picture, grown = image.to(torch.float32), grown.expand(batch, -1, -1)
    crops = [crop_group(picture, grown, group) for group in groups]
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
    out = _channels_first(record.original).to(torch.float32, copy=True)
    batch = record.original.shape[0]
    for group, images in zip(record.groups, sampled):
        expected = (len(group.boxes) * batch, *group.size)
        if tuple(images.shape[:3]) != expected:
            raise ValueError(f"LanPaint FLD Stitch: the sampled images are {images.shape[0]} x "
                             f"{images.shape[1]}x{images.shape[2]}, the crops were {expected[0]} x "
                             f"{expected[1]}x{expected[2]}; decode the latent sampled from these crops (a VAE "
                             f"that needs another size multiple: set the Crop's size_multiple to it).")
        channels = _blended_channels(record.original.shape[-1], images.shape[-1])
        for box, part in zip(group.boxes, images.split(batch)):
            check_interrupt()
            top, bottom, left, right = box
            back = _channels_first(resized(part[..., :channels].to(torch.float32), (bottom - top, right - left)))
            weight = crop(record.weight, box)[:, None]
            kept = crop(out, box)[:, :channels]
            kept.copy_(mix(kept, back, weight))
    return out.movedim(1, -1).to(record.original.dtype)


def _blended_channels(picture: int, sampled: int) -> int:
    """How many leading channels the sampled crops replace: all the picture's, or its colour (RGB)
    where one of the two carries an alpha channel the other lacks (the picture's alpha is kept)."""
    if sampled == picture or min(sampled, picture) == 3:
        return min(sampled, picture)
    raise ValueError(f"LanPaint FLD Stitch: the sampled images have {sampled} channels, the picture {picture}; "
                     f"connect the decoded crops (RGB) of this picture.")
