"""LanPaint FLD Mask Blend: paste the original back outside the mask, with a feathered seam (the math:
pixel_masks.blend)."""
from .pixel_masks import blend


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
