"""LanPaint FLD Side by Side: the picture with its hole, the stock result and the LanPaint FLD result in
one labelled picture, enlarged without smoothing, so the difference shows at a glance (the demo
workflow's output; any stock-against-LanPaint comparison of one latent)."""
import logging

import torch
import torch.nn.functional as F

from .pixel_masks import MAX_VAE_CROP, centre_crop
from .pixel_font import GLYPH_H, text_mask, text_size

LABELS = ("with the hole", "stock sampler", "LanPaint FLD")
HOLE_RGB = (1.0, 60 / 255, 200 / 255)     # the video mask editor's colour for "repaint"
BACKGROUND, INK = 0.12, 0.92
MAX_PANEL_SIDE = 1024                     # the enlargement stops here (pictures are never shrunk)
NAME = "LanPaint FLD Side by Side"
log = logging.getLogger("LanPaint")


def enlargement(height: int, width: int, scale: int) -> int:
    """The whole-number enlargement used: ``scale``, lowered so a panel stays within MAX_PANEL_SIDE."""
    return max(1, min(scale, MAX_PANEL_SIDE // max(height, width)))


def with_hole(image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """[B, H, W, 3]: the picture with the mask's area painted in HOLE_RGB (a soft mask blends)."""
    m = mask.clamp(0, 1).unsqueeze(-1)
    return image * (1 - m) + torch.tensor(HOLE_RGB, dtype=image.dtype, device=image.device) * m


def _same_batch(inputs: dict) -> list:
    """The inputs expanded to one batch size; each must hold one picture or as many as the largest."""
    size = max(t.shape[0] for t in inputs.values())
    if any(t.shape[0] not in (1, size) for t in inputs.values()):
        counts = ", ".join(f"{name} {t.shape[0]}" for name, t in inputs.items())
        raise ValueError(f"{NAME}: the inputs hold different numbers of pictures ({counts}); give each one picture "
                         f"or as many as the others.")
    return [t.expand(size, *t.shape[1:]) for t in inputs.values()]


def _mask_over_frames(mask: torch.Tensor, frames: int) -> torch.Tensor:
    """A mask of several frames for a video of another frame count, resampled in time (nearest frame)
    with a warning, as LanPaint FLD Video Mask does; one mask, or one a frame, is returned as is."""
    if mask.shape[0] in (1, frames):
        return mask
    log.warning("%s: the mask has %d frames, the video %d; resampled the mask in time.", NAME, mask.shape[0], frames)
    nearest = ((torch.arange(frames, device=mask.device) + 0.5) * mask.shape[0] / frames).long()
    return mask[nearest]


def _common_size(image: torch.Tensor, mask: torch.Tensor, stock: torch.Tensor, lanpaint: torch.Tensor):
    """image and mask cut to the results' size (the results went through VAE Encode's crop to a multiple
    of 8), or ValueError naming the input that does not fit."""
    if stock.shape[1:3] != lanpaint.shape[1:3]:
        raise ValueError(f"{NAME}: 'stock' is {stock.shape[2]}x{stock.shape[1]} and 'lanpaint' "
                         f"{lanpaint.shape[2]}x{lanpaint.shape[1]}; give it the two results of one latent.")
    h, w = stock.shape[1:3]
    dh, dw = image.shape[1] - h, image.shape[2] - w
    if not (0 <= dh < MAX_VAE_CROP and 0 <= dw < MAX_VAE_CROP):
        raise ValueError(f"{NAME}: 'image' is {image.shape[2]}x{image.shape[1]} and the results {w}x{h}; give it "
                         f"the picture the results were sampled from.")
    if mask.shape[-2:] != image.shape[1:3]:
        mask = F.interpolate(mask.unsqueeze(1), size=image.shape[1:3], mode="bilinear").squeeze(1)
    return centre_crop(image, h, w), centre_crop(mask, h, w)


def side_by_side(image: torch.Tensor, mask: torch.Tensor, stock: torch.Tensor, lanpaint: torch.Tensor,
                 scale: int) -> torch.Tensor:
    """[B, H', W', 3]: per picture, three labelled columns (the hole, stock, LanPaint FLD)."""
    image, stock, lanpaint = image[..., :3], stock[..., :3], lanpaint[..., :3]
    mask = mask.reshape(-1, *mask.shape[-2:]).to(image.device, image.dtype)
    image, mask = _common_size(image, mask, stock, lanpaint)
    mask = _mask_over_frames(mask, max(image.shape[0], stock.shape[0], lanpaint.shape[0]))
    image, mask, stock, lanpaint = _same_batch({"image": image, "mask": mask, "stock": stock, "lanpaint": lanpaint})
    panels = [with_hole(image, mask), stock.to(image), lanpaint.to(image)]
    h, w = image.shape[1:3]
    s = enlargement(h, w, scale)
    ph, pw = h * s, w * s
    ts = max(1, min(4, pw // 96))                        # font pixel size: labels about a panel's width
    pad = 4 * ts
    labels = [text_mask(label, ts) for label in LABELS]
    col = max(pw, *(text_size(label.upper(), ts)[0] for label in LABELS))
    sheet = torch.full((image.shape[0], 3 * pad + GLYPH_H * ts + ph, pad + 3 * (col + pad), 3), BACKGROUND,
                       dtype=image.dtype, device=image.device)
    for i, (panel, label) in enumerate(zip(panels, labels)):
        x = pad + i * (col + pad)
        lh, lw = label.shape
        lx = x + (col - lw) // 2
        sheet[:, pad:pad + lh, lx:lx + lw][:, label.to(image.device)] = INK
        px = x + (col - pw) // 2
        big = panel.repeat_interleave(s, 1).repeat_interleave(s, 2)
        sheet[:, 2 * pad + lh:2 * pad + lh + ph, px:px + pw] = big.clamp(0, 1)
    return sheet


class LanPaintSideBySide:
    DESCRIPTION = ("One picture for comparing: the input with its hole (magenta), the stock sampler's result and "
                   "LanPaint FLD's, labelled and enlarged without smoothing (each pixel a square), so small "
                   "pictures can be judged by eye.")
    CATEGORY = "image/LanPaint FLD"
    RETURN_TYPES = ("IMAGE",)
    OUTPUT_TOOLTIPS = ("The three pictures side by side, labelled; one per picture of the batch.",)
    FUNCTION = "compare"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "image": ("IMAGE", {"tooltip": "The picture the two results were sampled from."}),
            "mask": ("MASK", {"tooltip": "Its hole (1 = repainted), drawn in magenta."}),
            "stock": ("IMAGE", {"tooltip": "The stock sampler's result (decoded)."}),
            "lanpaint": ("IMAGE", {"tooltip": "LanPaint FLD's result of the same latent (decoded)."}),
            "scale": ("INT", {"default": 4, "min": 1, "max": 16, "step": 1,
                              "tooltip": "Enlargement, nearest neighbour; lowered where a panel would pass %d px."
                                         % MAX_PANEL_SIDE}),
        }}

    def compare(self, image, mask, stock, lanpaint, scale):
        return (side_by_side(image, mask, stock, lanpaint, scale),)
