"""LanPaint FLD Mask Blend: paste the original back outside the mask, with a feathered seam."""
import torch
import torch.nn.functional as F


def feathered_weight(mask: torch.Tensor, feather: int) -> torch.Tensor:
    """1 inside the mask, falling to exactly 0 within `feather` pixels outside it ([B, H, W])."""
    w = mask.unsqueeze(1)
    for radius in (feather // 2, feather - feather // 2):  # two box blurs: a tent of support `feather`
        if radius > 0:
            w = F.avg_pool2d(F.pad(w, (radius,) * 4, mode="replicate"), 2 * radius + 1, stride=1)
    return torch.maximum(w.squeeze(1), mask).clamp(0, 1)


# VAE Encode centre-crops images to multiples of its downscale factor (8, 16 for some models).
MAX_VAE_CROP = 16


def _centre_crop(t: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Crop [B, H, W, ...] the way VAE Encode does: offsets (H - height) // 2, (W - width) // 2."""
    top, left = (t.shape[1] - height) // 2, (t.shape[2] - width) // 2
    return t[:, top:top + height, left:left + width]


def blend(original: torch.Tensor, inpainted: torch.Tensor, mask: torch.Tensor, feather: int) -> torch.Tensor:
    mask = mask.reshape(-1, mask.shape[-2], mask.shape[-1]).to(original.device, torch.float32)
    if mask.shape[0] not in (1, original.shape[0]):
        raise ValueError(f"LanPaint FLD Mask Blend: the mask batch {mask.shape[0]} does not match the image "
                         f"batch {original.shape[0]}.")
    if mask.shape[-2:] != original.shape[1:3]:
        mask = F.interpolate(mask.unsqueeze(1), size=original.shape[1:3], mode="bilinear").squeeze(1)
    dh, dw = original.shape[1] - inpainted.shape[1], original.shape[2] - inpainted.shape[2]
    if original.shape != inpainted.shape:
        if original.shape[::3] != inpainted.shape[::3] or not (0 <= dh < MAX_VAE_CROP and 0 <= dw < MAX_VAE_CROP):
            raise ValueError(f"LanPaint FLD Mask Blend: the original image {tuple(original.shape)} and the inpainted "
                             f"image {tuple(inpainted.shape)} differ in size; decode the inpainted latent of "
                             f"the same image, or scale one to the other first.")
        # the inpainted image went through VAE Encode's crop: compare like with like
        original = _centre_crop(original, *inpainted.shape[1:3])
        mask = _centre_crop(mask, *inpainted.shape[1:3])
    return mix(original, inpainted, feathered_weight(mask, feather).unsqueeze(-1).to(original.dtype))


def mix(original: torch.Tensor, inpainted: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """original * (1 - w) + inpainted * w, and exactly the original where w is 0."""
    return torch.where(w > 0, original * (1 - w) + inpainted * w, original)


class LanPaintMaskBlend:
    DESCRIPTION = ("Pastes the original image back outside the mask with a feathered seam, so only the "
                   "masked area (and a thin seam) comes from the inpainted image; hides VAE round-trip "
                   "changes elsewhere.")
    CATEGORY = "image/LanPaint FLD"
    RETURN_TYPES = ("IMAGE",)
    OUTPUT_TOOLTIPS = ("Original outside the mask, inpainted inside, blended over the feather width.",)
    FUNCTION = "blend"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "original": ("IMAGE", {"tooltip": "The image before inpainting."}),
            "inpainted": ("IMAGE", {"tooltip": "The decoded inpainting result: the original's size, or "
                                    "that size cropped by VAE Encode to a multiple of 8."}),
            "mask": ("MASK", {"tooltip": "The inpainting mask (1 = inpainted area)."}),
            "feather": ("INT", {"default": 9, "min": 0, "max": 256, "step": 1,
                                "tooltip": "Width in pixels of the seam outside the mask over which the "
                                           "two images are blended."}),
        }}

    def blend(self, original, inpainted, mask, feather):
        return (blend(original, inpainted, mask, feather),)
