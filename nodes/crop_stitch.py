"""LanPaint FLD Crop and LanPaint FLD Stitch: sample small regions of a big picture at the model's
native size (the math: pixel_crop)."""
from .pixel_crop import crop_regions, stitched
from .settings import MAX_CROP_PADDING

STITCH_TYPE = "LANPAINT_STITCH"


class LanPaintCrop:
    DESCRIPTION = ("Cuts each region of the mask (with some context around it) out of the picture and resizes "
                   "it to the model's native size, so a small face or hand gets the model's full detail. Encode, "
                   "sample and decode the crops, then paste them back with LanPaint FLD Stitch. Crops of one "
                   "size come as one batch; crops of different sizes as a list (the nodes after run once each).")
    CATEGORY = "image/LanPaint FLD"
    RETURN_TYPES = ("IMAGE", "MASK", STITCH_TYPE)
    RETURN_NAMES = ("image", "mask", "stitch")
    OUTPUT_IS_LIST = (True, True, False)
    OUTPUT_TOOLTIPS = ("The crops, resized: one batch per crop size (the input image as it is when the mask is "
                       "empty).",
                       "The mask of each crop, for Set Latent Noise Mask.",
                       "Where the crops go back: for LanPaint FLD Stitch.")
    FUNCTION = "crop"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "image": ("IMAGE", {"tooltip": "The picture to repair."}),
            "mask": ("MASK", {"tooltip": "The area to repaint (1 = repaint), the image's size. Each separate "
                                         "region gets its own crop."}),
            "padding": ("INT", {"default": 128, "min": 0, "max": MAX_CROP_PADDING, "step": 1,
                                "tooltip": "Pixels of context around each region; regions whose crops overlap "
                                           "share one."}),
            "target_size": ("INT", {"default": 1024, "min": 64, "max": 8192, "step": 8,
                                    "tooltip": "Long side of each crop after resizing, in pixels: the model's "
                                               "native size (1024 for SD XL and Flux, 512 for SD 1.5). A crop "
                                               "larger than this is scaled down."}),
        }, "optional": {
            "mask_grow": ("INT", {"default": 0, "min": 0, "max": 1024, "step": 1,
                                  "tooltip": "Grow the mask by this many pixels first (the grown area is "
                                             "repainted too)."}),
            "feather": ("INT", {"default": 8, "min": 0, "max": 256, "step": 1,
                                "tooltip": "Width in pixels, inside the mask's edge, over which the repainted "
                                           "crop blends into the picture; outside the mask the picture stays "
                                           "exactly as it was."}),
            "size_multiple": ("INT", {"default": 8, "min": 1, "max": 128, "step": 1,
                                      "tooltip": "Crop sides are multiples of this: the VAE's scale, 8 for SD, "
                                                 "SD XL and Flux.1, 16 for Flux.2 and Wan 2.2 TI2V."}),
        }}

    def crop(self, image, mask, padding, target_size, mask_grow=0, feather=8, size_multiple=8):
        return crop_regions(image, mask, padding, target_size, mask_grow, feather, size_multiple)


class LanPaintStitch:
    DESCRIPTION = ("Pastes the sampled crops of LanPaint FLD Crop back into the picture, resized to their "
                   "boxes, with a feathered edge inside the mask; everything outside the mask is the input "
                   "picture exactly.")
    CATEGORY = "image/LanPaint FLD"
    INPUT_IS_LIST = True
    RETURN_TYPES = ("IMAGE",)
    OUTPUT_TOOLTIPS = ("The whole picture with the repaired regions.",)
    FUNCTION = "stitch"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "stitch": (STITCH_TYPE, {"tooltip": "The stitch output of LanPaint FLD Crop."}),
            "image": ("IMAGE", {"tooltip": "The decoded samples of the crops (VAE Decode after the sampler)."}),
        }}

    def stitch(self, stitch, image):
        if len(stitch) != 1:
            raise ValueError(f"LanPaint FLD Stitch: connect one LanPaint FLD Crop's stitch output (got {len(stitch)}).")
        return (stitched(stitch[0], image),)
