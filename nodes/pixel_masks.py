"""Pixel-space mask math of LanPaint FLD Mask Blend and Crop / Stitch: grow, feather, blend (torch;
images [B, H, W, C], masks [B, H, W]).

Every operation costs a few passes over the pixels whatever its radius: growing is a sliding maximum
in O(log radius) passes (lanpaint_core.crop.sliding_max), feathering two box blurs by running sums.
Between passes they check the host's Cancel, so a big picture stops within a pass.
"""
import comfy.model_management
import torch

from ..lanpaint_core.crop import sliding_max

# VAE Encode centre-crops images to multiples of its downscale factor (8, 16 for some models).
MAX_VAE_CROP = 16


def check_interrupt():
    """Raise the host's InterruptProcessingException once the user pressed Cancel."""
    comfy.model_management.throw_exception_if_processing_interrupted()


def grown_mask(mask: torch.Tensor, pixels: int) -> torch.Tensor:
    """The mask's largest value within `pixels` pixels (a square), so a region grows by that much."""
    rows = sliding_max(mask, pixels, -2, check_interrupt)
    return sliding_max(rows, pixels, -1, check_interrupt)


def _box_mean(x: torch.Tensor, radius: int, dim: int) -> torch.Tensor:
    """Mean over [i - radius, i + radius] along `dim`, the edge values repeated outward, from a
    running sum in float64 (a window of zeros gives exactly 0, of ones exactly 1)."""
    n = x.shape[dim]
    edge = list(x.shape)
    edge[dim] = radius
    start = x.narrow(dim, 0, 1).expand(edge)
    end = x.narrow(dim, n - 1, 1).expand(edge)
    edge[dim] = 1
    zero = x.new_zeros(edge)
    sums = torch.cat([zero, start, x, end], dim).to(torch.float64).cumsum(dim)
    window = 2 * radius + 1
    return ((sums.narrow(dim, window, n) - sums.narrow(dim, 0, n)) / window).to(x.dtype)


def feathered_weight(mask: torch.Tensor, feather: int) -> torch.Tensor:
    """1 inside the mask, falling to exactly 0 within `feather` pixels outside it ([B, H, W])."""
    w = mask
    for radius in (feather // 2, feather - feather // 2):  # two box blurs: a tent of support `feather`
        if radius > 0:
            check_interrupt()
            w = _box_mean(w, radius, -2)
            check_interrupt()
            w = _box_mean(w, radius, -1)
    return torch.maximum(w, mask).clamp(0, 1)


def inner_feather(mask: torch.Tensor, feather: int) -> torch.Tensor:
    """Blend weight that is exactly 0 wherever the mask is 0 and rises to the mask's value within
    `feather` pixels inside its edge (Mask Blend's feather, turned inward)."""
    return 1 - feathered_weight(1 - mask, feather)


def mix(original: torch.Tensor, inpainted: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """original * (1 - w) + inpainted * w, and exactly the original where w is 0."""
    return torch.where(w > 0, original * (1 - w) + inpainted * w, original)


def centre_crop(t: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Crop [B, H, W, ...] the way VAE Encode does: offsets (H - height) // 2, (W - width) // 2."""
    top, left = (t.shape[1] - height) // 2, (t.shape[2] - width) // 2
    return t[:, top:top + height, left:left + width]


def blend(original: torch.Tensor, inpainted: torch.Tensor, mask: torch.Tensor, feather: int) -> torch.Tensor:
    """LanPaint FLD Mask Blend: the original outside the mask, the inpainted image inside, blended
    over `feather` pixels outside the mask's edge."""
    mask = mask.reshape(-1, mask.shape[-2], mask.shape[-1]).to(original.device, torch.float32)
    if mask.shape[0] not in (1, original.shape[0]):
        raise ValueError(f"LanPaint FLD Mask Blend: the mask batch {mask.shape[0]} does not match the image "
                         f"batch {original.shape[0]}.")
    if mask.shape[-2:] != original.shape[1:3]:
        mask = torch.nn.functional.interpolate(mask.unsqueeze(1), size=original.shape[1:3], mode="bilinear")[:, 0]
    dh, dw = original.shape[1] - inpainted.shape[1], original.shape[2] - inpainted.shape[2]
    if original.shape != inpainted.shape:
        if original.shape[::3] != inpainted.shape[::3] or not (0 <= dh < MAX_VAE_CROP and 0 <= dw < MAX_VAE_CROP):
            raise ValueError(f"LanPaint FLD Mask Blend: the original image {tuple(original.shape)} and the inpainted "
                             f"image {tuple(inpainted.shape)} differ in size; decode the inpainted latent of "
                             f"the same image, or scale one to the other first.")
        # the inpainted image went through VAE Encode's crop: compare like with like
        original = centre_crop(original, *inpainted.shape[1:3])
        mask = centre_crop(mask, *inpainted.shape[1:3])
    return mix(original, inpainted, feathered_weight(mask, feather).unsqueeze(-1).to(original.dtype))
